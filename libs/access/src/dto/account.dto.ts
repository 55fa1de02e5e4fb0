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

export class AssignmentDto {
  @ApiProperty() id: string;
  @ApiProperty() userId: string;
  @ApiProperty() login: string;
  @ApiProperty() realName: string;
  @ApiProperty({ enum: Object.values(Role) }) role: Role;
  @ApiProperty({ example: '210102001000' }) regionCode: string;
  @ApiProperty({ minimum: 1, maximum: 5 }) regionLevel: number;
  @ApiProperty({ type: String, nullable: true }) grantedBy: string | null;
  @ApiProperty() grantedAt: string;
}

export class AssignmentPageDto extends PageDto(AssignmentDto) {}

export class RoleDto {
  @ApiProperty({ enum: Object.values(Role) }) role: Role;
  @ApiProperty() regionCode: string;
  @ApiProperty() regionLevel: number;
}

export class AccountDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['resident', 'official'] }) kind: string;
  @ApiProperty() login: string;
  @ApiProperty({ type: String, nullable: true }) mobile: string | null;
  @ApiProperty() realName: string;
  @ApiProperty() homeRegionCode: string;
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
  @ApiProperty() createdAt: string;
}

export class ProfileDto extends AccountDto {
  @ApiProperty({ type: [RoleDto] }) roles: RoleDto[];
}

export class AccountPageDto extends PageDto(AccountDto) {}
