import { Injectable } from '@nestjs/common';

const DAY_MS = 24 * 60 * 60 * 1000;

/** `at` plus whole days of 24 hours (due dates). */
export function addDays(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}

/**
 * The time as the application sees it: due dates, overdue lists and rating windows read it here,
 * never `new Date()`, so that tests can move it (`app.get(Clock).set(…)`) instead of sleeping.
 */
@Injectable()
export class Clock {
  private fixed: Date | null = null;

  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }

  /** Tests: stop the clock at `at` (null: back to the real time). Refused in production. */
  set(at: Date | null): void {
    if (process.env.NODE_ENV === 'production') throw new Error('The clock cannot be set in production');
    this.fixed = at;
  }
}
