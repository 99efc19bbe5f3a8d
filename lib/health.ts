import 'server-only';
import { constants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Sql } from '@/lib/db/client';
import { migrationsVersion } from '@/lib/db/version';
import { env } from '@/lib/env';
import { OUTPUT_FORMATS, THUMBNAIL } from '@/lib/rendering/formats';
import { currentBrowserPool } from '@/lib/rendering/sharedPool';
import { getStorage, type ObjectStorage } from '@/lib/storage';

/**
 * What `/api/health` reports: the database (and its migrations), storage,
 * the browser and the queue, each with `ok` and, when not ok, a message
 * saying what to do. Only the database decides the status code (503 without
 * it); the rest is information for an operator. Nothing here launches a
 * browser or waits long, so `npm run dev` can poll it while starting.
 */

export type HealthPart = { ok: boolean; message?: string };

export type HealthReport = {
  status: 'ok' | 'degraded';
  database: HealthPart & { migrationsVersion?: number };
  storage: HealthPart & { driver: string };
  browser: HealthPart & { executable: string; warm: boolean };
  queue: HealthPart & { queued?: number; running?: number; oldestQueuedSeconds?: number };
};

const DATABASE_TIMEOUT_MS = 5_000;
const STORAGE_TIMEOUT_MS = 3_000;
// Every type the worker stores: a bucket that refuses one of them fails those exports.
const STORED_TYPES = [...new Set([...Object.values(OUTPUT_FORMATS).map((f) => f.contentType), THUMBNAIL.contentType])];

/** The app checks its own database and storage; a test may point the check at others. */
export async function checkHealth(deps: { sql?: Sql; storage?: ObjectStorage } = {}): Promise<HealthReport> {
  const db = () => deps.sql ?? sql();
  const [database, storage, browser, queue] = await Promise.all([
    checkDatabase(db),
    checkStorage(() => deps.storage ?? getStorage()),
    checkBrowser(),
    checkQueue(db),
  ]);
  return { status: database.ok && storage.ok && browser.ok && queue.ok ? 'ok' : 'degraded', database, storage, browser, queue };
}

/** 200 while the database answers, whatever else is wrong: without it nothing works, with it the rest can recover. */
export const healthStatusCode = (report: HealthReport): number => (report.database.ok ? 200 : 503);

async function checkDatabase(db: () => Sql): Promise<HealthReport['database']> {
  try {
    return { ok: true, migrationsVersion: await withTimeout(migrationsVersion(db()), DATABASE_TIMEOUT_MS) };
  } catch (e) {
    return { ok: false, message: describeDatabaseError(e) };
  }
}

// The app's connection is the schema owner (as migrations need), which may run this service_role function.
async function checkQueue(db: () => Sql): Promise<HealthReport['queue']> {
  try {
    const [row] = await withTimeout(db()`select * from public.export_queue_depth()`, DATABASE_TIMEOUT_MS);
    return { ok: true, queued: Number(row.queued), running: Number(row.running), oldestQueuedSeconds: Number(row.oldest_queued_seconds) };
  } catch (e) {
    return { ok: false, message: `queue unreadable: ${describeDatabaseError(e)}` };
  }
}

async function checkStorage(storage: () => ObjectStorage): Promise<HealthReport['storage']> {
  let driver: string = env().STORAGE_DRIVER;
  try {
    const s = storage();
    driver = s.driver;
    await withTimeout(s.check({ contentTypes: STORED_TYPES }), STORAGE_TIMEOUT_MS);
    return { ok: true, driver };
  } catch (e) {
    const message = (e as { code?: string }).code === 'timeout' ? `storage did not answer within ${STORAGE_TIMEOUT_MS / 1000} s` : (e as Error).message;
    return { ok: false, driver, message };
  }
}

/** Whether Chromium is there to launch (without launching it) and whether this process holds a warm one. */
async function checkBrowser(): Promise<HealthReport['browser']> {
  const warm = currentBrowserPool()?.browserPid() !== undefined;
  const custom = env().CHROMIUM_PATH;
  if (custom) {
    try {
      await access(custom, constants.X_OK);
      return { ok: true, executable: 'CHROMIUM_PATH', warm };
    } catch {
      return { ok: false, executable: 'CHROMIUM_PATH', warm, message: `CHROMIUM_PATH (${custom}) is not an executable file: fix the path or unset it to use @sparticuz/chromium.` };
    }
  }
  // @sparticuz/chromium unpacks its brotli archive to /tmp/chromium on the first launch.
  if (existsSync(path.join(tmpdir(), 'chromium'))) return { ok: true, executable: '@sparticuz/chromium (unpacked)', warm };
  if (existsSync(path.join(process.cwd(), 'node_modules', '@sparticuz', 'chromium', 'bin', 'chromium.br'))) {
    return { ok: true, executable: '@sparticuz/chromium (packed; unpacked on the first render)', warm };
  }
  return { ok: false, executable: '@sparticuz/chromium', warm, message: 'No Chromium found: run npm install, or set CHROMIUM_PATH to a Chrome or Chromium binary.' };
}

function describeDatabaseError(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'database refused the connection (is Postgres running?)';
  if (code === 'timeout') return `database did not answer within ${DATABASE_TIMEOUT_MS / 1000} s`;
  if (code === '42P01' || code === '42883') return 'database is missing migrations: run npm run migrate';
  return 'database unreachable';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'timeout' })), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });
}
