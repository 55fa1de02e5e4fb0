import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** A percentage with one decimal, computed exactly and rounded half up. */
const RATE = '^\\d{1,3}\\.\\d$';
const rate = (description: string) =>
  ApiProperty({
    type: String,
    nullable: true,
    pattern: RATE,
    example: '99.9',
    description: `${description}; null when the denominator is 0`,
  });

export class StatisticsQueryDto {
  @ApiProperty({ description: 'First month, YYYY-MM (China Standard Time)', example: '2026-01' })
  @Matches(MONTH, { message: 'from must be YYYY-MM' })
  from: string;

  @ApiProperty({ description: 'Last month, YYYY-MM; at most 36 months from `from`', example: '2026-12' })
  @Matches(MONTH, { message: 'to must be YYYY-MM' })
  to: string;
}

export class DisclosureCountsDto {
  @ApiProperty({
    type: 'integer',
    description: 'Party affairs disclosures first published in the months (still published)',
  })
  party: number;
  @ApiProperty({ type: 'integer', description: 'Village affairs disclosures' }) village: number;
  @ApiProperty({ type: 'integer', description: 'Finance disclosures' }) finance: number;
  @ApiProperty({ type: 'integer' }) total: number;
}

export class ObligationFiguresDto {
  @ApiProperty({
    type: 'integer',
    description: 'Obligations of the compliance calendar due in the months whose due day has passed (or met early)',
  })
  due: number;
  @ApiProperty({ type: 'integer' }) onTime: number;
  @ApiProperty({ type: 'integer' }) late: number;
  @ApiProperty({ type: 'integer' }) missing: number;
  @rate('onTime ÷ due, percent') onTimeRate: string | null;
}

export class ComplaintFiguresDto {
  @ApiProperty({
    type: 'integer',
    description: 'Complaints filed in the months; the other counts are of these complaints',
  })
  filed: number;
  @ApiProperty({ type: 'integer' }) answered: number;
  @ApiProperty({ type: 'integer', description: 'Answered by their answer due date' }) answeredOnTime: number;
  @ApiProperty({ type: 'integer', description: 'Closed (resolved)' }) resolved: number;
  @rate('answeredOnTime ÷ answered, percent') answeredOnTimeRate: string | null;
  @rate('resolved ÷ filed, percent') resolutionRate: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: '^\\d+(\\.5)?$',
    description:
      'Median whole days from filing to closing (the mean of the two middle ones for an even count); null without a resolution',
  })
  medianDaysToResolution: string | null;
}

export class IssueStatusCountsDto {
  @ApiProperty({ type: 'integer' }) open: number;
  @ApiProperty({ type: 'integer' }) inProgress: number;
  @ApiProperty({ type: 'integer' }) resolved: number;
  @ApiProperty({ type: 'integer' }) verified: number;
  @ApiProperty({ type: 'integer' }) dismissed: number;
  @ApiProperty({ type: 'integer' }) total: number;
  @rate('(resolved + verified) ÷ (total − dismissed), percent') completionRate: string | null;
}

export class IssuesBySourceDto {
  @ApiProperty({ type: IssueStatusCountsDto }) complaint: IssueStatusCountsDto;
  @ApiProperty({ type: IssueStatusCountsDto }) rule: IssueStatusCountsDto;
  @ApiProperty({ type: IssueStatusCountsDto }) batch: IssueStatusCountsDto;
  @ApiProperty({ type: IssueStatusCountsDto }) manual: IssueStatusCountsDto;
}

export class IssueFiguresDto extends IssueStatusCountsDto {
  @ApiProperty({ type: IssuesBySourceDto, description: 'Issues created in the months, by source' })
  bySource: IssuesBySourceDto;
}

export class RatingFiguresDto {
  @ApiProperty({ type: 'integer', description: 'Ratings of disclosures given in the months' }) ratings: number;
  @ApiProperty({ type: 'integer', description: 'At 非常满意, 满意 or 基本满意' }) positive: number;
  @ApiProperty({ type: 'integer', description: 'Residents rating, counted once per village and month' })
  participants: number;
  @rate('positive ÷ ratings, percent') satisfactionRate: string | null;
}

export class StatisticsFiguresDto {
  @ApiProperty({ type: 'integer', description: 'Residents registered in the months' }) residentsRegistered: number;
  @ApiProperty({ type: 'integer', description: 'Residents verified in the months' }) residentsVerified: number;
  @ApiProperty({ type: DisclosureCountsDto }) disclosures: DisclosureCountsDto;
  @ApiProperty({ type: ObligationFiguresDto }) obligations: ObligationFiguresDto;
  @ApiProperty({ type: ComplaintFiguresDto }) complaints: ComplaintFiguresDto;
  @ApiProperty({ type: IssueFiguresDto }) issues: IssueFiguresDto;
  @ApiProperty({ type: RatingFiguresDto }) ratings: RatingFiguresDto;
}

export class StatisticsMonthDto extends StatisticsFiguresDto {
  @ApiProperty({ example: '2026-03' }) month: string;
}

export class ComplaintsYearOnYearDto {
  @ApiProperty({ type: 'integer', description: 'The year of the range’s last month' }) year: number;
  @ApiProperty({ description: 'January through this month (the range’s last) of both years', example: '2026-03' })
  through: string;
  @ApiProperty({ type: 'integer' }) thisYear: number;
  @ApiProperty({ type: 'integer' }) lastYear: number;
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: '^-?\\d+\\.\\d$',
    example: '-48.1',
    description:
      '(thisYear − lastYear) ÷ lastYear, percent, one decimal (half away from zero); null when lastYear is 0',
  })
  change: string | null;
}

export class RegionRefDto {
  @ApiProperty({ example: '210102000000' }) regionCode: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 }) level: number;
}

export class RegionStatisticsDto extends RegionRefDto {
  @ApiProperty({ example: '2026-01' }) from: string;
  @ApiProperty({ example: '2026-12' }) to: string;
  @ApiProperty({ type: StatisticsFiguresDto, description: 'Over the whole range' }) totals: StatisticsFiguresDto;
  @ApiProperty({ type: ComplaintsYearOnYearDto }) complaintsYearOnYear: ComplaintsYearOnYearDto;
  @ApiProperty({ type: [StatisticsMonthDto], description: 'Every month of the range, oldest first' })
  series: StatisticsMonthDto[];
}

export class ChildStatisticsDto extends RegionRefDto {
  @ApiProperty({ type: StatisticsFiguresDto }) totals: StatisticsFiguresDto;
}

export class ChildrenStatisticsDto extends RegionRefDto {
  @ApiProperty({ example: '2026-01' }) from: string;
  @ApiProperty({ example: '2026-12' }) to: string;
  @ApiProperty({ type: [ChildStatisticsDto], description: 'Every child region, in code order' })
  items: ChildStatisticsDto[];
}
