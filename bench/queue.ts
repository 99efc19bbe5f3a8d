/**
 * `npm run bench:queue`: the export queue against pg-boss and graphile-worker
 * on one embedded Postgres, in one run, with the same workload: 10,000 no-op
 * jobs, 4 concurrent producers and 4 concurrent workers, one job per call and
 * batches of 10, and the enqueue→claim latency seen by idle workers.
 *
 * Each system is used through its own public API as an application would:
 * ours through lib/exports (users enqueue through request_export with
 * row-level security and quotas on the pooled, unprepared request path;
 * workers claim and complete as service_role on the direct connection of
 * `npm run worker`: prepared statements, woken by LISTEN/NOTIFY);
 * pg-boss through send/insert and fetch/complete; graphile-worker through
 * addJob/addJobs and its runner (with its documented localQueue and
 * completion batching for the batch mode). Every system gets a pool of 10.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { freePort, startEmbeddedPostgres } from '@/lib/db/embedded';
import { migrate } from '@/lib/db/migrate';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';

const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 4;
const BATCH = 10;
const POOL = 10;
const USERS = 100;
const LATENCY_JOBS = 300;
const LATENCY_GAP_MS = 10;
/** Idle poll of pg-boss (ours and graphile-worker are woken by LISTEN/NOTIFY). */
const IDLE_POLL_MS = 50;

type Mode = 'single' | 'batch';
type Subject = {
  name: string;
  /** Enqueues JOBS jobs with CONCURRENCY producers; returns elapsed ms. */
  enqueue(mode: Mode, queue: string): Promise<number>;
  /** Claims and completes JOBS queued jobs with CONCURRENCY workers; returns elapsed ms. */
  drain(mode: Mode, queue: string): Promise<number>;
  /** Enqueue→claim latencies (ms) of jobs added one by one while workers wait. */
  latency(queue: string): Promise<number[]>;
  close(): Promise<void>;
};

const now = () => performance.timeOrigin + performance.now();
/** Every system carries the same payload: a real export request. */
const REQUEST = { poster: DEFAULT_POSTER, format: 'png' as const, size: 'small' as const };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `count` units split across CONCURRENCY loops; `unit(i)` handles unit i. */
async function spread(count: number, unit: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) await unit(i);
    }),
  );
  return now() - start;
}

/** Adds LATENCY_JOBS jobs one by one, LATENCY_GAP_MS apart, and waits until all were seen by a worker. */
async function produceForLatency(add: (t: number, i: number) => Promise<unknown>, seen: () => number): Promise<void> {
  for (let i = 0; i < LATENCY_JOBS; i++) {
    await add(now(), i);
    await sleep(LATENCY_GAP_MS);
  }
  const deadline = now() + 30_000;
  while (seen() < LATENCY_JOBS) {
    if (now() > deadline) throw new Error(`only ${seen()} of ${LATENCY_JOBS} latency jobs were claimed`);
    await sleep(10);
  }
}

