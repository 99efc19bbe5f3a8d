// Twenty simultaneous requests need twenty connections to be truly simultaneous.
process.env.DATABASE_POOL_MAX = '30';

import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { withUser } from '@/lib/db/session';
import { IdempotencyConflict, InvalidRequest, InvalidState, NotFound, QuotaExceeded } from '@/lib/exports/errors';
import { cancelExport, getExport, listExports, recordDownload, requestExport, requestExportBatch, retryExport } from '@/lib/exports/queue';
import { applyQueueSettings } from '@/lib/exports/settings';
import { claimJobs, completeJob, failJob, heartbeat } from '@/lib/exports/workerQueue';
import { createUser, posterRequest, rejection } from './helpers';
import { MAX_STORED_REQUEST_BYTES } from '@/lib/overlays/limits';

afterAll(closeSql);

const defaults = { maxActiveJobs: 3, maxExportsPerDay: 50, maxStoredBytes: 100 * 1024 * 1024, maxManualRetries: 3, maxAttempts: 3 };
beforeEach(async () => {
  // Each test has its own users; only the worker's claims cross tests, so empty the queue.
  await sql()`update public.export_jobs set status = 'cancelled', finished_at = now() where status in ('queued', 'running')`;
  await applyQueueSettings(defaults);
});

const count = async (userId: string) => (await sql()<{ n: number }[]>`select count(*)::int as n from public.export_jobs where user_id = ${userId}`)[0].n;

async function claimOne(id: string) {
  const [job] = await claimJobs('test-worker', 1, 60);
  expect(job?.id).toBe(id);
  return job;
}

describe('quotas', () => {
  it('with a limit of 3 active exports, exactly 3 of 20 simultaneous requests are accepted', async () => {
    const user = await createUser();
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => requestExport(user, posterRequest())));
    const accepted = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(accepted).toHaveLength(3);
    expect(refused).toHaveLength(17);
    for (const e of refused) {
      expect(e).toBeInstanceOf(QuotaExceeded);
      expect(e).toMatchObject({ code: 'quota_exceeded', limit: 'active_jobs', max: 3, used: 3, retryAfterSeconds: null });
    }
    expect(refused[0].message).toMatch(/3 exports in progress/);
    expect(await count(user.sub)).toBe(3);
  });

  it('a finished export frees its active slot', async () => {
    const user = await createUser();
    await applyQueueSettings({ maxActiveJobs: 1 });
    const { job } = await requestExport(user, posterRequest());
    await rejection(requestExport(user, posterRequest()));
    await cancelExport(user, job.id);
    expect((await requestExport(user, posterRequest())).created).toBe(true);
  });

  it('the daily limit says when the oldest request of the day frees a slot', async () => {
    const user = await createUser();
    await applyQueueSettings({ maxActiveJobs: 10, maxExportsPerDay: 2 });
    await requestExport(user, posterRequest());
    await requestExport(user, posterRequest());
    const e = await rejection(requestExport(user, posterRequest()));
    expect(e).toBeInstanceOf(QuotaExceeded);
    expect(e).toMatchObject({ limit: 'daily_exports', max: 2, used: 2 });
    const after = (e as QuotaExceeded).retryAfterSeconds!;
    expect(after).toBeGreaterThan(86_000);
    expect(after).toBeLessThanOrEqual(86_400);
  });

  it('stored bytes over the allowance refuse new exports until a result expires', async () => {
    const user = await createUser();
    await applyQueueSettings({ maxStoredBytes: 1000, resultTtlSeconds: 3600 });
    const { job } = await requestExport(user, posterRequest());
    const claimed = await claimOne(job.id);
    await completeJob(job.id, claimed.leaseToken, { path: 'a.png', bytes: 1000, width: 10, height: 10, contentType: 'image/png' });
    const e = await rejection(requestExport(user, posterRequest()));
    expect(e).toMatchObject({ code: 'quota_exceeded', limit: 'stored_bytes', used: 1000 });
    expect((e as QuotaExceeded).retryAfterSeconds).toBeGreaterThan(3500);
    expect((e as QuotaExceeded).retryAfterSeconds).toBeLessThanOrEqual(3600);
  });
});

