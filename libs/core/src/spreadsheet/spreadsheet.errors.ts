import { defineErrors, DomainError } from '../errors/domain-error';
import { SpreadsheetFailure } from './spreadsheet.types';

/** Problem codes of a spreadsheet refused as a whole, shared by every context that takes one. */
export enum SpreadsheetErrorCode {
  TooLarge = 'SPREADSHEET_TOO_LARGE',
  TooManyRows = 'SPREADSHEET_TOO_MANY_ROWS',
  TooManyColumns = 'SPREADSHEET_TOO_MANY_COLUMNS',
  CellTooLong = 'SPREADSHEET_CELL_TOO_LONG',
  Invalid = 'SPREADSHEET_INVALID',
}

export const spreadsheetError = defineErrors<SpreadsheetErrorCode>({
  [SpreadsheetErrorCode.TooLarge]: { status: 413, title: 'The spreadsheet is too large to read' },
  [SpreadsheetErrorCode.TooManyRows]: { status: 422, title: 'The spreadsheet has too many rows' },
  [SpreadsheetErrorCode.TooManyColumns]: { status: 422, title: 'The spreadsheet has too many columns' },
  [SpreadsheetErrorCode.CellTooLong]: { status: 422, title: 'A cell of the spreadsheet is too long' },
  [SpreadsheetErrorCode.Invalid]: { status: 422, title: 'The file is not a readable spreadsheet' },
});

/** The problem for a refused spreadsheet: 413 when it would cost too much to read, else 422. */
export function spreadsheetFailureError(failure: SpreadsheetFailure): DomainError {
  switch (failure.kind) {
    case 'tooLarge':
      return spreadsheetError(SpreadsheetErrorCode.TooLarge, `Nothing was read: ${failure.reason}.`);
    case 'tooManyRows':
      return spreadsheetError(
        SpreadsheetErrorCode.TooManyRows,
        `Row ${failure.row} is past the ${failure.limit} rows one file may hold; nothing was read.`,
      );
    case 'tooManyColumns':
      return spreadsheetError(
        SpreadsheetErrorCode.TooManyColumns,
        `Row ${failure.row} has a value past column ${failure.limit}, the last one read.`,
      );
    case 'cellTooLong':
      return spreadsheetError(SpreadsheetErrorCode.CellTooLong, describeCellTooLong(failure));
    case 'invalid':
      return spreadsheetError(
        SpreadsheetErrorCode.Invalid,
        failure.row === undefined ? `${capitalise(failure.reason)}.` : `Row ${failure.row}: ${failure.reason}.`,
      );
    default: {
      const unhandled: never = failure;
      throw new Error(`unmapped spreadsheet failure ${JSON.stringify(unhandled)}`);
    }
  }
}

export function describeCellTooLong(failure: Extract<SpreadsheetFailure, { kind: 'cellTooLong' }>): string {
  const where =
    failure.row !== undefined
      ? `The cell at row ${failure.row}, column ${failure.column ?? '?'}`
      : failure.sharedString !== undefined
        ? `Shared string ${failure.sharedString}`
        : 'A cell or a run of text';
  return `${where} is longer than ${failure.limit} characters, the most one cell may hold; nothing was read.`;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
