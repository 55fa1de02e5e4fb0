import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, OpenAPIObject } from '@nestjs/swagger';

class FieldErrorDto {
  @ApiProperty({ example: 'limit' }) field: string;
  @ApiProperty({ type: [String] }) messages: string[];
}

/** RFC 9457 problem details, the body of every error reply. */
export class ProblemDto {
  @ApiProperty({ example: '/problems/region-not-found' }) type: string;
  @ApiProperty({ example: 'Region not found' }) title: string;
  @ApiProperty({ example: 404 }) status: number;
  @ApiPropertyOptional() detail?: string;
  @ApiProperty({ example: 'REGION_NOT_FOUND', description: 'Stable machine-readable code' }) code: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional() requestId?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed or invalid input (VALIDATION_FAILED lists the fields)',
  404: 'Not found',
  409: 'Conflict',
  412: 'Precondition failed',
  422: 'Unprocessable',
  429: 'Too many requests',
  503: 'Service unavailable',
};

/** Documents the problem replies a route may give. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Problem',
        type: ProblemDto,
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      }),
    ),
  );
}

/** Error replies are `application/problem+json`; the decorators above can only say `application/json`. */
export function useProblemMediaType(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const responses = (operation as { responses?: Record<string, { content?: Record<string, unknown> }> }).responses;
      for (const [status, response] of Object.entries(responses ?? {})) {
        const json = response.content?.['application/json'];
        if (Number(status) >= 400 && json) response.content = { 'application/problem+json': json };
      }
    }
  }
  return document;
}
