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
  @ApiProperty({ description: 'Party affairs disclosures first published in the months (still published)' })
  party: number;
  @ApiProperty({ description: 'Village affairs disclosures' }) village: number;
  @ApiProperty({ description: 'Finance disclosures' }) finance: number;
  @ApiProperty() total: number;
}

export class ObligationFiguresDto {
  @ApiProperty({
    description: 'Obligations of the compliance calendar due in the months whose due day has passed (or met early)',
  })
  due: number;
  @ApiProperty() onTime: number;
  @ApiProperty() late: number;
  @ApiProperty() missing: number;
  @rate('onTime ÷ due, percent') onTimeRate: string | null;
}

export class ComplaintFiguresDto {
  @ApiProperty({ description: 'Complaints filed in the months; the other counts are of these complaints' })
  filed: number;
  @ApiProperty() answered: number;
  @ApiProperty({ description: 'Answered by their answer due date' }) answeredOnTime: number;
  @ApiProperty({ description: 'Closed (resolved)' }) resolved: number;
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
  @ApiProperty() open: number;
  @ApiProperty() inProgress: number;
  @ApiProperty() resolved: number;
  @ApiProperty() verified: number;
  @ApiProperty() dismissed: number;
  @ApiProperty() total: number;
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
  @ApiProperty({ description: 'Ratings of disclosures given in the months' }) ratings: number;
  @ApiProperty({ description: 'At 非常满意, 满意 or 基本满意' }) positive: number;
  @ApiProperty({ description: 'Residents rating, counted once per village and month' }) participants: number;
  @rate('positive ÷ ratings, percent') satisfactionRate: string | null;
}

export class StatisticsFiguresDto {
  @ApiProperty({ description: 'Residents registered in the months' }) residentsRegistered: number;
  @ApiProperty({ description: 'Residents verified in the months' }) residentsVerified: number;
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
  @ApiProperty({ description: 'The year of the range’s last month' }) year: number;
  @ApiProperty({ description: 'January through this month (the range’s last) of both years', example: '2026-03' })
  through: string;
  @ApiProperty() thisYear: number;
  @ApiProperty() lastYear: number;
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
  @ApiProperty({ minimum: 1, maximum: 5 }) level: number;
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
