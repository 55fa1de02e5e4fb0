/**
 * The floor of the officials' requests: sign-in, a clerk's draft and its submission, a township's
 * approval, an authenticated read of a working copy, and the statistics dashboard. Each handler is
 * the fewest statements a careful hand-written one needs: the token is checked in Node, the
 * session and role check joins the handler's own statement, and a write's rows (the change, its
 * review step, maker, audit and ledger entries) go in one statement of data-modifying CTEs.
 * Where content must be checked in Node first (the personal-data scan before a submission, the
 * ledger's content hash before a publication), it is read and locked by one statement and
 * written by a second, in one transaction.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  Headers,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { PublicFields } from '@sunshine/disclosures';
import type { FastifyReply } from 'fastify';
import type { PoolClient } from 'pg';

import { FloorDb } from './floor.db';
import { allowed, signAccessToken, touchSession, verifyBearer } from './session';
import { statisticsParams, statisticsReply, StatisticsRow, statisticsSql } from './statistics.sql';
import { stepRows, workingCopyJson } from './working-copy.sql';

const SECRET = process.env.JWT_SECRET as string;
const ACCESS_TOKEN_SECONDS = 15 * 60;
const OFFICIAL_SESSION_SECONDS = 12 * 3600;
const RESIDENT_SESSION_SECONDS = 30 * 24 * 3600;
const CLIENT = '127.0.0.1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An audit row (its chain is written by the table's trigger); `$n` placeholders or SQL expressions. */
const audit = (actor: string, action: string, type: string, target: string, region: string, detail = `'{}'`) =>
  `INSERT INTO audit_log (id, at, actor_id, action, result, target_type, target_id, region_code, ip, assisted, detail, prev_hash, hash)
   SELECT 0, now(), ${actor}, '${action}', 'success', '${type}', ${target}, ${region}, '${CLIENT}', false, ${detail}::jsonb, '', ''`;

function scryptKey(password: string, stored: string): Promise<boolean> {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return Promise.resolve(false);
  const N = 2 ** Number(logN);
  const expected = Buffer.from(key, 'base64');
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      Buffer.from(salt, 'base64'),
      expected.length,
      { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) },
      (error, derived) => (error ? reject(error) : resolve(timingSafeEqual(derived, expected))),
    ),
  );
}

/** JSON with sorted keys and no white space: the text the ledger's content hash covers. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** The published content of revision `r` of `d` as the ledger and the scanner see it (lines, subsidies, attachments). */
const CONTENT = `json_build_object('disclosureId', d.id, 'regionCode', d.region_code::text, 'category', d.category,
    'period', d.period, 'revision', r.number, 'title', r.title, 'body', r.body, 'correctionReason', r.correction_reason,
    'financeLines', coalesce((SELECT json_agg(json_build_object('lineNo', l.line_no, 'direction', l.direction,
        'accountCode', l.account_code, 'amount', l.amount::text, 'occurredOn', l.occurred_on::text, 'counterparty', l.counterparty,
        'voucherNo', l.voucher_no, 'paymentMethod', l.payment_method, 'note', l.note) ORDER BY l.line_no)
      FROM finance_line l WHERE l.revision_id = r.id), '[]'),
    'subsidies', coalesce((SELECT json_agg(json_build_object('lineNo', s.line_no, 'recipientName', s.recipient_name,
        'villageGroup', s.village_group, 'householdSize', s.household_size, 'subsidyType', s.subsidy_type,
        'amount', s.amount::text) ORDER BY s.line_no) FROM subsidy_entry s WHERE s.revision_id = r.id), '[]'),
    'attachments', coalesce((SELECT json_agg(json_build_object('filename', a.filename, 'mediaType', a.media_type,
        'size', a.size, 'sha256', encode(a.sha256, 'hex')) ORDER BY a.created_at, a.id)
      FROM attachment a WHERE a.revision_id = r.id), '[]'))`;

interface Draft {
  regionCode?: string;
  category?: string;
  period?: string;
  title?: string;
  body?: string;
}

