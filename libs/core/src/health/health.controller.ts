import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Db } from '../database/db';
import { coreError, CoreErrorCode } from '../errors/core.errors';
import { ApiProblems } from '../http/api-problems.decorator';
import { Public } from '../http/posture';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly db: Db) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'The database answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok', database: 'up' } } })
  @ApiProblems(503)
  async ready(): Promise<{ status: string; database: string }> {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw coreError(CoreErrorCode.ServiceUnavailable, 'The database does not answer.');
    }
    return { status: 'ok', database: 'up' };
  }
}
