import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { requestExport } from '@/lib/exports/queue';
import { applyQueueSettings } from '@/lib/exports/settings';
import { claimJobs, failJob } from '@/lib/exports/workerQueue';
import { createUser, makeDue, posterRequest } from './helpers';

afterAll(closeSql);
beforeAll(async () => {
  await applyQueueSettings({ maxActiveJobs: 100, maxAttempts: 6, backoffBaseSeconds: 1, backoffMaxSeconds: 8 });
});

describe('retries of a failing export', () => {
  it('wait longer each time, within the jitter bounds and the cap; the last attempt fails with its reason', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      await makeDue(job.id);
      const [claimed] = await claimJobs('flaky', 1, 60);
      expect(claimed.attempts).toBe(attempt);
      const after = await failJob(job.id, claimed.leaseToken, 'tile_timeout', `tiles timed out on attempt ${attempt}`, true);
      if (attempt < 6) {
        expect(after.status).toBe('queued');
        const delay = (after.runAt.getTime() - after.updatedAt.getTime()) / 1000;
        const full = Math.min(8, 2 ** (attempt - 1));
        expect(delay).toBeGreaterThanOrEqual(full / 2 - 0.001);
        expect(delay).toBeLessThanOrEqual(full + 0.001);
        delays.push(delay);
      } else {
        expect(after).toMatchObject({ status: 'failed', attempts: 6, errorCode: 'tile_timeout', errorMessage: 'tiles timed out on attempt 6' });
        expect(after.finishedAt).toBeInstanceOf(Date);
      }
    }
    // Until the cap, each band starts where the previous ends, so delays never shrink; past it they stay in [cap/2, cap].
    const uncapped = delays.slice(0, 4);
    expect(uncapped).toEqual([...uncapped].sort((a, b) => a - b));
    expect(Math.max(...delays)).toBeLessThanOrEqual(8.001);
    expect(await claimJobs('flaky', 1, 60)).toEqual([]);
  });

  it('spread out: jitter draws across the whole band, so simultaneous failures do not retry together', async () => {
    const [row] = await sql()<{ lo: number; hi: number; distinct: number }[]>`
      select min(s)::float as lo, max(s)::float as hi, count(distinct s)::int as distinct
        from (select extract(epoch from public.export_retry_delay(3, 10, 600)) as s from generate_series(1, 500)) d`;
    expect(row.lo).toBeGreaterThanOrEqual(20);
    expect(row.hi).toBeLessThanOrEqual(40);
    expect(row.lo).toBeLessThan(22);
    expect(row.hi).toBeGreaterThan(38);
    expect(row.distinct).toBeGreaterThan(450);
    const [capped] = await sql()<{ hi: number }[]>`
      select max(extract(epoch from public.export_retry_delay(40, 10, 600)))::float as hi from generate_series(1, 100)`;
    expect(capped.hi).toBeLessThanOrEqual(600);
  });

  it('stop at once on a permanent error, keeping its reason', async () => {
    const user = await createUser();
    const { job } = await requestExport(user, posterRequest());
    const [claimed] = await claimJobs('strict', 1, 60);
    const after = await failJob(job.id, claimed.leaseToken, 'invalid_poster', 'the poster has no map area', false);
    expect(after).toMatchObject({ status: 'failed', attempts: 1, errorCode: 'invalid_poster' });
  });
});
