/**
 * The tables that grow with the province: more than 100,000 rows at full scale (16,700 villages,
 * 8.71 million users, 3.68 million disclosures), with the size `npm run seed:province -- --scale 1`
 * aims at. Every rule about size reads this one declaration: no request path may scan one of them
 * sequentially (test/query-plans), and each carries its province code so that it can be
 * distributed or partitioned by it (docs/scaling.md).
 */
export const LARGE_TABLES: Readonly<Record<string, number>> = {
  app_user: 8_710_000,
  role_assignment: 8_730_000,
  auth_session: 500_000,
  refresh_token: 500_000,
  audit_log: 20_000_000,
  idempotency_key: 1_000_000,
  disclosure: 3_680_000,
  disclosure_revision: 3_900_000,
  revision_maker: 3_900_000,
  review_step: 7_500_000,
  finance_line: 15_000_000,
  subsidy_entry: 2_000_000,
  attachment: 1_000_000,
  publication_ledger: 3_900_000,
  disclosure_rating: 6_600_000,
  rating_follow_up: 200_000,
  comment: 1_500_000,
  complaint: 100_000,
  complaint_event: 400_000,
  notification: 2_000_000,
  notification_outbox: 2_000_000,
  supervision_issue: 240_000,
  supervision_issue_event: 960_000,
  rule_finding: 300_000,
  stats_village_month: 1_800_000,
};

export const isLargeTable = (table: string): boolean => Object.hasOwn(LARGE_TABLES, table);
