import { ApiProperty } from '@nestjs/swagger';

export class RegionFollowDto {
  @ApiProperty({ pattern: '^[1-9][0-9]{11}$', example: '210102001002' }) regionCode: string;
  @ApiProperty({ example: '水源地社区' }) name: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, example: 5 }) level: number;
  @ApiProperty({ description: 'A resident’s home village, followed without asking (until unfollowed)' })
  home: boolean;
}

export class ComplaintFollowDto {
  @ApiProperty({ format: 'uuid', example: '0b7c9c1e-3f43-4c1b-9a53-2f7e1f7d2a10' }) complaintId: string;
  @ApiProperty({ format: 'date-time', example: '2026-10-08T01:02:03.456Z' }) followedAt: string;
}

/** What the user follows: publications in the regions' subtrees, the complaints' status changes. */
export class FollowsDto {
  @ApiProperty({ type: RegionFollowDto, isArray: true, description: 'In region code order' })
  regions: RegionFollowDto[];
  @ApiProperty({ type: ComplaintFollowDto, isArray: true, description: 'Newest first' })
  complaints: ComplaintFollowDto[];
}
