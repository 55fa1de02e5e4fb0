import { createParamDecorator, ExecutionContext } from '@nestjs/common';

import { AccessRequest } from '../access.decorators';
import { UserRow } from '../accounts/accounts.repository';

/** The account whose credentials passport-local just checked (sign-in route only). */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): UserRow => ctx.switchToHttp().getRequest<AccessRequest>().user as UserRow,
);
