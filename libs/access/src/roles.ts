/** Roles of DESIGN.md "Who uses it"; an assignment (user, role, region) applies to the region's subtree. */
export enum Role {
  Resident = 'resident',
  VillageClerk = 'village_clerk',
  VillageMonitor = 'village_monitor',
  TownshipReviewer = 'township_reviewer',
  Supervisor = 'supervisor',
  Admin = 'admin',
}

/** What a signed-in user may do; where is the assignment's region. */
export enum Permission {
  ResidentList = 'resident.list',
  ResidentVerify = 'resident.verify',
  ResidentAssist = 'resident.assist',
  UserManage = 'user.manage',
  RoleRead = 'role.read',
  RoleGrant = 'role.grant',
  RoleRevoke = 'role.revoke',
  AuditRead = 'audit.read',
  DisclosureDraft = 'disclosure.draft',
  DisclosureCheck = 'disclosure.check',
  DisclosureReview = 'disclosure.review',
  DisclosureReadPrivate = 'disclosure.read_private',
  LedgerVerify = 'ledger.verify',
  DisclosureRedact = 'disclosure.redact',
  /** Comment on a published disclosure of one's village (residents). */
  CommentPost = 'comment.post',
  /** Reply to a comment: residents of the village, or the office (village clerk, township reviewer) answering. */
  CommentReply = 'comment.reply',
  /** Hide or restore comments, read the moderation queue (township reviewer). */
  CommentModerate = 'comment.moderate',
  /** Rate a published disclosure of one's village (verified residents; the service checks verification). */
  RatingSubmit = 'rating.submit',
  /** See and answer the follow-ups of negative ratings of the village (village clerk). */
  FollowUpAnswer = 'follow_up.answer',
  /**
   * Accept, start, answer or reject the complaints an office holds, mark duplicates, see and list
   * those held in the subtree (township reviewer, supervisor). Filing needs no permission: any
   * signed-in account may complain, about any village.
   */
  ComplaintHandle = 'complaint.handle',
  /** Refer a complaint the township holds on to the county (township reviewer; the county is the top). */
  ComplaintRefer = 'complaint.refer',
  /** Set the complaint due-date policy of a subtree (admin). */
  ComplaintPolicy = 'complaint.policy',
  /** See the compliance of the subtree's villages with the calendar (township reviewer, supervisor, admin). */
  ComplianceRead = 'compliance.read',
  /** Override the compliance calendar of a subtree (admin). */
  CalendarManage = 'calendar.manage',
  /** See the supervision issues and batches of the subtree (township reviewer, supervisor). */
  IssueRead = 'issue.read',
  /** Start and resolve the issues a region of the subtree is responsible for (township reviewer, supervisor). */
  IssueHandle = 'issue.handle',
  /** Open issues, issue batches, verify and reopen what the caller's level assigned (supervisor). */
  IssueAssign = 'issue.assign',
  /** Confirm or dismiss the potential-issue rules' findings of the subtree (township reviewer, supervisor). */
  FindingReview = 'finding.review',
  /** Set the rules' thresholds of a subtree (admin). */
  RuleConfigure = 'rule.configure',
  /** Read the statistics and dashboards of the subtree (township reviewer, supervisor, admin). */
  StatisticsRead = 'statistics.read',
}

/** The levels at which each role may be assigned (1 province … 5 village). */
export const ROLE_LEVELS: Readonly<Record<Role, readonly number[]>> = {
  [Role.Resident]: [5],
  [Role.VillageClerk]: [5],
  [Role.VillageMonitor]: [5],
  [Role.TownshipReviewer]: [4],
  [Role.Supervisor]: [1, 2, 3],
  [Role.Admin]: [1, 2, 3, 4, 5],
};

/** The one map of roles to permissions, read by the access guard, the tests and the portal. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  [Role.Resident]: [Permission.CommentPost, Permission.CommentReply, Permission.RatingSubmit],
  [Role.VillageClerk]: [
    Permission.ResidentList,
    Permission.ResidentVerify,
    Permission.ResidentAssist,
    Permission.DisclosureDraft,
    Permission.DisclosureReadPrivate,
    Permission.CommentReply,
    Permission.FollowUpAnswer,
  ],
  [Role.VillageMonitor]: [Permission.ResidentList, Permission.DisclosureCheck, Permission.DisclosureReadPrivate],
  [Role.TownshipReviewer]: [
    Permission.ResidentList,
    Permission.DisclosureReview,
    Permission.DisclosureReadPrivate,
    Permission.CommentReply,
    Permission.CommentModerate,
    Permission.ComplaintHandle,
    Permission.ComplaintRefer,
    Permission.ComplianceRead,
    Permission.IssueRead,
    Permission.IssueHandle,
    Permission.FindingReview,
    Permission.StatisticsRead,
  ],
  [Role.Supervisor]: [
    Permission.ResidentList,
    Permission.RoleRead,
    Permission.AuditRead,
    Permission.DisclosureReadPrivate,
    Permission.LedgerVerify,
    Permission.DisclosureRedact,
    Permission.ComplaintHandle,
    Permission.ComplianceRead,
    Permission.IssueRead,
    Permission.IssueHandle,
    Permission.IssueAssign,
    Permission.FindingReview,
    Permission.StatisticsRead,
  ],
  [Role.Admin]: [
    Permission.ResidentList,
    Permission.UserManage,
    Permission.RoleRead,
    Permission.RoleGrant,
    Permission.RoleRevoke,
    Permission.AuditRead,
    Permission.LedgerVerify,
    Permission.ComplaintPolicy,
    Permission.ComplianceRead,
    Permission.CalendarManage,
    Permission.RuleConfigure,
    Permission.StatisticsRead,
  ],
};

/** Roles an official account can hold (residents get theirs by registering). */
export const OFFICIAL_ROLES: readonly Role[] = [
  Role.VillageClerk,
  Role.VillageMonitor,
  Role.TownshipReviewer,
  Role.Supervisor,
  Role.Admin,
];
