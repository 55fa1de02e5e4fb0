import { defineErrors } from '@sunshine/core';

export enum RuleErrorCode {
  RuleNotFound = 'RULE_NOT_FOUND',
  FindingNotFound = 'FINDING_NOT_FOUND',
  AlreadyReviewed = 'FINDING_ALREADY_REVIEWED',
  InvalidParams = 'RULE_PARAMS_INVALID',
}

export const ruleError = defineErrors<RuleErrorCode>({
  [RuleErrorCode.RuleNotFound]: { status: 404, title: 'No potential-issue rule with that id' },
  [RuleErrorCode.FindingNotFound]: { status: 404, title: 'Rule finding not found' },
  [RuleErrorCode.AlreadyReviewed]: { status: 409, title: 'The finding was already confirmed or dismissed' },
  [RuleErrorCode.InvalidParams]: { status: 400, title: 'The thresholds do not fit the rule' },
});
