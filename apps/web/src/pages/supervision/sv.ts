// What the supervision pages share: the caller's supervision regions, labels of the API's enums.
import type { components } from '../../api/schema';
import { type MessageKey, t } from '../../i18n';
import { session } from '../../session';

export type IssueStatus = components['schemas']['IssueSummaryDto']['status'];
export type IssueSource = components['schemas']['IssueSummaryDto']['source'];
export type IssueSeverity = components['schemas']['IssueSummaryDto']['severity'];
export type IssueEventKind = components['schemas']['IssueEventDto']['kind'];
export type ObligationStatus = components['schemas']['ObligationDto']['status'];
export type Category = components['schemas']['ObligationDto']['category'];
export type Review = components['schemas']['FindingDto']['review'];

export const ISSUE_STATUSES: IssueStatus[] = ['open', 'in_progress', 'resolved', 'verified', 'dismissed'];
export const ISSUE_SOURCES: IssueSource[] = ['complaint', 'rule', 'batch', 'manual'];
export const CATEGORIES: Category[] = ['party', 'village', 'finance'];
export const REVIEWS: Review[] = ['pending', 'confirmed', 'dismissed'];

/** The regions where the signed-in user holds a supervision role: township reviewer first, then supervisor, admin (compliance only). */
export function supervisionRegions(): string[] {
  const roles = session.state.me?.roles ?? [];
  const order = ['township_reviewer', 'supervisor', 'admin'];
  return order.flatMap((role) => roles.filter((r) => r.role === role).map((r) => r.regionCode));
}

/** Whether the signed-in user holds `role` at a region whose subtree holds `code` (codes are hierarchical). */
export function holdsOver(role: string, code: string): boolean {
  const digits: Record<number, number> = { 1: 2, 2: 4, 3: 6, 4: 9, 5: 12 };
  return (session.state.me?.roles ?? []).some(
    (r) => r.role === role && code.startsWith(r.regionCode.slice(0, digits[r.regionLevel] ?? 12)),
  );
}

// Template-literal keys: a value the API adds without a message fails the type check.
export const issueStatusText = (s: IssueStatus) => t(`sv.issue.st.${s}` satisfies MessageKey);
export const issueSourceText = (s: IssueSource) => t(`sv.issue.src.${s}` satisfies MessageKey);
export const severityText = (s: IssueSeverity) => t(`sv.issue.sev.${s}` satisfies MessageKey);
export const eventText = (k: IssueEventKind) => t(`sv.issue.ev.${k}` satisfies MessageKey);
export const categoryText = (c: Category) => t(`sv.category.${c}` satisfies MessageKey);
export const obligationText = (s: ObligationStatus) => t(`sv.obl.${s}` satisfies MessageKey);
export const reviewText = (r: Review) => t(`sv.finding.rv.${r}` satisfies MessageKey);

/** The icon beside each obligation status (never colour alone). */
export const OBLIGATION_ICON: Record<ObligationStatus, string> = {
  on_time: '✓',
  late: '!',
  missing: '✗',
  not_due: '…',
};

/** A rate string of the API ("85.0") as "85.0%", or a dash when nothing counted. */
export const rateText = (rate: string | null) => (rate === null ? t('sv.batch.noRate') : `${rate}%`);

/** `YYYY-MM` of a month `offset` months from the current one, China Standard Time. */
export function chinaMonth(offset = 0): string {
  const local = new Date(Date.now() + 8 * 3600_000);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + offset, 1)).toISOString().slice(0, 7);
}

/** Months from `from` to `to` inclusive (both `YYYY-MM`). */
export function monthsBetween(from: string, to: string): number {
  const index = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
  return index(to) - index(from) + 1;
}
