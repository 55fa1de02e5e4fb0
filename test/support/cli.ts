import { execFile, spawn } from 'node:child_process';
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

/**
 * Runs a built script against the database at `databaseUrl`; a non-zero exit is a result, not a
 * throw. `input` is written to its standard input (a pipe, not a terminal), then closed.
 */
export function runScript(
  script: string,
  databaseUrl: string,
  args: string[] = [],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      // DATABASE_OWNER_URL empty (unset): a test app's, left in process.env, is not this script's.
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        DATABASE_OWNER_URL: '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.on('error', () => undefined); // a script that exits without reading its input
    child.stdin.end(options.input ?? '');
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
