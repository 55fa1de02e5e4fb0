import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, Permission } from '@sunshine/access';

import { DisclosuresRepository } from '../disclosures.repository';
import { LedgerRepository } from './ledger.repository';
import { PublicationService } from './publication.service';
import { verifyLedger } from './verify-ledger';

@ApiTags('ledger')
@Controller('ledger')
export class LedgerController {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly disclosures: DisclosuresRepository,
    private readonly publication: PublicationService,
  ) {}

  @Get('verify')
  @Allow(Permission.LedgerVerify, { query: 'region', optional: true })
  @ApiOperation({
    summary: 'Walk the whole publication ledger and report every entry whose content or chain no longer matches',
  })
  verify() {
    return verifyLedger(this.ledger, this.disclosures, this.publication);
  }
}
