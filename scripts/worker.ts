/**
 * A long-running export worker for any host: `npm run worker`. Run as many as
 * you like — the queue is the only coordinator. It needs the app running
 * (it renders the app's own /renderer page at APP_URL). SIGTERM or Ctrl-C
 * stops claiming, hands the current job back to the queue at its next step,
 * and exits; a second signal exits at once.
 */
import { bootLocal } from '@/scripts/boot';
import { defaultWorkerId, browserPool, tick } from '@/lib/exports/worker';
import { workerSettings } from '@/lib/exports/workerSettings';
import { appUrl } from '@/lib/env';

const IDLE_POLL_MS = [500, 1000, 2000, 4000];
const stop = new AbortController();
let signals = 0;

async function loop(slot: number) {
  const workerId = `${defaultWorkerId()}#${slot}`;
  let idle = 0;
  while (!stop.signal.aborted) {
    try {
      const report = await tick({ budgetMs: 60 * 60_000, workerId, signal: stop.signal, maxJobs: 10 });
      for (const p of report.processed) console.log(`[worker ${slot}] job ${p.id}: ${p.outcome} in ${(p.ms / 1000).toFixed(1)} s`);
      if (report.reaped) console.log(`[worker ${slot}] returned ${report.reaped} job(s) with expired leases to the queue`);
      idle = report.processed.length ? 0 : Math.min(idle + 1, IDLE_POLL_MS.length - 1);
    } catch (e) {
      console.error(`[worker ${slot}] tick failed: ${(e as Error).message}`);
      idle = IDLE_POLL_MS.length - 1;
    }
    await new Promise((r) => {
      const t = setTimeout(r, IDLE_POLL_MS[idle]);
      stop.signal.addEventListener('abort', () => { clearTimeout(t); r(null); }, { once: true });
    });
  }
}

async function main() {
  const services = await bootLocal({ log: (m) => console.log(`[worker] ${m}`) });
  const base = appUrl();
  const health = await fetch(`${base}/api/health`).then((r) => r.ok, () => false);
  if (!health) console.warn(`[worker] the app does not answer at ${base}; jobs will fail until it does (start it with npm run dev, or set APP_URL).`);
  const { concurrency } = workerSettings();
  console.log(`[worker] ${defaultWorkerId()} processing exports with ${concurrency} slot(s); rendering ${base}/renderer`);
  await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(i)));
  await browserPool().close();
  await services.stop();
  console.log('[worker] stopped');
  process.exit(0);
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (++signals > 1) process.exit(130);
    console.log(`[worker] ${sig}: finishing the current step and handing jobs back`);
    stop.abort();
  });
}

main().catch((e) => {
  console.error(`[worker] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
