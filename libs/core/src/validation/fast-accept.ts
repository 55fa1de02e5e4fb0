import { getMetadataStorage, ValidationArguments, ValidationTypes, ValidatorOptions } from 'class-validator';

/** What a property's validation metadata holds (class-validator's ValidationMetadata, the fields used here). */
interface Rule {
  type: string;
  propertyName: string;
  constraintCls: object;
  constraints: unknown[];
  each: boolean;
  validateIf?: (object: object, value: unknown) => boolean;
}

/** A constraint class's registration (class-validator's ConstraintMetadata, the fields used here). */
interface Constraint {
  instance: { validate(value: unknown, args: ValidationArguments): unknown };
}

/** A rule and the constraints that check it. */
interface Check {
  rule: Rule;
  constraints: Constraint[];
}

/** A property's rules, split as class-validator's executor splits them. */
interface PropertyPlan {
  name: string;
  conditions: ((object: object, value: unknown) => unknown)[];
  defined: Check[];
  custom: Check[];
}

/** A class's plan, or null when its rules hold anything the plan does not follow (it is then never fast). */
type Plan = { properties: PropertyPlan[]; names: Set<string> } | null;

const SUPPORTED = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.WHITELIST,
]);

/**
 * A quick way to class-validator's verdict on a valid object, for the validation pipe: `accepts`
 * says true only when every rule class-validator would check on `object` passes synchronously,
 * by the same constraint instances with the same arguments and in the executor's order of
 * conditions (`@IsOptional`, `@ValidateIf`), `@IsDefined` and the other rules. Anything else —
 * a failed rule, an asynchronous one, a property the whitelist does not know, nested or promise
 * validation, groups or skipping options — answers false, and the pipe then runs class-validator
 * itself, whose errors (and only those) reach the caller. So an object is never accepted that
 * class-validator refuses, and problem replies are exactly class-validator's.
 *
 * class-validator finds a class's rules on each call by walking every validated class of the
 * application (`getTargetValidationMetadatas`) and runs them through generic machinery (an error
 * object per property, promises): 38 µs of a public list's 520 µs of CPU in the API's process
 * (README, "Validation"). A plan is made once per class, at its first validation; a class's rules
 * are complete once it is defined (its decorators, and its parents', have run by then).
 */
export class FastAccept {
  private readonly plans = new Map<object, Plan>();

  accepts(object: object, options: ValidatorOptions): boolean {
    if (!plainOptions(options)) return false;
    const target: unknown = object.constructor;
    if (typeof target !== 'function') return false;
    let plan = this.plans.get(target);
    if (plan === undefined) this.plans.set(target, (plan = planOf(target)));
    if (plan === null) return false;
    if (options.whitelist && !Object.keys(object).every((key) => plan.names.has(key))) return false;
    const values = object as Record<string, unknown>;
    for (const property of plan.properties) {
      const value = values[property.name];
      if (!property.conditions.every((condition) => condition(object, value))) continue;
      if (!passes(object, value, property.defined) || !passes(object, value, property.custom)) return false;
    }
    return true;
  }
}

/**
 * Options that only shape errors, whitelist handling (checked in `accepts`) and forbidUnknownValues
 * (which matters for a class without rules, which has no plan): a plan follows those.
 */
function plainOptions(o: ValidatorOptions): boolean {
  return !(
    o.groups?.length ||
    o.always ||
    o.strictGroups ||
    o.skipMissingProperties ||
    o.skipNullProperties ||
    o.skipUndefinedProperties
  );
}

function planOf(target: object): Plan {
  const storage = getMetadataStorage();
  const rules = storage.getTargetValidationMetadatas(target as new () => object, '', false, false) as Rule[];
  // No rules: what class-validator answers then depends on forbidUnknownValues; it decides.
  if (rules.length === 0 || rules.some((r) => !SUPPORTED.has(r.type))) return null;
  const checks = (own: Rule[], type: string): Check[] =>
    own
      .filter((rule) => rule.type === type)
      .map((rule) => ({
        rule,
        constraints: storage.getTargetValidatorConstraints(rule.constraintCls as () => void) as Constraint[],
      }));
  const byName = new Map<string, Rule[]>();
  for (const r of rules) byName.set(r.propertyName, [...(byName.get(r.propertyName) ?? []), r]);
  const properties = [...byName].map(([name, own]) => ({
    name,
    conditions: own
      .filter((r) => r.type === ValidationTypes.CONDITIONAL_VALIDATION)
      .map((r) => r.constraints[0] as (object: object, value: unknown) => unknown),
    defined: checks(own, ValidationTypes.IS_DEFINED),
    custom: checks(own, ValidationTypes.CUSTOM_VALIDATION),
  }));
  // The whitelist allows a property with any rule (class-validator's `whitelist`).
  return { properties, names: new Set(byName.keys()) };
}

/** Whether every rule passes synchronously on `value`, as class-validator's customValidations runs them. */
function passes(object: object, value: unknown, checks: Check[]): boolean {
  for (const { rule, constraints } of checks) {
    if (rule.validateIf && !rule.validateIf(object, value)) continue;
    const args: ValidationArguments = {
      targetName: object.constructor.name,
      property: rule.propertyName,
      object,
      value,
      constraints: rule.constraints,
    };
    const each = rule.each && (Array.isArray(value) || value instanceof Set || value instanceof Map);
    const items = each ? (value instanceof Map ? [...value.values()] : [...(value as Iterable<unknown>)]) : [value];
    for (const c of constraints) {
      for (const item of items) {
        const verdict = c.instance.validate(item, args);
        if (!verdict || isPromiseLike(verdict)) return false;
      }
    }
  }
  return true;
}

function isPromiseLike(value: unknown): boolean {
  return typeof (value as { then?: unknown }).then === 'function';
}
