import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { ProblemDto, useProblemMediaType } from './api-problems.decorator';
import { PUBLIC_OPERATION_EXTENSION } from './posture';

/** The name of the bearer (JWT) security scheme; `ApiBearerAuth(BEARER_SCHEME)` refers to it. */
export const BEARER_SCHEME = 'bearer';

/**
 * The document's tags, one per context (or per audience of a large one), in the order Swagger UI
 * shows them. Every tag an operation uses must be described here (test/openapi-document.e2e-spec.ts).
 */
export const OPENAPI_TAGS: readonly { name: string; description: string }[] = [
  { name: 'regions', description: 'The administrative divisions: provinces down to villages, by 12-digit code.' },
  {
    name: 'disclosures: public',
    description: 'Published disclosures, finances, feeds and open data: anyone may read them, no token needed.',
  },
  {
    name: 'disclosures: drafting',
    description: 'A village clerk drafts a disclosure: header, finance lines, subsidies and attachments.',
  },
  {
    name: 'disclosures: review',
    description: 'The village monitor and the township reviewer check, approve, return or withdraw disclosures.',
  },
  {
    name: 'disclosures: redaction',
    description: 'Supervisors redact personal data from a published revision (recorded in the ledger).',
  },
  { name: 'ledger', description: 'The tamper-evident ledger of published content: head, entries and verification.' },
  {
    name: 'comments',
    description:
      'Comments on published disclosures by residents of the village, answered by the office (village clerk, township reviewer) one level down; the public list, and your own comments with any moderation reason.',
  },
  {
    name: 'comments: moderation',
    description:
      'Reports by anyone signed in (three put a comment under review) and the township reviewer’s queue, hiding and restoring with a reason.',
  },
  {
    name: 'ratings',
    description:
      'Satisfaction ratings (满意度评价) of published disclosures by verified residents, the village clerk’s follow-ups of negative ones, and the public figures.',
  },
  {
    name: 'complaints',
    description:
      'Complaints (投诉举报) about a village, routed up the hierarchy: the township above it holds them, may refer them to the county; due dates per subtree; the complainant’s own, the officials’ lists, and the consented ones in public without names.',
  },
  {
    name: 'compliance',
    description:
      'The compliance calendar (which category is due for which period, and by when; overridable per subtree) and the villages’ compliance with it: on time, late, missing, not yet due, rolled up as on-time rates.',
  },
  {
    name: 'supervision: issues',
    description:
      'Supervision issues (cases) from complaints, rules, batches or opened by hand: assigned to a responsible region, started, resolved, verified or reopened by the assigning level, with a timeline.',
  },
  {
    name: 'supervision: batches',
    description:
      'Batches of supervision issues issued by a supervisor (county level or above), by upload or one by one, with completion rates per responsible region and overdue issues.',
  },
  {
    name: 'supervision: rules',
    description:
      'Potential-issue rules run over the disclosed data: their thresholds per subtree, their findings with explanation and evidence, confirmed or dismissed by an official.',
  },
  {
    name: 'statistics',
    description:
      'Figures of a region subtree from rollups per village and month: users, disclosures, on-time rate, complaints, issues, ratings, with a monthly series for each.',
  },
  {
    name: 'auth',
    description:
      'Sign-in (a 15-minute bearer access token and a single-use refresh token), registration, password and second factor.',
  },
  {
    name: 'accounts',
    description: 'Officials’ accounts managed by administrators, and residents registered and verified by villages.',
  },
  { name: 'roles', description: 'Role assignments: a role held at a region applies to its whole subtree.' },
  { name: 'audit', description: 'The audit log of sign-ins, access decisions and changes, within your scope.' },
  { name: 'follows', description: 'The regions and complaints you follow: what your notifications are about.' },
  {
    name: 'notifications',
    description:
      'Your in-app notifications (publications, answers, complaint steps, due dates) and how each kind reaches you.',
  },
  { name: 'problems', description: 'A page for each problem `type`: what the code means and what to do.' },
  { name: 'health', description: 'Liveness and readiness probes for load balancers and orchestrators.' },
];

/** The API's OpenAPI document, built from the routes' decorators (served at /api/docs-json). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Sunshine Affairs API')
    .setDescription(
      'Three-affairs (Party, village, finance) transparency portal. Replies are camelCase JSON; errors are ' +
        'RFC 9457 problem details (application/problem+json). Send the access token from `POST /api/v1/auth/login` ' +
        'as `Authorization: Bearer <token>`; operations marked with no security are public.',
    )
    .setVersion('1')
    // Relative: the paths carry the /api/v1 prefix, so the server is wherever the document is served from.
    .addServer('/', 'This server')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from POST /api/v1/auth/login' },
      BEARER_SCHEME,
    );
  for (const tag of OPENAPI_TAGS) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ProblemDto] });
  return useProblemMediaType(markPublicOperations(document));
}

/** Public operations (see `Public()`) say so with `security: []`; the marker extension goes. */
function markPublicOperations(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Record<string, unknown>[]) {
      if (!operation || typeof operation !== 'object' || !(PUBLIC_OPERATION_EXTENSION in operation)) continue;
      delete operation[PUBLIC_OPERATION_EXTENSION];
      // A handler's own bearer posture overrides a public controller's.
      if (!Array.isArray(operation.security) || operation.security.length === 0) operation.security = [];
    }
  }
  return document;
}
