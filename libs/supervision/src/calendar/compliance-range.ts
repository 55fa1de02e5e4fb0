import { calendarError, CalendarErrorCode } from './calendar.errors';
import { MAX_RANGE_MONTHS } from './dto/calendar.dto';

/** Months from `from` to `to` inclusive (both `YYYY-MM`); ≤ 0 when `to` is before `from`. */
export function monthsInRange(from: string, to: string): number {
  const index = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
  return index(to) - index(from) + 1;
}

/** Refuses (400) a range that runs backwards or spans more than 24 months. */
export function checkRange(from: string, to: string): void {
  const months = monthsInRange(from, to);
  if (months < 1) throw calendarError(CalendarErrorCode.InvalidRange, `${to} is before ${from}.`);
  if (months > MAX_RANGE_MONTHS)
    throw calendarError(
      CalendarErrorCode.InvalidRange,
      `${from} to ${to} spans ${months} months; ask for at most ${MAX_RANGE_MONTHS}.`,
    );
}
