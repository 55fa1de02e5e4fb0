export * from './calendar/obligations.sql';
export * from './rules/rule-scan.module';
export * from './rules/rule-scanner';
export * from './rules/rules.catalog';
export * from './rules/rules.repository';
export * from './supervision.module';
