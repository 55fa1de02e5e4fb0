import { disclosurePathSql, publishedSql, RuleDefinition, yuanSql } from '../rule.types';

/**
 * "Totals that do not reconcile". Nothing stored declares a total (the database computes every
 * total from the lines), so a disclosure cannot disagree with a stored sum. What can fail to add up
 * is the period: a finance disclosure's totals are reported for its period (the village's finances
 * page sums by disclosure period), so lines dated outside that period make the period's totals
 * disagree with the same lines summed by the dates they occurred on.
 */
export const linesOutsidePeriod: RuleDefinition = {
  id: 'totals-mismatch',
  title: '账期不符 Totals do not reconcile with the period',
  description:
    'A published finance disclosure has lines dated outside its period, so its period totals do not reconcile with the same lines summed by date.',
  severity: 'medium',
  params: {},
  defaults: {},
  sql: () => `
    SELECT d.id::text AS key, d.region_code,
      count(*) || ' line(s) of the ' || d.period || ' finance disclosure, ' || ${yuanSql('sum(l.amount)')}
        || ' in all, are dated outside ' || to_char(d.period_start, 'YYYY-MM-DD') || '..' || to_char(d.period_end, 'YYYY-MM-DD')
        || ': the period totals do not reconcile with the lines by date.' AS explanation,
      jsonb_build_object('disclosureId', d.id, 'revision', rv.number, 'total', sum(l.amount)::text,
        'lineNos', jsonb_agg(l.line_no ORDER BY l.line_no), 'path', ${disclosurePathSql('d.id')}) AS evidence
    FROM ${publishedSql('finance')}
    JOIN finance_line l ON l.revision_id = rv.id
    WHERE l.occurred_on NOT BETWEEN d.period_start AND d.period_end
    GROUP BY d.id, d.region_code, d.period, d.period_start, d.period_end, rv.number`,
};
