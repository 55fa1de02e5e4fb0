import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageDto, Trim } from '@sunshine/core';
import { IsRegionCode } from '@sunshine/regions';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';

import { OFFICIAL_ROLES, Role } from '../roles';

const MOBILE = /^1[3-9]\d{9}$/;
const ID_NUMBER = {
  description: '18-character resident identity number; stored encrypted, only ever shown masked',
  example: '11010519491231002X',
};

export class RegisterDto {
  @ApiProperty({ description: 'Mainland mobile number; it is also the login', example: '13912345678' })
  @Matches(MOBILE, { message: 'mobile must be a mainland mobile number (11 digits starting 13–19)' })
  mobile: string;

  @ApiProperty({ example: '张三' })
  @Trim()
  @IsString()
  @Length(1, 50)
  realName: string;

  @ApiProperty({ description: 'At least 8 characters, not a common password' })
  @IsString()
  @MaxLength(128)
  password: string;

  @ApiProperty({ description: 'Home village or community (level 5)', example: '210102001002' })
  @IsRegionCode()
  villageCode: string;

  @ApiPropertyOptional(ID_NUMBER)
  @IsOptional()
  @IsString()
  @Length(18, 18)
  idNumber?: string;
}

/** A clerk registering a resident who has no phone. */
export class AssistedRegistrationDto {
  @ApiProperty({ example: '李四' })
  @Trim()
  @IsString()
  @Length(1, 50)
  realName: string;

  @ApiPropertyOptional({ description: 'If the resident has one' })
  @IsOptional()
  @Matches(MOBILE, { message: 'mobile must be a mainland mobile number (11 digits starting 13–19)' })
  mobile?: string;

  @ApiPropertyOptional(ID_NUMBER)
  @IsOptional()
  @IsString()
  @Length(18, 18)
  idNumber?: string;
}

export class CreateOfficialDto {
  @ApiProperty({ description: 'Login name: 3–32 of a-z, 0-9, dot, dash, underscore', example: 'hp-reviewer-01' })
  @Matches(/^[a-z][a-z0-9._-]{2,31}$/, {
    message: 'login must be 3–32 lower-case letters, digits, dots, dashes or underscores, starting with a letter',
  })
  login: string;

  @ApiProperty({ example: '王五' })
  @Trim()
  @IsString()
  @Length(1, 50)
  realName: string;

  @ApiPropertyOptional({ example: '13912345678' })
  @IsOptional()
  @Matches(MOBILE, { message: 'mobile must be a mainland mobile number (11 digits starting 13–19)' })
  mobile?: string;

  @ApiProperty({ description: 'The unit the official works for; must be inside your subtree', example: '210102001000' })
  @IsRegionCode()
  regionCode: string;

  @ApiProperty({ description: 'Initial password: at least 8 characters mixing three of lower, upper, digit, symbol' })
  @IsString()
  @MaxLength(128)
  password: string;
}

export class GrantRoleDto {
  @ApiProperty()
  @IsUUID()
  userId: string;

  @ApiProperty({ enum: OFFICIAL_ROLES })
  @IsIn(OFFICIAL_ROLES)
  role: Role;

  @ApiProperty({ example: '210102001000' })
  @IsRegionCode()
  regionCode: string;
}

const UUID = { format: 'uuid', example: '0b7c9c1e-3f43-4c1b-9a53-2f7e1f7d2a10' } as const;
const DATE_TIME = { format: 'date-time', example: '2026-10-08T01:02:03.456Z' } as const;
const REGION_CODE = { pattern: '^[1-9][0-9]{11}$', example: '210102001000' } as const;
const LEVEL = { type: 'integer', minimum: 1, maximum: 5, example: 4 } as const;

export class AssignmentDto {
  @ApiProperty(UUID) id: string;
  @ApiProperty(UUID) userId: string;
  @ApiProperty({ example: 'hp-reviewer-01' }) login: string;
  @ApiProperty({ example: '王五' }) realName: string;
  @ApiProperty({ enum: Object.values(Role), example: Role.TownshipReviewer }) role: Role;
  @ApiProperty(REGION_CODE) regionCode: string;
  @ApiProperty(LEVEL) regionLevel: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null for assignments made by the system' })
  grantedBy: string | null;
  @ApiProperty(DATE_TIME) grantedAt: string;
}

export class AssignmentPageDto extends PageDto(AssignmentDto) {}

export class RoleDto {
  @ApiProperty({ enum: Object.values(Role), example: Role.TownshipReviewer }) role: Role;
  @ApiProperty(REGION_CODE) regionCode: string;
  @ApiProperty(LEVEL) regionLevel: number;
}

export class AccountDto {
  @ApiProperty(UUID) id: string;
  @ApiProperty({ enum: ['resident', 'official'] }) kind: 'resident' | 'official';
  @ApiProperty({ description: 'Mobile number (residents) or login name (officials)', example: '13912345678' })
  login: string;
  @ApiProperty({ type: String, nullable: true, example: '13912345678' }) mobile: string | null;
  @ApiProperty({ example: '张三' }) realName: string;
  @ApiProperty({ ...REGION_CODE, description: 'Home village (residents) or unit (officials)' })
  homeRegionCode: string;
  @ApiProperty({ type: String, nullable: true, example: '110105********002X', description: 'Always masked' }) idNumber:
    string | null;
  @ApiProperty() verified: boolean;
  @ApiProperty({ description: 'Registered by a clerk on the resident’s behalf' }) assisted: boolean;
  @ApiProperty() disabled: boolean;
  @ApiProperty({ description: 'Sign-in is locked for this login from at least one client address' })
  locked: boolean;
  @ApiProperty({ description: 'The password was set by an admin and must be changed before anything else' })
  passwordChangeRequired: boolean;
  @ApiProperty() totpEnabled: boolean;
  @ApiProperty(DATE_TIME) createdAt: string;
}

export class ProfileDto extends AccountDto {
  @ApiProperty({ type: [RoleDto] }) roles: RoleDto[];
}

export class AccountPageDto extends PageDto(AccountDto) {}

export class AuditEntryDto {
  @ApiProperty({ pattern: '^[0-9]+$', example: '1042', description: 'Sequence number (a 64-bit integer, as a string)' })
  id: string;
  @ApiProperty(DATE_TIME) at: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null for anonymous callers' })
  actorId: string | null;
  @ApiProperty({ example: 'auth.sign_in' }) action: string;
  @ApiProperty({ enum: ['success', 'denied', 'failure'] }) result: string;
  @ApiProperty({ type: String, nullable: true, example: 'disclosure' }) targetType: string | null;
  @ApiProperty({ type: String, nullable: true }) targetId: string | null;
  @ApiProperty({ type: String, nullable: true, example: '210102001002' }) regionCode: string | null;
  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' }) ip: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId: string | null;
  @ApiProperty({ description: 'Done by a clerk on a resident’s behalf' }) assisted: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Details of the action (e.g. `reason`, `revision`), varying by action',
    example: { reason: 'INVALID_CREDENTIALS' },
  })
  detail: Record<string, unknown>;
}

export class AuditPageDto extends PageDto(AuditEntryDto) {}
