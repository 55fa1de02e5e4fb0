import { publishedSql, RuleDefinition, yuanSql } from '../rule.types';

/** 招待费 in the village collective accounting chart (2004 system; migrations/…-disclosures.ts). */
export const ENTERTAINMENT_ACCOUNT = '管理费用/招待费';

export const entertainment: RuleDefinition = {
  id: 'entertainment',
  title: '招待费超限 Entertainment above the limit',
  description: `Entertainment expenses (${ENTERTAINMENT_ACCOUNT}) of a village in one month (by the date of each line) above the limit (default 2,000 yuan).`,
  severity: 'medium',
  params: {
    monthlyLimit: {
      kind: 'money',
      description: 'Entertainment per village and month above it is flagged',
      max: 10_000_000,
    },
  },
  defaults: { monthlyLimit: '2000.00' },
  sql: () => `
    SELECT d.region_code || ':' || to_char(l.occurred_on, 'YYYY-MM') AS key, d.region_code,
      'Entertainment expenses of ' || ${yuanSql('sum(l.amount)')} || ' in ' || to_char(l.occurred_on, 'YYYY-MM')
        || ', above the monthly limit of ' || ${yuanSql(`min((vp.p->>'monthlyLimit')::numeric)`)} || '.' AS explanation,
      jsonb_build_object('month', to_char(l.occurred_on, 'YYYY-MM'), 'total', sum(l.amount)::text,
        'lines', jsonb_agg(jsonb_build_object('disclosureId', d.id, 'lineNo', l.line_no, 'amount', l.amount::text,
          'path', '/api/v1/disclosures/' || d.id) ORDER BY l.occurred_on, d.id, l.line_no)) AS evidence
    FROM ${publishedSql('finance')}
    JOIN finance_line l ON l.revision_id = rv.id
    WHERE l.direction = 'expense' AND l.account_code = '${ENTERTAINMENT_ACCOUNT}'
    GROUP BY d.region_code, to_char(l.occurred_on, 'YYYY-MM')
    HAVING sum(l.amount) > min((vp.p->>'monthlyLimit')::numeric)`,
};
