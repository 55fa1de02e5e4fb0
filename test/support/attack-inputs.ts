import type { OpenAPIObject } from '@nestjs/swagger';
import fc from 'fast-check';

/**
 * Hostile requests for every operation of the OpenAPI document, as fast-check arbitraries: malformed
 * JSON bodies derived from each request schema, invalid JSON text and encodings, wrong content types,
 * oversized bodies, abused headers, and hostile query and path parameters. Each attack starts from a
 * valid request (a Baseline) and breaks one or a few things, so that it gets past the checks that
 * come before the one it aims at.
 */

/** A JSON Schema object as @nestjs/swagger writes it (OpenAPI 3.0). */
export type Schema = { [key: string]: unknown };

export interface ParamSpec {
  name: string;
  required: boolean;
  schema: Schema;
}

export interface OperationSpec {
  /** `POST` */
  method: string;
  /** `/api/v1/disclosures/{id}` */
  template: string;
  /** `POST /api/v1/disclosures/:id`, as listRoutes and the access matrix name it. */
  route: string;
  pathParams: ParamSpec[];
  queryParams: ParamSpec[];
  /** The request body's media types, and the JSON one's schema ($refs resolved on use). */
  body?: { mediaTypes: string[]; json?: Schema };
  isPublic: boolean;
}

/** Every operation of the document, in its order. */
export function operationsOf(document: OpenAPIObject): OperationSpec[] {
  const operations: OperationSpec[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(item as Record<string, unknown>)) {
      if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue;
      const op = raw as {
        parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[];
        requestBody?: { content: Record<string, { schema?: Schema }> };
        security?: unknown[];
      };
      const params = (where: string) =>
        (op.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} }));
      const content = op.requestBody?.content;
      operations.push({
        method: method.toUpperCase(),
        template,
        route: `${method.toUpperCase()} ${template.replace(/\{([^}]+)\}/g, ':$1')}`,
        pathParams: params('path'),
        queryParams: params('query'),
        body: content ? { mediaTypes: Object.keys(content), json: content['application/json']?.schema } : undefined,
        isPublic: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return operations;
}

/** A valid request for an operation: real ids in the path, a body the API accepts. */
export interface Baseline {
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  /** JSON (an object or array) or bytes. */
  body?: unknown;
  contentType?: string;
}

export type AttackKind =
  | 'json-body'
  | 'raw-body'
  | 'binary-body'
  | 'content-type'
  | 'oversized'
  | 'headers'
  | 'authorization'
  | 'query'
  | 'path';

/** How the request authenticates: the caller's own token, none, or an abuse of it. */
export type AuthVariant =
  | 'caller'
  | 'none'
  | { raw: string[] }
  | { token: 'tampered' | 'alg-none' | 'lower-case' | 'double-space' | 'trailing' | 'twice' | 'no-scheme' };

/** One hostile request, as data (it prints readably in a counterexample). */
export interface Attack {
  kind: AttackKind;
  /** What was broken, in a few words. */
  note: string;
  /** Percent-encoded path. */
  path: string;
  /** Percent-encoded query string, without `?` ('' for none). */
  query: string;
  /** Header lines as sent, duplicates allowed; `content-type` among them when there is a body. */
  headers: [string, string][];
  body?: Buffer;
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean;
  auth: AuthVariant;
}

/** A literal piece of JSON text (a number past double range, deep nesting) that JSON.stringify cannot write. */
export class RawJson {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text.length > 60 ? `RawJson(${this.text.slice(0, 40)}…[${this.text.length}])` : `RawJson(${this.text})`;
  }
}

/** JSON text of `value`, RawJson pieces verbatim; own `__proto__` keys are written like any other. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .map((k) => `${JSON.stringify(k)}:${jsonText(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Sets `key` as an own, enumerable property, `__proto__` included. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** Percent-encodes UTF-8, lone surrogates included (as U+FFFD, like a browser would). */
export function encode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** What Node's HTTP client accepts in a header value: latin-1 without control characters. */
export function headerSafe(text: string): string {
  return [...text].map((c) => (/^[\t\x20-\x7e\x80-\xff]$/.test(c) ? c : '?')).join('');
}

const nested = (open: '[' | '{"a":', depth: number): string =>
  `${open.repeat(depth)}${open === '[' ? '1' : 'null'}${(open === '[' ? ']' : '}').repeat(depth)}`;

/* ------------------------------------------------------------------------------------------------
 * Hostile values
 * --------------------------------------------------------------------------------------------- */

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Strings that broke parsers, validators, databases and templates somewhere. */
const SPECIAL_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uFEFF',
  '\u202Eevil',
  '\u2028\u2029',
  '\r\n',
  '\t',
  '\\',
  '"',
  "'",
  "'; DROP TABLE app_user; --",
  "' OR '1'='1",
  '%00',
  '%s%s%n',
  '../../../etc/passwd',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '0x1F',
  '1_000',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  '\uD800',
  '\uDFFF\uD800',
  'é',
  'Ａｄｍｉｎ',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '👨‍👩‍👧‍👦',
  'a\u0301\u0301\u0301',
  '٣٣',
  '２１０１０２００１００２',
  ' 210102001002',
  '210102001002 ',
  '2026-02-30',
  '2026-13',
  '2026-Q5',
  '9999-12-31',
  '0000-00-00',
  '+275760-09-13',
  NIL_UUID,
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '999999999999',
  '-1',
  '99999999999999999999',
  '0.000000001',
  '11010519491231002X',
];

const REGION_CODES = [
  '210102001002',
  '210102001003',
  '210000000000',
  '110000000000',
  '999999999999',
  '000000000000',
  '21010200100',
  '2101020010021',
  '21010200100x',
  '-21010200100',
  '２１０１０２００１００２',
  '210102001002.0',
  '2.10102001002e11',
  ' 210102001002',
  '210102001002\n',
  '+210102001002',
  '1',
  '0',
  '99999999999999999999',
  '210102001002,210102001003',
];

const INTEGER_TEXTS = [
  '0',
  '-1',
  '1.5',
  '1e3',
  'abc',
  '101',
  '99999999999',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '00001',
  '+1',
  ' 1',
  '1 ',
  '0x1',
  'NaN',
  'Infinity',
  '١',
  '',
];

const BOOLEAN_TEXTS = ['TRUE', 'True', 'yes', '1', '0', 'on', 'true,false', 'null', '', 'tru'];

const PERIOD_TEXTS = [
  '2026-13',
  '2026-00',
  '2026-Q5',
  '2026-Q0',
  '2026-q3',
  '26-01',
  '2026-1',
  '2026-01-01',
  '9999-12',
  '0000-01',
  '1999-12',
  '+2026-01',
  '2026-01\n',
  '2026/01',
  '202601',
];

