import { isLargeTable, rowScopeParameters, SET_ROW_SCOPE, SYSTEM_ROWS } from '@sunshine/core';
import { Client } from 'pg';

/** What kind of statement a SQL text is, by its first keyword. */
export type StatementKind = 'explainable' | 'skipped' | 'unknown';

/** Statements whose plan EXPLAIN can show. */
const EXPLAINABLE = new Set(['SELECT', 'WITH', 'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'VALUES', 'TABLE', 'DECLARE']);
/**
 * Statements that read no table by a plan of their own: transaction control, session settings,
 * cursor movement (the cursor's query is DECLAREd, and checked there), COPY, locks, notifications.
 */
const SKIPPED = new Set([
  'BEGIN',
  'START',
  'COMMIT',
  'END',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'SET',
  'RESET',
  'SHOW',
  'FETCH',
  'MOVE',
  'CLOSE',
  'COPY',
  'LOCK',
  'LISTEN',
  'UNLISTEN',
  'NOTIFY',
  'DISCARD',
  'DEALLOCATE',
]);

export function statementKind(sql: string): StatementKind {
  const keyword = /^[\s(]*([A-Za-z]+)/.exec(sql.replace(/^\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, ''))?.[1]?.toUpperCase();
  if (keyword && EXPLAINABLE.has(keyword)) return 'explainable';
  if (keyword && SKIPPED.has(keyword)) return 'skipped';
  return 'unknown';
}

/** One statement's text, whitespace collapsed: how distinct statements are counted. */
export const normaliseSql = (sql: string): string => sql.replace(/\s+/g, ' ').trim();

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Plans?: PlanNode[];
}

/** What a plan reads of the large tables (LARGE_TABLES) without an index condition. */
export interface LargeTableScans {
  /** Tables read by a Seq Scan. */
  seqScans: string[];
  /**
   * Tables read by an index scan with no index condition and no Limit above it: the whole index in
   * its order, which is a full scan too.
   */
  fullIndexScans: string[];
  /**
   * With `sortsOff`: tables whose rows reach a Limit through a Sort even with sorts disabled, read
   * by a range or by no index condition at all: no index yields the page's order, so a page reads
   * every row of the range first (a whole province's, for a list of a subtree). Rows an equality
   * picks (one village's, one disclosure's) are bounded by their key and may be sorted.
   */
  sortedPages: string[];
}

/**
 * How `sql` reads the large tables (LARGE_TABLES), on `client`'s role (the application's: its plans
 * are those of the tables' row-level security), when sequential scans are disabled
 * (`SET LOCAL enable_seqscan = off`, bitmap and index scans left on): the planner then keeps a Seq
 * Scan only where no index can serve the access, so on a small test database this shows what
 * would scan the whole table at full size. With `nestedLoops`, hash and merge joins are disabled
 * too: a join then probes each table by an index wherever one can serve it, so what is still read
 * whole has no usable index condition (rather than a whole tiny index the planner found cheaper).
 * EXPLAIN without ANALYZE runs nothing, writes included, and the transaction is rolled back anyway.
 */
export async function largeTableScans(
  client: Client,
  sql: string,
  params: readonly unknown[],
  options: { nestedLoops?: boolean; sortsOff?: boolean } = {},
): Promise<LargeTableScans> {
  await client.query('BEGIN');
  try {
    // On the application's role, the tables under row-level security plan with their policies: a
    // condition that is not leakproof (a regular expression, a cast, `@>` on arrays) cannot use an
    // index there. The system scope sees every row; the policies' plans are every scope's.
    await client.query(SET_ROW_SCOPE, rowScopeParameters(SYSTEM_ROWS));
    await client.query('SET LOCAL enable_seqscan = off');
    await client.query('SET LOCAL enable_bitmapscan = on');
    if (options.nestedLoops) {
      await client.query('SET LOCAL enable_hashjoin = off');
      await client.query('SET LOCAL enable_mergejoin = off');
    }
    if (options.sortsOff) await client.query('SET LOCAL enable_sort = off');
    const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${sql}`, [
      ...params,
    ]);
    const seq = new Set<string>();
    const full = new Set<string>();
    const walk = (node: PlanNode, limited: boolean): void => {
      const table = node['Relation Name'];
      if (table && isLargeTable(table)) {
        if (node['Node Type'] === 'Seq Scan') seq.add(table);
        const indexScan = node['Node Type'] === 'Index Scan' || node['Node Type'] === 'Index Only Scan';
        if (indexScan && !node['Index Cond'] && !limited) full.add(table);
      }
      // A Limit stops a scan early only through nodes that pass rows on as they come: a Sort, a Hash
      // or an Aggregate below it reads all of its input first.
      const blocking = ['Sort', 'Hash', 'Aggregate', 'SetOp', 'WindowAgg'].includes(node['Node Type']);
      node.Plans?.forEach((child) => walk(child, (limited && !blocking) || node['Node Type'] === 'Limit'));
    };
    rows[0]['QUERY PLAN'].forEach((p) => walk(p.Plan, false));
    const sorted = new Set<string>();
    // What an equality picks (one village's rows, one disclosure's revisions) is bounded by its key;
    // a range (a subtree's codes) or no condition at all is not.
    const unbounded = (node: PlanNode): boolean => {
      const condition = node['Index Cond'] ?? node['Recheck Cond'];
      return !condition || / [<>]=? /.test(condition);
    };
    const tablesBelow = (node: PlanNode, into: Set<string>): void => {
      const table = node['Relation Name'];
      if (table && isLargeTable(table) && unbounded(node)) into.add(table);
      node.Plans?.forEach((child) => tablesBelow(child, into));
    };
    // A Limit, then (through nodes that pass rows on as they come) a Sort above a large table.
    const pages = (node: PlanNode, underLimit: boolean): void => {
      if (underLimit && node['Node Type'] === 'Sort') tablesBelow(node, sorted);
      const passing = underLimit && !['Hash', 'Aggregate', 'SetOp', 'WindowAgg'].includes(node['Node Type']);
      node.Plans?.forEach((child) =>
        pages(child, node['Node Type'] === 'Limit' || (passing && node['Node Type'] !== 'Sort')),
      );
    };
    if (options.sortsOff) rows[0]['QUERY PLAN'].forEach((p) => pages(p.Plan, false));
    return { seqScans: [...seq].sort(), fullIndexScans: [...full].sort(), sortedPages: [...sorted].sort() };
  } finally {
    await client.query('ROLLBACK');
  }
}

/** The large tables `sql` reads with a Seq Scan even with sequential scans disabled (see largeTableScans). */
export async function seqScannedLargeTables(
  client: Client,
  sql: string,
  params: readonly unknown[],
): Promise<string[]> {
  return (await largeTableScans(client, sql, params)).seqScans;
}
