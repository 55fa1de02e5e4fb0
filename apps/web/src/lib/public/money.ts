/*
 * Money arrives as a decimal string ("-1234.50"). It is shown as given, with thousands separators
 * added to the text, and never goes through a float. Range sums the API does not give are added
 * exactly in integer cents (BigInt).
 */

/** "1234567.50" → "1,234,567.50" (text only). */
export function formatMoney(amount: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(amount);
  if (!m) return amount;
  return `${m[1]}${(m[2] ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

function cents(amount: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!m) throw new Error(`not a money amount: ${amount}`);
  const value = BigInt(m[2] ?? '0') * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -value : value;
}

/** Exact sum of decimal strings with two decimals, as a decimal string. */
export function addMoney(amounts: string[]): string {
  const total = amounts.reduce((sum, a) => sum + cents(a), 0n);
  const sign = total < 0n ? '-' : '';
  const abs = total < 0n ? -total : total;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/** The amount as a number for a chart's geometry only (bars and slices); never shown as text. */
export function chartValue(amount: string): number {
  return Number(amount);
}
