import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { Role } from '@sunshine/access';
import { buildOpenApiDocument } from '@sunshine/core';

import { signedIn } from './support/accounts';
import { TOWNSHIP, VILLAGE } from './support/disclosures';
import { createTestApp, TestApp } from './support/test-app';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules/.bin');
const CONTRACT = path.join(__dirname, 'contract');
const SCENARIO = path.join(CONTRACT, 'scenario.ts');
const GENERATED = path.join(CONTRACT, 'generated/api.d.ts');
/** The tools run as child processes; on a loaded machine they may need more than Jest's default. */
const TOOL_TIMEOUT = 180_000;

/**
 * What test/contract/scenario.ts exports. It is loaded at run time, not imported: it type-checks
 * only against the generated types, with its own tsconfig (the project's excludes test/contract).
 */
interface Scenario {
  runScenario(input: {
    baseUrl: string;
    village: string;
    period: string;
    clerk: { login: string; password: string };
    monitor: { login: string; password: string };
    reviewer: { login: string; password: string };
    fetch: (request: Request) => Promise<Response>;
  }): Promise<unknown>;
}

interface RedoclyProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}

/** Runs a tool from node_modules/.bin; a non-zero exit is returned, not thrown (the output says why). */
async function run(tool: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(path.join(BIN, tool), args, {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Casts and escapes a typed client must not need: `as`, `any`, non-null `!`, `@ts-` comments. */
function castsIn(source: string): string[] {
  const found = [...source.matchAll(/@ts-(ignore|expect-error|nocheck)/g)].map((m) => m[0]);
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|"(?:[^"\\\n]|\\.)*"/g, "''");
  for (const [pattern, what] of [
    [/\bas\s+[\w{[(]/g, '`as` cast'],
    [/\bany\b/g, '`any`'],
    [/(?:[=(,:?]|\breturn)\s*<\s*[\w.]+(\[\])?\s*>/g, 'angle-bracket cast'],
    [/[\w\])]!(?!=)/g, 'non-null assertion'],
  ] as const)
    for (const m of code.matchAll(pattern)) found.push(`${what}: ${m[0]}`);
  return found;
}

describe('API contract', () => {
  let sut: TestApp;
  let dir: string;
  let documentFile: string;

  beforeAll(async () => {
    sut = await createTestApp();
    dir = await mkdtemp(path.join(tmpdir(), 'sunshine-contract-'));
    documentFile = path.join(dir, 'openapi.json');
    await writeFile(documentFile, JSON.stringify(buildOpenApiDocument(sut.app), null, 2));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await sut?.close();
  });

  it(
    'exports, without a database, the very document it serves: the one the web portal’s client is typed from',
    async () => {
      const script = path.join(ROOT, 'dist/scripts/openapi-export.js');
      const exported = path.join(dir, 'exported.json');
      const result = await promisify(execFile)(process.execPath, [script, exported], { cwd: ROOT }).catch(
        (error: Error) => {
          throw new Error(`${script} failed (run npm run build first): ${error.message}`);
        },
      );
      expect(result.stderr).toBe('');
      const served = await sut.http.get('/api/docs-json').expect(200);
      expect(JSON.parse(await readFile(exported, 'utf8'))).toEqual(served.body);
    },
    TOOL_TIMEOUT,
  );

  it(
    'passes Redocly’s recommended rules with no errors (warnings are listed)',
    async () => {
      const { stdout, stderr } = await run('redocly', [
        'lint',
        documentFile,
        '--config',
        path.join(ROOT, 'redocly.yaml'),
        '--format=json',
        '--max-problems=10000',
      ]);
      const start = stdout.indexOf('{');
      if (start < 0) throw new Error(`redocly lint gave no report: ${stderr}`);
      const report = JSON.parse(stdout.slice(start)) as { problems: RedoclyProblem[] };
      const line = (p: RedoclyProblem) => `${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`;
      const warnings = report.problems.filter((p) => p.severity === 'warn').map(line);
      if (warnings.length) console.warn(`Redocly lint: ${warnings.length} warnings\n  ${warnings.join('\n  ')}`);
      expect(report.problems.filter((p) => p.severity === 'error').map(line)).toEqual([]);
    },
    TOOL_TIMEOUT,
  );

  it(
    'generates a typed client whose whole scenario type-checks without casts',
    async () => {
      expect(castsIn(await readFile(SCENARIO, 'utf8'))).toEqual([]);
      const generated = await run('openapi-typescript', [documentFile, '--output', GENERATED]);
      expect({ code: generated.code, stderr: generated.code ? generated.stderr : '' }).toEqual({ code: 0, stderr: '' });
      const checked = await run('tsc', ['-p', path.join(CONTRACT, 'tsconfig.json')]);
      expect(checked.stdout.split('\n').filter(Boolean)).toEqual([]);
      expect(checked.code).toBe(0);
    },
    TOOL_TIMEOUT,
  );

  it('runs the scenario against the API: draft, lines, submit, two approvals, then the public reads', async () => {
    const clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    const monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    const reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    await sut.app.listen(0, '127.0.0.1');
    const { port } = sut.app.getHttpServer().address() as AddressInfo;

    const { runScenario }: Scenario = await import(SCENARIO);
    const result = await runScenario({
      baseUrl: `http://127.0.0.1:${port}`,
      village: VILLAGE,
      period: '2026-10',
      clerk,
      monitor,
      reviewer,
      // The scenario's replies are checked against the document like every other reply.
      fetch: async (request) => {
        const response = await fetch(request);
        const url = new URL(request.url);
        sut.contract.observe({
          method: request.method,
          url: url.pathname + url.search,
          status: response.status,
          headers: Object.fromEntries(response.headers),
          text: await response.clone().text(),
        });
        return response;
      },
    });

    expect(result).toEqual({
      disclosureId: expect.any(String),
      listedTitles: ['2026-10 财务收支公开'],
      income: '5000.00',
      expense: '120.50',
      surplus: '4879.50',
      ledgerKind: 'publish',
    });
  });
});

describe(castsIn.name, () => {
  it('finds casts, `any` and non-null assertions in code, not in comments or strings', () => {
    expect(
      castsIn(
        `// read as anyone would\nconst a = 'as any'; const b = x as Foo; const c = y!.z; if (a !== b) f(<Foo>d, g<T>(a));`,
      ),
    ).toEqual(['`as` cast: as F', 'angle-bracket cast: (<Foo>', 'non-null assertion: y!']);
  });
});