describe('idempotency', () => {
  it('a repeated key returns the same export, even when the repeats arrive together', async () => {
    const user = await createUser();
    const first = await requestExport(user, posterRequest(), { idempotencyKey: 'click-1' });
    expect(first.created).toBe(true);
    const again = await Promise.all(Array.from({ length: 10 }, () => requestExport(user, posterRequest(), { idempotencyKey: 'click-1' })));
    expect(new Set(again.map((r) => r.job.id))).toEqual(new Set([first.job.id]));
    expect(again.every((r) => !r.created)).toBe(true);
    expect(await count(user.sub)).toBe(1);
  });

  it('a replay does not count against the quota, and a key reused for another request is refused', async () => {
    const user = await createUser();
    await applyQueueSettings({ maxActiveJobs: 1 });
    const first = await requestExport(user, posterRequest(), { idempotencyKey: 'k' });
    expect((await requestExport(user, posterRequest(), { idempotencyKey: 'k' })).job.id).toBe(first.job.id);
    expect(await rejection(requestExport(user, posterRequest({ format: 'pdf' }), { idempotencyKey: 'k' }))).toBeInstanceOf(IdempotencyConflict);
  });

  it('keys are per user', async () => {
    const [a, b] = [await createUser(), await createUser()];
    const ja = await requestExport(a, posterRequest(), { idempotencyKey: 'same' });
    const jb = await requestExport(b, posterRequest(), { idempotencyKey: 'same' });
    expect(jb.created).toBe(true);
    expect(jb.job.id).not.toBe(ja.job.id);
  });
});

describe('a batch', () => {
  it('queues every entry in order', async () => {
    const user = await createUser();
    const sizes = ['social', 'small', 'medium'] as const;
    const jobs = await requestExportBatch(user, sizes.map((size) => posterRequest({ size })), { idempotencyKey: 'batch-1', priority: -5 });
    expect(jobs.map((r) => [r.job.request.size, r.job.priority, r.created])).toEqual(sizes.map((s) => [s, -5, true]));
    const replay = await requestExportBatch(user, sizes.map((size) => posterRequest({ size })), { idempotencyKey: 'batch-1', priority: -5 });
    expect(replay.map((r) => r.job.id)).toEqual(jobs.map((r) => r.job.id));
  });

  it('with one invalid entry inserts nothing, whether caught by zod or by SQL', async () => {
    const user = await createUser();
    const e = await rejection(requestExportBatch(user, [posterRequest(), { ...posterRequest(), format: 'gif' }]));
    expect(e).toBeInstanceOf(InvalidRequest);
    expect(e).toMatchObject({ index: 1 });
    // Straight to the SQL function, as a PostgREST caller could.
    const raw = await rejection(
      withUser(user, (tx) => tx`select * from public.request_export_batch(${tx.json([posterRequest(), { poster: {}, format: 'gif', size: 'small' }, posterRequest()] as never)})`),
    );
    expect(raw).toMatchObject({ code: 'CX005', message: 'invalid_request' });
    expect(JSON.parse((raw as unknown as { detail: string }).detail)).toEqual({ index: 1, problem: 'format must be one of png, jpeg, pdf, svg, vector-pdf' });
    expect(await count(user.sub)).toBe(0);
  });

  it('over the quota inserts nothing', async () => {
    const user = await createUser();
    await requestExport(user, posterRequest());
    const e = await rejection(requestExportBatch(user, [posterRequest(), posterRequest(), posterRequest()]));
    expect(e).toMatchObject({ code: 'quota_exceeded', limit: 'active_jobs' });
    expect(await count(user.sub)).toBe(1);
  });

  it('of more than 10 is refused', async () => {
    const user = await createUser();
    expect(await rejection(requestExportBatch(user, Array.from({ length: 11 }, () => posterRequest())))).toBeInstanceOf(InvalidRequest);
  });
});

describe('requests SQL checks even when zod is bypassed', () => {
  it.each([
    ['not an object', '[]', /must be a JSON object/],
    ['no poster', '{"format":"png","size":"small"}', /poster must be an object/],
    ['unknown format', '{"poster":{},"format":"gif","size":"small"}', /format must be one of/],
    ['unknown size', '{"poster":{},"format":"png","size":"huge"}', /size must be one of/],
    ['too large', JSON.stringify({ poster: { blob: 'x'.repeat(MAX_STORED_REQUEST_BYTES) }, format: 'png', size: 'small' }), new RegExp(`larger than ${MAX_STORED_REQUEST_BYTES} bytes`)],
  ])('%s', async (_, body, problem) => {
    const user = await createUser();
    const e = await rejection(withUser(user, (tx) => tx`select * from public.request_export(${body}::text::jsonb)`));
    expect(e).toMatchObject({ code: 'CX005' });
    expect(JSON.parse((e as unknown as { detail: string }).detail).problem).toMatch(problem);
    expect(await count(user.sub)).toBe(0);
  });

  it('a user cannot raise their own priority', async () => {
    const user = await createUser();
    const e = await rejection(withUser(user, (tx) => tx`select * from public.request_export(${JSON.stringify(posterRequest())}::text::jsonb, null, 50)`));
    expect(e).toMatchObject({ code: 'CX005' });
    expect(JSON.parse((e as unknown as { detail: string }).detail).problem).toMatch(/priority/);
  });
});

