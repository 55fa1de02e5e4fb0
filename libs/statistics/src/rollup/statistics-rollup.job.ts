import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock, Db, JobRunner } from '@sunshine/core';

import { shiftMonth, StatisticsRollupRepository } from './statistics-rollup.repository';

export const STATISTICS_ROLLUP_JOB = 'statistics.rollup';
/** Every minute: the rollups lag the raw data by at most about one interval (plus the run). */
export const STATISTICS_ROLLUP_CRON = '* * * * *';
/** Leaf months recomputed per transaction. */
const BATCH = 5000;
/** How far back a calendar change or a long pause recomputes obligations (the API's longest range). */
const WINDOW_MONTHS = 36;

/** The day (`YYYY-MM-DD`) of `at` in China Standard Time (UTC+8, no daylight saving). */
export const shanghaiDay = (at: Date): string => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * Keeps the statistics rollups consistent with the raw tables: recomputes the leaf months that
 * triggers marked dirty and their ancestors' rows, a batch per transaction. Obligations also change
 * with time alone (an unpublished one turns from not due to missing when its due day ends), so on
 * the first run of each day (China Standard Time) every village's due months since the last run are
 * recomputed (the first run ever: the last 36 months of every village, in one set-based pass); a changed calendar recomputes its subtree's
 * last 36 months.
 */
@Injectable()
export class StatisticsRollupJob implements OnModuleInit {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly jobs: JobRunner,
    private readonly rollups: StatisticsRollupRepository,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: STATISTICS_ROLLUP_JOB,
      cron: STATISTICS_ROLLUP_CRON,
      run: () => this.run().then(() => undefined),
    });
  }

  /** Runs until nothing is dirty; returns how many leaf months were recomputed. */
  async run(): Promise<number> {
    const asOf = this.clock.now();
    const today = shanghaiDay(asOf);
    const thisMonth = today.slice(0, 7);
    await this.db.transaction(async () => {
      await this.rollups.lock();
      const last = await this.rollups.obligationsDay();
      if (last !== today) {
        const earliest = shiftMonth(`${thisMonth}-01`, -(WINDOW_MONTHS - 1));
        // The first run ever: the obligations of the whole window at once, set-based (those missed
        // before the rollups existed; a village has 36 due months whether or not it published).
        // A statement per city keeps each well under the statement timeout at province scale.
        if (last === null) {
          for (const city of await this.regionsOf(2))
            await this.rollups.rebuildObligations(city, earliest, thisMonth, asOf);
          for (const province of await this.provinces())
            await this.rollups.rebuildRegionRows(province, 1, earliest, thisMonth);
        }
        const from = last && last < today ? last.slice(0, 7) : thisMonth;
        await this.rollups.markSubtrees(await this.provinces(), from < earliest ? earliest : from, thisMonth);
        await this.rollups.setObligationsDay(today);
      }
      const changed = await this.rollups.takeDirtyRegions();
      if (changed.length)
        await this.rollups.markSubtrees(
          changed,
          shiftMonth(`${thisMonth}-01`, -(WINDOW_MONTHS - 1)),
          shiftMonth(`${thisMonth}-01`, 4),
        );
    });
    let done = 0;
    for (;;) {
      const n = await this.db.transaction(async () => {
        await this.rollups.lock();
        const keys = await this.rollups.takeDirty(BATCH);
        await this.rollups.recomputeLeaves(keys, asOf);
        await this.rollups.recomputeAncestors(keys);
        return keys.length;
      });
      if (n === 0) return done;
      done += n;
    }
  }

  private provinces(): Promise<string[]> {
    return this.regionsOf(1);
  }

  private async regionsOf(level: number): Promise<string[]> {
    const rows: { code: string }[] = await this.db.query(`SELECT code::text FROM region WHERE level = $1`, [level]);
    return rows.map((r) => r.code);
  }
}
