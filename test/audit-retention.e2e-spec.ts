import { copyFile, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

import {
  AUDIT_ARCHIVE_JOB,
  AuditArchiver,
  AuditArchiveRepository,
  AuditRepository,
  Role,
  verifyAuditArchives,
  verifyAuditChain,
} from '@sunshine/access';
import { ConfigError, Db, JobRunner, validateConfig } from '@sunshine/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { createAccount, signIn } from './support/accounts';
import { builtScript, runScript } from './support/cli';
import { createTestApp, TestApp } from './support/test-app';

const VILLAGE = '210102001002';
/** Entries backdated past the 180-day retention, and entries 170 days old (inside it). */
const OLD = 10;
const RECENT = 2;

interface ArchiveCheckpointRow {
  first_id: string;
  last_id: string;
  entries: string;
  file_name: string;
}

describe('Audit retention and archiving', () => {
  let sut: TestApp;
  let db: DataSource;
  let dir: string;
  let archiveScript: string;
  let verifyScript: string;

  /** As the application's login (which holds no DELETE on audit_log), as the worker archives. */
  const archiveCli = (args: string[] = [], env: Record<string, string> = {}) =>
    runScript(archiveScript, sut.db.appUrl, ['--dir', dir, ...args], { env });
  const verifyCli = () => runScript(verifyScript, sut.db.appUrl, ['--archive-dir', dir]);
  const count = async (where = 'true'): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM audit_log WHERE ${where}`))[0].n;
  const checkpoints = (): Promise<ArchiveCheckpointRow[]> =>
    db.query('SELECT first_id, last_id, entries::text, file_name FROM audit_archive ORDER BY last_id');

  /** On a connection of the schema's owner (the server's superuser here): an insider behind the API. */
  async function asOwner<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: sut.db.url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** As the owner with triggers off (session_replication_role = replica), as a restore or an intruder would. */
  const behindTriggers = (sql: string) =>
    asOwner(async (client) => {
      await client.query('SET session_replication_role = replica');
      await client.query(sql);
    });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'audit-archive-'));
    [archiveScript, verifyScript] = [await builtScript('audit-archive'), await builtScript('audit-verify')];
    sut = await createTestApp({ AUDIT_ARCHIVE_DIR: dir });
    db = sut.owner;
    expect(await count()).toBe(0);
    // A history that began 400 days ago: rows with past times, chained exactly as the trigger
    // chains (the chain trigger stamps clock_timestamp(), so they are written with it off).
    await behindTriggers(`
      INSERT INTO audit_log (id, at, action, result, region_code, ip, request_id, detail, prev_hash, hash)
      SELECT nextval('audit_log_id_seq'),
             CASE WHEN g <= ${OLD} THEN now() - interval '400 days' + g * interval '1 day'
                  ELSE now() - interval '170 days' + g * interval '1 minute' END,
             'test.backdated', 'success', ${VILLAGE}, '192.0.2.1', 'backdated-' || g, jsonb_build_object('n', g, 'text', '村务公开'),
             '\\x', '\\x'
      FROM generate_series(1, ${OLD + RECENT}) g;
      DO $$ DECLARE prev bytea := '\\x'; r record; BEGIN
        FOR r IN SELECT id FROM audit_log ORDER BY id LOOP
          UPDATE audit_log a SET prev_hash = prev, hash = sha256(prev || convert_to(audit_log_canonical(a), 'UTF8'))
          WHERE id = r.id RETURNING hash INTO prev;
        END LOOP;
      END $$`);
    await signIn(sut, await createAccount(sut, Role.VillageClerk, VILLAGE)); // today's entries after them
    expect((await verifyAuditChain(new AuditRepository(new Db(db)))).breaks).toEqual([]);
  });
  afterAll(async () => {
    await sut.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('before archiving', () => {
    it('refuses a retention under 180 days in the configuration, naming the setting', () => {
      expect(() => validateConfig({ AUDIT_RETENTION_DAYS: '179' })).toThrow(ConfigError);
      expect(() => validateConfig({ AUDIT_RETENTION_DAYS: '179' })).toThrow(/AUDIT_RETENTION_DAYS.*at least 180/);
      expect(validateConfig({}).AUDIT_RETENTION_DAYS).toBe(180);
    });

    it('has the command refuse to archive with a retention under 180 days, archiving nothing', async () => {
      const before = await count();
      const result = await archiveCli([], { AUDIT_RETENTION_DAYS: '30' });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/AUDIT_RETENTION_DAYS/);
      expect(await count()).toBe(before);
      expect(await readdir(dir)).toEqual([]);
    });

    it('has the database refuse entries younger than 180 days even when asked for them directly', async () => {
      const [recent]: { id: string; hash: Buffer }[] = await db.query(
        `SELECT id, hash FROM audit_log WHERE request_id = 'backdated-${OLD + 1}'`,
      );
      const archive = (retention: number) =>
        db.query(`SELECT audit_log_archive($1, $2, $3, 'forced.jsonl.gz', sha256('x'))`, [
          recent!.id,
          recent!.hash,
          retention,
        ]);
      await expect(archive(180)).rejects.toThrow(/younger than 180 days/);
      await expect(archive(30)).rejects.toThrow(/at least 180 days/);
      expect(await count()).toBe(OLD + RECENT + 1);
      expect(await checkpoints()).toEqual([]);
    });

    it('refuses a DELETE of old entries: the application holds no such privilege, the owner meets the trigger', async () => {
      const remove = `DELETE FROM audit_log WHERE request_id = 'backdated-1'`;
      await expect(sut.app.get(DataSource).query(remove)).rejects.toThrow(/permission denied for table audit_log/);
      await asOwner(async (owner) => {
        await expect(owner.query(remove)).rejects.toThrow(/append-only/);
        // The archiving function's setting, forged: no recorded range covers the row.
        await owner.query(`SELECT set_config('sunshine.audit_archive_through', '999999', false)`);
        await expect(owner.query(remove)).rejects.toThrow(/append-only/);
        await expect(
          owner.query(
            `INSERT INTO audit_archive (first_id, last_id, entries, first_prev_hash, last_hash, last_at, file_name, file_sha256)
             VALUES (1, 5, 5, '', '', now(), 'forged.jsonl.gz', sha256(''))`,
          ),
        ).rejects.toThrow(/audit_log_archive\(\) only/);
      });
      await expect(
        sut.app.get(DataSource)
          .query(`INSERT INTO audit_archive (first_id, last_id, entries, first_prev_hash, last_hash, last_at, file_name, file_sha256)
                  VALUES (1, 5, 5, '', '', now(), 'forged.jsonl.gz', sha256(''))`),
      ).rejects.toThrow(/audit_log_archive\(\) only|permission denied/);
      expect(await count()).toBe(OLD + RECENT + 1);
      expect(await checkpoints()).toEqual([]);
    });
  });

  describe('archiving', () => {
    let runs: { job: Awaited<ReturnType<AuditArchiver['run']>>; cli: { code: number; stdout: string } };

    beforeAll(async () => {
      // The worker's job and the command at once: one archiver works, each range goes once.
      const archiver = sut.app.get(AuditArchiver);
      const [job, cli] = await Promise.all([archiver.run(dir, 4), archiveCli(['--entries-per-file', '4'])]);
      runs = { job, cli };
    });

    it('registers the scheduled job with the job runner', () => {
      expect(sut.app.get(JobRunner).names).toContain(AUDIT_ARCHIVE_JOB);
    });

    it('moves exactly the entries older than the retention into files of at most 4, each range once', async () => {
      expect(runs.cli).toMatchObject({ code: 0 });
      expect(await count(`action = 'test.backdated' AND (detail->>'n')::int <= ${OLD}`)).toBe(0);
      expect(await count(`action = 'test.backdated'`)).toBe(RECENT);
      expect(await count(`at < now() - interval '180 days'`)).toBe(0);
      const ranges = await checkpoints();
      expect(ranges.map((r) => r.entries)).toEqual(['4', '4', '2']);
      for (let i = 1; i < ranges.length; i++)
        expect(BigInt(ranges[i]!.first_id)).toBe(BigInt(ranges[i - 1]!.last_id) + 1n);
      expect((await readdir(dir)).sort()).toEqual(ranges.map((r) => r.file_name));
      const byJob = runs.job.files.map((f) => f.file);
      const byCli = ranges.map((r) => r.file_name).filter((f) => !byJob.includes(f));
      for (const f of byCli) expect(runs.cli.stdout).toContain(f);
    });

    it('writes each file as gzip’d JSON Lines ending with the chain head the table continues', async () => {
      const ranges = await checkpoints();
      const lines = gunzipSync(await readFile(path.join(dir, ranges[2]!.file_name)))
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines).toHaveLength(3);
      const { head } = lines[2];
      const [first]: { prev_hash: Buffer }[] = await db.query('SELECT prev_hash FROM audit_log ORDER BY id LIMIT 1');
      expect(head).toMatchObject({
        format: 'sunshine-audit-archive/1',
        firstId: ranges[2]!.first_id,
        lastId: ranges[2]!.last_id,
        entries: 2,
        firstPrevHash: lines[0].prevHash,
        lastHash: first!.prev_hash.toString('hex'),
      });
      expect(JSON.parse(lines[1].entry)).toEqual([
        Number(ranges[2]!.last_id),
        expect.any(Number),
        null,
        'test.backdated',
        'success',
        null,
        null,
        Number(VILLAGE),
        '192.0.2.1',
        `backdated-${OLD}`,
        false,
        { n: OLD, text: '村务公开' },
      ]);
    });

    it('never archives the entries inside the retention, however often it runs', async () => {
      await sut.app.get(JobRunner).runNow(AUDIT_ARCHIVE_JOB);
      const result = await archiveCli();
      expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('nothing to archive') });
      expect(await count(`action = 'test.backdated'`)).toBe(RECENT);
      expect(await checkpoints()).toHaveLength(3);
    });
  });

  describe('verification across the archive boundary', () => {
    const verifyFn = async () => ({
      archives: await verifyAuditArchives(new AuditArchiveRepository(new Db(db)), dir),
      table: await verifyAuditChain(new AuditRepository(new Db(db))),
    });

    it('finds the archives and the table one intact chain, and keeps it as entries are added', async () => {
      await signIn(sut, await createAccount(sut, Role.Resident, VILLAGE));
      const { archives, table } = await verifyFn();
      expect(archives).toEqual({ files: 3, entries: OLD, problems: [] });
      expect(table.breaks).toEqual([]);
      const result = await verifyCli();
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^10 archived entries in 3 files and \d+ rows checked: the chain is intact$/m);
    });

    it('reports an archive file whose entry was altered, naming the file and the entry', async () => {
      const [, second] = await checkpoints();
      const file = path.join(dir, second!.file_name);
      await copyFile(file, `${file}.bak`);
      try {
        const text = gunzipSync(await readFile(file)).toString('utf8');
        const forged = text.replace('"test.backdated', '"test.forged');
        expect(forged).not.toBe(text);
        await writeFile(file, gzipSync(forged));
        const result = await verifyCli();
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`audit archive ${second!.file_name}: altered`);
        expect(result.stderr).toContain(
          `audit archive ${second!.file_name}: entry ${second!.first_id}: content does not match its hash (altered)`,
        );
        expect(result.stdout).toMatch(/rows checked: \d+ broken/);
      } finally {
        await rename(`${file}.bak`, file);
      }
      expect((await verifyCli()).code).toBe(0);
    });

    it('reports an archive file that is missing', async () => {
      const [first] = await checkpoints();
      const file = path.join(dir, first!.file_name);
      await rename(file, `${file}.away`);
      try {
        const result = await verifyCli();
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(
          `audit archive ${first!.file_name}: missing (entries ${first!.first_id}–${first!.last_id} are in no file)`,
        );
      } finally {
        await rename(`${file}.away`, file);
      }
    });

    it('reports rows removed outside archiving at the boundary, and the archiver refuses to go on', async () => {
      const [oldest]: { id: string }[] = await db.query('SELECT id FROM audit_log ORDER BY id LIMIT 1');
      await asOwner((o) =>
        o.query('CREATE TABLE audit_boundary_backup AS SELECT * FROM audit_log WHERE id = $1', [oldest!.id]),
      );
      try {
        await behindTriggers(`DELETE FROM audit_log WHERE id = ${oldest!.id}`);
        const [next]: { id: string }[] = await db.query('SELECT id FROM audit_log ORDER BY id LIMIT 1');
        const result = await verifyCli();
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(`audit_log row ${next!.id}: does not follow the row before it`);
        const [entry]: { id: string; hash: Buffer }[] = await db.query(
          'SELECT id, hash FROM audit_log ORDER BY id LIMIT 1',
        );
        await expect(
          db.query(`SELECT audit_log_archive($1, $2, 180, 'x.jsonl.gz', sha256('x'))`, [entry!.id, entry!.hash]),
        ).rejects.toThrow(/removed outside archiving/);
      } finally {
        await behindTriggers(
          'INSERT INTO audit_log SELECT * FROM audit_boundary_backup; DROP TABLE audit_boundary_backup',
        );
      }
      expect((await verifyCli()).code).toBe(0);
    });
  });
});
