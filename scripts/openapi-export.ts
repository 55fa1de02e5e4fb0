import 'reflect-metadata';

import { writeFileSync } from 'node:fs';

import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { buildOpenApiDocument, setApiPrefix } from '@sunshine/core';

import { AppModule } from '../apps/api/src/app.module';
import { parseCommandLine } from './command-line';

const HELP = `usage: node dist/scripts/openapi-export.js FILE

Writes the API's OpenAPI document (the one served at /api/docs-json) to FILE, without a database:
the application's modules are read, not started. The web portal's typed client is generated from
it (npm run build:web).

  -h, --help   this text

Exit status: 0 written, 1 failure, 2 usage error.`;

async function main(): Promise<void> {
  const { positionals } = parseCommandLine({ help: HELP, positionals: { min: 1, max: 1, name: 'FILE' } });
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), {
    preview: true, // controllers and their metadata only: no provider runs, no connection is made
    logger: false,
    abortOnError: false,
  });
  setApiPrefix(app);
  writeFileSync(positionals[0] as string, JSON.stringify(buildOpenApiDocument(app), null, 2) + '\n');
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
