import { afterAll, describe, expect, it } from 'vitest';
import { GET as cleanupRoute } from '@/app/api/cron/cleanup-exports/route';
import { GET as processRoute } from '@/app/api/cron/process-exports/route';
import { closeSql, sql } from '@/lib/db/client';
import { cleanupExports } from '@/lib/worker/cleanup';
import { getExport, requestExport } from '@/lib/exports/queue';
import { claimJobs, completeJob, failJob, recordStoredFiles } from '@/lib/exports/workerQueue';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { exportObjectPaths, getStorage } from '@/lib/storage';
import type { JwtClaims } from '@/types/auth';
import { createUser } from '../queue/helpers';

afterAll(closeSql);

const storage = () => getStorage();
const exists = async (p: string) => (await storage().stat(p)) !== null;

/** A job that went through the queue and stored its two objects: succeeded, or failed for good. */
async function storedJob(user: JwtClaims, end: 'succeeded' | 'failed') {
  const { job } = await requestExport(user, { poster: DEFAULT_POSTER, format: 'png', size: 'social' });
  const [claimed] = await claimJobs('test-worker', 1, 60);
  expect(claimed.id).toBe(job.id);
  const paths = exportObjectPaths(user.sub, job.id, 'png', 'webp');
  await recordStoredFiles(job.id, claimed.leaseToken, [paths.result, paths.thumbnail]);
  await storage().put(paths.result, new Uint8Array([1, 2, 3]), { contentType: 'image/png' });
  await storage().put(paths.thumbnail, new Uint8Array([4]), { contentType: 'image/webp' });
  if (end === 'succeeded') {
    await completeJob(job.id, claimed.leaseToken, { path: paths.result, bytes: 3, width: 10, height: 15, contentType: 'image/png', thumbnailPath: paths.thumbnail });
  } else {
    await failJob(job.id, claimed.leaseToken, 'invalid_poster', 'bad poster', false);
  }
  return { id: job.id, paths };
}

describe('cleanup of exports', () => {
  it('removes expired files, files of failed jobs and objects without a row — and only those', async () => {
    const user = await createUser();
    const expired = await storedJob(user, 'succeeded');
    const fresh = await storedJob(user, 'succeeded');
    const failed = await storedJob(user, 'failed');
    // Past its TTL, as if seven days had gone by.
    await sql()`update public.export_jobs set expires_at = now() - interval '1 minute' where id = ${expired.id}`;
    const strayPath = `${user.sub}/00000000-0000-4000-8000-000000000000.png`;
    await storage().put(strayPath, new Uint8Array([9]), { contentType: 'image/png' });

    const report = await cleanupExports({ budgetMs: 30_000 });
    expect(report).toMatchObject({ expired: 1, failedJobFiles: 1, strayObjects: 1, errors: [] });

    expect(await exists(expired.paths.result)).toBe(false);
    expect(await exists(expired.paths.thumbnail)).toBe(false);
    expect((await getExport(user, expired.id)).status).toBe('expired');
    expect(await exists(failed.paths.result)).toBe(false);
    expect(await exists(strayPath)).toBe(false);
    // Still within its TTL: untouched.
    expect(await exists(fresh.paths.result)).toBe(true);
    expect((await getExport(user, fresh.id)).status).toBe('succeeded');

    // A second run finds nothing left to do.
    expect(await cleanupExports({ budgetMs: 30_000 })).toMatchObject({ expired: 0, failedJobFiles: 0, strayObjects: 0 });
  });

  it('is safe to run twice at once', async () => {
    const user = await createUser();
    const jobs = [await storedJob(user, 'succeeded'), await storedJob(user, 'succeeded')];
    await sql()`update public.export_jobs set expires_at = now() - interval '1 minute' where id = any(${jobs.map((j) => j.id)}::uuid[])`;
    const [a, b] = await Promise.all([cleanupExports({ budgetMs: 30_000 }), cleanupExports({ budgetMs: 30_000 })]);
    expect(a.expired + b.expired).toBe(2);
    expect(a.errors.concat(b.errors)).toEqual([]);
    for (const j of jobs) expect(await exists(j.paths.result)).toBe(false);
  });
});

describe('cron routes', () => {
  const call = (route: (r: Request) => Promise<Response>, authorization?: string) =>
    route(new Request('http://localhost/api/cron/x', { headers: authorization ? { authorization } : {} }));

  it.each([
    ['no secret', undefined],
    ['a wrong secret', 'Bearer ' + 'f'.repeat(64)],
    ['a malformed header', process.env.CRON_SECRET],
  ])('refuse %s with 401', async (_, authorization) => {
    for (const route of [processRoute, cleanupRoute]) {
      const res = await call(route, authorization);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('unauthenticated');
    }
  });

  it('run with the right secret', async () => {
    const res = await call(cleanupRoute, `Bearer ${process.env.CRON_SECRET}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ expired: 0, errors: [] });
    const tick = await call(processRoute, `Bearer ${process.env.CRON_SECRET}`);
    expect(tick.status).toBe(200);
    expect(await tick.json()).toEqual({ reaped: 0, processed: [], busy: false });
  });
});
