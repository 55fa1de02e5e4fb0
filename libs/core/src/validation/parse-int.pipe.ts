import { Injectable, PipeTransform } from '@nestjs/common';

import { coreError, CoreErrorCode } from '../errors/core.errors';

/** A route parameter that is a positive 32-bit integer (line numbers, revision numbers); anything else is a 400. */
@Injectable()
export class ParsePositiveIntPipe implements PipeTransform<unknown, number> {
  transform(value: unknown, metadata: { data?: string }): number {
    // The global validation pipe may already have turned a typed number parameter into a number.
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value)
          ? Number(value)
          : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 2_147_483_647) {
      const field = metadata.data ?? 'parameter';
      throw coreError(CoreErrorCode.ValidationFailed, 'One or more fields are not valid.', [
        { field, messages: [`${field} must be a whole number from 1 to 2147483647`] },
      ]);
    }
    return n;
  }
}
