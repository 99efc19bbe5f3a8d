import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmptyDatabase } from '../support/db';

/**
 * `npm run migrate` is the production deploy step (Vercel runs it from
 * `vercel-build`, with the deployment's environment): it must migrate a
 * database it did not start and write the limits that environment sets.
 */

let drop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await drop?.();
  drop = undefined;
});

function runMigrate(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  // Only what a production deployment would have: no inherited DATABASE_URL or test settings.
  const childEnv: NodeJS.ProcessEnv = {
    NODE_ENV: 'production',
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'carto-migrate-')),
    ...env,
  };
  const child = spawn(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), '--conditions=react-server', 'scripts/migrate.ts'], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

const production = { CRON_SECRET: 'c'.repeat(40), AUTH_SECRET: 'a'.repeat(40), FILE_URL_SECRET: 'f'.repeat(40) };

describe('npm run migrate against a deployment\'s database', { timeout: 120_000 }, () => {
  it('applies every migration and writes the limits the environment sets', async () => {
    const db = await createEmptyDatabase();
    drop = db.drop;
    const run = await runMigrate({
      ...production,
      DATABASE_URL: db.url,
      QUOTA_ACTIVE_JOBS: '7',
      EXPORT_TTL_DAYS: '3',
      WEBHOOK_MAX_ATTEMPTS: '4',
      API_KEY_RATE_LIMIT: '12',
    });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/applied \d+ migration\(s\), now at version \d+/);
    expect(run.output).not.toContain('embedded Postgres');

    const [exports] = await db.sql`select max_active_jobs, result_ttl_seconds from public.export_settings`;
    expect(exports).toEqual({ max_active_jobs: 7, result_ttl_seconds: 3 * 86_400 });
    const [webhooks] = await db.sql`select max_attempts from public.webhook_settings`;
    expect(webhooks).toEqual({ max_attempts: 4 });
    const [keys] = await db.sql`select rate_limit from public.api_key_settings`;
    expect(keys).toEqual({ rate_limit: 12 });
  });

  it('refuses a bad limit with the variable\'s name, before touching the database', async () => {
    const db = await createEmptyDatabase();
    drop = db.drop;
    const run = await runMigrate({ ...production, DATABASE_URL: db.url, QUOTA_ACTIVE_JOBS: 'lots' });
    expect(run.code).toBe(1);
    expect(run.output).toContain('QUOTA_ACTIVE_JOBS');
    const tables = await db.sql`select table_name from information_schema.tables where table_schema = 'public'`;
    expect(tables).toEqual([]);
  });
});