const DATE_TEXTS = [
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '0000-01-01',
  '9999-12-31',
  '+275760-09-13',
  '2026-1-1',
  '2026-10-08T00:00:00Z',
  '2026-10-08T25:61:61',
  '20261008',
  'yesterday',
  '1e10',
];

/** UUIDs that are not quite, and ones that are but name nothing. */
const uuidText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      NIL_UUID,
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
      'not-a-uuid',
      '00000000-0000-0000-0000-00000000000',
      '00000000-0000-0000-0000-0000000000000',
      'g0000000-0000-4000-8000-000000000000',
      '00000000000040008000000000000000',
      '{00000000-0000-4000-8000-000000000000}',
      'urn:uuid:00000000-0000-4000-8000-000000000000',
      "00000000-0000-4000-8000-000000000000' OR '1'='1",
      '1',
    ),
    fc.uuid(),
    fc.uuid().map((u) => u.toUpperCase()),
    fc.uuid().map((u) => `${u} `),
    fc.uuid().map((u) => u.replace(/-/g, '')),
  );

/** Strings of every kind: special ones, random code points (NUL and controls included), long ones. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom(...REGION_CODES) },
    { weight: 1, arbitrary: uuidText() },
    { weight: 1, arbitrary: fc.constantFrom(...PERIOD_TEXTS, ...DATE_TEXTS, ...INTEGER_TEXTS) },
    { weight: 1, arbitrary: fc.constantFrom(201, 501, 4001, 20_000).map((n) => '中'.repeat(n)) },
  );

const hugeString = (): fc.Arbitrary<string> =>
  fc
    .constantFrom(256, 4097, 65_536, 300_000)
    .chain((n) => fc.constantFrom('x', '中', 'a\u0000').map((c) => c.repeat(n)));

/** Keys a DTO does not declare: misspelt, internal, prototype-polluting. */
const unknownKey = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '__proto__',
      'constructor',
      'prototype',
      'id',
      'status',
      'createdBy',
      'createdAt',
      'version',
      'isAdmin',
      'role',
      'regionCode ',
      'REGIONCODE',
      '',
      '$where',
      'a.b',
      'toString',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  );

/** JSON values of the wrong type, shape or size for any field. */
export const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: hostileString() },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        null,
        true,
        false,
        0,
        -1,
        1.5,
        2 ** 31,
        -(2 ** 31) - 1,
        2 ** 53,
        1e308,
        -1e308,
        5e-324,
      ),
    },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() }, // NaN and ±Infinity are written as null
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '1e400',
          '-1e400',
          '123456789012345678901234567890',
          '-0',
          '1E2',
          '0.1e-400',
          '1.0000000000000001',
        )
        .map((t) => new RawJson(t)),
    },
    { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.dictionary(unknownKey(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype').map((key) => {
        const polluted: Record<string, unknown> = {};
        put(polluted, key, key === 'constructor' ? { prototype: { isAdmin: true } } : { isAdmin: true });
        return polluted;
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('[' as const, '{"a":' as const), fc.constantFrom(8, 31, 32, 33, 200, 50_000))
        .map(([open, depth]) => new RawJson(nested(open, depth))),
    },
    { weight: 1, arbitrary: hugeString() },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(1001, 20_000), fc.constantFrom('{}', '1', '"x"', 'null', '[]'))
        .map(([n, item]) => new RawJson(`[${Array(n).fill(item).join(',')}]`)),
    },
  );

/* ------------------------------------------------------------------------------------------------
 * Values a schema admits (the starting point of a mutation when no valid example body is known)
 * --------------------------------------------------------------------------------------------- */

function deref(schema: Schema | undefined, schemas: Record<string, Schema>): Schema {
  let s = schema ?? {};
  for (let i = 0; typeof s.$ref === 'string' && i < 10; i++) s = schemas[(s.$ref as string).split('/').pop()!] ?? {};
  return s;
}

/** Roughly valid values for `schema`: the enum, the example, or values within the declared bounds. */
export function validish(
  schema: Schema | undefined,
  schemas: Record<string, Schema>,
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = deref(schema, schemas);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const typed = ((): fc.Arbitrary<unknown> => {
    switch (s.type) {
      case 'string':
        if (s.format === 'uuid') return fc.uuid();
        if (s.format === 'date') return fc.constantFrom('2026-10-08', '2026-11-30');
        if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern as string));
        return fc.string({
          minLength: (s.minLength as number) ?? 0,
          maxLength: Math.min((s.maxLength as number) ?? 20, 20),
          unit: 'grapheme',
        });
      case 'integer':
        return fc.integer({ min: (s.minimum as number) ?? -1000, max: (s.maximum as number) ?? 1000 });
      case 'number':
        return fc.double({ min: (s.minimum as number) ?? -1000, max: (s.maximum as number) ?? 1000, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return depth > 3
          ? fc.constant([])
          : fc.array(validish(s.items as Schema, schemas, depth + 1), {
              minLength: (s.minItems as number) ?? 0,
              maxLength: Math.min((s.maxItems as number) ?? 3, 3),
            });
      case 'object':
      default: {
        const properties = (s.properties ?? {}) as Record<string, Schema>;
        if (depth > 3 || Object.keys(properties).length === 0) return fc.constant({});
        return fc.record(
          Object.fromEntries(Object.entries(properties).map(([k, p]) => [k, validish(p, schemas, depth + 1)])),
          { requiredKeys: ((s.required as string[]) ?? []).filter((k) => k in properties) },
        );
      }
    }
  })();
  return s.example !== undefined ? fc.oneof(fc.constant(s.example), typed) : typed;
}

/* ------------------------------------------------------------------------------------------------
 * Bodies
 * --------------------------------------------------------------------------------------------- */

type Mutation =
  | { op: 'set'; key: string; value: unknown }
  | { op: 'drop'; key: string }
  | { op: 'add'; key: string; value: unknown }
  | { op: 'inner'; key: string; innerKey: string; value: unknown };

function mutate(base: unknown, mutations: Mutation[]): unknown {
  const body = clone(base);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  for (const m of mutations) {
    if (m.op === 'drop') delete record[m.key];
    else if (m.op === 'inner') {
      // Into the first item of a list field, or the object field itself.
      const field = record[m.key];
      const target = Array.isArray(field) ? field[0] : field;
      if (target && typeof target === 'object') put(target as Record<string, unknown>, m.innerKey, m.value);
      else put(record, m.key, m.value);
    } else put(record, m.key, m.value);
  }
  return record;
}

