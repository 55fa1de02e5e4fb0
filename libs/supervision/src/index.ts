export * from './calendar/obligations.sql';
export * from './supervision.module';
export * from './issues/issue-intake.service';
export type { IssueSeverity, IssueSource, IssueStatus } from './issues/dto/issue.dto';
