import { Module } from '@nestjs/common';
import { AccessModule } from '@sunshine/access';
import { DisclosuresModule } from '@sunshine/disclosures';
import { RegionsModule } from '@sunshine/regions';

import { CalendarRepository } from './calendar/calendar.repository';
import { CalendarService } from './calendar/calendar.service';
import { ComplianceController } from './calendar/compliance.controller';
import { ComplianceService } from './calendar/compliance.service';

/**
 * Supervision: the compliance calendar and the villages' compliance with it (calendar/), supervision
 * issues with their workflow (issues/), batches of issues (batches/) and the potential-issue rules
 * with their findings (rules/). Each part lives in its folder with its controller, service,
 * repository, errors and DTOs. Its SQL reads the published data of other contexts (disclosures,
 * complaints) set-based, never their entities or repositories.
 */
@Module({
  imports: [RegionsModule, AccessModule, DisclosuresModule],
  controllers: [ComplianceController],
  providers: [CalendarRepository, CalendarService, ComplianceService],
  exports: [ComplianceService],
})
export class SupervisionModule {}
