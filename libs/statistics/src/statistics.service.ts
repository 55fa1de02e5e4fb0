import { Injectable } from '@nestjs/common';
import { RegionTreeStore } from '@sunshine/regions';

import { ChildrenStatisticsDto, RegionStatisticsDto } from './dto/statistics.dto';
import { shiftMonth } from './rollup/statistics-rollup.repository';
import { ALL_COUNTERS } from './rollup/stats-layout';
import { statisticsError, StatisticsErrorCode } from './statistics.errors';
import { toFiguresDto, toYearOnYearDto } from './statistics.mapper';
import { CountersRow, StatisticsRepository } from './statistics.repository';
import { StatisticsReplies } from './statistics-replies';

/** The longest range a dashboard reads. */
export const MAX_MONTHS = 36;

const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
/** The months `from`..`to` (`YYYY-MM`). */
const months = (from: string, to: string): string[] =>
  Array.from({ length: monthIndex(to) - monthIndex(from) + 1 }, (_, i) => shiftMonth(`${from}-01`, i));
const ZERO = Object.fromEntries(
  ALL_COUNTERS.map((c) => [c, c === 'issues' || c === 'resolution_days' ? [] : 0]),
) as unknown as CountersRow;

/** The counters of `rows` added up: scalars summed, histograms element by element. */
export function sumCounters(rows: readonly CountersRow[]): CountersRow {
  const total: Record<string, number | number[]> = {};
  for (const c of ALL_COUNTERS) {
    if (c === 'issues' || c === 'resolution_days') {
      const sum: number[] = [];
      for (const r of rows) r[c].forEach((n, i) => (sum[i] = (sum[i] ?? 0) + n));
      total[c] = sum;
    } else total[c] = rows.reduce((n, r) => n + r[c], 0);
  }
  return total as unknown as CountersRow;
}

/** Statistics of a region subtree, read from the rollups (see README "Statistics"), replies held until they change. */
@Injectable()
export class StatisticsService {
  constructor(
    private readonly stats: StatisticsRepository,
    private readonly regions: RegionTreeStore,
    private readonly replies: StatisticsReplies,
  ) {}

  async forRegion(code: string, from: string, to: string): Promise<RegionStatisticsDto> {
    this.checkRange(from, to);
    const region = await this.findRegion(code);
    return this.replies.reply(`region ${code} ${from} ${to}`, async () => {
      // One read of the region's rows from January of the year before `to` (year on year) or `from`.
      const lastJanuary = `${Number(to.slice(0, 4)) - 1}-01`;
      const first = from < lastJanuary ? from : lastJanuary;
      const rows = await this.stats.months(code, region.level, `${first}-01`, `${to}-01`);
      const within = (a: string, b: string) => rows.filter((r) => r.month >= a && r.month <= b);
      const totals = sumCounters(within(from, to));
      const thisYear = sumCounters(within(`${to.slice(0, 4)}-01`, to));
      const lastYear = sumCounters(within(lastJanuary, shiftMonth(`${to}-01`, -12)));
      const byMonth = new Map(rows.map((r) => [r.month, r]));
      return {
        regionCode: region.code,
        name: region.name,
        level: region.level,
        from,
        to,
        totals: toFiguresDto(totals),
        complaintsYearOnYear: toYearOnYearDto(to, thisYear.complaints_filed, lastYear.complaints_filed),
        series: months(from, to).map((month) => ({ month, ...toFiguresDto(byMonth.get(month) ?? ZERO) })),
      };
    });
  }

  async forChildren(code: string, from: string, to: string): Promise<ChildrenStatisticsDto> {
    this.checkRange(from, to);
    const region = await this.findRegion(code);
    return this.replies.reply(`children ${code} ${from} ${to}`, async () => {
      const rows = region.level === 5 ? [] : await this.stats.children(code, region.level, `${from}-01`, `${to}-01`);
      return {
        regionCode: region.code,
        name: region.name,
        level: region.level,
        from,
        to,
        items: rows.map((r) => ({
          regionCode: r.code,
          name: r.name,
          level: r.level,
          totals: toFiguresDto(sumCounters(r.rows)),
        })),
      };
    });
  }

  /** The region from the tree in memory (reference data: no statement). */
  private async findRegion(code: string) {
    const region = (await this.regions.tree()).find(code);
    if (!region) throw statisticsError(StatisticsErrorCode.RegionNotFound, `No region ${code}.`);
    return region;
  }

  /** Refuses `from`..`to` (`YYYY-MM`) when reversed or longer than MAX_MONTHS. */
  private checkRange(from: string, to: string): void {
    const n = monthIndex(to) - monthIndex(from) + 1;
    if (n < 1 || n > MAX_MONTHS)
      throw statisticsError(
        StatisticsErrorCode.BadRange,
        `from ${from} to ${to} is ${n < 1 ? 'reversed' : `${n} months`}; at most ${MAX_MONTHS} months.`,
      );
  }
}
