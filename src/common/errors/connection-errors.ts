/**
 * Errors that mean "the database cannot be reached right now" rather than "this request is wrong": the server is
 * down, restarting, shutting down or out of connection slots, the connection broke, or no pool connection came
 * within `connectionTimeoutMillis`. The problem filter answers them 503 with Retry-After: the request may simply
 * be sent again in a moment.
 */

/** Node socket errors on connect or on an open connection. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * SQLSTATEs: class 08 (connection exception); 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now
 * (starting up, in recovery); 53300 too_many_connections.
 */
const isUnavailableSqlState = (code: string) => code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code);

/** node-postgres and pg-pool raise these as plain Errors without a code. */
const MESSAGES = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout", plain "Connection terminated"
  /^timeout exceeded when trying to connect$/, // pg-pool: no client within connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Connection is not established with postgres database$/,
];

/**
 * TypeORM releases a query runner whose connection emitted an error (the server went away between two queries of
 * a transaction); the request's next query (or its COMMIT, which then never reaches the server) fails with one of
 * these instead of the connection error itself.
 */
const NAMES = new Set(['QueryRunnerProviderAlreadyReleasedError', 'QueryRunnerAlreadyReleasedError']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  driverError?: unknown;
  errors?: unknown;
}

/** True when `err` (or what it wraps: TypeORM's driverError, `cause`, an AggregateError's errors) is one of those. */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as ErrorLike;
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || (/^[0-9A-Z]{5}$/.test(e.code) && isUnavailableSqlState(e.code)))) return true;
  if (typeof e.name === 'string' && NAMES.has(e.name)) return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable(e.driverError, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1);
}

/** Seconds a client should wait before retrying while the database is away (the embedded one restarts within that). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;
