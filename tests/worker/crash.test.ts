import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { setLogDestination } from '@/lib/log';
import { cancelExport, getExport, requestExport } from '@/lib/exports/queue';
import { browserPool } from '@/lib/worker/browserPool';
import { tick } from '@/lib/worker/tick';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { getStorage } from '@/lib/storage';
import type { JwtClaims } from '@/types/auth';
import { createUser, makeDue, sleep } from '../queue/helpers';

let user: JwtClaims;

beforeAll(async () => {
  user = await createUser();
  await fetch(`${inject('appUrl')}/renderer`, { signal: AbortSignal.timeout(120_000) });
}, 150_000);

afterAll(async () => {
  await browserPool().close();
  await closeSql();
});

/** Pids of the processes under `root` whose command is `name` (from /proc). */
function descendantsNamed(root: number, name: string): number[] {
  const children = new Map<number, number[]>();
  const comm = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      comm.set(Number(entry), stat.slice(stat.indexOf('(') + 1, close));
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    for (const child of children.get(pid) ?? []) {
      if (comm.get(child) === name) found.push(child);
      stack.push(child);
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('a worker killed in the middle of a render', { timeout: 300_000 }, () => {
  it('leaves the job to be reclaimed after its lease and completed once, with one stored object', async () => {
    const { job } = await requestExport(user, { poster: DEFAULT_POSTER, format: 'png', size: 'small' });
    // `npm run worker` in its own process group, so SIGKILL takes its Chromium down with it.
    const worker = spawn(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), '--conditions=react-server', 'scripts/worker.ts'], {
      env: { ...process.env, WORKER_LEASE_SECONDS: '6', WORKER_HEARTBEAT_SECONDS: '1', LOG_LEVEL: 'info' }, // its log is shown only if this fails
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let log = '';
    worker.stdout!.on('data', (d) => (log += d));
    worker.stderr!.on('data', (d) => (log += d));
    try {
      const running = await waitFor('the worker to start rendering', async () => {
        const j = await getExport(user, job.id);
        return j.status === 'running' && j.stage?.startsWith('rendering') ? j : undefined;
      });
      expect(running.attempts).toBe(1);
    } catch (e) {
      process.kill(-worker.pid!, 'SIGKILL');
      throw new Error(`${(e as Error).message}\nworker log:\n${log}`);
    }
    // Chromium runs in a process group of its own, so the SIGKILL does not reach it directly.
    const browsers = descendantsNamed(worker.pid!, 'chromium');
    expect(browsers.length).toBeGreaterThan(0);
    process.kill(-worker.pid!, 'SIGKILL');

    // Its lease runs out; the reaper (part of every tick) puts the job back with backoff.
    await sleep(7_000);
    // The worker's Chromium went with it (DevTools over a pipe that closed), not left running.
    expect(browsers.filter(isAlive)).toEqual([]);
    const first = await tick({ budgetMs: 1_000, maxJobs: 0 });
    expect(first.reaped).toBe(1);
    const requeued = await getExport(user, job.id);
    expect(requeued.status).toBe('queued');
    expect(requeued.runAt.getTime()).toBeGreaterThan(Date.now());
    await makeDue(job.id);

    // Another worker finishes it. On this loaded machine an attempt may time out and be retried; it must still end once.
    let done = await getExport(user, job.id);
    for (let i = 0; i < 3 && done.status !== 'succeeded'; i++) {
      await makeDue(job.id);
      await tick({ budgetMs: 600_000, maxJobs: 1 });
      done = await getExport(user, job.id);
    }
    expect(done.status, `${done.errorCode}: ${done.errorMessage}`).toBe('succeeded');
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    const objects = (await getStorage().list(user.sub)).map((o) => o.path).filter((p) => p.includes(job.id));
    expect(objects.sort()).toEqual([`${user.sub}/${job.id}.png`, `${user.sub}/${job.id}.thumb.webp`]);
  });
});

describe('cancelling during a render', { timeout: 300_000 }, () => {
  it('stops the job at its next step, with no result', async () => {
    const { job } = await requestExport(user, { poster: DEFAULT_POSTER, format: 'png', size: 'medium' });
    const lines: Record<string, unknown>[] = [];
    setLogDestination(new Writable({ write: (chunk, _enc, done) => (lines.push(...String(chunk).split('\n').filter(Boolean).map((l) => JSON.parse(l))), done()) }), 'info');
    const ticking = tick({ budgetMs: 600_000, maxJobs: 1 });
    await waitFor('the render to start', async () => (await getExport(user, job.id)).stage?.startsWith('rendering tile'));
    await cancelExport(user, job.id);
    const report = await ticking.finally(() => setLogDestination(undefined));
    // A cancel asked for is not a failure: one info line, no warning or error about the job.
    const jobLines = lines.filter((l) => l.jobId === job.id);
    expect(jobLines.filter((l) => l.event === 'cancelled')).toEqual([expect.objectContaining({ level: 'info', outcome: 'cancelled' })]);
    expect(jobLines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
    expect(report.processed).toEqual([expect.objectContaining({ id: job.id, outcome: 'cancelled' })]);
    const row = await getExport(user, job.id);
    expect(row.status).toBe('cancelled');
    expect(row.resultPath).toBeNull();
    const [{ n }] = await sql()`select count(*)::int as n from public.export_jobs where id = ${job.id} and status = 'succeeded'`;
    expect(n).toBe(0);
  });
});

describe('a worker shutting down during a render', { timeout: 300_000 }, () => {
  it('hands the job back at once without using an attempt, even on its last attempt', async () => {
    const { job } = await requestExport(user, { poster: DEFAULT_POSTER, format: 'png', size: 'medium' });
    // The last attempt: handing it back through a failure would have failed the export for good.
    await sql()`update public.export_jobs set max_attempts = 1 where id = ${job.id}`;
    const shutdown = new AbortController();
    const ticking = tick({ budgetMs: 600_000, maxJobs: 1, signal: shutdown.signal });
    await waitFor('the render to start', async () => (await getExport(user, job.id)).stage?.startsWith('rendering tile'));
    shutdown.abort();
    const report = await ticking;
    expect(report.processed).toEqual([expect.objectContaining({ id: job.id, outcome: 'released' })]);

    const released = await getExport(user, job.id);
    expect(released).toMatchObject({ status: 'queued', attempts: 0, progress: 0, errorCode: 'worker_shutdown', resultPath: null });
    expect(released.runAt.getTime()).toBeLessThanOrEqual(Date.now());

    // The next worker takes it straight away and finishes it as its first attempt.
    const next = await tick({ budgetMs: 600_000, maxJobs: 1 });
    expect(next.processed).toEqual([expect.objectContaining({ id: job.id, outcome: 'succeeded' })]);
    expect(await getExport(user, job.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});
