import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  HeaderObject,
  OpenAPIObject,
} from '@nestjs/swagger';

class FieldErrorDto {
  @ApiProperty({ example: 'limit' }) field: string;
  @ApiProperty({ type: [String], example: ['limit must not be greater than 100'] }) messages: string[];
}

/** RFC 9457 problem details, the body of every error reply. */
export class ProblemDto {
  @ApiProperty({ example: '/problems/region-not-found' }) type: string;
  @ApiProperty({ example: 'Region not found' }) title: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 404 }) status: number;
  @ApiPropertyOptional() detail?: string;
  @ApiProperty({ example: 'REGION_NOT_FOUND', description: 'Stable machine-readable code' }) code: string;
  @ApiPropertyOptional() instance?: string;
  @ApiPropertyOptional() requestId?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed or invalid input (VALIDATION_FAILED lists the fields)',
  401: 'No valid access token',
  403: 'Signed in, but not allowed here',
  404: 'Not found',
  409: 'Conflict',
  412: 'Precondition failed',
  422: 'Unprocessable',
  423: 'Locked',
  429: 'Too many requests',
  503: 'Service unavailable',
};

const STRING = { type: 'string' } as const;
const HEADERS: Record<number, Record<string, HeaderObject>> = {
  401: { 'WWW-Authenticate': { description: 'The scheme to authenticate with: `Bearer`', schema: STRING } },
  429: { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } },
  503: {
    'Retry-After': { description: 'Seconds to wait before trying again, when known', schema: { type: 'integer' } },
  },
};

/** Documents the problem replies a route may give. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Problem',
        type: ProblemDto,
        ...(HEADERS[status] ? { headers: HEADERS[status] } : {}),
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } } },
      }),
    ),
  );
}

/** The `Location` header of a 201: the created resource's path (see apiPath). */
export const LOCATION_HEADER: HeaderObject = {
  description: 'The path of the created resource',
  required: true,
  schema: { type: 'string', example: '/api/v1/admin/role-assignments/0b7c9c1e-3f43-4c1b-9a53-2f7e1f7d2a10' },
};

/** Documents a 201 whose body is `type` and whose `Location` names the created resource. */
export function ApiCreatedWithLocation(type: Type<unknown>, description = 'Created'): MethodDecorator & ClassDecorator {
  return ApiCreatedResponse({ type, description, headers: { Location: LOCATION_HEADER } });
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
