import type { components } from '../../api/schema';
import { type MessageKey, t } from '../../i18n';
import { change, percent } from './range';

export type Figures = components['schemas']['StatisticsFiguresDto'];
export type YearOnYear = components['schemas']['ComplaintsYearOnYearDto'];
export type RegionStatistics = components['schemas']['RegionStatisticsDto'];
export type ChildrenStatistics = components['schemas']['ChildrenStatisticsDto'];
export type ComplianceSummary = components['schemas']['ComplianceSummaryDto'];

export interface Figure {
  /** Stable id (data-test `fig-<id>` on the page, a column of the CSV). */
  id: string;
  label: MessageKey;
  /** As shown: a count, a rate "99.9%", a change "−48.1%", or "—". */
  text: string;
  /** As exported: the API's own value (count, "99.9", "-48.1"), null when it has none. */
  raw: string | number | null;
}

export interface FigureGroup {
  id: string;
  title: MessageKey;
  /** The first figure is the group's headline. */
  figures: Figure[];
}

const count = (id: string, label: MessageKey, n: number): Figure => ({
  id,
  label,
  text: n.toLocaleString('zh-CN'),
  raw: n,
});
const rate = (id: string, label: MessageKey, r: string | null): Figure => ({ id, label, text: percent(r), raw: r });

/** The headline figures of a subtree, grouped as the dashboard shows them (year on year only for the region itself). */
export function figureGroups(f: Figures, yoy?: YearOnYear): FigureGroup[] {
  const complaints: Figure[] = [count('complaints-filed', 'sv.dash.filed', f.complaints.filed)];
  if (yoy) complaints.push({ id: 'complaints-yoy', label: 'sv.dash.yoy', text: change(yoy.change), raw: yoy.change });
  complaints.push(
    rate('complaints-answered-on-time', 'sv.dash.answeredOnTime', f.complaints.answeredOnTimeRate),
    rate('complaints-resolution', 'sv.dash.resolution', f.complaints.resolutionRate),
    {
      id: 'complaints-median-days',
      label: 'sv.dash.medianDays',
      text: f.complaints.medianDaysToResolution ?? '—',
      raw: f.complaints.medianDaysToResolution,
    },
  );
  return [
    {
      id: 'residents',
      title: 'sv.dash.residents',
      figures: [
        count('residents-registered', 'sv.dash.registered', f.residentsRegistered),
        count('residents-verified', 'sv.dash.verified', f.residentsVerified),
      ],
    },
    {
      id: 'disclosures',
      title: 'sv.dash.disclosures',
      figures: [
        count('disclosures-total', 'sv.dash.total', f.disclosures.total),
        count('disclosures-party', 'sv.dash.party', f.disclosures.party),
        count('disclosures-village', 'sv.dash.village', f.disclosures.village),
        count('disclosures-finance', 'sv.dash.finance', f.disclosures.finance),
      ],
    },
    {
      id: 'obligations',
      title: 'sv.dash.onTime',
      figures: [
        rate('obligations-on-time-rate', 'sv.dash.onTime', f.obligations.onTimeRate),
        count('obligations-due', 'sv.dash.due', f.obligations.due),
        count('obligations-on-time', 'sv.dash.onTimeCount', f.obligations.onTime),
        count('obligations-late', 'sv.dash.late', f.obligations.late),
        count('obligations-missing', 'sv.dash.missing', f.obligations.missing),
      ],
    },
    { id: 'complaints', title: 'sv.dash.complaints', figures: complaints },
    {
      id: 'issues',
      title: 'sv.dash.issues',
      figures: [
        rate('issues-completion', 'sv.dash.completion', f.issues.completionRate),
        count('issues-total', 'sv.dash.total', f.issues.total),
        count('issues-open', 'sv.dash.open', f.issues.open),
        count('issues-in-progress', 'sv.dash.inProgress', f.issues.inProgress),
        count('issues-resolved', 'sv.dash.resolved', f.issues.resolved),
        count('issues-verified', 'sv.dash.verified2', f.issues.verified),
        count('issues-dismissed', 'sv.dash.dismissed', f.issues.dismissed),
      ],
    },
    {
      id: 'ratings',
      title: 'sv.dash.ratings',
      figures: [
        rate('ratings-satisfaction', 'sv.dash.satisfaction', f.ratings.satisfactionRate),
        count('ratings-count', 'sv.dash.ratingCount', f.ratings.ratings),
        count('ratings-participants', 'sv.dash.participants', f.ratings.participants),
      ],
    },
  ];
}

/** A figure's label with its group's title where the label alone is ambiguous ("合计"). */
export const figureLabel = (g: FigureGroup, f: Figure) =>
  g.figures[0] === f && g.title === f.label ? t(f.label) : `${t(g.title)} · ${t(f.label)}`;

/** The columns of a drill-down row (the children table and the report's). */
export const CHILD_COLUMNS: { id: string; label: MessageKey }[] = [
  { id: 'disclosures-total', label: 'sv.dash.disclosures' },
  { id: 'obligations-on-time-rate', label: 'sv.dash.onTime' },
  { id: 'complaints-filed', label: 'sv.dash.complaints' },
  { id: 'complaints-resolution', label: 'sv.dash.resolution' },
  { id: 'issues-total', label: 'sv.dash.issues' },
  { id: 'issues-completion', label: 'sv.dash.completion' },
  { id: 'ratings-satisfaction', label: 'sv.dash.satisfaction' },
];

/** The figures of a drill-down row, in the order of CHILD_COLUMNS. */
export function childColumns(f: Figures): Figure[] {
  return [
    count('disclosures-total', 'sv.dash.disclosures', f.disclosures.total),
    rate('obligations-on-time-rate', 'sv.dash.onTime', f.obligations.onTimeRate),
    count('complaints-filed', 'sv.dash.complaints', f.complaints.filed),
    rate('complaints-resolution', 'sv.dash.resolution', f.complaints.resolutionRate),
    count('issues-total', 'sv.dash.issues', f.issues.total),
    rate('issues-completion', 'sv.dash.completion', f.issues.completionRate),
    rate('ratings-satisfaction', 'sv.dash.satisfaction', f.ratings.satisfactionRate),
  ];
}
