import { Injectable } from '@nestjs/common';
import { ReferenceCache, ReferenceData } from '@sunshine/core';

import { ChartAccountRow, ContentRepository } from './content.repository';

/** The name changes to the chart of accounts are announced under (see migrations/1764861000000-reference-data-changes.ts). */
export const ACCOUNT_CHART_REFERENCE = 'account_chart';

/** The charts of accounts from memory: read once, read again after any change to `account_chart` (in any process). */
@Injectable()
export class AccountChart {
  private readonly cache: ReferenceCache<ChartAccountRow[]>;

  constructor(reference: ReferenceData, content: ContentRepository) {
    this.cache = reference.register(ACCOUNT_CHART_REFERENCE, {
      load: async () => ({ value: await content.charts() }),
    });
  }

  /** The accounts in force on `date` (YYYY-MM-DD), by code. */
  async on(date: string): Promise<{ system: string; code: string; direction: 'income' | 'expense' }[]> {
    return (await this.cache.get())
      .filter((a) => a.effective_from <= date && (a.effective_to === null || a.effective_to > date))
      .map(({ system, code, direction }) => ({ system, code, direction }));
  }
}
