/**
 * A long-running export worker for any host: `npm run worker`. Run as many as
 * you like — the queue is the only coordinator. It needs the app running
 * (it renders the app's own /renderer page at APP_URL). SIGTERM or Ctrl-C
 * stops claiming, hands the current job back to the queue at its next step
 * (queued again at once, the attempt not counted), and exits; a second
 * signal exits at once.
 */
import { bootLocal } from '@/scripts/boot';
import { browserPool } from '@/lib/worker/browserPool';
import { defaultWorkerId, tick } from '@/lib/worker/tick';
import { workerSettings } from '@/lib/worker/settings';
import { appUrl } from '@/lib/env';
import { log } from '@/lib/log';

const IDLE_POLL_MS = [500, 1000, 2000, 4000];
const stop = new AbortController();
let signals = 0;

async function loop(slot: number) {
  const workerId = `${defaultWorkerId()}#${slot}`;
  let idle = 0;
  while (!stop.signal.aborted) {
    try {
      // The tick logs each job and reap itself.
      const report = await tick({ budgetMs: 60 * 60_000, workerId, signal: stop.signal, maxJobs: 10 });
      idle = report.processed.length ? 0 : Math.min(idle + 1, IDLE_POLL_MS.length - 1);
    } catch (e) {
      log().error({ event: 'tick_failed', workerId, err: e }, 'worker tick failed; trying again shortly');
      idle = IDLE_POLL_MS.length - 1;
    }
    await new Promise((r) => {
      const t = setTimeout(r, IDLE_POLL_MS[idle]);
      stop.signal.addEventListener('abort', () => { clearTimeout(t); r(null); }, { once: true });
    });
  }
}

async function main() {
  const services = await bootLocal({ log: (m) => log().info({ event: 'boot' }, m) });
  const base = appUrl();
  const health = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
  if (!health) log().warn({ event: 'app_unreachable', appUrl: base }, 'the app does not answer; jobs will fail until it does (start it with npm run dev or npm start, or set APP_URL to the address it runs at)');
  const { concurrency } = workerSettings();
  log().info({ event: 'worker_started', workerId: defaultWorkerId(), concurrency, renderer: `${base}/renderer` }, 'processing exports');
  await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(i)));
  await browserPool().close();
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
