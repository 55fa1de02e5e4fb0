import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { DatabaseServer } from '../database/database-server';
import { Db } from '../database/db';
import { ReadReplicas } from '../database/read-replicas';
import { coreError, CoreErrorCode } from '../errors/core.errors';
import { ApiProblems } from '../http/api-problems.decorator';
import { Public } from '../http/posture';
import { RedisConnection } from '../redis/redis-connection';
import { LivenessDto, ReadinessDto } from './health.dto';
import { Readiness } from './readiness';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Db,
    private readonly server: DatabaseServer,
    private readonly readiness: Readiness,
    private readonly replicas: ReadReplicas,
    private readonly redis: RedisConnection,
  ) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ type: LivenessDto })
  @ApiProblems(400)
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'The database answers and the process is not shutting down',
    description:
      'With REDIS_URL set, `redis` tells whether Redis answers; while it does not, the process stays ready and applies the rate limits on its own.',
  })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiProblems(400, 503)
  async ready(): Promise<ReadinessDto> {
    if (this.readiness.isDraining) throw coreError(CoreErrorCode.ServiceUnavailable, 'The service is shutting down.');
    // A restarting embedded server is down even if a pooled connection to a dying backend still answers.
    if (!this.server.isUp) throw coreError(CoreErrorCode.ServiceUnavailable, 'The database is restarting.');
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw coreError(CoreErrorCode.ServiceUnavailable, 'The database does not answer.');
    }
    const reply: ReadinessDto = { status: 'ok', database: 'up' };
    if (this.replicas.enabled) reply.replicas = this.replicas.status();
    if (this.redis.configured) reply.redis = (await this.redis.state()) === 'up' ? 'up' : 'down';
    return reply;
  }
}
