import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built script `dist/scripts/<name>.js`, compiled first if missing. */
export async function builtScript(name: string): Promise<string> {
  const script = path.join(ROOT, 'dist/scripts', `${name}.js`);
  if (!existsSync(script)) {
    // `npm test` builds first; a bare `jest` run may not have: build what the CLI needs.
    await run(path.join(ROOT, 'node_modules/.bin/swc'), ['apps', 'libs', 'migrations', 'scripts', '-d', 'dist', '-q'], {
      cwd: ROOT,
      timeout: 120_000,
    });
  }
  return script;
}

/** Runs a built script against the database at `databaseUrl`; a non-zero exit is a result, not a throw. */
export async function runScript(script: string, databaseUrl: string, args: string[] = []): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}
