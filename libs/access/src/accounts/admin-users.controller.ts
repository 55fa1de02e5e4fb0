import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiCreatedWithLocation, apiPath, ApiProblems } from '@sunshine/core';
import type { FastifyReply } from 'fastify';

import { Allow, CurrentActor } from '../access.decorators';
import { toAccountDto } from '../account.mapper';
import { AccountDto, CreateOfficialDto } from '../dto/account.dto';
import { Actor } from '../principal';
import { Permission } from '../roles';
import { AccountsService } from './accounts.service';

const USER = { resolve: 'user', param: 'id' };

@ApiTags('accounts')
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @Allow(Permission.UserManage, { body: 'regionCode' })
  @ApiOperation({ summary: 'Create an official’s account in your subtree (roles are granted separately)' })
  @ApiCreatedWithLocation(AccountDto, 'The account; `Location` is its path')
  @ApiProblems(400, 409)
  async create(
    @Body() body: CreateOfficialDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccountDto> {
    const account = toAccountDto(await this.accounts.createOfficial(body, actor));
    void reply.header('location', apiPath('admin', 'users', account.id));
    return account;
  }

  @Get(':id')
  @Allow(Permission.UserManage, USER, { hide: true })
  @ApiOperation({ summary: 'An account you manage (the `Location` of a created official)' })
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems(400)
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<AccountDto> {
    return toAccountDto(await this.accounts.account(id));
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Allow(Permission.UserManage, USER)
  @ApiOperation({ summary: 'Disable an account: its sessions stop working on the next request' })
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems(400)
  async disable(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor): Promise<AccountDto> {
    return toAccountDto(await this.accounts.setDisabled(id, true, actor));
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Allow(Permission.UserManage, USER)
  @ApiOperation({ summary: 'Enable a disabled account' })
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems(400)
  async enable(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor): Promise<AccountDto> {
    return toAccountDto(await this.accounts.setDisabled(id, false, actor));
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @Allow(Permission.UserManage, USER)
  @ApiOperation({ summary: 'Lift a lockout after failed sign-ins' })
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems(400)
  async unlock(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor): Promise<AccountDto> {
    return toAccountDto(await this.accounts.unlock(id, actor));
  }
}
