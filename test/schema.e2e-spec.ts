import { createTestDatabase, TestDatabase, withDataSource } from './support/test-database';

describe('Migrations', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
  });
  afterAll(() => db.drop());

  it('produce exactly the schema the entities describe (generating a migration would be empty)', async () => {
    const { upQueries } = await withDataSource(db.url, (ds) => ds.driver.createSchemaBuilder().log());
    expect(upQueries.map((q) => q.query)).toEqual([]);
  });

  it('can be reverted and re-applied', async () => {
    await withDataSource(db.url, async (ds) => {
      while (await ds.query('SELECT 1 FROM migrations LIMIT 1').then((r: unknown[]) => r.length > 0)) {
        await ds.undoLastMigration({ transaction: 'each' });
      }
      const [{ n }] = await ds.query(
        "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('migrations', 'typeorm_metadata')",
      );
      expect(n).toBe(0);
      await ds.runMigrations({ transaction: 'each' });
      expect(await ds.showMigrations()).toBe(false);
    });
  });
});
