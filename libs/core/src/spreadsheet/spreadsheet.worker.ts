/**
 * The parsing worker's entry: reads one file and posts its SpreadsheetResult back. Started by
 * spreadsheet-reader.ts with a capped heap; imports nothing but the parsers (no Nest, no database).
 */
import { parentPort, workerData } from 'node:worker_threads';

import { readCsvRows } from './csv-rows';
import { CSV_MEDIA_TYPE, SpreadsheetLimits, SpreadsheetMediaType } from './spreadsheet.types';
import { readXlsxRows } from './xlsx-rows';

interface Job {
  mediaType: SpreadsheetMediaType;
  input: Uint8Array;
  limits: SpreadsheetLimits;
}

async function run({ mediaType, input, limits }: Job): Promise<void> {
  const result = mediaType === CSV_MEDIA_TYPE ? readCsvRows(input, limits) : await readXlsxRows(input, limits);
  result.stats.worker = true;
  parentPort?.postMessage(result);
}

void run(workerData as Job);
