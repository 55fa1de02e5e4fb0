import { Injectable } from '@nestjs/common';
import { Db, Queryable, timestampKeySql } from '@sunshine/core';

import { BundleColumns, bundleOf, ContentBundle, contentBundleColumns } from '../content.repository';
import { D_COLUMNS, DisclosureRow, R_COLUMNS_APART, revisionOf, RevisionRow } from '../disclosures.repository';
import { TitleSearchStart, titleSearchStart, TitleStatistics } from './title-statistics';

export interface ListFilter {
  /** The ancestor column matching the region's level, and the region's code. */
  column: 'region_code' | 'township_code' | 'county_code' | 'city_code' | 'province_code';
  regionCode: string;
  category?: string;
  fromPeriodStart?: string;
  toPeriodEnd?: string;
  /** Text the title contains (case-insensitive). */
  text?: string;
  before?: [string, string];
  limit: number;
  /** Statement timeout of the read, in ms: past it the query is cancelled (SQLSTATE 57014, a 503). */
  timeoutMs: number;
  /** Rows a filtered list reads at most (PUBLIC_LIST_SCAN_ROWS); unset, it reads until its page is full. */
  scanRows?: number;
}

export interface ListRow {
  id: string;
  region_code: string;
  category: string;
  period: string;
  title: string;
  published_revision: number;
  /**
   * `published_at` at full precision, for the cursor (timestampKeySql), and the reply's time
   * (instantOfTimestampKey): the column itself is not read.
   */
  published_key: string;
}

export interface PeriodTotalsRow {
  period: string;
  income: string;
  expense: string;
  surplus: string;
}

export interface AccountTotalsRow {
  period: string;
  direction: 'income' | 'expense';
  account_code: string;
  total: string;
  lines: number;
}

/** A village's finances and its region's content version, read together. */
export interface VersionedFinances {
  periods: PeriodTotalsRow[];
  accounts: AccountTotalsRow[];
  contentVersion: string;
}

/** A visible disclosure, its current revision with that revision's content, its published revisions, and its region's content version. */
export interface VersionedDetail {
  disclosure: DisclosureRow;
  revision: RevisionRow;
  content: ContentBundle;
  revisions: Pick<RevisionRow, 'number' | 'published_at' | 'correction_reason'>[];
  contentVersion: string;
}

export const LEVEL_COLUMN: Record<number, ListFilter['column']> = {
  1: 'province_code',
  2: 'city_code',
  3: 'county_code',
  4: 'township_code',
  5: 'region_code',
};

const COLUMNS = `d.id, d.region_code::text, d.category, d.period, d.title, d.published_revision,
  ${timestampKeySql('d.published_at')} AS published_key`;

/** Rows of a region, newest first, that a title search reads before it turns to the title index. */
export const SEARCH_WINDOW = 1000;
/** Matches the title index path sorts at most; a word with more is common enough to walk the region's newest rows for. */
export const SEARCH_CANDIDATES = 5000;
/** Matches the title index is asked for at most before the newest rows, for a word the statistics do not list. */
export const SEARCH_PROBE = 200;

/** A statement and its parameters. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** A published disclosure with its content, revisions and content version (detailWithVersion): one text, made once. */
const PUBLISHED_DETAIL_SQL = `SELECT ${D_COLUMNS}, ${R_COLUMNS_APART}, ${contentBundleColumns('r.id')},
     coalesce((SELECT v.version FROM region_content_version v WHERE v.region_code = d.region_code), 0)::text AS content_version,
     p.numbers AS revision_numbers, p.times AS revision_times, p.reasons AS revision_reasons
   FROM disclosure d
   JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
   CROSS JOIN LATERAL (
     SELECT array_agg(x.number ORDER BY x.number) AS numbers, array_agg(x.published_at ORDER BY x.number) AS times,
       array_agg(x.correction_reason ORDER BY x.number) AS reasons
     FROM disclosure_revision x WHERE x.disclosure_id = d.id AND x.status = 'published') p
   WHERE d.id = $1 AND d.status <> 'draft'`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are typed by the caller
const run = (q: Queryable, { sql, params }: Statement): Promise<any> => q.query(sql, params);

/** Numbered parameters and the conditions that use them. */
class Conditions {
  readonly where: string[] = [];

  constructor(readonly params: unknown[] = []) {}

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(sql: string): this {
    this.where.push(sql);
    return this;
  }

  get sql(): string {
    return this.where.length ? this.where.join(' AND ') : 'true';
  }
}

