import { MigrationInterface, QueryRunner } from 'typeorm';

/** The counters of a rollup row, in the order both rollup tables list them. */
const COUNTERS = `
  residents_registered integer NOT NULL,
  residents_verified integer NOT NULL,
  disclosures_party integer NOT NULL,
  disclosures_village integer NOT NULL,
  disclosures_finance integer NOT NULL,
  obligations_due integer NOT NULL,
  obligations_on_time integer NOT NULL,
  obligations_late integer NOT NULL,
  obligations_missing integer NOT NULL,
  complaints_filed integer NOT NULL,
  complaints_answered integer NOT NULL,
  complaints_answered_on_time integer NOT NULL,
  complaints_resolved integer NOT NULL,
  resolution_days integer[] NOT NULL,
  issues integer[] NOT NULL,
  ratings integer NOT NULL,
  ratings_positive integer NOT NULL,
  rating_participants integer NOT NULL`;

/** `month` of a timestamp: the first day of its month in China Standard Time. */
const MONTH = (ts: string) => `date_trunc('month', ${ts} AT TIME ZONE 'Asia/Shanghai')::date`;

/**
 * Statistics rollups (issue 12): counters per leaf region (a village, or the township or county an
 * issue is assigned to) and month, `stats_village_month`, and the same counters summed for every
 * region of levels 1–4 and month, `stats_region_month`, so that a dashboard reads O(months) rows.
 * Triggers on the raw tables mark the (leaf, month) pairs a write changes in `stats_dirty` (and a
 * calendar change its subtree in `stats_dirty_region`), in the writer's transaction; the worker job
 * `statistics.rollup` recomputes them from the raw data. Histograms (`resolution_days`: index d + 1
 * counts resolutions after d days; `issues`: source × status) are int arrays summed element-wise by
 * `stats_hist_sum`, so the median adds up the tree.
 */