interface Field {
  key: string;
  schema: Schema;
  /** The example body's value. */
  current: unknown;
}

/** The body's fields (of its schema and of the example body), and the fields of the items of its list fields. */
function fieldsOf(
  schema: Schema,
  schemas: Record<string, Schema>,
  example: unknown,
): { top: Field[]; inner: (Field & { outer: string })[] } {
  const s = deref(schema, schemas);
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const record =
    example && typeof example === 'object' && !Array.isArray(example) ? (example as Record<string, unknown>) : {};
  const keys = [...new Set([...Object.keys(properties), ...Object.keys(record)])];
  const top = keys.map((key) => ({ key, schema: properties[key] ?? {}, current: record[key] }));
  const inner = Object.entries(properties).flatMap(([outer, p]) => {
    const item = deref(deref(p, schemas).type === 'array' ? (deref(p, schemas).items as Schema) : p, schemas);
    const first = Array.isArray(record[outer]) ? (record[outer] as unknown[])[0] : record[outer];
    const values = first && typeof first === 'object' ? (first as Record<string, unknown>) : {};
    return Object.entries((item.properties ?? {}) as Record<string, Schema>).map(([key, schema]) => ({
      outer,
      key,
      schema,
      current: values[key],
    }));
  });
  return { top: top.length ? top : [{ key: 'value', schema: {}, current: undefined }], inner };
}

/** Characters that pass a string validator and may still trip what comes after it. */
const ODD_CHARACTERS = [
  '\u0000',
  '\uD800',
  '\uDFFF',
  '\uFFFF',
  '\uFFFE',
  '\uFEFF',
  '\u202E',
  '\u200B',
  '\u3000',
  '\u00A0',
  '\r\n',
  '\t',
  '\u0008',
  '\u001b[31m',
  '😀',
  'e\u0301',
  '\\',
  '"',
  "'",
  '%',
  '_',
  '  ',
];

const AMOUNTS = [
  '0',
  '0.0',
  '0.00',
  '0.01',
  '-0.01',
  '9999999999.99',
  '10000000000',
  '99999999999999.99',
  '1.',
  '.5',
  '01',
  '1e2',
  ' 1.00',
  '1,000.00',
  '１.００',
];

/** Values that (nearly) pass validation: edges of the declared bounds, odd characters in a valid string, valid formats naming nothing. */
export function nearValid(field: Field, schemas: Record<string, Schema>): fc.Arbitrary<unknown> {
  const s = deref(field.schema, schemas);
  const options: fc.Arbitrary<unknown>[] = [];
  if (Array.isArray(s.enum)) {
    const values = s.enum as unknown[];
    options.push(
      fc.constantFrom(
        ...values.map((v) => (typeof v === 'string' ? v.toUpperCase() : v)),
        ...values.map((v) => ` ${String(v)}`),
      ),
    );
  }
  const type = s.type ?? (typeof field.current === 'number' ? 'number' : 'string');
  if (type === 'string') {
    const text = typeof field.current === 'string' ? field.current : typeof s.example === 'string' ? s.example : 'x';
    const max = s.maxLength as number | undefined;
    const min = s.minLength as number | undefined;
    options.push(
      fc
        .tuple(fc.nat({ max: text.length }), fc.constantFrom(...ODD_CHARACTERS))
        .map(([at, c]) => `${text.slice(0, at)}${c}${text.slice(at)}`),
      fc.constantFrom(...ODD_CHARACTERS).map((c) => c.repeat(Math.max(1, Math.min(max ?? 20, 200) / c.length))),
      fc.constantFrom(' ', '\u3000', '\t\n', '').map((c) => c.repeat(Math.max(1, min ?? 1))),
    );
    if (max !== undefined)
      options.push(
        fc
          .constantFrom(max, max + 1, max * 2)
          .chain((n) => fc.constantFrom('x', '中', '😀', 'e\u0301').map((c) => c.repeat(Math.ceil(n / c.length)))),
      );
    if (min) options.push(fc.constant('x'.repeat(min - 1)));
    if (s.format === 'uuid' || /id$/i.test(field.key)) options.push(uuidText());
    if (s.format === 'date' || /(On|Date|deadline)$/.test(field.key))
      options.push(
        fc.constantFrom(
          ...DATE_TEXTS,
          '0000-01-01',
          '0001-01-01',
          '2026-02-29',
          '2024-02-29',
          '1900-01-01',
          '2026-10-08 ',
          '2026-10-08T00:00:00.000+08:00',
        ),
      );
    if (/region|code$/i.test(field.key))
      options.push(fc.constantFrom(...REGION_CODES, '210102001000', '210102000000', '210202001002'));
    if (typeof s.pattern === 'string' || /amount|limit|threshold|paid|recovered/i.test(field.key))
      options.push(fc.constantFrom(...AMOUNTS));
    if (/period|from|to$/i.test(field.key)) options.push(fc.constantFrom(...PERIOD_TEXTS));
    if (/idNumber/i.test(field.key))
      options.push(
        fc.constantFrom(
          '11010519491231002X',
          '110105194912310021',
          '11010519491231002x',
          '000000000000000000',
          '1101051949123100',
        ),
      );
    if (/mobile|login/i.test(field.key))
      options.push(fc.constantFrom('13800138000', '+8613800138000', '1380013800', '138-0013-8000', 'admin'));
    if (/password/i.test(field.key))
      options.push(
        fc.constantFrom('', 'a', 'password', 'x'.repeat(1025), '\u0000'.repeat(12), '密码密码密码密码密码密码'),
      );
  }
  if (type === 'integer' || type === 'number') {
    const min = (s.minimum as number | undefined) ?? 0;
    const max = (s.maximum as number | undefined) ?? 2 ** 31;
    options.push(
      fc.constantFrom(min - 1, min, max, max + 1, 0, -1, 1.5, 2 ** 31, 2 ** 53, 1e21, -1e21, String(min), `${max}`),
      fc.integer({ min: min - 10, max: max + 10 }),
    );
  }
  if (type === 'boolean') options.push(fc.constantFrom('true', 'false', 1, 0, null, 'yes'));
  if (type === 'array') {
    const items = s.items as Schema | undefined;
    const maxItems = (s.maxItems as number | undefined) ?? 10;
    const first = Array.isArray(field.current) ? field.current[0] : undefined;
    options.push(
      fc.constant([]),
      fc.constant(Array(Math.min(maxItems + 1, 2001)).fill(first ?? null)),
      fc.array(nearValid({ key: field.key, schema: items ?? {}, current: first }, schemas), {
        minLength: 1,
        maxLength: 3,
      }),
    );
  }
  if (type === 'object')
    options.push(
      fc.constantFrom({}, [], null),
      fc.dictionary(fc.string({ maxLength: 8 }), hostileValue(), { maxKeys: 4 }),
    );
  if (s.nullable) options.push(fc.constant(null));
  return options.length ? fc.oneof(...options) : hostileValue();
}

