import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock, Db, JobRunner } from '@sunshine/core';

import { RULES } from './rules.catalog';
import { RulesRepository } from './rules.repository';

export const RULES_SCAN_JOB = 'rules.scan';
/** A full scan at least this often, and after any new publication (checked every 5 minutes). */
export const FULL_SCAN_EVERY_MS = 60 * 60 * 1000;
/** After a rule's scan that wrote at least this many findings, the tables' statistics are refreshed. */
export const ANALYZE_AFTER_WRITES = 1000;

export interface RuleScanResult {
  ruleId: string;
  new: number;
  stillHolding: number;
  noLongerHolding: number;
  ms: number;
}

/**
 * Runs the potential-issue rules over a subtree (or every province): per rule, one set-based
 * statement in its own transaction (findings upserted, new ones given an issue, those not found
 * again marked no longer holding). Memory stays bounded: only counts come back.
 *
 * The job `rules.scan` ticks every 5 minutes and scans only when the publication ledger grew since
 * the last scan of this process (a cheap `max(seq)`), or an hour has passed: so the disclosures
 * context needs no hook, and findings trail a publication by at most 5 minutes plus the scan.
 */
@Injectable()
export class RuleScanner implements OnModuleInit {
  private readonly logger = new Logger('RuleScanner');
  private lastSeq: string | null = null;
  private lastFullScanAt = 0;

  constructor(
    private readonly rules: RulesRepository,
    private readonly clock: Clock,
    private readonly db: Db,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.jobs.register({ name: RULES_SCAN_JOB, cron: '*/5 * * * *', run: () => this.tick().then(() => undefined) });
  }

  /** The job's tick: scans every province when something was published since the last scan, or hourly. */
  async tick(): Promise<boolean> {
    const head = await this.rules.ledgerHead();
    const now = this.clock.now().getTime();
    if (head === this.lastSeq && now - this.lastFullScanAt < FULL_SCAN_EVERY_MS) return false;
    for (const province of await this.rules.provinces()) {
      const results = await this.scan(province);
      const found = results.reduce((n, r) => n + r.new, 0);
      this.logger.log(`rules scanned ${province}: ${found} new findings`);
    }
    this.lastSeq = head;
    this.lastFullScanAt = now;
    return true;
  }

  /** Every rule over the subtree of `root`, one transaction per rule. */
  async scan(root: string): Promise<RuleScanResult[]> {
    const results: RuleScanResult[] = [];
    for (const rule of RULES) {
      const started = process.hrtime.bigint();
      const counts = await this.db.transaction(async (m) => {
        await this.rules.lockRule(rule.id, m);
        return this.rules.scanRule(rule, root, this.clock.now(), m);
      });
      if (counts.new + counts.gone >= ANALYZE_AFTER_WRITES) await this.rules.analyzeFindings();
      results.push({
        ruleId: rule.id,
        new: counts.new,
        stillHolding: counts.still,
        noLongerHolding: counts.gone,
        ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
      });
    }
    return results;
  }
}
