import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classify } from '@/lib/worker/processJob';
import { checkHealth } from '@/lib/health';
import {
  BucketMissingError,
  ObjectNotFoundError,
  StorageForbiddenError,
  StorageRejectedError,
  StorageUnavailableError,
  SupabaseStorage,
} from '@/lib/storage';
import { STORAGE_ERRORS, startStorageStandIn, type StorageStandIn } from './storageStandIn';

/** Against a stand-in of the Supabase Storage server (./storageStandIn.ts), with the error bodies the real one sends. */
const SECRET = 'sb_secret_test-secret-key';
const LEGACY = 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.legacy';
let server: StorageStandIn;

beforeAll(async () => {
  server = await startStorageStandIn({ keys: [SECRET, LEGACY] });
});
afterAll(() => server.close());
beforeEach(() => server.buckets.set('exports', { id: 'exports', public: false, allowed_mime_types: null, file_size_limit: null }));

const storage = (bucket = 'exports', secretKey = SECRET) => new SupabaseStorage({ url: server.url, secretKey, bucket });
const png = Buffer.from('png');

describe('supabase storage driver', () => {
  it('uploads a file from disk with upsert, so a retry overwrites', async () => {
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'carto-supa-')), 'poster.png');
    await fs.writeFile(file, Buffer.alloc(2 * 1024 * 1024, 1));
    const stored = await storage().put('user-1/job-1.png', file, { contentType: 'image/png' });
    await storage().put('user-1/job-1.png', Buffer.from('retry'), { contentType: 'image/png' });
    expect(stored.size).toBe(2 * 1024 * 1024);
    expect(server.uploads.slice(-2)).toEqual([
      { path: 'exports/user-1/job-1.png', upsert: 'true', bytes: 2 * 1024 * 1024 },
      { path: 'exports/user-1/job-1.png', upsert: 'true', bytes: 5 },
    ]);
    expect(server.objects.get('exports/user-1/job-1.png')?.contentType).toBe('image/png');
  });

  it('works with the legacy service_role key as with a secret key', async () => {
    await storage('exports', LEGACY).put('user-1/legacy.png', png, { contentType: 'image/png' });
    expect(server.objects.has('exports/user-1/legacy.png')).toBe(true);
  });

  it('signs download URLs; a missing object is ObjectNotFoundError', async () => {
    await storage().put('user-1/job-1.png', Buffer.from('retry'), { contentType: 'image/png' });
    const url = await storage().signedUrl('user-1/job-1.png', { expiresInSeconds: 300, downloadName: 'poster.png' });
    expect(url).toBe(`${server.url}/storage/v1/object/sign/exports/user-1/job-1.png?token=signed-token&download=poster.png`);
    await expect(storage().signedUrl('user-1/missing.png', { expiresInSeconds: 300 })).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await storage().stat('user-1/missing.png')).toBeNull();
    expect((await storage().stat('user-1/job-1.png'))?.size).toBe(5);
  });

  it('lists every object through the folder levels and removes them, missing ones included', async () => {
    server.objects.clear();
    await storage().put('user-1/job-1.png', Buffer.from('12345'), { contentType: 'image/png' });
    await storage().put('user-2/job-2.pdf', Buffer.from('pdf'), { contentType: 'application/pdf' });
    expect((await storage().list()).map((o) => [o.path, o.size])).toEqual([
      ['user-1/job-1.png', 5],
      ['user-2/job-2.pdf', 3],
    ]);
    await storage().remove(['user-1/job-1.png', 'user-1/never.png']);
    expect((await storage().list()).map((o) => o.path)).toEqual(['user-2/job-2.pdf']);
  });
});

