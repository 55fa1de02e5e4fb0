import { Injectable } from '@nestjs/common';
import { Clock, Keyset, Page } from '@sunshine/core';
import { REGION_CODE_PATTERN, RegionsService } from '@sunshine/regions';

import { toComplianceSummaryDto, toVillageComplianceDtos } from './calendar.mapper';
import { CalendarRepository } from './calendar.repository';
import { checkRange } from './compliance-range';
import { ComplianceSummaryDto, VillageComplianceDto } from './dto/calendar.dto';

/** The grid pages by village code. */
const VILLAGES = new Keyset<[string]>([REGION_CODE_PATTERN]);

/**
 * The villages' compliance with the calendar, judged at the Clock's now: the grid (village ×
 * category × period) and the rollup as on-time rates. Other contexts (statistics) may call `summary`.
 */
@Injectable()
export class ComplianceService {
  constructor(
    private readonly calendar: CalendarRepository,
    private readonly regions: RegionsService,
    private readonly clock: Clock,
  ) {}

  /** One page of the subtree's villages with their obligations in the months `from`..`to`. */
  async grid(
    code: string,
    range: { from: string; to: string },
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<VillageComplianceDto>> {
    checkRange(range.from, range.to);
    const after = VILLAGES.decode(cursor);
    await this.regions.subtreeOf(code);
    const rows = await this.calendar.grid(code, range.from, range.to, this.clock.now(), after?.[0], limit + 1);
    return VILLAGES.page(
      toVillageComplianceDtos(rows),
      limit,
      (v) => [v.villageCode],
      (v) => v,
    );
  }

  /**
   * The region's totals, per category, and per child region, of its villages' obligations in the
   * months `from`..`to` (404 for an unknown region, 400 for a bad range).
   */
  async summary(code: string, range: { from: string; to: string }): Promise<ComplianceSummaryDto> {
    checkRange(range.from, range.to);
    await this.regions.subtreeOf(code);
    const asOf = this.clock.now();
    const rows = await this.calendar.summary(code, range.from, range.to, asOf);
    return toComplianceSummaryDto(rows, { ...range, asOf });
  }
}
