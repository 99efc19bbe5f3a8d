import { raisedBy } from '@/lib/db/raised';
import type { QuotaLimit } from '@/types/exports';

/**
 * The queue's errors, each with a stable `code` that routes map to HTTP in one
 * place. The SQL functions raise SQLSTATEs of class CX (see
 * migrations/0004 and 0005); `toExportError` is the one place that maps them.
 */
export abstract class ExportError extends Error {
  abstract readonly code: string;
}

export class QuotaExceeded extends ExportError {
  readonly code = 'quota_exceeded';
  constructor(
    readonly limit: QuotaLimit,
    readonly max: number,
    readonly used: number,
    /** When a slot frees up; null for active jobs, which free when one finishes. */
    readonly retryAfterSeconds: number | null,
    message: string,
  ) {
    super(message);
  }
}

export class NotFound extends ExportError {
  readonly code = 'export_not_found';
}

export class InvalidState extends ExportError {
  readonly code = 'invalid_state';
  constructor(
    readonly status: string | null,
    /** Set when the state is fine but a bound is reached, e.g. `retry_limit`. */
    readonly reason: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** The worker's attempt no longer holds the job: stop, report nothing more. */
export class LeaseLost extends ExportError {
  readonly code = 'lease_lost';
}

export class InvalidRequest extends ExportError {
  readonly code = 'invalid_request';
  constructor(
    readonly problem: string,
    /** Which entry of a batch, when one entry is at fault. */
    readonly index: number | null = null,
    message = problem,
  ) {
    super(message);
  }
}

export class NotAuthenticated extends ExportError {
  readonly code = 'unauthenticated';
}

export class IdempotencyConflict extends ExportError {
  readonly code = 'idempotency_conflict';
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Maps an error raised by one of the queue's SQL functions to its class; anything else passes through. */
export function toExportError(e: unknown): unknown {
  const raised = raisedBy(e, 'CX');
  if (!raised) return e;
  const { detail: d, hint } = raised;
  switch (raised.sqlState) {
    case 'CX001':
      return new QuotaExceeded(d.limit as QuotaLimit, num(d.max) ?? 0, num(d.used) ?? 0, num(d.retry_after_seconds), hint);
    case 'CX002':
      return new NotFound(hint);
    case 'CX003':
      return new InvalidState((d.status as string | undefined) ?? null, (d.reason as string | undefined) ?? null, hint);
    case 'CX004':
      return new LeaseLost(hint);
    case 'CX005':
      return new InvalidRequest(String(d.problem ?? raised.message), num(d.index), hint);
    case 'CX006':
      return new NotAuthenticated(hint);
    case 'CX007':
      return new IdempotencyConflict(hint);
    default:
      return e;
  }
}

/** Runs one queue call, rethrowing its database errors as the classes above. */
export async function queueCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toExportError(e);
  }
}
