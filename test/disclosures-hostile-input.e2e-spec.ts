import { Role } from '@sunshine/access';
import { Response } from 'supertest';

import { SignedIn, signedIn } from './support/accounts';
import { COUNTY, financeLine as line, submitAndApprove, TOWNSHIP, VILLAGE, XLSX } from './support/disclosures';
import { createTestApp, TestApp } from './support/test-app';

const NIL = '00000000-0000-4000-8000-000000000000';
const create = { regionCode: VILLAGE, category: 'party', period: '2026-Q4', title: '标题', body: '正文' };
const cursor = (values: unknown) => Buffer.from(JSON.stringify(values)).toString('base64url');
/** JSON nested `depth` arrays deep, as raw text. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

type Who = 'public' | 'clerk' | 'monitor' | 'reviewer' | 'supervisor';
type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Case {
  name: string;
  who: Who;
  method: Method;
  /** `:draft`, `:published`, `:village`, `:review` are replaced by those disclosures' ids. */
  url: string;
  type?: string;
  body?: string | Buffer | object;
  headers?: Record<string, string>;
  /** Send the draft's current ETag as If-Match, so the request reaches the code behind the precondition. */
  ifMatch?: ':draft' | ':village';
}

const get = (name: string, url: string, who: Who = 'public'): Case => ({ name, who, method: 'get', url });
const json = (name: string, method: Method, url: string, body: string, extra: Partial<Case> = {}): Case => ({
  name,
  who: 'clerk',
  method,
  url,
  type: 'application/json',
  body,
  ...extra,
});

