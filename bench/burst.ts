/**
 * `npm run bench:burst`: capacity under a burst, as a busy day brings it.
 * Signs in `--users` people through the HTTP API, posts `--exports` small
 * PNG exports at the same moment (quotas raised for the run), and lets
 * `npm run worker` processes drain them — once per worker count in
 * `--workers`, and with `--kill` once more with two workers, one of them
 * SIGKILLed a quarter of the way through (its job comes back after its lease).
 *
 * The app (next dev, the same as bench:render) kicks its own worker after
 * each enqueue too, bounded like every worker to WORKER_CONCURRENCY renders.
 *
 * Reported per scenario: lost (never ended), rendered more than once
 * (attempts > 1), HTTP 5xx and other refusals, success rate, first-attempt
 * success, exports per minute, enqueue → done p50/p95 (the rows' created_at →
 * finished_at), enqueue p95 (the POST's round trip), and the peak summed RSS
 * of the app, the workers and their Chromiums.
 *
 * Options: --exports 250 --users 25 --workers 1,2,4 --kill --timeout-min 30 --no-results
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { freePort, startEmbeddedPostgres } from '@/lib/db/embedded';
import { migrate } from '@/lib/db/migrate';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { restoreTsconfig, startApp } from './app';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const EXPORTS = Number(option('exports', '250'));
const USERS = Number(option('users', '25'));
const WORKER_COUNTS = option('workers', '1,2,4').split(',').map(Number);
const KILL = argv.includes('--kill');
const TIMEOUT_MS = Number(option('timeout-min', '30')) * 60_000;
const WRITE_RESULTS = !argv.includes('--no-results');
const COMMAND = `npm run bench:burst${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
/** Short, so a killed worker's job comes back within the run; still far longer than a small render. */
const LEASE_SECONDS = 30;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Summed VmRSS (MiB) of every descendant of this process except Postgres: app, workers, Chromium. */
function treeRssMiB(): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // ended while we looked
    }
  }
  let kib = 0;
  const stack = [...(children.get(process.pid) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      if (/postgres/.test(readFileSync(`/proc/${pid}/comm`, 'utf8'))) continue;
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      continue;
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return kib / 1024;
}

const quantile = (values: number[], q: number) => {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};

interface Scenario {
  workers: number;
  kill: boolean;
}
interface Result {
  scenario: Scenario;
  exports: number;
  accepted: number;
  http5xx: number;
  refused: number;
  succeeded: number;
  failed: number;
  lost: number;
  reRendered: number;
  firstAttempt: number;
  perMinute: number;
  doneP50: number;
  doneP95: number;
  enqueueP50: number;
  enqueueP95: number;
  peakMiB: number;
  wallS: number;
}

async function main() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'carto-bench-burst-'));
  chmodSync(root, 0o755);
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  const basemap = path.resolve('.data/basemap/layers-v1.json');
  if (existsSync(basemap)) {
    mkdirSync(path.join(dataDir, 'basemap'), { recursive: true });
    copyFileSync(basemap, path.join(dataDir, 'basemap', 'layers-v1.json'));
  }
  const cleanups: (() => unknown)[] = [() => rmSync(root, { recursive: true, force: true })];
  const cleanup = async () => {
    while (cleanups.length) await Promise.resolve(cleanups.pop()!()).catch((e) => console.error('cleanup:', (e as Error).message));
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanup().finally(() => process.exit(143)));
  const log = (s: string) => process.stderr.write(`${s}\n`);

  try {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port: await freePort(), password: 'bench-only', database: 'postgres', ephemeral: true });
    cleanups.push(() => pg.stop());
    const db = postgres(pg.url, { max: 2, onnotice: () => {} });
    cleanups.push(() => db.end());
    await migrate(db);
    // Quotas out of the way: the burst is the load, not a quota test.
    await db`update public.export_settings set max_active_jobs = 1000, max_exports_per_day = 100000, max_stored_bytes = ${1024 ** 4}`;

    const secrets = {
      CRON_SECRET: randomBytes(32).toString('hex'),
      AUTH_SECRET: randomBytes(32).toString('hex'),
      FILE_URL_SECRET: randomBytes(32).toString('hex'),
    };
    // `npm run worker` writes the limits from its environment when it starts: the raised quotas go there too.
    const shared = {
      ...process.env,
      ...secrets,
      DATABASE_URL: pg.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      WORKER_LEASE_SECONDS: String(LEASE_SECONDS),
      WORKER_HEARTBEAT_SECONDS: '5',
      QUOTA_ACTIVE_JOBS: '1000',
      QUOTA_DAILY_EXPORTS: '100000',
      QUOTA_STORED_MB: '1000000',
    };
    const tsconfigBefore = readFileSync('tsconfig.json', 'utf8');
    const app = await startApp(shared);
    cleanups.push(() => app.stop());
    restoreTsconfig(tsconfigBefore, log);
    log(`app ${app.url}; compiling the routes …`);
    await fetch(`${app.url}/renderer`, { signal: AbortSignal.timeout(180_000) });

    const tokens: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const r = await fetch(`${app.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `burst-${u}@bench.test` }) });
      if (!r.ok) throw new Error(`sign-in ${r.status}: ${await r.text()}`);
      tokens.push(((await r.json()) as { accessToken: string }).accessToken);
    }
    const post = async (i: number) => {
      const t0 = performance.now();
      try {
        const r = await fetch(`${app.url}/api/v1/exports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % USERS]}` },
          body: JSON.stringify({ poster: DEFAULT_POSTER, format: 'png', size: 'small' }),
          signal: AbortSignal.timeout(120_000),
        });
        await r.arrayBuffer();
        return { status: r.status, ms: performance.now() - t0 };
      } catch {
        return { status: 0, ms: performance.now() - t0 };
      }
    };
    // Compile the export routes and warm the app's own renderer before anything is timed.
    log('warming up (one export through the app) …');
    const warm = await post(0);
    if (warm.status !== 202) throw new Error(`warm-up POST answered ${warm.status}`);
    for (let i = 0; i < 600; i++) {
      const [{ n }] = await db`select count(*)::int as n from public.export_jobs where status in ('queued', 'running')`;
      if (n === 0) break;
      await sleep(500);
    }

    const startWorkers = async (count: number) => {
      const children: ChildProcess[] = [];
      for (let w = 0; w < count; w++) {
        const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts'], {
          env: { ...shared, APP_URL: app.url, LOG_LEVEL: 'info' },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const ready = new Promise<void>((resolve, reject) => {
          let buffered = '';
          child.stdout!.on('data', (d) => {
            buffered += d;
            if (/"event":"worker_started"/.test(buffered)) resolve();
            buffered = buffered.slice(-4000);
          });
          child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it started`)));
        });
        children.push(child);
        await ready;
      }
      return children;
    };

    const results: Result[] = [];
    const scenarios: Scenario[] = [...WORKER_COUNTS.map((workers) => ({ workers, kill: false })), ...(KILL ? [{ workers: 2, kill: true }] : [])];
    for (const scenario of scenarios) {
      await db`delete from public.export_jobs`;
      const workers = await startWorkers(scenario.workers);
      const stopWorkers = () => workers.forEach((w) => w.exitCode === null && w.signalCode === null && w.kill('SIGTERM'));
      cleanups.push(stopWorkers);
      log(`${scenario.workers} worker(s)${scenario.kill ? ', one killed mid-run' : ''}: posting ${EXPORTS} exports at once (load ${loadavg()}) …`);
      let peakMiB = treeRssMiB();
      const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, treeRssMiB())), 250);
      const t0 = performance.now();
      const posts = await Promise.all(Array.from({ length: EXPORTS }, (_, i) => post(i)));
      let killed = false;
      let last = '';
      for (;;) {
        const [row] = await db`
          select count(*) filter (where status in ('succeeded', 'failed', 'cancelled'))::int as ended,
                 count(*) filter (where status = 'succeeded')::int as ok, count(*)::int as n
            from public.export_jobs`;
        const line = `  ${row.ended}/${row.n} ended, ${row.ok} succeeded, ${((performance.now() - t0) / 1000).toFixed(0)} s, load ${loadavg()}`;
        if (line.split(',')[0] !== last.split(',')[0]) log(line);
        last = line;
        if (scenario.kill && !killed && row.ended >= row.n / 4) {
          killed = true;
          workers[0].kill('SIGKILL');
          log('  SIGKILLed worker 1');
        }
        if (row.ended >= row.n || performance.now() - t0 > TIMEOUT_MS) break;
        await sleep(1000);
      }
      const wallS = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      stopWorkers();
      // A SIGKILLed worker has a signalCode and no exitCode: it has already exited.
      await Promise.all(workers.map((w) => (w.exitCode === null && w.signalCode === null ? new Promise((r) => w.once('exit', r)) : undefined)));

      const rows = await db`
        select status, attempts, extract(epoch from created_at) * 1000 as created, extract(epoch from finished_at) * 1000 as finished
          from public.export_jobs`;
      const ended = rows.filter((r) => ['succeeded', 'failed', 'cancelled'].includes(r.status as string));
      const succeeded = rows.filter((r) => r.status === 'succeeded');
      const done = succeeded.map((r) => Number(r.finished) - Number(r.created));
      const span = Math.max(...ended.map((r) => Number(r.finished))) - Math.min(...rows.map((r) => Number(r.created)));
      const enqueueMs = posts.filter((p) => p.status === 202).map((p) => p.ms);
      results.push({
        scenario,
        exports: EXPORTS,
        accepted: posts.filter((p) => p.status === 202).length,
        http5xx: posts.filter((p) => p.status >= 500 || p.status === 0).length,
        refused: posts.filter((p) => p.status >= 400 && p.status < 500).length,
        succeeded: succeeded.length,
        failed: rows.filter((r) => r.status === 'failed').length,
        lost: rows.length - ended.length,
        reRendered: rows.filter((r) => Number(r.attempts) > 1).length,
        firstAttempt: succeeded.filter((r) => Number(r.attempts) === 1).length,
        perMinute: (succeeded.length / span) * 60_000,
        doneP50: quantile(done, 0.5) / 1000,
        doneP95: quantile(done, 0.95) / 1000,
        enqueueP50: quantile(enqueueMs, 0.5),
        enqueueP95: quantile(enqueueMs, 0.95),
        peakMiB,
        wallS,
      });
      log(`  done in ${wallS.toFixed(0)} s`);
    }

    const printed = [
      `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, \`${COMMAND}\``,
      `${os.cpus().length} cores, load average at end ${loadavg()}; ${USERS} users, ${EXPORTS} small PNG exports (2400×3600) posted at once per scenario; lease ${LEASE_SECONDS} s; WORKER_CONCURRENCY ${process.env.WORKER_CONCURRENCY ?? 1}.`,
      '',
      table(results),
      '',
      ...verdicts(results),
    ].join('\n');
    console.log(`\n${printed}\n`);
    if (WRITE_RESULTS) writeResults(printed);
  } finally {
    await cleanup();
  }
}