function periodOf(value: string): [string, string] {
  const match = /^(\d{4})-(0[1-9]|1[0-2]|Q[1-4])$/.exec(value);
  if (!match) throw new BadRequestException();
  const year = Number(match[1]);
  const [first, last] = match[2].startsWith('Q')
    ? [(Number(match[2][1]) - 1) * 3 + 1, Number(match[2][1]) * 3]
    : [Number(match[2]), Number(match[2])];
  const day = (m: number, d: number) => `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return [day(first, 1), day(last, new Date(Date.UTC(year, last, 0)).getUTCDate())];
}

@Controller()
export class OfficialsFloor {
  constructor(private readonly db: FloorDb) {}

  /** Counts the attempt and reads the account (one statement); after the password, opens the session (one). */
  @Post('auth/login')
  @HttpCode(200)
  async login(@Body() body: { login?: string; password?: string }) {
    if (typeof body?.login !== 'string' || typeof body.password !== 'string') throw new BadRequestException();
    const [user] = await this.db.query<{
      id: string;
      kind: string;
      password_hash: string;
      home_region_code: string;
      allowed: boolean;
    }>(
      `WITH attempt AS (
         INSERT INTO auth_throttle AS t (kind, subject, client, failures, last_failure_at, locked_until)
         VALUES ('sign_in', $1, $2, 1, now(), NULL)
         ON CONFLICT (kind, subject, client) DO UPDATE SET
           failures = CASE WHEN t.last_failure_at < now() - interval '24 hours' THEN 1 ELSE t.failures + 1 END,
           last_failure_at = now(),
           locked_until = CASE WHEN t.failures + 1 >= 5 THEN now() + interval '15 minutes' END
         WHERE t.locked_until IS NULL OR t.locked_until <= now()
         RETURNING 1)
       SELECT u.id, u.kind, u.password_hash, u.home_region_code::text, EXISTS (SELECT 1 FROM attempt) AS allowed
       FROM app_user u WHERE u.login = $1 AND u.disabled_at IS NULL`,
      [body.login, CLIENT],
    );
    if (!user?.allowed || !(await scryptKey(body.password, user.password_hash))) throw new UnauthorizedException();
    const refreshToken = randomBytes(32).toString('base64url');
    const [session] = await this.db.query<{ id: string }>(
      `WITH cleared AS (DELETE FROM auth_throttle WHERE kind = 'sign_in' AND subject = $5 AND client = $6),
       s AS (INSERT INTO auth_session (user_id, expires_at) VALUES ($1::uuid, now() + make_interval(secs => $2::int))
             RETURNING id, user_id),
       t AS (INSERT INTO refresh_token (token_hash, session_id) SELECT $3::bytea, id FROM s),
       a AS (${audit('s.user_id', 'auth.sign_in', 'user', 's.user_id', '$4::bigint')} FROM s)
       SELECT id FROM s`,
      [
        user.id,
        user.kind === 'official' ? OFFICIAL_SESSION_SECONDS : RESIDENT_SESSION_SECONDS,
        createHash('sha256').update(refreshToken).digest(),
        user.home_region_code,
        body.login,
        CLIENT,
      ],
    );
    const accessToken = signAccessToken({ sub: user.id, sid: session.id }, SECRET, ACCESS_TOKEN_SECONDS);
    return { accessToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_SECONDS, refreshToken };
  }

  /** A clerk starts a draft: the disclosure, revision 1, its step, maker and audit rows, and the reply, in one statement. */
  @Post('disclosures')
  @HttpCode(201)
  async createDraft(
    @Body() body: Draft,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { sub, sid } = verifyBearer(authorization, SECRET);
    const { regionCode = '', category = '', period = '', title, body: text = '' } = body ?? {};
    if (this.db.regions.get(regionCode)?.level !== 5 || !['party', 'village', 'finance'].includes(category))
      throw new BadRequestException();
    if (typeof title !== 'string' || title.length < 1 || title.length > 200 || typeof text !== 'string')
      throw new BadRequestException();
    const [start, end] = periodOf(period);
    const [row] = await this.db.query<{ body: { disclosure: { id: string } } }>(
      `WITH ${touchSession('$1')},
       d AS (INSERT INTO disclosure (region_code, township_code, county_code, city_code, province_code, category, period,
               period_start, period_end, title, created_by)
             SELECT $3::bigint, $3::bigint / 1000 * 1000, $3::bigint / 1000000 * 1000000, $3::bigint / 100000000 * 100000000,
               $3::bigint / 10000000000 * 10000000000, $4::text, $5::text, $6::date, $7::date, $8::text, $2::uuid
             WHERE ${allowed('$1', '$2', `'{village_clerk}'`, '$3')}
             RETURNING *),
       r AS (INSERT INTO disclosure_revision (disclosure_id, number, title, body, created_by)
             SELECT id, 1, title, $9::text, created_by FROM d RETURNING *),
       s AS (INSERT INTO review_step (revision_id, action, actor_id) SELECT id, 'create', $2::uuid FROM r RETURNING *),
       m AS (INSERT INTO revision_maker (revision_id, user_id) SELECT id, $2::uuid FROM r),
       a AS (${audit('$2::uuid', 'disclosure.create', 'disclosure', 'd.id', 'd.region_code')} FROM d)
       SELECT ${workingCopyJson(
         'd',
         'r',
         `json_build_array(json_build_object('revisionNumber', 1, 'action', 'create',
         'actorId', s.actor_id, 'at', to_char(s.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'reason', NULL))`,
       )} AS body
       FROM d, r, s`,
      [sid, sub, regionCode, category, period, start, end, title, text],
    );
    if (!row) throw new ForbiddenException();
    void reply.header('location', `/api/v1/disclosures/${row.body.disclosure.id}/working`).header('etag', '"1"');
    return row.body;
  }

  /** Submission: the draft locked and read for the personal-data scan, then moved to review with its rows. */
  @Post('disclosures/:id/submit')
  @HttpCode(200)
  async submit(
    @Param('id') id: string,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { sub, sid } = verifyBearer(authorization, SECRET);
    if (!UUID.test(id)) throw new BadRequestException();
    const body = await this.transaction(async (c) => {
      const [draft] = (
        await c.query<{ content: object; allowed: boolean }>(
          `WITH ${touchSession('$2')}
           SELECT ${CONTENT} AS content, ${allowed('$2', '$3', `'{village_clerk}'`, 'd.region_code')} AS allowed
           FROM disclosure d JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.status IN ('draft', 'returned')
           WHERE d.id = $1 FOR UPDATE OF d, r`,
          [id, sid, sub],
        )
      ).rows;
      if (!draft?.allowed) throw new NotFoundException();
      if (PublicFields.scanContent(draft.content).length > 0) throw new ConflictException();
      const [row] = (
        await c.query<{ body: unknown; version: number }>(
          `WITH r AS (UPDATE disclosure_revision SET version = version + 1, submitted_at = now(),
                 status = CASE WHEN (SELECT category FROM disclosure WHERE id = $1) = 'finance' THEN 'monitor_review' ELSE 'township_review' END
               WHERE disclosure_id = $1 AND status IN ('draft', 'returned') RETURNING *),
           s AS (INSERT INTO review_step (revision_id, action, actor_id) SELECT id, 'submit', $2::uuid FROM r RETURNING *),
           m AS (INSERT INTO revision_maker (revision_id, user_id) SELECT id, $2::uuid FROM r ON CONFLICT DO NOTHING),
           a AS (${audit('$2::uuid', 'disclosure.submit', 'disclosure', 'd.id', 'd.region_code', `json_build_object('revision', r.number)`)}
                 FROM disclosure d, r WHERE d.id = $1)
           SELECT ${workingCopyJson(
             'd',
             'r',
             `(SELECT json_agg(x.j ORDER BY x.id) FROM (${stepRows('d')} UNION ALL
                SELECT s.id, json_build_object('revisionNumber', r.number, 'action', 'submit', 'actorId', s.actor_id,
                  'at', to_char(s.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'reason', NULL) FROM s, r) x)`,
           )} AS body, r.version
           FROM disclosure d, r WHERE d.id = $1`,
          [id, sub],
        )
      ).rows;
      void reply.header('etag', `"${row.version}"`);
      return row.body;
    });
    return body;
  }

  /** A township's approval: the revision locked and read for its content hash, then published with its ledger entry. */
  @Post('disclosures/:id/approve')
  @HttpCode(204)
  async approve(@Param('id') id: string, @Headers('authorization') authorization: string | undefined) {
    const { sub, sid } = verifyBearer(authorization, SECRET);
    if (!UUID.test(id)) throw new BadRequestException();
    await this.transaction(async (c) => {
      const [review] = (
        await c.query<{ content: { revision: number }; allowed: boolean; maker: boolean }>(
          `WITH ${touchSession('$2')}
           SELECT ${CONTENT} AS content, ${allowed('$2', '$3', `'{township_reviewer}'`, 'd.region_code')} AS allowed,
             EXISTS (SELECT 1 FROM revision_maker WHERE revision_id = r.id AND user_id = $3) AS maker
           FROM disclosure d JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.status = 'township_review'
           WHERE d.id = $1 FOR UPDATE OF d, r`,
          [id, sid, sub],
        )
      ).rows;
      if (!review?.allowed) throw new NotFoundException();
      if (review.maker) throw new ForbiddenException();
      const hash = createHash('sha256').update(canonicalJson(review.content), 'utf8').digest();
      await c.query(
        `WITH r AS (UPDATE disclosure_revision SET status = 'published', published_at = now(), published_by = $2::uuid, version = version + 1
               WHERE disclosure_id = $1 AND status = 'township_review' RETURNING *),
         d AS (UPDATE disclosure d SET status = 'published', published_revision = r.number, published_at = now(), title = r.title
               FROM r WHERE d.id = $1 RETURNING d.id, d.region_code),
         l AS (INSERT INTO publication_ledger (seq, disclosure_id, revision_number, kind, content_hash, at, prev_hash, entry_hash)
               SELECT 0, r.disclosure_id, r.number, CASE WHEN r.number = 1 THEN 'publish' ELSE 'correct' END, $3::bytea, now(), '', '' FROM r),
         s AS (INSERT INTO review_step (revision_id, action, actor_id) SELECT id, 'approve', $2::uuid FROM r)
         ${audit('$2::uuid', 'disclosure.approve', 'disclosure', 'd.id', 'd.region_code', `json_build_object('revision', r.number, 'reason', NULL)`)}
         FROM d, r`,
        [id, sub, hash],
      );
    });
  }

  /** An official's authenticated read of a disclosure's working copy: one statement, the access check joined. */
  @Get('disclosures/:id/working')
  async working(
    @Param('id') id: string,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { sub, sid } = verifyBearer(authorization, SECRET);
    if (!UUID.test(id)) throw new BadRequestException();
    const [row] = await this.db.query<{ body: unknown; version: number }>(
      `WITH ${touchSession('$2')}
       SELECT ${workingCopyJson('d', 'r', `coalesce((SELECT json_agg(x.j ORDER BY x.id) FROM (${stepRows('d')}) x), '[]')`)} AS body,
         r.version
       FROM disclosure d
       JOIN LATERAL (SELECT * FROM disclosure_revision x WHERE x.disclosure_id = d.id
                       AND (x.status <> 'published' OR x.number = d.published_revision)
                     ORDER BY x.status = 'published', x.number DESC LIMIT 1) r ON true
       WHERE d.id = $1
         AND ${allowed('$2', '$3', `'{village_clerk,village_monitor,township_reviewer,supervisor}'`, 'd.region_code')}`,
      [id, sid, sub],
    );
    if (!row) throw new NotFoundException();
    void reply.header('etag', `"${row.version}"`);
    return row.body;
  }

  /** A subtree's dashboard from the rollups: one statement, summed in Node (bench/floor/statistics.sql.ts). */
  @Get('regions/:code/statistics')
  async statistics(
    @Param('code') code: string,
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Headers('authorization') authorization: string | undefined,
  ) {
    const { sub, sid } = verifyBearer(authorization, SECRET);
    const month = /^\d{4}-(0[1-9]|1[0-2])$/;
    if (
      !this.db.regions.has(code) ||
      !month.test(from ?? '') ||
      !month.test(to ?? '') ||
      (from as string) > (to as string)
    )
      throw new BadRequestException();
    const rows = await this.db.query<StatisticsRow>(
      `WITH ${touchSession('$4')} ${statisticsSql(
        allowed('$4', '$5', `'{township_reviewer,supervisor,admin}'`, 'r.code'),
      )}`,
      [...statisticsParams(code, from as string, to as string), sid, sub],
    );
    const body = statisticsReply(rows, from as string, to as string);
    if (!body) throw new NotFoundException();
    return body;
  }

  private async transaction<T>(work: (c: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.db.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
