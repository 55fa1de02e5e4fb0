import { cashPayment } from './definitions/cash-payment.rule';
import { subsidyDuplicate } from './definitions/subsidy-duplicate.rule';
import { subsidyOfficial } from './definitions/subsidy-official.rule';
import { effectiveParams, validateRuleParams } from './rule-params';
import { RULES } from './rules.catalog';

describe(validateRuleParams.name, () => {
  it('accepts every rule’s own defaults', () => {
    for (const rule of RULES) expect(validateRuleParams(rule, rule.defaults)).toEqual([]);
  });

  it('refuses unknown names, wrong kinds and values out of bounds, naming the field', () => {
    expect(validateRuleParams(cashPayment, { limit: 1000 })).toEqual([
      { field: 'params.limit', messages: [expect.stringContaining('decimal string')] },
    ]);
    expect(validateRuleParams(cashPayment, { limit: '99999999.00' })[0]?.field).toBe('params.limit');
    expect(validateRuleParams(cashPayment, { other: '1.00' })[0]?.field).toBe('params.other');
    expect(validateRuleParams(cashPayment, [])).toHaveLength(1);
    expect(validateRuleParams(subsidyDuplicate, { incompatible: [['低保']] })).toHaveLength(1);
    expect(validateRuleParams(subsidyOfficial, { roles: ['admin'] })).toHaveLength(1);
    expect(validateRuleParams(subsidyOfficial, { roles: ['village_clerk', 'village_clerk'] })).toHaveLength(1);
  });

  it('lays given thresholds over the defaults', () => {
    expect(effectiveParams(cashPayment, { limit: '500.00' })).toEqual({ limit: '500.00' });
    expect(effectiveParams(cashPayment, null)).toEqual({ limit: '1000.00' });
  });

  it('gives every rule a unique kebab-case id of at most 40 characters', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
});
