import { Injectable } from '@nestjs/common';

import { ChildrenStatisticsDto, RegionStatisticsDto } from './dto/statistics.dto';
import { shiftMonth } from './rollup/statistics-rollup.repository';
import { ALL_COUNTERS } from './rollup/stats-layout';
import { statisticsError, StatisticsErrorCode } from './statistics.errors';
import { toFiguresDto, toYearOnYearDto } from './statistics.mapper';
import { CountersRow, StatisticsRepository } from './statistics.repository';

/** The longest range a dashboard reads. */
export const MAX_MONTHS = 36;

const monthIndex = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const ZERO = Object.fromEntries(
  ALL_COUNTERS.map((c) => [c, c === 'issues' || c === 'resolution_days' ? [] : 0]),
) as unknown as CountersRow;

/** Statistics of a region subtree, read from the rollups (see README "Statistics"). */
@Injectable()
export class StatisticsService {
  constructor(private readonly stats: StatisticsRepository) {}

  async forRegion(code: string, from: string, to: string): Promise<RegionStatisticsDto> {
    const months = this.range(from, to);
    const region = await this.findRegion(code);
    const [rows, totals, thisYear, lastYear] = await Promise.all([
      this.stats.months(code, region.level, `${from}-01`, `${to}-01`),
      this.stats.totals(code, region.level, `${from}-01`, `${to}-01`),
      this.stats.totals(code, region.level, `${to.slice(0, 4)}-01-01`, `${to}-01`),
      this.stats.totals(code, region.level, `${Number(to.slice(0, 4)) - 1}-01-01`, `${shiftMonth(`${to}-01`, -12)}-01`),
    ]);
    const byMonth = new Map(rows.map((r) => [r.month, r]));
    return {
      regionCode: region.code,
      name: region.name,
      level: region.level,
      from,
      to,
      totals: toFiguresDto(totals),
      complaintsYearOnYear: toYearOnYearDto(to, thisYear.complaints_filed, lastYear.complaints_filed),
      series: months.map((month) => ({ month, ...toFiguresDto(byMonth.get(month) ?? ZERO) })),
    };
  }

  async forChildren(code: string, from: string, to: string): Promise<ChildrenStatisticsDto> {
    this.range(from, to);
    const region = await this.findRegion(code);
    const rows = region.level === 5 ? [] : await this.stats.children(code, region.level, `${from}-01`, `${to}-01`);
    return {
      regionCode: region.code,
      name: region.name,
      level: region.level,
      from,
      to,
      items: rows.map((r) => ({ regionCode: r.code, name: r.name, level: r.level, totals: toFiguresDto(r) })),
    };
  }

  private async findRegion(code: string) {
    const region = await this.stats.region(code);
    if (!region) throw statisticsError(StatisticsErrorCode.RegionNotFound, `No region ${code}.`);
    return region;
  }

  /** The months `from`..`to` (`YYYY-MM`); refused when reversed or longer than MAX_MONTHS. */
  private range(from: string, to: string): string[] {
    const n = monthIndex(to) - monthIndex(from) + 1;
    if (n < 1 || n > MAX_MONTHS)
      throw statisticsError(
        StatisticsErrorCode.BadRange,
        `from ${from} to ${to} is ${n < 1 ? 'reversed' : `${n} months`}; at most ${MAX_MONTHS} months.`,
      );
    return Array.from({ length: n }, (_, i) => shiftMonth(`${from}-01`, i));
  }
}
