import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { EmbeddedPostgresError, freePort, startEmbeddedPostgres } from '@/lib/db/embedded';
import { migrate } from '@/lib/db/migrate';
import { startTestApp } from './appServer';
import { startSyntheticDemServer } from './syntheticDem';

/**
 * One throwaway embedded Postgres for the whole run (random free port,
 * temporary data folder), with a migrated template database that every test
 * file clones (tests/support/perFile.ts), so files run in parallel in
 * isolation; and one app server (next dev) on a database of its own, for the
 * tests that need real HTTP. The app's DEM_URL points at a synthetic DEM
 * served here, so contours can be drawn without the network.
 */
export const TEMPLATE_DB = 'carto_template';

export default async function setup(project: TestProject) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'carto-test-'));
  chmodSync(root, 0o755); // mkdtemp makes 0700, which the postgres user cannot enter
  const port = await freePort();
  const password = 'test-only';
  const pg = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port, password, database: 'postgres', ephemeral: true }).catch((e: unknown) => {
    // It says what to do in one sentence; a stack trace would bury it.
    if (e instanceof EmbeddedPostgresError) e.stack = e.message;
    throw e;
  });
  const adminUrl = pg.url;

  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const template = postgres(adminUrl.replace(/\/postgres$/, `/${TEMPLATE_DB}`), { max: 1, prepare: false, onnotice: () => {} });
  await migrate(template);
  await template.end();

  const secrets = {
    CRON_SECRET: randomBytes(32).toString('hex'),
    // Its own, so a test can tell the cron secret and the metrics secret apart (lib/http/access.ts).
    METRICS_SECRET: randomBytes(32).toString('hex'),
    AUTH_SECRET: randomBytes(32).toString('hex'),
    FILE_URL_SECRET: randomBytes(32).toString('hex'),
  };
  const admin2 = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin2.unsafe(`create database carto_app template ${TEMPLATE_DB}`);
  await admin2.end();
  const appDatabaseUrl = adminUrl.replace(/\/postgres$/, '/carto_app');
  const appDataDir = path.join(root, 'app');
  mkdirSync(appDataDir, { recursive: true });
  const dem = await startSyntheticDemServer();
  // TEST_APP=0 skips the shared app server, for a quick targeted run of tests that make no HTTP call to it.
  // Tests stay offline: no online planet unless a test names a stand-in (tests/map/map-sources.test.ts).
  const app = process.env.TEST_APP === '0' ? { url: 'http://127.0.0.1:9', stop: async () => {} } : await startTestApp({ ...process.env, ...secrets, DATABASE_URL: appDatabaseUrl, DATA_DIR: appDataDir, DEM_URL: dem.urlTemplate, DEM_ENCODING: 'terrarium', ONLINE_TILEJSON_URL: process.env.ONLINE_TILEJSON_URL ?? 'off', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }, path.join(root, 'app.log'));

  project.provide('pgAdminUrl', adminUrl);
  project.provide('testDataRoot', root);
  project.provide('appUrl', app.url);
  project.provide('appDatabaseUrl', appDatabaseUrl);
  project.provide('appDataDir', appDataDir);
  project.provide('appSecrets', secrets);
  project.provide('demUrl', dem.urlTemplate);
  project.provide('appLogFile', path.join(root, 'app.log'));

  return async () => {
    await app.stop();
    await dem.close();
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    testDataRoot: string;
    /** The shared app server (next dev) and its database, data folder and secrets. */
    appUrl: string;
    appDatabaseUrl: string;
    appDataDir: string;
    appSecrets: { CRON_SECRET: string; METRICS_SECRET: string; AUTH_SECRET: string; FILE_URL_SECRET: string };
    /** The synthetic DEM the app's DEM_URL names (`{z}/{x}/{y}` template); see ./syntheticDem.ts. */
    demUrl: string;
    /** Everything the shared app server printed (stdout and stderr). */
    appLogFile: string;
  }
}
