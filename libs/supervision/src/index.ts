export * from './calendar/obligations.sql';
export * from './supervision.module';
