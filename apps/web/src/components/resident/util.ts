import { problemText } from '../../api/client';
import { locale, type MessageKey, t } from '../../i18n';

/** Problem codes the residents' pages explain in the page language (else the API's own words). */
const PROBLEM_KEYS: Partial<Record<string, MessageKey>> = {
  INVALID_CREDENTIALS: 'res.p.invalidCredentials',
  ACCOUNT_LOCKED: 'res.p.accountLocked',
  ACCOUNT_DISABLED: 'res.p.accountDisabled',
  TOTP_CODE_REQUIRED: 'res.p.totpRequired',
  TOTP_CODE_INVALID: 'res.p.totpInvalid',
  TOTP_CODE_REUSED: 'res.p.totpReused',
  PASSWORD_EXPIRED: 'res.p.passwordExpired',
  PASSWORD_CHANGE_REQUIRED: 'res.p.passwordChangeRequired',
  TOO_MANY_PASSWORD_ATTEMPTS: 'res.p.tooManyPasswordAttempts',
  WEAK_PASSWORD: 'res.p.weakPassword',
  LOGIN_TAKEN: 'res.p.loginTaken',
  INVALID_ID_NUMBER: 'res.p.invalidIdNumber',
  NOT_A_VILLAGE: 'res.p.notAVillage',
  PERSONAL_DATA_FOUND: 'res.p.personalData',
  COMMENT_RATE_LIMITED: 'res.p.commentRateLimited',
  DISCLOSURE_CLOSED_FOR_COMMENTS: 'res.p.disclosureClosed',
  COMMENT_ALREADY_REPORTED: 'res.p.alreadyReported',
  RATING_WINDOW_CLOSED: 'res.p.ratingWindowClosed',
  RATING_RESIDENT_NOT_VERIFIED: 'res.p.notVerified',
  RATING_DISCLOSURE_WITHDRAWN: 'res.p.disclosureWithdrawn',
  COMPLAINT_WRONG_STATE: 'res.p.complaintWrongState',
  COMPLAINT_REGION_NOT_A_VILLAGE: 'res.p.notAVillage',
  ATTACHMENT_TYPE_NOT_ALLOWED: 'res.p.attachmentType',
  ATTACHMENT_TOO_LARGE: 'res.p.attachmentTooLarge',
  COMPLAINT_TOO_MANY_ATTACHMENTS: 'res.p.tooManyAttachments',
  FOLLOW_LIMIT_REACHED: 'res.p.followLimit',
  FORBIDDEN: 'res.p.forbidden',
  UNAUTHENTICATED: 'res.p.unauthenticated',
};

function field(error: unknown, name: string): unknown {
  return error && typeof error === 'object' && name in error ? Reflect.get(error, name) : undefined;
}

/** The problem's code, if it has one. */
export function problemCode(error: unknown): string | undefined {
  const code = field(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

/** Words for a problem: ours for the codes we know, the API's detail otherwise, with field errors listed. */
export function problemMessage(error: unknown, retryAfter?: string | null): string {
  const code = problemCode(error);
  const key = code ? PROBLEM_KEYS[code] : undefined;
  const status = field(error, 'status');
  let text = key
    ? t(key)
    : status === 429
      ? t('res.p.throttled')
      : status === 503
        ? t('res.p.busy')
        : problemText(error);
  const errors = field(error, 'errors');
  if (Array.isArray(errors) && !key) {
    const lines = errors.flatMap((e: unknown) => {
      const messages = field(e, 'messages');
      return Array.isArray(messages) ? messages.filter((m): m is string => typeof m === 'string') : [];
    });
    if (lines.length) text += `: ${lines.join('; ')}`;
  }
  const seconds = retryAfter ? Number(retryAfter) : NaN;
  if (Number.isFinite(seconds) && seconds > 0) text += t('res.retryAfter', { minutes: Math.ceil(seconds / 60) });
  return text;
}

/** A date and time in China time, in the page language. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(locale.value === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));
}

/** A share "0.9500" as a percentage "95.00%", by string manipulation (exact, no float). */
export function percent(rate: string | null | undefined): string {
  if (!rate) return '—';
  const m = /^(\d)\.(\d{2})(\d{2})$/.exec(rate);
  if (!m) return rate;
  const whole = String(Number(`${m[1]}${m[2]}`));
  return `${whole}.${m[3]}%`;
}

export const RATING_LEVELS = [
  'very_satisfied',
  'satisfied',
  'basically_satisfied',
  'dissatisfied',
  'very_dissatisfied',
] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];

export const levelKey: Record<RatingLevel, MessageKey> = {
  very_satisfied: 'res.level.very_satisfied',
  satisfied: 'res.level.satisfied',
  basically_satisfied: 'res.level.basically_satisfied',
  dissatisfied: 'res.level.dissatisfied',
  very_dissatisfied: 'res.level.very_dissatisfied',
};

export function isRatingLevel(level: string): level is RatingLevel {
  return Object.hasOwn(levelKey, level);
}

export const complaintStatusKey: Record<
  'received' | 'accepted' | 'in_progress' | 'answered' | 'closed' | 'rejected',
  MessageKey
> = {
  received: 'res.cs.received',
  accepted: 'res.cs.accepted',
  in_progress: 'res.cs.in_progress',
  answered: 'res.cs.answered',
  closed: 'res.cs.closed',
  rejected: 'res.cs.rejected',
};

export function isComplaintStatus(status: string): status is keyof typeof complaintStatusKey {
  return Object.hasOwn(complaintStatusKey, status);
}

export const COMPLAINT_CATEGORIES = ['finance', 'party', 'village_affairs', 'other'] as const;
export const categoryKey: Record<(typeof COMPLAINT_CATEGORIES)[number], MessageKey> = {
  finance: 'res.cat.finance',
  party: 'res.cat.party',
  village_affairs: 'res.cat.village_affairs',
  other: 'res.cat.other',
};

export const roleKey: Record<
  'resident' | 'village_clerk' | 'village_monitor' | 'township_reviewer' | 'supervisor' | 'admin',
  MessageKey
> = {
  resident: 'res.role.resident',
  village_clerk: 'res.role.village_clerk',
  village_monitor: 'res.role.village_monitor',
  township_reviewer: 'res.role.township_reviewer',
  supervisor: 'res.role.supervisor',
  admin: 'res.role.admin',
};

/** A path inside the portal to go back to after signing in (never another site). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/**
 * Idempotency keys for a form: a retry of the same body (after a lost reply) reuses the key, so the
 * API replays the first result instead of creating twice; another body gets a new key.
 */
export function idempotencyKeys(): { key: (body: unknown) => string; reset: () => void } {
  let last = '';
  let key = '';
  return {
    key: (body) => {
      const text = JSON.stringify(body);
      if (text !== last || !key) {
        last = text;
        key = crypto.randomUUID();
      }
      return key;
    },
    /** After a success: the same body again is a new request. */
    reset: () => {
      key = '';
    },
  };
}
