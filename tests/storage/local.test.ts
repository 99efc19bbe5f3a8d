import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'carto-storage-'));
// The file route reads its folder and secret from the environment, parsed on first use.
process.env.DATA_DIR = dataDir;
process.env.FILE_URL_SECRET = 'test-secret-for-local-download-urls-0123456789';
process.env.APP_URL = 'http://localhost:3999';

const { localStorageFromEnv, exportObjectPaths, InvalidObjectPathError, ObjectNotFoundError } = await import('@/lib/storage');
const { GET } = await import('@/app/api/files/[...path]/route');

const storage = localStorageFromEnv();
const root = path.join(dataDir, 'exports');
const user = '3f1c0e9a-8a55-4d1b-9d6c-7c1f9e2b5a10';

/** Calls the real route handler the way Next does for /api/files/[...path]. */
async function download(url: string): Promise<Response> {
  const { pathname } = new URL(url);
  const segments = pathname.replace('/api/files/', '').split('/').map(decodeURIComponent);
  return GET(new Request(url), { params: Promise.resolve({ path: segments }) });
}

beforeAll(async () => {
  await fs.mkdir(root, { recursive: true });
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('local storage', () => {
  it('stores an export at {user_id}/{job_id}.{ext} and a retry overwrites it', async () => {
    const { result } = exportObjectPaths(user, 'job-1', 'png', 'webp');
    expect(result).toBe(`${user}/job-1.png`);
    await storage.put(result, Buffer.from('first attempt'), { contentType: 'image/png' });
    const stored = await storage.put(result, Buffer.from('second'), { contentType: 'image/png' });
    expect(stored.size).toBe(6);
    expect(await fs.readFile(path.join(root, result), 'utf8')).toBe('second');
    // Written through a temp file and a rename: nothing else is left in the folder.
    expect(await fs.readdir(path.join(root, user))).toEqual(['job-1.png']);
  });

  it('streams a file from disk into the store', async () => {
    const source = path.join(dataDir, 'rendered.pdf');
    await fs.writeFile(source, Buffer.alloc(3 * 1024 * 1024, 7));
    const stored = await storage.put(`${user}/job-2.pdf`, source, { contentType: 'application/pdf' });
    expect(stored.size).toBe(3 * 1024 * 1024);
    expect((await storage.stat(`${user}/job-2.pdf`))?.size).toBe(3 * 1024 * 1024);
  });

  it('a signed URL downloads the file as an attachment with its content type', async () => {
    const url = await storage.signedUrl(`${user}/job-2.pdf`, { expiresInSeconds: 60, downloadName: 'three-rivers-24x36.pdf' });
    expect(url).toMatch(new RegExp(`^http://localhost:3999/api/files/${user}/job-2\\.pdf\\?expires=\\d+&sig=`));
    const response = await download(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toContain('attachment; filename="three-rivers-24x36.pdf"');
    expect(response.headers.get('content-length')).toBe(String(3 * 1024 * 1024));
    expect((await response.arrayBuffer()).byteLength).toBe(3 * 1024 * 1024);
  });

  it('refuses a tampered, a re-pointed or an expired URL', async () => {
    const url = await storage.signedUrl(`${user}/job-1.png`, { expiresInSeconds: 60 });
    const tampered = url.replace(/sig=[^&]+/, 'sig=AAAA');
    expect((await download(tampered)).status).toBe(403);
    const repointed = url.replace('job-1.png', 'job-2.pdf');
    expect((await download(repointed)).status).toBe(403);
    const longer = url.replace(/expires=(\d+)/, (_, e) => `expires=${Number(e) + 3600}`);
    expect((await download(longer)).status).toBe(403);

    const expired = await storage.signedUrl(`${user}/job-1.png`, { expiresInSeconds: -1 });
    const response = await download(expired);
    expect(response.status).toBe(410);
    expect((await response.json()).error.code).toBe('url_expired');
  });

  it('rejects path traversal in every operation and in the route', async () => {
    for (const bad of ['../outside.png', `${user}/../../etc/passwd`, '/abs.png', `${user}/.hidden.png`, `${user}//x.png`, 'a\\..\\b.png']) {
      await expect(storage.put(bad, Buffer.from('x'), { contentType: 'image/png' })).rejects.toBeInstanceOf(InvalidObjectPathError);
      await expect(storage.stat(bad)).rejects.toBeInstanceOf(InvalidObjectPathError);
    }
    const url = await storage.signedUrl(`${user}/job-1.png`, { expiresInSeconds: 60 });
    const escaped = url.replace(`${user}/job-1.png`, '..%2F..%2Fpackage.json');
    expect((await download(escaped)).status).toBe(400);
  });

  it('lists every object recursively, skipping writes in progress, and removes them', async () => {
    await fs.writeFile(path.join(root, user, '.job-9.png.abc.tmp'), 'partial');
    await storage.put('another-user/job-3.jpg', Buffer.from('jpg'), { contentType: 'image/jpeg' });
    const all = await storage.list();
    expect(all.map((o) => o.path)).toEqual([`${user}/job-1.png`, `${user}/job-2.pdf`, 'another-user/job-3.jpg']);
    expect((await storage.list(user)).map((o) => o.path)).toEqual([`${user}/job-1.png`, `${user}/job-2.pdf`]);
    expect(all[0].updatedAt).toBeInstanceOf(Date);

    await storage.remove([`${user}/job-1.png`, `${user}/never-existed.png`]);
    expect(await storage.stat(`${user}/job-1.png`)).toBeNull();
    await expect(storage.signedUrl(`${user}/job-1.png`, { expiresInSeconds: 60 })).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect((await storage.list()).map((o) => o.path)).toEqual([`${user}/job-2.pdf`, 'another-user/job-3.jpg']);
    expect(await storage.list('nobody')).toEqual([]);
  });

  it('a signed URL of a removed file answers 404', async () => {
    const url = await storage.signedUrl('another-user/job-3.jpg', { expiresInSeconds: 60 });
    await storage.remove(['another-user/job-3.jpg']);
    expect((await download(url)).status).toBe(404);
  });
});
