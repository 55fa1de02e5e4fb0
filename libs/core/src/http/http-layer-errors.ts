import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { coreError, CoreErrorCode } from '../errors/core.errors';
import { DomainError } from '../errors/domain-error';
import { PROBLEM_CONTENT_TYPE, ProblemBody, problemType } from '../errors/problem';
import { sendProblem } from '../errors/problem-exception.filter';

/**
 * Longest request target (path and query) read. Node's parser refuses a request line and headers
 * over `http.maxHeaderSize` (16 KiB) itself; between the two, this answers 414.
 */
export const MAX_URI_LENGTH = 8 * 1024;

/**
 * Refuses, before anything reads it, a request target over MAX_URI_LENGTH (414), a query string
 * that is not valid percent-encoded UTF-8 (400; the query parser would otherwise pass the broken
 * text on as if it were what the client meant), and a `%00` anywhere in the target (400: no
 * parameter means a NUL, and PostgreSQL cannot take one in text, so it would fail the statement).
 * Fastify's router refuses a path that is not UTF-8, and a path parameter over `maxParamLength`,
 * itself (frameworkErrors below).
 */
export function refuseUnreadableUris(fastify: FastifyInstance): void {
  // A callback hook (no promise per request); a refusal replies and ends the request there.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.url.length > MAX_URI_LENGTH) {
      const detail = `The path and query are longer than ${MAX_URI_LENGTH} characters.`;
      return void sendProblem(reply, request, coreError(CoreErrorCode.UriTooLong, detail));
    }
    if (/%00/.test(request.url)) {
      const detail = 'The path or query contains %00 (NUL).';
      return void sendProblem(reply, request, coreError(CoreErrorCode.MalformedRequest, detail));
    }
    const query = request.url.indexOf('?');
    if (query >= 0 && !isPercentEncodedUtf8(request.url.slice(query + 1))) {
      const detail = 'The query string is not valid percent-encoded UTF-8.';
      return void sendProblem(reply, request, coreError(CoreErrorCode.MalformedRequest, detail));
    }
    done();
  });
}

function isPercentEncodedUtf8(text: string): boolean {
  if (!text.includes('%')) return true;
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false; // a `%` without two hex digits, or bytes that are not UTF-8
  }
}

/** What the replies written outside Nest need from the configuration, known once the app is built. */
export interface HttpLayerSettings {
  /** Security headers every reply carries. */
  headers: Record<string, string>;
  /** Base URL of problem types ('' for relative ones). */
  problemBaseUrl: string;
}

/**
 * Fastify's `frameworkErrors` and `clientErrorHandler` options, which must be given when Fastify
 * is created, before the configuration is read: they read `settings` when they run.
 */
export function httpLayerErrorHandlers(settings: HttpLayerSettings) {
  return {
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
      // No hook runs for these: the request id and security headers are set here.
      void reply.headers({ ...settings.headers, 'x-request-id': String(request.id) });
      void sendProblem(reply, request, frameworkProblem(error));
    },
    clientErrorHandler: (error: ParserError, socket: Socket): void => writeParserProblem(error, socket, settings),
  };
}

/**
 * Errors Fastify's router raises before any hook runs: a path that is not valid percent-encoded
 * UTF-8, a path parameter over `maxParamLength`.
 */
function frameworkProblem(error: FastifyError): DomainError {
  switch (error.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return coreError(CoreErrorCode.UriTooLong, 'A segment of the path is longer than the API reads.');
    case 'FST_ERR_BAD_URL':
      return coreError(CoreErrorCode.MalformedRequest, 'The path is not valid percent-encoded UTF-8.');
    default:
      return coreError(CoreErrorCode.MalformedRequest, 'The request could not be routed.');
  }
}

interface ParserError extends Error {
  code?: string;
  /** What the parser had read (Node sets a Buffer; Fastify's type says otherwise). */
  rawPacket?: unknown;
}

/**
 * Node's HTTP parser refused the request (headers over `maxHeaderSize`, a raw non-ASCII byte or a
 * control character in the request line, a request that did not arrive in time), before there is
 * a request to reply to. The reply is a problem document written on the socket, which is then
 * closed: after a parse error the stream cannot be trusted.
 */
function writeParserProblem(error: ParserError, socket: Socket, settings: HttpLayerSettings): void {
  if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || !socket.writable) {
    socket.destroy();
    return;
  }
  const problem = parserProblem(error);
  const requestId = randomUUID();
  const body: ProblemBody = {
    type: problemType(problem.code, settings.problemBaseUrl),
    title: problem.spec.title,
    status: problem.spec.status,
    detail: problem.detail,
    code: problem.code,
    requestId,
  };
  const text = JSON.stringify(body);
  const head = [
    `HTTP/1.1 ${body.status} ${STATUS_CODES[body.status]}`,
    `content-type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    `content-length: ${Buffer.byteLength(text)}`,
    'connection: close',
    `x-request-id: ${requestId}`,
    ...Object.entries(settings.headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${text}`);
}

function parserProblem(error: ParserError): DomainError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW': {
      // The request line comes first: if it did not end within the URI limit, the URI is too long.
      const lineEnd = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.indexOf('\r\n') : -1;
      return lineEnd === -1 || lineEnd > MAX_URI_LENGTH
        ? coreError(CoreErrorCode.UriTooLong, 'The request line is longer than the server reads.')
        : coreError(CoreErrorCode.HeadersTooLarge, 'The request headers are larger than the server reads.');
    }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return coreError(CoreErrorCode.RequestTimeout, 'The request did not arrive in time.');
    default:
      return coreError(
        CoreErrorCode.MalformedRequest,
        'The request is not valid HTTP/1.1 (a byte outside ASCII in the URL must be percent-encoded).',
      );
  }
}
