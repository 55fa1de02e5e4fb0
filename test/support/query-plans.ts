import { isLargeTable } from '@sunshine/core';
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
  Plans?: PlanNode[];
}

/**
 * The large tables (LARGE_TABLES) that `sql` reads with a sequential scan even when sequential
 * scans are disabled (`SET LOCAL enable_seqscan = off`, bitmap and index scans left on): the
 * planner then keeps a Seq Scan only where no index can serve the access, so on a small test
 * database this shows what would scan the whole table at full size. EXPLAIN without ANALYZE runs
 * nothing, writes included, and the transaction is rolled back anyway.
 */
export async function seqScannedLargeTables(
  client: Client,
  sql: string,
  params: readonly unknown[],
): Promise<string[]> {
  await client.query('BEGIN');
  try {
    await client.query('SET LOCAL enable_seqscan = off');
    await client.query('SET LOCAL enable_bitmapscan = on');
    const { rows } = await client.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${sql}`, [
      ...params,
    ]);
    const found = new Set<string>();
    const walk = (node: PlanNode): void => {
      if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] && isLargeTable(node['Relation Name'])) {
        found.add(node['Relation Name']);
      }
      node.Plans?.forEach(walk);
    };
    rows[0]['QUERY PLAN'].forEach((p) => walk(p.Plan));
    return [...found].sort();
  } finally {
    await client.query('ROLLBACK');
  }
}
