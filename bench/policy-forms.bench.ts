/**
 * What the form of a read policy's regions test costs the clerk's working copy (issue 14): the
 * statement the API runs for `GET /disclosures/{id}/working`, run in a server-side loop under each
 * form of the read policies of the seven tables it scans (the disclosure, its revisions, review
 * steps, finance lines, subsidy entries, attachments and redactions), against the same loop on a
 * role that bypasses row-level security. No network and no client: the database's own cost of the
 * policies, each form against the same floor in the same run.
 *
 * Everything runs in one transaction on the owner's connection (a superuser), rolled back at the
 * end, so no policy and no role outlives the run, even an interrupted one: the floor is a role
 * made in it (BYPASSRLS, a member of `sunshine_app`), the app's side `sunshine_app` itself; each form
 * is applied with ALTER POLICY after a savepoint and undone by rolling back to it. ALTER POLICY
 * locks those tables until the end of the run: do not run it against a database in use.
 *
 * Each form is measured in BENCH_PASSES alternating passes per side (default 8) of BENCH_LOOPS
 * executions each (default 3,000; a DO block plans the statement once and runs its cached plan, as a
 * prepared statement does), in the scope of an official of the draft's village; it prints the best
 * pass of each side, in µs a statement, their difference and ratio. The draft is the seed's
 * unpublished finance revision with the most lines (`npm run seed:province` first).
 *
 *   DATABASE_OWNER_URL=postgres://postgres@host/db npm run bench:policy-forms
 */
import 'reflect-metadata';

import { APPLICATION_ROLE, officialRows, rowScopeParameters, SET_ROW_SCOPE } from '@sunshine/core';
import { WORKING_COPY_SQL } from '@sunshine/disclosures';
import { Client } from 'pg';

import { benchCommandLine } from '../scripts/command-line';
import { numberSetting } from './harness';

const PASSES = Math.round(numberSetting('BENCH_PASSES', 8, 1));
const LOOPS = Math.round(numberSetting('BENCH_LOOPS', 3000, 10));
const FLOOR_ROLE = 'sunshine_bench_forms_off';

/** The read policies the working copy meets, each with the test that passes a row without the scope. */
const TABLES: Record<string, string> = {
  disclosure: `(status)::text <> 'draft'`,
  disclosure_revision: `(status)::text = 'published'`,
  review_step: 'published',
  finance_line: 'published',
  subsidy_entry: 'published',
  attachment: 'published',
  revision_redaction: 'published',
};

/**
 * A form: the regions test a policy ORs with its table's test, inside `(…)::integer <> 0` (the
 * planner's estimate, migrations/shared/row-policies.ts' estimatedTrue) unless `bare`; undefined
 * for the migrations' own.
 */
interface Form {
  name: string;
  regions?: string;
  bare?: boolean;
}

/** Stands for the draft's village code, as a literal, in a form's test. */
const VILLAGE = ':village';

const FORMS: Form[] = [
  { name: 'as migrated: the region pattern (LIKE), then the regions’ call for the rows it leaves (none here)' },
  {
    name: 'before 1764888000000: the regions setting, empty taken as none, cast to int8multirange',
    regions: `coalesce(nullif(current_setting('sunshine.regions', true), ''), '{}')::int8multirange @> region_code`,
  },
  {
    name: 'the regions setting cast to int8multirange as it is (an empty setting fails the statement)',
    regions: `current_setting('sunshine.regions', true)::int8multirange @> region_code`,
  },
  {
    name: 'one range as two int8 settings (an empty setting fails the statement)',
    regions: `region_code BETWEEN current_setting('bench.lo', true)::int8 AND current_setting('bench.hi', true)::int8`,
  },
  {
    name: 'one range as two text settings, compared byte by byte (empty: no row)',
    regions: `(region_code::text COLLATE "C") BETWEEN current_setting('bench.lo', true) AND current_setting('bench.hi', true)`,
  },
  {
    name: 'the region pattern alone (one subtree only)',
    regions: `region_code::text LIKE current_setting('sunshine.region_pattern', true)`,
  },
  {
    name: 'the subtrees as a SIMILAR TO pattern, one alternative each (empty: no row)',
    regions: `region_code::text SIMILAR TO current_setting('bench.similar', true)`,
  },
  {
    name: 'reference, not a subtree: one text setting equal to the region',
    regions: `current_setting('bench.lo', true) = region_code::text`,
  },
  {
    name: 'the pattern taken once per statement (an InitPlan), then the call',
    regions: `region_code::text LIKE (SELECT current_setting('sunshine.region_pattern', true)) OR sunshine_in_regions(region_code)`,
  },
  {
    name: 'the pattern, then the call, without the integer comparison (the planner’s estimate changes)',
    regions: `region_code::text LIKE current_setting('sunshine.region_pattern', true) OR sunshine_in_regions(region_code)`,
    bare: true,
  },
  {
    name: 'reference, no setting: the village’s own code as a constant pattern',
    regions: `region_code::text LIKE ${VILLAGE}`,
  },
  { name: 'reference, no setting: a test of the row alone', regions: 'region_code > 0' },
];

