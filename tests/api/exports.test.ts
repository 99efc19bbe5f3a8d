import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { posterPixelSize } from '@/lib/poster/geometry';
import { apiExportListSchema } from '@/types/api';
import { GET as list, POST as create } from '@/app/api/v1/exports/route';
import { POST as createBatch } from '@/app/api/v1/exports/batch/route';
import { DELETE as cancel, GET as status } from '@/app/api/v1/exports/[id]/route';
import { POST as retry } from '@/app/api/v1/exports/[id]/retry/route';
import { GET as download } from '@/app/api/v1/exports/[id]/download/route';
import { GET as events } from '@/app/api/v1/exports/[id]/events/route';
import { apiRequest, asExport, exportRequest, finishJob, markRunning, params, rowCount, signIn } from './helpers';

afterAll(closeSql);

const post = (token: string | undefined, body: unknown, headers?: Record<string, string>) =>
  create(apiRequest('POST', '/api/v1/exports', { token, body, headers }));

async function queued(token: string, overrides: Record<string, unknown> = {}) {
  const res = await post(token, exportRequest(overrides));
  expect(res.status).toBe(202);
  return asExport(res);
}

async function errorOf(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string; details?: { path: string; message: string }[] } }).error;
}

describe('POST /api/v1/exports', () => {
  it('queues an export: 202 with the status object, its URL in Location, the planned pixels and an estimate', async () => {
    const { token, userId } = await signIn();
    const res = await post(token, exportRequest({ size: 'small', format: 'pdf' }));
    expect(res.status).toBe(202);
    const job = await asExport(res);
    expect(res.headers.get('location')).toBe(`/api/v1/exports/${job.id}`);
    expect(job.statusUrl).toBe(`/api/v1/exports/${job.id}`);
    const px = posterPixelSize(DEFAULT_POSTER.format, 'small');
    expect(job).toMatchObject({ status: 'queued', progress: 0, format: 'pdf', size: 'small', title: 'Three Rivers', width: px.width, height: px.height, dpi: 300 });
    expect(job).toMatchObject({ error: null, result: null, cancelRequested: false, startedAt: null });
    expect(job.estimatedSeconds).toBeGreaterThan(0);
    expect(await rowCount(userId)).toBe(1);
  });

  it('accepts the session cookie as well as a Bearer token', async () => {
    const { token } = await signIn();
    const res = await post(undefined, exportRequest(), { cookie: `carto_session=${token}` });
    expect(res.status).toBe(202);
  });

  it('replays an idempotency key (header or body) to the first export without queuing another', async () => {
    const { token, userId } = await signIn();
    const first = await asExport(await post(token, exportRequest(), { 'idempotency-key': 'poster-1' }));
    const again = await post(token, exportRequest(), { 'idempotency-key': 'poster-1' });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await asExport(again)).id).toBe(first.id);
    const viaBody = await asExport(await post(token, { ...exportRequest(), idempotencyKey: 'poster-1' }));
    expect(viaBody.id).toBe(first.id);
    expect(await rowCount(userId)).toBe(1);

    const differing = await post(token, { ...exportRequest(), idempotencyKey: 'a' }, { 'idempotency-key': 'b' });
    expect(differing.status).toBe(400);
    expect((await errorOf(differing)).details).toEqual([expect.objectContaining({ path: 'idempotencyKey' })]);
    const conflict = await post(token, exportRequest({ format: 'jpeg' }), { 'idempotency-key': 'poster-1' });
    expect(conflict.status).toBe(409);
    expect((await errorOf(conflict)).code).toBe('idempotency_conflict');
  });

  it('refuses an invalid poster with 400 listing every bad field, and inserts no row', async () => {
    const { token, userId } = await signIn();
    const poster = {
      ...DEFAULT_POSTER,
      place: { ...DEFAULT_POSTER.place, zoom: 99 },
      palette: 'no-such-palette',
      text: { ...DEFAULT_POSTER.text, title: 'x'.repeat(61) },
      sparkles: true,
    };
    const res = await post(token, { poster, format: 'gif', size: 'small' });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('invalid_request');
    expect(error.details!.map((d) => d.path).sort()).toEqual(['format', 'poster.palette', 'poster.place.zoom', 'poster.sparkles', 'poster.text.title'].sort());
    expect(error.details!.find((d) => d.path === 'poster.sparkles')!.message).toMatch(/not a field/);
    expect(await rowCount(userId)).toBe(0);
  });

  it.each([
    ['not JSON', '{"poster":', 'invalid_json'],
    ['an empty body', '', 'invalid_request'],
    ['a list', '[]', 'invalid_request'],
    ['a poster as a string', JSON.stringify({ poster: 'three rivers', format: 'png', size: 'small' }), 'invalid_request'],
  ])('refuses %s with 400 and inserts no row', async (_, rawBody, code) => {
    const { token, userId } = await signIn();
    const res = await create(apiRequest('POST', '/api/v1/exports', { token, rawBody }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe(code);
    expect(await rowCount(userId)).toBe(0);
  });

  it('is 401 without a session or with a bad token, and inserts nothing', async () => {
    const [{ n: before }] = await sql()<{ n: number }[]>`select count(*)::int as n from public.export_jobs`;
    for (const token of [undefined, 'not.a.jwt']) {
      const res = await post(token, exportRequest());
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe('unauthenticated');
    }
    const [{ n: after }] = await sql()<{ n: number }[]>`select count(*)::int as n from public.export_jobs`;
    expect(after).toBe(before);
  });

  it('is 429 with Retry-After over the active-export quota, and inserts nothing', async () => {
    const { token, userId } = await signIn();
    for (let i = 0; i < 3; i++) await queued(token);
    const res = await post(token, exportRequest());
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const error = await errorOf(res);
    expect(error.code).toBe('quota_exceeded');
    expect(error.message).toMatch(/\w/);
    expect(await rowCount(userId)).toBe(3);
  });
});

