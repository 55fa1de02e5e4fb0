import { FindingDto, RegionRuleDto, RuleDto } from './dto/rule.dto';
import { RuleDefinition, RuleParams } from './rule.types';
import { FindingRow } from './rules.repository';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toRuleDto(rule: RuleDefinition): RuleDto {
  return {
    id: rule.id,
    title: rule.title,
    description: rule.description,
    severity: rule.severity,
    defaults: { ...rule.defaults },
    params: Object.fromEntries(Object.entries(rule.params).map(([name, spec]) => [name, { ...spec }])),
  };
}

export function toRegionRuleDto(rule: RuleDefinition, params: RuleParams, origin: string | null): RegionRuleDto {
  return { ruleId: rule.id, title: rule.title, params: { ...params }, originRegionCode: origin };
}

export function toFindingDto(row: FindingRow, rule: RuleDefinition | undefined): FindingDto {
  return {
    id: row.id,
    ruleId: row.rule_id,
    ruleTitle: rule?.title ?? row.rule_id,
    severity: rule?.severity ?? 'medium',
    regionCode: row.region_code,
    townshipCode: row.township_code,
    explanation: row.explanation,
    evidence: row.evidence,
    foundAt: row.found_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    holds: row.holds,
    noLongerHoldsAt: iso(row.no_longer_holds_at),
    review: row.review,
    reviewedAt: iso(row.reviewed_at),
    dismissReason: row.dismiss_reason,
    issueId: row.issue_id,
    issueStatus: row.issue_status,
  };
}
