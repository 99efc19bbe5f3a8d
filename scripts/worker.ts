/**
 * A long-running export worker for any host: `npm run worker`. Run as many as
 * you like — the queue is the only coordinator. It needs the app running
 * (it renders the app's own /renderer page at APP_URL). SIGTERM or Ctrl-C
 * stops claiming, hands the current job back to the queue at its next step
 * (queued again at once, the attempt not counted), and exits; a second
 * signal exits at once. On a direct database connection (WORKER_DATABASE_URL,
 * or DATABASE_URL unless it is the transaction pooler) it LISTENs for new
 * jobs and keeps its queue statements prepared; otherwise it polls.
 */
import { bootLocal } from '@/scripts/boot';
import { closeDirectWorkerConnection, directWorkerUrl, listenForQueuedJobs, openDirectWorkerConnection } from '@/lib/exports/workerConnection';
import { browserPool } from '@/lib/worker/browserPool';
import { QueueWake } from '@/lib/worker/queueWake';
import { defaultWorkerId, tick } from '@/lib/worker/tick';
import { workerSettings } from '@/lib/worker/settings';
import { appUrl } from '@/lib/env';
import { log } from '@/lib/log';

/** Idle polls, backing off; with LISTEN they only catch what no notification announced (a retry's backoff ending). */
const IDLE_POLL_MS = [500, 1000, 2000, 4000];
const stop = new AbortController();
const wake = new QueueWake();
let signals = 0;

/** One loop: the tick runs up to WORKER_CONCURRENCY jobs at once itself (render slots), so one loop is enough. */
async function loop() {
  const workerId = defaultWorkerId();
  let idle = 0;
  while (!stop.signal.aborted) {
    try {
      // The tick logs each job and reap itself.
      const report = await tick({ budgetMs: 60 * 60_000, workerId, signal: stop.signal, maxJobs: 10 });
      if (report.processed.length) {
        idle = 0;
        continue;
      }
      idle = Math.min(idle + 1, IDLE_POLL_MS.length - 1);
    } catch (e) {
      log().error({ event: 'tick_failed', workerId, err: e }, 'worker tick failed; trying again shortly');
      idle = IDLE_POLL_MS.length - 1;
    }
    if ((await wake.wait(IDLE_POLL_MS[idle], stop.signal)) === 'notified') idle = 0;
  }
}

async function main() {
  const services = await bootLocal({ log: (m) => log().info({ event: 'boot' }, m) });
  const base = appUrl();
  const health = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
  if (!health) log().warn({ event: 'app_unreachable', appUrl: base }, 'the app does not answer; jobs will fail until it does (start it with npm run dev or npm start, or set APP_URL to the address it runs at)');
  const { concurrency } = workerSettings();
  // A direct connection: woken by NOTIFY the moment a job is queued, and prepared claim/complete.
  const directUrl = directWorkerUrl();
  let listening = false;
  if (directUrl) {
    try {
      await listenForQueuedJobs(openDirectWorkerConnection(directUrl, 2 + concurrency), wake.notify);
      listening = true;
    } catch (e) {
      await closeDirectWorkerConnection();
      log().warn({ event: 'listen_failed', err: e }, 'no direct database connection: polling the queue instead');
    }
  }
  log().info({ event: 'worker_started', workerId: defaultWorkerId(), concurrency, listening, renderer: `${base}/renderer` }, 'processing exports');
  await loop();
  await browserPool().close();
  await closeDirectWorkerConnection();
  await services.stop();
  log().info({ event: 'worker_stopped' }, 'worker stopped');
  process.exit(0);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (++signals > 1) process.exit(130);
    log().info({ event: 'worker_stopping', signal: sig }, 'finishing the current step and handing jobs back');
    stop.abort();
  });
}

main().catch((e) => {
  log().fatal({ event: 'worker_failed', err: e }, 'worker could not start');
  process.exit(1);
});