async function ours(url: string): Promise<Subject> {
  // lib/db reads its connection from the environment, as the app does.
  process.env.DATABASE_URL = url;
  process.env.DATABASE_POOL_MAX = String(POOL);
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await migrate(admin);
  const { requestExport, requestExportBatch } = await import('@/lib/exports/queue');
  const { claimJobs, completeJob, completeJobs } = await import('@/lib/exports/workerQueue');
  const { closeDirectWorkerConnection, listenForQueuedJobs, openDirectWorkerConnection } = await import('@/lib/exports/workerConnection');
  const { QueueWake } = await import('@/lib/worker/queueWake');
  // Workers as `npm run worker` runs them: a direct connection (prepared claim/complete as service_role) woken by NOTIFY.
  const direct = openDirectWorkerConnection(url, POOL);
  const { applyQueueSettings } = await import('@/lib/exports/settings');
  const { closeSql } = await import('@/lib/db/client');
  // Many users, each within generous quotas: the quota checks still run on every request.
  await applyQueueSettings({ maxActiveJobs: 1000, maxExportsPerDay: 100_000 });
  const users = Array.from({ length: USERS }, () => crypto.randomUUID());
  await admin`insert into auth.users (id) select unnest(${users}::uuid[])`;
  const claims = users.map((sub) => ({ sub, role: 'authenticated' as const }));
  const result = { path: 'bench.png', bytes: 1, width: 1, height: 1, contentType: 'image/png' };

  return {
    name: 'carto-export',
    async enqueue(mode) {
      await admin`truncate public.export_jobs`;
      if (mode === 'single') return spread(JOBS, (i) => requestExport(claims[i % USERS], REQUEST));
      return spread(JOBS / BATCH, (b) => requestExportBatch(claims[b % USERS], Array.from({ length: BATCH }, () => REQUEST)));
    },
    async drain(mode) {
      let done = 0;
      const elapsed = await spread(CONCURRENCY, async (w) => {
        for (;;) {
          const jobs = await claimJobs(`bench-${w}`, mode === 'single' ? 1 : BATCH, 300);
          if (!jobs.length) return;
          if (mode === 'single') await completeJob(jobs[0].id, jobs[0].leaseToken, result);
          else {
            // Its batch API, like pg-boss's complete(ids) and graphile-worker's batched completions.
            const { leaseLost } = await completeJobs(jobs.map((j) => ({ id: j.id, leaseToken: j.leaseToken, result })));
            if (leaseLost.length) throw new Error(`lost leases: ${leaseLost.join(', ')}`);
          }
          done += jobs.length;
        }
      });
      if (done !== JOBS) throw new Error(`carto-export completed ${done} of ${JOBS}`);
      return elapsed;
    },
    async latency() {
      await admin`truncate public.export_jobs`;
      // The poster schema is strict, so the enqueue time travels beside the job, keyed by its id.
      const enqueuedAt = new Map<string, number>();
      const claimedAt = new Map<string, number>();
      let stop = false;
      const wake = new QueueWake();
      const { unlisten } = await listenForQueuedJobs(direct, wake.notify);
      const workers = Array.from({ length: CONCURRENCY }, async (_, w) => {
        while (!stop) {
          const [job] = await claimJobs(`idle-${w}`, 1, 300);
          if (!job) {
            // The fallback poll is npm run worker's first idle poll; a NOTIFY cuts it short.
            await wake.wait(500);
            continue;
          }
          claimedAt.set(job.id, now());
          await completeJob(job.id, job.leaseToken, result);
        }
      });
      await produceForLatency(async (t, i) => {
        const { job } = await requestExport(claims[i % USERS], REQUEST);
        enqueuedAt.set(job.id, t);
      }, () => claimedAt.size);
      stop = true;
      wake.notify();
      await Promise.all(workers);
      await unlisten();
      return [...claimedAt].map(([id, at]) => at - enqueuedAt.get(id)!);
    },
    async close() {
      await closeDirectWorkerConnection();
      await closeSql();
      await admin.end();
    },
  };
}

async function pgBoss(url: string): Promise<Subject> {
  const { default: PgBoss } = await import('pg-boss');
  const boss = new PgBoss({ connectionString: url, max: POOL, supervise: false, schedule: false });
  boss.on('error', (e: Error) => console.error('pg-boss:', e.message));
  await boss.start();
  type Job = { id: string; data: { t?: number } };

  return {
    name: 'pg-boss',
    async enqueue(mode, queue) {
      await boss.createQueue(queue);
      if (mode === 'single') return spread(JOBS, () => boss.send(queue, REQUEST));
      return spread(JOBS / BATCH, () => boss.insert(Array.from({ length: BATCH }, () => ({ name: queue, data: REQUEST }))));
    },
    async drain(mode, queue) {
      let done = 0;
      const elapsed = await spread(CONCURRENCY, async () => {
        for (;;) {
          const jobs = (await boss.fetch(queue, { batchSize: mode === 'single' ? 1 : BATCH })) as Job[];
          if (!jobs.length) return;
          // Its batch API completes every fetched job in one call.
          await boss.complete(queue, jobs.map((j) => j.id));
          done += jobs.length;
        }
      });
      if (done !== JOBS) throw new Error(`pg-boss completed ${done} of ${JOBS}`);
      return elapsed;
    },
    async latency(queue) {
      await boss.createQueue(queue);
      const seen: number[] = [];
      let stop = false;
      const workers = Array.from({ length: CONCURRENCY }, async () => {
        while (!stop) {
          const [job] = (await boss.fetch(queue, { batchSize: 1 })) as Job[];
          if (!job) {
            await sleep(IDLE_POLL_MS);
            continue;
          }
          seen.push(now() - job.data.t!);
          await boss.complete(queue, job.id);
        }
      });
      await produceForLatency((t) => boss.send(queue, { ...REQUEST, t }), () => seen.length);
      stop = true;
      await Promise.all(workers);
      return seen;
    },
    async close() {
      await boss.stop({ graceful: false, wait: true });
    },
  };
}

