import { channel } from 'node:diagnostics_channel';

import { Gate, startBoundedWorker } from '../worker/bounded-worker';
import { readCsvRows } from './csv-rows';
import {
  CSV_MEDIA_TYPE,
  emptyStats,
  resolveLimits,
  SpreadsheetFailure,
  SpreadsheetLimits,
  SpreadsheetMediaType,
  SpreadsheetResult,
  SpreadsheetStats,
  XLSX_MEDIA_TYPE,
} from './spreadsheet.types';
import { inputTooLarge } from './xlsx-rows';
import { readZipDirectory } from './zip-directory';

/** CSV files up to this size are read on the calling thread: at most ~64K steps, less than a worker's start. */
export const INLINE_CSV_BYTES = 64 * 1024;
/** Parsing workers running at once in this process; further files wait their turn. */
export const MAX_PARSING_WORKERS = 2;

/**
 * Diagnostics channel (node:diagnostics_channel) on which every read is announced: a
 * {@link SpreadsheetReadStart} before any work, a {@link SpreadsheetReadEnd} with what it cost.
 */
export const SPREADSHEET_CHANNEL = 'sunshine:spreadsheet';
export interface SpreadsheetReadStart {
  event: 'start';
  mediaType: SpreadsheetMediaType;
  inputBytes: number;
}
export interface SpreadsheetReadEnd {
  event: 'end';
  mediaType: SpreadsheetMediaType;
  outcome: 'ok' | SpreadsheetFailure['kind'];
  stats: SpreadsheetStats;
}
const diagnostics = channel(SPREADSHEET_CHANNEL);

/**
 * Reads a CSV or XLSX file (XLSX: its first sheet) as rows of text under `limits` (merged over
 * DEFAULT_SPREADSHEET_LIMITS), or says why the file is refused as a whole. Cheap checks run first
 * on this thread (input size; for XLSX the ZIP central directory: entry count, declared sizes,
 * compression ratio); parsing runs in a worker thread with a capped heap and a deadline, so the
 * event loop never waits on it and a hostile file cannot take the process's memory. A bug in the
 * reader rejects the promise; everything a file can cause resolves as a failure.
 */
export async function readSpreadsheet(
  content: Uint8Array,
  mediaType: SpreadsheetMediaType,
  overrides: Partial<SpreadsheetLimits> = {},
): Promise<SpreadsheetResult> {
  const limits = resolveLimits(overrides);
  if (diagnostics.hasSubscribers)
    diagnostics.publish({ event: 'start', mediaType, inputBytes: content.byteLength } satisfies SpreadsheetReadStart);
  const result = await read(content, mediaType, limits);
  if (diagnostics.hasSubscribers)
    diagnostics.publish({
      event: 'end',
      mediaType,
      outcome: result.ok ? 'ok' : result.failure.kind,
      stats: result.stats,
    } satisfies SpreadsheetReadEnd);
  return result;
}

async function read(
  content: Uint8Array,
  mediaType: SpreadsheetMediaType,
  limits: SpreadsheetLimits,
): Promise<SpreadsheetResult> {
  const stats = emptyStats(content.byteLength);
  if (content.byteLength > limits.maxInputBytes)
    return { ok: false, failure: inputTooLarge(content.byteLength, limits), stats };
  if (mediaType === CSV_MEDIA_TYPE) {
    if (content.byteLength <= INLINE_CSV_BYTES) return readCsvRows(content, limits);
  } else if (mediaType === XLSX_MEDIA_TYPE) {
    const zip = readZipDirectory(content, limits);
    if ('kind' in zip) return { ok: false, failure: zip, stats };
  } else {
    throw new TypeError(`not a spreadsheet media type: ${String(mediaType)}`);
  }
  return workers.run(() => inWorker(content, mediaType, limits));
}

/** Runs one parse in a fresh worker; killed when its heap or its time runs out. */
function inWorker(
  content: Uint8Array,
  mediaType: SpreadsheetMediaType,
  limits: SpreadsheetLimits,
): Promise<SpreadsheetResult> {
  const input = new Uint8Array(content); // the worker's own copy, moved to it rather than cloned
  const killed = (reason: string): SpreadsheetResult => ({
    ok: false,
    failure: { kind: 'tooLarge', reason },
    stats: { ...emptyStats(content.byteLength), worker: true },
  });
  return new Promise<SpreadsheetResult>((resolve, reject) => {
    const worker = startBoundedWorker(__dirname, 'spreadsheet.worker', { mediaType, input, limits }, [input.buffer], {
      heapMb: limits.workerHeapMb,
    });
    let settled = false;
    // A worker's error is cloned into this realm: told apart by where it came from, not by instanceof.
    const settle = (outcome: { result: SpreadsheetResult } | { error: Error }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      void worker.terminate();
      if ('error' in outcome) reject(outcome.error);
      else resolve(outcome.result);
    };
    const deadline = setTimeout(
      () => settle({ result: killed(`reading the file took longer than ${limits.workerTimeoutMs} ms`) }),
      limits.workerTimeoutMs,
    );
    worker.once('message', (result: SpreadsheetResult) => settle({ result }));
    worker.once('error', (error: Error & { code?: string }) =>
      settle(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { result: killed(`reading the file needed more than ${limits.workerHeapMb} MB`) }
          : { error },
      ),
    );
    worker.once('exit', (code) =>
      settle({ error: new Error(`the spreadsheet worker exited (code ${code}) without a result`) }),
    );
  });
}

const workers = new Gate(MAX_PARSING_WORKERS);
