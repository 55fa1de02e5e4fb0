import { row, text } from '../copy-text';
import { IdTag, seedId } from '../ids';
import { comments, complaints, disclosures, ratings, userId } from '../model';
import { COMMENT_TEXTS, COMPLAINT_ANSWERS, COMPLAINT_TEXTS, OFFICE_REPLIES, RATING_REMARKS } from '../text';
import { DAY_US, timestamp } from '../time';
import type { TableSpec } from './table';

export const disclosureRating: TableSpec = {
  name: 'disclosure_rating',
  columns: ['id', 'disclosure_id', 'user_id', 'level', 'remark', 'created_at', 'updated_at', 'province_code'],
  *rows({ plan }) {
    let n = 0;
    for (const d of disclosures(plan)) {
      const first = plan.residentStart[d.v] as number;
      const province = (plan.villages[d.v] as (typeof plan.villages)[number]).province;
      for (const r of ratings(plan, d)) {
        const at = timestamp(r.createdUs);
        yield row([
          seedId(IdTag.Rating, n++),
          d.id,
          userId(first + r.j),
          r.level,
          text(RATING_REMARKS[r.remark] ?? null),
          at,
          at,
          province,
        ]);
      }
    }
  },
};

export const comment: TableSpec = {
  name: 'comment',
  columns: [
    'id',
    'disclosure_id',
    'region_code',
    'parent_id',
    'author_id',
    'office_role',
    'text',
    'status',
    'report_count',
    'moderation_reason',
    'moderated_at',
    'created_at',
    'province_code',
  ],
  *rows({ plan }) {
    let n = 0;
    for (const d of disclosures(plan)) {
      const { code: village, province } = plan.villages[d.v] as (typeof plan.villages)[number];
      const first = plan.residentStart[d.v] as number;
      let previous: string | null = null;
      for (const c of comments(plan, d)) {
        const id = seedId(IdTag.Comment, n++);
        const office = c.j < 0;
        const at = c.createdUs;
        yield row([
          id,
          d.id,
          village,
          office ? previous : null,
          userId(office ? d.clerk : first + c.j),
          office ? 'village_clerk' : null,
          text(
            office
              ? (OFFICE_REPLIES[c.text % OFFICE_REPLIES.length] as string)
              : (COMMENT_TEXTS[c.text % COMMENT_TEXTS.length] as string),
          ),
          c.status,
          c.status === 'visible' ? 0 : 3,
          c.status === 'hidden' ? '含有与公开内容无关的广告信息' : null,
          c.status === 'hidden' ? timestamp(at + DAY_US) : null,
          timestamp(at),
          province,
        ]);
        if (!office) previous = id;
      }
    }
  },
};

export const complaint: TableSpec = {
  name: 'complaint',
  columns: [
    'id',
    'region_code',
    'category',
    'text',
    'anonymous_to_public',
    'public_consent',
    'complainant_id',
    'status',
    'handler_region_code',
    'answer',
    'reject_reason',
    'filed_at',
    'accept_due_at',
    'answer_due_at',
    'province_code',
  ],
  *rows({ plan }) {
    for (const c of complaints(plan)) {
      const v = plan.villages[c.v] as (typeof plan.villages)[number];
      const accepted = c.status !== 'received' && c.status !== 'rejected';
      const answered = c.status === 'answered' || c.status === 'closed';
      yield row([
        c.id,
        v.code,
        c.category,
        text(COMPLAINT_TEXTS[c.category]?.[c.text % (COMPLAINT_TEXTS[c.category]?.length ?? 1)] ?? '反映问题'),
        c.anonymous,
        c.consent,
        userId(c.complainant),
        c.status,
        v.township,
        answered ? (COMPLAINT_ANSWERS[c.answer] as string) : null,
        c.status === 'rejected' ? '反映事项不属于本级受理范围，已告知反映人向有关部门反映。' : null,
        timestamp(c.filedUs),
        timestamp(c.filedUs + 3 * DAY_US),
        accepted ? timestamp(c.acceptedUs + 15 * DAY_US) : null,
        v.province,
      ]);
    }
  },
};

export const complaintEvent: TableSpec = {
  name: 'complaint_event',
  columns: ['complaint_id', 'kind', 'status', 'handler_region_code', 'note', 'actor_id', 'at', 'province_code'],
  *rows({ plan }) {
    for (const c of complaints(plan)) {
      const { township, province } = plan.villages[c.v] as (typeof plan.villages)[number];
      const handler = userId(c.handler);
      const ev = (kind: string, status: string, actor: string, atUs: number, note: string | null = null) =>
        row([c.id, kind, status, township, text(note), actor, timestamp(atUs), province]);
      yield ev('filed', 'received', userId(c.complainant), c.filedUs);
      if (c.status === 'received') continue;
      if (c.status === 'rejected') {
        yield ev('rejected', 'rejected', handler, c.acceptedUs, '反映事项不属于本级受理范围。');
        continue;
      }
      yield ev('accepted', 'accepted', handler, c.acceptedUs);
      if (c.status === 'accepted') continue;
      yield ev('started', 'in_progress', handler, c.startedUs);
      if (c.status === 'in_progress') continue;
      yield ev('answered', 'answered', handler, c.answeredUs, COMPLAINT_ANSWERS[c.answer] as string);
      if (c.status === 'answered') continue;
      yield ev('rated', 'answered', userId(c.complainant), c.closedUs, '满意');
      yield ev('closed', 'closed', userId(c.complainant), c.closedUs + 1);
    }
  },
};
