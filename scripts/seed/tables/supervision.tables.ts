import { row, text } from '../copy-text';
import { IdTag, seedId } from '../ids';
import { batchIssuedUs, issues, userId } from '../model';
import { ISSUE_RESOLUTIONS, ISSUE_TITLES } from '../text';
import { addDays, DAY_US, shanghaiDate, timestamp } from '../time';
import type { TableSpec } from './table';

const batchId = (b: number) => seedId(IdTag.Batch, b);
const findingId = (n: number) => seedId(IdTag.Finding, n);

export const supervisionBatch: TableSpec = {
  name: 'supervision_batch',
  columns: ['id', 'region_code', 'name', 'issued_on', 'deadline', 'created_by', 'created_at'],
  *rows({ plan }) {
    for (let b = 0; b < plan.totals.batches; b++) {
      const at = batchIssuedUs(plan, b);
      const day = shanghaiDate(at);
      const region = plan.batchRegions[b] as string;
      const staff = plan.staff.find((_s, v) => plan.villages[v]?.city === region);
      const by = region.endsWith('0000000000') || !staff ? plan.provinceSupervisor : staff.citySupervisor;
      const name = `${day.slice(0, 4)}年第${b + 1}批${ISSUE_TITLES.batch?.[b % 4] ?? '问题整改'}`;
      yield row([batchId(b), region, text(name), day, addDays(day, 60), userId(by), timestamp(at)]);
    }
  },
};

export const ruleFinding: TableSpec = {
  name: 'rule_finding',
  columns: [
    'id',
    'rule_id',
    'key',
    'region_code',
    'township_code',
    'explanation',
    'evidence',
    'found_at',
    'last_seen_at',
    'holds',
    'review',
    'reviewed_by',
    'reviewed_at',
    'province_code',
  ],
  *rows({ plan }) {
    for (const i of issues(plan)) {
      if (i.source !== 'rule') continue;
      const v = plan.villages[i.v] as (typeof plan.villages)[number];
      const staff = plan.staff[i.v] as (typeof plan.staff)[number];
      const found = i.createdUs - DAY_US;
      yield row([
        findingId(i.ordinal),
        i.ruleId,
        `${v.code}:${shanghaiDate(found).slice(0, 7)}:${i.ordinal}`,
        v.code,
        v.township,
        text(`${v.name}：${ISSUE_TITLES.rule?.[i.title] ?? '规则发现'}`),
        text(JSON.stringify({ seeded: true })),
        timestamp(found),
        timestamp(found),
        true,
        'confirmed',
        userId(staff.reviewers[0]),
        timestamp(i.createdUs),
        v.province,
      ]);
    }
  },
};

export const supervisionIssue: TableSpec = {
  name: 'supervision_issue',
  columns: [
    'id',
    'source',
    'region_code',
    'assigned_by_region_code',
    'title',
    'description',
    'severity',
    'due_on',
    'status',
    'resolution',
    'amount_recovered',
    'complaint_id',
    'finding_id',
    'batch_id',
    'created_by',
    'created_at',
    'updated_at',
    'resolved_at',
    'verified_at',
    'version',
    'province_code',
  ],
  *rows({ plan }) {
    for (const i of issues(plan)) {
      const v = plan.villages[i.v] as (typeof plan.villages)[number];
      const staff = plan.staff[i.v] as (typeof plan.staff)[number];
      const resolved = i.status === 'resolved' || i.status === 'verified';
      const updated =
        i.status === 'open'
          ? i.createdUs
          : i.status === 'in_progress'
            ? i.startedUs
            : i.status === 'verified'
              ? i.verifiedUs
              : i.resolvedUs;
      const titles = ISSUE_TITLES[i.source] as readonly string[];
      yield row([
        i.id,
        i.source,
        i.atTownship ? v.township : v.code,
        i.source === 'batch' ? (plan.batchRegions[i.batch] as string) : v.county,
        text(`${v.name}${titles[i.title % titles.length]}`),
        text(`请于期限内完成整改并报送整改情况。`),
        i.severity,
        addDays(shanghaiDate(i.createdUs), i.dueDays),
        i.status,
        resolved ? (ISSUE_RESOLUTIONS[i.resolution] as string) : i.status === 'dismissed' ? '经核实不构成问题。' : null,
        resolved && i.recoveredCents !== null
          ? `${Math.floor(i.recoveredCents / 100)}.${String(i.recoveredCents % 100).padStart(2, '0')}`
          : null,
        i.source === 'complaint' ? seedId(IdTag.Complaint, i.ordinal) : null,
        i.source === 'rule' ? findingId(i.ordinal) : null,
        i.source === 'batch' ? batchId(i.batch) : null,
        i.source === 'rule' ? null : userId(staff.countySupervisor),
        timestamp(i.createdUs),
        timestamp(updated),
        resolved ? timestamp(i.resolvedUs) : null,
        i.status === 'verified' ? timestamp(i.verifiedUs) : null,
        1 +
          (i.status === 'open'
            ? 0
            : i.status === 'in_progress' || i.status === 'dismissed'
              ? 1
              : i.status === 'resolved'
                ? 2
                : 3),
        v.province,
      ]);
    }
  },
};

export const supervisionIssueEvent: TableSpec = {
  name: 'supervision_issue_event',
  columns: ['issue_id', 'kind', 'status', 'note', 'actor_id', 'at', 'province_code'],
  *rows({ plan }) {
    for (const i of issues(plan)) {
      const staff = plan.staff[i.v] as (typeof plan.staff)[number];
      const province = (plan.villages[i.v] as (typeof plan.villages)[number]).province;
      const handler = userId(staff.reviewers[0]);
      const ev = (kind: string, status: string, actor: string | null, atUs: number, note: string | null = null) =>
        row([i.id, kind, status, text(note), actor, timestamp(atUs), province]);
      yield ev('created', 'open', i.source === 'rule' ? null : userId(staff.countySupervisor), i.createdUs);
      if (i.status === 'open') continue;
      if (i.status === 'dismissed') {
        yield ev('dismissed', 'dismissed', userId(staff.countySupervisor), i.startedUs, '经核实不构成问题。');
        continue;
      }
      yield ev('started', 'in_progress', handler, i.startedUs);
      if (i.status === 'in_progress') continue;
      yield ev('resolved', 'resolved', handler, i.resolvedUs, ISSUE_RESOLUTIONS[i.resolution] as string);
      if (i.status === 'resolved') continue;
      yield ev('verified', 'verified', userId(staff.countySupervisor), i.verifiedUs);
    }
  },
};
