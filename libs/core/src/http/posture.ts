import { SetMetadata } from '@nestjs/common';

/**
 * Every route declares its access posture under this key; the access guard refuses a route
 * without one. The postures themselves (public, signed-in, permission + region) are defined by the
 * access context; `Public` lives here so that the kernel's own routes (health, metrics) and public
 * contexts can declare it without depending on access.
 */
export const POSTURE_KEY = 'sunshine:posture';

export interface PublicPosture {
  kind: 'public';
}

/** Anyone, signed in or not. */
export const Public = () => SetMetadata(POSTURE_KEY, { kind: 'public' } satisfies PublicPosture);
