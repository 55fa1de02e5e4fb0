import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** What one worker may use: its heap (old generation, MB) and its stack. */
export interface WorkerBounds {
  heapMb: number;
  stackMb?: number;
}

/**
 * Starts the worker `name` (a module beside `dir`, without extension) with a capped heap.
 * Built, the caller's module is `.js` and the worker is the compiled `NAME.js` beside it. Under
 * Jest the caller is the `.ts` source (compiled in memory by @swc/jest), and a worker cannot run
 * TypeScript: it is started from a small bootstrap that compiles `.ts` files on `require` with
 * @swc/core (a dev dependency, present wherever `.ts` runs), so tests always run the current
 * source, built or not. Production never takes that path.
 */
export function startBoundedWorker(
  dir: string,
  name: string,
  workerData: object,
  transferList: ArrayBuffer[],
  bounds: WorkerBounds,
): Worker {
  const resourceLimits = {
    maxOldGenerationSizeMb: bounds.heapMb,
    maxYoungGenerationSizeMb: 8,
    stackSizeMb: bounds.stackMb ?? 4,
  };
  const extension = extname(__filename);
  const entry = join(dir, `${name}${extension}`);
  if (extension !== '.ts') return new Worker(entry, { workerData, transferList, resourceLimits });
  return new Worker(TS_BOOTSTRAP, {
    eval: true,
    workerData: { ...workerData, bootstrap: { entry, swc: require.resolve('@swc/core') } },
    transferList,
    resourceLimits,
  });
}

const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const swc = require(workerData.bootstrap.swc);
Module._extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
  });
  module._compile(code, filename);
};
require(workerData.bootstrap.entry);
`;

/** A counting gate: at most `size` tasks run; the rest wait in arrival order. */
export class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.size) this.running++;
    else await new Promise<void>((resume) => this.waiting.push(resume)); // the slot is handed over
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
