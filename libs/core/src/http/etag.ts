import { coreError, CoreErrorCode } from '../errors/core.errors';

/** The strong ETag of a resource at `version`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Checks `If-Match` against the resource's current version: absent is 428, stale is 412, so no
 * update can silently overwrite another.
 */
export function assertIfMatch(ifMatch: string | string[] | undefined, version: number): void {
  if (ifMatch === undefined || ifMatch === '') {
    throw coreError(CoreErrorCode.PreconditionRequired, 'Send the ETag you read as If-Match.');
  }
  const tags = (Array.isArray(ifMatch) ? ifMatch.join(',') : ifMatch).split(',').map((t) => t.trim());
  if (!tags.includes('*') && !tags.includes(etagOf(version))) {
    throw coreError(
      CoreErrorCode.PreconditionFailed,
      `The current ETag is ${etagOf(version)}; read it again and reapply your change.`,
    );
  }
}