const json = (text: string) => Buffer.from(text, 'utf8');

/** JSON bodies broken field by field (hostile values, or values at the edge of valid), or replaced whole. */
function jsonBodies(
  base: unknown,
  schema: Schema,
  schemas: Record<string, Schema>,
): fc.Arbitrary<{ note: string; text: string }> {
  const { top, inner } = fieldsOf(schema, schemas, base);
  const field = fc.constantFrom(...top);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    {
      weight: 5,
      arbitrary: field.chain((f) => nearValid(f, schemas).map((value): Mutation => ({ op: 'set', key: f.key, value }))),
    },
    {
      weight: 3,
      arbitrary: field.chain((f) => hostileValue().map((value): Mutation => ({ op: 'set', key: f.key, value }))),
    },
    { weight: 1, arbitrary: field.map((f): Mutation => ({ op: 'drop', key: f.key })) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), key: unknownKey(), value: hostileValue() }) },
    ...(inner.length
      ? [
          {
            weight: 5,
            arbitrary: fc
              .constantFrom(...inner)
              .chain((f) =>
                nearValid(f, schemas).map((value): Mutation => ({ op: 'inner', key: f.outer, innerKey: f.key, value })),
              ),
          },
          {
            weight: 2,
            arbitrary: fc.record({
              op: fc.constant('inner' as const),
              key: fc.constantFrom(...new Set(inner.map((f) => f.outer))),
              innerKey: fc.constantFrom(...inner.map((f) => f.key), '__proto__', 'constructor', 'extra'),
              value: hostileValue(),
            }),
          },
        ]
      : []),
  );
  const describe = (m: Mutation) =>
    m.op === 'drop'
      ? `without ${m.key}`
      : `${m.op} ${m.op === 'inner' ? `${m.key}[0].${m.innerKey}` : JSON.stringify(m.key)}`;
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .array(mutation, { minLength: 1, maxLength: 3 })
        .map((ms) => ({ note: ms.map(describe).join(', '), text: jsonText(mutate(base, ms)) })),
    },
    {
      weight: 1,
      arbitrary: hostileValue().map((v) => ({ note: 'the whole body replaced', text: jsonText(v) })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('array of it', 'twice nested', 'empty object').map((how) => ({
        note: how,
        text:
          how === 'array of it'
            ? jsonText([base])
            : how === 'twice nested'
              ? jsonText({ body: base, data: base })
              : '{}',
      })),
    },
  );
}

const INVALID_JSON = [
  '',
  ' ',
  '{',
  '}',
  '{"a":}',
  "{'a':1}",
  '{"a":1,}',
  '[1,]',
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  '{"a":NaN}',
  '{"a":undefined}',
  '{"a":01}',
  '{"a":"\\uZZZZ"}',
  '{"a":"\\x41"}',
  '{"a":"unterminated}',
  '{"a" 1}',
  '{a:1}',
  '/* comment */ {}',
  '{"a":1 // comment\n}',
  '\u0000',
  '{"a":"\u0000"}',
  '"\\ud800"',
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"isAdmin":true}}}',
  'null',
  'true',
  '0',
  '-',
  '1e400',
  '[]',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
  '{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}',
];

/** Bytes that are not UTF-8: stray continuation bytes, overlong forms, encoded surrogates, past U+10FFFF. */
const BAD_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
  [0xc3],
];

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=gbk',
  'application/json; charset=bogus',
  'application/json;charset="utf-8"',
  'application/json; charset=utf-8; charset=latin1',
];

/** JSON text that is not JSON, or not UTF-8. */
function rawJsonBodies(baseText: string): fc.Arbitrary<{ note: string; bytes: Buffer; type: string }> {
  const encodings: Record<string, (t: string) => Buffer> = {
    'utf-16le with BOM': (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]),
    'utf-16le': (t) => Buffer.from(t, 'utf16le'),
    'utf-16be with BOM': (t) =>
      Buffer.from(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]).swap16()),
    'utf-8 with BOM': (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')]),
    latin1: (t) => Buffer.from(t, 'latin1'),
  };
  return fc
    .tuple(
      fc.oneof(
        fc
          .constantFrom(...INVALID_JSON)
          .map((t) => ({ note: `invalid JSON ${JSON.stringify(t.slice(0, 30))}`, bytes: json(t) })),
        fc
          .nat({ max: Math.max(0, baseText.length - 1) })
          .map((n) => ({ note: `cut at ${n}`, bytes: json(baseText.slice(0, n)) })),
        fc.tuple(fc.nat({ max: baseText.length }), fc.constantFrom(...BAD_UTF8)).map(([at, bytes]) => {
          // Inside a string value when the position falls in one, else between tokens.
          const text = json(baseText);
          const cut = Math.min(text.length, Buffer.byteLength(baseText.slice(0, at)));
          return {
            note: `bytes ${bytes.map((b) => b.toString(16)).join(' ')} at ${cut}`,
            bytes: Buffer.concat([text.subarray(0, cut), Buffer.from(bytes), text.subarray(cut)]),
          };
        }),
        fc
          .constantFrom(...Object.keys(encodings))
          .map((name) => ({ note: `encoded as ${name}`, bytes: encodings[name](baseText) })),
        fc.uint8Array({ maxLength: 300 }).map((b) => ({ note: 'random bytes', bytes: Buffer.from(b) })),
      ),
      fc.constantFrom(...JSON_TYPES),
    )
    .map(([b, type]) => ({ ...b, type }));
}

const CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=----x',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/problem+json',
  'APPLICATION/JSON',
  'Application/Json; Charset=UTF-8',
  'application/json;',
  'application/json; charset',
  'application/jsonx',
  'json',
  '*/*',
  'application/*',
  'application',
  '/',
  ';',
  'application/octet-stream',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/pdf',
  'image/png',
  'image/jpeg',
  'text/html',
  'application/json, text/plain',
  '',
];

