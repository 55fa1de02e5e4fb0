import { Column } from 'typeorm';

/**
 * The counters both rollup tables carry (schema: migrations/…-statistics.ts). Months are China
 * Standard Time; see README "Statistics" for each counter's definition.
 */
export abstract class StatsCounters {
  @Column({ type: 'integer' }) residentsRegistered: number;
  @Column({ type: 'integer' }) residentsVerified: number;
  @Column({ type: 'integer' }) disclosuresParty: number;
  @Column({ type: 'integer' }) disclosuresVillage: number;
  @Column({ type: 'integer' }) disclosuresFinance: number;
  @Column({ type: 'integer' }) obligationsDue: number;
  @Column({ type: 'integer' }) obligationsOnTime: number;
  @Column({ type: 'integer' }) obligationsLate: number;
  @Column({ type: 'integer' }) obligationsMissing: number;
  @Column({ type: 'integer' }) complaintsFiled: number;
  @Column({ type: 'integer' }) complaintsAnswered: number;
  @Column({ type: 'integer' }) complaintsAnsweredOnTime: number;
  @Column({ type: 'integer' }) complaintsResolved: number;
  /** Index d + 1: complaints resolved d whole days after filing. */
  @Column({ type: 'integer', array: true }) resolutionDays: number[];
  /** Issues by source × status (ISSUE_SOURCES × ISSUE_STATUSES, source-major). */
  @Column({ type: 'integer', array: true }) issues: number[];
  @Column({ type: 'integer' }) ratings: number;
  @Column({ type: 'integer' }) ratingsPositive: number;
  @Column({ type: 'integer' }) ratingParticipants: number;
}
