import { ConfigError } from '../config/app-config';

/**
 * What a process prints when it cannot start: one plain line with the cause (no stack, never
 * `undefined`). Configuration errors keep their own form, one line per bad setting.
 */
export function startFailureMessage(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  return `Cannot start: ${describe(error)}`;
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describe))].join('; '); // e.g. a connection refused on IPv4 and IPv6
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return oneLine(error.message || code || error.name);
  }
  if (error === undefined || error === null) return 'an error without a description was thrown';
  return oneLine(typeof error === 'string' ? error : JSON.stringify(error));
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
