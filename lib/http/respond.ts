import 'server-only';
import type { z } from 'zod';
import { log } from '@/lib/log';
import { API_ERROR_STATUS } from '@/types/vocabulary';

/** The one error shape of the API: `{ error: { code, message, details } }`. */
export type ApiErrorBody = { error: { code: string; message: string; details?: unknown } };

export class BadRequest extends Error {
  readonly code = 'invalid_request';
  constructor(message: string, readonly details?: { path: string; message: string }[]) {
    super(message);
  }
}

// Every stable error code the API can return, and its status: one table (types/vocabulary.ts), so routes never choose statuses.
const STATUS: Record<string, number> = API_ERROR_STATUS;

// A 429 always says when to come back; a limit that frees "when a job finishes" has no exact time.
const DEFAULT_RETRY_AFTER_SECONDS = 30;

export function errorResponse(e: unknown): Response {
  const err = e as { code?: unknown; message?: string; details?: unknown; retryAfterSeconds?: number | null };
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const status = code ? STATUS[code] : undefined;
  if (!code || !status) {
    log().error({ event: 'unhandled_error', err: e }, 'unhandled error in route');
    return Response.json({ error: { code: 'internal', message: 'Something went wrong on our side; try again in a moment.' } } satisfies ApiErrorBody, { status: 500 });
  }
  const headers = new Headers({ 'cache-control': 'no-store' });
  const retryAfter = typeof err.retryAfterSeconds === 'number' ? err.retryAfterSeconds : status === 429 ? DEFAULT_RETRY_AFTER_SECONDS : undefined;
  if (retryAfter !== undefined) headers.set('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
  const body: ApiErrorBody = { error: { code, message: err.message ?? code, ...(err.details !== undefined ? { details: err.details } : {}) } };
  return Response.json(body, { status, headers });
}

/** Validates a JSON body; every bad field is listed with its path. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, maxBytes = 256 * 1024): Promise<z.infer<S>> {
  const text = await request.text();
  if (text.length > maxBytes) throw Object.assign(new BadRequest(`The request body is larger than ${maxBytes / 1024} KiB.`), { code: 'payload_too_large' });
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw Object.assign(new BadRequest('The request body is not valid JSON.'), { code: 'invalid_json' });
  }
  return parseWith(schema, json);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
  throw new BadRequest(`The request has ${details.length} invalid field${details.length > 1 ? 's' : ''}: ${details.map((d) => `${d.path} (${d.message})`).join('; ')}.`, details);
}
