import { BatchRegionRow, BatchRow } from './batches.repository';
import { BatchDto, BatchRegionDto, BatchSummaryDto } from './dto/batch.dto';

export function toBatchSummaryDto(row: BatchRow): BatchSummaryDto {
  return {
    id: row.id,
    regionCode: row.region_code,
    name: row.name,
    issuedOn: row.issued_on,
    deadline: row.deadline,
    assigned: row.assigned,
    completed: row.completed,
    completionRate: row.completion_rate,
    overdue: row.overdue,
    createdAt: row.created_at.toISOString(),
  };
}

export function toBatchRegionDto(row: BatchRegionRow): BatchRegionDto {
  return {
    regionCode: row.region_code,
    regionName: row.region_name,
    assigned: row.assigned,
    completed: row.completed,
    completionRate: row.completion_rate,
  };
}

export function toBatchDto(row: BatchRow, byRegion: BatchRegionRow[]): BatchDto {
  return { ...toBatchSummaryDto(row), byRegion: byRegion.map(toBatchRegionDto) };
}
