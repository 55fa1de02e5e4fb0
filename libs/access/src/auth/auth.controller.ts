import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiCreatedWithLocation, ApiProblems, Public } from '@sunshine/core';
import type { FastifyReply } from 'fastify';

import { Authenticated, CurrentActor, CurrentPrincipal, RateLimited, SignIn } from '../access.decorators';
import { residentPath, toAccountDto, toProfileDto } from '../account.mapper';
import { UserRow } from '../accounts/accounts.repository';
import { AccountsService } from '../accounts/accounts.service';
import { AccountDto, ProfileDto, RegisterDto } from '../dto/account.dto';
import {
  ChangePasswordDto,
  LoginDto,
  RefreshDto,
  TOKEN_PAIR_EXAMPLE,
  TokenPairDto,
  TotpCodeDto,
  TotpEnrolmentDto,
} from '../dto/auth.dto';
import { Actor, Principal } from '../principal';
import { AuthService } from './auth.service';
import { CurrentUser } from './current-user.decorator';
import { SessionsService } from './sessions.service';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    private readonly accounts: AccountsService,
  ) {}

  @Post('auth/register')
  @RateLimited()
  @ApiOperation({
    summary: 'A resident registers: mobile, real name, password, home village, optional identity number',
  })
  @ApiCreatedWithLocation(AccountDto, 'The new account; `Location` is its path under the home village')
  @ApiProblems(400, 409)
  async register(
    @Body() body: RegisterDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccountDto> {
    const account = toAccountDto(await this.accounts.registerResident({ ...body, password: body.password }, actor));
    void reply.header('location', residentPath(account));
    return account;
  }

  @Post('auth/login')
  @HttpCode(200)
  @SignIn()
  @ApiOperation({ summary: 'Sign in: a 15-minute access token and a single-use refresh token' })
  @ApiOkResponse({ type: TokenPairDto, example: TOKEN_PAIR_EXAMPLE })
  login(@Body() _body: LoginDto, @CurrentUser() user: UserRow, @CurrentActor() actor: Actor): Promise<TokenPairDto> {
    return this.auth.signIn(user, actor);
  }

  @Post('auth/refresh')
  @HttpCode(200)
  @Public() // refresh tokens are 256-bit random: nothing to guess, so no per-address limit
  @ApiOperation({ summary: 'Trade a refresh token for new tokens; a spent token ends its session' })
  @ApiOkResponse({ type: TokenPairDto, example: TOKEN_PAIR_EXAMPLE })
  @ApiProblems(400, 401)
  refresh(@Body() body: RefreshDto, @CurrentActor() actor: Actor): Promise<TokenPairDto> {
    return this.sessions.refresh(body.refreshToken, actor);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Authenticated({ whilePasswordChangeRequired: true })
  @ApiOperation({ summary: 'End this session: its access and refresh tokens stop working at once' })
  @ApiNoContentResponse({ description: 'Signed out' })
  logout(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor): Promise<void> {
    return this.sessions.close(principal, actor);
  }

  @Post('auth/password')
  @HttpCode(204)
  @Authenticated({ whilePasswordChangeRequired: true })
  @ApiOperation({
    summary: 'Change your password; your other sessions end. Five wrong current passwords in a row: 429 for a while',
  })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiProblems(400, 429, 503)
  changePassword(
    @Body() body: ChangePasswordDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.auth.changePassword(principal, body.currentPassword, body.newPassword, actor);
  }

  @Post('auth/totp/enrol')
  @HttpCode(200)
  @Authenticated({ selfService: true })
  @ApiOperation({ summary: 'Start enrolling a TOTP second factor' })
  @ApiOkResponse({ type: TotpEnrolmentDto })
  @ApiProblems(409)
  enrolTotp(@CurrentPrincipal() principal: Principal): Promise<TotpEnrolmentDto> {
    return this.auth.enrolTotp(principal);
  }

  @Post('auth/totp/confirm')
  @HttpCode(204)
  @Authenticated({ selfService: true })
  @ApiOperation({ summary: 'Confirm the enrolment with a current code; sign-in asks for codes from then on' })
  @ApiNoContentResponse({ description: 'Enrolled' })
  @ApiProblems(400, 409)
  confirmTotp(
    @Body() body: TotpCodeDto,
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    return this.auth.confirmTotp(principal, body.code, actor);
  }

  @Get('me')
  @Authenticated({ whilePasswordChangeRequired: true })
  @ApiOperation({ summary: 'Your profile and role assignments' })
  @ApiOkResponse({ type: ProfileDto })
  async me(@CurrentPrincipal() principal: Principal): Promise<ProfileDto> {
    const { user, assignments } = await this.accounts.profile(principal);
    return toProfileDto(user, assignments);
  }
}
