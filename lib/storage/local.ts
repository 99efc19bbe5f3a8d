import 'server-only';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { InvalidObjectPathError, ObjectNotFoundError, StorageUnavailableError } from './errors';
import { assertObjectPath } from './paths';
import { signFileUrl, verifyFileUrl } from './signing';
import type { ObjectBody, ObjectStorage, SignedUrlOptions, StoredObject } from './types';

export interface LocalStorageConfig {
  /** Folder that holds the objects, e.g. `.data/exports`. */
  root: string;
  /** Signs download URLs (`FILE_URL_SECRET`). */
  secret: string;
  /** Prefix of download URLs: '' for app-relative ones, or the app's origin for absolute ones. */
  baseUrl?: string;
}

/** The URL path under which the app serves local files (app/api/files/[...path]/route.ts). */
export const FILES_ROUTE = '/api/files';

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.pdf': 'application/pdf',
  '.webp': 'image/webp',
};

/** Objects as files under one folder, downloaded through an app route with HMAC-signed, expiring URLs. */
export class LocalStorage implements ObjectStorage {
  readonly driver = 'local';
  private readonly root: string;

  constructor(private readonly config: LocalStorageConfig) {
    this.root = path.resolve(config.root);
  }

  /**
   * Writes to a temporary file beside the target, flushes it and renames it
   * over the target: a crash leaves either the old object or the new one,
   * never half a file, and readers never see a partial write.
   */
  async put(objectPath: string, body: ObjectBody, _options: { contentType: string }): Promise<StoredObject> {
    const target = this.resolve(objectPath);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
    try {
      if (typeof body === 'string') await fs.copyFile(body, temp);
      else await fs.writeFile(temp, body);
      const handle = await fs.open(temp, 'r+');
      await handle.sync().finally(() => handle.close());
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    return (await this.stat(objectPath))!;
  }

  async signedUrl(objectPath: string, options: SignedUrlOptions): Promise<string> {
    if (!(await this.stat(objectPath))) throw new ObjectNotFoundError(objectPath);
    const expires = Math.floor(Date.now() / 1000) + options.expiresInSeconds;
    const query = signFileUrl(this.config.secret, objectPath, expires, options.downloadName);
    const search = new URLSearchParams({ expires: String(query.expires), sig: query.sig, ...(query.name ? { name: query.name } : {}) });
    const urlPath = objectPath.split('/').map(encodeURIComponent).join('/');
    return `${this.config.baseUrl ?? ''}${FILES_ROUTE}/${urlPath}?${search}`;
  }

  async remove(paths: string[]): Promise<void> {
    await Promise.all(paths.map((p) => fs.rm(this.resolve(p), { force: true })));
  }

  async list(prefix = ''): Promise<StoredObject[]> {
    const start = prefix ? this.resolve(prefix.replace(/\/$/, '')) : this.root;
    const entries = await fs.readdir(start, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    const objects: StoredObject[] = [];
    for (const entry of entries) {
      // Dot files are writes in progress (see put).
      if (!entry.isFile() || entry.name.startsWith('.')) continue;
      const file = path.join(entry.parentPath, entry.name);
      const stat = await fs.stat(file).catch(() => null);
      if (stat) objects.push({ path: path.relative(this.root, file).split(path.sep).join('/'), size: stat.size, updatedAt: stat.mtime });
    }
    return objects.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  async stat(objectPath: string): Promise<StoredObject | null> {
    const stat = await fs.stat(this.resolve(objectPath)).catch(() => null);
    return stat?.isFile() ? { path: objectPath, size: stat.size, updatedAt: stat.mtime } : null;
  }

  /** Creates the folder if needed and writes and removes a dot file in it (dot files are invisible to `list`). */
  async check(): Promise<void> {
    const probe = path.join(this.root, `.health-${crypto.randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.mkdir(this.root, { recursive: true });
      await fs.writeFile(probe, '');
      await fs.rm(probe, { force: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new StorageUnavailableError(`The export folder ${this.root} is not writable (${code ?? 'error'}): make it a writable folder or set DATA_DIR.`, { cause: error });
    }
  }

  /**
   * For the file route: checks the signature and expiry of a download URL
   * and opens the object as a web stream with the headers of an attachment.
   */
  async openSignedDownload(objectPath: string, query: URLSearchParams): Promise<{ body: ReadableStream; headers: Headers }> {
    assertObjectPath(objectPath);
    const { name } = verifyFileUrl(this.config.secret, objectPath, query);
    const file = this.resolve(objectPath);
    const stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) throw new ObjectNotFoundError(objectPath);
    const filename = name ?? path.basename(file);
    const headers = new Headers({
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': String(stat.size),
      'content-disposition': `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    });
    return { body: Readable.toWeb(createReadStream(file)) as ReadableStream, headers };
  }

  /** Maps an object path to a file inside the root, refusing anything that would leave it. */
  private resolve(objectPath: string): string {
    const file = path.resolve(this.root, assertObjectPath(objectPath));
    if (!file.startsWith(this.root + path.sep)) throw new InvalidObjectPathError(objectPath);
    return file;
  }
}
