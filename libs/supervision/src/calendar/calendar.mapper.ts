import { CalendarRow, CountsRow, GridRow, SummaryRow } from './calendar.repository';
import {
  CalendarEntryDto,
  CategoryComplianceDto,
  ComplianceCountsDto,
  ComplianceSummaryDto,
  ObligationDto,
  RegionComplianceDto,
  VillageComplianceDto,
} from './dto/calendar.dto';
import { CATEGORIES } from './obligations.sql';

export function toCalendarEntryDto(row: CalendarRow): CalendarEntryDto {
  return { category: row.category, frequency: row.frequency, dueDay: row.due_day, definedAt: row.defined_at };
}

/** A village's township: its code with the last three digits zero. */
export function townshipOf(village: string): string {
  return `${village.slice(0, 9)}000`;
}

/** Groups a page's rows (ordered by village, category, period) into one item per village. */
export function toVillageComplianceDtos(rows: GridRow[]): VillageComplianceDto[] {
  const items: VillageComplianceDto[] = [];
  for (const row of rows) {
    let item = items[items.length - 1];
    if (item?.villageCode !== row.village_code) {
      item = {
        villageCode: row.village_code,
        villageName: row.village_name,
        townshipCode: townshipOf(row.village_code),
        obligations: [],
      };
      items.push(item);
    }
    if (row.category !== null) item.obligations.push(toObligationDto(row));
  }
  return items;
}

function toObligationDto(row: GridRow): ObligationDto {
  return {
    category: row.category as ObligationDto['category'],
    period: row.period as string,
    dueOn: row.due_on as string,
    status: row.status as ObligationDto['status'],
    publishedAt: row.first_published_at?.toISOString() ?? null,
  };
}

const ZERO: CountsRow = { on_time: 0, late: 0, missing: 0, not_due: 0, on_time_rate: null };

export function toCountsDto(row: CountsRow): ComplianceCountsDto {
  return {
    due: row.on_time + row.late + row.missing,
    onTime: row.on_time,
    late: row.late,
    missing: row.missing,
    notDue: row.not_due,
    onTimeRate: row.on_time_rate,
  };
}

function toRegionComplianceDto(row: SummaryRow): RegionComplianceDto {
  return { code: row.code as string, name: row.name as string, level: Number(row.level), ...toCountsDto(row) };
}

export function toComplianceSummaryDto(
  rows: SummaryRow[],
  range: { from: string; to: string; asOf: Date },
): ComplianceSummaryDto {
  const total = rows.find((r) => r.kind === 'total');
  if (!total) throw new Error('the compliance summary has no total row');
  const categories: CategoryComplianceDto[] = CATEGORIES.map((category) => ({
    category,
    ...toCountsDto(rows.find((r) => r.kind === 'category' && r.category === category) ?? ZERO),
  }));
  return {
    from: range.from,
    to: range.to,
    asOf: range.asOf.toISOString(),
    region: toRegionComplianceDto(total),
    categories,
    children: rows
      .filter((r) => r.kind === 'child')
      .sort((a, b) => (a.code as string).localeCompare(b.code as string))
      .map(toRegionComplianceDto),
  };
}
