import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, Permission } from '@sunshine/access';
import { ApiProblems, Public } from '@sunshine/core';

import { DisclosuresRepository } from '../disclosures.repository';
import { LedgerEntriesPageDto, LedgerEntriesQueryDto, LedgerHeadDto } from '../dto/ledger.dto';
import { LedgerVerificationDto } from '../dto/working-replies.dto';
import { PublicDisclosuresService } from '../public/public-disclosures.service';
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
    private readonly reads: PublicDisclosuresService,
  ) {}

  @Get('head')
  @Public()
  @ApiOperation({ summary: 'Position and hash of the newest ledger entry (seq "0" and an empty hash while empty)' })
  @ApiOkResponse({ type: LedgerHeadDto })
  head(): Promise<LedgerHeadDto> {
    return this.reads.ledgerHead();
  }

  @Get('entries')
  @Public()
  @ApiOperation({ summary: 'The ledger in order, a page at a time, for mirrors: the entries after position `after`' })
  @ApiOkResponse({ type: LedgerEntriesPageDto })
  @ApiProblems(400)
  entries(@Query() query: LedgerEntriesQueryDto): Promise<LedgerEntriesPageDto> {
    return this.reads.ledgerEntries(query.after ?? '0', query.limit ?? 500);
  }

  @Get('verify')
  @Allow(Permission.LedgerVerify, { query: 'region', optional: true })
  @ApiOperation({
    summary: 'Walk the whole publication ledger and report every entry whose content or chain no longer matches',
  })
  @ApiOkResponse({ type: LedgerVerificationDto })
  @ApiProblems(400)
  verify(): Promise<LedgerVerificationDto> {
    return verifyLedger(this.ledger, this.disclosures, this.publication);
  }
}
