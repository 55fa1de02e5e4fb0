/** The officials' working copy of a disclosure as one SQL expression (the app's WorkingCopyDto shape). */
import { iso } from './floor.db';

/** Review steps of disclosure `d` as JSON rows `(id, j)`, for a statement to add its own new step to. */
export const stepRows = (d: string): string =>
  `SELECT s.id, json_build_object('revisionNumber', x.number, 'action', s.action, 'actorId', s.actor_id,
     'at', ${iso('s.at')}, 'reason', s.reason) AS j
   FROM review_step s JOIN disclosure_revision x ON x.id = s.revision_id WHERE x.disclosure_id = ${d}.id`;

/** The working copy of disclosure row `d` and revision row `r`, with `steps` (a JSON array expression). */
export const workingCopyJson = (d: string, r: string, steps: string): string => `json_build_object(
  'disclosure', json_build_object('id', ${d}.id, 'regionCode', ${d}.region_code::text, 'category', ${d}.category,
    'period', ${d}.period, 'status', ${d}.status, 'title', ${d}.title, 'publishedRevision', ${d}.published_revision,
    'publishedAt', ${iso(`${d}.published_at`)}, 'createdBy', ${d}.created_by, 'createdAt', ${iso(`${d}.created_at`)}),
  'revision', json_build_object('id', ${r}.id, 'number', ${r}.number, 'status', ${r}.status, 'title', ${r}.title,
    'body', ${r}.body, 'correctionReason', ${r}.correction_reason, 'createdBy', ${r}.created_by,
    'createdAt', ${iso(`${r}.created_at`)}, 'submittedAt', ${iso(`${r}.submitted_at`)}, 'publishedAt', ${iso(`${r}.published_at`)}),
  'lines', coalesce((SELECT json_agg(json_build_object('lineNo', l.line_no, 'direction', l.direction,
      'accountCode', l.account_code, 'amount', l.amount::text, 'occurredOn', l.occurred_on::text, 'counterparty', l.counterparty,
      'voucherNo', l.voucher_no, 'paymentMethod', l.payment_method, 'note', l.note) ORDER BY l.line_no)
    FROM finance_line l WHERE l.revision_id = ${r}.id), '[]'),
  'totals', coalesce((SELECT json_agg(t ORDER BY t."direction" DESC, t."accountCode") FROM (
      SELECT l.direction, l.account_code AS "accountCode", sum(l.amount)::text AS total, count(*)::int AS lines
      FROM finance_line l WHERE l.revision_id = ${r}.id GROUP BY 1, 2) t), '[]'),
  'subsidies', coalesce((SELECT json_agg(json_build_object('lineNo', s.line_no, 'recipientName', s.recipient_name,
      'villageGroup', s.village_group, 'householdSize', s.household_size, 'subsidyType', s.subsidy_type,
      'amount', s.amount::text, 'idNumberMasked', s.id_number_masked) ORDER BY s.line_no)
    FROM subsidy_entry s WHERE s.revision_id = ${r}.id), '[]'),
  'attachments', coalesce((SELECT json_agg(json_build_object('id', a.id, 'filename', a.filename, 'mediaType', a.media_type,
      'size', a.size, 'sha256', encode(a.sha256, 'hex')) ORDER BY a.created_at, a.id)
    FROM attachment a WHERE a.revision_id = ${r}.id), '[]'),
  'steps', ${steps})`;