const CASES: Case[] = [
  // Malformed ids and numbers in the path.
  get('a malformed disclosure id', '/api/v1/disclosures/not-a-uuid'),
  get('an over-long id', `/api/v1/disclosures/${'a'.repeat(3000)}`),
  get('an id with a NUL byte', '/api/v1/disclosures/%00'),
  get('an unknown id', `/api/v1/disclosures/${NIL}`),
  get('a revision that is not a number', '/api/v1/disclosures/:published/revisions/abc'),
  get('a revision past the integer range', '/api/v1/disclosures/:published/revisions/99999999999'),
  get('a revision in exponent notation', '/api/v1/disclosures/:published/revisions/1e3'),
  get('a diff past the integer range', '/api/v1/disclosures/:published/diff?from=1&to=99999999999'),
  get('a diff from revision 0', '/api/v1/disclosures/:published/diff?from=0&to=1'),
  get('a diff without revisions', '/api/v1/disclosures/:published/diff'),
  get('a malformed attachment id', '/api/v1/disclosures/:published/attachments/not-a-uuid'),
  get('an upper-case id on a working view', '/api/v1/disclosures/:DRAFT/working', 'clerk'),
  get('a malformed id on a working view', '/api/v1/disclosures/x/working', 'clerk'),
  get('an export in an unknown format', '/api/v1/disclosures/:draft/working/lines?format=pdf', 'clerk'),
  // Lists: huge limits, forged cursors, malformed filters.
  get('a huge limit', `/api/v1/disclosures?region=${VILLAGE}&limit=1000000`),
  get('a limit past 2^64', `/api/v1/disclosures?region=${VILLAGE}&limit=99999999999999999999999`),
  get('a negative limit', `/api/v1/disclosures?region=${VILLAGE}&limit=-1`),
  get('a fractional limit', `/api/v1/disclosures?region=${VILLAGE}&limit=1.5`),
  get('a limit given twice', `/api/v1/disclosures?region=${VILLAGE}&limit=1&limit=2`),
  get('a cursor that is not base64', `/api/v1/disclosures?region=${VILLAGE}&cursor=!!!`),
  get('a cursor of the wrong shape', `/api/v1/disclosures?region=${VILLAGE}&cursor=${cursor({ a: 1 })}`),
  get('an over-long cursor', `/api/v1/disclosures?region=${VILLAGE}&cursor=${'A'.repeat(500)}`),
  get(
    'a forged cursor with an impossible time',
    `/api/v1/disclosures?region=${VILLAGE}&cursor=${cursor(['9999-99-99T99:99:99.999Z', NIL])}`,
  ),
  get(
    'a forged cursor with a malformed uuid',
    `/api/v1/disclosures?region=${VILLAGE}&cursor=${cursor(['2026-10-01T00:00:00.000Z', '-'.repeat(36)])}`,
  ),
  get(
    'a forged review-queue cursor',
    `/api/v1/review-queue/township?region=${TOWNSHIP}&cursor=${cursor(['2026-13-45T25:61:61.000Z', NIL])}`,
    'reviewer',
  ),
  get('a huge review-queue limit', `/api/v1/review-queue/monitor?region=${VILLAGE}&limit=100000`, 'monitor'),
  get('a list without a region', '/api/v1/disclosures'),
  get('a malformed region', '/api/v1/disclosures?region=abc'),
  get('an unknown region', '/api/v1/disclosures?region=999999999999'),
  get('two regions', `/api/v1/disclosures?region=${VILLAGE}&region=${TOWNSHIP}`),
  get('an unknown category', `/api/v1/disclosures?region=${VILLAGE}&category=secret`),
  get('a month 13', `/api/v1/disclosures?region=${VILLAGE}&from=2026-13`),
  get('a period before 2000', `/api/v1/disclosures?region=${VILLAGE}&from=1999-01`),
  get('an over-long search', `/api/v1/disclosures?region=${VILLAGE}&q=${'x'.repeat(500)}`),
  get('finances without a range', `/api/v1/regions/${VILLAGE}/finances`),
  get('finances from year 0', `/api/v1/regions/${VILLAGE}/finances?from=0000-01&to=2026-12`),
  get('finances of a township', `/api/v1/regions/${TOWNSHIP}/finances?from=2026-01&to=2026-12`),
  get('finances of a malformed region', '/api/v1/regions/abc/finances?from=2026-01&to=2026-12'),
  get('finances of an unknown region', '/api/v1/regions/999999999999/finances?from=2026-01&to=2026-12'),
  get('a feed of a malformed region', '/api/v1/regions/abc/feed.atom'),
  get('a feed of an unknown region', '/api/v1/regions/999999999999/feed.atom'),
  get('an export in XML', `/api/v1/open-data/finance-lines?region=${COUNTY}&from=2026-01&to=2026-12&format=xml`),
  get('an export of an unknown region', '/api/v1/open-data/finance-lines?region=999999999999&from=2026-01&to=2026-12'),
  get('an export from 1999', `/api/v1/open-data/finance-lines?region=${COUNTY}&from=1999-01&to=2026-12`),
  get('an export without a region', '/api/v1/open-data/finance-lines?from=2026-01&to=2026-12'),
  get('a ledger check of a malformed region', '/api/v1/ledger/verify?region=abc', 'supervisor'),
  // JSON bodies of the wrong shape where an object is expected.
  ...['[]', '"a string"', '42', 'null', 'true', `[${JSON.stringify(create)}]`].map((body) =>
    json(`a create body of ${body.slice(0, 20)}`, 'post', '/api/v1/disclosures', body),
  ),
  json('a region as an object', 'post', '/api/v1/disclosures', JSON.stringify({ ...create, regionCode: { $gt: '' } })),
  json('a region as an array', 'post', '/api/v1/disclosures', JSON.stringify({ ...create, regionCode: [VILLAGE] })),
  json('a title as an object', 'post', '/api/v1/disclosures', JSON.stringify({ ...create, title: { a: 1 } })),
  json('a body as a number', 'post', '/api/v1/disclosures', JSON.stringify({ ...create, body: 123 })),
  json('an unknown field', 'post', '/api/v1/disclosures', JSON.stringify({ ...create, status: 'published' })),
  json(
    'a prototype-polluting key',
    'post',
    '/api/v1/disclosures',
    `{"__proto__":{"admin":true},${JSON.stringify(create).slice(1)}`,
  ),
  json(
    'a title nested 5,000 arrays deep (10 KB of JSON)',
    'post',
    '/api/v1/disclosures',
    JSON.stringify(create).replace('"标题"', nested(5000)),
    {
      headers: { 'idempotency-key': 'deep-title' },
    },
  ),
  json('an empty JSON body', 'post', '/api/v1/disclosures', ''),
  json('malformed JSON', 'post', '/api/v1/disclosures', '{"regionCode": '),
  // (A JSON null is read as an empty update, like {}: not hostile, so not listed.)
  ...['[]', '"x"', '5', '{"title":{}}', '{"title":""}', '{"body":["x"]}', '{"version":99}'].map((body) =>
    json(`a draft update of ${body}`, 'patch', '/api/v1/disclosures/:draft/draft', body, { ifMatch: ':draft' }),
  ),
  ...[
    '[]',
    '"x"',
    'null',
    '{"lines":"x"}',
    '{"lines":[1]}',
    '{"lines":[[]]}',
    '{"lines":[null]}',
    '{"lines":[]}',
    '{"lines":{"0":{}}}',
    JSON.stringify({ lines: [line({ amount: 1.5 })] }),
    JSON.stringify({ lines: [line({ amount: {} })] }),
    JSON.stringify({ lines: [line({ amount: '1e5' })] }),
    JSON.stringify({ lines: [line({ amount: '10000000000.00' })] }),
    JSON.stringify({ lines: [line({ direction: ['expense'] })] }),
    JSON.stringify({ lines: [line({ occurredOn: '2026-02-30' })] }),
    JSON.stringify({ lines: [line({ accountCode: '管理费用'.repeat(100) })] }),
    JSON.stringify({ lines: [line({ note: 'x'.repeat(501) })] }),
    JSON.stringify({ lines: Array.from({ length: 1001 }, () => line()) }),
    `{"lines":[{"constructor":{"prototype":{"admin":true}}}]}`,
  ].map((body) => json(`lines of ${body.slice(0, 40)}`, 'post', '/api/v1/disclosures/:draft/draft/lines', body)),
  ...['[]', '"x"', '5', 'null', '{}', JSON.stringify(line({ amount: -1 }))].map((body) =>
    json(`a line replaced by ${body.slice(0, 30)}`, 'put', '/api/v1/disclosures/:draft/draft/lines/1', body, {
      ifMatch: ':draft',
    }),
  ),
  json(
    'a line number that is not a number',
    'put',
    '/api/v1/disclosures/:draft/draft/lines/abc',
    JSON.stringify(line()),
    {
      ifMatch: ':draft',
    },
  ),
  json(
    'a line number past the integer range',
    'put',
    '/api/v1/disclosures/:draft/draft/lines/99999999999',
    JSON.stringify(line()),
    { ifMatch: ':draft' },
  ),
  {
    name: 'removing line 99999999999',
    who: 'clerk',
    method: 'delete',
    url: '/api/v1/disclosures/:draft/draft/lines/99999999999',
    ifMatch: ':draft',
  },
  {
    name: 'removing subsidy 99999999999',
    who: 'clerk',
    method: 'delete',
    url: '/api/v1/disclosures/:village/draft/subsidies/99999999999',
    ifMatch: ':village',
  },
  {
    name: 'removing a malformed attachment id',
    who: 'clerk',
    method: 'delete',
    url: '/api/v1/disclosures/:draft/draft/attachments/x',
    ifMatch: ':draft',
  },
  ...[
    '{"householdSize":"3"}',
    '{"householdSize":3.5}',
    '{"householdSize":10000000000}',
    '{"amount":650}',
    '{"amount":"650.001"}',
    '{"idNumber":"ABCDEFGHIJKLMNOPQR"}',
    '{"idNumber":["11010519491231002X"]}',
    '{"recipientName":{}}',
  ].map((patch) =>
    json(
      `a subsidy with ${patch}`,
      'post',
      '/api/v1/disclosures/:village/draft/subsidies',
      JSON.stringify({
        recipientName: '王某',
        householdSize: 3,
        subsidyType: '低保',
        amount: '650.00',
        idNumber: '11010519491231002X',
        ...JSON.parse(patch),
      }),
    ),
  ),
  ...['{"reason":{}}', '[]', '"x"', `{"reason":"${'x'.repeat(501)}"}`, '{}'].map((body) =>
    json(`a return reason of ${body.slice(0, 20)}`, 'post', '/api/v1/disclosures/:review/monitor/return', body, {
      who: 'monitor',
    }),
  ),
  json('a correction reason as an array', 'post', '/api/v1/disclosures/:published/corrections', '{"reason":["x"]}'),
  json('a withdrawal reason as a number', 'post', '/api/v1/disclosures/:published/withdraw', '{"reason":5}', {
    who: 'reviewer',
  }),
  // Wrong content types.
  {
    name: 'a create sent as text/plain',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures',
    type: 'text/plain',
    body: JSON.stringify(create),
  },
  {
    name: 'a create sent as a form',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures',
    type: 'application/x-www-form-urlencoded',
    body: 'regionCode=210102001002',
  },
  {
    name: 'a create sent as a PDF',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures',
    type: 'application/pdf',
    body: Buffer.from(JSON.stringify(create)),
  },
  {
    name: 'lines sent as CSV to the JSON route',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures/:draft/draft/lines',
    type: 'text/csv',
    body: '收支,科目\n',
  },
  json('an import sent as JSON', 'post', '/api/v1/disclosures/:draft/draft/lines/import', '{"lines":[]}', {
    ifMatch: ':draft',
  }),
  {
    name: 'an import of binary noise as CSV',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures/:draft/draft/lines/import',
    type: 'text/csv',
    body: Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x0a, 0xc3, 0x28]),
    ifMatch: ':draft',
  },
  {
    name: 'an import of noise as XLSX',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures/:draft/draft/lines/import',
    type: XLSX,
    body: Buffer.from('PK\x03\x04 not really a zip'),
    ifMatch: ':draft',
  },
  {
    name: 'an empty CSV import',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures/:draft/draft/lines/import',
    type: 'text/csv',
    body: Buffer.alloc(0),
    ifMatch: ':draft',
  },
  {
    name: 'a CSV import with an unclosed quote',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures/:draft/draft/lines/import',
    type: 'text/csv',
    body: '收支,科目,金额,日期,对方单位,凭证号,支付方式,备注\n"支出,管理费用',
    ifMatch: ':draft',
  },
  {
    name: 'a CSV import into a village-affairs disclosure',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures/:village/draft/lines/import',
    type: 'text/csv',
    body: '收支,科目,金额,日期,对方单位,凭证号,支付方式,备注\n',
    ifMatch: ':village',
  },
  {
    name: 'an attachment without a filename',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures/:draft/draft/attachments',
    type: 'application/pdf',
    body: Buffer.from('%PDF-1.4\n'),
  },
  {
    name: 'an attachment named with a path',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures/:draft/draft/attachments?filename=..%2F..%2Fetc%2Fpasswd',
    type: 'application/pdf',
    body: Buffer.from('%PDF-1.4\n'),
  },
  {
    name: 'an attachment named with a NUL',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures/:draft/draft/attachments?filename=a%00.pdf',
    type: 'application/pdf',
    body: Buffer.from('%PDF-1.4\n'),
  },
  {
    name: 'an attachment with an over-long name',
    who: 'clerk',
    method: 'post',
    url: `/api/v1/disclosures/:draft/draft/attachments?filename=${'a'.repeat(300)}.pdf`,
    type: 'application/pdf',
    body: Buffer.from('%PDF-1.4\n'),
  },
  {
    name: 'an attachment sent as text/plain',
    who: 'clerk',
    method: 'post',
    url: '/api/v1/disclosures/:draft/draft/attachments?filename=a.pdf',
    type: 'text/plain',
    body: '%PDF-1.4\n',
  },
  json(
    'an attachment sent as JSON',
    'post',
    '/api/v1/disclosures/:draft/draft/attachments?filename=a.pdf',
    '{"content":"JVBERi0="}',
  ),
  // Headers.
  json('an over-long Idempotency-Key', 'post', '/api/v1/disclosures', JSON.stringify(create), {
    headers: { 'idempotency-key': 'k'.repeat(101) },
  }),
  json('an Idempotency-Key with a space', 'post', '/api/v1/disclosures', JSON.stringify(create), {
    headers: { 'idempotency-key': 'a b' },
  }),
  ...['garbage', 'W/"1"', '"99999999999999999999"', '"-1"', ','].map((etag) =>
    json(`If-Match ${etag}`, 'patch', '/api/v1/disclosures/:draft/draft', '{"title":"x"}', {
      headers: { 'if-match': etag },
    }),
  ),
];

