import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ description: 'Mobile number (residents) or login name (officials)', example: 'demo-clerk' })
  @IsString()
  @Length(1, 64)
  login: string;

  @ApiProperty({ example: 'Demo-Clerk-2026' })
  @IsString()
  @Length(1, 128)
  password: string;

  @ApiPropertyOptional({ description: 'Current code of the enrolled authenticator', example: '123456' })
  @IsOptional()
  @Matches(/^\d{6}$/)
  totp?: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @Length(20, 100)
  refreshToken: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'JWT to send as `Authorization: Bearer <accessToken>`' }) accessToken: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType: 'Bearer';
  @ApiProperty({ type: 'integer', description: 'Seconds the access token stays valid', example: 900 })
  expiresIn: number;
  @ApiProperty({ description: 'Single use: each refresh returns a new one' }) refreshToken: string;
}

/** A sign-in reply, for the documentation (the access token shortened). */
export const TOKEN_PAIR_EXAMPLE: TokenPairDto = {
  accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwYjdjOWMxZSJ9.c2lnbmF0dXJl',
  tokenType: 'Bearer',
  expiresIn: 900,
  refreshToken: 'Z8Anem_jEzZ_CmkhaAdeTd9dSjPq75Go-5uakN38E5I',
};

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(128)
  currentPassword: string;

  @ApiProperty()
  @IsString()
  @MaxLength(128)
  newPassword: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456' })
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}

export class TotpEnrolmentDto {
  @ApiProperty({ description: 'Base32 secret for the authenticator app' }) secret: string;
  @ApiProperty({ description: 'otpauth:// URL, for a QR code' }) otpauthUrl: string;
}
