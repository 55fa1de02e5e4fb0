import { ConfigError } from '../config/app-config';

/**
 * What a process says when it cannot start: one plain line with the cause (no stack, never
 * `undefined`), logged as one JSON line. Configuration errors name each bad setting, on the same line.
 */
export function startFailureMessage(error: unknown): string {
  if (error instanceof ConfigError) return oneLine(error.message.replace(/:\n\s*/, ': ').replace(/\n\s*/g, '; '));
  return `Cannot start: ${describe(error)}`;
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describe))].join('; '); // e.g. a connection refused on IPv4 and IPv6
  }
  // Told apart by shape, not instanceof Error: Node's own errors come from another realm under Jest.
  if (typeof error === 'object' && error !== null && ('message' in error || 'code' in error)) {
    const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
    return listenProblem(e) ?? oneLine(e.message || e.code || e.name);
  }
  if (error === undefined || error === null) return 'an error without a description was thrown';
  return oneLine(typeof error === 'string' ? error : JSON.stringify(error));
}

/** The HTTP server could not listen: said in the operator's terms, with what to change. */
function listenProblem(error: NodeJS.ErrnoException & { address?: string; port?: number }): string | undefined {
  if (error.syscall !== 'listen' || error.port === undefined) return undefined;
  const where = `port ${error.port} on ${error.address ?? 'all addresses'}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `${where} is already in use: stop the program holding it, or set PORT to a free port`;
    case 'EACCES':
      return `${where} needs privileges this process does not have: set PORT to 1024 or above`;
    case 'EADDRNOTAVAIL':
      return `${where}: ${error.address} is not an address of this machine: set HOST to one that is (0.0.0.0 for all)`;
    default:
      return undefined;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
