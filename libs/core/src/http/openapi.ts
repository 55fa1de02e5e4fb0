import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { ProblemDto, useProblemMediaType } from './api-problems.decorator';

/** The API's OpenAPI document, built from the routes' decorators (served at /api/docs-json). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return useProblemMediaType(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Sunshine Affairs API')
        .setDescription(
          'Three-affairs (Party, village, finance) transparency portal. Errors are RFC 9457 problem details.',
        )
        .setVersion('1')
        .build(),
      { extraModels: [ProblemDto] },
    ),
  );
}
