import type { OpenAPIObject } from '@nestjs/swagger';

import { ContractRecorder } from './openapi-contract';
import { ObservedReply, OpenApiValidator, toJsonSchema } from './openapi-validator';

const PROBLEM = { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

const DOCUMENT: OpenAPIObject = {
  openapi: '3.0.0',
  info: { title: 'one operation', version: '1' },
  paths: {
    '/api/v1/things/{id}': {
      get: {
        responses: {
          '200': {
            description: 'A thing',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '404': { description: 'Not found', ...PROBLEM },
        },
      },
      post: {
        responses: {
          '201': {
            description: 'Created',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '401': { description: 'Signed out', ...PROBLEM },
        },
      },
    },
    '/api/v1/things/export': {
      get: { responses: { '200': { description: 'CSV', content: { 'text/csv': {} } } } },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id', 'amount', 'note'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          amount: { type: 'string', example: '12.50' },
          note: { type: 'string', nullable: true },
        },
      },
      Problem: {
        type: 'object',
        required: ['type', 'status', 'code'],
        properties: { type: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' } },
      },
    },
  },
};

const ID = '0b5a8c1e-7d4f-4a57-9f3e-1b2c3d4e5f60';

function reply(partial: Partial<ObservedReply> & { body?: unknown }): ObservedReply {
  const { body, ...rest } = partial;
  const problem = (rest.status ?? 200) >= 400;
  return {
    method: 'GET',
    url: `/api/v1/things/${ID}`,
    status: 200,
    headers: { 'content-type': problem ? 'application/problem+json' : 'application/json; charset=utf-8' },
    text: body === undefined ? '' : JSON.stringify(body),
    body,
    ...rest,
  };
}

describe(OpenApiValidator.name, () => {
  const sut = new OpenApiValidator(DOCUMENT);

  it('accepts a reply that matches its documented schema, a null where nullable included', () => {
    expect(sut.check(reply({ body: { id: ID, amount: '12.50', note: null } }))).toEqual([]);
  });

  it('reports a body that does not match, with the failing paths', () => {
    expect(sut.check(reply({ body: { id: 'nope', amount: 12.5, region_code: '21' } }))).toEqual([
      "(body): must have required property 'note'",
      '/id: must match format "uuid"',
      '/amount: must be string',
      "(body): undocumented property 'region_code'",
    ]);
  });

  it('reads a JSON body a test collected as bytes', () => {
    const bytes = (body: unknown) => ({ text: undefined, body: Buffer.from(JSON.stringify(body)) });
    expect(sut.check(reply(bytes({ id: ID, amount: '1', note: null })))).toEqual([]);
    expect(sut.check(reply(bytes({ id: ID, amount: 1, note: null })))).toEqual(['/amount: must be string']);
    expect(sut.check(reply({ text: undefined, body: Buffer.from('{nope') }))).toEqual([
      'application/json body is not JSON',
    ]);
  });

  it('reports a status the operation does not document', () => {
    expect(sut.check(reply({ status: 409, body: { type: 'about:blank', status: 409, code: 'CONFLICT' } }))).toEqual([
      'status 409 is not documented for GET /api/v1/things/{id} (documented: 200, 404)',
    ]);
  });

  it('holds a reply the HTTP layer gives before routing (414, 431) only to the problem format', () => {
    const problem = { type: 'about:blank', status: 414, code: 'URI_TOO_LONG' };
    expect(sut.check(reply({ url: `/api/v1/things/${'a'.repeat(200)}`, status: 414, body: problem }))).toEqual([]);
    expect(
      sut.check(
        reply({ status: 431, headers: { 'content-type': 'text/plain' }, text: 'Request Header Fields Too Large' }),
      ),
    ).toEqual(['431 reply is text/plain, not application/problem+json']);
  });

  it('matches a literal path before a template', () => {
    const csv = { url: '/api/v1/things/export?x=1', headers: { 'content-type': 'text/csv' }, text: 'a,b\n' };
    expect(sut.check(reply(csv))).toEqual([]);
    expect(sut.check(reply({ ...csv, headers: { 'content-type': 'application/pdf' } }))).toEqual([
      'content type application/pdf is not documented for 200 (documented: text/csv)',
    ]);
  });

  it('requires Location on a 201 and WWW-Authenticate on a 401', () => {
    const body = { id: ID, amount: '1', note: 'x' };
    expect(sut.check(reply({ method: 'POST', status: 201, body }))).toEqual(['201 without a Location header']);
    expect(
      sut.check(
        reply({ method: 'POST', status: 201, body, headers: { 'content-type': 'application/json', location: '/x' } }),
      ),
    ).toEqual([]);
    expect(
      sut.check(
        reply({ method: 'POST', status: 401, body: { type: 'about:blank', status: 401, code: 'UNAUTHENTICATED' } }),
      ),
    ).toEqual(['401 without a WWW-Authenticate header']);
    const unauthorized = { type: 'about:blank', status: 401, code: 'UNAUTHENTICATED' };
    expect(sut.check(reply({ url: '/nowhere', status: 401, body: unauthorized }))).toEqual([
      '401 without a WWW-Authenticate header',
    ]);
  });

  it('requires a problem document with a code for every error, documented path or not', () => {
    expect(
      sut.check(
        reply({
          url: '/nowhere',
          status: 404,
          headers: { 'content-type': 'application/json' },
          body: { message: 'x' },
        }),
      ),
    ).toEqual(['404 reply is application/json, not application/problem+json']);
    expect(
      sut.check(reply({ url: '/nowhere', status: 404, body: { type: 'about:blank', code: 'NOT_FOUND' } })),
    ).toEqual([]);
    expect(sut.check(reply({ status: 404, body: { type: 'about:blank', status: 404 } }))).toEqual([
      '404 problem without a code',
      "(body): must have required property 'code'",
    ]);
  });
});

describe(ContractRecorder.name, () => {
  it('passes when every reply matches, and lists each kind of mismatch once with a count and an example', () => {
    const sut = new ContractRecorder(DOCUMENT);
    sut.observe(reply({ body: { id: ID, amount: '1', note: null } }));
    expect(() => sut.verify()).not.toThrow();

    sut.observe(reply({ url: `/api/v1/things/${ID}?a=1`, body: { id: ID, amount: 1, note: null } }));
    sut.observe(reply({ url: `/api/v1/things/${ID}?a=2`, body: { id: ID, amount: 2, note: null } }));
    expect(() => sut.verify()).toThrow(
      `1 kinds of reply do not match the OpenAPI document (test/support/openapi-validator.ts):\n` +
        `  GET /api/v1/things/{id} → 200: /amount: must be string  [×2, e.g. /api/v1/things/${ID}?a=1]`,
    );
  });
});

describe(toJsonSchema.name, () => {
  it('closes objects to undocumented properties, keeps maps open, and turns nullable into a null alternative', () => {
    expect(toJsonSchema({ type: 'object' })).toEqual({ type: 'object', unevaluatedProperties: false });
    expect(toJsonSchema({ type: 'object', additionalProperties: { type: 'integer' } })).toEqual({
      type: 'object',
      additionalProperties: { type: 'integer' },
    });
    expect(toJsonSchema({ type: 'string', enum: ['a'], nullable: true })).toEqual({
      type: ['string', 'null'],
      enum: ['a', null],
    });
    expect(toJsonSchema({ allOf: [{ $ref: '#/components/schemas/Thing' }], nullable: true })).toEqual({
      anyOf: [{ allOf: [{ $ref: 'https://contract.test/openapi.json#/components/schemas/Thing' }] }, { type: 'null' }],
    });
  });
});
