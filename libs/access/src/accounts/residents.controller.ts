import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiCreatedWithLocation, ApiProblems, Keyset, Page } from '@sunshine/core';
import { ParseRegionCodePipe } from '@sunshine/regions';
import type { FastifyReply } from 'fastify';

import { Allow, CurrentActor } from '../access.decorators';
import { residentPath, toAccountDto } from '../account.mapper';
import { AccountDto, AccountPageDto, AssistedRegistrationDto } from '../dto/account.dto';
import { ResidentQueryDto } from '../dto/queries.dto';
import { Actor } from '../principal';
import { Permission } from '../roles';
import { AccountsService } from './accounts.service';

const VILLAGE = { param: 'code' };
/** Oldest first: (created_at, id) ascending. */
const RESIDENTS_KEYSET = new Keyset<[string, string]>(['timestamp', 'uuid']);

@ApiTags('accounts')
@Controller('villages/:code/residents')
export class ResidentsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @Allow(Permission.ResidentList, VILLAGE, { hide: true })
  @ApiOperation({ summary: 'Residents of a village, oldest first (identity numbers masked)' })
  @ApiOkResponse({ type: AccountPageDto })
  @ApiProblems(400)
  async list(
    @Param('code', ParseRegionCodePipe) code: string,
    @Query() query: ResidentQueryDto,
  ): Promise<Page<AccountDto>> {
    const after = RESIDENTS_KEYSET.decode(query.cursor);
    const rows = await this.accounts.listResidents(code, query.verified, after, query.limit + 1);
    return RESIDENTS_KEYSET.page(rows, query.limit, (r) => [r.created_key, r.id], toAccountDto);
  }

  @Post()
  @Allow(Permission.ResidentAssist, VILLAGE)
  @ApiOperation({ summary: 'Register a resident who has no phone, on their behalf (marked and audited as assisted)' })
  @ApiCreatedWithLocation(AccountDto, 'The resident’s account; `Location` is its path under the village')
  @ApiProblems(400, 409)
  async registerAssisted(
    @Param('code', ParseRegionCodePipe) code: string,
    @Body() body: AssistedRegistrationDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccountDto> {
    const resident = toAccountDto(
      await this.accounts.registerResident(
        { ...body, mobile: body.mobile ?? null, password: null, villageCode: code },
        actor,
        actor.userId,
      ),
    );
    void reply.header('location', residentPath(resident));
    return resident;
  }

  @Get(':userId')
  @Allow(Permission.ResidentList, VILLAGE, { hide: true })
  @ApiOperation({ summary: 'A resident of the village (the `Location` of a registration; identity number masked)' })
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems(400)
  async get(
    @Param('code', ParseRegionCodePipe) code: string,
    @Param('userId', new ParseUUIDPipe()) userId: string,
  ): Promise<AccountDto> {
    return toAccountDto(await this.accounts.resident(code, userId));
  }

  @Post(':userId/verify')
  @HttpCode(200)
  @Allow(Permission.ResidentVerify, VILLAGE)
  @ApiOperation({ summary: 'Confirm a resident of the village (verified residents may evaluate disclosures)' })
  @ApiOkResponse({ type: AccountDto, description: 'The verified resident (nothing is created: 200)' })
  @ApiProblems(400, 409)
  async verify(
    @Param('code', ParseRegionCodePipe) code: string,
    @Param('userId', new ParseUUIDPipe()) userId: string,
    @CurrentActor() actor: Actor,
  ): Promise<AccountDto> {
    return toAccountDto(await this.accounts.verifyResident(code, userId, actor));
  }
}
