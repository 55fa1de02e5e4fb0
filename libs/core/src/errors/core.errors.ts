import { defineErrors } from './domain-error';

export enum CoreErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  MalformedRequest = 'MALFORMED_REQUEST',
  InvalidCursor = 'INVALID_CURSOR',
  RouteNotFound = 'ROUTE_NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UriTooLong = 'URI_TOO_LONG',
  RequestTimeout = 'REQUEST_TIMEOUT',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  HeadersTooLarge = 'HEADERS_TOO_LARGE',
  TooManyRequests = 'TOO_MANY_REQUESTS',
  PreconditionRequired = 'PRECONDITION_REQUIRED',
  PreconditionFailed = 'PRECONDITION_FAILED',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  IdempotencyInProgress = 'IDEMPOTENCY_IN_PROGRESS',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  RowSecurityRefused = 'ROW_SECURITY_REFUSED',
  Internal = 'INTERNAL_ERROR',
}

export const coreError = defineErrors<CoreErrorCode>({
  [CoreErrorCode.ValidationFailed]: {
    status: 400,
    title: 'The request is not valid',
    description: '`errors` lists each invalid field of the path, query or body with one message for it.',
  },
  [CoreErrorCode.MalformedRequest]: {
    status: 400,
    title: 'The request could not be read',
    description: 'The request is not well-formed HTTP: bad URL encoding, invalid JSON, or a malformed header.',
  },
  [CoreErrorCode.InvalidCursor]: {
    status: 400,
    title: 'The page cursor is not valid',
    description: 'Pass back the `nextCursor` of the previous page unchanged, with the same filters.',
  },
  [CoreErrorCode.RowSecurityRefused]: {
    status: 403,
    title: 'Not allowed here',
    description:
      'The database refused to show or change rows outside the caller’s regions (row-level security), behind the API’s own access checks.',
  },
  [CoreErrorCode.RouteNotFound]: {
    status: 404,
    title: 'No such resource',
    description: 'No resource answers at this path. Check the path against the API documentation.',
  },
  [CoreErrorCode.MethodNotAllowed]: {
    status: 405,
    title: 'Method not allowed',
    description: 'The path exists but does not take this method; the `Allow` header lists the methods it takes.',
  },
  [CoreErrorCode.PayloadTooLarge]: {
    status: 413,
    title: 'The request body is too large',
    description: 'The body is over the size the API reads; send a smaller one.',
  },
  [CoreErrorCode.RequestTimeout]: {
    status: 408,
    title: 'The request did not arrive in time',
    description: 'The server stopped waiting for the rest of the request; send it again.',
  },
  [CoreErrorCode.UriTooLong]: {
    status: 414,
    title: 'The request URI is too long',
    description: 'The path or query string is longer than the API reads; shorten the search or filters.',
  },
  [CoreErrorCode.UnsupportedMediaType]: {
    status: 415,
    title: 'Unsupported media type',
    description: 'The body’s `Content-Type` is not one the operation reads (JSON: `application/json`).',
  },
  [CoreErrorCode.HeadersTooLarge]: {
    status: 431,
    title: 'The request headers are too large',
    description: 'The request line and headers together are larger than the server reads; send fewer or shorter ones.',
  },
  [CoreErrorCode.TooManyRequests]: {
    status: 429,
    title: 'Too many requests',
    retryAfter: 60,
    description: 'Too many attempts from this address; wait the number of seconds in `Retry-After`.',
  },
  [CoreErrorCode.PreconditionRequired]: {
    status: 428,
    title: 'If-Match required',
    description: 'Changes need the `ETag` of the version you read, sent as `If-Match`, so no one’s edit is lost.',
  },
  [CoreErrorCode.PreconditionFailed]: {
    status: 412,
    title: 'The resource has changed since you read it',
    description: 'Someone changed the resource after you read it: read it again, then retry with the new `ETag`.',
  },
  [CoreErrorCode.IdempotencyKeyReused]: {
    status: 422,
    title: 'Idempotency-Key already used with another request',
    description: 'An `Idempotency-Key` names one request; use a new key for a different request.',
  },
  [CoreErrorCode.IdempotencyInProgress]: {
    status: 409,
    title: 'The first request with this Idempotency-Key is still running',
    retryAfter: 1,
    description: 'Retry after `Retry-After` seconds to get the first request’s reply.',
  },
  [CoreErrorCode.ServiceUnavailable]: {
    status: 503,
    title: 'The service is not available',
    retryAfter: 2,
    description: 'A temporary condition (the database, a busy export slot, shutting down); retry after `Retry-After`.',
  },
  [CoreErrorCode.Internal]: {
    status: 500,
    title: 'Internal error',
    description: 'An unexpected error; it has been logged. Quote the `requestId` when you report it.',
  },
});
