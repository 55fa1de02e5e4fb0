/** What a problem code means over HTTP: its status and a short, stable title. */
export interface ProblemSpec {
  status: number;
  title: string;
  /** Seconds a client should wait before retrying, sent as `Retry-After` (503, 429, 409 in progress). */
  retryAfter?: number;
}

/** A context's error codes mapped to their specs; a code missing from the map fails to compile. */
export type ProblemCatalog<C extends string> = Record<C, ProblemSpec>;

export interface FieldError {
  field: string;
  messages: string[];
}

/** RFC 9457 problem details, with a stable machine `code`. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}
