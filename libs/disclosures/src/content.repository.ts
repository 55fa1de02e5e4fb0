import { Injectable } from '@nestjs/common';
import { Db, updatedRows } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import type { FinanceLineInput } from './lines/finance-line.format';

export interface FinanceLineRow extends FinanceLineInput {
  lineNo: number;
}

export interface SubsidyInput {
  recipientName: string;
  villageGroup: string | null;
  householdSize: number;
  subsidyType: string;
  amount: string;
}

export interface SubsidyRow extends SubsidyInput {
  lineNo: number;
  idNumberMasked: string;
}

export interface AttachmentRow {
  id: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
}

/** A redaction as the public sees it, in the revision's content. */
export interface RedactionMark {
  redactedAt: string;
  reason: string;
  fields: string[];
}

/** What a redacted field holds from then on. */
export const REDACTED = '[已删除]';

export interface Totals {
  direction: 'income' | 'expense';
  accountCode: string;
  total: string;
  lines: number;
}

export interface ChartAccountRow {
  system: string;
  code: string;
  direction: 'income' | 'expense';
  effective_from: string;
  effective_to: string | null;
}

/** The statements that read one part of revision `rev`'s content (`rev`: a parameter or a column). */
const contentSql = {
  // Each line with its account's total and count (window functions over the same scan: see bundleOf).
  lines: (rev: string) =>
    `SELECT line_no AS "lineNo", direction, account_code AS "accountCode", amount::text AS amount, occurred_on::text AS "occurredOn",
       counterparty, voucher_no AS "voucherNo", payment_method AS "paymentMethod", note,
       (sum(amount) OVER account)::text AS "accountTotal", (count(*) OVER account)::int AS "accountLines"
     FROM finance_line WHERE revision_id = ${rev} WINDOW account AS (PARTITION BY direction, account_code) ORDER BY line_no`,
  subsidies: (rev: string) =>
    `SELECT line_no AS "lineNo", recipient_name AS "recipientName", village_group AS "villageGroup", household_size AS "householdSize",
       subsidy_type AS "subsidyType", amount::text AS amount, id_number_masked AS "idNumberMasked"
     FROM subsidy_entry WHERE revision_id = ${rev} ORDER BY line_no`,
  attachments: (rev: string) =>
    `SELECT id, filename, media_type AS "mediaType", size, encode(sha256, 'hex') AS sha256
     FROM attachment WHERE revision_id = ${rev} ORDER BY created_at, id`,
  // The time in whole seconds, UTC.
  redactions: (rev: string) =>
    `SELECT to_char(redacted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "redactedAt", reason, fields
     FROM revision_redaction WHERE revision_id = ${rev} ORDER BY id`,
};

/** Everything a revision's published form is built from, read in one statement. */
export interface ContentBundle {
  lines: FinanceLineRow[];
  subsidies: SubsidyRow[];
  attachments: AttachmentRow[];
  redactions: RedactionMark[];
  totals: Totals[];
}

/** The content as contentBundleColumns reads it: each line with its account's total (bundleOf). */
export interface BundleColumns extends Omit<ContentBundle, 'lines' | 'totals'> {
  lines: (FinanceLineRow & { accountTotal: string; accountLines: number })[];
}

/**
 * Select-list items that read the whole content of revision `rev` (a parameter or a column of the
 * enclosing statement) as four JSON arrays named like BundleColumns' fields, each in its part's
 * order (bundleOf makes the ContentBundle). Every value is a string or an integer, so JSON carries
 * it exactly.
 */
export const contentBundleColumns = (rev: string): string =>
  (Object.keys(contentSql) as (keyof typeof contentSql)[])
    .map((part) => `coalesce((SELECT json_agg(x) FROM (${contentSql[part](rev)}) x), '[]') AS ${part}`)
    .join(', ');

/**
 * The bundle of `columns`: the lines without their accounts' figures, and each account's total and
 * line count as the database summed them (window functions over the lines' one scan: a second scan,
 * grouped, cost a working copy's statement about 10 µs more, most of it row-level security's),
 * income first, then expense, each by account code in code point order (as `COLLATE "C"`, whatever
 * the database's collation).
 */
