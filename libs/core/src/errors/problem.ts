/** What a problem code means over HTTP: its status and a short, stable title. */
export interface ProblemSpec {
  status: number;
  title: string;
  /** Seconds a client should wait before retrying, sent as `Retry-After` (503, 429, 409 in progress). */
  retryAfter?: number;
  /** What the code means and what a client can do about it, shown on the code's problem page. */
  description?: string;
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

/** Where the problem pages are served, outside the versioned API prefix. */
export const PROBLEM_PAGES_PATH = '/problems';

/** `REGION_NOT_FOUND` → `region-not-found`: the last segment of the code's `type` URI. */
export function problemSlug(code: string): string {
  return code.toLowerCase().replace(/_/g, '-');
}

/**
 * The `type` URI of a code: its problem page, absolute when the public base URL is known
 * (`https://sunshine.example.gov.cn/problems/region-not-found`), else a relative reference.
 */
export function problemType(code: string, baseUrl = ''): string {
  return `${baseUrl}${PROBLEM_PAGES_PATH}/${problemSlug(code)}`;
}

const registry = new Map<string, ProblemSpec>();

/**
 * Adds a context's catalog to the registry of every code the API can answer with, which the
 * problem pages serve. `defineErrors` calls it, so each context's errors file registers its own.
 */
export function registerProblemCatalog(catalog: Record<string, ProblemSpec>): void {
  for (const [code, spec] of Object.entries(catalog)) {
    const known = registry.get(code);
    if (known && (known.status !== spec.status || known.title !== spec.title))
      throw new Error(`Problem code ${code} is declared twice with different meanings`);
    registry.set(code, spec);
  }
}

/** Every registered code with its spec, sorted by code. */
export function registeredProblems(): [code: string, spec: ProblemSpec][] {
  return [...registry].sort(([a], [b]) => a.localeCompare(b));
}

/** The registered code whose slug this is, if any. */
export function problemBySlug(slug: string): { code: string; spec: ProblemSpec } | undefined {
  const code = slug.toUpperCase().replace(/-/g, '_');
  const spec = problemSlug(code) === slug ? registry.get(code) : undefined;
  return spec ? { code, spec } : undefined;
}
