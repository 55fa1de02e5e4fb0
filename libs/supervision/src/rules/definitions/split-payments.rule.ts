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
        (vp.p->>'approvalThreshold')::numeric AS threshold, (vp.p->>'minPayments')::int AS min_payments,
        jsonb_build_object('disclosureId', d.id, 'lineNo', l.line_no, 'amount', l.amount::text,
          'occurredOn', to_char(l.occurred_on, 'YYYY-MM-DD'), 'path', '/api/v1/disclosures/' || d.id) AS line
      FROM ${publishedSql('finance')}
      JOIN finance_line l ON l.revision_id = rv.id
      WHERE l.direction = 'expense' AND btrim(l.counterparty) <> '' AND l.amount < (vp.p->>'approvalThreshold')::numeric
    ), windows AS (
      -- The frame starts at the first line of the current date (RANGE: peers share it), so every line of
      -- a date carries the same window; its lines are aggregated by the window itself, not joined back.
      SELECT lines.*,
        count(*) OVER w AS n, sum(amount) OVER w AS total,
        jsonb_agg(line) OVER w AS window_lines
      FROM lines
      WINDOW w AS (PARTITION BY region_code, counterparty ORDER BY occurred_on
                   RANGE BETWEEN CURRENT ROW AND INTERVAL '${SPLIT_WINDOW_DAYS - 1} days' FOLLOWING)
    ), starts AS (
      SELECT DISTINCT ON (region_code, counterparty, occurred_on) region_code, counterparty, occurred_on, n, total, threshold, window_lines
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
        -- The window's lines in a stable order (a few per finding: sorted in memory, no table read).
        'lines', (SELECT jsonb_agg(e ORDER BY e->>'occurredOn', e->>'disclosureId', (e->>'lineNo')::int)
                  FROM jsonb_array_elements(f.window_lines) e)) AS evidence
    FROM firsts f
    WHERE f.previous IS NULL OR f.occurred_on - f.previous >= ${SPLIT_WINDOW_DAYS}`,
};
