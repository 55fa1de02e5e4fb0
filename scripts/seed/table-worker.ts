import 'reflect-metadata';

import { parentPort, workerData } from 'node:worker_threads';

import { DataCipher } from '@sunshine/access';
import type { AppConfig } from '@sunshine/core';

import type { SeedPlan } from './plan';
import { loadTable } from './table-loader';
import { tableNamed } from './tables';

export interface WorkerInput {
  url: string;
  plan: SeedPlan;
  passwordHash: string;
  encryptionKey: string;
  hmacKey: string;
}

/** main → worker: load this table. */
export interface WorkerJob {
  table: string;
}

export type WorkerMessage =
  | { type: 'progress'; rows: number; phase: 'copy' | 'index' }
  | { type: 'done'; rows: number; copySeconds: number; indexSeconds: number; indexes: number }
  | { type: 'failed'; message: string };

/**
 * A worker thread of the seed: imports the app's code once, then loads the tables it is sent one
 * after another (table-loader), generating their rows itself and reporting progress.
 */
function main(): void {
  const input = workerData as WorkerInput;
  const post = (m: WorkerMessage) => parentPort?.postMessage(m);
  const cipher = new DataCipher({
    DATA_ENCRYPTION_KEY: input.encryptionKey,
    DATA_HMAC_KEY: input.hmacKey,
  } as AppConfig);
  const ctx = {
    plan: input.plan,
    passwordHash: input.passwordHash,
    encrypt: (v: string) => cipher.encrypt(v),
    hmac: (v: string) => cipher.hmac(v),
  };
  parentPort?.on('message', (job: WorkerJob) => {
    loadTable(input.url, tableNamed(job.table), ctx, (rows, phase) => post({ type: 'progress', rows, phase })).then(
      (result) => post({ type: 'done', ...result }),
      (error: unknown) => post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  });
}

main();
