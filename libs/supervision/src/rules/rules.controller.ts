import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, Authenticated, CurrentActor, CurrentPrincipal, Permission, Principal } from '@sunshine/access';
import { ApiProblems } from '@sunshine/core';

import { DismissFindingDto, FindingDto, RuleCatalogDto } from './dto/rule.dto';
import { toRuleDto } from './finding.mapper';
import { RULES } from './rules.catalog';
import { RulesService } from './rules.service';

/** A finding is where its village is. */
const FINDING = { resolve: 'finding', param: 'id' };
const ID = new ParseUUIDPipe();

@ApiTags('supervision: rules')
@Controller('supervision')
export class RulesController {
  constructor(private readonly rules: RulesService) {}

  @Get('rules')
  @Authenticated()
  @ApiOperation({ summary: 'The potential-issue rules: id, title, description, severity, default thresholds' })
  @ApiOkResponse({ type: RuleCatalogDto })
  catalog(): RuleCatalogDto {
    return { items: RULES.map(toRuleDto) };
  }

  @Get('findings/:id')
  @Allow(Permission.FindingReview, FINDING, { hide: true })
  @ApiOperation({ summary: 'A rule finding with its explanation, evidence, review and issue' })
  @ApiOkResponse({ type: FindingDto })
  @ApiProblems(400)
  get(@Param('id', ID) id: string): Promise<FindingDto> {
    return this.rules.get(id);
  }

  @Post('findings/:id/confirm')
  @HttpCode(200)
  @Allow(Permission.FindingReview, FINDING, { hide: true })
  @ApiOperation({ summary: 'A human confirms the finding: its issue stays open to be handled' })
  @ApiOkResponse({ type: FindingDto })
  @ApiProblems(400, 409)
  confirm(
    @Param('id', ID) id: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<FindingDto> {
    return this.rules.confirm(id, principal, actor);
  }

  @Post('findings/:id/dismiss')
  @HttpCode(200)
  @Allow(Permission.FindingReview, FINDING, { hide: true })
  @ApiOperation({ summary: 'A human dismisses the finding with a reason: its issue becomes dismissed' })
  @ApiOkResponse({ type: FindingDto })
  @ApiProblems(400, 409, 415)
  dismiss(
    @Param('id', ID) id: string,
    @Body() body: DismissFindingDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<FindingDto> {
    return this.rules.dismiss(id, body.reason, principal, actor);
  }
}
