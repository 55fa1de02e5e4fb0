/** Values in PostgreSQL's COPY text format (tab-separated, `\N` for NULL, backslash escapes). */

export const NULL = '\\N';

export function text(value: string | null): string {
  if (value === null) return NULL;
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** A bytea value (hex format; the backslash doubled for COPY). */
export const bytea = (value: Buffer): string => `\\\\x${value.toString('hex')}`;

/** One row: the values joined by tabs, ending the line. */
export const row = (values: (string | number | boolean | null)[]): string =>
  values.map((v) => (v === null ? NULL : typeof v === 'string' ? v : String(v))).join('\t') + '\n';
