import { Injectable } from '@nestjs/common';
import { Actor, AuditService } from '@sunshine/access';
import { Clock, Db } from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';

import { calendarError, CalendarErrorCode } from './calendar.errors';
import { toCalendarEntryDto } from './calendar.mapper';
import { CalendarRepository } from './calendar.repository';
import { CalendarEntryDto, CalendarOverrideInputDto, ComplianceCalendarDto } from './dto/calendar.dto';
import { Category } from './obligations.sql';

/** The compliance calendar per subtree: the nearest ancestor's override of a category applies, else the default. */
@Injectable()
export class CalendarService {
  constructor(
    private readonly calendar: CalendarRepository,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  /** The calendar in force at a region (404 for an unknown region). */
  async effective(code: string): Promise<ComplianceCalendarDto> {
    await this.regions.subtreeOf(code);
    const rows = await this.calendar.effectiveAt(code);
    return { regionCode: code, entries: rows.map(toCalendarEntryDto) };
  }

  /** Sets the region's override of a category for its whole subtree (nearer overrides below still win). */
  async put(
    code: string,
    category: Category,
    input: CalendarOverrideInputDto,
    actor: Actor,
  ): Promise<CalendarEntryDto> {
    await this.regions.subtreeOf(code);
    return this.db.transaction(async (m) => {
      await this.calendar.putOverride(
        code,
        category,
        input.frequency,
        input.dueDay,
        actor.userId as string,
        this.clock.now(),
        m,
      );
      await this.audit.record(
        actor,
        {
          action: 'compliance_calendar.set',
          result: 'success',
          targetType: 'region',
          targetId: code,
          regionCode: code,
          detail: { category, frequency: input.frequency, dueDay: input.dueDay },
        },
        m,
      );
      const rows = await this.calendar.effectiveAt(code, m);
      return toCalendarEntryDto(rows.find((r) => r.category === category) as (typeof rows)[number]);
    });
  }

  /** Removes the region's override of a category: the ancestors' or the default applies again. */
  async remove(code: string, category: Category, actor: Actor): Promise<void> {
    await this.regions.subtreeOf(code);
    await this.db.transaction(async (m) => {
      const removed = await this.calendar.deleteOverride(code, category, m);
      if (!removed) throw calendarError(CalendarErrorCode.OverrideNotFound, `${code} has no override for ${category}.`);
      await this.audit.record(
        actor,
        {
          action: 'compliance_calendar.removed',
          result: 'success',
          targetType: 'region',
          targetId: code,
          regionCode: code,
          detail: { category, frequency: removed.frequency, dueDay: removed.due_day },
        },
        m,
      );
    });
  }
}
