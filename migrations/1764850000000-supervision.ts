import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Supervision (issue 12): the compliance calendar's overrides per subtree, supervision issues with
 * their timeline and batches, rule thresholds per subtree and rule findings (one per rule and key,
 * never deleted: a finding that no longer holds is marked so). Region codes are hierarchical
 * (a subtree is `code BETWEEN root AND root + region_span(level)`), so a region_code index serves
 * every level.
 */
export class Supervision1764850000000 implements MigrationInterface {
  name = 'Supervision1764850000000';

  async up(q: QueryRunner): Promise<void> {
    // The compliance calendar: none for a subtree → the nearest ancestor's → the default.
    await q.query(`
      CREATE TABLE compliance_calendar (
        region_code bigint NOT NULL,
        category varchar(10) NOT NULL,
        frequency varchar(9) NOT NULL,
        due_day smallint NOT NULL,
        updated_by uuid NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT compliance_calendar_pkey PRIMARY KEY (region_code, category),
        CONSTRAINT compliance_calendar_region_code_fkey FOREIGN KEY (region_code) REFERENCES region (code),
        CONSTRAINT compliance_calendar_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES app_user (id),
        CONSTRAINT compliance_calendar_category_check CHECK (category IN ('party', 'village', 'finance')),
        CONSTRAINT compliance_calendar_frequency_check CHECK (frequency IN ('monthly', 'quarterly')),
        CONSTRAINT compliance_calendar_due_day_check CHECK (due_day BETWEEN 1 AND 28)
      )`);
    // Obligations are matched with published disclosures by village, category and period.
    await q.query(
      `CREATE INDEX disclosure_region_code_category_period_start_idx ON disclosure (region_code, category, period_start) WHERE status = 'published'`,
    );

    await q.query(`
      CREATE TABLE supervision_batch (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        region_code bigint NOT NULL,
        name varchar(200) NOT NULL,
        issued_on date NOT NULL,
        deadline date NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT supervision_batch_pkey PRIMARY KEY (id),
        CONSTRAINT supervision_batch_region_code_fkey FOREIGN KEY (region_code) REFERENCES region (code),
        CONSTRAINT supervision_batch_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_user (id),
        CONSTRAINT supervision_batch_deadline_check CHECK (deadline >= issued_on)
      )`);
    await q.query(
      `CREATE INDEX supervision_batch_region_code_created_at_idx ON supervision_batch (region_code, created_at DESC, id DESC)`,
    );

    await q.query(`
      CREATE TABLE rule_finding (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        rule_id varchar(40) NOT NULL,
        key varchar(300) NOT NULL,
        region_code bigint NOT NULL,
        township_code bigint NOT NULL,
        explanation varchar(2000) NOT NULL,
        evidence jsonb NOT NULL DEFAULT '{}',
        found_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        holds boolean NOT NULL DEFAULT true,
        no_longer_holds_at timestamptz,
        review varchar(10) NOT NULL DEFAULT 'pending',
        reviewed_by uuid,
        reviewed_at timestamptz,
        dismiss_reason varchar(1000),
        CONSTRAINT rule_finding_pkey PRIMARY KEY (id),
        CONSTRAINT rule_finding_rule_id_key_key UNIQUE (rule_id, key),
        CONSTRAINT rule_finding_region_code_fkey FOREIGN KEY (region_code) REFERENCES region (code),
        CONSTRAINT rule_finding_reviewed_by_fkey FOREIGN KEY (reviewed_by) REFERENCES app_user (id),
        CONSTRAINT rule_finding_review_check CHECK (review IN ('pending', 'confirmed', 'dismissed')),
        CONSTRAINT rule_finding_dismissed_check CHECK ((review = 'dismissed') = (dismiss_reason IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX rule_finding_region_code_found_at_idx ON rule_finding (region_code, found_at DESC, id DESC)`,
    );
    await q.query(`
      CREATE TABLE rule_threshold (
        rule_id varchar(40) NOT NULL,
        region_code bigint NOT NULL,
        params jsonb NOT NULL,
        updated_by uuid NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rule_threshold_pkey PRIMARY KEY (rule_id, region_code),
        CONSTRAINT rule_threshold_region_code_fkey FOREIGN KEY (region_code) REFERENCES region (code),
        CONSTRAINT rule_threshold_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES app_user (id)
      )`);

    await q.query(`
      CREATE TABLE supervision_issue (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        source varchar(10) NOT NULL,
        region_code bigint NOT NULL,
        assigned_by_region_code bigint NOT NULL,
        title varchar(200) NOT NULL,
        description varchar(4000) NOT NULL DEFAULT '',
        severity varchar(6) NOT NULL DEFAULT 'medium',
        due_on date NOT NULL,
        status varchar(12) NOT NULL DEFAULT 'open',
        resolution varchar(4000),
        amount_recovered numeric(14, 2),
        amount_paid numeric(14, 2),
        complaint_id uuid,
        finding_id uuid,
        disclosure_id uuid,
        batch_id uuid,
        created_by uuid,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        resolved_at timestamptz,
        verified_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT supervision_issue_pkey PRIMARY KEY (id),
        CONSTRAINT supervision_issue_region_code_fkey FOREIGN KEY (region_code) REFERENCES region (code),
        CONSTRAINT supervision_issue_assigned_by_region_code_fkey FOREIGN KEY (assigned_by_region_code) REFERENCES region (code),
        CONSTRAINT supervision_issue_complaint_id_fkey FOREIGN KEY (complaint_id) REFERENCES complaint (id),
        CONSTRAINT supervision_issue_finding_id_fkey FOREIGN KEY (finding_id) REFERENCES rule_finding (id),
        CONSTRAINT supervision_issue_disclosure_id_fkey FOREIGN KEY (disclosure_id) REFERENCES disclosure (id),
        CONSTRAINT supervision_issue_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES supervision_batch (id),
        CONSTRAINT supervision_issue_created_by_fkey FOREIGN KEY (created_by) REFERENCES app_user (id),
        CONSTRAINT supervision_issue_source_check CHECK (source IN ('complaint', 'rule', 'batch', 'manual')),
        CONSTRAINT supervision_issue_severity_check CHECK (severity IN ('low', 'medium', 'high')),
        CONSTRAINT supervision_issue_status_check CHECK (status IN ('open', 'in_progress', 'resolved', 'verified', 'dismissed')),
        CONSTRAINT supervision_issue_amounts_check CHECK (amount_recovered >= 0 AND amount_paid >= 0),
        CONSTRAINT supervision_issue_source_link_check CHECK (
          (source <> 'complaint' OR complaint_id IS NOT NULL) AND (source <> 'rule' OR finding_id IS NOT NULL)
          AND (source <> 'batch' OR batch_id IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX supervision_issue_region_code_created_at_idx ON supervision_issue (region_code, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX supervision_issue_batch_id_region_code_idx ON supervision_issue (batch_id, region_code) WHERE batch_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX supervision_issue_complaint_id_key ON supervision_issue (complaint_id) WHERE complaint_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX supervision_issue_finding_id_key ON supervision_issue (finding_id) WHERE finding_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE supervision_issue_event (
        id bigint GENERATED ALWAYS AS IDENTITY,
        issue_id uuid NOT NULL,
        kind varchar(20) NOT NULL,
        status varchar(12) NOT NULL,
        note varchar(4000),
        actor_id uuid,
        at timestamptz NOT NULL,
        CONSTRAINT supervision_issue_event_pkey PRIMARY KEY (id),
        CONSTRAINT supervision_issue_event_issue_id_fkey FOREIGN KEY (issue_id) REFERENCES supervision_issue (id),
        CONSTRAINT supervision_issue_event_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES app_user (id)
      )`);
    await q.query(`CREATE INDEX supervision_issue_event_issue_id_idx ON supervision_issue_event (issue_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE supervision_issue_event`);
    await q.query(`DROP TABLE supervision_issue`);
    await q.query(`DROP TABLE rule_threshold`);
    await q.query(`DROP TABLE rule_finding`);
    await q.query(`DROP TABLE supervision_batch`);
    await q.query(`DROP INDEX disclosure_region_code_category_period_start_idx`);
    await q.query(`DROP TABLE compliance_calendar`);
  }
}
