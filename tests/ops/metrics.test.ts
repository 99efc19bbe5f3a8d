import { afterAll, describe, expect, inject, it } from 'vitest';
import { GET } from '@/app/api/metrics/route';
import { closeSql, sql } from '@/lib/db/client';
import { cancelExport, requestExport } from '@/lib/exports/queue';
import { claimJobs, completeJob, failJob } from '@/lib/exports/workerQueue';
import { browserPool } from '@/lib/worker/browserPool';
import { recordMetric } from '@/lib/metrics';
import { formatPrometheus } from '@/lib/metrics/prometheus';
import { createUser, posterRequest, rejection, sleep } from '../queue/helpers';
import { parseExposition, valueOf, type Exposition } from './exposition';

afterAll(async () => {
  await browserPool().close();
  await closeSql();
});

const secret = () => inject('appSecrets').METRICS_SECRET;

/** A scrape of this file's database through the route handler, as Prometheus would see it. */
async function scrape(): Promise<Exposition> {
  const res = await GET(new Request('http://localhost/api/metrics', { headers: { authorization: `Bearer ${secret()}` } }));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

describe('GET /api/metrics', () => {
  it('metrics change after a job: claims, completions, a failure by code, a cancelled attempt, the histograms of its preset and the depth gauges', async () => {
    const user = await createUser();
    const before = await scrape();

    const { job } = await requestExport(user, posterRequest({ size: 'small' }));
    const queued = await scrape();
    expect(valueOf(queued, 'carto_export_jobs', { status: 'queued' })).toBe(valueOf(before, 'carto_export_jobs', { status: 'queued' }) + 1);
    expect(valueOf(queued, 'carto_export_oldest_queued_seconds')).toBeGreaterThan(0);

    const [claimed] = await claimJobs('metrics-test', 1, 60);
    expect(claimed.id).toBe(job.id);
    const running = await scrape();
    expect(valueOf(running, 'carto_export_claims_total')).toBe(valueOf(before, 'carto_export_claims_total') + 1);
    expect(valueOf(running, 'carto_export_jobs', { status: 'queued' })).toBe(valueOf(before, 'carto_export_jobs', { status: 'queued' }));
    expect(valueOf(running, 'carto_export_jobs', { status: 'running' })).toBe(valueOf(before, 'carto_export_jobs', { status: 'running' }) + 1);

    // As if the render had taken 7 s by the database clock: it must land in the le="10" bucket, not le="5".
    await sql()`update public.export_jobs set started_at = now() - interval '7 seconds' where id = ${job.id}`;
    await completeJob(job.id, claimed.leaseToken, { path: `${user.sub}/${job.id}.png`, bytes: 1_500_000, width: 10, height: 10, contentType: 'image/png' });

    // A second job fails with a code and goes back to the queue.
    const { job: flaky } = await requestExport(user, posterRequest({ size: 'ultra' }));
    const [second] = await claimJobs('metrics-test', 1, 60);
    expect(second.id).toBe(flaky.id);
    await failJob(flaky.id, second.leaseToken, 'tile_timeout', 'tiles timed out', true);

    // A third is cancelled by its user mid-render; the worker stops at its next step.
    const { job: unwanted } = await requestExport(user, posterRequest({ size: 'medium' }));
    const [third] = await claimJobs('metrics-test', 1, 60);
    expect(third.id).toBe(unwanted.id);
    await cancelExport(user, unwanted.id);
    expect((await failJob(unwanted.id, third.leaseToken, 'cancelled', 'stopped after a cancel request', true)).status).toBe('cancelled');

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta('carto_export_claims_total')).toBe(3);
    expect(delta('carto_export_cancelled_attempts_total')).toBe(1);
    expect(delta('carto_export_failures_total', { code: 'cancelled' })).toBe(0);
    expect(delta('carto_export_completions_total')).toBe(1);
    expect(delta('carto_export_failures_total', { code: 'tile_timeout' })).toBe(1);
    expect(delta('carto_export_jobs', { status: 'succeeded' })).toBe(1);
    expect(delta('carto_export_jobs', { status: 'cancelled' })).toBe(1);
    expect(delta('carto_export_jobs', { status: 'running' })).toBe(0);
    expect(delta('carto_export_jobs', { status: 'queued' })).toBe(1); // the retrying one

    const small = { size: 'small' };
    expect(delta('carto_export_render_seconds_count', small)).toBe(1);
    expect(delta('carto_export_render_seconds_bucket', { ...small, le: '5' })).toBe(0);
    expect(delta('carto_export_render_seconds_bucket', { ...small, le: '10' })).toBe(1);
    expect(delta('carto_export_render_seconds_bucket', { ...small, le: '+Inf' })).toBe(1);
    expect(delta('carto_export_render_seconds_sum', small)).toBeGreaterThanOrEqual(7);
    expect(delta('carto_export_render_seconds_sum', small)).toBeLessThan(30);
    expect(delta('carto_export_result_bytes_bucket', { ...small, le: '1000000' })).toBe(0);
    expect(delta('carto_export_result_bytes_bucket', { ...small, le: '2000000' })).toBe(1);
    expect(delta('carto_export_result_bytes_sum', small)).toBe(1_500_000);
    // The failed ultra attempt observed nothing.
    expect(delta('carto_export_render_seconds_count', { size: 'ultra' })).toBe(0);
  });

  it('counts process-observed events: a Chromium crash restarts the browser and is counted as a crash', async () => {
    const before = await scrape();
    await recordMetric('carto_browser_restarts_total', { reason: 'recycle' });
    const pool = browserPool();
    await pool.withPage(async (page) => page.evaluate(() => 1));
    process.kill(pool.browserPid()!, 'SIGKILL');
    // The next job relaunches it, which is the restart.
    for (let i = 0; i < 50 && pool.browserPid() !== undefined; i++) await sleep(100);
    await pool.withPage(async (page) => page.evaluate(() => 1));
    let after = await scrape();
    for (let i = 0; i < 50 && valueOf(after, 'carto_browser_restarts_total', { reason: 'crash' }) === valueOf(before, 'carto_browser_restarts_total', { reason: 'crash' }); i++) {
      await sleep(100); // recorded in the background so a render never waits for it
      after = await scrape();
    }
    expect(valueOf(after, 'carto_browser_restarts_total', { reason: 'crash' }) - valueOf(before, 'carto_browser_restarts_total', { reason: 'crash' })).toBe(1);
    expect(valueOf(after, 'carto_browser_restarts_total', { reason: 'recycle' }) - valueOf(before, 'carto_browser_restarts_total', { reason: 'recycle' })).toBe(1);
  });

  it('an observation on a bucket bound counts in that bucket (le is inclusive); past the last bound it is +Inf only', async () => {
    const rows = await sql()<{ v: number; le: number }[]>`
      select v, public.export_metric_bucket(public.export_metric_buckets('carto_export_result_bytes'), v) as le
        from unnest(array[0, 100000, 100001, 1000000, 100000000, 100000001]::float8[]) v`;
    expect(rows.map((r) => [r.v, r.le])).toEqual([[0, 1e5], [1e5, 1e5], [100001, 5e5], [1e6, 1e6], [1e8, 1e8], [100000001, Infinity]]);
  });

  it('keeps its tables behind row-level security with no grant to any API role (only the functions read and write them)', async () => {
    const tables = await sql()<{ relname: string; rls: boolean; anon: boolean; authenticated: boolean; service: boolean }[]>`
      select relname, relrowsecurity as rls, has_table_privilege('anon', oid, 'select') as anon,
             has_table_privilege('authenticated', oid, 'select') as authenticated, has_table_privilege('service_role', oid, 'select') as service
        from pg_class where relname in ('export_metric_counters', 'export_metric_completions') order by 1`;
    expect(tables).toEqual([
      { relname: 'export_metric_completions', rls: true, anon: false, authenticated: false, service: false },
      { relname: 'export_metric_counters', rls: true, anon: false, authenticated: false, service: false },
    ]);
  });

  it('refuses metric names and labels that would make unbounded or malformed series, and the counters the queue keeps itself', async () => {
    expect((await rejection(recordMetric('Not A Name'))).code).toBe('invalid_request');
    expect((await rejection(recordMetric('carto_no_suffix'))).code).toBe('invalid_request');
    expect((await rejection(recordMetric('carto_things_total', { a: 'x'.repeat(65) }))).code).toBe('invalid_request');
    expect((await rejection(recordMetric('carto_export_failures_total', { code: 'made_up' }))).code).toBe('invalid_request');
  });

  it('over real HTTP: 401 without the secret or with a wrong one; 200 in the exposition format with it', async () => {
    const url = `${inject('appUrl')}/api/metrics`;
    expect((await fetch(url)).status).toBe(401);
    const wrong = await fetch(url, { headers: { authorization: `Bearer ${'0'.repeat(64)}` } });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('unauthenticated');
    const ok = await fetch(url, { headers: { authorization: `Bearer ${secret()}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await ok.text();
    const e = parseExposition(text);
    for (const family of ['carto_export_jobs', 'carto_export_oldest_queued_seconds', 'carto_export_claims_total', 'carto_export_completions_total',
      'carto_export_failures_total', 'carto_export_render_seconds', 'carto_export_result_bytes', 'carto_browser_restarts_total']) {
      expect(e.types.has(family), family).toBe(true);
    }
    expect(text).not.toContain(secret());
  });
});

describe('the exposition format', () => {
  it('escapes label values, cumulates buckets and ends each histogram with +Inf equal to its count', () => {
    const text = formatPrometheus({
      jobs: { queued: 2, running: 1, succeeded: 0, failed: 0, cancelled: 0, expired: 0 },
      oldestQueuedSeconds: 1.5,
      counters: [{ metric: 'carto_export_failures_total', labels: { code: 'we"ird\\co\nde' }, value: 3 }],
      histograms: [{ metric: 'carto_export_render_seconds', labels: { size: 'small' }, buckets: [[1, 2], [2, 0], [5, 3]], sum: 12.5, count: 6 }],
    });
    const e = parseExposition(text);
    expect(valueOf(e, 'carto_export_failures_total', { code: 'we"ird\\co\nde' })).toBe(3);
    expect(text).toContain('code="we\\"ird\\\\co\\nde"');
    expect(e.samples.filter((s) => s.name === 'carto_export_render_seconds_bucket').map((s) => [s.labels.le, s.value])).toEqual([
      ['1', 2], ['2', 2], ['5', 5], ['+Inf', 6],
    ]);
    expect(valueOf(e, 'carto_export_claims_total')).toBe(0);
    expect(e.types.get('carto_export_render_seconds')).toBe('histogram');
  });

  it('the parser used here rejects what Prometheus would reject', () => {
    expect(() => parseExposition('orphan_metric 1\n')).toThrow();
    expect(() => parseExposition('# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow();
    expect(() => parseExposition('# HELP h x\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n')).toThrow();
  });
});
