import { Body, Controller, Delete, Get, HttpCode, Injectable, Param, PipeTransform, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, Permission } from '@sunshine/access';
import { ApiProblems } from '@sunshine/core';
import { ParseRegionCodePipe } from '@sunshine/regions';

import { calendarError, CalendarErrorCode } from './calendar.errors';
import { CalendarService } from './calendar.service';
import { ComplianceService } from './compliance.service';
import {
  CalendarEntryDto,
  CalendarOverrideInputDto,
  ComplianceCalendarDto,
  ComplianceGridQueryDto,
  CompliancePageDto,
  ComplianceRangeQueryDto,
  ComplianceSummaryDto,
} from './dto/calendar.dto';
import { CATEGORIES, Category } from './obligations.sql';

const REGION = { param: 'code' };

/** Route parameter naming a disclosure category; anything else is a 400 problem. */
@Injectable()
export class ParseCategoryPipe implements PipeTransform<unknown, Category> {
  transform(value: unknown): Category {
    if (typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value)) return value as Category;
    throw calendarError(CalendarErrorCode.InvalidCategory, `The category is one of ${CATEGORIES.join(', ')}.`);
  }
}

const CATEGORY_PARAM = ApiParam({ name: 'category', enum: CATEGORIES });

@ApiTags('compliance')
@Controller('regions/:code')
export class ComplianceController {
  constructor(
    private readonly calendar: CalendarService,
    private readonly compliance: ComplianceService,
  ) {}

  @Get('compliance-calendar')
  @Allow(Permission.ComplianceRead, REGION, { hide: true })
  @ApiOperation({
    summary:
      'The compliance calendar in force at the region, one entry per category: the region’s own or its nearest ancestor’s override, else the default',
  })
  @ApiOkResponse({ type: ComplianceCalendarDto })
  @ApiProblems(400)
  get(@Param('code', ParseRegionCodePipe) code: string): Promise<ComplianceCalendarDto> {
    return this.calendar.effective(code);
  }

  @Put('compliance-calendar/:category')
  @Allow(Permission.CalendarManage, REGION)
  @CATEGORY_PARAM
  @ApiOperation({
    summary:
      'An admin sets the calendar of a category for the region’s subtree (a nearer override below still wins); replies the entry in force at the region',
  })
  @ApiOkResponse({ type: CalendarEntryDto })
  @ApiProblems(400, 415)
  put(
    @Param('code', ParseRegionCodePipe) code: string,
    @Param('category', ParseCategoryPipe) category: Category,
    @Body() body: CalendarOverrideInputDto,
    @CurrentActor() actor: Actor,
  ): Promise<CalendarEntryDto> {
    return this.calendar.put(code, category, body, actor);
  }

  @Delete('compliance-calendar/:category')
  @HttpCode(204)
  @Allow(Permission.CalendarManage, REGION)
  @CATEGORY_PARAM
  @ApiOperation({
    summary:
      'An admin removes the region’s own override of a category (404 if it has none): the ancestors’ or the default applies again',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400)
  remove(
    @Param('code', ParseRegionCodePipe) code: string,
    @Param('category', ParseCategoryPipe) category: Category,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.calendar.remove(code, category, actor);
  }

  @Get('compliance')
  @Allow(Permission.ComplianceRead, REGION, { hide: true })
  @ApiOperation({
    summary:
      'The compliance grid: one item per village of the subtree (by code), with each obligation whose period starts in the months from..to (≤ 24) and its status at the server’s clock',
  })
  @ApiOkResponse({ type: CompliancePageDto })
  @ApiProblems(400)
  grid(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() query: ComplianceGridQueryDto,
  ): Promise<CompliancePageDto> {
    return this.compliance.grid(code, query, query.cursor, query.limit);
  }

  @Get('compliance/summary')
  @Allow(Permission.ComplianceRead, REGION, { hide: true })
  @ApiOperation({
    summary:
      'The rollup of the subtree’s obligations in the months from..to (≤ 24): the region’s totals and on-time rate, per category, and per child region',
  })
  @ApiOkResponse({ type: ComplianceSummaryDto })
  @ApiProblems(400)
  summary(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() query: ComplianceRangeQueryDto,
  ): Promise<ComplianceSummaryDto> {
    return this.compliance.summary(code, query);
  }
}
