import { IdTag, seedId } from './ids';
import { MONTHS, SeedPlan } from './plan';
import { hash, Rng, share, shareStart } from './random';
import {
  amountText,
  Category,
  centsText,
  disclosureBody,
  disclosureTitle,
  identityNumber,
  periodLabel,
  personName,
  pickAccount,
  SUBSIDY_TYPES,
  VILLAGE_GROUPS,
} from './text';
import { DAY_US, HOUR_US, monthFirstDay, monthLastDay, monthStartUs, monthText } from './time';

/**
 * The seed's world as pure functions of (plan, index): who lives where, which disclosures a
 * village published when, what they held, who rated and commented. Every table generator and the
 * row counts read these same functions, so that rows of different tables (and of different worker
 * threads) agree with each other.
 */

// Entity tags of the hash streams (not table ids).
const enum S {
  User = 1,
  Disclosure,
  Lines,
  Subsidies,
  Rating,
  Comment,
  Complaint,
  Issue,
  Resident,
  Text,
}

export const userId = (index: number): string => seedId(IdTag.User, index);

/** The first instant after the history (the start of `asOf`'s month, China Standard Time). */
export const endUs = (plan: SeedPlan): number => monthStartUs(plan.asOfMonth);
/** Residents registered from 40 months before the end until a month before it. */
const registrationSpan = (plan: SeedPlan) => {
  const from = monthStartUs(plan.asOfMonth - 40);
  return { from, length: endUs(plan) - 30 * DAY_US - from };
};

export interface Resident {
  index: number;
  village: number;
  name: string;
  createdUs: number;
  verifiedUs: number | null;
}

/** The j-th resident of village v (registered in order of j; nine in ten verified). */
export function resident(plan: SeedPlan, v: number, j: number): Resident {
  const start = plan.residentStart[v] as number;
  const count = (plan.residentStart[v + 1] as number) - start;
  const index = start + j;
  const r = Rng.of(plan.options.seed, S.User, index);
  const span = registrationSpan(plan);
  const createdUs = Math.floor(span.from + (span.length * (j + r.next())) / Math.max(count, 1));
  return {
    index,
    village: v,
    name: personName(r),
    createdUs,
    verifiedUs: j % 10 === 9 ? null : createdUs + r.between(1, 7 * 24) * HOUR_US,
  };
}

/** How many of village v's residents had registered (and had 8 days to be verified) by `atUs`. */
function residentsBy(plan: SeedPlan, v: number, atUs: number): number {
  const count = (plan.residentStart[v + 1] as number) - (plan.residentStart[v] as number);
  const span = registrationSpan(plan);
  return Math.max(0, Math.min(count, Math.floor((count * (atUs - 8 * DAY_US - span.from)) / span.length)));
}

/**
 * `k` distinct verified residents of village v registered by `atUs` (fewer if the village had fewer),
 * chosen by `h`. Verified residents are those with j % 10 != 9; the t-th of them is j = t + ⌊t/9⌋.
 */
