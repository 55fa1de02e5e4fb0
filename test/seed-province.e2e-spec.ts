import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataCipher, isValidIdNumber } from '@sunshine/access';
import { AppConfig, createHttpApp, Db, validateConfig } from '@sunshine/core';
import {
  ContentRepository,
  DisclosuresRepository,
  LedgerRepository,
  PublicationService,
  verifyLedger,
} from '@sunshine/disclosures';
import request from 'supertest';

import { AppModule } from '../apps/api/src/app.module';
import { disclosures, financeLines, residentIdentity, subsidies } from '../scripts/seed/model';
import { buildPlan, FULL_SCALE, RegionRow, SeedPlan } from '../scripts/seed/plan';
import { plannedCounts, TABLES } from '../scripts/seed/tables';
import { builtScript } from './support/cli';
import { createTestDatabase, TestDatabase, withDataSource } from './support/test-database';

const ROOT = path.resolve(__dirname, '..');
const SCALE = 0.0005;
const ARGS = ['--scale', String(SCALE), '--seed', '7', '--as-of', '2026-06', '--jobs', '2', '--no-rollup'];

/** Runs the built seeder; `killAfter` kills it (SIGKILL) when its output first matches. */
function seed(
  script: string,
  url: string,
  args: string[],
  killAfter?: RegExp,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: url,
        DATABASE_OWNER_URL: '', // unset: the seed loads as DATABASE_URL's role, not a test app's owner left in process.env
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PASSWORD_SCRYPT_LOG_N: '10',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (killAfter?.test(stdout)) child.kill('SIGKILL');
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The `npm run seed:province` settings scaled to SCALE, on a database of its own (Liaoning's regions loaded). */
describe('npm run seed:province', () => {
  let db: TestDatabase;
  let script: string;
  let plan: SeedPlan;
  let planned: Record<string, number>;
  let counts: Record<string, number>;
  let firstRun: { code: number | null; signal: string | null; stdout: string };
  let secondRun: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    script = await builtScript('seed-province');
    // Killed as soon as its first table is in: the rerun must finish the others and leave that one as it was.
    firstRun = await seed(script, db.url, ARGS, /^ {2}\w+: [\d,]+ rows in /m);
    secondRun = await seed(script, db.url, ARGS);
    await withDataSource(db.url, async (ds) => {
      const regions: RegionRow[] = await ds.query(`SELECT code::text, name, level, parent_code::text FROM region`);
      plan = buildPlan(regions, { scale: SCALE, seed: 7, asOf: '2026-06' });
      planned = plannedCounts(plan);
      counts = {};
      for (const t of TABLES) {
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM ${t.name}`);
        counts[t.name] = n;
      }
    });
  }, 600_000);

  afterAll(async () => {
    await db?.drop();
  });

  it('restarts cleanly after being killed mid-way, ending with the planned rows', () => {
    expect(firstRun.signal).toBe('SIGKILL');
    expect(firstRun.stdout.split('\n')[0]).toMatch(/^seed:province → postgres:\/\/.*\(DATABASE_URL\)$/);
    expect(secondRun.stderr).toBe('');
    expect(secondRun.code).toBe(0);
    expect(secondRun.stdout).toMatch(/continuing: [1-9]\d* tables already loaded/);
    expect(counts).toEqual(planned);
  });

  it('sizes every table linearly with the scale', () => {
    const near = (actual: number, full: number, tolerance: number) =>
      expect(Math.abs(actual / (full * SCALE) - 1)).toBeLessThan(tolerance);
    expect(counts.app_user).toBe(Math.round(FULL_SCALE.users * SCALE));
    expect(counts.role_assignment).toBe(counts.app_user);
    expect(counts.disclosure).toBe(Math.round(FULL_SCALE.disclosures * SCALE));
    expect(counts.complaint).toBe(Math.round(FULL_SCALE.complaints * SCALE));
    expect(counts.supervision_issue).toBe(Math.round(FULL_SCALE.issues * SCALE));
    near(counts.finance_line as number, 15_000_000, 0.15);
    near(counts.disclosure_rating as number, 6_600_000, 0.1);
    near(counts.comment as number, 1_500_000, 0.1);
    near(counts.disclosure_revision as number, 3_900_000, 0.1);
    near(counts.publication_ledger as number, 3_900_000, 0.1);
    near(counts.supervision_issue_event as number, 960_000, 0.25);
    near(counts.complaint_event as number, 500_000, 0.25);
  });

  it('holds the whole lifecycle: drafts, reviews, returns, corrections and withdrawals', async () => {
    await withDataSource(db.url, async (ds) => {
      const statuses = (sql: string) => ds.query(sql).then((rows: { s: string }[]) => rows.map((r) => r.s).sort());
      expect(await statuses(`SELECT DISTINCT status AS s FROM disclosure`)).toEqual([
        'draft',
        'published',
        'withdrawn',
      ]);
      expect(await statuses(`SELECT DISTINCT status AS s FROM disclosure_revision`)).toEqual(
        expect.arrayContaining(['draft', 'published', 'returned', 'township_review']),
      );
      expect(await statuses(`SELECT DISTINCT action AS s FROM review_step`)).toEqual(
        expect.arrayContaining(['approve', 'create', 'monitor_approve', 'submit', 'withdraw']),
      );
      expect(await statuses(`SELECT DISTINCT kind AS s FROM publication_ledger`)).toEqual([
        'correct',
        'publish',
        'withdraw',
      ]);
      const [c] = await ds.query(
        `SELECT count(*)::int AS n FROM disclosure d JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = 2
         WHERE d.published_revision = 2 AND r.correction_reason IS NOT NULL AND r.status = 'published'`,
      );
      expect(c.n).toBeGreaterThan(0);
      // Three years of history, all of it before the month the history ends in.
      const [span] = await ds.query(
        `SELECT min(published_at) >= '2023-06-01 00:00+08' AND max(published_at) < '2026-06-01 00:00+08' AND max(published_at) - min(published_at) > interval '34 months' AS ok
         FROM disclosure WHERE published_at IS NOT NULL`,
      );
      expect(span.ok).toBe(true);
    });
  });

  it('keeps money exact: the database sums the lines to the cent the generator wrote', async () => {
    const sample = [...disclosures(plan)].filter((d) => d.lineCount > 0 && d.fate === 'published').slice(0, 40);
    await withDataSource(db.url, async (ds) => {
      for (const d of sample) {
        const cents = financeLines(plan, d, 1).reduce((s, l) => s + Math.round(Number(l.amount) * 100), 0);
        const [{ total }] = await ds.query(
          `SELECT sum(amount)::text AS total FROM finance_line l JOIN disclosure_revision r ON r.id = l.revision_id
           WHERE r.disclosure_id = $1 AND r.number = 1`,
          [d.id],
        );
        expect(total).toBe(`${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`);
      }
      const [bad] = await ds.query(
        `SELECT count(*)::int AS n FROM finance_line WHERE amount <= 0 OR scale(amount) <> 2`,
      );
      expect(bad.n).toBe(0);
    });
  });

  it('stores identity numbers encrypted and keyed-hashed as the app does, never in plain text', async () => {
    const config = validateConfig({ ...process.env, NODE_ENV: 'test' }) as AppConfig;
    const cipher = new DataCipher(config);
    const ids = new Set<string>();
    for (const d of disclosures(plan)) if (d.subsidyCount) for (const s of subsidies(plan, d)) ids.add(s.idNumber);
    ids.add(residentIdentity(plan, 0, 0));
    const sample = [...ids].slice(0, 30);
    expect(sample.length).toBeGreaterThan(5);
    expect(sample.every(isValidIdNumber)).toBe(true);
    await withDataSource(db.url, async (ds) => {
      const tables: { t: string }[] = await ds.query(
        `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      );
      for (const { t } of tables) {
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM "${t}" x WHERE x::text LIKE ANY ($1)`, [
          sample.map((id) => `%${id.slice(0, 17)}%`),
        ]);
        expect({ table: t, plain: n }).toEqual({ table: t, plain: 0 });
      }
      const rows: { cipher: Buffer; hash: Buffer; masked: string }[] = await ds.query(
        `SELECT id_number_cipher AS cipher, id_number_hash AS hash, id_number_masked AS masked FROM subsidy_entry LIMIT 50`,
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        const plain = cipher.decrypt(r.cipher);
        expect(ids.has(plain)).toBe(true);
        expect(r.hash.equals(cipher.hmac(plain))).toBe(true);
        expect(r.masked).toBe(`${plain.slice(0, 6)}********${plain.slice(-4)}`);
      }
    });
  });

  it('leaves a ledger that verifies entry by entry against the published content', async () => {
    await withDataSource(db.url, async (ds) => {
      const d = new Db(ds);
      const ledger = new LedgerRepository(d);
      const result = await verifyLedger(
        ledger,
        new DisclosuresRepository(d),
        new PublicationService(new ContentRepository(d), ledger),
      );
      expect(result.breaks).toEqual([]);
      expect(result.entries).toBe(counts.publication_ledger);
      // The trigger-kept state: a content version per publication in the subtree, the sequence after the last entry.
      const [v] = await ds.query(`SELECT version::int AS v FROM region_content_version WHERE region_code = $1`, [
        plan.villages[0]?.province,
      ]);
      expect(v.v).toBe(counts.publication_ledger);
      const [{ next }] = await ds.query(`SELECT nextval('publication_ledger_seq_seq')::int AS next`);
      expect(next).toBe((counts.publication_ledger as number) + 1);
      const [{ dirty }] = await ds.query(`SELECT count(*)::int AS dirty FROM stats_dirty`);
      expect(dirty).toBeGreaterThan(0);
    });
  });

  it('rebuilds every secondary index as the migrations defined it', async () => {
    const fresh = await createTestDatabase({ empty: true });
    try {
      // PostgreSQL prints `x = ANY (ARRAY['a'::varchar, …]::text[])` back with the casts on the
      // elements once the printed definition is run again: the same predicate, other parentheses.
      const normal = (def: string) => def.replace(/::(character varying|text)(\[\])?/g, '').replace(/[()]/g, '');
      const defs = (url: string) =>
        withDataSource(url, async (ds) =>
          (
            (await ds.query(
              `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
            )) as { indexname: string; indexdef: string }[]
          ).map((i) => ({ ...i, indexdef: normal(i.indexdef) })),
        );
      const expected = await defs(fresh.url);
      expect(expected.length).toBeGreaterThan(50);
      expect(await defs(db.url)).toEqual(expected);
    } finally {
      await fresh.drop();
    }
  });

  it("supplies every table's province_code itself (the fill trigger's lookup never runs), the province's 12-digit code", async () => {
    const withColumn = await withDataSource(db.url, async (ds) =>
      (
        (await ds.query(
          `SELECT table_name AS name FROM information_schema.columns
           WHERE table_schema = 'public' AND column_name = 'province_code' ORDER BY table_name`,
        )) as { name: string }[]
      ).map((r) => r.name),
    );
    const seeded = TABLES.filter((t) => withColumn.includes(t.name));
    expect(seeded.length).toBeGreaterThanOrEqual(16);
    expect(seeded.filter((t) => !t.columns.includes('province_code')).map((t) => t.name)).toEqual([]);
    await withDataSource(db.url, async (ds) => {
      for (const t of seeded) {
        const rows: { code: string; n: number }[] = await ds.query(
          `SELECT province_code::text AS code, count(*)::int AS n FROM ${t.name} GROUP BY 1`,
        );
        expect({ table: t.name, rows }).toEqual({ table: t.name, rows: [{ code: '210000000000', n: counts[t.name] }] });
      }
      // The loader turns the fill trigger off during its COPY only: every one is ENABLE ALWAYS again.
      const triggers: { name: string; enabled: string }[] = await ds.query(
        `SELECT tgname AS name, tgenabled AS enabled FROM pg_trigger WHERE tgname LIKE '%\\_province\\_code' ORDER BY 1`,
      );
      expect(triggers.map((t) => t.name)).toEqual(expect.arrayContaining(seeded.map((t) => `${t.name}_province_code`)));
      expect(triggers.filter((t) => t.enabled !== 'A')).toEqual([]);
    });
  });

  it('serves the seeded disclosures through the public list, newest first', async () => {
    const village = plan.villages[0]?.code as string;
    const env = {
      DATABASE_URL: db.url,
      MIGRATIONS_RUN: 'false',
      BUILTIN_REGIONS_FILE: 'none',
      LOG_LEVEL: 'silent',
      DEMO_DATA: 'false',
      NODE_ENV: 'test',
    };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    let app: NestFastifyApplication | undefined;
    try {
      app = await createHttpApp(AppModule);
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      const res = await request(app.getHttpServer()).get(`/api/v1/disclosures?region=${village}&limit=20`).expect(200);
      const expected = await withDataSource(db.url, (ds) =>
        ds.query(
          `SELECT id FROM disclosure WHERE region_code = $1 AND status = 'published' ORDER BY published_at DESC, id DESC LIMIT 20`,
          [village],
        ),
      );
      expect(expected.length).toBe(20);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual(expected.map((r: { id: string }) => r.id));
    } finally {
      await app?.close();
      process.env = saved;
    }
  }, 120_000);

  it('refuses a database that holds other data, and says where it would have written', async () => {
    const other = await seed(script, db.url, ['--scale', String(SCALE), '--seed', '8', '--as-of', '2026-06']);
    expect(other.code).toBe(2);
    expect(other.stdout.split('\n')[0]).toMatch(/^seed:province → /);
    expect(other.stderr).toMatch(/refusing to seed this database: it holds a seed with other settings/);
  }, 120_000);
});
