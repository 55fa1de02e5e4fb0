import { STATUS_CODES } from 'node:http';

import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { AppConfig } from '../config/app-config';
import { coreError, CoreErrorCode } from '../errors/core.errors';
import { PROBLEM_PAGES_PATH, problemBySlug, ProblemSpec, problemType } from '../errors/problem';
import { ApiProblems } from './api-problems.decorator';
import { Public } from './posture';

/** What a problem code means: the page its `type` URI leads to. */
export class ProblemPageDto {
  @ApiProperty({ example: 'REGION_NOT_FOUND' }) code: string;
  @ApiProperty({ example: 'https://sunshine.example.gov.cn/problems/region-not-found' }) type: string;
  @ApiProperty({ example: 'Region not found' }) title: string;
  @ApiProperty({ type: 'integer', example: 404 }) status: number;
  @ApiProperty({ example: 'Answered with HTTP status 404 (Not Found).' }) description: string;
}

export function problemPage(code: string, spec: ProblemSpec, baseUrl: string): ProblemPageDto {
  const statusLine = `Answered with HTTP status ${spec.status} (${STATUS_CODES[spec.status] ?? 'Error'}).`;
  return {
    code,
    type: problemType(code, baseUrl),
    title: spec.title,
    status: spec.status,
    description: spec.description ? `${statusLine} ${spec.description}` : statusLine,
  };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

function html(page: ProblemPageDto): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escape(page.title)} (${escape(page.code)})</title></head>`,
    `<body><h1>${escape(page.title)}</h1>`,
    `<p>Code <code>${escape(page.code)}</code>, HTTP status ${page.status}.</p>`,
    `<p>${escape(page.description)}</p>`,
    '<p>The reply’s <code>detail</code> says what went wrong with your request, and its <code>requestId</code> ',
    'identifies the request in the server’s logs.</p></body></html>',
    '',
  ].join('\n');
}

/** HTML only for a client that asks for it before JSON (a browser following the `type` link). */
function prefersHtml(accept: string | undefined): boolean {
  const at = (type: RegExp) => accept?.search(type) ?? -1;
  const htmlAt = at(/text\/html/);
  const jsonAt = at(/application\/(problem\+)?json/);
  return htmlAt >= 0 && (jsonAt < 0 || htmlAt < jsonAt);
}

/** The page each problem `type` URI leads to, for every code of every context's catalog. */
@ApiTags('problems')
@Public()
@Controller(PROBLEM_PAGES_PATH.slice(1))
export class ProblemPagesController {
  constructor(private readonly config: AppConfig) {}

  @Get(':slug')
  @ApiOperation({ summary: 'What a problem code means: the page its `type` URI leads to (JSON, or HTML for browsers)' })
  @ApiParam({ name: 'slug', example: 'region-not-found', description: 'The code in lower case, `_` as `-`' })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ type: ProblemPageDto })
  @ApiProblems(404)
  page(
    @Param('slug') slug: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): ProblemPageDto | string {
    const problem = problemBySlug(slug);
    if (!problem) throw coreError(CoreErrorCode.RouteNotFound, 'No problem code has this name.');
    const page = problemPage(problem.code, problem.spec, this.config.publicBaseUrl);
    const vary = reply.getHeader('vary'); // CORS may have put Origin there
    void reply
      .header('cache-control', 'public, max-age=86400')
      .header('vary', vary ? `${String(vary)}, Accept` : 'Accept');
    if (!prefersHtml(accept)) return page;
    void reply.header('content-type', 'text/html; charset=utf-8');
    return html(page);
  }
}