async function graphileWorker(url: string): Promise<Subject> {
  const { Logger, makeWorkerUtils, run } = await import('graphile-worker');
  const logger = new Logger(() => () => {});
  const utils = await makeWorkerUtils({ connectionString: url, logger });
  await utils.migrate();

  async function runUntil(task: string, mode: Mode, onJob: (payload: { t?: number }) => void, until: () => Promise<void>) {
    const runner = await run({
      connectionString: url,
      concurrency: CONCURRENCY,
      maxPoolSize: POOL,
      noHandleSignals: true,
      logger,
      taskList: { [task]: async (payload) => onJob(payload as { t?: number }) },
      // Its documented batching: a local queue of fetched jobs and batched completions.
      preset: mode === 'batch' ? { worker: { localQueue: { size: BATCH }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } } : {},
    });
    await until();
    await runner.stop();
  }

  return {
    name: 'graphile-worker',
    async enqueue(mode, task) {
      if (mode === 'single') return spread(JOBS, () => utils.addJob(task, REQUEST));
      return spread(JOBS / BATCH, () => utils.addJobs(Array.from({ length: BATCH }, () => ({ identifier: task, payload: REQUEST }))));
    },
    async drain(mode, task) {
      let done = 0;
      let finished!: () => void;
      const all = new Promise<void>((r) => (finished = r));
      const start = now();
      let elapsed = 0;
      await runUntil(task, mode, () => {
        if (++done === JOBS) {
          elapsed = now() - start;
          finished();
        }
      }, () => all);
      // Completions are written after the handler returns: wait until the table agrees.
      for (;;) {
        const left = await utils.withPgClient((c) => c.query('select count(*)::int as n from graphile_worker._private_jobs where task_id = (select id from graphile_worker._private_tasks where identifier = $1)', [task]));
        if (left.rows[0].n === 0) break;
        await sleep(5);
      }
      return Math.max(elapsed, now() - start);
    },
    async latency(task) {
      const seen: number[] = [];
      await runUntil(task, 'single', (p) => seen.push(now() - p.t!), () => produceForLatency((t) => utils.addJob(task, { ...REQUEST, t }), () => seen.length));
      return seen;
    },
    async close() {
      await utils.release();
    },
  };
}

