import { randomUUID } from 'node:crypto';
import { NextRequest } from 'next/server';
import { sql } from '@/lib/db/client';
import { signInLocally } from '@/lib/auth/localSignIn';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { getStorage } from '@/lib/storage';
import { apiExportSchema, type ApiExport } from '@/types/api';

/** A signed-in user of this test file's database: the token an API client would send. */
export async function signIn(): Promise<{ token: string; userId: string }> {
  return signInLocally(`${randomUUID()}@example.test`);
}

type RequestOptions = { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; signal?: AbortSignal };

/** A request as Next hands it to a route handler. */
export function apiRequest(method: string, path: string, options: RequestOptions = {}): NextRequest {
  const headers = new Headers(options.headers);
  if (options.token) headers.set('authorization', `Bearer ${options.token}`);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers.set('content-type', 'application/json');
  return new NextRequest(new URL(path, 'http://localhost:3000'), { method, headers, body, signal: options.signal });
}

export const params = <T extends object>(p: T) => ({ params: Promise.resolve(p) });

export const exportRequest = (overrides: Record<string, unknown> = {}) => ({ poster: DEFAULT_POSTER, format: 'png', size: 'small', ...overrides });

/** Parses a response as the API's status object (fails on any drift from types/api.ts). */
export async function asExport(res: Response): Promise<ApiExport> {
  return apiExportSchema.parse(await res.json());
}

export async function rowCount(userId: string): Promise<number> {
  const [{ n }] = await sql()<{ n: number }[]>`select count(*)::int as n from public.export_jobs where user_id = ${userId}`;
  return n;
}

/**
 * Finishes a job as the worker would (stored file and thumbnail, succeeded
 * with a TTL) without rendering: the API's side is what these tests pin.
 */
export async function finishJob(jobId: string, userId: string, bytes: Buffer = Buffer.from('\x89PNG fake export bytes')): Promise<{ path: string; thumbnail: string }> {
  const path = `${userId}/${jobId}.png`;
  const thumbnail = `${userId}/${jobId}.thumb.webp`;
  await getStorage().put(path, bytes, { contentType: 'image/png' });
  await getStorage().put(thumbnail, Buffer.from('thumb'), { contentType: 'image/webp' });
  await sql()`
    update public.export_jobs
       set status = 'succeeded', progress = 100, stage = 'done', attempts = 1, started_at = now(), finished_at = now(),
           result_path = ${path}, result_bytes = ${bytes.length}, result_width = 2400, result_height = 3600,
           result_content_type = 'image/png', thumbnail_path = ${thumbnail}, result_meta = ${sql().json({ missingMapTiles: 0 })},
           expires_at = now() + interval '7 days', stored_paths = array[${path}, ${thumbnail}]
     where id = ${jobId}`;
  return { path, thumbnail };
}

/** Marks a job claimed by a worker (running, with a lease), without a worker. */
export async function markRunning(jobId: string, progress = 0, stage = 'starting'): Promise<void> {
  await sql()`
    update public.export_jobs
       set status = 'running', attempts = attempts + 1, lease_token = gen_random_uuid(), lease_seconds = 600,
           lease_expires_at = now() + interval '10 minutes', locked_by = 'test', started_at = now(), progress = ${progress}, stage = ${stage}
     where id = ${jobId}`;
}