describe('what a Storage failure means for the export that hit it', () => {
  const retryableOf = (e: unknown) => classify(e, false);

  it('an upload to a bucket that does not exist is bucket_missing, never a missing object, and is not retried', async () => {
    const err = await storage('no-such-bucket').put('user-1/job-1.thumb.webp', png, { contentType: 'image/webp' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BucketMissingError);
    expect(err).not.toBeInstanceOf(ObjectNotFoundError);
    expect(retryableOf(err)).toMatchObject({ code: 'bucket_missing', retryable: false, message: expect.stringMatching(/bucket "no-such-bucket" does not exist.*npm run migrate/) });
  });

  it('a type the bucket does not allow (415) fails at once, naming the type and the fix', async () => {
    server.buckets.get('exports')!.allowed_mime_types = ['image/png'];
    const err = await storage().put('user-1/job-1.thumb.webp', png, { contentType: 'image/webp' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageRejectedError);
    expect(retryableOf(err)).toMatchObject({ code: 'storage_rejected', retryable: false, message: expect.stringMatching(/does not accept image\/webp.*allowed MIME types/) });
  });

  it('a file over the bucket\'s size limit (413) fails at once, saying so', async () => {
    server.buckets.get('exports')!.file_size_limit = 2;
    const err = await storage().put('user-1/job-1.png', png, { contentType: 'image/png' }).catch((e: unknown) => e);
    expect(retryableOf(err)).toMatchObject({ code: 'storage_rejected', retryable: false, message: expect.stringMatching(/larger than .*size limit/) });
  });

  it('a key the policies refuse (403) is storage_forbidden and names the key to set', async () => {
    const err = await storage('exports', 'sb_publishable_browser-key').put('user-1/x.png', png, { contentType: 'image/png' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageForbiddenError);
    expect(retryableOf(err)).toMatchObject({ code: 'storage_forbidden', retryable: false, message: expect.stringMatching(/SUPABASE_SECRET_KEY/) });
  });

  it.each([
    ['a 500', 500, STORAGE_ERRORS.internal],
    ['a database timeout (544)', 544, STORAGE_ERRORS.databaseTimeout],
    ['a 503 from the gateway', 503, { message: 'upstream connect error' }],
    ['rate limiting (429)', 429, { message: 'Too many requests' }],
  ])('%s is retried', async (_, status, body) => {
    server.failNext(1, status, body);
    const err = await storage().put('user-1/x.png', png, { contentType: 'image/png' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect(retryableOf(err)).toMatchObject({ code: 'storage_unavailable', retryable: true });
  });

  it('an unreachable server is retried', async () => {
    const down = new SupabaseStorage({ url: 'http://127.0.0.1:9', secretKey: SECRET, bucket: 'exports' });
    const err = await down.put('user-1/x.png', png, { contentType: 'image/png' }).catch((e: unknown) => e);
    expect(retryableOf(err)).toMatchObject({ code: 'storage_unavailable', retryable: true });
  });
});

describe('/api/health on Supabase Storage', () => {
  const health = async (s: SupabaseStorage) => (await checkHealth({ storage: s })).storage;

  it('is ok on a private bucket that takes every type an export stores', async () => {
    expect(await health(storage())).toEqual({ ok: true, driver: 'supabase' });
  });

  it('is not ok when the bucket does not exist (which lists as empty), naming it', async () => {
    expect(await health(storage('no-such-bucket'))).toMatchObject({ ok: false, message: expect.stringMatching(/"no-such-bucket" does not exist/) });
  });

  it('is not ok when the bucket is public, naming it', async () => {
    server.buckets.get('exports')!.public = true;
    expect(await health(storage())).toMatchObject({ ok: false, message: expect.stringMatching(/"exports" is public.*private/) });
  });

  it('is not ok when the bucket refuses a type exports are stored as', async () => {
    server.buckets.get('exports')!.allowed_mime_types = ['image/png', 'image/jpeg', 'application/pdf'];
    expect(await health(storage())).toMatchObject({ ok: false, message: expect.stringMatching(/image\/webp/) });
    server.buckets.get('exports')!.allowed_mime_types = ['image/*', 'application/pdf'];
    expect(await health(storage())).toEqual({ ok: true, driver: 'supabase' });
  });
});

describe('npm run migrate and the bucket', () => {
  it('creates the bucket private when it is missing, and leaves an existing one alone', async () => {
    expect(await storage('fresh').ensureBucket()).toBe('created');
    expect(server.buckets.get('fresh')).toMatchObject({ public: false });
    expect(await storage('fresh').ensureBucket()).toBe('exists');
  });
});