/** The claim's plan inside the function once the plan cache goes generic, on an analyzed table of JOBS rows. */
async function claimPlan(url: string): Promise<string> {
  const notices: string[] = [];
  const db = postgres(url, { max: 1, prepare: false, onnotice: (n) => notices.push(String(n.message)) });
  try {
    await db`truncate public.export_jobs`;
    const [user] = await db<{ id: string }[]>`select id from auth.users limit 1`;
    await db`
      insert into public.export_jobs (user_id, request, max_attempts, status, finished_at)
      select ${user.id}, '{"poster":{},"format":"png","size":"small"}', 3,
             case when i % 10 = 0 then 'queued' else 'succeeded' end, now()
        from generate_series(1, ${JOBS}) i`;
    await db`analyze public.export_jobs`;
    await db.unsafe(`load 'auto_explain'`);
    await db.unsafe(`set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set client_min_messages = log`).simple();
    // Six executions: from the sixth, plpgsql's plan cache may switch to a generic plan.
    for (let i = 0; i < 7; i++) {
      notices.length = 0;
      await db.begin(async (tx) => {
        await tx`select count(*) from public.claim_export_jobs('plan', 1, 60)`;
        throw new Error('rollback');
      }).catch(() => {});
    }
    const plan = notices.find((n) => /claim|export_jobs q/.test(n) && /Scan/.test(n)) ?? notices.join('\n');
    const scan = /(Index Scan|Index Only Scan|Bitmap Heap Scan|Seq Scan)[^\n]*?(export_jobs_claim_idx|on export_jobs q)/.exec(plan);
    return scan ? scan[0] : plan.slice(0, 300);
  } finally {
    await db`truncate public.export_jobs`;
    await db.end();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function main() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'carto-bench-'));
  chmodSync(root, 0o755); // mkdtemp makes 0700, which the postgres user cannot enter
  const port = await freePort();
  const pg = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port, password: 'bench-only', database: 'postgres', ephemeral: true });
  const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
  const subjects: Subject[] = [];
  try {
    for (const db of ['bench_ours', 'bench_pgboss', 'bench_graphile']) await admin.unsafe(`create database ${db}`);
    const dbUrl = (db: string) => pg.url.replace(/\/postgres$/, `/${db}`);
    subjects.push(await ours(dbUrl('bench_ours')), await pgBoss(dbUrl('bench_pgboss')), await graphileWorker(dbUrl('bench_graphile')));

    // The machine is shared, so each figure is the median of ROUNDS runs, with
    // the systems taking turns in a rotated order within each round.
    const runs = { enqueue: { single: [] as number[][], batch: [] as number[][] }, drain: { single: [] as number[][], batch: [] as number[][] } };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of ['single', 'batch'] as const) {
        const enqueue = new Array<number>(subjects.length);
        const drain = new Array<number>(subjects.length);
        for (let k = 0; k < subjects.length; k++) {
          const index = (k + round) % subjects.length;
          const s = subjects[index];
          const queue = `bench_${mode}_${round}`;
          process.stdout.write(`round ${round + 1}/${ROUNDS} ${s.name}: enqueue ${JOBS} (${mode})… `);
          enqueue[index] = (JOBS / (await s.enqueue(mode, queue))) * 1000;
          process.stdout.write('claim+complete… ');
          drain[index] = (JOBS / (await s.drain(mode, queue))) * 1000;
          console.log('done');
        }
        runs.enqueue[mode].push(enqueue);
        runs.drain[mode].push(drain);
      }
    }
    const median = (perRound: number[][]) => subjects.map((_, i) => percentile(perRound.map((r) => r[i]), 50));
    const rows: { label: string; values: number[]; digits: number }[] = [];
    for (const mode of ['single', 'batch'] as const) {
      const per = mode === 'single' ? '1 per call' : `${BATCH} per call`;
      rows.push({ label: `enqueue jobs/s (${per})`, values: median(runs.enqueue[mode]), digits: 0 });
      rows.push({ label: `claim+complete jobs/s (${per})`, values: median(runs.drain[mode]), digits: 0 });
    }
    const p50: number[] = [];
    const p99: number[] = [];
    for (const s of subjects) {
      process.stdout.write(`${s.name}: latency with idle workers… `);
      const seen = await s.latency('bench_latency');
      p50.push(percentile(seen, 50));
      p99.push(percentile(seen, 99));
      console.log('done');
    }
    rows.push({ label: 'enqueue→claim p50 ms (idle workers)', values: p50, digits: 1 });
    rows.push({ label: 'enqueue→claim p99 ms (idle workers)', values: p99, digits: 1 });
    const plan = await claimPlan(dbUrl('bench_ours'));

    const [, boss, graphile] = subjects.map((s) => s.name);
    const header = ['metric', ...subjects.map((s) => s.name), `÷ ${boss}`, `÷ ${graphile}`];
    const table = rows.map((r) => [
      r.label,
      ...r.values.map((v) => v.toFixed(r.digits)),
      `${(r.values[0] / r.values[1]).toFixed(2)}×`,
      `${(r.values[0] / r.values[2]).toFixed(2)}×`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
    const [server] = await admin<{ v: string }[]>`select current_setting('server_version') as v`;
    console.log();
    console.log(line(header));
    console.log(`|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
    for (const r of table) console.log(line(r));
    console.log();
    console.log(`${JOBS} no-op jobs; ${CONCURRENCY} producers / ${CONCURRENCY} workers; pool of ${POOL} each; throughput is the median of ${ROUNDS} rounds; embedded Postgres ${server.v}, ${os.cpus().length} cores (load average ${os.loadavg()[0].toFixed(1)} at the end).`);
    console.log(`Ratios are carto-export ÷ peer: above 1× is better for throughput, below 1× is better for latency.`);
    console.log(`Latency: ${LATENCY_JOBS} jobs added ${LATENCY_GAP_MS} ms apart; pg-boss polls every ${IDLE_POLL_MS} ms when idle; carto-export (npm run worker's direct connection) and graphile-worker are woken by LISTEN/NOTIFY.`);
    console.log(`Claim plan inside claim_export_jobs (generic plan, ${JOBS} analyzed rows): ${plan}`);
  } finally {
    for (const s of subjects) await s.close().catch(() => {});
    await admin.end();
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
