import { COMMON_PASSWORDS } from './common-passwords';

export const PASSWORD_MAX_LENGTH = 128;
/** Officials and admins must change their password after this many days (MLPS level 3). */
export const OFFICIAL_PASSWORD_MAX_AGE_DAYS = 90;

/**
 * Residents (OWASP ASVS): at least 8 characters, not a common password, no composition rules.
 * Officials and admins (MLPS level 3): at least 8 characters mixing three of lower case, upper case,
 * digits and symbols, and not a common password. Returns what is wrong, or nothing.
 */
export function passwordProblems(password: string, kind: 'resident' | 'official'): string[] {
  const problems: string[] = [];
  if (password.length < 8) problems.push('must be at least 8 characters');
  if (password.length > PASSWORD_MAX_LENGTH) problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (COMMON_PASSWORDS.has(password.toLowerCase())) problems.push('is too common');
  if (kind === 'official') {
    const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z\d]/].filter((re) => re.test(password)).length;
    if (classes < 3) problems.push('must mix three of: lower case, upper case, digits, symbols');
  }
  return problems;
}
