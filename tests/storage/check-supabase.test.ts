import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthStandIn, type AuthStandIn } from '../auth/authStandIn';
import { startStorageStandIn, type StorageStandIn } from './storageStandIn';

/** `npm run check:supabase` against stand-ins of Supabase Auth and Storage (a real project is what it is for). */
const SECRET = 'sb_secret_check';
let auth: AuthStandIn;
let storage: StorageStandIn;
let project: http.Server;
let projectUrl = '';

// On Supabase, Auth and Storage answer under one project URL; here one front server routes their paths to the two stand-ins.
const HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'content-encoding', 'keep-alive']);
async function route(req: http.IncomingMessage, res: http.ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const target = (req.url ?? '').startsWith('/auth/') ? auth.url : storage.url;
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => !HOP.has(k) && typeof v === 'string')) as Record<string, string>;
  const answer = await fetch(target + req.url, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
  res.writeHead(answer.status, Object.fromEntries([...answer.headers].filter(([k]) => !HOP.has(k))));
  res.end(Buffer.from(await answer.arrayBuffer()));
}

beforeAll(async () => {
  auth = await startAuthStandIn(process.env.DATABASE_URL!);
  storage = await startStorageStandIn({ keys: [SECRET] });
  project = http.createServer((req, res) => void route(req, res).catch((e) => res.writeHead(502).end(String(e))));
  await new Promise<void>((resolve) => project.listen(0, '127.0.0.1', resolve));
  projectUrl = `http://127.0.0.1:${(project.address() as AddressInfo).port}`;
});
afterAll(async () => {
  project.closeAllConnections();
  await new Promise((resolve) => project.close(resolve));
  await auth.close();
  await storage.close();
});

async function check(env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), '--conditions=react-server', 'scripts/check-supabase.ts'], {
      env: { ...process.env, STORAGE_DRIVER: 'supabase', SUPABASE_PUBLISHABLE_KEY: 'sb_publishable_check', SUPABASE_SECRET_KEY: SECRET, ...env },
      timeout: 60_000,
    });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

describe('npm run check:supabase', () => {
  it('passes on a project that works, one line per check', async () => {
    const { code, out } = await check({ SUPABASE_URL: projectUrl });
    expect(out).toMatch(/^ok\s+signing keys \(JWKS\): 1 key\(s\): ES256$/m);
    expect(out).toMatch(/^ok\s+publishable key \(Auth\)/m);
    expect(out).toMatch(/^ok\s+bucket: "exports" exists, is private/m);
    expect(out).toMatch(/^ok\s+store, sign, download, remove/m);
    expect(out).toMatch(/^ok\s+database: migrations at version \d+/m);
    expect(code).toBe(0);
    expect(storage.objects.size).toBe(0); // the probe file is removed again
  });

  it('fails naming what is wrong: a public bucket, a refused secret key', async () => {
    storage.buckets.get('exports')!.public = true;
    try {
      const { code, out } = await check({ SUPABASE_URL: projectUrl, SUPABASE_SECRET_KEY: 'sb_secret_wrong' });
      expect(code).toBe(1);
      expect(out).toMatch(/^NOT OK\s+bucket: .*(public|SUPABASE_SECRET_KEY)/m);
      expect(out).toMatch(/^NOT OK\s+store, sign, download, remove: .*SUPABASE_SECRET_KEY/m);
    } finally {
      storage.buckets.get('exports')!.public = false;
    }
  });
});
