import { obligationsSql } from '../../calendar/obligations.sql';
import { RuleDefinition } from '../rule.types';

/**
 * Villages on the platform: someone can publish for them (an active village clerk). A fix cannot be
 * assigned to a village nobody can publish for, so the rule leaves the others to the compliance grid
 * and the statistics (which still count every village's missing obligations).
 */
export const onPlatformSql = (village: string) =>
  `EXISTS (SELECT 1 FROM role_assignment ra WHERE ra.region_code = ${village} AND ra.role = 'village_clerk' AND ra.revoked_at IS NULL)`;

/** How far back the calendar is checked: obligations whose period started in the last 12 months. */
export const OVERDUE_WINDOW_MONTHS = 12;

const month = (d: Date, back: number) => {
  const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
  return m.toISOString().slice(0, 7);
};

export const disclosureOverdue: RuleDefinition = {
  id: 'disclosure-overdue',
  title: '公开逾期 Disclosure overdue',
  description:
    'A village on the platform (with an active village clerk) has not published what the compliance calendar requires (finance monthly, Party and village affairs quarterly) by the due date plus a grace period, for periods that started in the last 12 months. Villages without a clerk are not flagged (nobody could publish the fix); the compliance grid and statistics still show their missing obligations.',
  severity: 'medium',
  params: {
    graceDays: { kind: 'integer', description: 'Days after the due date before it is flagged', min: 0, max: 90 },
  },
  defaults: { graceDays: 0 },
  sql(ctx) {
    // China Standard Time months: the calendar's periods are local.
    const local = new Date(ctx.asOfDate.getTime() + 8 * 3600_000);
    const obligations = obligationsSql(
      ctx.params,
      ctx.root,
      month(local, OVERDUE_WINDOW_MONTHS - 1),
      month(local, 0),
      ctx.asOfDate,
      undefined,
      onPlatformSql,
    );
    return `
      SELECT o.village_code || ':' || o.category || ':' || o.period AS key, o.village_code AS region_code,
        'No published ' || o.category || ' disclosure for ' || o.period || ': it was due on ' || to_char(o.due_on, 'YYYY-MM-DD')
          || CASE WHEN (vp.p->>'graceDays')::int > 0 THEN ' (grace ' || (vp.p->>'graceDays') || ' days)' ELSE '' END || '.' AS explanation,
        jsonb_build_object('villageCode', o.village_code::text, 'category', o.category, 'period', o.period,
          'dueOn', to_char(o.due_on, 'YYYY-MM-DD'),
          'path', '/api/v1/disclosures?region=' || o.village_code) AS evidence
      FROM (${obligations}) o
      JOIN villages vp ON vp.village_code = o.village_code
      WHERE o.status = 'missing' AND ${ctx.asOf}::timestamptz >= o.due_at + (vp.p->>'graceDays')::int * interval '1 day'`;
  },
};
