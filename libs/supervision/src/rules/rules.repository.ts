import { Injectable } from '@nestjs/common';
import { RegionRange, regionScopeSql, subtreePageSql } from '@sunshine/access';
import { Db, timestampKeySql } from '@sunshine/core';
import { EntityManager } from 'typeorm';

import { ancestorCodesSql } from '../calendar/obligations.sql';
import { RuleDefinition, RuleParams, RuleSqlContext } from './rule.types';

export type Review = 'pending' | 'confirmed' | 'dismissed';

export interface FindingRow {
  id: string;
  rule_id: string;
  key: string;
  region_code: string;
  township_code: string;
  explanation: string;
  evidence: Record<string, unknown>;
  found_at: Date;
  last_seen_at: Date;
  holds: boolean;
  no_longer_holds_at: Date | null;
  review: Review;
  reviewed_at: Date | null;
  dismiss_reason: string | null;
  issue_id: string | null;
  issue_status: string | null;
  /** `found_at` at full precision, for the cursor. */
  found_key: string;
}

export interface ScanCounts {
  new: number;
  /** Found again (held before, or holds again). */
  still: number;
  /** Held before, not found again: now marked no longer holding. */
  gone: number;
  /** Known findings rewritten: holding again, or a changed explanation or evidence (0 in a steady state). */
  rewritten: number;
}

export interface FindingFilter {
  within: RegionRange;
  ruleId?: string;
  review?: Review;
  holds?: boolean;
  after?: [string, string];
  limit: number;
}

const COLUMNS = `f.id, f.rule_id, f.key, f.region_code::text, f.township_code::text, f.explanation, f.evidence, f.found_at,
  f.last_seen_at, f.holds, f.no_longer_holds_at, f.review, f.reviewed_at, f.dismiss_reason,
  i.id AS issue_id, i.status AS issue_status, ${timestampKeySql('f.found_at')} AS found_key`;
const FROM = `rule_finding f LEFT JOIN supervision_issue i ON i.finding_id = f.id`;

/** The days an issue opened from a finding has, from the day it was found (China Standard Time). */
export const FINDING_ISSUE_DAYS = 15;

/**
 * The issue of each new finding of a scan (source 'rule', held by the finding's township, assigned
 * by its county), with its 'created' timeline entry: CTEs over `findings` (rows of rule_finding
 * with `inserted`). Kept in this one function so that it can be switched to the issues context's
 * intake when that exists.
 */
export function issuesForNewFindingsSql(
  findings: string,
  rule: RuleDefinition,
  push: (v: unknown) => string,
  now: string,
) {
  return `
    issues AS (
      INSERT INTO supervision_issue (source, region_code, assigned_by_region_code, title, description, severity, due_on,
        status, finding_id, created_by, created_at, updated_at)
      SELECT 'rule', f.township_code, f.township_code / 1000000 * 1000000, ${push(rule.title)}, f.explanation, ${push(rule.severity)},
        (${now}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + ${FINDING_ISSUE_DAYS}, 'open', f.id, NULL, ${now}, ${now}
      FROM ${findings} f WHERE f.inserted
      RETURNING id, status
    ), issue_events AS (
      INSERT INTO supervision_issue_event (issue_id, kind, status, note, actor_id, at)
      SELECT id, 'created', status, NULL, NULL, ${now} FROM issues
    )`;
}

/** SQL over rule thresholds and findings, and the scan statements. */
@Injectable()
export class RulesRepository {
  constructor(private readonly db: Db) {}

