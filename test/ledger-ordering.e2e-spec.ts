import { Role } from '@sunshine/access';

import { signedIn } from './support/accounts';
import { COUNTY, VILLAGE } from './support/disclosures';
import { createTestApp, TestApp } from './support/test-app';

/**
 * The ledger is read in the order of its positions as numbers. Its queries select `seq::text`, an
 * output column named `seq`, so an unqualified `ORDER BY seq` sorted the text: past nine entries
 * the head was entry 9, pages ran 1, 10, 11, …, and verification reported links broken.
 */
describe('Ledger order', () => {
  let sut: TestApp;
  const ENTRIES = 12;

  beforeAll(async () => {
    sut = await createTestApp();
    const db = sut.owner;
    const clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    // Entries straight in the table (the trigger numbers and chains them); the content is not
    // what this test checks.
    for (let i = 0; i < ENTRIES; i++) {
      const [{ id }]: { id: string }[] = await db.query(
        `INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
           period_start, period_end, status, title, created_by)
         VALUES ($1, $1::bigint / 1000 * 1000, $1::bigint / 1000000 * 1000000, $1::bigint / 100000000 * 100000000,
           $1::bigint / 10000000000 * 10000000000, 'party', '2026-Q3', '2026-07-01', '2026-09-30', 'draft', $2, $3)
         RETURNING id`,
        [VILLAGE, `账本顺序 ${i}`, clerk.id],
      );
      await db.query(
        `INSERT INTO publication_ledger (seq, disclosure_id, revision_number, kind, content_hash, at, prev_hash, entry_hash)
         VALUES (0, $1, 1, 'publish', sha256('x'::bytea), now(), '', '')`,
        [id],
      );
    }
  });
  afterAll(() => sut.close());

  it('names the highest position as the head', async () => {
    const head = (await sut.http.get('/api/v1/ledger/head').expect(200)).body;
    expect(head.seq).toBe(String(ENTRIES));
  });

  it('pages entries in numeric order', async () => {
    const page = (await sut.http.get('/api/v1/ledger/entries').query({ after: '0', limit: '5' }).expect(200)).body;
    const next = (await sut.http.get('/api/v1/ledger/entries').query({ after: '9', limit: '5' }).expect(200)).body;
    expect([...page.items, ...next.items].map((e: { seq: string }) => e.seq)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '10',
      '11',
      '12',
    ]);
  });

  it('finds every link of the chain intact', async () => {
    const supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
    const report = (await sut.http.get('/api/v1/ledger/verify').set('authorization', supervisor.bearer).expect(200))
      .body;
    expect(JSON.stringify(report)).not.toContain('unlinked');
  });
});
