import { md5Sql, publishedSql, RuleDefinition, yuanSql } from '../rule.types';

/** The window of the split-payments rule, fixed (a window frame takes no per-row offset). */
export const SPLIT_WINDOW_DAYS = 30;

export const splitPayments: RuleDefinition = {
  id: 'split-payments',
  title: '拆分支付 Split payments',
  description:
    'Three or more expense payments to one counterparty within 30 days, each under the approval threshold (default 5,000 yuan) but together above it. Payments chained within 30 days of each other make one finding, keyed by the first date.',
  severity: 'high',
  params: {
    approvalThreshold: { kind: 'money', description: 'Each payment under it, together above it', max: 10_000_000 },
    minPayments: { kind: 'integer', description: 'How many payments at least', min: 2, max: 20 },
  },
  defaults: { approvalThreshold: '5000.00', minPayments: 3 },
  sql: () => `
    WITH lines AS (
      SELECT d.region_code, d.id AS disclosure_id, l.line_no, l.amount, l.occurred_on, btrim(l.counterparty) AS counterparty,
        (vp.p->>'approvalThreshold')::numeric AS threshold, (vp.p->>'minPayments')::int AS min_payments
      FROM ${publishedSql('finance')}
      JOIN finance_line l ON l.revision_id = rv.id
      WHERE l.direction = 'expense' AND btrim(l.counterparty) <> '' AND l.amount < (vp.p->>'approvalThreshold')::numeric
    ), windows AS (
      SELECT lines.*,
        count(*) OVER w AS n, sum(amount) OVER w AS total
      FROM lines
      WINDOW w AS (PARTITION BY region_code, counterparty ORDER BY occurred_on
                   RANGE BETWEEN CURRENT ROW AND INTERVAL '${SPLIT_WINDOW_DAYS - 1} days' FOLLOWING)
    ), starts AS (
      SELECT DISTINCT ON (region_code, counterparty, occurred_on) region_code, counterparty, occurred_on, n, total, threshold
      FROM windows WHERE n >= min_payments AND total > threshold
      ORDER BY region_code, counterparty, occurred_on, n DESC
    ), firsts AS (
      SELECT s.*, lag(occurred_on) OVER (PARTITION BY region_code, counterparty ORDER BY occurred_on) AS previous
      FROM starts s
    )
    SELECT f.region_code || ':' || ${md5Sql('f.counterparty')} || ':' || to_char(f.occurred_on, 'YYYY-MM-DD') AS key,
      f.region_code,
      f.n || ' payments to ' || f.counterparty || ' from ' || to_char(f.occurred_on, 'YYYY-MM-DD') || ' within ${SPLIT_WINDOW_DAYS} days, each under '
        || ${yuanSql('f.threshold')} || ', together ' || ${yuanSql('f.total')} || '.' AS explanation,
      jsonb_build_object('counterparty', f.counterparty, 'from', to_char(f.occurred_on, 'YYYY-MM-DD'), 'total', f.total::text,
        'lines', jsonb_agg(jsonb_build_object('disclosureId', x.disclosure_id, 'lineNo', x.line_no, 'amount', x.amount::text,
          'occurredOn', to_char(x.occurred_on, 'YYYY-MM-DD'), 'path', '/api/v1/disclosures/' || x.disclosure_id)
          ORDER BY x.occurred_on, x.disclosure_id, x.line_no)) AS evidence
    FROM firsts f
    -- The evidence: the lines of the first window, joined (a hash join on village and counterparty), not a subquery per finding.
    JOIN lines x ON x.region_code = f.region_code AND x.counterparty = f.counterparty
      AND x.occurred_on BETWEEN f.occurred_on AND f.occurred_on + ${SPLIT_WINDOW_DAYS - 1}
    WHERE f.previous IS NULL OR f.occurred_on - f.previous >= ${SPLIT_WINDOW_DAYS}
    GROUP BY f.region_code, f.counterparty, f.occurred_on, f.n, f.total, f.threshold`,
};
