import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const MAIN = path.resolve(__dirname, '../dist/apps/api/src/main.js');

describe('API process start', () => {
  it('refuses to start on a bad setting, naming it, without a stack trace', async () => {
    const run = promisify(execFile)(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, PORT: 'eighty', LOG_LEVEL: 'silent' },
      timeout: 20000,
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^Invalid configuration:\n\s+PORT: PORT must be an integer number\n$/),
    });
    await run.catch((e: { stderr: string }) => expect(e.stderr).not.toMatch(/\n\s+at /));
  });
});