describe('POST /api/v1/exports/batch', () => {
  const batch = (token: string | undefined, body: unknown) => createBatch(apiRequest('POST', '/api/v1/exports/batch', { token, body }));

  it('queues every entry in order: 202 with their status objects', async () => {
    const { token, userId } = await signIn();
    const res = await batch(token, { exports: [exportRequest({ size: 'social' }), exportRequest({ size: 'medium', format: 'jpeg' })] });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { exports: unknown[] };
    const jobs = apiExportListSchema.shape.exports.parse(body.exports);
    expect(jobs.map((j) => [j.size, j.format, j.status])).toEqual([['social', 'png', 'queued'], ['medium', 'jpeg', 'queued']]);
    expect(await rowCount(userId)).toBe(2);
  });

  it('refuses the whole batch when one entry is invalid, naming its index and field; no row', async () => {
    const { token, userId } = await signIn();
    const bad = exportRequest({ poster: { ...DEFAULT_POSTER, layers: { ...DEFAULT_POSTER.layers, water: 'yes' } } });
    const res = await batch(token, { exports: [exportRequest(), bad] });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.details).toEqual([expect.objectContaining({ path: 'exports.1.poster.layers.water' })]);
    expect(error.message).toContain('exports.1.poster.layers.water');
    expect(await rowCount(userId)).toBe(0);
  });

  it('refuses an empty batch and one of more than 10', async () => {
    const { token, userId } = await signIn();
    for (const exports of [[], Array.from({ length: 11 }, () => exportRequest())]) {
      const res = await batch(token, { exports });
      expect(res.status).toBe(400);
      expect((await errorOf(res)).details).toEqual([expect.objectContaining({ path: 'exports' })]);
    }
    expect(await rowCount(userId)).toBe(0);
  });

  it('over the quota is 429 with Retry-After and queues none of it', async () => {
    const { token, userId } = await signIn();
    await queued(token);
    const res = await batch(token, { exports: [exportRequest(), exportRequest(), exportRequest()] });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await rowCount(userId)).toBe(1);
  });

  it('is 401 without a session', async () => {
    expect((await batch(undefined, { exports: [exportRequest()] })).status).toBe(401);
  });
});

