import { raisedBy } from '@/lib/db/raised';

export class Unauthenticated extends Error {
  readonly code = 'unauthenticated';
  constructor(message = 'Sign in to continue: send a session cookie or an `Authorization: Bearer` token.') {
    super(message);
  }
}

/** The sign-in service cannot be asked (its signing keys did not load): our fault, not the caller's, so 503 rather than 401. */
export class AuthUnavailable extends Error {
  readonly code = 'auth_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A valid API key used where only a signed-in person may act (managing keys), so a leaked key cannot mint more. */
export class SessionRequired extends Error {
  readonly code = 'session_required';
  constructor(message = 'API keys cannot do this: sign in and use the settings page (or a session token).') {
    super(message);
  }
}

/**
 * API key errors. The SQL functions of migrations/0007 raise SQLSTATEs of
 * class CK; `toApiKeyError` is the one place that maps them.
 */
export class ApiKeyLimit extends Error {
  readonly code = 'api_key_limit';
  constructor(readonly max: number, message: string) {
    super(message);
  }
}

export class ApiKeyNotFound extends Error {
  readonly code = 'api_key_not_found';
}

export class RateLimited extends Error {
  readonly code = 'rate_limited';
  constructor(readonly retryAfterSeconds: number, message: string) {
    super(message);
  }
}

export class InvalidApiKeyRequest extends Error {
  readonly code = 'invalid_request';
}

export function toApiKeyError(e: unknown): unknown {
  const raised = raisedBy(e, 'CK');
  if (!raised) return e;
  const { detail, hint } = raised;
  switch (raised.sqlState) {
    case 'CK001':
      return new ApiKeyLimit(Number(detail.max), hint);
    case 'CK002':
      return new ApiKeyNotFound(hint);
    case 'CK003':
      return new RateLimited(Number(detail.retry_after_seconds ?? 1), hint);
    case 'CK005':
      return new InvalidApiKeyRequest(hint);
    case 'CK006':
      return new Unauthenticated(hint);
    default:
      return e;
  }
}
