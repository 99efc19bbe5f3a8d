import 'server-only';
import type { z } from 'zod';
import { log } from '@/lib/log';

/** The one error shape of the API: `{ error: { code, message, details } }`. */
export type ApiErrorBody = { error: { code: string; message: string; details?: unknown } };

export class BadRequest extends Error {
  readonly code = 'invalid_request';
  constructor(message: string, readonly details?: { path: string; message: string }[]) {
    super(message);
  }
}

// Every stable error code the API can return, and its status. One table, so routes never choose statuses.
const STATUS: Record<string, number> = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_poster: 400,
  invalid_object_path: 400,
  local_sign_in_disabled: 400,
  unauthenticated: 401,
  not_authenticated: 401,
  forbidden: 403,
  session_required: 403,
  invalid_signature: 403,
  not_found: 404,
  export_not_found: 404,
  api_key_not_found: 404,
  object_not_found: 404,
  invalid_state: 409,
  api_key_limit: 409,
  export_not_ready: 409,
  idempotency_conflict: 409,
  expired: 410,
  export_expired: 410,
  url_expired: 410,
  payload_too_large: 413,
  quota_exceeded: 429,
  rate_limited: 429,
  storage_forbidden: 503,
  storage_unavailable: 503,
};

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
  const text = await readBodyText(request, maxBytes);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw Object.assign(new BadRequest('The request body is not valid JSON.'), { code: 'invalid_json' });
  }
  return parseWith(schema, json);
}

/**
 * The body as text, refused with 413 past `maxBytes`: at once when
 * Content-Length says so, otherwise as soon as the bytes read pass it, so a
 * 100 MB upload is never held in memory.
 */
async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () => Object.assign(new BadRequest(`The request body is larger than ${formatLimit(maxBytes)}.`), { code: 'payload_too_large' });
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function formatLimit(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes.toLocaleString('en-US')} bytes`;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
  throw new BadRequest(`The request has ${details.length} invalid field${details.length > 1 ? 's' : ''}: ${details.map((d) => `${d.path} (${d.message})`).join('; ')}.`, details);
}