async function main(): Promise<void> {
  benchCommandLine(__filename, 'bench:policy-forms');
  const url = process.env.DATABASE_OWNER_URL;
  if (!url) throw new Error('DATABASE_OWNER_URL must name the schema owner (a superuser) of a seeded database');
  const owner = new Client({ connectionString: url });
  await owner.connect();
  try {
    await owner.query('BEGIN');
    await measure(owner);
  } finally {
    await owner.query('ROLLBACK').catch(() => undefined);
    await owner.end();
  }
}

async function measure(owner: Client): Promise<void> {
  const { rows } = await owner.query<{ id: string; region: string; lines: number }>(
    `SELECT d.id, d.region_code::text AS region, count(f.*)::int AS lines
     FROM disclosure d JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.status <> 'published'
     JOIN finance_line f ON f.revision_id = r.id
     WHERE d.category = 'finance' GROUP BY d.id ORDER BY lines DESC, d.id LIMIT 1`,
  );
  const draft = rows[0];
  if (!draft)
    throw new Error('no unpublished finance revision with lines: seed the database first (npm run seed:province)');
  const statement = WORKING_COPY_SQL.replace('$1', owner.escapeLiteral(draft.id));
  await owner.query(`CREATE ROLE ${FLOOR_ROLE} NOLOGIN BYPASSRLS IN ROLE ${APPLICATION_ROLE}`);
  const scope = officialRows('00000000-0000-4000-8000-000000000000', [{ from: draft.region, to: draft.region }]);
  await owner.query(SET_ROW_SCOPE, rowScopeParameters(scope));
  await owner.query(
    `SELECT set_config('bench.lo', $1, true), set_config('bench.hi', $1, true),
       set_config('bench.similar', '(' || $1 || '|' || left($1, 6) || '%)', true)`,
    [draft.region],
  );
  console.log(
    `\nThe working copy of a draft with ${draft.lines} lines (village ${draft.region}), ${LOOPS} executions a pass, ` +
      `best of ${PASSES} passes a side, in an official's scope of that village\n`,
  );
  console.log(
    '| form of the regions test | no row-level security, µs | row-level security, µs | difference, µs | ratio |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const form of FORMS) {
    await owner.query('SAVEPOINT form');
    if (form.regions) {
      const regions = form.regions.replace(VILLAGE, owner.escapeLiteral(draft.region));
      for (const [table, passes] of Object.entries(TABLES)) {
        const test = `(${passes}) OR ${regions}`;
        await owner.query(
          `ALTER POLICY sunshine_read ON ${table} USING (${form.bare ? test : `(${test})::integer <> 0`})`,
        );
      }
    }
    const best = { floor: Infinity, app: Infinity };
    for (let pass = 0; pass < PASSES; pass++) {
      const order = pass % 2 === 0 ? (['floor', 'app'] as const) : (['app', 'floor'] as const);
      for (const side of order) {
        best[side] = Math.min(
          best[side],
          await loopMicros(owner, side === 'floor' ? FLOOR_ROLE : APPLICATION_ROLE, statement),
        );
      }
    }
    console.log(
      `| ${form.name} | ${best.floor.toFixed(1)} | ${best.app.toFixed(1)} | ${(best.app - best.floor).toFixed(1)} | ${(best.app / best.floor).toFixed(2)} |`,
    );
    await owner.query('ROLLBACK TO SAVEPOINT form');
  }
}

/** µs a statement of LOOPS executions of `statement` as `role`, timed after the first, which plans it. */
async function loopMicros(owner: Client, role: string, statement: string): Promise<number> {
  await owner.query(`SET LOCAL ROLE ${role}`);
  try {
    await owner.query(`DO $bench$
      DECLARE started timestamptz;
      BEGIN
        FOR i IN 0..${LOOPS} LOOP
          IF i = 1 THEN started := clock_timestamp(); END IF;
          PERFORM * FROM (${statement}) AS copy;
        END LOOP;
        PERFORM set_config('bench.micros', (extract(epoch FROM clock_timestamp() - started) * 1e6 / ${LOOPS})::text, true);
      END $bench$`);
    const { rows } = await owner.query<{ micros: string }>(`SELECT current_setting('bench.micros') AS micros`);
    return Number(rows[0]?.micros);
  } finally {
    await owner.query('RESET ROLE');
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