describe('Disclosures: hostile input is a 4xx problem, never a 5xx', () => {
  let sut: TestApp;
  const callers = {} as Record<Exclude<Who, 'public'>, SignedIn>;
  const ids = {} as Record<'draft' | 'published' | 'village' | 'review', string>;

  beforeAll(async () => {
    sut = await createTestApp();
    callers.clerk = await signedIn(sut, Role.VillageClerk, VILLAGE);
    callers.monitor = await signedIn(sut, Role.VillageMonitor, VILLAGE);
    callers.reviewer = await signedIn(sut, Role.TownshipReviewer, TOWNSHIP);
    callers.supervisor = await signedIn(sut, Role.Supervisor, COUNTY);
    const auth = (who: SignedIn) => ({ authorization: who.bearer });
    const draft = async (category: string, period: string) =>
      (
        await sut.http
          .post('/api/v1/disclosures')
          .set(auth(callers.clerk))
          .send({ ...create, category, period })
          .expect(201)
      ).body.disclosure.id as string;
    ids.draft = await draft('finance', '2026-10');
    await sut.http
      .post(`/api/v1/disclosures/${ids.draft}/draft/lines`)
      .set(auth(callers.clerk))
      .send({ lines: [line()] })
      .expect(201);
    ids.village = await draft('village', '2026-Q4');
    ids.review = await draft('finance', '2026-10');
    await sut.http.post(`/api/v1/disclosures/${ids.review}/submit`).set(auth(callers.clerk)).expect(200);
    ids.published = await draft('party', '2026-Q4');
    await submitAndApprove(sut.http, ids.published, { clerk: callers.clerk, reviewer: callers.reviewer });
  });
  afterAll(() => sut.close());

  const resolve = (url: string) =>
    url
      .replace(':DRAFT', () => ids.draft.toUpperCase())
      .replace(/:(draft|published|village|review)\b/, (_m, key: keyof typeof ids) => ids[key]);

  async function send(c: Case): Promise<Response> {
    let req = sut.http[c.method](resolve(c.url));
    if (c.who !== 'public') req = req.set('authorization', callers[c.who].bearer);
    if (c.ifMatch) {
      const working = await sut.http
        .get(`/api/v1/disclosures/${resolve(c.ifMatch)}/working`)
        .set('authorization', callers.clerk.bearer)
        .expect(200);
      req = req.set('if-match', working.headers.etag as string);
    }
    for (const [name, value] of Object.entries(c.headers ?? {})) req = req.set(name, value);
    if (c.type) req = req.set('content-type', c.type);
    return c.body === undefined ? req : req.send(c.body as string);
  }

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await send(c);
    expect({ status: res.status, is4xx: res.status >= 400 && res.status < 500, code: res.body?.code }).toEqual({
      status: res.status,
      is4xx: true,
      code: expect.any(String),
    });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.status).toBe(res.status);
  });

  it('left the drafts as they were', async () => {
    const working = await sut.http
      .get(`/api/v1/disclosures/${ids.draft}/working`)
      .set('authorization', callers.clerk.bearer)
      .expect(200);
    expect(working.body.revision.title).toBe('标题');
    expect(working.body.lines).toEqual([{ lineNo: 1, ...line() }]);
    expect(working.body.attachments).toEqual([]);
    const village = await sut.http
      .get(`/api/v1/disclosures/${ids.village}/working`)
      .set('authorization', callers.clerk.bearer)
      .expect(200);
    expect(village.body.subsidies).toEqual([]);
  });
});
