import { Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AccessModule, AccessTargets } from '@sunshine/access';
import { RegionsModule } from '@sunshine/regions';
import type { FastifyInstance } from 'fastify';

import { AccountChart } from './account-chart.store';
import { ContentRepository } from './content.repository';
import { DemoDisclosuresSeeder } from './demo/demo-disclosures.seeder';
import { DisclosuresRepository } from './disclosures.repository';
import { LedgerController } from './ledger/ledger.controller';
import { LedgerRepository } from './ledger/ledger.repository';
import { PublicationService } from './ledger/publication.service';
import { closePdfWorkers } from './pii/pdf-reader';
import { DisclosureContentVersion, ReceiptVersion } from './public/disclosure-version.sources';
import { ExportPool, OpenDataRepository } from './public/open-data.repository';
import { OpenDataService } from './public/open-data.service';
import { PublicController } from './public/public.controller';
import { PublicRepository } from './public/public.repository';
import { PublicDisclosuresService } from './public/public-disclosures.service';
import { TitleStatistics } from './public/title-statistics';
import { PublishedDisclosures } from './published-disclosures';
import { RedactionController } from './redaction/redaction.controller';
import { RedactionRepository } from './redaction/redaction.repository';
import { RedactionService } from './redaction/redaction.service';
import { ATTACHMENT_MAX_BYTES } from './workflow/attachment-type';
import { DraftingController } from './workflow/drafting.controller';
import { DraftingService, XLSX_TYPE } from './workflow/drafting.service';
import { ReviewController } from './workflow/review.controller';
import { ReviewService } from './workflow/review.service';
import { WorkingCopyService } from './workflow/working-copy.service';

/** Raw bodies: attachments and line imports arrive as the file itself. */
const FILE_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream', 'text/csv', XLSX_TYPE];

/** Disclosures: drafting, two-step review, immutable publication with its ledger, public reading and open data. */
@Module({
  imports: [RegionsModule, AccessModule],
  controllers: [DraftingController, ReviewController, PublicController, LedgerController, RedactionController],
  providers: [
    AccountChart,
    ContentRepository,
    DemoDisclosuresSeeder,
    DisclosureContentVersion,
    DisclosuresRepository,
    DraftingService,
    ExportPool,
    LedgerRepository,
    OpenDataRepository,
    OpenDataService,
    PublicationService,
    PublicDisclosuresService,
    PublicRepository,
    RedactionRepository,
    ReceiptVersion,
    RedactionService,
    ReviewService,
    TitleStatistics,
    WorkingCopyService,
    PublishedDisclosures,
  ],
  exports: [PublishedDisclosures],
})
export class DisclosuresModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly targets: AccessTargets,
    private readonly disclosures: DisclosuresRepository,
    private readonly http: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    // A disclosure never moves (migrations/1764876000000-disclosure-region-fixed.ts): its region is read once per process.
    this.targets.register('disclosure', (id) => this.disclosures.regionOf(id), { fixed: true });
    const fastify = this.http.httpAdapter?.getInstance<FastifyInstance>();
    if (fastify && !fastify.hasContentTypeParser('application/pdf')) {
      fastify.addContentTypeParser(
        FILE_TYPES,
        { parseAs: 'buffer', bodyLimit: ATTACHMENT_MAX_BYTES },
        (_req, body, done) => done(null, body),
      );
    }
  }

  /** PDF workers kept warm between scans end with the app. */
  async onModuleDestroy(): Promise<void> {
    await closePdfWorkers();
  }
}