describe('GET /api/v1/exports', () => {
  const page = async (token: string | undefined, query = '') => list(apiRequest('GET', `/api/v1/exports${query}`, { token }));

  it('pages through the caller’s history newest first and filters by status', async () => {
    const { token } = await signIn();
    const a = await queued(token);
    const b = await queued(token);
    await cancel(apiRequest('DELETE', `/api/v1/exports/${b.id}`, { token }), params({ id: b.id }));
    const c = await queued(token);
    await signIn().then(({ token: other }) => queued(other)); // someone else's export never appears

    const first = apiExportListSchema.parse(await (await page(token, '?limit=2')).json());
    expect(first.exports.map((j) => j.id)).toEqual([c.id, b.id]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = apiExportListSchema.parse(await (await page(token, `?limit=2&cursor=${first.nextCursor}`)).json());
    expect(second.exports.map((j) => j.id)).toEqual([a.id]);
    expect(second.nextCursor).toBeNull();

    const cancelled = apiExportListSchema.parse(await (await page(token, '?status=cancelled&cursor=')).json());
    expect(cancelled.exports.map((j) => [j.id, j.status])).toEqual([[b.id, 'cancelled']]);
  });

  it.each([
    ['an unknown status', '?status=done', 'status'],
    ['a limit of 0', '?limit=0', 'limit'],
    ['a limit that is not a number', '?limit=ten', 'limit'],
  ])('refuses %s with 400 naming the parameter', async (_, query, path) => {
    const { token } = await signIn();
    const res = await page(token, query);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details).toEqual([expect.objectContaining({ path })]);
  });

  it('refuses a cursor it did not issue', async () => {
    const { token } = await signIn();
    const res = await page(token, '?cursor=bm90LWEtY3Vyc29y');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_request');
  });

  it('is 401 without a session', async () => {
    expect((await page(undefined)).status).toBe(401);
  });
});

