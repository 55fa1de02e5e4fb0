export * from './calendar/compliance.service';
export * from './calendar/dto/calendar.dto';
export * from './calendar/obligations.sql';
export * from './supervision.module';
