import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createSql } from '@/lib/db/client';
import { startEmbeddedPostgres } from '@/lib/db/embedded';
import { migrate } from '@/lib/db/migrate';
import { applyDevSecrets } from '@/lib/devSecrets';
import { appUrl, parseEnv } from '@/lib/env';
import { startLocalScheduler } from '@/lib/cron/localScheduler';
import { applyQueueSettings, queueSettingsFromEnv } from '@/lib/exports/settings';
import { applyWebhookSettings, webhookSettingsFromEnv } from '@/lib/webhooks/settings';
import { applyApiKeySettings, apiKeySettingsFromEnv } from '@/lib/auth/apiKeySettings';
import { closeSql } from '@/lib/db/client';

export type LocalServices = {
  /** Environment for child processes: the resolved DATABASE_URL and secrets. */
  env: NodeJS.ProcessEnv;
  port: number;
  appUrl: string;
  waitForApp: (timeoutMs?: number) => Promise<void>;
  startScheduler: () => void;
  stop: () => Promise<void>;
};

/**
 * What every local entry point needs before it can serve or work: secrets for
 * the embedded default, a database (embedded unless DATABASE_URL is set) and
 * the migrations applied.
 */
export async function bootLocal({ log }: { log: (m: string) => void }): Promise<LocalServices> {
  // This process and its children share one environment: the resolved DATABASE_URL and dev secrets.
  const childEnv = process.env;
  // Next's telemetry would try the network on every start; this closed network refuses it.
  childEnv.NEXT_TELEMETRY_DISABLED ??= '1';
  let e = parseEnv(childEnv);
  const dataDir = path.resolve(e.DATA_DIR);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  childEnv.DATA_DIR = dataDir;
  const secrets = e.NODE_ENV === 'production' ? undefined : applyDevSecrets(dataDir, childEnv);

  let stopDb = async () => {};
  if (!e.DATABASE_URL) {
    const t = Date.now();
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: e.EMBEDDED_PG_PORT,
      password: secrets!.pgPassword,
    });
    log(`${pg.started ? 'started' : 'reusing running'} embedded Postgres on port ${e.EMBEDDED_PG_PORT} (${Date.now() - t} ms)`);
    // As root in a folder the postgres user cannot enter, the data lives in the cache instead (lib/db/embedded.ts).
    if (pg.dataDir !== path.join(dataDir, 'postgres')) log(`its data is in ${pg.dataDir}, which the postgres user can reach`);
    childEnv.DATABASE_URL = pg.url;
    stopDb = pg.stop;
  }
  e = parseEnv(childEnv);

  const sql = createSql(e.DATABASE_URL!, 2);
  try {
    const t = Date.now();
    const { applied, version } = await migrate(sql);
    log(applied.length ? `applied ${applied.length} migration(s), now at version ${version} (${Date.now() - t} ms)` : `database is at migration version ${version}`);
  } finally {
    await sql.end();
  }
  // Quotas and TTL live in the database, where the SQL functions enforce them; the environment sets them.
  await applyQueueSettings(queueSettingsFromEnv());
  await applyWebhookSettings(webhookSettingsFromEnv());
  await applyApiKeySettings(apiKeySettingsFromEnv());

  const base = appUrl(e);
  let stopScheduler = () => {};
  return {
    env: childEnv,
    port: e.PORT,
    appUrl: base,
    waitForApp: (timeoutMs = 120_000) => waitForHealth(base, timeoutMs),
    startScheduler: () => {
      stopScheduler = startLocalScheduler({ baseUrl: base, cronSecret: childEnv.CRON_SECRET, log });
    },
    stop: async () => {
      stopScheduler();
      await closeSql();
      await stopDb();
    },
  };
}

async function waitForHealth(base: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return;
      last = `health answered ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`The app did not become healthy at ${base} within ${timeoutMs / 1000} s (${last}).`);
}
