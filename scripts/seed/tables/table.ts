import type { SeedPlan } from '../plan';

/** What a table generator needs besides the plan (made once per worker). */
export interface TableContext {
  plan: SeedPlan;
  /** The one password hash every seeded account gets (see README). */
  passwordHash: string;
  encrypt(value: string): Buffer;
  hmac(value: string): Buffer;
}

/** One table the seed loads: its columns in COPY order and its rows as COPY text lines. */
export interface TableSpec {
  name: string;
  columns: readonly string[];
  rows(ctx: TableContext): Iterable<string>;
}