function table(results: Result[]): string {
  const head = ['workers', 'accepted', '5xx', 'lost', 'rendered twice', 'success', 'first attempt', 'exports/min', 'done p50 s', 'done p95 s', 'enqueue p50 ms', 'enqueue p95 ms', 'peak MiB', 'wall s'];
  const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;
  const lines = results.map((r) => [
    `${r.scenario.workers}${r.scenario.kill ? ' (1 killed)' : ''}`,
    `${r.accepted}/${r.exports}`,
    String(r.http5xx),
    String(r.lost),
    String(r.reRendered),
    pct(r.succeeded, r.exports),
    pct(r.firstAttempt, r.exports),
    r.perMinute.toFixed(1),
    r.doneP50.toFixed(0),
    r.doneP95.toFixed(0),
    r.enqueueP50.toFixed(0),
    r.enqueueP95.toFixed(0),
    r.peakMiB.toFixed(0),
    r.wallS.toFixed(0),
  ]);
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [row(head), row(head.map((h, i) => (i === 0 ? ':--' : '--:'))), ...lines.map(row)].join('\n');
}

function verdicts(results: Result[]): string[] {
  return results.map((r) => {
    const checks = [
      [`success ${((100 * r.succeeded) / r.exports).toFixed(1)} % ≥ 99.5 %`, r.succeeded / r.exports >= 0.995],
      [`lost ${r.lost} = 0`, r.lost === 0],
      [`5xx ${r.http5xx} = 0`, r.http5xx === 0],
      [`first attempt ${((100 * r.firstAttempt) / r.exports).toFixed(1)} % ≥ 99 %`, r.scenario.kill || r.firstAttempt / r.exports >= 0.99],
      [`enqueue p95 ${r.enqueueP95.toFixed(0)} ms ≤ 100 ms`, r.enqueueP95 <= 100],
    ] as const;
    const missed = checks.filter(([, ok]) => !ok).map(([text]) => text);
    return `- ${r.scenario.workers} worker(s)${r.scenario.kill ? ', one killed' : ''}: ${missed.length ? `MISSED ${missed.join('; ')}` : 'all targets met'}`;
  });
}

function writeResults(printed: string): void {
  const file = path.resolve('bench/RESULTS.md');
  const text = readFileSync(file, 'utf8');
  const section = '## Capacity (`npm run bench:burst`)';
  const block = `${section}\n\nPasted as printed:\n\n${printed.replace(/^(\| .*)$/gm, '$1')}\n`;
  const start = text.indexOf(section);
  if (start < 0) writeFileSync(file, `${text.trimEnd()}\n\n${block}`);
  else {
    const next = text.indexOf('\n## ', start + section.length);
    writeFileSync(file, text.slice(0, start) + block + (next < 0 ? '' : text.slice(next)));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
