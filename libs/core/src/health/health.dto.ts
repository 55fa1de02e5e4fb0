import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status: 'ok';
}

export class ReplicaStatusDto {
  @ApiProperty({ example: 'replica-1:5432/sunshine', description: 'host:port/database' }) name: string;
  @ApiProperty({
    enum: ['up', 'lagging', 'down'],
    example: 'up',
    description: 'up: takes public reads; lagging: replay behind by more than REPLICA_MAX_LAG_MS; down: unreachable',
  })
  state: 'up' | 'lagging' | 'down';
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 12,
    description: 'Replay lag at the last check, in whole ms',
  })
  lagMs: number | null;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status: 'ok';
  @ApiProperty({ enum: ['up'], example: 'up', description: 'The database answered a query' }) database: 'up';
  @ApiPropertyOptional({
    type: [ReplicaStatusDto],
    description:
      'The read replicas (DATABASE_REPLICA_URLS), when configured. One that is lagging or down does not make the API unready: its reads go to the primary.',
  })
  replicas?: ReplicaStatusDto[];
  @ApiPropertyOptional({
    enum: ['up', 'down'],
    example: 'up',
    description:
      'Only with REDIS_URL set. up: rate limits are shared by every API process; down: Redis does not answer, and this process applies them on its own',
  })
  redis?: 'up' | 'down';
}