export class Statistics1764854000000 implements MigrationInterface {
  name = 'Statistics1764854000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stats_village_month (
        village_code bigint NOT NULL,
        month date NOT NULL,${COUNTERS},
        CONSTRAINT stats_village_month_pkey PRIMARY KEY (village_code, month)
      )`);
    await q.query(`
      CREATE TABLE stats_region_month (
        region_code bigint NOT NULL,
        month date NOT NULL,
        level smallint NOT NULL,${COUNTERS},
        CONSTRAINT stats_region_month_pkey PRIMARY KEY (region_code, month)
      )`);
    await q.query(`
      CREATE TABLE stats_dirty (
        village_code bigint NOT NULL,
        month date NOT NULL,
        CONSTRAINT stats_dirty_pkey PRIMARY KEY (village_code, month)
      )`);
    await q.query(`
      CREATE TABLE stats_dirty_region (
        region_code bigint NOT NULL,
        CONSTRAINT stats_dirty_region_pkey PRIMARY KEY (region_code)
      )`);
    await q.query(`
      CREATE TABLE stats_state (
        key varchar(40) NOT NULL,
        day date NOT NULL,
        CONSTRAINT stats_state_pkey PRIMARY KEY (key)
      )`);

    await q.query(`
      CREATE FUNCTION stats_hist_add(a integer[], b integer[]) RETURNS integer[] LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE ARRAY(
          SELECT COALESCE(a[i], 0) + COALESCE(b[i], 0)
          FROM generate_series(1, greatest(cardinality(a), cardinality(b))) AS i ORDER BY i) END
      $$`);
    await q.query(`CREATE AGGREGATE stats_hist_sum(integer[]) (SFUNC = stats_hist_add, STYPE = integer[])`);
    await q.query(`
      CREATE FUNCTION stats_mark(code bigint, at timestamptz) RETURNS void LANGUAGE sql AS $$
        INSERT INTO stats_dirty (village_code, month)
        SELECT code, ${MONTH('at')} WHERE code IS NOT NULL AND at IS NOT NULL
        ON CONFLICT DO NOTHING
      $$`);

    // Residents: the months of registration and of verification.
    await q.query(`
      CREATE FUNCTION stats_app_user_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN
          IF OLD.kind = 'resident' THEN
            PERFORM stats_mark(OLD.home_region_code, OLD.created_at), stats_mark(OLD.home_region_code, OLD.verified_at);
          END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
          IF NEW.kind = 'resident' THEN
            PERFORM stats_mark(NEW.home_region_code, NEW.created_at), stats_mark(NEW.home_region_code, NEW.verified_at);
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER app_user_stats_dirty AFTER INSERT OR DELETE OR UPDATE OF kind, home_region_code, created_at, verified_at
      ON app_user FOR EACH ROW EXECUTE FUNCTION stats_app_user_dirty()`);

    // Disclosures: the month of first publication, and the due months of the obligations they meet
    // (a period's own, and for a month the quarter's).
    await q.query(`
      CREATE FUNCTION stats_disclosure_mark(id uuid) RETURNS void LANGUAGE sql AS $$
        SELECT stats_mark(d.region_code, rv.published_at),
               stats_mark(d.region_code, (d.period_end + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'),
               stats_mark(d.region_code, (date_trunc('quarter', d.period_start) + interval '3 months') AT TIME ZONE 'Asia/Shanghai')
        FROM disclosure d LEFT JOIN disclosure_revision rv ON rv.disclosure_id = d.id AND rv.number = 1
        WHERE d.id = $1
      $$`);
    await q.query(`
      CREATE FUNCTION stats_disclosure_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- NEW has no disclosure_id on disclosure (plpgsql resolves the field of the row it is given).
        IF TG_TABLE_NAME = 'disclosure' THEN
          PERFORM stats_disclosure_mark(NEW.id);
        ELSE
          PERFORM stats_disclosure_mark(NEW.disclosure_id);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER disclosure_stats_dirty AFTER UPDATE OF status, region_code, period_start, period_end
      ON disclosure FOR EACH ROW EXECUTE FUNCTION stats_disclosure_dirty()`);
    await q.query(`
      CREATE TRIGGER disclosure_revision_stats_dirty AFTER INSERT OR UPDATE OF published_at
      ON disclosure_revision FOR EACH ROW WHEN (NEW.number = 1) EXECUTE FUNCTION stats_disclosure_dirty()`);

    // Complaints: the month of filing (every figure of a complaint counts in the month it was filed).
    await q.query(`
      CREATE FUNCTION stats_complaint_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'complaint_event' THEN
          PERFORM stats_mark(c.region_code, c.filed_at) FROM complaint c WHERE c.id = NEW.complaint_id;
          RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE' THEN PERFORM stats_mark(OLD.region_code, OLD.filed_at); END IF;
        PERFORM stats_mark(NEW.region_code, NEW.filed_at);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER complaint_stats_dirty AFTER INSERT OR UPDATE
      ON complaint FOR EACH ROW EXECUTE FUNCTION stats_complaint_dirty()`);
    await q.query(`
      CREATE TRIGGER complaint_event_stats_dirty AFTER INSERT
      ON complaint_event FOR EACH ROW EXECUTE FUNCTION stats_complaint_dirty()`);

    // Issues: the month of creation, at the responsible region.
    await q.query(`
      CREATE FUNCTION stats_issue_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN PERFORM stats_mark(OLD.region_code, OLD.created_at); END IF;
        PERFORM stats_mark(NEW.region_code, NEW.created_at);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER supervision_issue_stats_dirty AFTER INSERT OR UPDATE OF status, source, region_code, created_at
      ON supervision_issue FOR EACH ROW EXECUTE FUNCTION stats_issue_dirty()`);

    // Ratings: the month of the rating, at the rated disclosure's village.
    await q.query(`
      CREATE FUNCTION stats_rating_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM stats_mark(d.region_code, NEW.created_at) FROM disclosure d WHERE d.id = NEW.disclosure_id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER disclosure_rating_stats_dirty AFTER INSERT OR UPDATE OF level, created_at
      ON disclosure_rating FOR EACH ROW EXECUTE FUNCTION stats_rating_dirty()`);

    // The calendar: every obligation of the subtree may change.
    await q.query(`
      CREATE FUNCTION stats_calendar_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO stats_dirty_region (region_code)
        VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.region_code ELSE NEW.region_code END) ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER compliance_calendar_stats_dirty AFTER INSERT OR UPDATE OR DELETE
      ON compliance_calendar FOR EACH ROW EXECUTE FUNCTION stats_calendar_dirty()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER compliance_calendar_stats_dirty ON compliance_calendar`);
    await q.query(`DROP TRIGGER disclosure_rating_stats_dirty ON disclosure_rating`);
    await q.query(`DROP TRIGGER supervision_issue_stats_dirty ON supervision_issue`);
    await q.query(`DROP TRIGGER complaint_event_stats_dirty ON complaint_event`);
    await q.query(`DROP TRIGGER complaint_stats_dirty ON complaint`);
    await q.query(`DROP TRIGGER disclosure_revision_stats_dirty ON disclosure_revision`);
    await q.query(`DROP TRIGGER disclosure_stats_dirty ON disclosure`);
    await q.query(`DROP TRIGGER app_user_stats_dirty ON app_user`);
    for (const fn of [
      'stats_calendar_dirty()',
      'stats_rating_dirty()',
      'stats_issue_dirty()',
      'stats_complaint_dirty()',
      'stats_disclosure_dirty()',
      'stats_disclosure_mark(uuid)',
      'stats_app_user_dirty()',
      'stats_mark(bigint, timestamptz)',
    ])
      await q.query(`DROP FUNCTION ${fn}`);
    await q.query(`DROP AGGREGATE stats_hist_sum(integer[])`);
    await q.query(`DROP FUNCTION stats_hist_add(integer[], integer[])`);
    await q.query(`DROP TABLE stats_state`);
    await q.query(`DROP TABLE stats_dirty_region`);
    await q.query(`DROP TABLE stats_dirty`);
    await q.query(`DROP TABLE stats_region_month`);
    await q.query(`DROP TABLE stats_village_month`);
  }
}
