import { Injectable } from '@nestjs/common';
import { Actor, AuditService } from '@sunshine/access';
import { Db } from '@sunshine/core';
import { ancestorCodes, RegionsService } from '@sunshine/regions';

import { ComplaintsRepository } from './complaints.repository';
import { DuePolicyDto, DuePolicyInputDto } from './dto/complaint.dto';

/** Days to accept and to answer when no region above the village has a policy. */
export const DEFAULT_DUE_DAYS = { acceptDays: 3, answerDays: 15 } as const;

/** Due dates per subtree: the nearest ancestor's policy (the village's own included) applies. */
@Injectable()
export class ComplaintDuePolicyService {
  constructor(
    private readonly complaints: ComplaintsRepository,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
    private readonly db: Db,
  ) {}

  async daysFor(village: string): Promise<{ acceptDays: number; answerDays: number }> {
    const policy = await this.complaints.nearestPolicy([...ancestorCodes(village, 5), village]);
    return policy ? { acceptDays: policy.accept_days, answerDays: policy.answer_days } : { ...DEFAULT_DUE_DAYS };
  }

  async put(regionCode: string, input: DuePolicyInputDto, actor: Actor): Promise<DuePolicyDto> {
    await this.regions.subtreeOf(regionCode); // 404 for an unknown region
    await this.db.transaction(async (m) => {
      await this.complaints.putPolicy(regionCode, input.acceptDays, input.answerDays, actor.userId as string, m);
      await this.audit.record(
        actor,
        {
          action: 'complaint.due_policy_set',
          result: 'success',
          targetType: 'region',
          targetId: regionCode,
          regionCode,
          detail: { acceptDays: input.acceptDays, answerDays: input.answerDays },
        },
        m,
      );
    });
    return { regionCode, acceptDays: input.acceptDays, answerDays: input.answerDays };
  }
}
