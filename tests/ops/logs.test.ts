import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { env } from '@/lib/env';
import { requestExport } from '@/lib/exports/queue';
import { browserPool } from '@/lib/worker/browserPool';
import { tick } from '@/lib/worker/tick';
import { errorResponse } from '@/lib/http/respond';
import { log, sanitize, setLogDestination } from '@/lib/log';
import { getStorage } from '@/lib/storage';
import type { JwtClaims } from '@/types/auth';
import { createUser, posterRequest } from '../queue/helpers';

/** Every line this process logs, as written (JSON text). */
let lines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});
const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

let user: JwtClaims;
beforeAll(async () => {
  setLogDestination(capture, 'info'); // the suite runs at warn; these tests read the info events
  user = await createUser();
  await fetch(`${inject('appUrl')}/renderer`, { signal: AbortSignal.timeout(120_000) });
}, 150_000);
afterEach(() => {
  lines = [];
});
afterAll(async () => {
  setLogDestination(undefined);
  await browserPool().close();
  await closeSql();
});

function secrets(): string[] {
  const e = env();
  return [e.CRON_SECRET!, e.METRICS_SECRET!, e.AUTH_SECRET!, e.FILE_URL_SECRET!];
}

function expectNoSecrets(text: string) {
  for (const s of secrets()) expect(text).not.toContain(s);
}

