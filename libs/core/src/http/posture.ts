import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/**
 * Every route declares its access posture under this key; the access guard refuses a route
 * without one. The postures themselves (public, signed-in, permission + region) are defined by the
 * access context; `Public` lives here so that the kernel's own routes (health, metrics) and public
 * contexts can declare it without depending on access.
 */
export const POSTURE_KEY = 'sunshine:posture';

/**
 * OpenAPI extension marking a public operation; buildOpenApiDocument turns it into `security: []`
 * (the swagger decorators cannot state "no security" themselves).
 */
export const PUBLIC_OPERATION_EXTENSION = 'x-sunshine-public';

export interface PublicPosture {
  kind: 'public';
}

/** Anyone, signed in or not. */
export const Public = () =>
  applyDecorators(
    SetMetadata(POSTURE_KEY, { kind: 'public' } satisfies PublicPosture),
    ApiExtension(PUBLIC_OPERATION_EXTENSION, true),
  );
