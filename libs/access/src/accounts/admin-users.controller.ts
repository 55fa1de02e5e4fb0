import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
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

  @Post(':id/disable')
  @HttpCode(200)
  @Allow(Permission.UserManage, USER)
  @ApiOperation({ summary: 'Disable an account: its sessions stop working on the next request' })
  @ApiOkResponse({ type: AccountDto })
  async disable(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor): Promise<AccountDto> {
    return toAccountDto(await this.accounts.setDisabled(id, true, actor));
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Allow(Permission.UserManage, USER)
  @ApiOperation({ summary: 'Enable a disabled account' })
  @ApiOkResponse({ type: AccountDto })
  async enable(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor): Promise<AccountDto> {
    return toAccountDto(await this.accounts.setDisabled(id, false, actor));
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @Allow(Permission.UserManage, USER)
  @ApiOperation({ summary: 'Lift a lockout after failed sign-ins' })
  @ApiOkResponse({ type: AccountDto })
  async unlock(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor): Promise<AccountDto> {
    return toAccountDto(await this.accounts.unlock(id, actor));
  }
}
