import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { LeaseLost } from '@/lib/exports/errors';
import { requestExport } from '@/lib/exports/queue';
import { applyQueueSettings } from '@/lib/exports/settings';
import { claimJobs, completeJob, completeJobs, failJob, heartbeat, reapExpired, recordStoredFiles } from '@/lib/exports/workerQueue';
import { createUser, makeDue, posterRequest, rejection, sleep } from './helpers';

afterAll(closeSql);
beforeAll(async () => {
  await applyQueueSettings({ maxActiveJobs: 100, backoffBaseSeconds: 1, backoffMaxSeconds: 1, maxAttempts: 3 });
});

const result = (id: string) => ({ path: `u/${id}.png`, bytes: 10, width: 100, height: 140, contentType: 'image/png' });

async function claimOnly(worker: string, id: string, leaseSeconds: number) {
  const jobs = await claimJobs(worker, 1, leaseSeconds);
  expect(jobs.map((j) => j.id)).toEqual([id]);
  return jobs[0];
}

describe('a worker that crashes mid-export', () => {
  it('has its job reaped after the lease, requeued with backoff, finished by another worker; its late writes are refused', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const crashed = await claimOnly('crashed', job.id, 1);
    expect(crashed.attempts).toBe(1);

    expect(await reapExpired()).toEqual([]); // lease still live: nothing to reap
    await sleep(1100);
    const reaped = await reapExpired();
    expect(reaped.map((j) => [j.id, j.status, j.errorCode])).toEqual([[job.id, 'queued', 'lease_expired']]);
    const delay = (reaped[0].runAt.getTime() - reaped[0].updatedAt.getTime()) / 1000;
    expect(delay).toBeGreaterThanOrEqual(0.5);
    expect(delay).toBeLessThanOrEqual(1);
    expect(await claimJobs('second', 1, 60)).toEqual([]); // backing off

    await makeDue(job.id);
    const second = await claimOnly('second', job.id, 60);
    expect(second.attempts).toBe(2);
    expect(second.leaseToken).not.toBe(crashed.leaseToken);

    // The crashed worker wakes up: every write it tries changes nothing.
    expect(await rejection(heartbeat(job.id, crashed.leaseToken, 90, 'encoding'))).toBeInstanceOf(LeaseLost);
    expect(await rejection(recordStoredFiles(job.id, crashed.leaseToken, ['u/stale.png']))).toBeInstanceOf(LeaseLost);
    expect(await rejection(completeJob(job.id, crashed.leaseToken, result('stale')))).toBeInstanceOf(LeaseLost);
    expect(await rejection(failJob(job.id, crashed.leaseToken, 'render_crash', 'late', false))).toBeInstanceOf(LeaseLost);

    const done = await completeJob(job.id, second.leaseToken, result(job.id));
    expect(done).toMatchObject({ status: 'succeeded', resultPath: `u/${job.id}.png`, attempts: 2, lockedBy: null, leaseToken: null, progress: 100 });
    expect(done.storedPaths).toEqual([`u/${job.id}.png`]);
    // And after the job finished, the first worker's result is still refused.
    expect(await rejection(completeJob(job.id, crashed.leaseToken, result('stale')))).toBeInstanceOf(LeaseLost);
    expect(await rejection(completeJob(job.id, second.leaseToken, result('twice')))).toBeInstanceOf(LeaseLost);
  });

  it('ends in failed with the lease reason once its attempts are spent', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    for (let attempt = 1; attempt <= 3; attempt++) {
      await makeDue(job.id);
      await claimOnly(`w${attempt}`, job.id, 60);
      await sql()`update public.export_jobs set lease_expires_at = now() - interval '1 second' where id = ${job.id}`;
      const [reaped] = await reapExpired();
      expect(reaped.status).toBe(attempt < 3 ? 'queued' : 'failed');
    }
    const [row] = await sql()`select status, attempts, error_code, finished_at from public.export_jobs where id = ${job.id}`;
    expect(row).toMatchObject({ status: 'failed', attempts: 3, error_code: 'lease_expired' });
    expect(row.finished_at).toBeInstanceOf(Date);
  });
});

describe('a worker completing a batch', () => {
  it('finishes every attempt it still holds in one call and reports the ones whose lease was lost', async () => {
    const user = await createUser();
    for (let i = 0; i < 3; i++) await requestExport(user, posterRequest());
    const claimed = await claimJobs('batcher', 3, 60);
    expect(claimed).toHaveLength(3);
    // The third attempt was reaped and re-claimed elsewhere meanwhile.
    await sql()`update public.export_jobs set lease_expires_at = now() - interval '1 second' where id = ${claimed[2].id}`;
    await reapExpired();
    await makeDue(claimed[2].id);
    const [other] = await claimJobs('other', 1, 60);
    expect(other.id).toBe(claimed[2].id);

    const { completed, leaseLost } = await completeJobs(claimed.map((j) => ({ id: j.id, leaseToken: j.leaseToken, result: result(j.id) })));
    expect(completed.map((j) => j.id).sort()).toEqual([claimed[0].id, claimed[1].id].sort());
    expect(completed.every((j) => j.status === 'succeeded' && j.resultPath === `u/${j.id}.png`)).toBe(true);
    expect(leaseLost).toEqual([claimed[2].id]);
    const [row] = await sql()`select status, locked_by from public.export_jobs where id = ${claimed[2].id}`;
    expect(row).toEqual({ status: 'running', locked_by: 'other' });
  });
});

describe('a live worker', () => {
  it('keeps its job by heartbeating: the lease is renewed and the reaper leaves it alone', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const claimed = await claimOnly('live', job.id, 2);
    await sleep(1200);
    expect(await heartbeat(job.id, claimed.leaseToken, 40, 'rendering tiles')).toEqual({ cancelRequested: false });
    await sleep(1200); // past the first lease, within the renewed one
    expect(await reapExpired()).toEqual([]);
    const [row] = await sql()`select status, progress, stage, lease_expires_at > now() as live from public.export_jobs where id = ${job.id}`;
    expect(row).toEqual({ status: 'running', progress: 40, stage: 'rendering tiles', live: true });
    expect((await completeJob(job.id, claimed.leaseToken, result(job.id))).status).toBe('succeeded');
  });
});