export function bundleOf({ lines: read, subsidies, attachments, redactions }: BundleColumns): ContentBundle {
  const lines: FinanceLineRow[] = [];
  const totals = new Map<string, Totals>();
  for (const { accountTotal, accountLines, ...line } of read) {
    lines.push(line);
    const key = `${line.direction}\n${line.accountCode}`;
    if (!totals.has(key))
      totals.set(key, {
        direction: line.direction,
        accountCode: line.accountCode,
        total: accountTotal,
        lines: accountLines,
      });
  }
  return { lines, subsidies, attachments, redactions, totals: [...totals.values()].sort(accountOrder) };
}

/** Income before expense, then by account code in code point order (UTF-8's byte order). */
function accountOrder(a: Totals, b: Totals): number {
  if (a.direction !== b.direction) return a.direction === 'income' ? -1 : 1;
  return Buffer.compare(Buffer.from(a.accountCode), Buffer.from(b.accountCode));
}

/** A revision's content bundle (ContentRepository#bundle): one text, made once, whose hash V8 keeps. */
const BUNDLE_SQL = `SELECT ${contentBundleColumns('$1::uuid')}`;

/** SQL over a revision's content: finance lines, subsidy entries, attachments, and their totals. */
@Injectable()
export class ContentRepository {
  constructor(private readonly db: Db) {}

  /** Every account of every chart, with the dates it is in force (for AccountChart, which holds them in memory). */
  charts(): Promise<ChartAccountRow[]> {
    return this.db.query(
      `SELECT system, code, direction, effective_from::text, effective_to::text FROM account_chart ORDER BY code`,
    );
  }

  /** Appends lines after the last one (one statement, whatever the count). */
  async addLines(
    revisionId: string,
    provinceCode: string,
    system: string,
    lines: FinanceLineInput[],
    m: EntityManager,
  ): Promise<number[]> {
    const rows: { line_no: number }[] = await m.query(
      `INSERT INTO finance_line (revision_id, line_no, province_code, chart_system, direction, account_code, amount, occurred_on, counterparty, voucher_no, payment_method, note)
       SELECT $1, coalesce((SELECT max(line_no) FROM finance_line WHERE revision_id = $1), 0) + l.ord, $2, $3,
              l.direction, l.account_code, l.amount::numeric, l.occurred_on::date, l.counterparty, l.voucher_no, l.payment_method, l.note
       FROM ROWS FROM (jsonb_to_recordset($4::jsonb) AS (direction text, account_code text, amount text, occurred_on text, counterparty text, voucher_no text, payment_method text, note text))
            WITH ORDINALITY AS l(direction, account_code, amount, occurred_on, counterparty, voucher_no, payment_method, note, ord)
       RETURNING line_no`,
      [
        revisionId,
        provinceCode,
        system,
        JSON.stringify(
          lines.map((l) => ({
            direction: l.direction,
            account_code: l.accountCode,
            amount: l.amount,
            occurred_on: l.occurredOn,
            counterparty: l.counterparty,
            voucher_no: l.voucherNo,
            payment_method: l.paymentMethod,
            note: l.note,
          })),
        ),
      ],
    );
    return rows.map((r) => r.line_no);
  }

  async replaceLine(revisionId: string, lineNo: number, l: FinanceLineInput, m: EntityManager): Promise<boolean> {
    const rows = await updatedRows(
      m,
      `UPDATE finance_line SET direction = $3, account_code = $4, amount = $5::numeric, occurred_on = $6::date, counterparty = $7, voucher_no = $8,
         payment_method = $9, note = $10 WHERE revision_id = $1 AND line_no = $2 RETURNING line_no`,
      [
        revisionId,
        lineNo,
        l.direction,
        l.accountCode,
        l.amount,
        l.occurredOn,
        l.counterparty,
        l.voucherNo,
        l.paymentMethod,
        l.note,
      ],
    );
    return rows.length > 0;
  }

  async deleteLine(revisionId: string, lineNo: number, m: EntityManager): Promise<boolean> {
    const rows = await updatedRows(
      m,
      `DELETE FROM finance_line WHERE revision_id = $1 AND line_no = $2 RETURNING line_no`,
      [revisionId, lineNo],
    );
    return rows.length > 0;
  }

