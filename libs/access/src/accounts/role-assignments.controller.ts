import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiCreatedWithLocation, apiPath, ApiProblems, Page } from '@sunshine/core';
import type { FastifyReply } from 'fastify';

import { Allow, CurrentActor, CurrentPrincipal } from '../access.decorators';
import { toAssignmentDto } from '../account.mapper';
import { AssignmentDto, AssignmentPageDto, GrantRoleDto } from '../dto/account.dto';
import { RegionScopedQueryDto } from '../dto/queries.dto';
import { Actor, Principal, scopeOf } from '../principal';
import { Permission } from '../roles';
import { RolesService } from './roles.service';

const ASSIGNMENT = { resolve: 'assignment', param: 'id' };

@ApiTags('roles')
@Controller('admin/role-assignments')
export class RoleAssignmentsController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @Allow(Permission.RoleRead, { query: 'region', optional: true })
  @ApiOperation({ summary: 'Active role assignments inside your scope (optionally one subtree)' })
  @ApiOkResponse({ type: AssignmentPageDto })
  @ApiProblems(400)
  async list(
    @Query() query: RegionScopedQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Page<AssignmentDto>> {
    const page = await this.roles.list(
      scopeOf(principal, Permission.RoleRead),
      query.region,
      query.cursor,
      query.limit,
    );
    return { items: page.items.map(toAssignmentDto), nextCursor: page.nextCursor };
  }

  @Post()
  @Allow(Permission.RoleGrant, { body: 'regionCode' })
  @ApiOperation({ summary: 'Grant a role at a region inside your subtree (the role’s level must fit the region)' })
  @ApiCreatedWithLocation(AssignmentDto, 'The assignment; `Location` is its path (DELETE it to revoke)')
  @ApiProblems(400, 409, 422)
  async grant(
    @Body() body: GrantRoleDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AssignmentDto> {
    const assignment = toAssignmentDto(await this.roles.grant(body.userId, body.role, body.regionCode, actor));
    void reply.header('location', apiPath('admin', 'role-assignments', assignment.id));
    return assignment;
  }

  @Get(':id')
  @Allow(Permission.RoleRead, ASSIGNMENT, { hide: true })
  @ApiOperation({ summary: 'An active role assignment inside your scope (the `Location` of a grant)' })
  @ApiOkResponse({ type: AssignmentDto })
  @ApiProblems(400)
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<AssignmentDto> {
    return toAssignmentDto(await this.roles.assignment(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow(Permission.RoleRevoke, ASSIGNMENT)
  @ApiOperation({ summary: 'Revoke a role assignment; it stops applying on the holder’s next request' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(400)
  revoke(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor): Promise<void> {
    return this.roles.revoke(id, actor);
  }
}
