export * from './formula-guard';
export * from './spreadsheet.errors';
export * from './spreadsheet.types';
export * from './spreadsheet-fixtures';
export * from './spreadsheet-reader';
