import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { GET as getStatus } from '@/app/api/v1/exports/[id]/route';
import { POST as request } from '@/app/api/v1/exports/route';
import { GET as download } from '@/app/api/v1/exports/[id]/download/route';
import { GET as serveFile } from '@/app/api/files/[...path]/route';
import { apiRequest, asExport, exportRequest, finishJob, params, signIn } from './helpers';

afterAll(closeSql);

async function finishedExport(bytes?: Buffer) {
  const user = await signIn();
  const job = await asExport(await request(apiRequest('POST', '/api/v1/exports', { token: user.token, body: exportRequest() })));
  const stored = await finishJob(job.id, user.userId, bytes);
  return { ...user, id: job.id, ...stored };
}

const get = (token: string, id: string, query = '') => download(apiRequest('GET', `/api/v1/exports/${id}/download${query}`, { token }), params({ id }));
const status = async (token: string, id: string) => asExport(await getStatus(apiRequest('GET', `/api/v1/exports/${id}`, { token }), params({ id })));
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

/** The files route as Next would call it for a URL under /api/files/. */
function openFile(url: string) {
  const { pathname } = new URL(url);
  const parts = pathname.replace(/^\/api\/files\//, '').split('/').map(decodeURIComponent);
  return serveFile(new Request(url), params({ path: parts }));
}

describe('GET /api/v1/exports/:id/download', () => {
  it('redirects the owner to a signed URL valid a few minutes that serves the file, and counts the download', async () => {
    const bytes = Buffer.from('\x89PNG\r\n\x1a\n the poster itself');
    const { token, userId, id } = await finishedExport(bytes);
    const res = await get(token, id);
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(process.env.APP_URL);
    expect(location.pathname).toBe(`/api/files/${userId}/${id}.png`);
    const expires = Number(location.searchParams.get('expires'));
    expect(expires * 1000 - Date.now()).toBeGreaterThan(60_000);
    expect(expires * 1000 - Date.now()).toBeLessThanOrEqual(300_000);
    expect(location.searchParams.get('name')).toBe('three-rivers-small.png');
    expect((await status(token, id)).result!.downloadCount).toBe(1);

    // The signed URL, through the files route of this process (its storage folder): the file, as an attachment.
    const file = await openFile(location.href);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('content-disposition')).toContain('three-rivers-small.png');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);

    // A tampered or stale link is refused with the API's error shape.
    const tampered = new URL(location);
    tampered.searchParams.set('sig', 'A'.repeat(43));
    const refused = await openFile(tampered.href);
    expect(refused.status).toBe(403);
    expect(await errorCode(refused)).toBe('invalid_signature');
  });

  it('the same URL is served over HTTP by the running app', async () => {
    const { token, id, path: objectPath } = await finishedExport(Buffer.from('served by next'));
    // The app serves files from its own data folder; put the object there too.
    const appFile = path.join(inject('appDataDir'), 'exports', objectPath);
    mkdirSync(path.dirname(appFile), { recursive: true });
    writeFileSync(appFile, 'served by next');
    const location = (await get(token, id)).headers.get('location')!;
    const res = await fetch(location, { signal: AbortSignal.timeout(45_000) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('served by next');
  });

  it('?thumbnail=1 redirects to the history thumbnail without counting a download', async () => {
    const { token, userId, id } = await finishedExport();
    const res = await get(token, id, '?thumbnail=1');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.pathname).toBe(`/api/files/${userId}/${id}.thumb.webp`);
    expect((await openFile(location.href)).status).toBe(200);
    expect((await status(token, id)).result!.downloadCount).toBe(0);
  });

  it('is 409 before the export has finished', async () => {
    const { token } = await signIn();
    const job = await asExport(await request(apiRequest('POST', '/api/v1/exports', { token, body: exportRequest() })));
    for (const query of ['', '?thumbnail=1']) {
      const res = await get(token, job.id, query);
      expect(res.status).toBe(409);
      expect(await errorCode(res)).toBe('export_not_ready');
    }
  });

  it('is 410 once the export expired (before and after cleanup), and the status object drops its URLs', async () => {
    const { token, id } = await finishedExport();
    await sql()`update public.export_jobs set expires_at = now() - interval '1 second' where id = ${id}`;
    for (const query of ['', '?thumbnail=1']) {
      const res = await get(token, id, query);
      expect(res.status).toBe(410);
      expect(await errorCode(res)).toBe('export_expired');
    }
    expect((await status(token, id)).result).toMatchObject({ downloadUrl: null, thumbnailUrl: null, downloadCount: 0 });

    await sql()`update public.export_jobs set status = 'expired' where id = ${id}`;
    const res = await get(token, id);
    expect(res.status).toBe(410);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('is 404 for an unknown export', async () => {
    const { token } = await signIn();
    const res = await get(token, '00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('export_not_found');
  });
});