describe('structured logs', { timeout: 240_000 }, () => {
  it('a real export logs JSON lines with job id, attempt, stages and their durations, bytes and the total, render, encode and upload times', async () => {
    const { job } = await requestExport(user, posterRequest({ size: 'social' }));
    const report = await tick({ budgetMs: 600_000, maxJobs: 1, workerId: 'log-test' });
    expect(report.processed).toEqual([expect.objectContaining({ id: job.id, outcome: 'succeeded' })]);

    const ofJob = records().filter((r) => r.jobId === job.id);
    expect(ofJob.length).toBeGreaterThan(4);
    for (const r of ofJob) {
      expect(r).toMatchObject({ attempt: 1, workerId: 'log-test', service: 'carto-export', level: expect.any(String), time: expect.any(String), msg: expect.any(String) });
    }
    const events = ofJob.map((r) => r.event);
    expect(events[0]).toBe('claimed');
    expect(events).toEqual(expect.arrayContaining(['claimed', 'stage', 'tiles', 'stored', 'completed']));
    const stages = ofJob.filter((r) => r.event === 'stage');
    expect(stages.map((s) => s.stage)).toEqual(expect.arrayContaining(['loading renderer', 'stitching and encoding', 'uploading']));
    for (const s of stages) expect(s.previousStageMs).toEqual(expect.any(Number));
    expect(ofJob.find((r) => r.event === 'stored')).toMatchObject({ bytes: expect.any(Number) });
    const done = ofJob.find((r) => r.event === 'completed')!;
    expect(done).toMatchObject({ status: 'succeeded', totalMs: expect.any(Number), renderMs: expect.any(Number), encodeMs: expect.any(Number), uploadMs: expect.any(Number) });
    expect(done.totalMs as number).toBeGreaterThanOrEqual((done.renderMs as number) + (done.encodeMs as number));
    expect(records().find((r) => r.event === 'tick')).toMatchObject({ workerId: 'log-test', processed: 1 });
    expectNoSecrets(lines.join('\n'));
    expect(lines.join('\n')).not.toMatch(/leaseToken|lease_token/);
  });

  it('a failed attempt is logged with its code and whether it is retried', async () => {
    const { job } = await requestExport(user, posterRequest());
    // A stored poster that no longer parses: the worker fails it for good.
    await sql()`update public.export_jobs set request = jsonb_set(request, '{poster}', '{"broken": true}') where id = ${job.id}`;
    await tick({ budgetMs: 600_000, maxJobs: 1, workerId: 'log-test' });
    const failed = records().find((r) => r.jobId === job.id && r.event === 'failed');
    expect(failed).toMatchObject({ level: 'error', code: 'invalid_poster', retryable: false, outcome: 'failed', attempt: 1, err: { message: expect.any(String) } });
  });

  it('no secret, Authorization header or signed URL query reaches the output, even inside an error message', async () => {
    const storage = getStorage();
    const objectPath = `${user.sub}/00000000-0000-4000-8000-000000000000.png`;
    await storage.put(objectPath, new Uint8Array([1, 2, 3]), { contentType: 'image/png' });
    const signed = await storage.signedUrl(objectPath, { expiresInSeconds: 300 });
    const sig = new URL(signed).searchParams.get('sig')!;
    expect(sig.length).toBeGreaterThan(20);
    const supabaseUrl = 'https://abc.supabase.co/storage/v1/object/sign/exports/u/j.png?token=eyJhbGciOiJIUzI1NiJ9.eyJ1cmwiOiJleHBvcnRzL3Uvai5wbmcifQ.c2lnbmF0dXJlLXNlY3JldA';
    const [cron, auth, file] = secrets();

    // The route's own path for an unexpected error, whose message carries a signed URL and a secret.
    const res = errorResponse(new Error(`download of ${signed} failed; also tried ${supabaseUrl} with key ${file}`));
    expect(res.status).toBe(500);
    log().warn({ event: 'probe', headers: { authorization: `Bearer ${cron}`, cookie: `carto_session=${auth}` }, request: { url: signed }, apiKey: 'ak_live_123456789', password: 'hunter2-hunter2' },
      `retrying ${signed} with Bearer ${cron}`);
    log().info({ event: 'probe-relative', path: new URL(signed).pathname + new URL(signed).search });
    log().error(Object.assign(new Error(`upload to ${supabaseUrl} failed`), { code: 'storage_unavailable', cause: new Error(`GET ${signed}`) }));

    const out = lines.join('\n');
    expectNoSecrets(out);
    expect(out).not.toContain(sig);
    expect(out).not.toContain('c2lnbmF0dXJlLXNlY3JldA');
    expect(out).not.toContain('ak_live_123456789');
    expect(out).not.toContain('hunter2');
    // What is left is still useful: the object's path and the error's shape.
    expect(out).toContain(`/api/files/${objectPath}?[redacted]`);
    const unhandled = records().find((r) => r.event === 'unhandled_error')!;
    expect(unhandled).toMatchObject({ level: 'error', err: { type: 'Error', message: expect.stringContaining('download of') } });
    expect(records().find((r) => (r.err as { code?: string })?.code === 'storage_unavailable')).toMatchObject({
      msg: 'upload to https://abc.supabase.co/storage/v1/object/sign/exports/u/j.png?[redacted] failed',
      err: { type: 'Error', cause: { type: 'Error' } },
    });
    expect(records().find((r) => r.event === 'probe')).toMatchObject({ headers: { authorization: '[redacted]', cookie: '[redacted]' }, apiKey: '[redacted]' });
  });

  it('sanitize keeps text without credentials as it is', () => {
    expect(sanitize('rendering tile 3/4 of poster.png')).toBe('rendering tile 3/4 of poster.png');
    expect(sanitize('postgres://app:s3cret-pass@db:5432/carto refused')).toBe('postgres://app:[redacted]@db:5432/carto refused');
  });
});

describe('what next dev prints', () => {
  it('leaves out requests for signed files, whose query is their signature', async () => {
    const app = inject('appUrl');
    const sig = randomBytes(16).toString('hex');
    const control = randomBytes(16).toString('hex');
    await fetch(`${app}/api/files/u/j.png?expires=9999999999&sig=${sig}`).then((r) => r.arrayBuffer());
    // A request that is logged, so this test sees the app's output and cannot pass on an empty file.
    await fetch(`${app}/api/health?probe=${control}`).then((r) => r.arrayBuffer());
    const printed = () => readFileSync(inject('appLogFile'), 'utf8');
    for (let i = 0; i < 50 && !printed().includes(control); i++) await new Promise((r) => setTimeout(r, 100));
    expect(printed()).toContain(control);
    expect(printed()).not.toContain(sig);
  });
});
