import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { claimJobs, completeJob } from '@/lib/exports/workerQueue';
import { createUser, requestJson } from './helpers';

afterAll(closeSql);

describe('eight workers draining the queue', () => {
  it('claim and complete each of 2,000 exports exactly once', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, createUser));
    await sql()`
      insert into public.export_jobs (user_id, request, max_attempts, priority)
      select (${users.map((u) => u.sub)}::uuid[])[1 + i % 20], ${requestJson()}, 3, (i % 3) - 1
        from generate_series(1, 2000) i`;

    const claimedBy = new Map<string, string[]>();
    const completed: string[] = [];
    // Half the workers claim one at a time, half in batches, as the cron and `npm run worker` would.
    const workers = Array.from({ length: 8 }, async (_, w) => {
      const worker = `worker-${w}`;
      for (;;) {
        const jobs = await claimJobs(worker, w % 2 ? 1 : 10, 60);
        if (jobs.length === 0) return;
        for (const job of jobs) {
          claimedBy.set(job.id, [...(claimedBy.get(job.id) ?? []), worker]);
          const done = await completeJob(job.id, job.leaseToken, { path: `${job.userId}/${job.id}.png`, bytes: 1, width: 1, height: 1, contentType: 'image/png' });
          expect(done.status).toBe('succeeded');
          completed.push(done.id);
        }
      }
    });
    await Promise.all(workers);

    expect(claimedBy.size).toBe(2000);
    expect([...claimedBy.values()].filter((by) => by.length !== 1)).toEqual([]);
    expect(new Set(completed).size).toBe(2000);
    expect(completed).toHaveLength(2000);
    const [row] = await sql()`
      select count(*)::int as n, count(*) filter (where status = 'succeeded' and attempts = 1)::int as once
        from public.export_jobs`;
    expect(row).toMatchObject({ n: 2000, once: 2000 });
    // Every worker got work: the claim spreads rather than serialising on one.
    expect(new Set([...claimedBy.values()].flat()).size).toBe(8);
  });

  it('claim the highest priority first, then the longest waiting', async () => {
    const user = await createUser();
    const [low, normal, high] = await sql()<{ id: string }[]>`
      insert into public.export_jobs (user_id, request, max_attempts, priority, run_at)
      values (${user.sub}, ${requestJson()}, 3, -5, now() - interval '1 hour'),
             (${user.sub}, ${requestJson()}, 3, 0, now() - interval '1 minute'),
             (${user.sub}, ${requestJson()}, 3, 5, now())
      returning id`;
    const [later] = await sql()<{ id: string }[]>`
      insert into public.export_jobs (user_id, request, max_attempts, priority, run_at)
      values (${user.sub}, ${requestJson()}, 3, 5, now() + interval '1 hour') returning id`;
    const order = [];
    for (;;) {
      const [job] = await claimJobs('ordered', 1, 60);
      if (!job) break;
      order.push(job.id);
    }
    expect(order).toEqual([high.id, normal.id, low.id]);
    expect(order).not.toContain(later.id);
  });
});
