import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { GET } from '@/app/api/health/route';
import { closeSql, createSql } from '@/lib/db/client';
import { freePort } from '@/lib/db/embedded';
import { env } from '@/lib/env';
import { requestExport } from '@/lib/exports/queue';
import { checkHealth, healthStatusCode } from '@/lib/health';
import { LocalStorage, SupabaseStorage } from '@/lib/storage';
import { createUser, posterRequest, sleep } from '../queue/helpers';

afterAll(closeSql);

describe('GET /api/health', () => {
  it('reports database, storage, browser and queue; the oldest queued job has an age', async () => {
    const user = await createUser();
    await requestExport(user, posterRequest());
    await sleep(50);
    const res = await GET();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      status: 'ok',
      database: { ok: true, migrationsVersion: expect.any(Number) },
      storage: { ok: true, driver: 'local' },
      browser: { ok: true, executable: expect.stringMatching(/chromium|CHROMIUM_PATH/i), warm: false },
      queue: { ok: true, queued: 1, running: 0 },
    });
    expect(body.queue.oldestQueuedSeconds).toBeGreaterThan(0);
    expect(body.database.migrationsVersion).toBeGreaterThanOrEqual(9);
  });

  it('answers quickly over real HTTP (npm run dev waits on it)', async () => {
    const started = Date.now();
    const res = await fetch(`${inject('appUrl')}/api/health`);
    expect(res.status).toBe(200);
    expect((await res.json()).database.ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('storage is not ok when a file stands where the export folder should be', async () => {
    const root = path.join(env().DATA_DIR, 'not-a-folder');
    writeFileSync(root, 'in the way');
    const storage = new LocalStorage({ root, secret: 'x'.repeat(32) });
    const report = await checkHealth({ storage });
    expect(report.storage).toMatchObject({ ok: false, driver: 'local', message: expect.stringContaining('not writable') });
    expect(report.status).toBe('degraded');
    // Storage alone does not take the app out of rotation.
    expect(healthStatusCode(report)).toBe(200);
  });

  it('storage is not ok when the export folder sits under a file', async () => {
    const blocker = path.join(env().DATA_DIR, 'blocker');
    mkdirSync(path.dirname(blocker), { recursive: true });
    writeFileSync(blocker, '');
    const report = await checkHealth({ storage: new LocalStorage({ root: path.join(blocker, 'exports'), secret: 'x'.repeat(32) }) });
    expect(report.storage.ok).toBe(false);
    expect(report.storage.message).toMatch(/ENOTDIR|EEXIST/);
  });

  it('Supabase storage is not ok when its server cannot be reached', async () => {
    const port = await freePort();
    const storage = new SupabaseStorage({ url: `http://127.0.0.1:${port}`, secretKey: 'not-a-real-key', bucket: 'exports' });
    const report = await checkHealth({ storage });
    expect(report.storage).toMatchObject({ ok: false, driver: 'supabase', message: expect.stringMatching(/unreachable|did not answer/) });
    expect(JSON.stringify(report)).not.toContain('not-a-real-key');
  });

  it('503 with a message when the database is unreachable', async () => {
    const port = await freePort(); // nothing listens there
    const dead = createSql(`postgres://postgres:x@127.0.0.1:${port}/none`, 1);
    try {
      const report = await checkHealth({ sql: dead });
      expect(report.database).toEqual({ ok: false, message: expect.stringContaining('refused') });
      expect(report.queue.ok).toBe(false);
      expect(report.status).toBe('degraded');
      expect(healthStatusCode(report)).toBe(503);
    } finally {
      await dead.end({ timeout: 1 });
    }
  });
});