/**
 * A row count (a page's limit), written into the statement rather than passed as a parameter: with
 * `LIMIT $n` PostgreSQL's generic plan assumes a tenth of the rows will be read and loses to a
 * custom plan, so the statement was planned again on every execution (a county's list at scale 1:
 * 170 µs of backend CPU a statement, 67 with the limit written in). A few statements per page size.
 */
function rowCount(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a row count: ${value}`);
  return String(value);
}

/** Category, period range and title text, on the rows of `alias`. */
function addFilters(c: Conditions, alias: string, f: ListFilter): void {
  if (f.category) c.add(`${alias}.category = ${c.param(f.category)}`);
  if (f.fromPeriodStart) c.add(`${alias}.period_start >= ${c.param(f.fromPeriodStart)}::date`);
  if (f.toPeriodEnd) c.add(`${alias}.period_end <= ${c.param(f.toPeriodEnd)}::date`);
  if (f.text) c.add(`strpos(lower(${alias}.title), lower(${c.param(f.text)})) > 0`);
}

/** After the cursor's position, newest first. */
function addKeyset(c: Conditions, f: ListFilter): void {
  if (!f.before) return;
  const [at, id] = f.before;
  c.add(`(d.published_at, d.id) < (${c.param(at)}::timestamptz, ${c.param(id)}::uuid)`);
}

/** The SQL of public lists and title search (exported for the plan tests and the benchmark). */
export const publicListSql = {
  /** The region's index, newest first, with every filter; stops after `limit` matching rows. */
  walk(f: ListFilter): Statement {
    const c = new Conditions();
    const region = c.param(f.regionCode);
    const limit = rowCount(f.limit);
    c.add(`d.status = 'published'`).add(`d.${f.column} = ${region}`);
    addFilters(c, 'd', f);
    addKeyset(c, f);
    return {
      sql: `SELECT ${COLUMNS} FROM disclosure d WHERE ${c.sql} ORDER BY d.published_at DESC, d.id DESC LIMIT ${limit}`,
      params: c.params,
    };
  },

  /**
   * The first `limit` matches among the region's `window` (SEARCH_WINDOW) newest rows after the
   * cursor: the newest rows are read one by one and the reading stops at the `limit`-th match.
   */
  newest(f: ListFilter, params: unknown[] = [], window = SEARCH_WINDOW): Statement {
    const c = new Conditions([...params]);
    const region = c.param(f.regionCode);
    const limit = rowCount(f.limit);
    c.add(`d.status = 'published'`).add(`d.${f.column} = ${region}`);
    addKeyset(c, f);
    const hits = new Conditions(c.params);
    addFilters(hits, 'w', f);
    return {
      sql: `SELECT w.id, w.region_code, w.category, w.period, w.title, w.published_revision, w.published_key
       FROM (SELECT ${COLUMNS}, d.published_at, d.period_start, d.period_end FROM disclosure d WHERE ${c.sql}
             ORDER BY d.published_at DESC, d.id DESC LIMIT ${window}) w
       WHERE ${hits.sql} ORDER BY w.published_at DESC, w.id DESC LIMIT ${limit}`,
      params: hits.params,
    };
  },

  /**
   * The subtree's rows whose title holds the word's character pairs, found in the GIN title index
   * (the region's term and the pairs together) by `disclosure_title_matches` (published rows only,
   * up to `cap` + 1), then checked and sorted; each row with `candidates`, the number of index
   * matches before the checks. The index is asked through that function because `disclosure` is
   * under row-level security and the index's operator is not leakproof (migration
   * 1764877000000-row-security-disclosure). Past `cap` matches, rows come back unchecked so that
   * `candidates` reaches the caller, who turns to another path.
   */
  titleIndex(f: ListFilter & { text: string }, params: unknown[] = [], cap = SEARCH_CANDIDATES): Statement {
    const c = new Conditions([...params]);
    const region = c.param(f.regionCode);
    const limit = rowCount(f.limit);
    const query = c.param(f.text);
    addFilters(c, 'd', f);
    addKeyset(c, f);
    return {
      sql: `SELECT ${COLUMNS}, d.candidates
       FROM (SELECT m.*, count(*) OVER ()::int AS candidates
             FROM disclosure_title_matches(${region}::bigint, ${query}, ${cap + 1}) m) d
       WHERE d.candidates > ${cap} OR (${c.sql})
       ORDER BY d.published_at DESC, d.id DESC LIMIT ${limit}`,
      params: c.params,
    };
  },

  /**
   * The position (published key, id) of the region's `rows`-th newest row after the cursor: where a
   * filtered list that read that many rows stopped. No row when the region has fewer.
   */
  stretchEnd(f: ListFilter, rows: number, params: unknown[] = []): Statement {
    const c = new Conditions([...params]);
    c.add(`d.status = 'published'`).add(`d.${f.column} = ${c.param(f.regionCode)}`);
    addKeyset(c, f);
    return {
      sql: `SELECT ${timestampKeySql('e.published_at')} AS published_key, e.id FROM (
         SELECT d.published_at, d.id FROM disclosure d WHERE ${c.sql}
         ORDER BY d.published_at DESC, d.id DESC OFFSET ${rows - 1} LIMIT 1) e`,
      params: c.params,
    };
  },

  /**
   * A filtered list that reads at most `scanRows` of the region's newest rows (`newest`) and, only
   * when fewer than `limit` of them match, where it stopped (`stretchEnd`, gated by a one-time filter
   * on the page's count): one statement. The row with a null id carries that position
   * (`stretch_end_key`, `stretch_end_id`).
   */
  stretch(f: ListFilter, scanRows: number): Statement {
    const page = publicListSql.newest(f, [], scanRows);
    const end = publicListSql.stretchEnd(f, scanRows, page.params);
    const limit = rowCount(f.limit);
    return {
      sql: `WITH p AS MATERIALIZED (${page.sql})
       SELECT p.*, NULL::text AS stretch_end_key, NULL::uuid AS stretch_end_id FROM p
       UNION ALL
       SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, e.published_key, e.id
       FROM (${end.sql}) e WHERE (SELECT count(*) FROM p) < ${limit}`,
      params: end.params,
    };
  },

  /**
   * A title search's first step as one statement: the region's newest window (`newest`) and, only
   * when it holds fewer than `limit` matches, the title index (`titleIndex`, whose rows carry
   * `candidates`): the index branch is gated by a one-time filter on the window's count, so it runs
   * only when needed. Rows with a null `candidates` come from the window.
   */
  search(f: ListFilter & { text: string }): Statement {
    const window = publicListSql.newest(f);
    const index = publicListSql.titleIndex(f, window.params);
    const limit = rowCount(f.limit);
    return {
      sql: `WITH w AS MATERIALIZED (${window.sql})
       SELECT w.*, NULL::int AS candidates FROM w WHERE (SELECT count(*) FROM w) >= ${limit}
       UNION ALL
       SELECT x.* FROM (${index.sql}) x WHERE (SELECT count(*) FROM w) < ${limit}`,
      params: index.params,
    };
  },
};

/**
 * `statement` (whose rows are list rows) with the region's content version: one row more column,
 * `content_version`, read in the same snapshot; when the list is empty, one row of nulls but the
 * version. The version is a primary-key read of a small table, planned as an InitPlan (once).
 */
export function withContentVersion({ sql, params }: Statement, regionCode: string): Statement {
  const region = `$${params.length + 1}`;
  return {
    sql: `SELECT coalesce((SELECT v.version FROM region_content_version v WHERE v.region_code = ${region}::bigint), 0)::text AS content_version, l.*
       FROM (SELECT) one LEFT JOIN LATERAL (${sql}) l ON true`,
    params: [...params, regionCode],
  };
}

/**
 * A title search's first statement: the title index alone (`titleIndex`), capped at SEARCH_PROBE
 * for a probe, or the newest rows first (`search`). Each carries `candidates` on the index's rows.
 */
function firstStep(f: ListFilter & { text: string }, start: TitleSearchStart): Statement {
  if (start === 'index') return publicListSql.titleIndex(f);
  if (start === 'probe') return publicListSql.titleIndex(f, [], SEARCH_PROBE);
  return publicListSql.search(f);
}

/** A filtered list's walk of the region's newest rows: at most `scanRows` of them when set (`stretch`). */
const filteredWalk = (f: ListFilter): Statement =>
  f.scanRows ? publicListSql.stretch(f, f.scanRows) : publicListSql.walk(f);

/** The position a filtered walk (`stretch`) carries on its row with a null id when it stopped early. */
type StretchEnd = { stretch_end_key?: string | null; stretch_end_id?: string | null };

/**
 * A list statement's rows (any statement of `publicListSql`), and where it stopped early if it did.
 * The rows keep the statement's helper columns (the stretch's end, the content version): they are
 * not copied without them, as every reply picks its own fields from a row.
 */
function stretchRows<R extends ListRow>(rows: (R & StretchEnd)[]): { rows: R[]; resume?: [string, string] } {
  const end = rows.find((r) => r.stretch_end_id);
  return {
    rows: rows.filter((r) => r.id !== null),
    resume: end ? [end.stretch_end_key as string, end.stretch_end_id as string] : undefined,
  };
}

/** Whether the list asks for more than a region's newest rows (its cost then depends on the filters). */
const filtered = (f: ListFilter): boolean => Boolean(f.text || f.category || f.fromPeriodStart || f.toPeriodEnd);

/** A row of a title search's first step: `candidates` is null for the newest window's rows. */
type SearchRow = ListRow & { candidates: number | null };

/** Runs a list statement with its region's content version (withContentVersion) and splits the two. */
async function versioned<R extends ListRow = ListRow>(
  q: Queryable,
  statement: Statement,
  regionCode: string,
): Promise<{ rows: R[]; resume?: [string, string]; contentVersion: string }> {
  const rows: (R & StretchEnd & { content_version: string })[] = await run(
    q,
    withContentVersion(statement, regionCode),
  );
  return {
    ...stretchRows<R>(rows),
    contentVersion: rows[0]?.content_version ?? '0',
  };
}

/** A list's rows, and where a filtered list that found fewer than its limit stopped reading (`scanRows`). */
export interface ListRows {
  rows: ListRow[];
  /** The last row read (published key, id) when the reading stopped before the region's end. */
  resume?: [string, string];
}

/** A list and the content version of its region, read together (the version labels the reply's ETag). */
export interface VersionedList extends ListRows {
  contentVersion: string;
}

/**
 * Public reads: published disclosures only. A list is a scan of one ancestor-column index, newest
 * first; with filters or a search it runs under a statement timeout (PUBLIC_STATEMENT_TIMEOUT_MS). A title search is bounded whatever the level and the word:
 * it reads the region's SEARCH_WINDOW newest rows (enough for a common word), else asks the GIN
 * title index for the subtree's rows holding the word's character pairs (a rare or missing word
 * costs a few page reads), and walks the region's index for a word with more than
 * SEARCH_CANDIDATES matches none of which is among the newest. Such a walk, and a list with a
 * category or a period, reads at most `scanRows` (PUBLIC_LIST_SCAN_ROWS) of the region's rows for a
 * page: a page that found fewer than its limit there ends early, with the position it reached
 * (`resume`), so that no content makes a read run into the statement timeout.
 * When the title index's statistics say the word is too rare for the window to fill the page, the
 * search asks the index first and skips the window; for a word they do not list, it asks the index
 * for at most SEARCH_PROBE matches before the window (`titleSearchStart`).
 */
@Injectable()
export class PublicRepository {
  constructor(
    private readonly db: Db,
    private readonly titles: TitleStatistics,
  ) {}

  async list(f: ListFilter): Promise<ListRow[]> {
    // The newest rows of a region without filters: an index scan that stops at `limit`, one statement.
    if (!filtered(f)) return run(this.db, publicListSql.walk(f));
    // Filters can make the walk long (a period with no rows reads the whole level): under the timeout.
    if (!f.text) return this.db.bounded(f.timeoutMs, (q) => run(q, publicListSql.walk(f)));
    const search = { ...f, text: f.text };
    const start = await this.start(search);
    return this.db.bounded(
      f.timeoutMs,
      async (q) => (await this.afterFirstStep(q, search, start, await run(q, firstStep(search, start)))).rows,
    );
  }

  /**
   * The list with the region's content version, read by its first statement: a list without
   * filters, or with filters but no title text, is one statement in all (filtered, on the
   * statement timeout's pool); a title search reads the version with its first step, before the
   * rows of any later one (a version never newer than the rows it labels).
   */
  async listWithVersion(f: ListFilter): Promise<VersionedList> {
    if (!filtered(f)) return versioned(this.db, publicListSql.walk(f), f.regionCode);
    if (!f.text) return this.db.bounded(f.timeoutMs, (q) => versioned(q, filteredWalk(f), f.regionCode));
    const search = { ...f, text: f.text };
    const start = await this.start(search);
    return this.db.bounded(f.timeoutMs, async (q) => {
      const { rows, contentVersion } = await versioned<SearchRow>(q, firstStep(search, start), f.regionCode);
      return { ...(await this.afterFirstStep(q, search, start, rows)), contentVersion };
    });
  }

  /** How a title search starts, from the title index's statistics (the newest rows first without them). */
  private async start(f: ListFilter & { text: string }): Promise<TitleSearchStart> {
    const stats = await this.titles.get();
    return stats === null
      ? 'window'
      : titleSearchStart(stats, f, { window: SEARCH_WINDOW, candidates: SEARCH_CANDIDATES });
  }

  /**
   * The rows of a title search from its first step (`firstStep`): the probe's when it found at most
   * SEARCH_PROBE matches, else the newest rows' (a second statement, `search`); the window's; the
   * index's when it found at most SEARCH_CANDIDATES matches, else a walk of the region's newest
   * rows (`filteredWalk`; a word common in the subtree but absent from its newest rows, or more
   * common than the statistics said: another statement).
   */
  private async afterFirstStep(
    q: Queryable,
    f: ListFilter & { text: string },
    start: TitleSearchStart,
    rows: SearchRow[],
  ): Promise<ListRows> {
    const candidates = rows[0]?.candidates ?? null;
    if (start === 'probe' && candidates !== null && candidates > SEARCH_PROBE)
      return this.afterFirstStep(q, f, 'window', await run(q, publicListSql.search(f)));
    if (candidates !== null && candidates > SEARCH_CANDIDATES) return stretchRows(await run(q, filteredWalk(f)));
    return { rows: rows.map(({ candidates: _, ...row }) => row) };
  }

  /**
   * A published or withdrawn disclosure for its public page, in one statement: the disclosure, its
   * current revision and that revision's content, the numbers, times and reasons of its published
   * revisions (as arrays, so that the driver types them as it types columns), and the content
   * version of its village. Undefined for a draft or no such disclosure.
   */
  async detailWithVersion(id: string): Promise<VersionedDetail | undefined> {
    const [row]: (DisclosureRow &
      BundleColumns & {
        content_version: string;
        revision_numbers: number[];
        revision_times: (Date | null)[];
        revision_reasons: (string | null)[];
      })[] = await this.db.query(PUBLISHED_DETAIL_SQL, [id]);
    if (!row) return undefined;
    return {
      disclosure: row,
      revision: revisionOf(row as unknown as Record<string, unknown>),
      content: bundleOf(row),
      revisions: row.revision_numbers.map((number, i) => ({
        number,
        published_at: row.revision_times[i] ?? null,
        correction_reason: row.revision_reasons[i] ?? null,
      })),
      contentVersion: row.content_version,
    };
  }

  /**
   * A village's published finances in one statement: income, expense and surplus per period, totals
   * per period and account, and the region's content version (for the reply's ETag), read together.
   */
  async financesWithVersion(villageCode: string, fromStart: string, toEnd: string): Promise<VersionedFinances> {
    const [row]: { content_version: string; periods: PeriodTotalsRow[]; accounts: AccountTotalsRow[] }[] =
      await this.db.query(
        `WITH line AS (
           SELECT d.period, l.direction, l.account_code, l.amount
           FROM disclosure d
           JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
           LEFT JOIN finance_line l ON l.revision_id = r.id
           WHERE d.region_code = $1 AND d.category = 'finance' AND d.status = 'published'
             AND d.period_start >= $2::date AND d.period_end <= $3::date)
         SELECT coalesce((SELECT v.version FROM region_content_version v WHERE v.region_code = $1::bigint), 0)::text AS content_version,
           coalesce((SELECT json_agg(p ORDER BY p.period) FROM (
             SELECT period,
               coalesce(sum(amount) FILTER (WHERE direction = 'income'), 0)::numeric(16, 2)::text AS income,
               coalesce(sum(amount) FILTER (WHERE direction = 'expense'), 0)::numeric(16, 2)::text AS expense,
               (coalesce(sum(amount) FILTER (WHERE direction = 'income'), 0)
                 - coalesce(sum(amount) FILTER (WHERE direction = 'expense'), 0))::numeric(16, 2)::text AS surplus
             FROM line GROUP BY period) p), '[]') AS periods,
           coalesce((SELECT json_agg(a ORDER BY a.period, a.direction DESC, a.account_code) FROM (
             SELECT period, direction, account_code, sum(amount)::text AS total, count(*)::int AS lines
             FROM line WHERE direction IS NOT NULL GROUP BY period, direction, account_code) a), '[]') AS accounts`,
        [villageCode, fromStart, toEnd],
      );
    const { content_version: contentVersion, periods, accounts } = row as NonNullable<typeof row>;
    return { contentVersion, periods, accounts };
  }
}
