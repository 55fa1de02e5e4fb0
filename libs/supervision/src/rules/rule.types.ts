/**
 * A potential-issue rule: one small unit with an id, words for officials, a severity, thresholds
 * (defaults, overridable per subtree in `rule_threshold`) and a set-based query over a whole
 * subtree at once.
 */

export type Severity = 'low' | 'medium' | 'high';

/** The kinds of threshold a rule may take; each is validated by `validateRuleParams`. */
export type ParamSpec =
  | { kind: 'money'; description: string; max: number }
  | { kind: 'integer'; description: string; min: number; max: number }
  | { kind: 'pairs'; description: string; maxItems: number }
  | { kind: 'words'; description: string; allowed: readonly string[] };

export type RuleParams = Record<string, string | number | string[] | string[][]>;

/**
 * What a rule's SQL may use. `villages` is a CTE of the subtree's villages with their effective
 * params: `village_code bigint, p jsonb` (the nearest ancestor's thresholds over the defaults).
 * `push` adds a parameter and answers its placeholder.
 */
export interface RuleSqlContext {
  params: unknown[];
  push(value: unknown): string;
  /** The root of the scanned subtree (a placeholder-free code string, already validated). */
  root: string;
  /** The scan's instant (Clock), as a placeholder. */
  asOf: string;
  asOfDate: Date;
}

/**
 * A rule yields rows `(key varchar, region_code bigint (the village), explanation text, evidence jsonb)`.
 * The key identifies what was found (stable across re-runs), so a finding is never duplicated.
 */
export interface RuleDefinition {
  id: string;
  title: string;
  description: string;
  severity: Severity;
  params: Record<string, ParamSpec>;
  defaults: RuleParams;
  sql(ctx: RuleSqlContext): string;
}

/** Current published revisions of the subtree's villages (of `category`, else any): d, rv and vp in scope. */
export const publishedSql = (category?: 'finance' | 'village' | 'party') => `
  villages vp
  JOIN disclosure d ON d.region_code = vp.village_code AND d.status = 'published'${category ? ` AND d.category = '${category}'` : ''}
  JOIN disclosure_revision rv ON rv.disclosure_id = d.id AND rv.number = d.published_revision`;

/** Where officials see a disclosure's current content. */
export const disclosurePathSql = (id: string) => `'/api/v1/disclosures/' || ${id}`;

/** A money amount in words: `1,234.50` → `1234.50 yuan` (numeric to text in SQL, never a float). */
export const yuanSql = (amount: string) => `to_char(${amount}, 'FM9999999999990.00') || ' yuan'`;

/** A stable, short key part for free text (counterparties, content of lines). */
export const md5Sql = (text: string) => `md5(${text})`;
