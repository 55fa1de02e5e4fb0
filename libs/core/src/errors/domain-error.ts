import { FieldError, ProblemCatalog, ProblemSpec, registerProblemCatalog } from './problem';

/** An expected outcome a client must handle, carried to the reply as a problem. */
export class DomainError extends Error {
  /** Reply headers the problem needs (`Retry-After`, `WWW-Authenticate`). */
  readonly headers: Record<string, string> = {};

  constructor(
    readonly code: string,
    readonly spec: ProblemSpec,
    detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? spec.title);
    this.name = 'DomainError';
  }

  get detail(): string {
    return this.message;
  }

  /** Adds reply headers, e.g. `throw accessError(…).withHeaders({ 'retry-after': '60' })`. */
  withHeaders(headers: Record<string, string>): this {
    Object.assign(this.headers, headers);
    return this;
  }
}

/**
 * Builds the error factory of a context from its catalog: `regionError(RegionErrorCode.NotFound, '…')`.
 * The catalog joins the registry the problem pages are served from.
 */
export function defineErrors<C extends string>(catalog: ProblemCatalog<C>) {
  registerProblemCatalog(catalog);
  return (code: C, detail?: string, errors?: FieldError[]): DomainError =>
    new DomainError(code, catalog[code], detail, errors);
}
