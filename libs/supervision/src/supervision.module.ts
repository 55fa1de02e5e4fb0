import { Module } from '@nestjs/common';
import { AccessModule } from '@sunshine/access';
import { DisclosuresModule } from '@sunshine/disclosures';
import { RegionsModule } from '@sunshine/regions';

import { BatchTargets } from './batches/batch-targets';
import { BatchesController } from './batches/batches.controller';
import { BatchesRepository } from './batches/batches.repository';
import { BatchesService } from './batches/batches.service';
import { CalendarRepository } from './calendar/calendar.repository';
import { CalendarService } from './calendar/calendar.service';
import { ComplianceController } from './calendar/compliance.controller';
import { ComplianceService } from './calendar/compliance.service';
import { IssueIntake } from './issues/issue-intake.service';
import { IssueTargets } from './issues/issue-targets';
import { IssueWorkflowService } from './issues/issue-workflow.service';
import { IssuesController } from './issues/issues.controller';
import { IssuesRepository } from './issues/issues.repository';
import { IssuesService } from './issues/issues.service';
import { FindingTargets } from './rules/finding-targets';
import { RuleRegionsController } from './rules/rule-regions.controller';
import { RuleScanModule } from './rules/rule-scan.module';
import { RulesController } from './rules/rules.controller';
import { RulesService } from './rules/rules.service';

/**
 * Supervision: the compliance calendar and the villages' compliance with it (calendar/), supervision
 * issues with their workflow (issues/), batches of issues (batches/) and the potential-issue rules
 * with their findings (rules/). Each part lives in its folder with its controller, service,
 * repository, errors and DTOs. Its SQL reads the published data of other contexts (disclosures,
 * complaints) set-based, never their entities or repositories.
 */
@Module({
  imports: [RegionsModule, AccessModule, DisclosuresModule, RuleScanModule],
  controllers: [ComplianceController, IssuesController, BatchesController, RulesController, RuleRegionsController],
  providers: [
    CalendarRepository,
    CalendarService,
    ComplianceService,
    IssuesRepository,
    IssueIntake,
    IssuesService,
    IssueWorkflowService,
    IssueTargets,
    BatchesRepository,
    BatchesService,
    BatchTargets,
    RulesService,
    FindingTargets,
  ],
  exports: [ComplianceService, IssueIntake],
})
export class SupervisionModule {}