describe('GET and DELETE /api/v1/exports/:id, POST …/retry', () => {
  const get = (token: string | undefined, id: string) => status(apiRequest('GET', `/api/v1/exports/${id}`, { token }), params({ id }));
  const del = (token: string | undefined, id: string) => cancel(apiRequest('DELETE', `/api/v1/exports/${id}`, { token }), params({ id }));
  const again = (token: string | undefined, id: string) => retry(apiRequest('POST', `/api/v1/exports/${id}/retry`, { token }), params({ id }));

  it('GET returns the status object, with progress and stage while running and the result once done', async () => {
    const { token, userId } = await signIn();
    const job = await queued(token);
    const res = await get(token, job.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await asExport(res)).toEqual(job);

    await markRunning(job.id, 40, 'rendering tile 3/12');
    const running = await asExport(await get(token, job.id));
    expect(running).toMatchObject({ status: 'running', progress: 40, stage: 'rendering tile 3/12', attempts: 1 });
    expect(running.estimatedSeconds).toBeLessThanOrEqual(job.estimatedSeconds!);

    await finishJob(job.id, userId);
    const done = await asExport(await get(token, job.id));
    expect(done).toMatchObject({ status: 'succeeded', progress: 100, width: 2400, height: 3600, estimatedSeconds: null });
    expect(done.result).toMatchObject({
      contentType: 'image/png',
      downloadCount: 0,
      missingMapTiles: 0,
      downloadUrl: `/api/v1/exports/${job.id}/download`,
      thumbnailUrl: `/api/v1/exports/${job.id}/download?thumbnail=1`,
    });
    expect(Date.parse(done.result!.expiresAt)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
  });

  it('GET is 404 for an unknown id and for a malformed one', async () => {
    const { token } = await signIn();
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await get(token, id);
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('export_not_found');
    }
  });

  it('DELETE cancels a queued export at once (200) and asks a running one to stop (202)', async () => {
    const { token } = await signIn();
    const waiting = await queued(token);
    const res = await del(token, waiting.id);
    expect(res.status).toBe(200);
    expect(await asExport(res)).toMatchObject({ status: 'cancelled', estimatedSeconds: null });

    const rendering = await queued(token);
    await markRunning(rendering.id, 10, 'rendering');
    const asked = await del(token, rendering.id);
    expect(asked.status).toBe(202);
    expect(await asExport(asked)).toMatchObject({ status: 'running', cancelRequested: true });
  });

  it('DELETE of a finished export is 409 and changes nothing', async () => {
    const { token, userId } = await signIn();
    const job = await queued(token);
    await finishJob(job.id, userId);
    const res = await del(token, job.id);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('invalid_state');
    expect((await asExport(await get(token, job.id))).status).toBe('succeeded');
  });

  it('retry queues a cancelled export again (202); retrying a queued one is 409', async () => {
    const { token } = await signIn();
    const job = await queued(token);
    await del(token, job.id);
    const res = await again(token, job.id);
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(job.statusUrl);
    expect(await asExport(res)).toMatchObject({ id: job.id, status: 'queued' });
    const twice = await again(token, job.id);
    expect(twice.status).toBe(409);
    expect((await errorOf(twice)).code).toBe('invalid_state');
  });

  it('every route is 401 without a session', async () => {
    const { token } = await signIn();
    const job = await queued(token);
    expect((await get(undefined, job.id)).status).toBe(401);
    expect((await del(undefined, job.id)).status).toBe(401);
    expect((await again(undefined, job.id)).status).toBe(401);
    expect((await download(apiRequest('GET', `/api/v1/exports/${job.id}/download`), params({ id: job.id }))).status).toBe(401);
    expect((await events(apiRequest('GET', `/api/v1/exports/${job.id}/events`), params({ id: job.id }))).status).toBe(401);
  });
});

describe('another user’s export', () => {
  it('is 404 on every route, never 403, and is left untouched', async () => {
    const owner = await signIn();
    const stranger = await signIn();
    const job = await queued(owner.token);
    const finished = await queued(owner.token);
    await finishJob(finished.id, owner.userId);

    const calls: [string, () => Promise<Response>][] = [
      ['GET', () => status(apiRequest('GET', `/x/${job.id}`, { token: stranger.token }), params({ id: job.id }))],
      ['DELETE', () => cancel(apiRequest('DELETE', `/x/${job.id}`, { token: stranger.token }), params({ id: job.id }))],
      ['retry', () => retry(apiRequest('POST', `/x/${job.id}/retry`, { token: stranger.token }), params({ id: job.id }))],
      ['events', () => events(apiRequest('GET', `/x/${job.id}/events`, { token: stranger.token }), params({ id: job.id }))],
      ['download', () => download(apiRequest('GET', `/x/${finished.id}/download`, { token: stranger.token }), params({ id: finished.id }))],
      ['thumbnail', () => download(apiRequest('GET', `/x/${finished.id}/download?thumbnail=1`, { token: stranger.token }), params({ id: finished.id }))],
      ['DELETE finished', () => cancel(apiRequest('DELETE', `/x/${finished.id}`, { token: stranger.token }), params({ id: finished.id }))],
    ];
    for (const [name, call] of calls) {
      const res = await call();
      expect(res.status, name).toBe(404);
      expect((await errorOf(res)).code, name).toBe('export_not_found');
    }
    const [row] = await sql()`select status, download_count, cancel_requested_at from public.export_jobs where id = ${job.id}`;
    expect(row).toMatchObject({ status: 'queued', cancel_requested_at: null });
    const [done] = await sql()`select download_count from public.export_jobs where id = ${finished.id}`;
    expect(done.download_count).toBe(0);
  });
});
