import 'server-only';
import type { z } from 'zod';
import { isDatabaseUnavailable } from '@/lib/db/unavailable';
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

export class UnsupportedMediaType extends Error {
  readonly code = 'unsupported_media_type';
}

export class PayloadTooLarge extends Error {
  readonly code = 'payload_too_large';
}

// Every stable error code the API can return, and its status: one table (types/vocabulary.ts), so routes never choose statuses.
const STATUS: Record<string, number> = API_ERROR_STATUS;

// How soon a client may try again when the database cannot be reached (a restart, a failover).
const DATABASE_RETRY_AFTER_SECONDS = 5;

// A 429 always says when to come back; a limit that frees "when a job finishes" has no exact time.
const DEFAULT_RETRY_AFTER_SECONDS = 30;

export function errorResponse(e: unknown): Response {
  if (isDatabaseUnavailable(e)) {
    log().warn({ event: 'database_unavailable', err: e }, 'database unavailable; answered 503');
    e = Object.assign(new Error('The database cannot be reached right now; try again in a few seconds.'), {
      code: 'database_unavailable',
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    });
  }
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

/**
 * Validates a JSON body; every bad field is listed with its path. Anything
 * but `application/json` is a 415, and a body over `maxBytes` a 413 as soon
 * as its declared length or the bytes read so far say so, never buffered whole.
 */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, maxBytes = 256 * 1024): Promise<z.infer<S>> {
  if (!isJson(request.headers.get('content-type'))) {
    throw new UnsupportedMediaType('Send the body as JSON, with `Content-Type: application/json`.');
  }
  const bytes = await readBody(request, maxBytes);
  let json: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw Object.assign(new BadRequest('The request body is not valid JSON (UTF-8).'), { code: 'invalid_json' });
  }
  return parseWith(schema, json);
}

/** `application/json` or a `+json` type, with or without parameters (`; charset=utf-8`). */
export function isJson(contentType: string | null): boolean {
  return /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(contentType?.trim() ?? '');
}

async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new PayloadTooLarge(`The request body is larger than ${formatLimit(maxBytes)}.`);
  if (Number(request.headers.get('content-length')) > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = issueDetails(result.error.issues, '(body)');
  throw new BadRequest(`The request has ${details.length} invalid field${details.length > 1 ? 's' : ''}: ${details.map((d) => `${d.path} (${d.message})`).join('; ')}.`, details);
}

/** One entry per bad field; an unknown field is named by its own path ("poster.fromat"), not its parent's. */
export function issueDetails(issues: z.core.$ZodIssue[], root: string): { path: string; message: string }[] {
  return issues.flatMap((i) => {
    const at = (extra: PropertyKey[] = []) => [...i.path, ...extra].map(String).join('.') || root;
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ path: at([k]), message: 'is not a field of this request; check its spelling' }));
    return [{ path: at(), message: i.message }];
  });
}

function formatLimit(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes.toLocaleString('en-US')} bytes`;
}