  /**
   * One statement per rule over a whole subtree, writing only what changed:
   * - a key found for the first time is inserted, with its issue and the issue's 'created' entry;
   * - a known finding found again is rewritten only if it stopped holding (it holds again: a
   *   'holds_again' entry on its issue) or its explanation or evidence changed;
   * - a holding finding of the subtree not found again is marked no longer holding (never deleted),
   *   with a 'no_longer_holds' entry on its issue.
   * An unchanged finding is not touched, so a steady-state scan writes no row. `last_seen_at` is
   * the last time the finding's state changed (found, content changed, held again, stopped holding).
   * Only counts come back to Node. "Not found again" is the set difference of the subtree's holding
   * findings and the found ones (not a `last_seen_at` test), so two scans at the same instant stay correct.
   */
  async scanRule(rule: RuleDefinition, root: string, now: Date, m: EntityManager): Promise<ScanCounts> {
    const params: unknown[] = [];
    const push = (v: unknown) => `$${params.push(v)}`;
    const $rule = push(rule.id);
    const $now = `${push(now)}::timestamptz`;
    const $root = `${push(root)}::bigint`;
    const ctx: RuleSqlContext = { params, push, root, asOf: $now, asOfDate: now };
    const ruleSql = rule.sql(ctx);
    const sql = `
      WITH villages AS MATERIALIZED (
        SELECT v.code AS village_code, ${push(JSON.stringify(rule.defaults))}::jsonb || coalesce(t.params, '{}'::jsonb) AS p
        FROM region top
        JOIN region v ON v.level = 5 AND v.code BETWEEN top.code AND top.code + region_span(top.level)
        LEFT JOIN LATERAL (
          SELECT rt.params FROM rule_threshold rt
          WHERE rt.rule_id = ${$rule} AND rt.region_code = ANY (${ancestorCodesSql('v.code')})
          ORDER BY rt.region_code DESC LIMIT 1) t ON true
        WHERE top.code = ${$root}
      ), found AS MATERIALIZED (
        SELECT DISTINCT ON (left(r.key, 300)) left(r.key, 300) AS key, r.region_code,
          left(r.explanation, 2000) AS explanation, r.evidence
        FROM (${ruleSql}) r ORDER BY left(r.key, 300)
      ), known AS MATERIALIZED (
        SELECT found.*, f.id, f.holds AS held, (f.explanation = found.explanation AND f.evidence = found.evidence) AS same
        FROM found LEFT JOIN rule_finding f ON f.rule_id = ${$rule} AND f.key = found.key
      ), fresh AS (
        INSERT INTO rule_finding (rule_id, key, region_code, township_code, explanation, evidence, found_at, last_seen_at)
        SELECT ${$rule}, k.key, k.region_code, k.region_code / 1000 * 1000, k.explanation, k.evidence, ${$now}, ${$now}
        FROM known k WHERE k.id IS NULL
        ON CONFLICT (rule_id, key) DO NOTHING
        RETURNING id, region_code, township_code, explanation, true AS inserted
      ), ${issuesForNewFindingsSql('fresh', rule, push, $now)}, changed AS (
        UPDATE rule_finding f SET holds = true, no_longer_holds_at = NULL, last_seen_at = ${$now},
          explanation = k.explanation, evidence = k.evidence
        FROM known k
        WHERE k.id IS NOT NULL AND f.id = k.id AND NOT (k.held AND k.same)
        RETURNING f.id, NOT k.held AS again
      ), again_events AS (
        INSERT INTO supervision_issue_event (issue_id, kind, status, note, actor_id, at)
        SELECT i.id, 'holds_again', i.status, 'The rule finds this again.', NULL, ${$now}
        FROM changed c JOIN supervision_issue i ON i.finding_id = c.id
        WHERE c.again
      ), gone AS (
        UPDATE rule_finding f SET holds = false, no_longer_holds_at = ${$now}, last_seen_at = ${$now}
        WHERE f.id IN (
          -- A set difference (hashed or sorted), never a loop of the subtree's findings over the found ones.
          SELECT h.id FROM rule_finding h
          WHERE h.rule_id = ${$rule} AND h.holds
            AND h.region_code BETWEEN ${$root} AND ${$root} + (SELECT region_span(level) FROM region WHERE code = ${$root})
          EXCEPT SELECT k.id FROM known k WHERE k.id IS NOT NULL)
        RETURNING f.id
      ), gone_events AS (
        INSERT INTO supervision_issue_event (issue_id, kind, status, note, actor_id, at)
        SELECT i.id, 'no_longer_holds', i.status, 'The rule no longer finds this.', NULL, ${$now}
        FROM gone g JOIN supervision_issue i ON i.finding_id = g.id
      )
      SELECT (SELECT count(*) FROM fresh)::int AS new,
             (SELECT count(*) FROM known WHERE id IS NOT NULL)::int AS still,
             (SELECT count(*) FROM gone)::int AS gone,
             (SELECT count(*) FROM changed)::int AS rewritten`;
    const [row]: ScanCounts[] = await m.query(sql, params);
    return row as ScanCounts;
  }

  /**
   * Refreshes the planner's statistics of the tables a scan grows. A scan that inserts thousands of
   * findings (the first one over a province) checks each new issue's and timeline entry's foreign key
   * with a plan made when the tables were small and kept by the connection (a sequential scan): every
   * check then reads the whole table, quadratic in the findings. ANALYZE fixes the estimates and
   * invalidates those cached plans, so the next rule's checks are index probes. ANALYZE needs the
   * tables' owner: `sunshine_analyze` runs it as the owner, for these tables only.
   */
  async analyzeFindings(): Promise<void> {
    await this.db.query(
      `SELECT sunshine_analyze(t) FROM unnest('{rule_finding,supervision_issue,supervision_issue_event}'::regclass[]) AS t`,
    );
  }

