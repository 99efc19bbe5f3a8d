import 'server-only';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import {
  ObjectConflictError,
  ObjectNotFoundError,
  StorageError,
  StorageForbiddenError,
  StorageRejectedError,
  StorageUnavailableError,
} from './errors';
import { assertObjectPath } from './paths';
import type { ObjectBody, ObjectStorage, SignedUrlOptions, StoredObject } from './types';

export interface SupabaseStorageConfig {
  url: string;
  /** The secret key (sb_secret_…) or the legacy service_role key: writes bypass storage policies. */
  secretKey: string;
  bucket: string;
}

/** Supabase Storage pages `list` and caps `remove` at 1,000 names per call. */
const PAGE = 1000;

type FileApi = ReturnType<ReturnType<typeof createClient>['storage']['from']>;

/** Objects in a Supabase Storage bucket, written with the service role (bypasses storage policies). */
export class SupabaseStorage implements ObjectStorage {
  readonly driver = 'supabase';
  private readonly files: FileApi;

  constructor(config: SupabaseStorageConfig) {
    const client = createClient(config.url, config.secretKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      // supabase-js ≥ 2.55 throws at createClient on Node 20 without a WebSocket implementation, even with realtime unused.
      realtime: { transport: ws as unknown as typeof WebSocket },
    });
    this.files = client.storage.from(config.bucket);
  }

  async put(path: string, body: ObjectBody, options: { contentType: string }): Promise<StoredObject> {
    assertObjectPath(path);
    // A file is streamed (Node fetch, duplex half) rather than read whole: ultra posters reach hundreds of MB.
    const upload = typeof body === 'string' ? createReadStream(body) : body;
    const size = typeof body === 'string' ? (await fs.stat(body)).size : body.byteLength;
    const { error } = await this.files.upload(path, upload, { contentType: options.contentType, upsert: true, cacheControl: '3600' });
    if (error) throw storageError(error, path);
    return { path, size, updatedAt: new Date() };
  }

  async signedUrl(path: string, options: SignedUrlOptions): Promise<string> {
    assertObjectPath(path);
    const { data, error } = await this.files.createSignedUrl(path, options.expiresInSeconds, { download: options.downloadName ?? true });
    if (error) throw storageError(error, path);
    return data.signedUrl;
  }

  async remove(paths: string[]): Promise<void> {
    paths.forEach(assertObjectPath);
    for (let i = 0; i < paths.length; i += PAGE) {
      // Missing names are skipped by the server (it answers with the ones it removed).
      const { error } = await this.files.remove(paths.slice(i, i + PAGE));
      if (error) throw storageError(error, paths[i]);
    }
  }

  /** Walks folders depth-first: Storage lists one folder level at a time, folders having no id. */
  async list(prefix = ''): Promise<StoredObject[]> {
    const folder = prefix.replace(/\/$/, '');
    if (folder) assertObjectPath(folder);
    const objects: StoredObject[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const { data, error } = await this.files.list(folder, { limit: PAGE, offset, sortBy: { column: 'name', order: 'asc' } });
      if (error) throw storageError(error, folder);
      for (const entry of data) {
        const path = folder ? `${folder}/${entry.name}` : entry.name;
        if (entry.id === null) objects.push(...(await this.list(path)));
        else objects.push({ path, size: Number(entry.metadata?.size ?? 0), updatedAt: new Date(entry.updated_at ?? entry.created_at ?? Date.now()) });
      }
      if (data.length < PAGE) break;
    }
    return objects;
  }

  /** Lists one name of the bucket: proves the URL, the key and the bucket. */
  async check(): Promise<void> {
    const { error } = await this.files.list('', { limit: 1 });
    if (error) throw storageError(error, '(bucket)');
  }

  async stat(path: string): Promise<StoredObject | null> {
    assertObjectPath(path);
    const { data, error } = await this.files.info(path);
    if (error) {
      const mapped = storageError(error, path);
      if (mapped instanceof ObjectNotFoundError) return null;
      throw mapped;
    }
    // storage-js camel-cases the answer at run time although its type says snake_case: read both.
    const info = data as unknown as Record<string, string | number | undefined>;
    const updated = info.lastModified ?? info.last_modified ?? info.createdAt ?? info.created_at;
    return { path, size: Number(info.size ?? 0), updatedAt: updated ? new Date(updated) : new Date() };
  }
}

/**
 * Supabase Storage answers most errors as HTTP 400 with the real status in
 * the body (`statusCode` "404", "409", "403"), which storage-js exposes as
 * `statusCode`; a network failure has neither.
 */
export function storageError(error: unknown, path: string): StorageError {
  if (error instanceof StorageError) return error;
  const { status, statusCode, message } = error as { status?: number; statusCode?: string; message?: string };
  const code = String(statusCode ?? status ?? '');
  const detail = message ?? String(error);
  if (code === '404' || /not.?found|NoSuchKey/i.test(code)) return new ObjectNotFoundError(path, { cause: error });
  if (code === '409' || /Duplicate|already exists/i.test(code)) return new ObjectConflictError(`An object already exists at ${path}: ${detail}`, { cause: error });
  if (code === '401' || code === '403' || /Unauthorized|AccessDenied|InvalidJWT/i.test(code)) {
    return new StorageForbiddenError(`Supabase Storage refused access to ${path} (${detail}); check SUPABASE_SERVICE_ROLE_KEY and the bucket name.`, { cause: error });
  }
  if (status === undefined || status >= 500 || code === '429' || /^5\d\d$/.test(code)) {
    return new StorageUnavailableError(`Supabase Storage is unreachable or failing (${detail}); the job will be retried.`, { cause: error });
  }
  return new StorageRejectedError(`Supabase Storage rejected the request for ${path} (${code}: ${detail}).`, { cause: error });
}
