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

/** PostgreSQL failures that mean "not now" rather than "broken": connection loss, shutdown, timeouts. */
const UNAVAILABLE_SQLSTATES = new Set(['57014', '57P01', '57P02', '57P03', '53300', '08000', '08003', '08006']);

/** Turns anything thrown into an RFC 9457 problem reply. Unexpected errors become a bare 500. */
@Catch()
export class ProblemExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const error = this.toDomainError(exception);
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
    void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
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

function isUnavailable(exception: unknown): boolean {
  const code = (exception as { code?: unknown; driverError?: { code?: unknown } } | null) ?? {};
  const sqlState = code.driverError?.code ?? code.code;
  if (typeof sqlState === 'string' && UNAVAILABLE_SQLSTATES.has(sqlState)) return true;
  return (
    exception instanceof Error &&
    /Connection terminated|ECONNREFUSED|timeout exceeded when trying to connect/.test(exception.message)
  );
}

function describe(exception: unknown): { name?: string; message: string; stack?: string } {
  if (exception instanceof Error) return { name: exception.name, message: exception.message, stack: exception.stack };
  return { message: String(exception) };
}
