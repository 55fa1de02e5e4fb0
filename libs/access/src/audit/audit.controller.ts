import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Page } from '@sunshine/core';

import { Allow, CurrentPrincipal } from '../access.decorators';
import { toAuditDto } from '../account.mapper';
import { AuditEntryDto, AuditPageDto } from '../dto/account.dto';
import { AuditQueryDto } from '../dto/queries.dto';
import { Principal, scopeOf } from '../principal';
import { Permission } from '../roles';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Allow(Permission.AuditRead, { query: 'region', optional: true })
  @ApiOperation({ summary: 'Audit entries of your subtree, newest first, filterable' })
  @ApiOkResponse({ type: AuditPageDto, description: 'A page of audit entries' })
  @ApiProblems(400)
  async list(@Query() query: AuditQueryDto, @CurrentPrincipal() principal: Principal): Promise<Page<AuditEntryDto>> {
    const page = await this.audit.list(
      scopeOf(principal, Permission.AuditRead),
      query.region,
      {
        action: query.action,
        result: query.result,
        actorId: query.actor,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      },
      query.cursor,
      query.limit,
    );
    return { items: page.items.map(toAuditDto), nextCursor: page.nextCursor };
  }
}
