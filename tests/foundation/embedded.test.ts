import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
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
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'postmaster.pid'), `${process.pid}\n${dataDir}\n`);
    const err = await startEmbeddedPostgres({ dataDir, port: await freePort(), password: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(EmbeddedPostgresError);
    expect(err.message).toMatch(/locked by another Postgres \(pid \d+\)/);
  });
});
