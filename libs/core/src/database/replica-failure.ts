/** Why a statement that a replica failed is retried on the primary. */
export type ReplicaFailure = 'unreachable' | 'conflict' | 'read-only';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
/** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const GONE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
const GONE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|connection error|not queryable/i;

/**
 * Classifies an error of a statement run on a replica: `unreachable` (the server is down, shutting
 * down, refusing connections or the connection broke: leave the replica until it checks out again),
 * `conflict` (a standby cancels a query whose rows replay removes, SQLSTATE 40001) and `read-only`
 * (a write reached the standby, 25006): both retried on the primary, the replica kept. Anything else
 * (a timeout, bad SQL, a constraint) is the statement's own error: undefined, not retried.
 */
export function replicaFailure(error: unknown): ReplicaFailure | undefined {
  const e = (error as { driverError?: unknown })?.driverError ?? error;
  if (!e || typeof e !== 'object') return undefined;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (code === '40001') return 'conflict';
    if (code === '25006') return 'read-only';
    if (GONE_SQLSTATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code)) return 'unreachable';
  }
  return typeof message === 'string' && GONE_MESSAGES.test(message) ? 'unreachable' : undefined;
}
