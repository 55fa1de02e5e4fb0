import type { OpenAPIObject } from '@nestjs/swagger';
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** One reply as the test client saw it. */
export interface ObservedReply {
  method: string;
  /** Path as sent, query string included. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The raw text of a textual reply (JSON included), if the client kept it. */
  text?: string;
  /** The parsed body (JSON) or a Buffer, if the client parsed it. */
  body?: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface MediaTypeObject {
  schema?: JsonObject;
}
interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
}
interface Operation {
  responses?: Record<string, ResponseObject>;
}
interface Route {
  template: string;
  pattern: RegExp;
  /** Literal characters: `/a/b` outranks `/a/{id}` for `/a/b`. */
  weight: number;
  operations: Map<string, Operation>;
}

const BASE = 'https://contract.test/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
/** OpenAPI 3.0 keywords JSON Schema 2020 does not know; annotations only. */
const OPENAPI_KEYWORDS = ['example', 'xml', 'externalDocs', 'discriminator', 'x-enumNames'];
/**
 * Answered by the HTTP layer before any route is chosen (a URI or headers past the server's
 * limits): like a reply to an unknown path, only the problem format applies.
 */
const BEFORE_ROUTING = new Set([414, 431]);

/**
 * Checks replies against an OpenAPI 3.0 document (as @nestjs/swagger writes it), with JSON Schema
 * 2020 semantics: `nullable` becomes a `null` alternative, `$ref`s point into the document's
 * components, and an object that lists its properties admits no others (an undocumented field is
 * drift: a generated client would not see it). Each check returns the readable reasons a reply
 * breaks the contract, none when it keeps it.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  private readonly routes: Route[];
  private readonly validators = new Map<JsonObject, ValidateFunction>();

  constructor(document: OpenAPIObject) {
    addFormats(this.ajv);
    for (const format of ['int32', 'int64', 'float', 'double', 'binary', 'password']) this.ajv.addFormat(format, true);
    for (const keyword of OPENAPI_KEYWORDS) this.ajv.addKeyword(keyword);
    const schemas = (document.components?.schemas ?? {}) as Record<string, JsonObject>;
    this.ajv.addSchema({
      $id: BASE,
      components: {
        schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, toJsonSchema(schema)])),
      },
    });
    this.routes = Object.entries(document.paths)
      .map(([template, item]) => route(template, item as Record<string, Operation>))
      .sort((a, b) => b.weight - a.weight);
  }

  /** The document's path template a request path falls under, if any. */
  template(url: string): string | undefined {
    return this.route(url)?.template;
  }

  check(reply: ObservedReply): string[] {
    const problems = [...problemFormat(reply), ...requiredHeaders(reply)];
    const method = reply.method.toLowerCase();
    const found = this.route(reply.url);
    // HEAD is answered by the GET route (Fastify adds it), without a body.
    const operation = found?.operations.get(method) ?? (method === 'head' ? found?.operations.get('get') : undefined);
    // Not a documented operation, or never reached one: only the problem format applies.
    if (!found || !operation || BEFORE_ROUTING.has(reply.status)) return problems;

    const responses = operation.responses ?? {};
    const key = responseKey(responses, reply.status);
    if (key === undefined) {
      problems.push(
        `status ${reply.status} is not documented for ${method.toUpperCase()} ${found.template} (documented: ${Object.keys(responses).join(', ')})`,
      );
      return problems;
    }
    if (!hasBody(reply)) return problems;

    const contentType = mediaType(reply);
    const content = responses[key].content ?? {};
    const media = content[contentType] ?? wildcard(content, contentType);
    if (!media) {
      problems.push(
        `content type ${contentType} is not documented for ${reply.status} (documented: ${Object.keys(content).join(', ') || 'no content'})`,
      );
      return problems;
    }
    if (!isJson(contentType)) return problems; // streams and files: status and type only
    if (!media.schema) {
      problems.push(`${reply.status} ${contentType} reply has no documented schema`);
      return problems;
    }
    const body = jsonBody(reply);
    if (body === undefined) {
      problems.push(`${contentType} body is not JSON`);
      return problems;
    }
    const validate = this.validator(media.schema);
    if (!validate(body)) problems.push(...(validate.errors ?? []).map(describe));
    return problems;
  }

  private route(url: string): Route | undefined {
    const path = url.split('?')[0];
    return this.routes.find((r) => r.pattern.test(path));
  }

  private validator(schema: JsonObject): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as JsonObject);
      this.validators.set(schema, validate);
    }
    return validate;
  }
}

