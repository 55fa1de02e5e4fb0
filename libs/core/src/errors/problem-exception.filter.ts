import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { coreError, CoreErrorCode } from './core.errors';
import { DomainError } from './domain-error';
import { PROBLEM_CONTENT_TYPE, ProblemBody, problemType } from './problem';

const CODE_BY_STATUS: Record<number, CoreErrorCode> = {
  400: CoreErrorCode.MalformedRequest,
  404: CoreErrorCode.RouteNotFound,
  405: CoreErrorCode.MethodNotAllowed,
  413: CoreErrorCode.PayloadTooLarge,
  415: CoreErrorCode.UnsupportedMediaType,
  429: CoreErrorCode.TooManyRequests,
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
      const detail = status === 404 ? 'No such resource.' : clientMessage(exception);
      return coreError(code, detail);
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

function clientMessage(exception: unknown): string {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
  }
  // Fastify's own client errors (bad JSON, wrong content type, body too large) have safe messages.
  return exception instanceof Error ? exception.message : 'Bad request.';
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
    type: problemType(error.code),
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
