import { Module } from '@nestjs/common';
import { AccessModule } from '@sunshine/access';
import { DisclosuresModule } from '@sunshine/disclosures';
import { RegionsModule } from '@sunshine/regions';

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
  controllers: [RulesController, RuleRegionsController],
  providers: [RulesService, FindingTargets],
  exports: [],
})
export class SupervisionModule {}
