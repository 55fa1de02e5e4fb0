const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/** Mainland resident identity number (GB 11643): 17 digits and a check character (ISO 7064 MOD 11-2). */
export function isValidIdNumber(value: string): boolean {
  if (!/^[1-9]\d{16}[\dX]$/.test(value)) return false;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(value[i]), 0);
  return CHECK_CHARS[sum % 11] === value[17];
}

/** `210102********1234`: the region prefix and the last four, nothing that identifies a birth date. */
export function maskIdNumber(value: string): string {
  return `${value.slice(0, 6)}${'*'.repeat(8)}${value.slice(-4)}`;
}

/** Upper-cases a trailing x, the only normalisation an identity number needs. */
export function normaliseIdNumber(value: string): string {
  return value.trim().toUpperCase();
}
