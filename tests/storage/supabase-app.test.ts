import { afterAll, describe, expect, it } from 'vitest';
import { closeSql } from '@/lib/db/client';
import { getExport, requestExport } from '@/lib/exports/queue';
import { claimJobs, completeJob, failJob, heartbeat } from '@/lib/exports/workerQueue';
import { presentExport } from '@/lib/exports/present';
import { applyQueueSettings } from '@/lib/exports/settings';
import { BucketMissingError, StorageRejectedError, StorageUnavailableError } from '@/lib/storage';
import { classify } from '@/lib/worker/processJob';
import { GET as files } from '@/app/api/files/[...path]/route';
import { createUser, posterRequest } from '../queue/helpers';

// This file's app runs with the Supabase storage driver (read once, at the first env()).
Object.assign(process.env, { STORAGE_DRIVER: 'supabase', SUPABASE_URL: 'http://127.0.0.1:9', SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_x', SUPABASE_SECRET_KEY: 'sb_secret_x' });
afterAll(closeSql);

describe('under the Supabase storage driver', () => {
  it('/api/files answers 404 saying where downloads come from, not "use npm run dev"', async () => {
    const res = await files(new Request('http://localhost/api/files/u/j.png?expires=1&sig=x'), { params: Promise.resolve({ path: ['u', 'j.png'] }) });
    expect(res.status).toBe(404);
    const { error } = await res.json();
    expect(error).toMatchObject({ code: 'files_not_served', message: expect.stringMatching(/Supabase Storage.*export history/) });
    expect(error.message).not.toMatch(/npm run dev/);
  });
});

describe('a finished export', () => {
  it('says stage "done", not the "uploading" of its last heartbeat; a failed one keeps where it stopped', async () => {
    const user = await createUser();
    const { job: a } = await requestExport(user, posterRequest());
    const { job: b } = await requestExport(user, posterRequest());
    const claimed = await claimJobs('w', 2, 60);
    for (const job of claimed) await heartbeat(job.id, job.leaseToken, 92, 'uploading');
    const byId = new Map(claimed.map((j) => [j.id, j]));
    await completeJob(a.id, byId.get(a.id)!.leaseToken, { path: `${user.sub}/${a.id}.png`, bytes: 10, width: 1, height: 1, contentType: 'image/png' });
    await failJob(b.id, byId.get(b.id)!.leaseToken, 'storage_rejected', 'refused', false);
    expect(presentExport(await getExport(user, a.id))).toMatchObject({ status: 'succeeded', stage: 'done' });
    expect(presentExport(await getExport(user, b.id))).toMatchObject({ status: 'failed', stage: 'uploading' });
  });
});

describe('an export whose file Storage refuses', () => {
  it.each([
    ['a type the bucket does not allow', () => new StorageRejectedError('Supabase Storage refused u/j.thumb.webp: the bucket "exports" does not accept image/webp')],
    ['a missing bucket', () => new BucketMissingError('exports')],
  ])('fails at once on %s, with its code and message, after one attempt', async (_, refusal) => {
    await applyQueueSettings({ maxAttempts: 3 });
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const [claimed] = await claimJobs('w', 1, 60);
    const { code, message, retryable } = classify(refusal(), false);
    const row = await failJob(claimed.id, claimed.leaseToken, code, message, retryable);
    expect(row).toMatchObject({ id: job.id, status: 'failed', attempts: 1, errorCode: refusal().code });
    expect(presentExport(await getExport(user, job.id)).error?.message).toBe(refusal().message);
  });

  it('goes back to the queue when Storage is only failing for now', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const [claimed] = await claimJobs('w', 1, 60);
    const { code, message, retryable } = classify(new StorageUnavailableError('Supabase Storage is unreachable or failing (HTTP 503)'), false);
    expect(await failJob(claimed.id, claimed.leaseToken, code, message, retryable)).toMatchObject({ id: job.id, status: 'queued', errorCode: 'storage_unavailable' });
  });
});
