import type { EntityManager } from 'typeorm';

/** Rows of an UPDATE or DELETE … RETURNING: TypeORM answers `[rows, affected]` for those statements. */
export async function updatedRows<T>(m: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const [rows] = (await m.query(sql, params)) as [T[], number];
  return rows;
}
