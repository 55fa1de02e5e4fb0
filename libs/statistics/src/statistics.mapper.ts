import { ComplaintsYearOnYearDto, IssueStatusCountsDto, StatisticsFiguresDto } from './dto/statistics.dto';
import { ISSUE_SOURCES, ISSUE_STATUSES, issueIndex, IssueSource } from './rollup/stats-layout';
import { CountersRow } from './statistics.repository';

/** n ÷ d as a percentage with one decimal, exact (integer arithmetic), half away from zero; null when d is 0. */
export function percent(n: number, d: number): string | null {
  if (d === 0) return null;
  const num = BigInt(n) * 1000n;
  const den = BigInt(d);
  const negative = num < 0n !== den < 0n;
  const a = num < 0n ? -num : num;
  const b = den < 0n ? -den : den;
  const tenths = (2n * a + b) / (2n * b);
  return `${negative && tenths !== 0n ? '-' : ''}${tenths / 10n}.${tenths % 10n}`;
}

/** The median of a histogram (index i + 0: count of value i), as a decimal string; null when empty. */
export function medianOf(histogram: readonly number[]): string | null {
  const n = histogram.reduce((s, c) => s + c, 0);
  if (n === 0) return null;
  const at = (rank: number): number => {
    let seen = 0;
    for (let i = 0; i < histogram.length; i++) {
      seen += histogram[i];
      if (seen >= rank) return i;
    }
    return histogram.length - 1;
  };
  const lo = at(Math.floor((n + 1) / 2));
  const hi = at(Math.ceil((n + 1) / 2));
  return (lo + hi) % 2 === 0 ? String((lo + hi) / 2) : `${(lo + hi - 1) / 2}.5`;
}

function issueCounts(issues: readonly number[], sources: readonly IssueSource[]): IssueStatusCountsDto {
  const count = (status: (typeof ISSUE_STATUSES)[number]) =>
    sources.reduce((s, source) => s + (issues[issueIndex(source, status) - 1] ?? 0), 0);
  const [open, inProgress, resolved, verified, dismissed] = ISSUE_STATUSES.map(count);
  const total = open + inProgress + resolved + verified + dismissed;
  return {
    open,
    inProgress,
    resolved,
    verified,
    dismissed,
    total,
    completionRate: percent(resolved + verified, total - dismissed),
  };
}

/** The figures of summed rollup counters. */
export function toFiguresDto(r: CountersRow): StatisticsFiguresDto {
  return {
    residentsRegistered: r.residents_registered,
    residentsVerified: r.residents_verified,
    disclosures: {
      party: r.disclosures_party,
      village: r.disclosures_village,
      finance: r.disclosures_finance,
      total: r.disclosures_party + r.disclosures_village + r.disclosures_finance,
    },
    obligations: {
      due: r.obligations_due,
      onTime: r.obligations_on_time,
      late: r.obligations_late,
      missing: r.obligations_missing,
      onTimeRate: percent(r.obligations_on_time, r.obligations_due),
    },
    complaints: {
      filed: r.complaints_filed,
      answered: r.complaints_answered,
      answeredOnTime: r.complaints_answered_on_time,
      resolved: r.complaints_resolved,
      answeredOnTimeRate: percent(r.complaints_answered_on_time, r.complaints_answered),
      resolutionRate: percent(r.complaints_resolved, r.complaints_filed),
      medianDaysToResolution: medianOf(r.resolution_days),
    },
    issues: {
      ...issueCounts(r.issues, ISSUE_SOURCES),
      bySource: {
        complaint: issueCounts(r.issues, ['complaint']),
        rule: issueCounts(r.issues, ['rule']),
        batch: issueCounts(r.issues, ['batch']),
        manual: issueCounts(r.issues, ['manual']),
      },
    },
    ratings: {
      ratings: r.ratings,
      positive: r.ratings_positive,
      participants: r.rating_participants,
      satisfactionRate: percent(r.ratings_positive, r.ratings),
    },
  };
}

export function toYearOnYearDto(through: string, thisYear: number, lastYear: number): ComplaintsYearOnYearDto {
  return {
    year: Number(through.slice(0, 4)),
    through,
    thisYear,
    lastYear,
    change: percent(thisYear - lastYear, lastYear),
  };
}