  async deleteAllLines(revisionId: string, m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM finance_line WHERE revision_id = $1`, [revisionId]);
  }

  /** The revision's lines, subsidy entries, attachments, redactions and totals, in one statement. */
  async bundle(revisionId: string, m: EntityManager = this.db.manager): Promise<ContentBundle> {
    const [row]: BundleColumns[] = await m.query(BUNDLE_SQL, [revisionId]);
    return bundleOf(row as BundleColumns);
  }

  async copyContent(fromRevision: string, toRevision: string, m: EntityManager): Promise<void> {
    await m.query(
      `INSERT INTO finance_line (revision_id, line_no, province_code, chart_system, direction, account_code, amount, occurred_on, counterparty, voucher_no, payment_method, note)
       SELECT $2, line_no, province_code, chart_system, direction, account_code, amount, occurred_on, counterparty, voucher_no, payment_method, note
       FROM finance_line WHERE revision_id = $1`,
      [fromRevision, toRevision],
    );
    await m.query(
      `INSERT INTO subsidy_entry (revision_id, line_no, province_code, recipient_name, village_group, household_size, subsidy_type, amount, id_number_cipher, id_number_hash, id_number_masked)
       SELECT $2, line_no, province_code, recipient_name, village_group, household_size, subsidy_type, amount, id_number_cipher, id_number_hash, id_number_masked
       FROM subsidy_entry WHERE revision_id = $1`,
      [fromRevision, toRevision],
    );
    await m.query(
      `INSERT INTO attachment (revision_id, filename, media_type, size, sha256, content)
       SELECT $2, filename, media_type, size, sha256, content FROM attachment WHERE revision_id = $1 ORDER BY created_at, id`,
      [fromRevision, toRevision],
    );
  }

  async addSubsidy(
    revisionId: string,
    provinceCode: string,
    s: SubsidyInput,
    id: { cipher: Buffer; hash: Buffer; masked: string },
    m: EntityManager,
  ): Promise<number> {
    const [{ line_no }]: { line_no: number }[] = await m.query(
      `INSERT INTO subsidy_entry (revision_id, line_no, province_code, recipient_name, village_group, household_size, subsidy_type, amount, id_number_cipher, id_number_hash, id_number_masked)
       VALUES ($1, coalesce((SELECT max(line_no) FROM subsidy_entry WHERE revision_id = $1), 0) + 1, $2, $3, $4, $5, $6, $7::numeric, $8, $9, $10)
       RETURNING line_no`,
      [
        revisionId,
        provinceCode,
        s.recipientName,
        s.villageGroup,
        s.householdSize,
        s.subsidyType,
        s.amount,
        id.cipher,
        id.hash,
        id.masked,
      ],
    );
    return line_no;
  }

  async deleteSubsidy(revisionId: string, lineNo: number, m: EntityManager): Promise<boolean> {
    const rows = await updatedRows(
      m,
      `DELETE FROM subsidy_entry WHERE revision_id = $1 AND line_no = $2 RETURNING line_no`,
      [revisionId, lineNo],
    );
    return rows.length > 0;
  }

  /** False if any attachment's bytes no longer match its stored SHA-256 and size. */
  async attachmentsIntact(revisionId: string, m: EntityManager = this.db.manager): Promise<boolean> {
    const [{ intact }]: { intact: boolean }[] = await m.query(
      `SELECT coalesce(bool_and(sha256 = sha256(content) AND size = length(content)), true) AS intact FROM attachment WHERE revision_id = $1`,
      [revisionId],
    );
    return intact;
  }

  async addAttachment(
    revisionId: string,
    a: { filename: string; mediaType: string; content: Buffer; sha256: Buffer },
    m: EntityManager,
  ): Promise<string> {
    const [{ id }]: { id: string }[] = await m.query(
      `INSERT INTO attachment (revision_id, filename, media_type, size, sha256, content) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [revisionId, a.filename, a.mediaType, a.content.length, a.sha256, a.content],
    );
    return id;
  }

  async deleteAttachment(revisionId: string, id: string, m: EntityManager): Promise<boolean> {
    const rows = await updatedRows(m, `DELETE FROM attachment WHERE revision_id = $1 AND id = $2 RETURNING id`, [
      revisionId,
      id,
    ]);
    return rows.length > 0;
  }

  /** An attachment's content, with the disclosure and revision it belongs to. */
  async attachmentContent(
    id: string,
  ): Promise<
    | { disclosure_id: string; number: number; status: string; filename: string; media_type: string; content: Buffer }
    | undefined
  > {
    const [row] = await this.db.query(
      `SELECT r.disclosure_id, r.number, r.status, a.filename, a.media_type, a.content
       FROM attachment a JOIN disclosure_revision r ON r.id = a.revision_id WHERE a.id = $1`,
      [id],
    );
    return row;
  }
}