/** Bytes for operations that take files: magic numbers with junk after them, CSV oddities, noise. */
function fileBodies(): fc.Arbitrary<{ note: string; bytes: Buffer }> {
  const magic = [
    '%PDF-1.7\n',
    'PK\u0003\u0004',
    '\u0089PNG\r\n\u001a\n',
    '\u00ff\u00d8\u00ff\u00e0',
    'GIF89a',
    '',
    '\u00ef\u00bb\u00bf',
  ];
  const csv = [
    '收支,科目,金额,日期,对方单位,凭证号,支付方式,备注\n',
    "收支,科目,金额,日期,对方单位,凭证号,支付方式,备注\n支出,管理费用/办公费,1e400,2026-13-45,=cmd|' /C calc'!A0,\"unclosed\n",
    '"a""b",\u0000,\u0000\n',
    `${'x,'.repeat(5000)}\n`,
    `${'"'.repeat(1001)}\n`,
    'region_code,title,due_on\n999999999999,\u0000,2026-02-30\n',
    '\r\r\r\n\n',
  ];
  return fc.oneof(
    fc.tuple(fc.constantFrom(...magic), fc.uint8Array({ maxLength: 2000 })).map(([m, b]) => ({
      note: `${JSON.stringify(m)} and ${b.length} random bytes`,
      bytes: Buffer.concat([Buffer.from(m, 'latin1'), Buffer.from(b)]),
    })),
    fc
      .tuple(fc.constantFrom(...csv), fc.constantFrom('utf8', 'utf16le', 'latin1') as fc.Arbitrary<BufferEncoding>)
      .map(([t, enc]) => ({
        note: `CSV ${JSON.stringify(t.slice(0, 20))} as ${enc}`,
        bytes: Buffer.from(t, enc),
      })),
    fc.constant({ note: 'empty', bytes: Buffer.alloc(0) }),
  );
}

/* ------------------------------------------------------------------------------------------------
 * Query, path and headers
 * --------------------------------------------------------------------------------------------- */

/** Percent-encoding that is broken or decodes to something odd. */
const RAW_ENCODED = [
  '%',
  '%G1',
  '%ff',
  '%c0%af',
  '%ed%a0%80',
  '%00',
  '%F0%9F',
  'a%2',
  '%%',
  '+',
  '%20',
  '%0A',
  '%0D%0A',
  '%26',
  '%3D',
  '=',
  '==',
];

/** What a keyset cursor holds (a time, an id, a number, a code), valid and not. */
const cursorAtom = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(
      '2026-10-01T00:00:00.000Z',
      '2026-10-01T00:00:00.000000Z',
      '9999-12-31T23:59:59.999999Z',
      '1970-01-01T00:00:00.000000Z',
      '2026-10-01 00:00:00+08',
      '9999-99-99T99:99:99.999Z',
      '+275760-09-13T00:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      'infinity',
      '-infinity',
      'NaN',
      '2026-10',
      '2026-Q4',
      '210102001002',
      '9223372036854775808',
      '-1',
      '',
      'a\u0000b',
      null,
      0,
      -1,
      2 ** 63,
      1.5,
    ),
    fc.uuid(),
    uuidText(),
    fc.integer(),
    fc.constantFrom('1e400', '123456789012345678901234567890').map((t) => new RawJson(t)),
  );

const cursorText = (): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .array(cursorAtom(), { minLength: 1, maxLength: 4 })
        .map((values) => Buffer.from(jsonText(values)).toString('base64url')),
    },
    fc
      .array(
        fc.oneof(hostileValue(), fc.uuid(), fc.constantFrom('2026-10-01T00:00:00.000Z', '9999-99-99T99:99:99.999Z')),
        {
          maxLength: 4,
        },
      )
      .map((values) => Buffer.from(jsonText(values)).toString('base64url')),
    hostileValue().map((v) => Buffer.from(jsonText(v)).toString('base64url')),
    fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v)).toString('base64')),
    fc.constantFrom('!!!', 'A'.repeat(201), '=', 'e30', 'W10', 'bnVsbA', 'WzEsMiwzXQ'),
  );

/** Values aimed at one parameter, by its name and type, plus anything at all. */
function paramValue(param: ParamSpec): fc.Arbitrary<string> {
  const s = param.schema;
  const typed: fc.Arbitrary<string>[] = [];
  if (s.type === 'integer' || s.type === 'number') {
    const min = (s.minimum as number | undefined) ?? 0;
    const max = (s.maximum as number | undefined) ?? 2 ** 31;
    typed.push(
      fc.constantFrom(...INTEGER_TEXTS),
      fc.integer().map(String),
      fc.constantFrom(min - 1, min, max, max + 1).map(String),
      fc.constantFrom(`${max}.0`, `${min}e0`, `0${max}`),
    );
  }
  if (s.type === 'boolean') typed.push(fc.constantFrom(...BOOLEAN_TEXTS));
  if (Array.isArray(s.enum)) {
    const values = s.enum as string[];
    typed.push(
      fc
        .constantFrom(...values)
        .chain((v) =>
          fc.constantFrom(v.toUpperCase(), ` ${v}`, `${v},${v}`, `${v}\u0000`, v.replace(/_/g, '-'), `${v}s`),
        ),
    );
  }
  if (s.format === 'uuid' || /id$/i.test(param.name) || param.name === 'batch' || param.name === 'actor')
    typed.push(uuidText());
  if (s.format === 'date' || /^(issuedOn|deadline)$/.test(param.name)) typed.push(fc.constantFrom(...DATE_TEXTS));
  if (/^(from|to)$/.test(param.name)) typed.push(fc.constantFrom(...PERIOD_TEXTS, ...DATE_TEXTS));
  if (/^(code|region|regionCode|within)$/.test(param.name)) typed.push(fc.constantFrom(...REGION_CODES));
  if (param.name === 'cursor' || param.name === 'after') typed.push(cursorText());
  if (/^(number|lineNo)$/.test(param.name)) typed.push(fc.constantFrom(...INTEGER_TEXTS));
  return fc.oneof(...typed.map((arbitrary) => ({ weight: 3, arbitrary })), { weight: 2, arbitrary: hostileString() });
}

/** A value as it goes on the wire: percent-encoded, or raw broken encoding, or very long. */
function wireValue(param: ParamSpec): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: paramValue(param).map(encode) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_ENCODED) },
    { weight: 1, arbitrary: fc.constantFrom(1000, 7000, 9000).map((n) => 'a'.repeat(n)) },
  );
}

type QueryMutation =
  | { op: 'set'; name: string; value: string }
  | { op: 'repeat'; name: string; values: string[] }
  | { op: 'drop'; name: string }
  | { op: 'add'; name: string; value: string }
  | { op: 'bare'; name: string };

const QUERY_NAMES_UNKNOWN = [
  '__proto__',
  'constructor[prototype][isAdmin]',
  'limit[]',
  'region[$gt]',
  'a[b]',
  '',
  '%',
  'x'.repeat(300),
  'q.q',
  'sort',
  'offset',
];

