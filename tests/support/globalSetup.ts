import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { freePort, startEmbeddedPostgres } from '@/lib/db/embedded';
import { migrate } from '@/lib/db/migrate';

/**
 * One throwaway embedded Postgres for the whole run (random free port,
 * temporary data folder), with a migrated template database that every test
 * file clones (tests/support/perFile.ts), so files run in parallel in
 * isolation.
 */
export const TEMPLATE_DB = 'carto_template';

export default async function setup(project: TestProject) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'carto-test-'));
  chmodSync(root, 0o755); // mkdtemp makes 0700, which the postgres user cannot enter
  const port = await freePort();
  const password = 'test-only';
  const pg = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port, password, database: 'postgres', ephemeral: true });
  const adminUrl = pg.url;

  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const template = postgres(adminUrl.replace(/\/postgres$/, `/${TEMPLATE_DB}`), { max: 1, prepare: false, onnotice: () => {} });
  await migrate(template);
  await template.end();

  project.provide('pgAdminUrl', adminUrl);
  project.provide('testDataRoot', root);

  return async () => {
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    testDataRoot: string;
  }
}
