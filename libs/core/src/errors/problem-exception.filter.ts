import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { coreError, CoreErrorCode } from './core.errors';
import { DomainError } from './domain-error';
import { PROBLEM_CONTENT_TYPE, ProblemBody, problemType } from './problem';

const CODE_BY_STATUS: Record<number, CoreErrorCode> = {
  400: CoreErrorCode.MalformedRequest,
  404: CoreErrorCode.RouteNotFound,
  405: CoreErrorCode.MethodNotAllowed,
  413: CoreErrorCode.PayloadTooLarge,
  414: CoreErrorCode.UriTooLong,
  415: CoreErrorCode.UnsupportedMediaType,
  429: CoreErrorCode.TooManyRequests,
  431: CoreErrorCode.HeadersTooLarge,
  503: CoreErrorCode.ServiceUnavailable,
};

/**
 * PostgreSQL failures that mean "not now" rather than "broken": connection exceptions (class 08),
 * insufficient resources (53), operator intervention (57: shutdown, query cancelled by the
 * statement timeout), and serialization failures or deadlocks (40001, 40P01) that a retry resolves.
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57)|^40001$|^40P01$/;
/** Socket and driver failures of a database that went away or cannot be reached in time. */
const UNAVAILABLE_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery mode)|Driver not Connected|already released|Connection is closed/i;

/** Turns anything thrown into an RFC 9457 problem reply. Unexpected errors become a bare 500. */
@Catch()
export class ProblemExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(reply, request, this.toDomainError(exception));
  }

  private toDomainError(exception: unknown): DomainError {
    if (exception instanceof DomainError) return exception;
    const status = statusOf(exception);
    if (status !== undefined && status < 500) {
      const code = CODE_BY_STATUS[status] ?? CoreErrorCode.MalformedRequest;
      return coreError(code, clientMessage(exception, code));
    }
    if (isRowSecurityRefusal(exception)) {
      // The application's own checks let this through and the database stopped it: worth a look.
      this.logger.error({ err: describe(exception) }, 'row-level security refused a statement');
      return coreError(CoreErrorCode.RowSecurityRefused, 'Not allowed here.');
    }
    if (isUnavailable(exception)) {
      this.logger.warn({ err: describe(exception) }, 'service unavailable');
      return coreError(CoreErrorCode.ServiceUnavailable, 'Please retry shortly.');
    }
    // Only name, message and stack: driver errors carry query parameters, which may be personal data.
    this.logger.error({ err: describe(exception) }, 'unhandled error');
    return coreError(CoreErrorCode.Internal, 'An unexpected error occurred; it has been logged.');
  }
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

/** Plain sentences for framework errors whose own message is not fit for a client. */
const PLAIN_DETAIL: Partial<Record<CoreErrorCode, string>> = {
  [CoreErrorCode.RouteNotFound]: 'No such resource.',
  [CoreErrorCode.TooManyRequests]: 'Too many requests from this address; retry after the seconds in Retry-After.',
  [CoreErrorCode.PayloadTooLarge]: 'The request body is larger than the API reads.',
  [CoreErrorCode.UnsupportedMediaType]: 'The request body has a media type this operation does not read.',
  [CoreErrorCode.MalformedRequest]: 'The request could not be read.',
};

/** A class or library name (`ThrottlerException`, `SyntaxError`, `FST_ERR_…`) says nothing to a client. */
const IMPLEMENTATION_NAME = /\b[A-Za-z]*(Exception|Error)\b|\b(FST|ERR|HPE)_[A-Z_]+/;

/**
 * The detail of a framework error (Nest's HttpExceptions, Fastify's client errors): its own
 * message when it is a plain sentence about the request, else the code's plain sentence.
 */
function clientMessage(exception: unknown, code: CoreErrorCode): string {
  const fallback = PLAIN_DETAIL[code] ?? `${coreError(code).spec.title}.`;
  if (code === CoreErrorCode.RouteNotFound) return fallback; // Nest's "Cannot GET /x" echoes the path
  const message = rawMessage(exception);
  return message && !IMPLEMENTATION_NAME.test(message) ? message : fallback;
}

function rawMessage(exception: unknown): string | undefined {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : undefined;
  }
  return exception instanceof Error ? exception.message : undefined;
}

/** A write refused by a row-level security policy (SQLSTATE 42501 with that message), wrapped or not. */
function isRowSecurityRefusal(exception: unknown): boolean {
  const e = exception as {
    code?: unknown;
    message?: unknown;
    driverError?: { code?: unknown; message?: unknown };
  } | null;
  const error = e?.driverError ?? e;
  return error?.code === '42501' && typeof error.message === 'string' && error.message.includes('row-level security');
}

/** True for an error that a database outage causes (also when wrapped by TypeORM as `driverError`). */
export function isUnavailable(exception: unknown): boolean {
  for (let e = exception as Record<string, unknown> | null, depth = 0; e && depth < 4; depth++) {
    const code = e.code;
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
    e = (e.driverError ?? e.cause ?? null) as Record<string, unknown> | null;
  }
  return false;
}

function describe(exception: unknown): { name?: string; message: string; stack?: string } {
  if (exception instanceof Error) return { name: exception.name, message: exception.message, stack: exception.stack };
  return { message: String(exception) };
}

/**
 * Sends `error` as an RFC 9457 problem reply, with its headers (`Retry-After` from its spec,
 * `WWW-Authenticate` on a 401). The one way a problem leaves the API, from the exception filter
 * and from Fastify hooks that answer before Nest sees the request.
 */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: DomainError): FastifyReply {
  const body: ProblemBody = {
    type: problemType(error.code, problemBaseUrlOf(request)),
    title: error.spec.title,
    status: error.spec.status,
    detail: error.detail,
    code: error.code,
    instance: request.url.split('?')[0],
    requestId: String(request.id),
    ...(error.errors ? { errors: error.errors } : {}),
  };
  // RFC 9110: a 401 names the scheme that would succeed; the only one here is a bearer token.
  const headers = body.status === 401 ? { 'www-authenticate': 'Bearer', ...error.headers } : error.headers;
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  if (error.spec.retryAfter !== undefined && !reply.hasHeader('retry-after'))
    void reply.header('retry-after', String(error.spec.retryAfter));
  return reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

const PROBLEM_BASE_URL = 'problemBaseUrl';

/** Makes the `type` of every problem this Fastify instance sends absolute, on `baseUrl`. */
export function setProblemBaseUrl(fastify: FastifyInstance, baseUrl: string): void {
  fastify.decorate(PROBLEM_BASE_URL, baseUrl);
}

function problemBaseUrlOf(request: FastifyRequest): string {
  const base = (request.server as { [PROBLEM_BASE_URL]?: unknown } | undefined)?.[PROBLEM_BASE_URL];
  return typeof base === 'string' ? base : '';
}
