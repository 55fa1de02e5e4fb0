import { Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';
import { Db } from '@sunshine/core';
import type { PoolClient } from 'pg';

export interface ListFilter {
  /** The ancestor column matching the region's level, and the region's code. */
  column: 'region_code' | 'township_code' | 'county_code' | 'city_code' | 'province_code';
  regionCode: string;
  category?: string;
  fromPeriodStart?: string;
  toPeriodEnd?: string;
  text?: string;
  before?: [string, string];
  limit: number;
}

export interface ListRow {
  id: string;
  region_code: string;
  category: string;
  period: string;
  title: string;
  published_at: Date;
  published_revision: number;
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

export const LEVEL_COLUMN: Record<number, ListFilter['column']> = {
  1: 'province_code',
  2: 'city_code',
  3: 'county_code',
  4: 'township_code',
  5: 'region_code',
};

/** Public reads: published disclosures only. Every list is a scan of one ancestor-column index, newest first. */
@Injectable()
export class PublicRepository {
  constructor(private readonly db: Db) {}

  list(f: ListFilter): Promise<ListRow[]> {
    const params: unknown[] = [f.regionCode, f.limit];
    const where = [`d.status = 'published'`, `d.${f.column} = $1`];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace(/\?/g, `$${params.length}`));
    };
    if (f.category) add('d.category = ?', f.category);
    if (f.fromPeriodStart) add('d.period_start >= ?::date', f.fromPeriodStart);
    if (f.toPeriodEnd) add('d.period_end <= ?::date', f.toPeriodEnd);
    if (f.text) add('strpos(d.title, ?) > 0', f.text);
    if (f.before) {
      params.push(f.before[0], f.before[1]);
      where.push(`(d.published_at, d.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    return this.db.query(
      `SELECT d.id, d.region_code::text, d.category, d.period, d.title, d.published_at, d.published_revision
       FROM disclosure d WHERE ${where.join(' AND ')} ORDER BY d.published_at DESC, d.id DESC LIMIT $2`,
      params,
    );
  }

  /** Income, expense and surplus per period of a village's published finance disclosures. */
  periodTotals(villageCode: string, fromStart: string, toEnd: string): Promise<PeriodTotalsRow[]> {
    return this.db.query(
      `SELECT d.period,
         coalesce(sum(l.amount) FILTER (WHERE l.direction = 'income'), 0)::numeric(16, 2)::text AS income,
         coalesce(sum(l.amount) FILTER (WHERE l.direction = 'expense'), 0)::numeric(16, 2)::text AS expense,
         (coalesce(sum(l.amount) FILTER (WHERE l.direction = 'income'), 0)
           - coalesce(sum(l.amount) FILTER (WHERE l.direction = 'expense'), 0))::numeric(16, 2)::text AS surplus
       FROM disclosure d
       JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
       LEFT JOIN finance_line l ON l.revision_id = r.id
       WHERE d.region_code = $1 AND d.category = 'finance' AND d.status = 'published'
         AND d.period_start >= $2::date AND d.period_end <= $3::date
       GROUP BY d.period ORDER BY d.period`,
      [villageCode, fromStart, toEnd],
    );
  }

  accountTotals(villageCode: string, fromStart: string, toEnd: string): Promise<AccountTotalsRow[]> {
    return this.db.query(
      `SELECT d.period, l.direction, l.account_code, sum(l.amount)::text AS total, count(*)::int AS lines
       FROM disclosure d
       JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
       JOIN finance_line l ON l.revision_id = r.id
       WHERE d.region_code = $1 AND d.category = 'finance' AND d.status = 'published'
         AND d.period_start >= $2::date AND d.period_end <= $3::date
       GROUP BY d.period, l.direction, l.account_code ORDER BY d.period, l.direction DESC, l.account_code`,
      [villageCode, fromStart, toEnd],
    );
  }

  /**
   * Streams the published finance lines of a subtree and period range through a server-side cursor,
   * 1,000 rows at a time: memory stays constant whatever the size.
   */
  streamFinanceLines(from: string, to: string, fromStart: string, toEnd: string): Readable {
    const db = this.db;
    return Readable.from(
      (async function* () {
        const runner = db.createQueryRunner();
        await runner.connect();
        const client = (runner as unknown as { databaseConnection: PoolClient }).databaseConnection;
        try {
          await client.query('BEGIN READ ONLY');
          await client.query(
            `DECLARE lines NO SCROLL CURSOR FOR
             SELECT d.region_code::text AS "regionCode", d.period, d.id AS "disclosureId", r.number AS revision, l.line_no AS "lineNo",
               l.direction, l.account_code AS "accountCode", l.amount::text AS amount, l.occurred_on::text AS "occurredOn",
               l.counterparty, l.voucher_no AS "voucherNo", l.payment_method AS "paymentMethod", l.note
             FROM disclosure d
             JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
             JOIN finance_line l ON l.revision_id = r.id
             WHERE d.region_code BETWEEN $1::bigint AND $2::bigint AND d.category = 'finance' AND d.status = 'published'
               AND d.period_start >= $3::date AND d.period_end <= $4::date
             ORDER BY d.region_code, d.period, d.id, l.line_no`,
            [from, to, fromStart, toEnd],
          );
          for (;;) {
            const { rows } = await client.query('FETCH 1000 FROM lines');
            if (rows.length === 0) break;
            yield rows as Record<string, unknown>[];
          }
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          await runner.release();
        }
      })(),
      { objectMode: true },
    );
  }
}
