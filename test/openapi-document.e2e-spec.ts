import type { OpenAPIObject, OperationObject, ParameterObject, SchemaObject } from '@nestjs/swagger';
import { REGION_EXAMPLES } from '@sunshine/regions';

import { listRoutes, routeKey } from './support/routes';
import { createTestApp, TestApp } from './support/test-app';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface Operation {
  key: string;
  op: OperationObject;
}

/** `GET /api/v1/regions/{code}` → `GET /api/v1/regions/:code`, as listRoutes names routes. */
const nestRoute = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;

describe('OpenAPI document', () => {
  let sut: TestApp;
  let doc: OpenAPIObject;
  let operations: Operation[];

  beforeAll(async () => {
    sut = await createTestApp();
    doc = (await sut.http.get('/api/docs-json').expect(200)).body as OpenAPIObject;
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.flatMap((m) => (item[m] ? [{ key: nestRoute(m, path), op: item[m] }] : [])),
    );
  });
  afterAll(() => sut.close());

  /** Follows `$ref`s to components. */
  const resolve = (schema: SchemaObject | { $ref: string } | undefined): SchemaObject | undefined => {
    if (schema && '$ref' in schema)
      return doc.components?.schemas?.[schema.$ref.split('/').pop() ?? ''] as SchemaObject;
    return schema;
  };

  /** Every schema reachable from `schema`, itself included (each component once). */
  const reachable = (schema: SchemaObject | { $ref: string } | undefined, seen = new Set<SchemaObject>()) => {
    const s = resolve(schema);
    if (!s || seen.has(s)) return seen;
    seen.add(s);
    for (const p of Object.values(s.properties ?? {})) reachable(p, seen);
    if (s.items) reachable(s.items, seen);
    for (const part of [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])]) reachable(part, seen);
    if (s.additionalProperties && typeof s.additionalProperties === 'object') reachable(s.additionalProperties, seen);
    return seen;
  };

  it('documents a success reply with a schema for every operation (or a non-JSON body, or 204)', () => {
    expect(operations.length).toBeGreaterThan(50);
    const undocumented = operations
      .filter(({ op }) => {
        const successes = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
        return !successes.some(([status, response]) => {
          if (status === '204') return true;
          const content = response && 'content' in response ? (response.content ?? {}) : {};
          return Object.entries(content).some(
            ([type, media]) => !type.includes('json') || (media.schema !== undefined && resolve(media.schema)),
          );
        });
      })
      .map((o) => o.key);
    expect(undocumented).toEqual([]);
  });

  it('declares the bearer (JWT) scheme the signed-in operations refer to', () => {
    expect(doc.components?.securitySchemes?.bearer).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    );
    const schemes = new Set(Object.keys(doc.components?.securitySchemes ?? {}));
    const unknown = operations.flatMap(({ key, op }) =>
      (op.security ?? []).flatMap((s) =>
        Object.keys(s)
          .filter((name) => !schemes.has(name))
          .map((n) => `${key}: ${n}`),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it('states the security of every operation: bearer for signed-in postures, none for public ones', () => {
    const postures = new Map(listRoutes(sut.app).map((r) => [routeKey(r), (r.posture as { kind: string }).kind]));
    const wrong = operations
      .map(({ key, op }) => ({ key, posture: postures.get(key), security: op.security }))
      .filter(({ posture, security }) =>
        posture === 'public'
          ? !(Array.isArray(security) && security.length === 0)
          : !security?.some((s) => 'bearer' in s),
      );
    expect(wrong).toEqual([]);
    expect(operations.find((o) => o.key === 'POST /api/v1/auth/login')?.op.security).toEqual([]);
    expect(operations.find((o) => o.key === 'GET /api/v1/regions/:code')?.op.security).toEqual([]);
    expect(operations.find((o) => o.key === 'GET /api/v1/audit')?.op.security).toEqual([{ bearer: [] }]);
  });

  it('tags every operation with a tag the document describes', () => {
    const described = new Map((doc.tags ?? []).map((t) => [t.name, t.description ?? '']));
    const untagged = operations.filter(({ op }) => !op.tags?.length).map((o) => o.key);
    const undescribed = operations.flatMap(({ key, op }) =>
      (op.tags ?? []).filter((t) => !described.get(t)).map((t) => `${key}: ${t}`),
    );
    expect({ untagged, undescribed }).toEqual({ untagged: [], undescribed: [] });
  });

  it('types integer query and path parameters as integer, never number', () => {
    const numbers = operations.flatMap(({ key, op }) =>
      (op.parameters ?? [])
        .map((p) => p as ParameterObject)
        .filter((p) => resolve(p.schema)?.type === 'number')
        .map((p) => `${key}: ${p.name}`),
    );
    expect(numbers).toEqual([]);
    const limits = operations.flatMap(({ op }) =>
      (op.parameters ?? []).map((p) => p as ParameterObject).filter((p) => p.name === 'limit'),
    );
    expect(limits.length).toBeGreaterThan(5);
    for (const limit of limits)
      expect(resolve(limit.schema)).toMatchObject({ type: 'integer', minimum: 1, maximum: expect.any(Number) });
  });

  it('names reply fields in camelCase and types them (no bare objects, no `number` for counts)', () => {
    const problems: string[] = [];
    const seen = new Set<SchemaObject>();
    for (const { key, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^2/.test(status) || !response || !('content' in response)) continue;
        const schema = response.content?.['application/json']?.schema;
        for (const s of reachable(schema)) {
          if (seen.has(s)) continue;
          seen.add(s);
          for (const [name, prop] of Object.entries(s.properties ?? {})) {
            const p = resolve(prop);
            if (!/^[a-z][a-zA-Z0-9]*$/.test(name)) problems.push(`${key}: ${name} is not camelCase`);
            if (p?.type === 'number') problems.push(`${key}: ${name} is a number (integer or decimal string?)`);
            if (p && !p.type && !('$ref' in (prop as object)) && !p.allOf && !p.oneOf && !p.anyOf)
              problems.push(`${key}: ${name} has no type`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents Location on every 201', () => {
    const missing = operations
      .filter(
        ({ op }) => op.responses['201'] && !('headers' in op.responses['201'] && op.responses['201'].headers?.Location),
      )
      .map((o) => o.key);
    expect(missing).toEqual([]);
  });

  it('has info and a server as the recommended lint rules want', () => {
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.servers?.length).toBeGreaterThan(0);
    for (const server of doc.servers ?? []) expect(server.url).not.toMatch(/localhost|example\.com|.\/$/);
  });

  describe('examples of the main reads, true to the replies', () => {
    const example = (key: string, status = '200') => {
      const response = operations.find((o) => o.key === key)?.op.responses[status];
      return response && 'content' in response ? response.content?.['application/json']?.example : undefined;
    };

    it('shows a region as GET /regions/{code} answers it', async () => {
      expect(example('GET /api/v1/regions/:code')).toEqual(REGION_EXAMPLES.detail);
      const res = await sut.http.get(`/api/v1/regions/${REGION_EXAMPLES.detail.code}`).expect(200);
      expect(res.body).toEqual(REGION_EXAMPLES.detail);
    });

    it('shows a page of children as GET /regions/{code}/children answers it', async () => {
      expect(example('GET /api/v1/regions/:code/children')).toEqual(REGION_EXAMPLES.children);
      const res = await sut.http.get('/api/v1/regions/210102000000/children').query({ limit: 2 }).expect(200);
      expect(res.body).toEqual(REGION_EXAMPLES.children);
    });

    it('shows search results as GET /regions/search answers them', async () => {
      expect(example('GET /api/v1/regions/search')).toEqual(REGION_EXAMPLES.search);
      const res = await sut.http.get('/api/v1/regions/search').query({ q: '和平', limit: 2 }).expect(200);
      expect(res.body).toEqual(REGION_EXAMPLES.search);
    });

    it('shows the token pair of a sign-in', () => {
      expect(example('POST /api/v1/auth/login')).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
        refreshToken: expect.any(String),
      });
    });
  });
});
