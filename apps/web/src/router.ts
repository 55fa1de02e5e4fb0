import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';

import { type Access, allowed } from './access';

declare module 'vue-router' {
  interface RouteMeta {
    /** Who may open the page (see access.ts); absent: everyone. */
    access?: Access;
  }
}

/** Every page of the portal, each loaded when first visited (the first page loads only its own code). */
const routes: RouteRecordRaw[] = [
  // public: pages/public/
  { path: '/', name: 'home', component: () => import('./pages/public/HomePage.vue') },
  { path: '/regions/:code', name: 'region', component: () => import('./pages/public/RegionPage.vue') },
  { path: '/regions/:code/finances', name: 'finances', component: () => import('./pages/public/FinancePage.vue') },
  { path: '/disclosures/:id', name: 'disclosure', component: () => import('./pages/public/DisclosurePage.vue') },
  { path: '/disclosures/:id/notice', name: 'notice', component: () => import('./pages/public/NoticePage.vue') },
  // resident: pages/resident/
  { path: '/login', name: 'login', component: () => import('./pages/resident/LoginPage.vue') },
  { path: '/register', name: 'register', component: () => import('./pages/resident/RegisterPage.vue') },
  { path: '/me', name: 'me', component: () => import('./pages/resident/MePage.vue'), meta: { access: 'signedIn' } },
  {
    path: '/me/notifications',
    name: 'notifications',
    component: () => import('./pages/resident/NotificationsPage.vue'),
    meta: { access: 'signedIn' },
  },
  {
    path: '/me/complaints',
    name: 'my-complaints',
    component: () => import('./pages/resident/MyComplaintsPage.vue'),
    meta: { access: 'signedIn' },
  },
  {
    path: '/complaints/new',
    name: 'complaint-new',
    component: () => import('./pages/resident/ComplaintNewPage.vue'),
    meta: { access: 'signedIn' },
  },
  {
    path: '/complaints/:id',
    name: 'complaint',
    component: () => import('./pages/resident/ComplaintPage.vue'),
    meta: { access: 'signedIn' },
  },
  // staff: pages/staff/
  {
    path: '/work',
    name: 'work',
    component: () => import('./pages/staff/WorkPage.vue'),
    meta: { access: 'village_clerk' },
  },
  {
    path: '/work/new',
    name: 'draft-new',
    component: () => import('./pages/staff/DraftNewPage.vue'),
    meta: { access: 'village_clerk' },
  },
  {
    path: '/work/drafts/:id',
    name: 'draft',
    component: () => import('./pages/staff/DraftPage.vue'),
    meta: { access: 'village_clerk' },
  },
  {
    path: '/work/follow-ups',
    name: 'follow-ups',
    component: () => import('./pages/staff/FollowUpsPage.vue'),
    meta: { access: 'village_clerk' },
  },
  {
    path: '/work/residents',
    name: 'residents',
    component: () => import('./pages/staff/ResidentsPage.vue'),
    meta: { access: 'village_clerk' },
  },
  {
    path: '/review',
    name: 'review-queue',
    component: () => import('./pages/staff/ReviewQueuePage.vue'),
    meta: { access: 'reviewer' },
  },
  {
    path: '/review/:id',
    name: 'review',
    component: () => import('./pages/staff/ReviewPage.vue'),
    meta: { access: 'reviewer' },
  },
  {
    path: '/inbox',
    name: 'inbox',
    component: () => import('./pages/staff/ComplaintsInboxPage.vue'),
    meta: { access: 'complaints' },
  },
  {
    path: '/moderation',
    name: 'moderation',
    component: () => import('./pages/staff/ModerationPage.vue'),
    meta: { access: 'township_reviewer' },
  },
  // supervision: pages/supervision/ (figures: township reviewers, supervisors, admins; cases: reviewers and supervisors)
  {
    path: '/supervision/dashboard/:code(\\d{12})?',
    name: 'supervision-dashboard',
    component: () => import('./pages/supervision/SupervisionDashboardPage.vue'),
    meta: { access: 'compliance' },
  },
  {
    path: '/supervision/report/:code(\\d{12})?',
    name: 'supervision-report',
    component: () => import('./pages/supervision/SupervisionReportPage.vue'),
    meta: { access: 'compliance' },
  },
  {
    path: '/supervision/compliance/:code?',
    name: 'sv-compliance',
    component: () => import('./pages/supervision/CompliancePage.vue'),
    meta: { access: 'compliance' },
  },
  {
    path: '/supervision/issues',
    name: 'sv-issues',
    component: () => import('./pages/supervision/IssuesPage.vue'),
    meta: { access: 'supervision' },
  },
  {
    path: '/supervision/issues/:id',
    name: 'sv-issue',
    component: () => import('./pages/supervision/IssuePage.vue'),
    meta: { access: 'supervision' },
  },
  {
    path: '/supervision/batches',
    name: 'sv-batches',
    component: () => import('./pages/supervision/BatchesPage.vue'),
    meta: { access: 'supervision' },
  },
  {
    path: '/supervision/batches/:id',
    name: 'sv-batch',
    component: () => import('./pages/supervision/BatchPage.vue'),
    meta: { access: 'supervision' },
  },
  {
    path: '/supervision/findings',
    name: 'sv-findings',
    component: () => import('./pages/supervision/FindingsPage.vue'),
    meta: { access: 'supervision' },
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue') },
];

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

/** A page that needs a role sends a signed-out visitor to sign in first, and back afterwards. */
router.beforeEach(async (to) => {
  const access = to.meta.access;
  if (!access) return true;
  if (!(await allowed(access))) return { name: 'login', query: { next: to.fullPath } };
  return true;
});