describe('cancel', () => {
  it('of a queued export cancels it at once; no worker ever claims it', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const cancelled = await cancelExport(user, job.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.finishedAt).toBeInstanceOf(Date);
    expect(await claimJobs('w', 10, 60)).toEqual([]);
    expect((await cancelExport(user, job.id)).status).toBe('cancelled'); // idempotent
  });

  it('of a running export asks the worker, which stops at its next heartbeat', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const claimed = await claimOne(job.id);
    expect(await heartbeat(job.id, claimed.leaseToken, 10, 'loading tiles')).toEqual({ cancelRequested: false });
    const asked = await cancelExport(user, job.id);
    expect(asked.status).toBe('running');
    expect(asked.cancelRequestedAt).toBeInstanceOf(Date);
    expect(await heartbeat(job.id, claimed.leaseToken, 20, 'rendering')).toEqual({ cancelRequested: true });
    // Even a "retryable" error ends a job the user cancelled.
    const stopped = await failJob(job.id, claimed.leaseToken, 'cancelled', 'stopped on request', true);
    expect(stopped.status).toBe('cancelled');
  });

  it('that arrives after the file was written leaves the file for cleanup, not as a result', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const claimed = await claimOne(job.id);
    await cancelExport(user, job.id);
    const done = await completeJob(job.id, claimed.leaseToken, { path: 'x.png', bytes: 5, width: 1, height: 1, contentType: 'image/png' });
    expect(done).toMatchObject({ status: 'cancelled', resultPath: null, storedPaths: ['x.png'] });
  });

  it('of a finished export is refused', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const claimed = await claimOne(job.id);
    await completeJob(job.id, claimed.leaseToken, { path: 'x.png', bytes: 5, width: 1, height: 1, contentType: 'image/png' });
    expect(await rejection(cancelExport(user, job.id))).toMatchObject({ code: 'invalid_state', status: 'succeeded' });
  });
});

describe('retry', () => {
  it('queues a failed export again with fresh attempts, a bounded number of times', async () => {
    const user = await createUser();
    await applyQueueSettings({ maxManualRetries: 1 });
    const { job } = await requestExport(user, posterRequest());
    let claimed = await claimOne(job.id);
    await failJob(job.id, claimed.leaseToken, 'invalid_poster', 'bad', false);
    const again = await retryExport(user, job.id);
    expect(again).toMatchObject({ status: 'queued', attempts: 0, manualRetries: 1, errorCode: null, finishedAt: null });
    claimed = await claimOne(job.id);
    expect(claimed.attempts).toBe(1);
    await failJob(job.id, claimed.leaseToken, 'invalid_poster', 'bad', false);
    expect(await rejection(retryExport(user, job.id))).toMatchObject({ code: 'invalid_state', reason: 'retry_limit' });
  });

  it('of a queued export is refused', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    expect(await rejection(retryExport(user, job.id))).toBeInstanceOf(InvalidState);
  });
});

describe('history', () => {
  it('pages through a user’s exports newest first, without gaps or repeats, and filters by status', async () => {
    const user = await createUser();
    const other = await createUser();
    await applyQueueSettings({ maxActiveJobs: 20 });
    const made = await requestExportBatch(user, Array.from({ length: 7 }, () => posterRequest()));
    await requestExport(other, posterRequest());
    await cancelExport(user, made[2].job.id);

    const seen: string[] = [];
    let cursor: string | undefined;
    const pageSizes: number[] = [];
    do {
      const page = await listExports(user, { limit: 3, cursor });
      pageSizes.push(page.jobs.length);
      seen.push(...page.jobs.map((j) => j.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(new Set(seen)).toEqual(new Set(made.map((m) => m.job.id)));
    const rows = await sql()`select id from public.export_jobs where user_id = ${user.sub} order by created_at desc, id desc`;
    expect(seen).toEqual(rows.map((r) => r.id));

    const cancelled = await listExports(user, { status: 'cancelled' });
    expect(cancelled.jobs.map((j) => j.id)).toEqual([made[2].job.id]);
    expect(await rejection(listExports(user, { cursor: 'garbage' }))).toBeInstanceOf(InvalidRequest);
  });

  it('a download is counted and refused once the result expired', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const claimed = await claimOne(job.id);
    await completeJob(job.id, claimed.leaseToken, { path: 'p.png', bytes: 5, width: 1, height: 1, contentType: 'image/png' });
    expect(await recordDownload(user, job.id)).toMatchObject({ path: 'p.png', contentType: 'image/png' });
    expect((await getExport(user, job.id)).downloadCount).toBe(1);
    await sql()`update public.export_jobs set expires_at = now() - interval '1 second' where id = ${job.id}`;
    expect(await rejection(recordDownload(user, job.id))).toMatchObject({ code: 'invalid_state', status: 'expired' });
    expect(await rejection(recordDownload(await createUser(), job.id))).toBeInstanceOf(NotFound);
  });
});