  /** Serialises scans (the API's and the worker's) rule by rule, for the transaction. */
  async lockRule(ruleId: string, m: EntityManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('rules.scan:' || $1))`, [ruleId]);
  }

  /** The newest publication ledger entry's sequence number (0: none). */
  async ledgerHead(): Promise<string> {
    const [row]: { seq: string }[] = await this.db.query(
      `SELECT coalesce(max(seq), 0)::text AS seq FROM publication_ledger`,
    );
    return row?.seq ?? '0';
  }

  /** The provinces (roots of full scans). */
  async provinces(): Promise<string[]> {
    const rows: { code: string }[] = await this.db.query(`SELECT code::text FROM region WHERE level = 1 ORDER BY code`);
    return rows.map((r) => r.code);
  }

  /** Per rule, the thresholds of the nearest of `code` and its ancestors that has some, with where they are set. */
  async nearestThresholds(code: string): Promise<{ rule_id: string; region_code: string; params: RuleParams }[]> {
    return this.db.query(
      `SELECT DISTINCT ON (rule_id) rule_id, region_code::text, params FROM rule_threshold
        WHERE region_code = ANY (${ancestorCodesSql('$1::bigint')})
        ORDER BY rule_id, region_code DESC`,
      [code],
    );
  }

  async putThreshold(ruleId: string, code: string, params: RuleParams, userId: string | null, m: EntityManager) {
    await m.query(
      `INSERT INTO rule_threshold (rule_id, region_code, params, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (rule_id, region_code) DO UPDATE
         SET params = EXCLUDED.params, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [ruleId, code, JSON.stringify(params), userId],
    );
  }

  /** The village of a finding (the access target), or null. */
  async regionOf(id: string): Promise<string | null> {
    const [row]: { code: string }[] = await this.db.query(
      `SELECT region_code::text AS code FROM rule_finding WHERE id = $1`,
      [id],
    );
    return row?.code ?? null;
  }

  async find(id: string, m: EntityManager = this.db.manager, lock = false): Promise<FindingRow | null> {
    const [row]: FindingRow[] = await m.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE f.id = $1${lock ? ' FOR UPDATE OF f' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /** Newest first, keyset (found_at, id). */
  async list(filter: FindingFilter): Promise<FindingRow[]> {
    const params: unknown[] = [];
    const where = [regionScopeSql('f.region_code', [filter.within], params)];
    if (filter.ruleId) where.push(`f.rule_id = $${params.push(filter.ruleId)}`);
    if (filter.review) where.push(`f.review = $${params.push(filter.review)}`);
    if (filter.holds !== undefined) where.push(`f.holds = $${params.push(filter.holds)}`);
    if (filter.after) {
      params.push(filter.after[0], filter.after[1]);
      where.push(`(f.found_at, f.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(filter.limit);
    return this.db.query(
      subtreePageSql(
        `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')}
        ORDER BY f.found_at DESC, f.id DESC LIMIT $${params.length}`,
        [[filter.within]],
      ),
      params,
    );
  }

  async review(
    id: string,
    review: 'confirmed' | 'dismissed',
    reason: string | null,
    userId: string | null,
    now: Date,
    m: EntityManager,
  ): Promise<void> {
    await m.query(
      `UPDATE rule_finding SET review = $2, dismiss_reason = $3, reviewed_by = $4, reviewed_at = $5 WHERE id = $1`,
      [id, review, reason, userId, now],
    );
  }

  /** A timeline entry on the finding's issue, with its new status (unchanged when `status` is null). */
  async issueStep(
    issueId: string,
    kind: string,
    status: string | null,
    note: string | null,
    actorId: string | null,
    now: Date,
    m: EntityManager,
  ): Promise<void> {
    await m.query(
      `WITH changed AS (
         UPDATE supervision_issue SET status = coalesce($3, status), updated_at = $6, version = version + 1
         WHERE id = $1 RETURNING id, status)
       INSERT INTO supervision_issue_event (issue_id, kind, status, note, actor_id, at)
       SELECT id, $2, status, $4, $5, $6 FROM changed`,
      [issueId, kind, status, note, actorId, now],
    );
  }
}
