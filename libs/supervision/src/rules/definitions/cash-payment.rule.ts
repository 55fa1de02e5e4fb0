import { disclosurePathSql, md5Sql, publishedSql, RuleDefinition, yuanSql } from '../rule.types';

export const cashPayment: RuleDefinition = {
  id: 'cash-payment',
  title: '大额现金支付 Large cash payment',
  description: 'A published finance disclosure lists an expense paid in cash above the limit (default 1,000 yuan).',
  severity: 'medium',
  params: { limit: { kind: 'money', description: 'Cash payments above this amount are flagged', max: 1_000_000 } },
  defaults: { limit: '1000.00' },
  sql: () => `
    SELECT d.id || ':' || ${md5Sql(`concat_ws('|', l.occurred_on, l.amount, l.counterparty, l.voucher_no, l.account_code)`)} AS key,
      d.region_code,
      'Cash payment of ' || ${yuanSql('l.amount')} || ' on ' || to_char(l.occurred_on, 'YYYY-MM-DD')
        || coalesce(' to ' || l.counterparty, '') || ' (' || l.account_code || ') in ' || d.period
        || ', above the cash limit of ' || ${yuanSql(`(vp.p->>'limit')::numeric`)} || '.' AS explanation,
      jsonb_build_object('disclosureId', d.id, 'revision', rv.number, 'lineNo', l.line_no, 'amount', l.amount::text,
        'occurredOn', to_char(l.occurred_on, 'YYYY-MM-DD'), 'path', ${disclosurePathSql('d.id')}) AS evidence
    FROM ${publishedSql('finance')}
    JOIN finance_line l ON l.revision_id = rv.id
    WHERE l.direction = 'expense' AND l.payment_method = 'cash' AND l.amount > (vp.p->>'limit')::numeric`,
};
