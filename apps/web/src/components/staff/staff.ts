import { reactive } from 'vue';

import { api } from '../../api/client';
import type { components } from '../../api/schema';
import { type MessageKey, t } from '../../i18n';
import { session } from '../../session';

export type Role = components['schemas']['RoleDto']['role'];
export type WorkingCopy = components['schemas']['WorkingCopyDto'];
export type FinanceLine = components['schemas']['FinanceLineDto'];
export type FinanceLineInput = components['schemas']['FinanceLineInputDto'];
export type AccountTotal = components['schemas']['AccountTotalDto'];
export type ComplaintStatus = components['schemas']['ComplaintDto']['status'];

/** Digits of a 12-digit region code that name it at each level (province … village). */
const PREFIX: Record<number, number> = { 1: 2, 2: 4, 3: 6, 4: 9, 5: 12 };

/** The region codes where the signed-in user holds `role` (from GET /me). */
export function regionsOf(role: Role): string[] {
  return (session.state.me?.roles ?? []).filter((r) => r.role === role).map((r) => r.regionCode);
}

/** Whether the signed-in user holds `role` at a region whose subtree holds `code`. */
export function holdsAt(role: Role, code: string): boolean {
  return (session.state.me?.roles ?? []).some(
    (r) => r.role === role && code.startsWith(r.regionCode.slice(0, PREFIX[r.regionLevel] ?? 12)),
  );
}

/** Whether the signed-in user holds `role` exactly at `code` (e.g. the office holding a complaint). */
export function holdsExactly(role: Role, code: string): boolean {
  return (session.state.me?.roles ?? []).some((r) => r.role === role && r.regionCode === code);
}

/** A decimal string with thousands separators, by string manipulation only (never a float). */
export function money(amount: string): string {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction] = (negative ? amount.slice(1) : amount).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}

/** A date-time in the page's language, China time (the API speaks UTC). */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(document.documentElement.lang || 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

export function dateOnly(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Date(iso).toLocaleDateString(document.documentElement.lang || 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
}

/** The village collective accounting chart (财会〔2004〕12号). The API has no route for it (see the report). */
export const ACCOUNTS: { code: string; direction: 'income' | 'expense' }[] = [
  { code: '经营收入', direction: 'income' },
  { code: '发包及上交收入', direction: 'income' },
  { code: '投资收益', direction: 'income' },
  { code: '补助收入', direction: 'income' },
  { code: '其他收入', direction: 'income' },
  { code: '经营支出', direction: 'expense' },
  { code: '管理费用', direction: 'expense' },
  { code: '管理费用/干部报酬', direction: 'expense' },
  { code: '管理费用/办公费', direction: 'expense' },
  { code: '管理费用/招待费', direction: 'expense' },
  { code: '管理费用/差旅费', direction: 'expense' },
  { code: '其他支出', direction: 'expense' },
];

const CATEGORY_KEYS: Record<'party' | 'village' | 'finance', MessageKey> = {
  party: 'staff.category.party',
  village: 'staff.category.village',
  finance: 'staff.category.finance',
};
export const categoryText = (c: 'party' | 'village' | 'finance') => t(CATEGORY_KEYS[c]);

const REVISION_STATUS_KEYS: Record<components['schemas']['WorkingRevisionDto']['status'], MessageKey> = {
  draft: 'staff.revision.draft',
  monitor_review: 'staff.revision.monitor_review',
  township_review: 'staff.revision.township_review',
  returned: 'staff.revision.returned',
  published: 'staff.revision.published',
};
export const revisionStatusText = (s: components['schemas']['WorkingRevisionDto']['status']) =>
  t(REVISION_STATUS_KEYS[s]);

const COMPLAINT_STATUS_KEYS: Record<ComplaintStatus, MessageKey> = {
  received: 'staff.complaint.received',
  accepted: 'staff.complaint.accepted',
  in_progress: 'staff.complaint.in_progress',
  answered: 'staff.complaint.answered',
  closed: 'staff.complaint.closed',
  rejected: 'staff.complaint.rejected',
};
export const complaintStatusText = (s: ComplaintStatus) => t(COMPLAINT_STATUS_KEYS[s]);

/** The reason of the newest return of the working revision, when it was returned. */
export function returnReason(copy: WorkingCopy): string | null {
  if (copy.revision.status !== 'returned') return null;
  const steps = copy.steps.filter(
    (s) => s.revisionNumber === copy.revision.number && (s.action === 'return' || s.action === 'monitor_return'),
  );
  return steps.at(-1)?.reason ?? null;
}

const STEP_KEYS: Record<components['schemas']['ReviewStepDto']['action'], MessageKey> = {
  create: 'staff.step.create',
  submit: 'staff.step.submit',
  monitor_approve: 'staff.step.monitor_approve',
  monitor_return: 'staff.step.monitor_return',
  approve: 'staff.step.approve',
  return: 'staff.step.return',
  withdraw: 'staff.step.withdraw',
};
export const stepText = (a: components['schemas']['ReviewStepDto']['action']) => t(STEP_KEYS[a]);

/** Region names by code, fetched once per code and shown where a list carries only codes. */
const names = reactive(new Map<string, string>());
const asked = new Set<string>();

/** The region's name once loaded (the code until then). */
export function regionName(code: string): string {
  if (!asked.has(code)) {
    asked.add(code);
    void api.GET('/api/v1/regions/{code}', { params: { path: { code } } }).then(({ data }) => {
      if (data) names.set(code, data.name);
    });
  }
  return names.get(code) ?? code;
}
