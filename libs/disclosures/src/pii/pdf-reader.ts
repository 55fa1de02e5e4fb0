import { memoryUsage } from 'node:process';
import { Worker } from 'node:worker_threads';

import { Gate, startBoundedWorker } from '@sunshine/core';

import { PdfLimits, PdfReadResult, resolvePdfLimits } from './pdf-text.types';

export * from './pdf-text.types';

/** Parsing workers running at once in this process; further files wait their turn. */
export const MAX_PDF_WORKERS = 2;
/** How often the main thread looks at the process's memory while a worker reads. */
const MEMORY_WATCH_MS = 20;
/** An idle worker (pdf.js loaded: about 0.3 s saved per file) is kept this long, then ended. */
const IDLE_WORKER_MS = 30_000;

const workers = new Gate(MAX_PDF_WORKERS);

/** Workers that finished a read normally, by heap size: a file never leaves one in a worse state than its bounds. */
const idle: Array<{ worker: Worker; heapMb: number; timer: NodeJS.Timeout }> = [];

/**
 * Reads a PDF's text — its pages, annotations and form fields — and its metadata (the information
 * dictionary's Title, Author, Subject, Keywords, Creator and Producer, custom entries, and the XMP
 * packet's text) with pdf.js, or says why it could not: encrypted with a password, not a PDF or
 * damaged beyond repair, or too costly to read (`limits`, merged over DEFAULT_PDF_LIMITS). The size
 * is checked here; parsing runs in a worker thread with a capped heap, a deadline and a watch on
 * the process's memory, so the event loop never waits on it and a hostile file cannot take the
 * process's memory. A bug rejects the promise; everything a file can cause resolves as a failure.
 */
export async function readPdf(content: Uint8Array, overrides: Partial<PdfLimits> = {}): Promise<PdfReadResult> {
  const limits = resolvePdfLimits(overrides);
  if (content.byteLength > limits.maxInputBytes) {
    return {
      ok: false,
      failure: { kind: 'tooLarge', reason: `${content.byteLength} bytes, more than the ${limits.maxInputBytes} read` },
    };
  }
  if (content.byteLength === 0) return { ok: false, failure: { kind: 'invalid', reason: 'the file is empty' } };
  return workers.run(() => inWorker(content, limits));
}

function takeWorker(heapMb: number): Worker {
  const at = idle.findIndex((w) => w.heapMb === heapMb);
  if (at === -1) return startBoundedWorker(__dirname, 'pdf-text.worker', {}, [], { heapMb });
  const [{ worker, timer }] = idle.splice(at, 1);
  clearTimeout(timer);
  worker.ref();
  return worker;
}

function keepWorker(worker: Worker, heapMb: number): void {
  worker.unref();
  const timer = setTimeout(() => {
    const at = idle.findIndex((w) => w.worker === worker);
    if (at !== -1) idle.splice(at, 1);
    void worker.terminate();
  }, IDLE_WORKER_MS);
  timer.unref();
  idle.push({ worker, heapMb, timer });
}

/** Ends the idle workers (at shutdown): a read still running keeps its own until it answers. */
export async function closePdfWorkers(): Promise<void> {
  const ending = idle.splice(0);
  for (const { timer } of ending) clearTimeout(timer);
  await Promise.all(ending.map(({ worker }) => worker.terminate()));
}

/** Runs one read in a worker; the worker is killed when its heap, the process's memory or its time runs out. */
function inWorker(content: Uint8Array, limits: PdfLimits): Promise<PdfReadResult> {
  const input = new Uint8Array(content); // the worker's own copy, moved to it rather than cloned
  const killed = (reason: string) => ({
    result: { ok: false, failure: { kind: 'tooLarge', reason } } as PdfReadResult,
  });
  return new Promise<PdfReadResult>((resolve, reject) => {
    const baseline = memoryUsage.rss();
    const worker = takeWorker(limits.workerHeapMb);
    let settled = false;
    // A worker's error is cloned into this realm: told apart by where it came from, not by instanceof.
    const settle = (outcome: { result: PdfReadResult; reusable?: true } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearInterval(watch);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      const answer = () => ('error' in outcome ? reject(outcome.error) : resolve(outcome.result));
      if ('reusable' in outcome) {
        keepWorker(worker, limits.workerHeapMb);
        answer();
      } else {
        // Answered once the worker is gone, its memory with it: the next read starts from a clean baseline.
        worker.terminate().then(answer, answer);
      }
    };
    const deadline = setTimeout(
      () => settle(killed(`reading the file took longer than ${limits.workerTimeoutMs} ms`)),
      limits.workerTimeoutMs,
    );
    const watch = setInterval(() => {
      if (memoryUsage.rss() - baseline > limits.maxMemoryGrowthMb * 1024 * 1024)
        settle(killed(`reading the file needed more than ${limits.maxMemoryGrowthMb} MB`));
    }, MEMORY_WATCH_MS);
    const onMessage = (result: PdfReadResult) => settle({ result, reusable: true });
    const onError = (error: Error & { code?: string }) =>
      settle(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? killed(`reading the file needed more than ${limits.workerHeapMb} MB of heap`)
          : { error },
      );
    const onExit = (code: number) =>
      settle({ error: new Error(`the PDF worker exited (code ${code}) without a result`) });
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage({ input, limits }, [input.buffer]);
  });
}
