import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { API_NODE_FLAGS } from './node-flags';

const root = join(__dirname, '..', '..', '..', '..');

describe('API_NODE_FLAGS (the heap settings the API runs with)', () => {
  it('are what `npm start` and the Docker image pass to node before the API', () => {
    const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } })
      .scripts.start;
    expect(start).toContain(`node --enable-source-maps ${API_NODE_FLAGS.join(' ')} dist/apps/api/src/main.js`);

    const cmd = readFileSync(join(root, 'Dockerfile'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('CMD '))
      .map((line) => JSON.parse(line.slice('CMD '.length)) as unknown);
    expect(cmd).toEqual([['node', ...API_NODE_FLAGS, 'dist/apps/api/src/main.js']]);
  });

  it('give a node started with them a heap of 1 GB and three 16 MB semi-spaces at most', () => {
    const limits = JSON.parse(
      execFileSync(process.execPath, [
        ...API_NODE_FLAGS,
        '-e',
        "console.log(require('node:v8').getHeapStatistics().heap_size_limit / 2 ** 20)",
      ]).toString(),
    ) as number;
    // The heap's limit is the old generation's plus three semi-spaces (without the flags: about 4 GB here).
    expect(limits).toBeGreaterThanOrEqual(1024);
    expect(limits).toBeLessThanOrEqual(1024 + 3 * 16);
  });
});