/** Query strings with the parameters of `params` (the declared ones) broken, one or a few at a time. */
export function queryAttacks(
  params: ParamSpec[],
  baseline: [string, string][],
  focus?: ParamSpec,
): fc.Arbitrary<{ note: string; query: string }> {
  const declared = focus ? [focus] : params;
  const on = (p: ParamSpec): fc.Arbitrary<QueryMutation> =>
    fc.oneof(
      { weight: 5, arbitrary: wireValue(p).map((value) => ({ op: 'set' as const, name: p.name, value })) },
      {
        weight: 2,
        arbitrary: fc
          .array(wireValue(p), { minLength: 2, maxLength: 5 })
          .map((values) => ({ op: 'repeat' as const, name: p.name, values })),
      },
      { weight: 1, arbitrary: fc.constant({ op: 'drop' as const, name: p.name }) },
      { weight: 1, arbitrary: fc.constant({ op: 'bare' as const, name: p.name }) },
    );
  const unknown: fc.Arbitrary<QueryMutation> = fc.record({
    op: fc.constant('add' as const),
    name: fc.oneof(fc.constantFrom(...QUERY_NAMES_UNKNOWN), fc.string({ unit: 'binary', maxLength: 10 })).map(encode),
    value: fc.oneof(hostileString().map(encode), fc.constantFrom(...RAW_ENCODED)),
  });
  const mutation = declared.length
    ? fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...declared).chain(on) }, { weight: 1, arbitrary: unknown })
    : unknown;
  return fc.array(mutation, { minLength: 1, maxLength: focus ? 1 : 3 }).map((ms) => {
    let pairs: [string, string | null][] = baseline.map(([k, v]) => [encode(k), encode(v)]);
    for (const m of ms) {
      const name = m.op === 'add' ? m.name : encode(m.name);
      if (m.op !== 'add') pairs = pairs.filter(([k]) => k !== name);
      if (m.op === 'set' || m.op === 'add') pairs.push([name, m.value]);
      if (m.op === 'repeat') pairs.push(...m.values.map((v): [string, string] => [name, v]));
      if (m.op === 'bare') pairs.push([name, null]);
    }
    return {
      note: ms.map((m) => `${m.op} ${m.name.slice(0, 40)}`).join(', '),
      query: pairs.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join('&'),
    };
  });
}

const RAW_SEGMENTS = [
  '%',
  '%zz',
  '%ff',
  '%c0%ae',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  '%2f..%2f',
  '%00',
  '%20',
  ';',
  ';a=b',
  '%3B',
  '*',
  '~',
  '%E4%B8%AD',
];

/** The path with one parameter broken, or its shape (slashes, case) changed. */
function pathAttacks(
  op: OperationSpec,
  concrete: Record<string, string>,
): fc.Arbitrary<{ note: string; path: string }> {
  const build = (values: Record<string, string>) =>
    op.template.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name] ?? encode(concrete[name] ?? ''));
  const valid = build({});
  const structural = fc.constantFrom(
    { note: 'trailing slash', path: `${valid}/` },
    { note: 'double slash', path: valid.replace('/api/v1/', '/api/v1//') },
    { note: 'upper case', path: valid.toUpperCase() },
    { note: 'dot segment', path: valid.replace('/api/v1/', '/api/v1/./') },
    { note: 'dot-dot segment', path: valid.replace('/api/v1/', '/api/v1/x/../') },
    { note: 'encoded slash', path: valid.replace(/\/([^/]*)$/, '%2F$1') },
    { note: 'matrix parameter', path: `${valid};a=1` },
  );
  if (op.pathParams.length === 0) return structural;
  const one = fc
    .constantFrom(...op.pathParams)
    .chain((p) =>
      fc
        .oneof(
          { weight: 6, arbitrary: paramValue(p).map(encode) },
          { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
          { weight: 1, arbitrary: fc.constantFrom(101, 1000, 5000).map((n) => 'a'.repeat(n)) },
        )
        .map((value) => ({ note: `${p.name} = ${value.slice(0, 40)}`, path: build({ [p.name]: value }) })),
    );
  return fc.oneof({ weight: 5, arbitrary: one }, { weight: 1, arbitrary: structural });
}

const ETAG_JUNK = [
  'garbage',
  '*',
  '"',
  '""',
  'W/',
  'W/"1"',
  '"1", "2"',
  ',',
  ', ,',
  '"99999999999999999999"',
  '"-1"',
  `"${'9'.repeat(500)}"`,
  '"\u00e9"',
  'null',
  '"v1"',
];
const IDEMPOTENCY_JUNK = [
  '',
  ' ',
  'k'.repeat(101),
  'a b',
  '\u00e9\u00e9',
  'key\t1',
  '"quoted"',
  '../../x',
  'k'.repeat(100),
];

/** Abuse of one or a few headers; values are what Node's client can put on the wire. */
type HeaderAttack = { note: string; headers: [string, string][] };

function headerAttacks(): fc.Arbitrary<HeaderAttack> {
  const junk = hostileString().map(headerSafe);
  return fc.oneof(
    fc
      .tuple(fc.constantFrom('if-match', 'if-none-match'), fc.oneof(fc.constantFrom(...ETAG_JUNK), junk))
      .map(([name, value]): HeaderAttack => ({
        note: `${name}: ${value.slice(0, 30)}`,
        headers: [[name, value]],
      })),
    fc.oneof(fc.constantFrom(...IDEMPOTENCY_JUNK), junk, fc.uuid()).map((value): HeaderAttack => ({
      note: `idempotency-key: ${value.slice(0, 30)}`,
      headers: [['idempotency-key', value]],
    })),
    fc
      .constantFrom(4096, 12_000, 17_000, 70_000)
      .map((n): HeaderAttack => ({ note: `a ${n}-byte header`, headers: [['x-filler', 'a'.repeat(n)]] })),
    fc.constantFrom(100, 500, 2100).map((n) => ({
      note: `${n} headers`,
      headers: Array.from({ length: n }, (_, i): [string, string] => [`x-h-${i}`, 'v']),
    })),
    fc
      .constantFrom(
        'content-type',
        'idempotency-key',
        'if-match',
        'if-none-match',
        'host',
        'content-length',
        'x-request-id',
      )
      .chain((name) =>
        fc.tuple(junk, junk).map(([a, b]) => ({
          note: `${name} twice`,
          headers: [
            [name, a],
            [name, b],
          ] as [string, string][],
        })),
      ),
    fc
      .tuple(
        fc.constantFrom(
          'content-encoding',
          'accept',
          'accept-charset',
          'accept-encoding',
          'range',
          'x-request-id',
          'x-forwarded-for',
          'x-forwarded-host',
          'x-forwarded-proto',
          'forwarded',
          'origin',
          'cookie',
          'expect',
          'host',
          'if-modified-since',
          'if-unmodified-since',
        ),
        fc.oneof(
          fc.constantFrom(
            'gzip',
            'br',
            'deflate',
            'identity, gzip',
            'x',
            '*/*;q=x',
            'bytes=0-1',
            'bytes=-1,0-',
            '100-continue',
            '',
          ),
          junk,
          fc.constantFrom(300, 5000).map((n) => 'a'.repeat(n)),
        ),
      )
      .map(([name, value]): HeaderAttack => ({ note: `${name}: ${value.slice(0, 30)}`, headers: [[name, value]] })),
  );
}

