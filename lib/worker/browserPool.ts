import 'server-only';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { recordMetricInBackground } from '@/lib/metrics';
import { BrowserPool } from '@/lib/rendering/browser';
import { sharedBrowserPool } from '@/lib/rendering/sharedPool';
import { workerSettings } from '@/lib/worker/settings';

/** The warm browser of this process, shared by every tick. */
export function browserPool(): BrowserPool {
  return sharedBrowserPool(() => new BrowserPool({
    executablePath: env().CHROMIUM_PATH,
    recycleAfterJobs: workerSettings().recycleAfterJobs,
    onRestart: (reason) => {
      log().info({ event: 'browser_restart', reason }, `browser replaced (${reason})`);
      recordMetricInBackground('carto_browser_restarts_total', { reason });
    },
  }));
}
