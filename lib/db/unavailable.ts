/**
 * Whether `e` means the database cannot be reached right now (refused,
 * timed out, shutting down, out of connections), as opposed to a query that
 * failed: the first is a 503 worth retrying, the second a bug or bad input.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
// postgres.js's own codes for a connection it could not open or lost.
const CLIENT_CODES = new Set(['CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED']);
// SQLSTATE: connection exceptions (08), too many connections, and a server shutting down or starting.
const SQLSTATES = /^(08...|53300|57P01|57P02|57P03)$/;

export function isDatabaseUnavailable(e: unknown): boolean {
  for (let cause = e, depth = 0; cause && typeof cause === 'object' && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || CLIENT_CODES.has(code) || SQLSTATES.test(code))) return true;
    const errors = (cause as { errors?: unknown }).errors; // AggregateError: every address refused
    if (Array.isArray(errors) && errors.some(isDatabaseUnavailable)) return true;
  }
  return false;
}
