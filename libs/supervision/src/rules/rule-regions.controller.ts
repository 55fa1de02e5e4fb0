import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Actor, Allow, CurrentActor, Permission } from '@sunshine/access';
import { ApiProblems } from '@sunshine/core';
import { ParseRegionCodePipe, RegionsService } from '@sunshine/regions';

import {
  FindingPageDto,
  FindingQueryDto,
  RegionRuleDto,
  RegionRulesDto,
  RuleParamsInputDto,
  RuleScanDto,
} from './dto/rule.dto';
import { RULE_IDS } from './rules.catalog';
import { RulesService } from './rules.service';

const REGION = { param: 'code' };

@ApiTags('supervision: rules')
@Controller('regions/:code')
export class RuleRegionsController {
  constructor(
    private readonly rules: RulesService,
    private readonly regions: RegionsService,
  ) {}

  @Get('rules')
  @Allow(Permission.RuleConfigure, REGION, { hide: true })
  @ApiOperation({ summary: 'Each rule’s thresholds in force in the region’s subtree, and where they are set' })
  @ApiOkResponse({ type: RegionRulesDto })
  @ApiProblems(400)
  async list(@Param('code', ParseRegionCodePipe) code: string): Promise<RegionRulesDto> {
    return { items: await this.rules.regionRules(code) };
  }

  @Put('rules/:ruleId')
  @Allow(Permission.RuleConfigure, REGION)
  @ApiParam({ name: 'ruleId', enum: RULE_IDS })
  @ApiOperation({
    summary:
      'Sets a rule’s thresholds for the region’s subtree (the nearest ancestor’s apply below; validated per rule)',
  })
  @ApiOkResponse({ type: RegionRuleDto })
  @ApiProblems(400, 415)
  put(
    @Param('code', ParseRegionCodePipe) code: string,
    @Param('ruleId') ruleId: string,
    @Body() body: RuleParamsInputDto,
    @CurrentActor() actor: Actor,
  ): Promise<RegionRuleDto> {
    return this.rules.putThresholds(code, ruleId, body.params, actor);
  }

  @Get('findings')
  @Allow(Permission.FindingReview, REGION, { hide: true })
  @ApiOperation({ summary: 'Rule findings about villages of the region, newest first' })
  @ApiOkResponse({ type: FindingPageDto })
  @ApiProblems(400)
  async findings(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() query: FindingQueryDto,
  ): Promise<FindingPageDto> {
    return this.rules.list(await this.regions.subtreeOf(code), query);
  }

  @Post('findings/scan')
  @HttpCode(200)
  @Allow(Permission.IssueAssign, REGION)
  @ApiOperation({
    summary:
      'Runs every rule over the region’s subtree now: per rule, findings new, still holding and no longer holding',
  })
  @ApiOkResponse({ type: RuleScanDto })
  @ApiProblems(400)
  scan(@Param('code', ParseRegionCodePipe) code: string, @CurrentActor() actor: Actor): Promise<RuleScanDto> {
    return this.rules.scan(code, actor);
  }
}
