import { FieldError } from '@sunshine/core';

import { ParamSpec, RuleDefinition, RuleParams } from './rule.types';

const MONEY = /^(0|[1-9]\d{0,9})\.\d{2}$/;

/**
 * Checks thresholds given for a rule: only its own names, each of its kind and within bounds. A
 * subset is allowed (the rest comes from the defaults or an ancestor). Answers the problems, one per
 * field, empty when valid.
 */
export function validateRuleParams(rule: RuleDefinition, input: unknown): FieldError[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return [{ field: 'params', messages: ['must be an object'] }];
  const problems: FieldError[] = [];
  for (const [name, value] of Object.entries(input)) {
    const spec = rule.params[name];
    if (!spec) {
      problems.push({ field: `params.${name}`, messages: [`is not a threshold of ${rule.id}`] });
      continue;
    }
    const message = checkValue(spec, value);
    if (message) problems.push({ field: `params.${name}`, messages: [message] });
  }
  return problems;
}

function checkValue(spec: ParamSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'money':
      if (typeof value !== 'string' || !MONEY.test(value))
        return 'must be a decimal string with two decimals, e.g. "1000.00"';
      return Number(value) > spec.max ? `must be at most ${spec.max}` : null;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be an integer';
      return value < spec.min || value > spec.max ? `must be between ${spec.min} and ${spec.max}` : null;
    case 'pairs':
      if (
        !Array.isArray(value) ||
        value.length > spec.maxItems ||
        !value.every(
          (pair) =>
            Array.isArray(pair) &&
            pair.length === 2 &&
            pair.every((t) => typeof t === 'string' && t.length >= 1 && t.length <= 30),
        )
      )
        return `must be at most ${spec.maxItems} pairs of subsidy types (1–30 characters each)`;
      return null;
    case 'words':
      if (
        !Array.isArray(value) ||
        value.length < 1 ||
        !value.every((w) => typeof w === 'string' && spec.allowed.includes(w))
      )
        return `must be a non-empty list of ${spec.allowed.join(', ')}`;
      return new Set(value).size === value.length ? null : 'must not repeat an item';
    default: {
      const never: never = spec;
      return never;
    }
  }
}

/** The thresholds in force: the defaults under the given ones. */
export function effectiveParams(rule: RuleDefinition, given: RuleParams | null): RuleParams {
  return { ...rule.defaults, ...(given ?? {}) };
}
