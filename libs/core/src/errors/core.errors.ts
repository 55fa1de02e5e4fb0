import { defineErrors } from './domain-error';

export enum CoreErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  MalformedRequest = 'MALFORMED_REQUEST',
  InvalidCursor = 'INVALID_CURSOR',
  RouteNotFound = 'ROUTE_NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  TooManyRequests = 'TOO_MANY_REQUESTS',
  PreconditionRequired = 'PRECONDITION_REQUIRED',
  PreconditionFailed = 'PRECONDITION_FAILED',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  IdempotencyInProgress = 'IDEMPOTENCY_IN_PROGRESS',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL_ERROR',
}

export const coreError = defineErrors<CoreErrorCode>({
  [CoreErrorCode.ValidationFailed]: { status: 400, title: 'The request is not valid' },
  [CoreErrorCode.MalformedRequest]: { status: 400, title: 'The request could not be read' },
  [CoreErrorCode.InvalidCursor]: { status: 400, title: 'The page cursor is not valid' },
  [CoreErrorCode.RouteNotFound]: { status: 404, title: 'No such resource' },
  [CoreErrorCode.MethodNotAllowed]: { status: 405, title: 'Method not allowed' },
  [CoreErrorCode.PayloadTooLarge]: { status: 413, title: 'The request body is too large' },
  [CoreErrorCode.UnsupportedMediaType]: { status: 415, title: 'Unsupported media type' },
  [CoreErrorCode.TooManyRequests]: { status: 429, title: 'Too many requests', retryAfter: 60 },
  [CoreErrorCode.PreconditionRequired]: { status: 428, title: 'If-Match required' },
  [CoreErrorCode.PreconditionFailed]: { status: 412, title: 'The resource has changed since you read it' },
  [CoreErrorCode.IdempotencyKeyReused]: { status: 422, title: 'Idempotency-Key already used with another request' },
  [CoreErrorCode.IdempotencyInProgress]: {
    status: 409,
    title: 'The first request with this Idempotency-Key is still running',
    retryAfter: 1,
  },
  [CoreErrorCode.ServiceUnavailable]: { status: 503, title: 'The service is not available', retryAfter: 2 },
  [CoreErrorCode.Internal]: { status: 500, title: 'Internal error' },
});
