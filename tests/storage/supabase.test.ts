import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ObjectNotFoundError,
  StorageForbiddenError,
  StorageUnavailableError,
  SupabaseStorage,
} from '@/lib/storage';

/**
 * A stand-in for the Supabase Storage server (a third party), speaking the
 * HTTP shape of its object API: errors come back as HTTP 400 with the real
 * status in the body's `statusCode`, as the hosted service does.
 */
const KEY = 'service-role-key';
const objects = new Map<string, { body: Buffer; contentType: string; updated: string }>();
const uploads: { path: string; upsert: string | undefined; bytes: number }[] = [];
let server: http.Server;
let base: string;

function fail(res: http.ServerResponse, statusCode: string, error: string, message: string) {
  res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode, error, message }));
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://x');
  const route = decodeURIComponent(url.pathname.replace(/^\/storage\/v1\/object\//, ''));
  if (req.headers.authorization !== `Bearer ${KEY}`) return fail(res, '403', 'Unauthorized', 'new row violates row-level security policy');
  const json = (value: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));

  if (req.method === 'POST' && route.startsWith('list/')) {
    const { prefix, limit, offset } = JSON.parse(body.toString()) as { prefix: string; limit: number; offset: number };
    const level = new Map<string, unknown>();
    for (const [key, object] of objects) {
      const rest = key.slice('exports/'.length);
      if (prefix && !rest.startsWith(`${prefix}/`)) continue;
      const name = (prefix ? rest.slice(prefix.length + 1) : rest).split('/')[0];
      const isFolder = (prefix ? rest.slice(prefix.length + 1) : rest).includes('/');
      level.set(name, isFolder ? { name, id: null, metadata: null } : { name, id: `id-${name}`, updated_at: object.updated, created_at: object.updated, metadata: { size: object.body.length } });
    }
    return json([...level.values()].slice(offset, offset + limit));
  }
  if (req.method === 'POST' && route.startsWith('sign/')) {
    const key = route.slice('sign/'.length);
    if (!objects.has(key)) return fail(res, '404', 'not_found', 'Object not found');
    return json({ signedURL: `/object/sign/${key}?token=signed-token` });
  }
  if (req.method === 'GET' && route.startsWith('info/')) {
    const object = objects.get(route.slice('info/'.length));
    if (!object) return fail(res, '404', 'not_found', 'Object not found');
    return json({ id: 'x', name: route, size: object.body.length, last_modified: object.updated, created_at: object.updated });
  }
  if (req.method === 'DELETE' && route === 'exports') {
    const { prefixes } = JSON.parse(body.toString()) as { prefixes: string[] };
    const removed = prefixes.filter((p) => objects.delete(`exports/${p}`));
    return json(removed.map((name) => ({ name })));
  }
  if (req.method === 'POST') {
    const upsert = req.headers['x-upsert'] as string | undefined;
    if (objects.has(route) && upsert !== 'true') return fail(res, '409', 'Duplicate', 'The resource already exists');
    objects.set(route, { body, contentType: String(req.headers['content-type']), updated: new Date().toISOString() });
    uploads.push({ path: route, upsert, bytes: body.length });
    return json({ Key: route, Id: 'uuid' });
  }
  res.writeHead(404).end();
}

beforeAll(async () => {
  server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('supabase storage driver (against a stand-in Storage server)', () => {
  const storage = () => new SupabaseStorage({ url: base, secretKey: KEY, bucket: 'exports' });

  it('uploads a file from disk with upsert, so a retry overwrites', async () => {
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'carto-supa-')), 'poster.png');
    await fs.writeFile(file, Buffer.alloc(2 * 1024 * 1024, 1));
    const stored = await storage().put('user-1/job-1.png', file, { contentType: 'image/png' });
    await storage().put('user-1/job-1.png', Buffer.from('retry'), { contentType: 'image/png' });
    expect(stored.size).toBe(2 * 1024 * 1024);
    expect(uploads).toEqual([
      { path: 'exports/user-1/job-1.png', upsert: 'true', bytes: 2 * 1024 * 1024 },
      { path: 'exports/user-1/job-1.png', upsert: 'true', bytes: 5 },
    ]);
    expect(objects.get('exports/user-1/job-1.png')?.contentType).toBe('image/png');
  });

  it('signs download URLs and maps a missing object (HTTP 400, statusCode "404") to ObjectNotFoundError', async () => {
    const url = await storage().signedUrl('user-1/job-1.png', { expiresInSeconds: 300, downloadName: 'poster.png' });
    expect(url).toBe(`${base}/storage/v1/object/sign/exports/user-1/job-1.png?token=signed-token&download=poster.png`);
    await expect(storage().signedUrl('user-1/missing.png', { expiresInSeconds: 300 })).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await storage().stat('user-1/missing.png')).toBeNull();
    expect((await storage().stat('user-1/job-1.png'))?.size).toBe(5);
  });

  it('lists every object through the folder levels and removes them, missing ones included', async () => {
    await storage().put('user-2/job-2.pdf', Buffer.from('pdf'), { contentType: 'application/pdf' });
    expect((await storage().list()).map((o) => [o.path, o.size])).toEqual([
      ['user-1/job-1.png', 5],
      ['user-2/job-2.pdf', 3],
    ]);
    await storage().remove(['user-1/job-1.png', 'user-1/never.png']);
    expect((await storage().list()).map((o) => o.path)).toEqual(['user-2/job-2.pdf']);
  });

  it('a refused key is a permanent StorageForbiddenError, an unreachable server a retryable StorageUnavailableError', async () => {
    const wrongKey = new SupabaseStorage({ url: base, secretKey: 'anon-key', bucket: 'exports' });
    await expect(wrongKey.put('user-1/x.png', Buffer.from('x'), { contentType: 'image/png' })).rejects.toSatisfy(
      (e) => e instanceof StorageForbiddenError && !e.retryable,
    );
    const down = new SupabaseStorage({ url: 'http://127.0.0.1:9', secretKey: KEY, bucket: 'exports' });
    await expect(down.put('user-1/x.png', Buffer.from('x'), { contentType: 'image/png' })).rejects.toSatisfy(
      (e) => e instanceof StorageUnavailableError && e.retryable,
    );
  });
});