/** Bearer tokens that are not quite the caller's, and Authorization values that are no token at all. */
function authorizationAttacks(): fc.Arbitrary<{ note: string; auth: AuthVariant }> {
  return fc.oneof(
    fc
      .constantFrom('tampered', 'alg-none', 'lower-case', 'double-space', 'trailing', 'twice', 'no-scheme')
      .map((token) => ({ note: `the caller's token, ${token}`, auth: { token } as AuthVariant })),
    fc
      .array(
        fc.oneof(
          fc.constantFrom(
            'Bearer',
            'Bearer ',
            'Bearer x.y.z',
            'Bearer eyJhbGciOiJub25lIn0.e30.',
            'Basic dXNlcjpwYXNz',
            'Digest username="a"',
            'Bearer null',
            'Bearer undefined',
            `Bearer ${'a'.repeat(8000)}`,
            'Bearer \u00e9',
          ),
          hostileString().map((s) => `Bearer ${headerSafe(s)}`),
        ),
        { minLength: 1, maxLength: 2 },
      )
      .map((raw) => ({ note: `authorization: ${raw.map((r) => r.slice(0, 30)).join(' | ')}`, auth: { raw } })),
  );
}

/* ------------------------------------------------------------------------------------------------
 * Attacks per operation
 * --------------------------------------------------------------------------------------------- */

const ONE_MIB = 1024 * 1024;

