/**
 * The floor of the public reads: each a short handler with its one statement (two for a
 * revalidation that finds the copy stale: the version, then the read). Replies have the app's JSON
 * shape; the content version for the ETag is joined into the read.
 */
import { BadRequestException, Controller, Get, Headers, NotFoundException, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { encodeCursor, FloorDb, iso, LEVEL_COLUMN } from './floor.db';

const LEVEL_NAMES = ['', 'province', 'city', 'county', 'township', 'village'];

/** The region's content version and the tree's: what a list's ETag is made of. */
const VERSION = `SELECT coalesce((SELECT version FROM region_content_version WHERE region_code = $1), 0)::text
    || '.' || (SELECT version FROM region_tree_version)::text AS version`;

function limitOf(raw: string | undefined): number {
  const limit = raw === undefined ? 20 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new BadRequestException();
  return limit;
}

function monthRange(from: string, to: string): [string, string] {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/;
  const a = month.exec(from);
  const b = month.exec(to);
  if (!a || !b) throw new BadRequestException();
  const last = new Date(Date.UTC(Number(b[1]), Number(b[2]), 0)).getUTCDate();
  return [`${from}-01`, `${to}-${last}`];
}

interface ListRow {
  version: string;
  id: string | null;
  region_code: string;
  category: string;
  period: string;
  title: string;
  published_at: Date;
  published_revision: number;
  published_key: string;
}

@Controller()
export class PublicFloor {
  constructor(private readonly db: FloorDb) {}

  /** Newest published of a subtree (the level's ancestor column), optionally by category or title text. */
  @Get('disclosures')
  async list(
    @Query() query: Record<string, string | undefined>,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const code = query.region ?? '';
    const region = this.db.regions.get(code);
    if (!region) throw new NotFoundException();
    const limit = limitOf(query.limit);
    if (ifNoneMatch) {
      const [{ version }] = await this.db.query<{ version: string }>(VERSION, [code]);
      if (ifNoneMatch === `"${version}"`) return reply.code(304).send();
    }
    const params: unknown[] = [code];
    const where = [`d.status = 'published'`, `d.${LEVEL_COLUMN[region.level]} = $1`];
    if (query.category) where.push(`d.category = $${params.push(query.category)}`);
    if (query.q) {
      // The title index holds the region's term with the word's character pairs: a rare word is a
      // few page reads at any level.
      params.push(query.q);
      where.push(
        `(disclosure_title_terms(d.title, d.region_code) COLLATE "C") @> disclosure_search_terms($1::bigint, $${params.length})`,
      );
      where.push(`strpos(lower(d.title), lower($${params.length})) > 0`);
    }
    // The page size written in (a checked integer): as `LIMIT $n` the statement is planned again on
    // every execution above village level, its generic plan costed for a tenth of the rows. A title
    // search keeps it as a parameter: its plan depends on the word, so it is planned for each anyway.
    const rowLimit = query.q ? `$${params.push(limit + 1)}` : String(limit + 1);
    const rows = await this.db.query<ListRow>(
      `SELECT v.version, l.* FROM (${VERSION}) v LEFT JOIN LATERAL (
         SELECT d.id, d.region_code::text, d.category, d.period, d.title, d.published_at, d.published_revision,
           to_char(d.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS published_key
         FROM disclosure d WHERE ${where.join(' AND ')} ORDER BY d.published_at DESC, d.id DESC LIMIT ${rowLimit}) l ON true`,
      params,
    );
    void reply.header('etag', `"${rows[0].version}"`);
    const found = rows.filter((r) => r.id !== null);
    const page = found.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        regionCode: r.region_code,
        category: r.category,
        period: r.period,
        title: r.title,
        publishedAt: r.published_at.toISOString(),
        publishedRevision: r.published_revision,
      })),
      nextCursor: found.length > limit && last ? encodeCursor([last.published_key, last.id as string]) : null,
    };
  }

  /** A published disclosure: its current revision's content, totals and attachments, and its revisions, built in SQL. */
  @Get('disclosures/:id')
  async detail(@Param('id') id: string) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) throw new BadRequestException();
    const [row] = await this.db.query<{ body: unknown }>(
      `SELECT json_build_object(
         'disclosure', json_build_object('id', d.id, 'regionCode', d.region_code::text, 'category', d.category,
           'period', d.period, 'status', d.status, 'title', d.title, 'publishedRevision', d.published_revision,
           'publishedAt', ${iso('d.published_at')}),
         'revision', json_build_object('number', r.number, 'publishedAt', ${iso('r.published_at')},
           'content', json_build_object('disclosureId', d.id, 'regionCode', d.region_code::text, 'category', d.category,
             'period', d.period, 'revision', r.number, 'title', r.title, 'body', r.body, 'correctionReason', r.correction_reason,
             'financeLines', coalesce((SELECT json_agg(json_build_object('lineNo', l.line_no, 'direction', l.direction,
                 'accountCode', l.account_code, 'amount', l.amount::text, 'occurredOn', l.occurred_on::text,
                 'counterparty', l.counterparty, 'voucherNo', l.voucher_no, 'paymentMethod', l.payment_method, 'note', l.note)
                 ORDER BY l.line_no) FROM finance_line l WHERE l.revision_id = r.id), '[]'),
             'subsidies', coalesce((SELECT json_agg(json_build_object('lineNo', s.line_no, 'recipientName', s.recipient_name,
                 'villageGroup', s.village_group, 'householdSize', s.household_size, 'subsidyType', s.subsidy_type,
                 'amount', s.amount::text) ORDER BY s.line_no) FROM subsidy_entry s WHERE s.revision_id = r.id), '[]'),
             'attachments', coalesce((SELECT json_agg(json_build_object('filename', a.filename, 'mediaType', a.media_type,
                 'size', a.size, 'sha256', encode(a.sha256, 'hex')) ORDER BY a.created_at, a.id)
                 FROM attachment a WHERE a.revision_id = r.id), '[]')),
           'totals', coalesce((SELECT json_agg(t ORDER BY t."direction" DESC, t."accountCode") FROM (
               SELECT l.direction, l.account_code AS "accountCode", sum(l.amount)::text AS total, count(*)::int AS lines
               FROM finance_line l WHERE l.revision_id = r.id AND d.category = 'finance' GROUP BY 1, 2) t), '[]'),
           'attachments', coalesce((SELECT json_agg(json_build_object('id', a.id, 'filename', a.filename,
               'mediaType', a.media_type, 'size', a.size, 'sha256', encode(a.sha256, 'hex'),
               'url', '/api/v1/disclosures/' || d.id || '/attachments/' || a.id) ORDER BY a.created_at, a.id)
               FROM attachment a WHERE a.revision_id = r.id), '[]')),
         'revisions', (SELECT json_agg(json_build_object('number', x.number, 'publishedAt', ${iso('x.published_at')},
             'correctionReason', x.correction_reason) ORDER BY x.number)
           FROM disclosure_revision x WHERE x.disclosure_id = d.id AND x.status = 'published')) AS body
       FROM disclosure d JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
       WHERE d.id = $1 AND d.status <> 'draft'`,
      [id],
    );
    if (!row) throw new NotFoundException();
    return row.body;
  }

  /** A village's income, expense and surplus per period, and totals per period and account, in one statement. */
  @Get('regions/:code/finances')
  async finances(@Param('code') code: string, @Query('from') from: string, @Query('to') to: string) {
    if (this.db.regions.get(code)?.level !== 5) throw new BadRequestException();
    const [start, end] = monthRange(from ?? '', to ?? '');
    const [row] = await this.db.query<{ periods: unknown; accounts: unknown }>(
      `WITH line AS (
         SELECT d.period, l.direction, l.account_code, l.amount
         FROM disclosure d
         JOIN disclosure_revision r ON r.disclosure_id = d.id AND r.number = d.published_revision
         LEFT JOIN finance_line l ON l.revision_id = r.id
         WHERE d.region_code = $1 AND d.category = 'finance' AND d.status = 'published'
           AND d.period_start >= $2::date AND d.period_end <= $3::date)
       SELECT
         coalesce((SELECT json_agg(p ORDER BY p.period) FROM (
           SELECT period,
             coalesce(sum(amount) FILTER (WHERE direction = 'income'), 0)::numeric(16, 2)::text AS income,
             coalesce(sum(amount) FILTER (WHERE direction = 'expense'), 0)::numeric(16, 2)::text AS expense,
             (coalesce(sum(amount) FILTER (WHERE direction = 'income'), 0)
               - coalesce(sum(amount) FILTER (WHERE direction = 'expense'), 0))::numeric(16, 2)::text AS surplus
           FROM line GROUP BY period) p), '[]') AS periods,
         coalesce((SELECT json_agg(a ORDER BY a.period, a.direction DESC, a."accountCode") FROM (
           SELECT period, direction, account_code AS "accountCode", sum(amount)::text AS total, count(*)::int AS lines
           FROM line WHERE direction IS NOT NULL GROUP BY 1, 2, 3) a), '[]') AS accounts`,
      [code, start, end],
    );
    return { regionCode: code, from, to, periods: row.periods, accounts: row.accounts };
  }

  /** Regions whose name holds the text, exact names first, then prefixes, by level and code. */
  @Get('regions/search')
  async searchRegions(@Query('q') q: string | undefined, @Query('limit') rawLimit: string | undefined) {
    const text = q?.trim() ?? '';
    if (text.length < 1 || text.length > 50) throw new BadRequestException();
    const limit = limitOf(rawLimit);
    const rows = await this.db.query<{
      code: string;
      name: string;
      level: number;
      parent_code: string | null;
      rank: number;
    }>(
      `SELECT code::text, name, level, parent_code::text, rank FROM (
         SELECT code, name, level, parent_code,
           CASE WHEN lower(name) = lower($1) THEN 0 WHEN starts_with(lower(name), lower($1)) THEN 1 ELSE 2 END AS rank
         FROM region WHERE region_name_grams(name) @> region_search_grams($1) AND strpos(lower(name), lower($1)) > 0) x
       ORDER BY rank, level, code LIMIT $2`,
      [text, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        code: r.code,
        name: r.name,
        level: r.level,
        levelName: LEVEL_NAMES[r.level],
        parentCode: r.parent_code,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.rank, last.level, last.code]) : null,
    };
  }
}
