import { ValidationError, ValidationPipe } from '@nestjs/common';

import { coreError, CoreErrorCode } from '../errors/core.errors';
import { FieldError } from '../errors/problem';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Rejects unknown fields and converts nothing implicitly: a DTO declares each conversion it accepts
 * (e.g. `@ToInt()` on a query parameter).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) =>
      coreError(CoreErrorCode.ValidationFailed, 'One or more fields are not valid.', flatten(errors)),
  });
}
