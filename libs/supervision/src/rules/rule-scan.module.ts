import { Module } from '@nestjs/common';
import { JobsModule } from '@sunshine/core';

import { RuleScanner } from './rule-scanner';
import { RulesRepository } from './rules.repository';

/**
 * The rule scan and its job (`rules.scan`), on their own so that the worker app runs them without
 * the HTTP side of the supervision context.
 */
@Module({
  imports: [JobsModule],
  providers: [RulesRepository, RuleScanner],
  exports: [RulesRepository, RuleScanner],
})
export class RuleScanModule {}
