import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

import { REDACTED } from '../content.repository';

/** Where a public field lives: its table, column and, for lines, the line number. */
export interface FieldPlace {
  table: 'disclosure_revision' | 'finance_line' | 'subsidy_entry';
  column: string;
  lineNo: number | null;
}

const REVISION_COLUMNS: Record<string, string> = {
  title: 'title',
  body: 'body',
  correctionReason: 'correction_reason',
};
const LINE_COLUMNS: Record<string, Record<string, string>> = {
  financeLines: { counterparty: 'counterparty', voucherNo: 'voucher_no', note: 'note' },
  subsidies: { recipientName: 'recipient_name', villageGroup: 'village_group' },
};
const LINE_TABLES = { financeLines: 'finance_line', subsidies: 'subsidy_entry' } as const;

/** Maps a validated field name (`title`, `financeLines/2/note`…) to its place; the names are a fixed set. */
export function fieldPlace(field: string): FieldPlace {
  const [list, line, name] = field.split('/') as [string, string?, string?];
  if (line === undefined)
    return { table: 'disclosure_revision', column: REVISION_COLUMNS[list] as string, lineNo: null };
  const table = LINE_TABLES[list as keyof typeof LINE_TABLES];
  return {
    table,
    column: (LINE_COLUMNS[list] as Record<string, string>)[name as string] as string,
    lineNo: Number(line),
  };
}

/**
 * SQL of a redaction. The immutability triggers let a published field change only in the
 * transaction that inserted the redaction row naming it, and only to the placeholder.
 */
@Injectable()
export class RedactionRepository {
  /** The field's current value (undefined if its line does not exist). Column names come from fieldPlace. */
  async value(revisionId: string, p: FieldPlace, m: EntityManager): Promise<string | null | undefined> {
    const [row] = await (p.lineNo === null
      ? m.query(`SELECT ${p.column} AS value FROM disclosure_revision WHERE id = $1`, [revisionId])
      : m.query(`SELECT ${p.column} AS value FROM ${p.table} WHERE revision_id = $1 AND line_no = $2`, [
          revisionId,
          p.lineNo,
        ]));
    return row ? (row.value as string | null) : undefined;
  }

  async insert(revisionId: string, fields: string[], reason: string, by: string, m: EntityManager): Promise<void> {
    await m.query(`INSERT INTO revision_redaction (revision_id, fields, reason, redacted_by) VALUES ($1, $2, $3, $4)`, [
      revisionId,
      fields,
      reason,
      by,
    ]);
  }

  /** Puts the placeholder in the field of each revision given (where it still holds `old`). */
  async blank(revisionIds: string[], p: FieldPlace, old: string, m: EntityManager): Promise<void> {
    if (p.lineNo === null)
      await m.query(`UPDATE disclosure_revision SET ${p.column} = $3 WHERE id = ANY($1) AND ${p.column} = $2`, [
        revisionIds,
        old,
        REDACTED,
      ]);
    else
      await m.query(
        `UPDATE ${p.table} SET ${p.column} = $4 WHERE revision_id = ANY($1) AND line_no = $2 AND ${p.column} = $3`,
        [revisionIds, p.lineNo, old, REDACTED],
      );
  }

  /** The disclosure row's copy of the title, when it is the text taken down. */
  async blankDisclosureTitle(disclosureId: string, old: string, m: EntityManager): Promise<void> {
    await m.query(`UPDATE disclosure SET title = $3 WHERE id = $1 AND title = $2`, [disclosureId, old, REDACTED]);
  }

  /**
   * Stored idempotent replies (kept a day for retries) may quote the text, JSON-escaped: the
   * placeholder replaces it there too, so the text is kept nowhere.
   */
  async blankStoredReplies(old: string, m: EntityManager): Promise<void> {
    const quoted = JSON.stringify(old).slice(1, -1);
    await m.query(`UPDATE idempotency_key SET body = replace(body, $1, $2) WHERE strpos(body, $1) > 0`, [
      quoted,
      JSON.stringify(REDACTED).slice(1, -1),
    ]);
  }

  /** The disclosure's revisions not yet published (a correction in the works copies the text). */
  async openRevisionIds(disclosureId: string, m: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await m.query(
      `SELECT id FROM disclosure_revision WHERE disclosure_id = $1 AND status <> 'published'`,
      [disclosureId],
    );
    return rows.map((r) => r.id);
  }
}
