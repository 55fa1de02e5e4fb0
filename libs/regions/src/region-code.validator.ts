import { Injectable, PipeTransform } from '@nestjs/common';
import { Matches } from 'class-validator';

import { REGION_CODE_PATTERN } from './region-levels';
import { regionError, RegionErrorCode } from './regions.errors';

/** DTO field holding a 12-digit region code. */
export function IsRegionCode(): PropertyDecorator {
  return Matches(REGION_CODE_PATTERN, { message: '$property must be a 12-digit region code' });
}

/** Route parameter holding a 12-digit region code; anything else is a 400 problem. */
@Injectable()
export class ParseRegionCodePipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value === 'string' && REGION_CODE_PATTERN.test(value)) return value;
    throw regionError(RegionErrorCode.InvalidCode, 'A region code is 12 digits, e.g. 210102000000.');
  }
}
