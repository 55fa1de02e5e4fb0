export * from './calendar/compliance.service';
export * from './calendar/dto/calendar.dto';
export * from './calendar/obligations.sql';
export type { IssueSeverity, IssueSource, IssueStatus } from './issues/dto/issue.dto';
export * from './issues/issue-intake.service';
export * from './supervision.module';