function route(template: string, item: Record<string, Operation>): Route {
  const parts = template.split(/\{[^}]+\}/);
  const source = parts.map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+');
  return {
    template,
    pattern: new RegExp(`^${source}$`),
    weight: parts.join('').length,
    operations: new Map(METHODS.filter((m) => item[m]).map((m) => [m, item[m]])),
  };
}

function responseKey(responses: Record<string, unknown>, status: number): string | undefined {
  const exact = String(status);
  const range = `${exact[0]}XX`;
  return [exact, range, range.toLowerCase(), 'default'].find((key) => key in responses);
}

/** Every 201 says where the new resource is; every 401 how to authenticate. */
function requiredHeaders(reply: ObservedReply): string[] {
  if (reply.status === 201 && !reply.headers['location']) return ['201 without a Location header'];
  if (reply.status === 401 && !reply.headers['www-authenticate']) return ['401 without a WWW-Authenticate header'];
  return [];
}

function problemFormat(reply: ObservedReply): string[] {
  if (reply.status < 400 || !hasBody(reply)) return [];
  if (mediaType(reply) !== 'application/problem+json')
    return [`${reply.status} reply is ${mediaType(reply) || 'untyped'}, not application/problem+json`];
  const body = jsonBody(reply);
  const code = body && typeof body === 'object' && !Array.isArray(body) ? (body as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code ? [] : [`${reply.status} problem without a code`];
}

function hasBody(reply: ObservedReply): boolean {
  if (reply.method.toUpperCase() === 'HEAD' || reply.status === 204 || reply.status === 304) return false;
  if (reply.headers['content-length'] === '0') return false;
  if (typeof reply.text === 'string') return reply.text.length > 0;
  if (Buffer.isBuffer(reply.body)) return reply.body.length > 0;
  return Boolean(reply.headers['content-type']);
}

function mediaType(reply: ObservedReply): string {
  const header = reply.headers['content-type'];
  return String(Array.isArray(header) ? header[0] : (header ?? ''))
    .split(';')[0]
    .trim()
    .toLowerCase();
}

function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json');
}

function wildcard(content: Record<string, MediaTypeObject>, type: string): MediaTypeObject | undefined {
  return content[`${type.split('/')[0]}/*`] ?? content['*/*'];
}

/** The body as JSON, from the text, or the bytes a test collected (`.parse(binary)`); undefined if not JSON. */
function jsonBody(reply: ObservedReply): unknown {
  const text = typeof reply.text === 'string' ? reply.text : Buffer.isBuffer(reply.body) ? reply.body.toString() : null;
  if (text === null) return reply.body;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || '(body)';
  if (error.keyword === 'unevaluatedProperties')
    return `${at}: undocumented property '${String(error.params.unevaluatedProperty)}'`;
  if (error.keyword === 'additionalProperties')
    return `${at}: undocumented property '${String(error.params.additionalProperty)}'`;
  return `${at}: ${error.message ?? error.keyword}`;
}

/** An OpenAPI 3.0 schema as JSON Schema 2020 (see OpenApiValidator). */
export function toJsonSchema(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out[key] = BASE + value;
    else if (key === 'properties' || key === 'patternProperties' || key === '$defs')
      out[key] = Object.fromEntries(Object.entries(value as JsonObject).map(([name, s]) => [name, toJsonSchema(s)]));
    else if (key === 'example' || key === 'examples' || key === 'enum' || key === 'const' || key === 'default')
      out[key] = value;
    else out[key] = toJsonSchema(value);
  }
  // An object admits only the properties it documents: `{ type: 'object' }` alone documents none.
  if ((schema.properties || schema.type === 'object') && !('additionalProperties' in schema))
    out.unevaluatedProperties = false;
  // OpenAPI 3.0 exclusive bounds are booleans on minimum/maximum.
  if (schema.exclusiveMinimum === true) [out.exclusiveMinimum, out.minimum] = [out.minimum, null];
  if (schema.exclusiveMaximum === true) [out.exclusiveMaximum, out.maximum] = [out.maximum, null];
  for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'])
    if (out[key] === null || out[key] === false) delete out[key];
  if (schema.nullable !== true) return out;
  if (typeof out.type === 'string' && !out.$ref && !out.allOf && !out.oneOf && !out.anyOf) {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}
