import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Disclosures and their revisions, finance lines, subsidy entries, attachments, review steps, the
 * publication ledger, the chart of accounts and idempotency keys.
 *
 * A disclosure carries the codes of its village's ancestors (province … township) so that the
 * newest published items of any region are one short index scan at every level. Published
 * revisions, their lines, entries and attachments, and the ledger refuse UPDATE and DELETE in
 * triggers, for every database role.
 */
export class Disclosures1764180000000 implements MigrationInterface {
  name = 'Disclosures1764180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE account_chart (
        system varchar(10) NOT NULL,
        code varchar(40) NOT NULL,
        name varchar(40) NOT NULL,
        direction varchar(7) NOT NULL,
        effective_from date NOT NULL,
        effective_to date,
        CONSTRAINT account_chart_pkey PRIMARY KEY (system, code),
        CONSTRAINT account_chart_direction_check CHECK (direction IN ('income', 'expense'))
      )`);
    // 村集体经济组织会计制度 (财会〔2004〕12号): income and expense accounts, 管理费用 with sub-items.
    await q.query(`
      INSERT INTO account_chart (system, code, name, direction, effective_from) VALUES
        ('2004', '经营收入', '经营收入', 'income', '2005-01-01'),
        ('2004', '发包及上交收入', '发包及上交收入', 'income', '2005-01-01'),
        ('2004', '投资收益', '投资收益', 'income', '2005-01-01'),
        ('2004', '补助收入', '补助收入', 'income', '2005-01-01'),
        ('2004', '其他收入', '其他收入', 'income', '2005-01-01'),
        ('2004', '经营支出', '经营支出', 'expense', '2005-01-01'),
        ('2004', '管理费用', '管理费用', 'expense', '2005-01-01'),
        ('2004', '管理费用/干部报酬', '干部报酬', 'expense', '2005-01-01'),
        ('2004', '管理费用/办公费', '办公费', 'expense', '2005-01-01'),
        ('2004', '管理费用/招待费', '招待费', 'expense', '2005-01-01'),
        ('2004', '管理费用/差旅费', '差旅费', 'expense', '2005-01-01'),
        ('2004', '其他支出', '其他支出', 'expense', '2005-01-01')`);

    await q.query(`
      CREATE TABLE disclosure (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        region_code bigint NOT NULL,
        township_code bigint NOT NULL,
        county_code bigint NOT NULL,
        city_code bigint NOT NULL,
        province_code bigint NOT NULL,
        category varchar(10) NOT NULL,
        period varchar(7) NOT NULL,
        period_start date NOT NULL,
        period_end date NOT NULL,
        status varchar(10) NOT NULL DEFAULT 'draft',
        published_revision integer,
        published_at timestamptz,
        title varchar(200) NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT disclosure_pkey PRIMARY KEY (id),
        CONSTRAINT disclosure_region_code_fkey FOREIGN KEY (region_code) REFERENCES region (code),
        CONSTRAINT disclosure_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_user (id),
        CONSTRAINT disclosure_category_check CHECK (category IN ('party', 'village', 'finance')),
        CONSTRAINT disclosure_period_check CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$'),
        CONSTRAINT disclosure_status_check CHECK (status IN ('draft', 'published', 'withdrawn')),
        CONSTRAINT disclosure_published_check CHECK ((status = 'draft') = (published_at IS NULL))
      )`);
    for (const level of ['region', 'township', 'county', 'city', 'province']) {
      await q.query(
        `CREATE INDEX disclosure_${level}_code_published_at_id_idx ON disclosure (${level}_code, published_at DESC, id DESC) WHERE status = 'published'`,
      );
    }
    await q.query(`CREATE INDEX disclosure_region_code_created_at_idx ON disclosure (region_code, created_at)`);

    await q.query(`
      CREATE TABLE disclosure_revision (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        disclosure_id uuid NOT NULL,
        number integer NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'draft',
        title varchar(200) NOT NULL,
        body text NOT NULL DEFAULT '',
        correction_reason varchar(500),
        version integer NOT NULL DEFAULT 1,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        submitted_at timestamptz,
        published_at timestamptz,
        published_by uuid,
        CONSTRAINT disclosure_revision_pkey PRIMARY KEY (id),
        CONSTRAINT disclosure_revision_disclosure_id_number_key UNIQUE (disclosure_id, number),
        CONSTRAINT disclosure_revision_disclosure_id_fkey FOREIGN KEY (disclosure_id) REFERENCES disclosure (id),
        CONSTRAINT disclosure_revision_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_user (id),
        CONSTRAINT disclosure_revision_published_by_fkey FOREIGN KEY (published_by) REFERENCES app_user (id),
        CONSTRAINT disclosure_revision_status_check CHECK (status IN ('draft', 'monitor_review', 'township_review', 'returned', 'published')),
        CONSTRAINT disclosure_revision_correction_check CHECK (number = 1 OR correction_reason IS NOT NULL),
        CONSTRAINT disclosure_revision_body_check CHECK (length(body) <= 50000)
      )`);
    // One revision in the works at a time per disclosure.
    await q.query(
      `CREATE UNIQUE INDEX disclosure_revision_open_key ON disclosure_revision (disclosure_id) WHERE status <> 'published'`,
    );
    await q.query(
      `CREATE INDEX disclosure_revision_status_submitted_at_idx ON disclosure_revision (status, submitted_at) WHERE status IN ('monitor_review', 'township_review')`,
    );

    await q.query(`
      CREATE TABLE finance_line (
        revision_id uuid NOT NULL,
        line_no integer NOT NULL,
        province_code bigint NOT NULL,
        direction varchar(7) NOT NULL,
        chart_system varchar(10) NOT NULL,
        account_code varchar(40) NOT NULL,
        amount numeric(14, 2) NOT NULL,
        occurred_on date NOT NULL,
        counterparty varchar(100),
        voucher_no varchar(50),
        payment_method varchar(4) NOT NULL,
        note varchar(500),
        CONSTRAINT finance_line_pkey PRIMARY KEY (revision_id, line_no),
        CONSTRAINT finance_line_revision_id_fkey FOREIGN KEY (revision_id) REFERENCES disclosure_revision (id),
        CONSTRAINT finance_line_chart_system_account_code_fkey FOREIGN KEY (chart_system, account_code) REFERENCES account_chart (system, code),
        CONSTRAINT finance_line_direction_check CHECK (direction IN ('income', 'expense')),
        CONSTRAINT finance_line_amount_check CHECK (amount > 0 AND amount <= 9999999999.99),
        CONSTRAINT finance_line_payment_method_check CHECK (payment_method IN ('bank', 'cash'))
      )`);

    await q.query(`
      CREATE TABLE subsidy_entry (
        revision_id uuid NOT NULL,
        line_no integer NOT NULL,
        province_code bigint NOT NULL,
        recipient_name varchar(50) NOT NULL,
        village_group varchar(50),
        household_size smallint NOT NULL,
        subsidy_type varchar(30) NOT NULL,
        amount numeric(14, 2) NOT NULL,
        id_number_cipher bytea NOT NULL,
        id_number_hash bytea NOT NULL,
        id_number_masked varchar(18) NOT NULL,
        CONSTRAINT subsidy_entry_pkey PRIMARY KEY (revision_id, line_no),
        CONSTRAINT subsidy_entry_revision_id_fkey FOREIGN KEY (revision_id) REFERENCES disclosure_revision (id),
        CONSTRAINT subsidy_entry_amount_check CHECK (amount > 0 AND amount <= 9999999999.99),
        CONSTRAINT subsidy_entry_household_size_check CHECK (household_size BETWEEN 1 AND 50)
      )`);
    await q.query(`CREATE INDEX subsidy_entry_id_number_hash_idx ON subsidy_entry (id_number_hash)`);

    await q.query(`
      CREATE TABLE attachment (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        revision_id uuid NOT NULL,
        filename varchar(200) NOT NULL,
        media_type varchar(50) NOT NULL,
        size integer NOT NULL,
        sha256 bytea NOT NULL,
        content bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT attachment_pkey PRIMARY KEY (id),
        CONSTRAINT attachment_revision_id_fkey FOREIGN KEY (revision_id) REFERENCES disclosure_revision (id),
        CONSTRAINT attachment_media_type_check CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
        CONSTRAINT attachment_size_check CHECK (size BETWEEN 1 AND 10485760)
      )`);
    await q.query(`CREATE INDEX attachment_revision_id_idx ON attachment (revision_id)`);

    await q.query(`
      CREATE TABLE review_step (
        id bigint GENERATED ALWAYS AS IDENTITY,
        revision_id uuid NOT NULL,
        action varchar(20) NOT NULL,
        actor_id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        reason varchar(500),
        CONSTRAINT review_step_pkey PRIMARY KEY (id),
        CONSTRAINT review_step_revision_id_fkey FOREIGN KEY (revision_id) REFERENCES disclosure_revision (id),
        CONSTRAINT review_step_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES app_user (id),
        CONSTRAINT review_step_action_check CHECK (action IN ('create', 'submit', 'monitor_approve', 'monitor_return', 'approve', 'return', 'withdraw'))
      )`);
    await q.query(`CREATE INDEX review_step_revision_id_idx ON review_step (revision_id)`);

    await q.query(`
      CREATE TABLE publication_ledger (
        seq bigint NOT NULL,
        disclosure_id uuid NOT NULL,
        revision_number integer NOT NULL,
        kind varchar(10) NOT NULL,
        content_hash bytea NOT NULL,
        at timestamptz NOT NULL,
        prev_hash bytea NOT NULL,
        entry_hash bytea NOT NULL,
        CONSTRAINT publication_ledger_pkey PRIMARY KEY (seq),
        CONSTRAINT publication_ledger_disclosure_id_fkey FOREIGN KEY (disclosure_id) REFERENCES disclosure (id),
        CONSTRAINT publication_ledger_kind_check CHECK (kind IN ('publish', 'correct', 'withdraw'))
      )`);
    await q.query(`CREATE INDEX publication_ledger_disclosure_id_seq_idx ON publication_ledger (disclosure_id, seq)`);
    await q.query(`CREATE SEQUENCE publication_ledger_seq_seq OWNED BY publication_ledger.seq`);
    // entry_hash = sha256(prev_hash ‖ "seq|disclosure|revision|kind|hex(content_hash)|at-microseconds")
    await q.query(`
      CREATE FUNCTION publication_ledger_canonical(l publication_ledger) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN concat_ws('|', l.seq, l.disclosure_id, l.revision_number, l.kind, encode(l.content_hash, 'hex'),
        (extract(epoch FROM l.at) * 1000000)::bigint)`);
    await q.query(`
      CREATE FUNCTION publication_ledger_chain() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('publication_ledger_chain'));
        NEW.seq := nextval('publication_ledger_seq_seq');
        NEW.at := clock_timestamp();
        NEW.prev_hash := coalesce((SELECT entry_hash FROM publication_ledger ORDER BY seq DESC LIMIT 1), '\\x'::bytea);
        NEW.entry_hash := sha256(NEW.prev_hash || convert_to(publication_ledger_canonical(NEW), 'UTF8'));
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER publication_ledger_chain BEFORE INSERT ON publication_ledger FOR EACH ROW EXECUTE FUNCTION publication_ledger_chain()`,
    );
    await q.query(
      `CREATE TRIGGER publication_ledger_append_only BEFORE UPDATE OR DELETE ON publication_ledger FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`,
    );
    await q.query(
      `CREATE TRIGGER publication_ledger_no_truncate BEFORE TRUNCATE ON publication_ledger FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`,
    );

    // Published content is immutable: the revision row once published, and the rows hanging off it.
    await q.query(`
      CREATE FUNCTION disclosure_revision_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'published' THEN
          RAISE EXCEPTION 'published revision % is immutable', OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await q.query(
      `CREATE TRIGGER disclosure_revision_immutable BEFORE UPDATE OR DELETE ON disclosure_revision FOR EACH ROW EXECUTE FUNCTION disclosure_revision_guard()`,
    );
    await q.query(`
      CREATE FUNCTION revision_content_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        rev uuid := CASE WHEN TG_OP = 'INSERT' THEN NEW.revision_id ELSE OLD.revision_id END;
      BEGIN
        IF EXISTS (SELECT 1 FROM disclosure_revision WHERE id = rev AND status = 'published')
           OR (TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM disclosure_revision WHERE id = NEW.revision_id AND status = 'published')) THEN
          RAISE EXCEPTION 'content of published revision % is immutable', rev USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    for (const table of ['finance_line', 'subsidy_entry', 'attachment']) {
      await q.query(
        `CREATE TRIGGER ${table}_immutable BEFORE INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION revision_content_guard()`,
      );
    }

    await q.query(`
      CREATE TABLE idempotency_key (
        user_id uuid NOT NULL,
        key varchar(100) NOT NULL,
        request_hash bytea NOT NULL,
        status_code smallint,
        content_type varchar(100),
        body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT idempotency_key_pkey PRIMARY KEY (user_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_key_created_at_idx ON idempotency_key (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_key`);
    for (const table of ['attachment', 'subsidy_entry', 'finance_line']) await q.query(`DROP TABLE ${table}`);
    await q.query(`DROP FUNCTION revision_content_guard()`);
    await q.query(`DROP FUNCTION publication_ledger_canonical(publication_ledger)`);
    await q.query(`DROP TABLE publication_ledger`);
    await q.query(`DROP FUNCTION publication_ledger_chain()`);
    await q.query(`DROP TABLE review_step`);
    await q.query(`DROP TABLE disclosure_revision`);
    await q.query(`DROP FUNCTION disclosure_revision_guard()`);
    await q.query(`DROP TABLE disclosure`);
    await q.query(`DROP TABLE account_chart`);
  }
}
