import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, toPage } from '@sunshine/core';
import { RegionsService } from '@sunshine/regions';
import { EntityManager } from 'typeorm';

import { Actor, RegionRange } from '../principal';
import { AuditEntry, AuditFilter, AuditRepository, AuditRow } from './audit.repository';

export type AuditEvent = Omit<AuditEntry, 'actorId' | 'ip' | 'requestId'>;

/** The audit log: who, what, which target, when, from where, result, request id. */
@Injectable()
export class AuditService {
  constructor(
    private readonly audit: AuditRepository,
    private readonly regions: RegionsService,
  ) {}

  /** Records `event` by `actor`, in `manager`'s transaction when given (so it commits with the action). */
  record(actor: Actor, event: AuditEvent, manager?: EntityManager): Promise<void> {
    return this.audit.insert({ ...event, actorId: actor.userId, ip: actor.ip, requestId: actor.requestId }, manager);
  }

  /** Newest first, inside `scope`. */
  async list(
    scope: RegionRange[],
    within: string | undefined,
    filter: Omit<AuditFilter, 'scope' | 'beforeId' | 'limit'>,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<AuditRow>> {
    // The guard has checked that `within` lies inside the scope.
    const narrowed = within ? [await this.regions.subtreeOf(within)] : scope;
    const beforeId = cursor ? String(decodeCursor(cursor, [/^\d{1,19}$/])[0]) : undefined;
    const rows = await this.audit.list({ ...filter, scope: narrowed, beforeId, limit: limit + 1 });
    return toPage(
      rows,
      limit,
      (r) => [r.id],
      (r) => r,
    );
  }
}
