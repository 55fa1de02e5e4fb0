import { Injectable } from '@nestjs/common';
import { Actor, AuditService, Principal, RegionRange } from '@sunshine/access';
import { Clock, Db, Keyset, Page } from '@sunshine/core';

import { FindingDto, FindingQueryDto, RegionRuleDto, RuleScanDto } from './dto/rule.dto';
import { toFindingDto, toRegionRuleDto } from './finding.mapper';
import { RuleParams } from './rule.types';
import { effectiveParams, validateRuleParams } from './rule-params';
import { RuleScanner } from './rule-scanner';
import { ruleById, RULES } from './rules.catalog';
import { ruleError, RuleErrorCode } from './rules.errors';
import { FindingRow, RulesRepository } from './rules.repository';

const FOUND = new Keyset<[string, string]>(['timestamp', 'uuid']);

/**
 * Thresholds per subtree, the findings of the rules and their review by a human: confirm (the
 * issue stays) or dismiss with a reason (the issue is closed as dismissed). Every change is audited
 * in its transaction.
 */
@Injectable()
export class RulesService {
  constructor(
    private readonly rules: RulesRepository,
    private readonly scanner: RuleScanner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly db: Db,
  ) {}

  /** Each rule's thresholds in force at `code`, and where they are set (null: the defaults). */
  async regionRules(code: string): Promise<RegionRuleDto[]> {
    const nearest = new Map((await this.rules.nearestThresholds(code)).map((t) => [t.rule_id, t]));
    return RULES.map((rule) => {
      const t = nearest.get(rule.id);
      return toRegionRuleDto(rule, effectiveParams(rule, t?.params ?? null), t?.region_code ?? null);
    });
  }

  async putThresholds(code: string, ruleId: string, input: unknown, actor: Actor): Promise<RegionRuleDto> {
    const rule = ruleById(ruleId);
    if (!rule) throw ruleError(RuleErrorCode.RuleNotFound);
    const problems = validateRuleParams(rule, input);
    if (problems.length) throw ruleError(RuleErrorCode.InvalidParams, undefined, problems);
    const params = input as RuleParams;
    await this.db.transaction(async (m) => {
      await this.rules.putThreshold(rule.id, code, params, actor.userId, m);
      await this.audit.record(
        actor,
        {
          action: 'rule.configure',
          result: 'success',
          targetType: 'rule',
          targetId: rule.id,
          regionCode: code,
          detail: { params },
        },
        m,
      );
    });
    return toRegionRuleDto(rule, effectiveParams(rule, params), code);
  }

  async list(within: RegionRange, query: FindingQueryDto): Promise<Page<FindingDto>> {
    const rows = await this.rules.list({
      within,
      ruleId: query.rule,
      review: query.review,
      holds: query.holds,
      after: FOUND.decode(query.cursor),
      limit: query.limit + 1,
    });
    return FOUND.page(
      rows,
      query.limit,
      (r) => [r.found_key, r.id],
      (r) => toFindingDto(r, ruleById(r.rule_id)),
    );
  }

  /** The guard has resolved the finding's village inside the caller's scope. */
  async get(id: string): Promise<FindingDto> {
    const row = await this.rules.find(id);
    if (!row) throw ruleError(RuleErrorCode.FindingNotFound);
    return toFindingDto(row, ruleById(row.rule_id));
  }

  confirm(id: string, principal: Principal, actor: Actor): Promise<FindingDto> {
    return this.decide(id, 'confirmed', null, principal, actor);
  }

  dismiss(id: string, reason: string, principal: Principal, actor: Actor): Promise<FindingDto> {
    return this.decide(id, 'dismissed', reason, principal, actor);
  }

  async scan(code: string, actor: Actor): Promise<RuleScanDto> {
    const results = await this.scanner.scan(code);
    await this.audit.record(actor, {
      action: 'rule.scan',
      result: 'success',
      targetType: 'region',
      targetId: code,
      regionCode: code,
      detail: { new: results.reduce((n, r) => n + r.new, 0) },
    });
    return { regionCode: code, rules: results };
  }

  private async decide(
    id: string,
    review: 'confirmed' | 'dismissed',
    reason: string | null,
    principal: Principal,
    actor: Actor,
  ): Promise<FindingDto> {
    await this.db.transaction(async (m) => {
      const f = await this.rules.find(id, m, true);
      if (!f) throw ruleError(RuleErrorCode.FindingNotFound);
      if (f.review !== 'pending')
        throw ruleError(RuleErrorCode.AlreadyReviewed, `The finding was already ${f.review}.`);
      const now = this.clock.now();
      await this.rules.review(id, review, reason, principal.userId, now, m);
      if (f.issue_id) await this.issueFollows(f, review, reason, principal.userId, now, m);
      await this.audit.record(
        actor,
        {
          action: review === 'confirmed' ? 'finding.confirm' : 'finding.dismiss',
          result: 'success',
          targetType: 'finding',
          targetId: id,
          regionCode: f.region_code,
          detail: { ruleId: f.rule_id, ...(reason ? { reason } : {}), issueId: f.issue_id },
        },
        m,
      );
    });
    return this.get(id);
  }

  /**
   * Confirmed: the issue stays as it is, with a timeline entry. Dismissed: an issue not yet resolved
   * becomes 'dismissed'; a resolved or verified one keeps its state and records the dismissal.
   */
  private issueFollows(
    f: FindingRow,
    review: 'confirmed' | 'dismissed',
    reason: string | null,
    userId: string,
    now: Date,
    m: Parameters<RulesRepository['review']>[5],
  ): Promise<void> {
    const issueId = f.issue_id as string;
    if (review === 'confirmed')
      return this.rules.issueStep(issueId, 'finding_confirmed', null, 'The finding was confirmed.', userId, now, m);
    const closes = f.issue_status === 'open' || f.issue_status === 'in_progress';
    return this.rules.issueStep(issueId, 'dismissed', closes ? 'dismissed' : null, reason, userId, now, m);
  }
}
