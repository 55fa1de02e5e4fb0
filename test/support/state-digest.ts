import { Client } from 'pg';

/**
 * A row's version: the transaction that wrote it. Any committed INSERT, UPDATE (even of equal values)
 * or DELETE changes a table's count or its sum of these; a read does not (SELECT … FOR UPDATE marks
 * xmax). Four times cheaper than hashing every row's text (the 18,248 regions: 4 ms against 17).
 */
const ROW_VERSION = `x.xmin::text::numeric`;

/**
 * What may change when the API refuses a request, and why; everything else in `public` must not.
 * Each entry is the SQL expression a table's rows are hashed by, or null to leave the table out.
 */
const CHANGES_ON_REFUSAL: Readonly<Record<string, { rows: string | null; where?: string; why: string }>> = {
  auth_throttle: {
    rows: null,
    why: 'failed-attempt counters and lockouts of sign-in and password change: they count refusals',
  },
  audit_log: {
    rows: ROW_VERSION,
    where: `x.result = 'success'`,
    why: 'refusals are audited (access.denied, failed sign-ins) by design; a refused request must not log a success',
  },
  auth_session: {
    // By content: touching last_seen_at writes a new row version.
    rows: `hashtextextended((to_jsonb(x) - 'last_seen_at')::text, 0)::numeric`,
    why: 'the activity mark is touched (at most once a minute) by any signed-in request, refused or not',
  },
};

/**
 * Refusals that change state by design, by problem code: the tables they may change, and why.
 * Any other table changed by such a refusal still fails the property.
 */
export const REFUSALS_THAT_WRITE: Readonly<Record<string, { tables: readonly string[]; why: string }>> = {
  REFRESH_TOKEN_REUSED: {
    tables: ['auth_session'],
    why: 'a spent refresh token presented again ends its whole session (theft detection)',
  },
};

/**
 * Tables compared per batch of requests (an operation's attacks) rather than after each one: no
 * route writes them, and the 18,248 regions are most of the digest's cost (a scan per request).
 */
const PER_BATCH = ['region'];

/** One value per table: its row count and the sum of its rows' versions (or hashes). */
export type Digest = ReadonlyMap<string, string>;

/**
 * A digest of every table of `public` in one statement, on a connection of its own (not the app's
 * pool), so that "a refused request changed nothing" is one comparison.
 */
export class StateDigest {
  private constructor(
    private readonly client: Client,
    private readonly sql: { request: string; batch: string },
    /** The tables covered, for the report. */
    readonly tables: readonly string[],
  ) {}

  static async open(url: string): Promise<StateDigest> {
    const client = new Client({ connectionString: url, application_name: 'attack-digest' });
    await client.connect();
    // Ordinary and partitioned tables (a partitioned one is read through its parent).
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    );
    const tables = rows.map((r) => r.name);
    const statement = (names: string[]) =>
      names
        .flatMap((name) => {
          const rule = CHANGES_ON_REFUSAL[name] ?? { rows: ROW_VERSION };
          if (rule.rows === null) return [];
          return [
            `SELECT '${name}' AS t, count(*) || ':' || coalesce(sum(${rule.rows}), 0) AS d
             FROM public."${name}" x${rule.where ? ` WHERE ${rule.where}` : ''}`,
          ];
        })
        .join('\nUNION ALL\n');
    const sql = {
      request: statement(tables.filter((t) => !PER_BATCH.includes(t))),
      batch: statement(tables.filter((t) => PER_BATCH.includes(t))),
    };
    return new StateDigest(client, sql, tables);
  }

  /** Tables left out, narrowed or compared per batch, and refusals that write by design, with the reason. */
  static exclusions(): string[] {
    return [
      `${PER_BATCH.join(', ')} (per operation, not per request): no route writes it, and it is most of the digest's cost`,
      ...Object.entries(CHANGES_ON_REFUSAL).map(
        ([table, rule]) => `${table}${rule.rows === null ? ' (left out)' : ' (narrowed)'}: ${rule.why}`,
      ),
      ...Object.entries(REFUSALS_THAT_WRITE).map(([code, rule]) => `${rule.tables.join(', ')} on ${code}: ${rule.why}`),
    ];
  }

  /** Every table but those of PER_BATCH: after each request. */
  take(): Promise<Digest> {
    return this.run('state-digest', this.sql.request);
  }

  /** The tables of PER_BATCH: before and after a batch of requests. */
  takeBatch(): Promise<Digest> {
    return this.run('state-digest-batch', this.sql.batch);
  }

  private async run(name: string, text: string): Promise<Digest> {
    // Named: planned once for the connection, not on every call (a UNION of 40-odd scans).
    const { rows } = await this.client.query<{ t: string; d: string }>({ name, text });
    return new Map(rows.map((r) => [r.t, r.d]));
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/** The tables whose digest differs. */
export function changedTables(before: Digest, after: Digest): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((t) => before.get(t) !== after.get(t)).sort();
}
