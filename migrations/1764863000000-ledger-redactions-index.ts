import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The redaction entries of the publication ledger, indexed apart: verifying the ledger first asks
 * for the latest redaction of each revision, which read all of the ledger (3.9 million entries at
 * full size) to find the few redactions (found by test/query-plans.e2e-spec.ts).
 */
export class LedgerRedactionsIndex1764863000000 implements MigrationInterface {
  name = 'LedgerRedactionsIndex1764863000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX publication_ledger_redactions_idx ON publication_ledger (disclosure_id, revision_number, seq)
       WHERE kind = 'redact'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX publication_ledger_redactions_idx`);
  }
}
