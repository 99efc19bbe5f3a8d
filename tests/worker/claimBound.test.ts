import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { LeaseLost } from '@/lib/exports/errors';
import { getExport, requestExport } from '@/lib/exports/queue';
import { closeDirectWorkerConnection, directWorkerSql, directWorkerUrl, listenForQueuedJobs, openDirectWorkerConnection } from '@/lib/exports/workerConnection';
import { claimJobs, completeJob } from '@/lib/exports/workerQueue';
import { QueueWake } from '@/lib/worker/queueWake';
import { renderSlots, RenderSlots } from '@/lib/worker/renderSlots';
import { workerSettings } from '@/lib/worker/settings';
import { tick } from '@/lib/worker/tick';
import { createUser, posterRequest, rejection } from '../queue/helpers';

afterAll(async () => {
  await closeDirectWorkerConnection();
  await closeSql();
});

const result = { path: 'x/y.png', bytes: 1, width: 1, height: 1, contentType: 'image/png' };

describe('a bound on renders per process', () => {
  it('a process at its limit claims nothing: the tick returns at once and the job stays queued for a worker with room', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const slots = renderSlots(workerSettings().concurrency);
    const held = Array.from({ length: slots.limit }, () => slots.tryStart()!);
    try {
      const t0 = Date.now();
      const report = await tick({ budgetMs: 600_000 });
      expect(report).toEqual({ reaped: 0, processed: [], busy: true });
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(await getExport(user, job.id)).toMatchObject({ status: 'queued', attempts: 0 });
    } finally {
      held.forEach((slot) => slot.done());
    }
    expect(slots.stats()).toMatchObject({ renders: 0, jobs: 0 });
  });

  it('a job that has finished rendering lets the next one render while it encodes, never more than twice the limit in flight', () => {
    const slots = new RenderSlots(1);
    const a = slots.tryStart()!;
    expect(slots.tryStart()).toBeUndefined();
    a.renderDone();
    const b = slots.tryStart()!;
    expect(b).toBeDefined();
    b.renderDone();
    expect(slots.tryStart()).toBeUndefined(); // two jobs in flight (both encoding)
    a.done();
    a.done(); // idempotent
    expect(slots.stats()).toEqual({ renders: 0, jobs: 1, limit: 1 });
    // Whoever found the slots taken asked for one more look at the queue, once.
    expect(slots.takeWake()).toBe(true);
    expect(slots.takeWake()).toBe(false);
  });
});

describe("the standalone worker's direct connection", () => {
  it('is woken by NOTIFY the moment a job is queued, not at its next poll', async () => {
    const url = directWorkerUrl();
    expect(url).toBeDefined();
    const sql = openDirectWorkerConnection(url!, 2);
    const wake = new QueueWake();
    const { unlisten } = await listenForQueuedJobs(sql, wake.notify);
    try {
      const user = await createUser();
      const waited = wake.wait(30_000);
      const t0 = Date.now();
      await requestExport(user, posterRequest());
      expect(await waited).toBe('notified');
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      await unlisten();
    }
  });

  it('claims and completes as service_role with its leases: a stale token still changes nothing', async () => {
    openDirectWorkerConnection(directWorkerUrl()!, 2);
    expect(directWorkerSql()).toBeDefined();
    const [{ current_user: role }] = await directWorkerSql()!`select current_user`;
    expect(role).toBe('service_role');
    await sql()`delete from public.export_jobs`; // the jobs the tests above left queued
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const [claimed] = await claimJobs('direct-test', 1, 60);
    expect(claimed).toMatchObject({ id: job.id, attempts: 1 });
    expect(await rejection(completeJob(job.id, '00000000-0000-4000-8000-000000000000', result))).toBeInstanceOf(LeaseLost);
    expect(await completeJob(job.id, claimed.leaseToken, result)).toMatchObject({ status: 'succeeded' });
    expect(await getExport(user, job.id)).toMatchObject({ status: 'succeeded', resultPath: 'x/y.png' });
  });
});
