import { disclosurePathSql, md5Sql, publishedSql, RuleDefinition, yuanSql } from '../rule.types';

export const missingVoucher: RuleDefinition = {
  id: 'missing-voucher',
  title: '支出无凭证 Expense without voucher',
  description: 'A published expense line has no voucher number.',
  severity: 'low',
  params: {},
  defaults: {},
  sql: () => `
    SELECT d.id || ':' || ${md5Sql(`concat_ws('|', l.occurred_on, l.amount, l.counterparty, l.account_code, l.note)`)} AS key,
      d.region_code,
      'Expense of ' || ${yuanSql('l.amount')} || ' on ' || to_char(l.occurred_on, 'YYYY-MM-DD') || coalesce(' to ' || l.counterparty, '')
        || ' (' || l.account_code || ') in ' || d.period || ' has no voucher number.' AS explanation,
      jsonb_build_object('disclosureId', d.id, 'revision', rv.number, 'lineNo', l.line_no, 'amount', l.amount::text,
        'path', ${disclosurePathSql('d.id')}) AS evidence
    FROM ${publishedSql('finance')}
    JOIN finance_line l ON l.revision_id = rv.id
    WHERE l.direction = 'expense' AND coalesce(btrim(l.voucher_no), '') = ''`,
};
