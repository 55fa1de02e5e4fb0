import 'reflect-metadata';

import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FirstAdminModule, FirstAdminRefusal, FirstAdminService, NewAdmin } from '@sunshine/access';
import { AppConfig, Db, ReferenceData, validateConfig, withDataSource } from '@sunshine/core';
import { DataSource } from 'typeorm';

import { parseCommandLine } from './command-line';
import { readPassword } from './read-password';

const HELP = `usage: npm run admin:create -- --login LOGIN --region CODE [--name NAME] [--if-missing]
       (in the Docker image: node dist/scripts/admin-create.js --login LOGIN --region CODE …)

Creates an administrator (role admin at region CODE and below) in the database at DATABASE_URL
(unset: the embedded PostgreSQL in EMBEDDED_PG_DIR), after running the pending migrations: the
first one of a deployment, since POST /api/v1/admin/users needs an admin already. The password is
read from the terminal without echo (asked twice), or else from the first line of standard input;
never from an argument. It must meet the officials' policy (8+ characters mixing three of lower
case, upper case, digits and symbols; not a common password). Audited as an account creation and a
role grant by no account (detail.via "admin:create").

  --login LOGIN   3-32 lower-case letters, digits, dots, dashes or underscores, starting with a letter
  --region CODE   the 12-digit code of a loaded region (e.g. 210000000000, Liaoning)
  --name NAME     the administrator's real name (default: the login)
  --if-missing    if LOGIN is already registered, change nothing and exit with 0 (else: exit 1)
  -h, --help      this text

Exit status: 0 created (or, with --if-missing, already there), 1 refused (bad login or name, no such
region, login taken, weak password, passwords differ) or another failure, 2 usage error.`;

async function main(): Promise<number> {
  const { values } = parseCommandLine({
    help: HELP,
    options: {
      login: { type: 'string' },
      region: { type: 'string' },
      name: { type: 'string' },
      'if-missing': { type: 'boolean' },
    },
  });
  if (!values.login || !values.region) {
    process.stderr.write(`--login and --region are required\n\n${HELP}\n`);
    return 2;
  }
  const admin: NewAdmin = { login: values.login, regionCode: values.region, realName: values.name ?? values.login };
  // The regions are the API's: loading the built-in file is the API's start, not this command's.
  const config = validateConfig({ ...process.env, BUILTIN_REGIONS_FILE: 'none' });

  return withDataSource(
    config,
    async (dataSource) => {
      const app = await NestFactory.createApplicationContext(
        { module: AdminCreateModule, imports: [ScriptDatabase.with(config, dataSource), FirstAdminModule] },
        { logger: false, abortOnError: false },
      );
      try {
        const service = app.get(FirstAdminService);
        const refused = await service.check(admin);
        if (refused?.reason === 'login_taken' && values['if-missing']) {
          console.log(`${admin.login} is already registered: nothing changed`);
          return 0;
        }
        if (refused) return refuse(refused);
        const password = await readPassword(`Password for ${admin.login}: `);
        if (password === undefined) return refuse({ reason: 'invalid', problems: ['no password was given'] });
        if (process.stdin.isTTY && (await readPassword('Repeat it: ')) !== password) {
          return refuse({ reason: 'invalid', problems: ['the two passwords differ'] });
        }
        const created = await service.create(admin, password);
        if ('reason' in created) return refuse(created);
        console.log(
          `created administrator ${admin.login} (id ${created.userId}): admin at ${admin.regionCode} and below`,
        );
        return 0;
      } finally {
        await app.close();
      }
    },
    { migrate: true },
  );
}

function refuse(refusal: FirstAdminRefusal): number {
  console.error(`admin:create: nothing created: ${refusal.problems.join('; ')}`);
  return 1;
}

@Module({})
class AdminCreateModule {}

/** The script's configuration and its open data source, for the services that inject them. */
@Global()
@Module({})
class ScriptDatabase {
  static with(config: AppConfig, dataSource: DataSource) {
    return {
      module: ScriptDatabase,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: DataSource, useValue: dataSource },
        Db,
        ReferenceData,
      ],
      exports: [AppConfig, DataSource, Db, ReferenceData],
    };
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`admin:create: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