export function verifiedResidents(plan: SeedPlan, v: number, atUs: number, k: number, h: number): number[] {
  const registered = residentsBy(plan, v, atUs);
  const verified = registered - Math.floor(registered / 10);
  const n = Math.min(k, verified);
  if (n <= 0) return [];
  const stride = Math.max(1, Math.floor(verified / n));
  const start = h % verified;
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    const u = (start + t * stride) % verified;
    out.push(u + Math.floor(u / 9));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Disclosures

export type WorkStatus = 'draft' | 'monitor_review' | 'township_review' | 'returned';

export interface FinanceLine {
  lineNo: number;
  direction: 'income' | 'expense';
  accountCode: string;
  amount: string;
  occurredOn: string;
  counterparty: string | null;
  voucherNo: string | null;
  paymentMethod: 'bank' | 'cash';
  note: string | null;
}

export interface Subsidy {
  lineNo: number;
  recipientName: string;
  villageGroup: string | null;
  householdSize: number;
  subsidyType: string;
  amount: string;
  idNumber: string;
}

export interface Disclosure {
  index: number;
  id: string;
  /** Active village index, month of history (0 … 35), position in its village-month and their count. */
  v: number;
  m: number;
  j: number;
  c: number;
  category: Category;
  period: string;
  periodStart: string;
  periodEnd: string;
  /** published: first published (and maybe later corrected or withdrawn); in_progress: this month's work; abandoned: a draft never finished. */
  fate: 'published' | 'in_progress' | 'abandoned';
  /** Rev 1's status when not published. */
  workStatus: WorkStatus;
  late: boolean;
  returnedOnce: boolean;
  corrected: boolean;
  withdrawn: boolean;
  /** A second revision in the works (not published). */
  openCorrection: WorkStatus | null;
  correctionReason: number;
  createdUs: number;
  publishUs: number;
  /** Time of the second revision's publication, withdrawal or creation (open correction). */
  laterUs: number;
  lineCount: number;
  subsidyCount: number;
  clerk: number;
  monitor: number;
  reviewer: number;
}

const PASS = {
  /** First publications on time: days 1–9 of the month. */
  onTime: { start: 0, length: 9 * DAY_US },
  /** Corrections, withdrawals, corrections begun: days 10–19. */
  later: { start: 9 * DAY_US, length: 10 * DAY_US },
  /** Late first publications: days 20–27. */
  late: { start: 19 * DAY_US, length: 8 * DAY_US },
};

/** Month m of the history (0 … 35) as a month index. */
export const historyMonth = (plan: SeedPlan, m: number): number => plan.asOfMonth - MONTHS + m;

/**
 * An event's time in its pass of month m: the villages take their turns in code order and a
 * village's events follow each other, so the times of a pass increase in the order the ledger
 * walks it (month, pass, village, position).
 */
function passTime(
  plan: SeedPlan,
  pass: { start: number; length: number },
  m: number,
  v: number,
  j: number,
  c: number,
): number {
  const a = plan.villages.length;
  return Math.floor(monthStartUs(historyMonth(plan, m)) + pass.start + (pass.length * (v + (j + 0.5) / c)) / a);
}

/** The slots (month-major, then village) and where each one's disclosures start. */
export const slotCount = (plan: SeedPlan): number => plan.villages.length * MONTHS;
export const slotOf = (plan: SeedPlan, m: number, v: number): number => m * plan.villages.length + v;
export const slotStart = (plan: SeedPlan, k: number): number => shareStart(k, slotCount(plan), plan.totals.disclosures);
export const slotSize = (plan: SeedPlan, k: number): number => share(k, slotCount(plan), plan.totals.disclosures);

const QUARTER_MONTH = (mi: number) => mi % 3 === 0;

/** Disclosure j of the c published in month m by village v (global index `index`). */
export function disclosure(plan: SeedPlan, index: number, m: number, v: number, j: number, c: number): Disclosure {
  const seed = plan.options.seed;
  const r = Rng.of(seed, S.Disclosure, index);
  const pm = historyMonth(plan, m);
  const staff = plan.staff[v] as (typeof plan.staff)[number];
  // The month's finance statement first; the quarter's Party and village affairs in the month after a quarter.
  let category: Category;
  let quarterly = false;
  const u = r.next();
  if (j === 0) category = 'finance';
  else if (j === 1 && QUARTER_MONTH(pm)) [category, quarterly] = ['party', true];
  else if (j === 2 && QUARTER_MONTH(pm)) [category, quarterly] = ['village', true];
  else category = u < 0.45 ? 'finance' : u < 0.8 ? 'village' : 'party';
  const periodMonth = pm - 1;
  let period: string;
  let periodStart: string;
  let periodEnd: string;
  if (quarterly) {
    const qStart = pm - 3;
    period = `${Math.floor(qStart / 12)}-Q${Math.floor((qStart % 12) / 3) + 1}`;
    periodStart = monthFirstDay(qStart);
    periodEnd = monthLastDay(pm - 1);
  } else {
    period = monthText(periodMonth);
    periodStart = monthFirstDay(periodMonth);
    periodEnd = monthLastDay(periodMonth);
  }
  const subsidyCount = category === 'village' && r.chance(0.35) ? r.between(2, 9) : 0;
  const lineCount = category === 'finance' ? r.between(3, 12) : 0;
  const fateDraw = r.next();
  const last = m === MONTHS - 1;
  const fate: Disclosure['fate'] =
    last && fateDraw < 0.25 ? 'in_progress' : fateDraw > 0.997 ? 'abandoned' : 'published';
  const workDraw = r.next();
  const workStatus: WorkStatus =
    workDraw < 0.3
      ? 'draft'
      : workDraw < 0.55
        ? category === 'finance'
          ? 'monitor_review'
          : 'township_review'
        : workDraw < 0.78
          ? 'township_review'
          : 'returned';
  const late = r.chance(0.03);
  const returnedOnce = r.chance(0.04);
  const later = r.next();
  const canChange = fate === 'published' && !last;
  const corrected = canChange && later < 0.05;
  const withdrawn = canChange && later >= 0.05 && later < 0.055;
  const openCorrection: WorkStatus | null =
    canChange && later >= 0.055 && later < 0.058 ? (r.chance(0.5) ? 'draft' : 'returned') : null;
  const publishUs = passTime(plan, late ? PASS.late : PASS.onTime, m, v, j, c);
  const laterUs = canChange ? passTime(plan, PASS.later, m + 1, v, j, c) : 0;
  return {
    index,
    id: seedId(IdTag.Disclosure, index),
    v,
    m,
    j,
    c,
    category,
    period,
    periodStart,
    periodEnd,
    fate,
    workStatus,
    late,
    returnedOnce,
    corrected,
    withdrawn,
    openCorrection,
    correctionReason: r.int(4),
    createdUs: publishUs - r.between(50, 110) * HOUR_US,
    publishUs,
    laterUs,
    lineCount,
    subsidyCount,
    clerk: staff.clerk,
    monitor: staff.monitor,
    reviewer: staff.reviewers[r.int(2)] as number,
  };
}

/** Every disclosure in index order (month, village, position). */
export function* disclosures(plan: SeedPlan): Generator<Disclosure> {
  const a = plan.villages.length;
  for (let m = 0; m < MONTHS; m++)
    for (let v = 0; v < a; v++) {
      const k = slotOf(plan, m, v);
      const start = slotStart(plan, k);
      const c = slotSize(plan, k);
      for (let j = 0; j < c; j++) yield disclosure(plan, start + j, m, v, j, c);
    }
}

/** The disclosures of village v published (or begun) in month m. */
export function* slotDisclosures(plan: SeedPlan, m: number, v: number): Generator<Disclosure> {
  const k = slotOf(plan, m, v);
  const start = slotStart(plan, k);
  const c = slotSize(plan, k);
  for (let j = 0; j < c; j++) yield disclosure(plan, start + j, m, v, j, c);
}

export const isPublic = (d: Disclosure): boolean => d.fate === 'published';

/** The title and body (the same in every revision), made only where a table needs them. */
export function disclosureText(plan: SeedPlan, d: Disclosure): { title: string; body: string } {
  const r = Rng.of(plan.options.seed, S.Text, d.index);
  const village = (plan.villages[d.v] as (typeof plan.villages)[number]).name;
  const label = periodLabel(d.period);
  return {
    title:
      d.subsidyCount > 0
        ? `${village}${label}惠民惠农补贴发放名单公示`
        : disclosureTitle(r, village, d.category, d.period),
    body: disclosureBody(r, label, d.category),
  };
}

/** How many revisions the disclosure has. */
export const revisionCount = (d: Disclosure): number => (d.corrected || d.openCorrection ? 2 : 1);

/** The finance lines of revision 1; a correction changes the first line's amount and note. */
export function financeLines(plan: SeedPlan, d: Disclosure, revision: number): FinanceLine[] {
  const r = Rng.of(plan.options.seed, S.Lines, d.index);
  const lines: FinanceLine[] = [];
  const days = Number(d.periodEnd.slice(8, 10));
  const startMonth = d.periodStart.slice(0, 8);
  for (let n = 1; n <= d.lineCount; n++) {
    const a = pickAccount(r);
    const cash = a.direction === 'expense' && r.chance(0.08);
    lines.push({
      lineNo: n,
      direction: a.direction,
      accountCode: a.code,
      amount: amountText(r, a.min, a.max),
      occurredOn: `${startMonth}${String(1 + r.int(days)).padStart(2, '0')}`,
      counterparty: r.pick(a.counterparties),
      voucherNo: r.chance(0.02) ? null : `记-${d.period.slice(0, 4)}-${String(r.between(1, 999)).padStart(3, '0')}`,
      paymentMethod: cash ? 'cash' : 'bank',
      note: r.chance(0.8) ? r.pick(a.notes) : null,
    });
  }
  if (revision > 1 && lines[0]) {
    const first = lines[0];
    const cents = Math.round(Number(first.amount) * 100);
    lines[0] = { ...first, amount: centsText(cents + 100 * (1 + (cents % 50))), note: '更正后金额' };
  }
  return lines;
}

/** The subsidy list of a village-affairs disclosure: residents of the village with their identity numbers. */
export function subsidies(plan: SeedPlan, d: Disclosure): Subsidy[] {
  const r = Rng.of(plan.options.seed, S.Subsidies, d.index);
  const count = (plan.residentStart[d.v + 1] as number) - (plan.residentStart[d.v] as number);
  const type = r.pick(SUBSIDY_TYPES);
  const out: Subsidy[] = [];
  // The same people from period to period: the list starts at a place fixed per village and type.
  const base = hash(plan.options.seed, S.Subsidies, d.v, SUBSIDY_TYPES.indexOf(type));
  for (let n = 1; n <= d.subsidyCount; n++) {
    const j = count > 0 ? (base + n * 7) % count : 0;
    const person = residentIdentity(plan, d.v, j);
    out.push({
      lineNo: n,
      recipientName: count > 0 ? resident(plan, d.v, j).name : personName(r),
      villageGroup: r.chance(0.9) ? r.pick(VILLAGE_GROUPS) : null,
      householdSize: r.between(1, 6),
      subsidyType: type.type,
      amount: amountText(r, type.min, type.max),
      idNumber: person,
    });
  }
  return out;
}

/** The identity number of resident j of village v (the same wherever the person appears). */
export function residentIdentity(plan: SeedPlan, v: number, j: number): string {
  const village = plan.villages[v] as (typeof plan.villages)[number];
  return identityNumber(
    Rng.of(plan.options.seed, S.Resident, (plan.residentStart[v] as number) + j),
    village.code.slice(0, 6),
  );
}

/** The ratings a published disclosure received: [resident j, level, remark index, time]. */
export interface Rating {
  j: number;
  level: string;
  createdUs: number;
  remark: number;
}

const LEVELS: readonly [string, number][] = [
  ['very_satisfied', 0.8],
  ['satisfied', 0.95],
  ['basically_satisfied', 0.9992],
  ['dissatisfied', 0.9998],
  ['very_dissatisfied', 1],
];

export function ratings(plan: SeedPlan, d: Disclosure): Rating[] {
  if (!isPublic(d)) return [];
  const k = share(d.index, plan.totals.disclosures, plan.totals.ratings);
  if (k === 0) return [];
  const r = Rng.of(plan.options.seed, S.Rating, d.index);
  const end = endUs(plan) - HOUR_US;
  const at = Math.min(d.publishUs + r.between(1, 20 * 24) * HOUR_US, end);
  return verifiedResidents(plan, d.v, at, k, r.int(1 << 30)).map((j) => {
    const x = r.next();
    const level = (LEVELS.find(([, p]) => x < p) ?? LEVELS[0]!)[0];
    return { j, level, createdUs: Math.min(at + r.int(72) * HOUR_US + r.int(3600) * 1e6, end), remark: r.int(8) };
  });
}

export interface Comment {
  /** Resident j, or -1 for the village clerk's office reply to the comment before. */
  j: number;
  createdUs: number;
  text: number;
  status: 'visible' | 'pending_review' | 'hidden';
}

export function comments(plan: SeedPlan, d: Disclosure): Comment[] {
  if (!isPublic(d)) return [];
  const k = share(d.index, plan.totals.disclosures, plan.totals.comments);
  if (k === 0) return [];
  const r = Rng.of(plan.options.seed, S.Comment, d.index);
  const end = endUs(plan) - HOUR_US;
  let at = Math.min(d.publishUs + r.between(1, 240) * HOUR_US, end - k * 1000);
  const authors = verifiedResidents(plan, d.v, at, k, r.int(1 << 30));
  const out: Comment[] = [];
  for (let n = 0; n < k; n++) {
    const reply = n > 0 && r.chance(0.25);
    const j = reply ? -1 : (authors[n % Math.max(authors.length, 1)] ?? -1);
    const x = r.next();
    out.push({
      j,
      createdUs: at,
      text: r.int(16),
      status: j >= 0 && x < 0.003 ? 'hidden' : j >= 0 && x < 0.006 ? 'pending_review' : 'visible',
    });
    at = Math.min(at + r.between(1, 48) * HOUR_US, end - (k - n) * 1000);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Complaints and supervision issues

const COMPLAINT_WEIGHT = (m: number): number => (m < 12 ? 1 : m < 24 ? 0.9 : 0.466);
const COMPLAINT_WEIGHTS: number[] = (() => {
  const w = [0];
  for (let m = 0; m < MONTHS; m++) w.push((w[m] as number) + COMPLAINT_WEIGHT(m));
  return w;
})();

export type ComplaintStatus = 'received' | 'accepted' | 'in_progress' | 'answered' | 'closed' | 'rejected';

export interface Complaint {
  index: number;
  id: string;
  v: number;
  complainant: number;
  category: 'finance' | 'party' | 'village_affairs' | 'other';
  text: number;
  anonymous: boolean;
  consent: boolean;
  status: ComplaintStatus;
  filedUs: number;
  acceptedUs: number;
  startedUs: number;
  answeredUs: number;
  closedUs: number;
  answer: number;
  handler: number;
}

/** Complaints by month, fewer each year (the province's complaints fell 48.2% year on year). */
export function* complaints(plan: SeedPlan): Generator<Complaint> {
  const total = plan.totals.complaints;
  const all = COMPLAINT_WEIGHTS[MONTHS] as number;
  let index = 0;
  for (let m = 0; m < MONTHS; m++) {
    const upTo = Math.floor((total * (COMPLAINT_WEIGHTS[m + 1] as number)) / all);
    const count = upTo - index;
    for (let n = 0; index < upTo; n++, index++) yield complaint(plan, index, m, n, count);
  }
}

const CATEGORIES = ['finance', 'finance', 'village_affairs', 'village_affairs', 'party', 'other'] as const;

function complaint(plan: SeedPlan, index: number, m: number, n: number, count: number): Complaint {
  const r = Rng.of(plan.options.seed, S.Complaint, index);
  const a = plan.villages.length;
  const v = r.int(a);
  const month = historyMonth(plan, m);
  const filedUs = Math.floor(
    monthStartUs(month) + ((n + 0.5) * (monthStartUs(month + 1) - monthStartUs(month))) / count,
  );
  const end = endUs(plan) - HOUR_US;
  const age = plan.asOfMonth - month; // 1 … 36
  const x = r.next();
  let status: ComplaintStatus;
  if (age <= 1)
    status =
      x < 0.15 ? 'received' : x < 0.35 ? 'accepted' : x < 0.65 ? 'in_progress' : x < 0.9 ? 'answered' : 'rejected';
  else
    status =
      x < 0.72 ? 'closed' : x < 0.86 ? 'answered' : x < 0.93 ? 'rejected' : x < 0.97 ? 'in_progress' : 'accepted';
  const step = (from: number, hours: number) => Math.min(from + r.between(1, hours) * HOUR_US, end);
  const acceptedUs = step(filedUs, 60);
  const startedUs = step(acceptedUs, 48);
  const answeredUs = step(startedUs, 300);
  const closedUs = step(answeredUs, 120);
  const people = (plan.residentStart[v + 1] as number) - (plan.residentStart[v] as number);
  return {
    index,
    id: seedId(IdTag.Complaint, index),
    v,
    complainant: (plan.residentStart[v] as number) + (people > 0 ? r.int(people) : 0),
    category: r.pick(CATEGORIES),
    text: r.int(3),
    anonymous: r.chance(0.7),
    consent: r.chance(0.3),
    status,
    filedUs,
    acceptedUs,
    startedUs,
    answeredUs,
    closedUs,
    answer: r.int(3),
    handler: (plan.staff[v] as (typeof plan.staff)[number]).reviewers[r.int(2)] as number,
  };
}

export type IssueSource = 'rule' | 'batch' | 'manual' | 'complaint';
export type IssueStatus = 'open' | 'in_progress' | 'resolved' | 'verified' | 'dismissed';

export interface Issue {
  index: number;
  id: string;
  source: IssueSource;
  v: number;
  /** Responsible at the township rather than the village. */
  atTownship: boolean;
  batch: number;
  /** The ordinal among issues of its source: the finding's or complaint's index. */
  ordinal: number;
  status: IssueStatus;
  createdUs: number;
  startedUs: number;
  resolvedUs: number;
  verifiedUs: number;
  dueDays: number;
  title: number;
  resolution: number;
  recoveredCents: number | null;
  severity: 'low' | 'medium' | 'high';
  ruleId: string;
}

const RULE_IDS = [
  'cash-payment',
  'entertainment',
  'split-payments',
  'missing-voucher',
  'disclosure-overdue',
  'frequent-corrections',
  'subsidy-duplicate',
];

/** Batch b's issue date: the batches are spread over the three years. */
export const batchIssuedUs = (plan: SeedPlan, b: number): number =>
  monthStartUs(historyMonth(plan, Math.floor((b * MONTHS) / plan.totals.batches))) + 2 * DAY_US;

export function* issues(plan: SeedPlan): Generator<Issue> {
  const total = plan.totals.issues;
  const ordinals: Record<IssueSource, number> = { rule: 0, batch: 0, manual: 0, complaint: 0 };
  const start = monthStartUs(historyMonth(plan, 0));
  const span = endUs(plan) - 20 * DAY_US - start;
  const end = endUs(plan) - HOUR_US;
  for (let index = 0; index < total; index++) {
    const r = Rng.of(plan.options.seed, S.Issue, index);
    const x = r.next();
    let source: IssueSource = x < 0.55 ? 'rule' : x < 0.8 ? 'batch' : x < 0.95 ? 'manual' : 'complaint';
    if (source === 'complaint' && ordinals.complaint >= plan.totals.complaints) source = 'manual';
    const batch = source === 'batch' ? r.int(plan.totals.batches) : -1;
    const createdUs =
      source === 'batch'
        ? batchIssuedUs(plan, batch) + r.int(48) * HOUR_US
        : Math.floor(start + (span * (index + r.next())) / Math.max(total, 1));
    const ageDays = (endUs(plan) - createdUs) / DAY_US;
    const y = r.next();
    let status: IssueStatus;
    if (ageDays < 30) status = y < 0.4 ? 'open' : y < 0.75 ? 'in_progress' : y < 0.92 ? 'resolved' : 'verified';
    else
      status =
        y < 0.04 ? 'open' : y < 0.1 ? 'in_progress' : y < 0.22 ? 'resolved' : y < 0.97 ? 'verified' : 'dismissed';
    const step = (from: number, hours: number) => Math.min(from + r.between(1, hours) * HOUR_US, end);
    const startedUs = step(createdUs, 72);
    const resolvedUs = step(startedUs, 400);
    const verifiedUs = step(resolvedUs, 200);
    yield {
      index,
      id: seedId(IdTag.Issue, index),
      source,
      v: r.int(plan.villages.length),
      atTownship: r.chance(0.1),
      batch,
      ordinal: ordinals[source]++,
      status,
      createdUs,
      startedUs,
      resolvedUs,
      verifiedUs,
      dueDays: source === 'batch' ? 60 : 30,
      title: r.int(6),
      resolution: r.int(4),
      recoveredCents: source === 'batch' && r.chance(0.4) ? r.between(50_000, 5_000_000) : null,
      severity: r.chance(0.15) ? 'high' : r.chance(0.3) ? 'low' : 'medium',
      ruleId: RULE_IDS[r.int(RULE_IDS.length)] as string,
    };
  }
}
