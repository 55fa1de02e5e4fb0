import { cashPayment } from './definitions/cash-payment.rule';
import { disclosureOverdue } from './definitions/disclosure-overdue.rule';
import { entertainment } from './definitions/entertainment.rule';
import { frequentCorrections } from './definitions/frequent-corrections.rule';
import { linesOutsidePeriod } from './definitions/lines-outside-period.rule';
import { missingVoucher } from './definitions/missing-voucher.rule';
import { splitPayments } from './definitions/split-payments.rule';
import { subsidyDuplicate } from './definitions/subsidy-duplicate.rule';
import { subsidyOfficial } from './definitions/subsidy-official.rule';
import { RuleDefinition } from './rule.types';

/** Every potential-issue rule, in the order they run and are listed. */
export const RULES: readonly RuleDefinition[] = [
  disclosureOverdue,
  cashPayment,
  splitPayments,
  entertainment,
  subsidyDuplicate,
  subsidyOfficial,
  missingVoucher,
  linesOutsidePeriod,
  frequentCorrections,
];

export const RULE_IDS = RULES.map((r) => r.id);

export function ruleById(id: string): RuleDefinition | undefined {
  return RULES.find((r) => r.id === id);
}
