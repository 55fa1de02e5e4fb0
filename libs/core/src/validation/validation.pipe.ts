import { ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { ValidatorOptions } from 'class-validator';

import { coreError, CoreErrorCode } from '../errors/core.errors';
import { FieldError } from '../errors/problem';
import { FastAccept } from './fast-accept';

/**
 * The constraints that say what a field is, checked before those that say how big or which
 * format it is: `limit=abc` is "must be an integer", not also "must not be greater than 100".
 */
const BASIC_CONSTRAINTS = ['whitelistValidation', 'isDefined', 'isNotEmpty', 'nestedValidation'];

function rank(constraint: string): number {
  if (BASIC_CONSTRAINTS.includes(constraint)) return 0;
  if (/^is(Int|Number|String|Boolean|Array|Object|Enum|In|Date|DateString|ISO8601|UUID|NumberString)$/.test(constraint))
    return 1;
  return 2;
}

/** The most basic failed constraint's message: one message per field. */
function firstMessage(constraints: Record<string, string>): string {
  const [first] = Object.keys(constraints).sort((a, b) => rank(a) - rank(b)); // stable: ties keep their order
  return constraints[first];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own =
      e.constraints && Object.keys(e.constraints).length > 0
        ? [{ field, messages: [firstMessage(e.constraints)] }]
        : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Nest's pipe, which asks FastAccept first and class-validator only for what that does not accept. */
class FastAcceptValidationPipe extends ValidationPipe {
  private readonly fast = new FastAccept();

  protected override validate(
    object: object,
    options: ValidatorOptions = {},
  ): Promise<ValidationError[]> | ValidationError[] {
    return this.fast.accepts(object, options) ? [] : super.validate(object, options);
  }
}

/**
 * Rejects unknown fields and converts nothing implicitly: a DTO declares each conversion it accepts
 * (e.g. `@ToInt()` on a query parameter).
 */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: (errors) =>
    coreError(CoreErrorCode.ValidationFailed, 'One or more fields are not valid.', flatten(errors)),
};

/** The application's validation pipe: VALIDATION_OPTIONS, valid objects recognised by FastAccept. */
export function createValidationPipe(): ValidationPipe {
  return new FastAcceptValidationPipe(VALIDATION_OPTIONS);
}
