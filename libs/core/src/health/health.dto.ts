import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status: 'ok';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status: 'ok';
  @ApiProperty({ enum: ['up'], example: 'up', description: 'The database answered a query' }) database: 'up';
  @ApiPropertyOptional({
    enum: ['up', 'down'],
    example: 'up',
    description:
      'Only with REDIS_URL set. up: rate limits are shared by every API process; down: Redis does not answer, and this process applies them on its own',
  })
  redis?: 'up' | 'down';
}