/** The concrete values of the template's parameters in the baseline path. */
export function pathValues(template: string, path: string): Record<string, string> {
  const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`);
  const match = pattern.exec(path);
  if (!match) throw new Error(`${path} does not fit ${template}`);
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1])]));
}

export interface AttackContext {
  op: OperationSpec;
  baseline: Baseline;
  schemas: Record<string, Schema>;
  /** Some of the runs go without a token (validation and authentication paths both). */
  anonymousShare?: number;
}

/** The valid request, as the attacks start from it. */
function start(ctx: AttackContext) {
  const { op, baseline } = ctx;
  const path = op.template.replace(/\{([^}]+)\}/g, (_m, name: string) =>
    encode(pathValues(op.template, baseline.path)[name]),
  );
  const query = baseline.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  const headers = Object.entries(baseline.headers).map(([k, v]): [string, string] => [k.toLowerCase(), v]);
  const isJson = baseline.body !== undefined && !Buffer.isBuffer(baseline.body);
  const type = baseline.contentType ?? (isJson ? 'application/json' : undefined);
  const body =
    baseline.body === undefined
      ? undefined
      : Buffer.isBuffer(baseline.body)
        ? baseline.body
        : json(jsonText(baseline.body));
  return { path, query, headers, type, body };
}

const withType = (headers: [string, string][], type: string | undefined): [string, string][] => [
  ...headers.filter(([k]) => k !== 'content-type'),
  ...(type === undefined ? [] : ([['content-type', type]] as [string, string][])),
];

/**
 * Attacks on a write operation: its body (JSON broken by schema, invalid text and encodings, files),
 * content type, size, headers, authorization, query and path.
 */
export function writeAttacks(ctx: AttackContext): fc.Arbitrary<Attack> {
  const { op, baseline, schemas } = ctx;
  const s = start(ctx);
  const base = (kind: AttackKind, note: string, over: Partial<Attack> = {}): Attack => ({
    kind,
    note,
    path: s.path,
    query: s.query,
    headers: withType(s.headers, s.type),
    body: s.body,
    auth: 'caller',
    ...over,
  });
  const takesJson = op.body?.mediaTypes.includes('application/json') ?? false;
  const fileTypes = (op.body?.mediaTypes ?? []).filter((t) => t !== 'application/json');
  const jsonSchema = op.body?.json ?? {};
  const exampleBody = takesJson
    ? baseline.body !== undefined && !Buffer.isBuffer(baseline.body)
      ? baseline.body
      : fc.sample(validish(jsonSchema, schemas), { numRuns: 1, seed: 1 })[0]
    : { note: 'a body where none is read' };
  const exampleText = jsonText(exampleBody);

  const arbitraries: fc.WeightedArbitrary<Attack>[] = [];
  if (takesJson) {
    arbitraries.push({
      weight: 8,
      arbitrary: jsonBodies(exampleBody, jsonSchema, schemas).map(({ note, text }) =>
        base('json-body', note, { headers: withType(s.headers, 'application/json'), body: json(text) }),
      ),
    });
  }
  if (takesJson || !op.body) {
    // Without a body schema, JSON is sent anyway: a body where none is read must not break anything.
    arbitraries.push({
      weight: takesJson ? 3 : 2,
      arbitrary: rawJsonBodies(exampleText).map(({ note, bytes, type }) =>
        base('raw-body', note, { headers: withType(s.headers, type), body: bytes }),
      ),
    });
  }
  if (fileTypes.length) {
    arbitraries.push({
      weight: 5,
      arbitrary: fc
        .tuple(fileBodies(), fc.constantFrom(...fileTypes))
        .map(([{ note, bytes }, type]) =>
          base('binary-body', `${type}: ${note}`, { headers: withType(s.headers, type), body: bytes }),
        ),
    });
  }
  arbitraries.push(
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }), fc.boolean())
        .map(([type, jsonBody]) =>
          base('content-type', `content-type: ${type ?? '(none)'}${jsonBody ? ', a JSON body' : ''}`, {
            headers: withType(s.headers, type),
            body: jsonBody || !s.body ? json(exampleText) : s.body,
          }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom(ONE_MIB + 1, ONE_MIB + 4096, 2 * ONE_MIB),
          fc.constantFrom(...new Set([...(op.body?.mediaTypes ?? []), 'application/json', 'text/plain'])),
          fc.boolean(),
        )
        .map(([size, type, chunked]) => {
          const bytes = Buffer.alloc(size, 0x20);
          if (type === 'application/json') bytes.write(`{"title":"${'x'.repeat(size - 20)}"}`);
          return base('oversized', `${size} bytes of ${type}${chunked ? ', chunked' : ''}`, {
            headers: withType(s.headers, type),
            body: bytes,
            chunked,
          });
        }),
    },
    {
      weight: 2,
      arbitrary: headerAttacks().map(({ note, headers }) =>
        base('headers', note, {
          headers: [...withType(s.headers, s.type).filter(([k]) => !headers.some(([h]) => h === k)), ...headers],
        }),
      ),
    },
    { weight: 2, arbitrary: authorizationAttacks().map(({ note, auth }) => base('authorization', note, { auth })) },
    {
      weight: 1,
      arbitrary: queryAttacks(op.queryParams, baseline.query).map(({ note, query }) => base('query', note, { query })),
    },
    {
      weight: op.pathParams.length ? 2 : 1,
      arbitrary: pathAttacks(op, pathValues(op.template, baseline.path)).map(({ note, path }) =>
        base('path', note, { path }),
      ),
    },
  );
  return withAuth(fc.oneof(...arbitraries), ctx.anonymousShare ?? 0.25);
}

/** Attacks on a read operation's path and headers (its query parameters have readAttacksOn). */
export function readAttacks(ctx: AttackContext): fc.Arbitrary<Attack> {
  const { op, baseline } = ctx;
  const s = start(ctx);
  const base = (kind: AttackKind, note: string, over: Partial<Attack> = {}): Attack => ({
    kind,
    note,
    path: s.path,
    query: s.query,
    headers: s.headers,
    auth: 'caller',
    ...over,
  });
  return withAuth(
    fc.oneof(
      {
        weight: 3,
        arbitrary: pathAttacks(op, pathValues(op.template, baseline.path)).map(({ note, path }) =>
          base('path', note, { path }),
        ),
      },
      {
        weight: 2,
        arbitrary: headerAttacks().map(({ note, headers }) =>
          base('headers', note, {
            headers: [...s.headers.filter(([k]) => !headers.some(([h]) => h === k)), ...headers],
          }),
        ),
      },
      { weight: 1, arbitrary: authorizationAttacks().map(({ note, auth }) => base('authorization', note, { auth })) },
      {
        weight: 1,
        arbitrary: queryAttacks(op.queryParams, baseline.query).map(({ note, query }) =>
          base('query', note, { query }),
        ),
      },
    ),
    ctx.anonymousShare ?? 0.25,
  );
}

/** Attacks on one query parameter of an operation. */
export function queryParamAttacks(ctx: AttackContext, param: ParamSpec): fc.Arbitrary<Attack> {
  const s = start(ctx);
  return withAuth(
    queryAttacks(ctx.op.queryParams, ctx.baseline.query, param).map(({ note, query }): Attack => ({
      kind: 'query',
      note,
      path: s.path,
      query,
      headers: withType(s.headers, s.type),
      body: s.body,
      auth: 'caller',
    })),
    ctx.anonymousShare ?? 0.25,
  );
}

/** A share of the attacks that keep the caller's token go without one. */
function withAuth(attacks: fc.Arbitrary<Attack>, anonymousShare: number): fc.Arbitrary<Attack> {
  const weight = Math.round(anonymousShare * 100);
  return fc
    .tuple(attacks, fc.integer({ min: 0, max: 99 }))
    .map(([attack, roll]) =>
      printable(attack.auth === 'caller' && roll < weight ? { ...attack, auth: 'none' } : attack),
    );
}

/** One line for an attack, its body cut short: a counterexample of 2 MiB would bury the failure. */
export function describeAttack(attack: Attack): string {
  const cut = (text: string, n: number) => (text.length > n ? `${text.slice(0, n)}…[${text.length}]` : text);
  const auth = typeof attack.auth === 'string' ? attack.auth : JSON.stringify(attack.auth).slice(0, 80);
  const headers = attack.headers.map(([k, v]) => `${k}: ${cut(v, 60)}`);
  const body = attack.body ? ` body ${JSON.stringify(cut(attack.body.toString('utf8'), 300))}` : '';
  return `${attack.kind} (${cut(attack.note, 120)}) ${cut(attack.path, 200)}${attack.query ? `?${cut(attack.query, 300)}` : ''} auth=${auth} [${cut(headers.join('; '), 400)}]${body}${attack.chunked ? ' chunked' : ''}`;
}

function printable(attack: Attack): Attack {
  const copy = { ...attack };
  return Object.defineProperty(copy, fc.toStringMethod, { value: () => describeAttack(copy), enumerable: false });
}

/* ------------------------------------------------------------------------------------------------
 * Fixed cases, for regressions of a whole class of input
 * --------------------------------------------------------------------------------------------- */

/** One attack per string field of the operation's JSON body (top level and list items), set to `value`. */
export function everyStringField(ctx: AttackContext, value: string): Attack[] {
  const { op, baseline, schemas } = ctx;
  if (!op.body?.mediaTypes.includes('application/json')) return [];
  const s = start(ctx);
  const base = baseline.body !== undefined && !Buffer.isBuffer(baseline.body) ? baseline.body : {};
  const { top, inner } = fieldsOf(op.body.json ?? {}, schemas, base);
  const isString = (f: Field) => deref(f.schema, schemas).type === 'string' || typeof f.current === 'string';
  const bodies = [
    ...top
      .filter(isString)
      .map((f) => ({ note: `${f.key} = ${JSON.stringify(value)}`, m: { op: 'set', key: f.key, value } as Mutation })),
    ...inner.filter(isString).map((f) => ({
      note: `${f.outer}[0].${f.key} = ${JSON.stringify(value)}`,
      m: { op: 'inner', key: f.outer, innerKey: f.key, value } as Mutation,
    })),
    { note: `a key ${JSON.stringify(value)}`, m: { op: 'add', key: value, value: 1 } as Mutation },
  ];
  return bodies.map(({ note, m }) =>
    printable({
      kind: 'json-body',
      note,
      path: s.path,
      query: s.query,
      headers: withType(s.headers, 'application/json'),
      body: json(jsonText(mutate(base, [m]))),
      auth: 'caller',
    }),
  );
}

/** One attack per query parameter of the operation, set to `wire` (as sent, already encoded). */
export function everyQueryParam(ctx: AttackContext, wire: string): Attack[] {
  const s = start(ctx);
  return ctx.op.queryParams.map((param) => {
    const pairs = ctx.baseline.query.filter(([k]) => k !== param.name).map(([k, v]) => `${encode(k)}=${encode(v)}`);
    return printable({
      kind: 'query',
      note: `${param.name}=${wire}`,
      path: s.path,
      query: [...pairs, `${encode(param.name)}=${wire}`].join('&'),
      headers: withType(s.headers, s.type),
      body: s.body,
      auth: 'caller',
    });
  });
}
