import 'reflect-metadata';

import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { validateConfig, withDataSource } from '@sunshine/core';

import { parseCommandLine, usageError } from './command-line';

const HELP = `usage: npm run migration:run
       npm run migration:revert
       npm run migration:generate -- NAME
       npm run migration:check
       (node dist/scripts/migrate.js run | revert | show | generate NAME | check)

The migration commands, on the database at DATABASE_URL (unset: the embedded PostgreSQL in
EMBEDDED_PG_DIR):
  run        applies the pending migrations of migrations/, each in its own transaction
  revert     undoes the last applied migration
  show       exit status 1 if migrations are pending, else 0
  generate   writes the SQL TypeORM derives from the entities into a new file
             migrations/<timestamp>-<name>.ts for review (NAME: CamelCase letters and digits)
  check      exit status 1 (printing the SQL) if the entities and the migrations differ

  -h, --help   this text

Exit status: 0 done, 1 a failure (or pending migrations, a difference), 2 usage error.`;

const COMMANDS = ['run', 'revert', 'show', 'generate', 'check'] as const;
type MigrationCommand = (typeof COMMANDS)[number];

/** The command and the new migration's name, checked before anything touches the database. */
function commandLine(): { command: MigrationCommand; name?: string } {
  const { positionals } = parseCommandLine({ help: HELP, positionals: { min: 1, max: 2, name: 'the command' } });
  const [command, name] = positionals;
  if (!COMMANDS.includes(command as MigrationCommand)) usageError(HELP, `unknown command '${command}'`);
  if (command === 'generate' && !name) usageError(HELP, 'generate needs the NAME of the new migration');
  if (command === 'generate' && !/^[A-Za-z][A-Za-z0-9]*$/.test(name as string)) {
    usageError(HELP, `NAME must be letters and digits, starting with a letter, not '${name}'`);
  }
  if (command !== 'generate' && name !== undefined) usageError(HELP, `unexpected argument '${name}'`);
  return { command: command as MigrationCommand, name };
}

/**
 * The migration commands (npm run migration:*). `generate` writes the SQL TypeORM derives from the
 * entities into a new file under migrations/ for review; `check` fails if that SQL is not empty.
 */
async function main(): Promise<number> {
  const { command, name } = commandLine();
  const config = validateConfig({ ...process.env, MIGRATIONS_RUN: 'false' });
  // The migration commands connect as the schema's owner (DATABASE_OWNER_URL, else DATABASE_URL).
  return withDataSource(
    config,
    async (dataSource) => {
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
          if (!upQueries.length) {
            console.log('no changes: nothing to generate');
            return 0;
          }
          const stamp = Date.now();
          const sql = (qs: { query: string }[]) =>
            qs.map((q) => `    await q.query(\`${q.query.replace(/`/g, '\\`')}\`);`).join('\n');
          const file = path.join(
            'migrations',
            `${stamp}-${(name as string).replace(/[A-Z]/g, (c, i: number) => (i ? '-' : '') + c.toLowerCase())}.ts`,
          );
          await writeFile(
            file,
            `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${name}${stamp} implements MigrationInterface {\n  name = '${name}${stamp}';\n\n  async up(q: QueryRunner): Promise<void> {\n${sql(upQueries)}\n  }\n\n  async down(q: QueryRunner): Promise<void> {\n${sql(downQueries.reverse())}\n  }\n}\n`,
          );
          console.log(`wrote ${file}: review it, add CHECK constraints and names, then commit`);
          return 0;
        }
      }
    },
    { as: 'owner' },
  );
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
