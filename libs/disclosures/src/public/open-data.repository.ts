import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig, DatabaseServer } from '@sunshine/core';
import { Pool, PoolClient } from 'pg';

/** Rows per FETCH of an export's cursor. */
const BATCH = 1000;

/**
 * The connections of open-data exports: a small pool of their own, one connection per running
 * export (EXPORT_CONCURRENCY), so that downloads can never take the API's connections. A FETCH
 * may run 30 s; a transaction left idle for 60 s (a client that stopped reading) is ended by the
 * server, which frees the connection.
 */
@Injectable()
export class ExportPool implements OnModuleDestroy {
  static readonly APPLICATION_NAME = 'sunshine-export';
  private readonly logger = new Logger(ExportPool.name);
  readonly pool: Pool;

  constructor(server: DatabaseServer, config: AppConfig) {
    this.pool = new Pool({
      connectionString: server.url,
      max: config.EXPORT_CONCURRENCY,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: 5_000,
      application_name: ExportPool.APPLICATION_NAME,
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
    });
    // An idle connection that the server closed: the pool drops it; nothing else to do.
    this.pool.on('error', (error) => this.logger.warn({ err: error.message }, 'idle export connection lost'));
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}

/** An export's rows in batches; `return()` (or an error) closes the cursor and frees the connection. */
export type RowBatches = AsyncGenerator<Record<string, unknown>[], void, undefined>;

/** SQL of the open-data exports, on the export pool. */
@Injectable()
export class OpenDataRepository {
  constructor(private readonly exports: ExportPool) {}

  /**
   * The published finance lines of a subtree and period range, through a server-side cursor,
   * 1,000 rows at a time: memory stays constant whatever the size. Resolves once the first batch is
   * read, so that a busy or failing database is an ordinary error before anything is sent.
   */
  async financeLines(from: string, to: string, fromStart: string, toEnd: string): Promise<RowBatches> {
    const client = await this.exports.pool.connect();
    // The connection may drop while no query runs (a terminated backend): without a listener that is
    // an unhandled 'error' event, which ends the process. The next query fails instead.
    const ignore = () => undefined;
    client.on('error', ignore);
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
      const first = await fetchBatch(client);
      return batches(client, first, ignore);
    } catch (error) {
      client.off('error', ignore);
      client.release(true);
      throw error;
    }
  }
}

async function fetchBatch(client: PoolClient): Promise<Record<string, unknown>[]> {
  const { rows } = await client.query(`FETCH ${BATCH} FROM lines`);
  return rows as Record<string, unknown>[];
}

async function* batches(client: PoolClient, first: Record<string, unknown>[], ignore: () => void): RowBatches {
  let finished = false;
  try {
    for (let rows = first; rows.length > 0; rows = await fetchBatch(client)) yield rows;
    await client.query('COMMIT');
    finished = true;
  } finally {
    client.off('error', ignore);
    // Stopped early (the client went away) or failed: the connection is closed rather than reused,
    // which ends the transaction and its cursor on the server at once, whatever state it is in.
    client.release(!finished);
  }
}
