import 'reflect-metadata';

import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { validateConfig, withDataSource } from '@sunshine/core';

const USAGE = 'usage: migrate run | revert | show | generate NAME | check';

/**
 * The migration commands (npm run migration:*). `generate` writes the SQL TypeORM derives from the
 * entities into a new file under migrations/ for review; `check` fails if that SQL is not empty.
 */
async function main(): Promise<number> {
  const [command, name] = process.argv.slice(2);
  const config = validateConfig({ ...process.env, MIGRATIONS_RUN: 'false' });
  return withDataSource(config, async (dataSource) => {
    switch (command) {
      case 'run': {
        const done = await dataSource.runMigrations({ transaction: 'each' });
        console.log(done.length ? done.map((m) => `applied ${m.name}`).join('\n') : 'no pending migrations');
        return 0;
      }
      case 'revert':
        await dataSource.undoLastMigration({ transaction: 'each' });
        return 0;
      case 'show':
        return (await dataSource.showMigrations()) ? 1 : 0;
      case 'generate':
      case 'check': {
        await dataSource.runMigrations({ transaction: 'each' });
        const { upQueries, downQueries } = await dataSource.driver.createSchemaBuilder().log();
        if (command === 'check') {
          for (const q of upQueries) console.error(q.query);
          console.log(upQueries.length ? 'the entities and the migrations differ' : 'schema matches the entities');
          return upQueries.length ? 1 : 0;
        }
        if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error(USAGE);
        if (!upQueries.length) {
          console.log('no changes: nothing to generate');
          return 0;
        }
        const stamp = Date.now();
        const sql = (qs: { query: string }[]) =>
          qs.map((q) => `    await q.query(\`${q.query.replace(/`/g, '\\`')}\`);`).join('\n');
        const file = path.join(
          'migrations',
          `${stamp}-${name.replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase())}.ts`,
        );
        await writeFile(
          file,
          `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${name}${stamp} implements MigrationInterface {\n  name = '${name}${stamp}';\n\n  async up(q: QueryRunner): Promise<void> {\n${sql(upQueries)}\n  }\n\n  async down(q: QueryRunner): Promise<void> {\n${sql(downQueries.reverse())}\n  }\n}\n`,
        );
        console.log(`wrote ${file}: review it, add CHECK constraints and names, then commit`);
        return 0;
      }
      default:
        throw new Error(USAGE);
    }
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
