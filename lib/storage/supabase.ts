import 'server-only';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import {
  BucketMissingError,
  BucketPublicError,
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

type BucketApi = ReturnType<typeof createClient>['storage'];
type FileApi = ReturnType<BucketApi['from']>;

/** Objects in a Supabase Storage bucket, written with the service role (bypasses storage policies). */
export class SupabaseStorage implements ObjectStorage {
  readonly driver = 'supabase';
  private readonly files: FileApi;
  private readonly buckets: BucketApi;
  private readonly bucket: string;

  constructor(config: SupabaseStorageConfig) {
    const client = createClient(config.url, config.secretKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      // supabase-js ≥ 2.55 throws at createClient on Node 20 without a WebSocket implementation, even with realtime unused.
      realtime: { transport: ws as unknown as typeof WebSocket },
    });
    this.buckets = client.storage;
    this.bucket = config.bucket;
    this.files = client.storage.from(config.bucket);
  }

  private fail(error: unknown, path: string, contentType?: string): StorageError {
    return storageError(error, { path, bucket: this.bucket, contentType });
  }

  async put(path: string, body: ObjectBody, options: { contentType: string }): Promise<StoredObject> {
    assertObjectPath(path);
    // A file is streamed (Node fetch, duplex half) rather than read whole: ultra posters reach hundreds of MB.
    const upload = typeof body === 'string' ? createReadStream(body) : body;
    const size = typeof body === 'string' ? (await fs.stat(body)).size : body.byteLength;
    const { error } = await this.files.upload(path, upload, { contentType: options.contentType, upsert: true, cacheControl: '3600' });
    if (error) throw this.fail(error, path, options.contentType);
    return { path, size, updatedAt: new Date() };
  }

  async signedUrl(path: string, options: SignedUrlOptions): Promise<string> {
    assertObjectPath(path);
    const { data, error } = await this.files.createSignedUrl(path, options.expiresInSeconds, { download: options.downloadName ?? true });
    if (error) throw this.fail(error, path);
    return data.signedUrl;
  }

  async remove(paths: string[]): Promise<void> {
    paths.forEach(assertObjectPath);
    for (let i = 0; i < paths.length; i += PAGE) {
      // Missing names are skipped by the server (it answers with the ones it removed).
      const { error } = await this.files.remove(paths.slice(i, i + PAGE));
      if (error) throw this.fail(error, paths[i]);
    }
  }

  /** Walks folders depth-first: Storage lists one folder level at a time, folders having no id. */
  async list(prefix = ''): Promise<StoredObject[]> {
    const folder = prefix.replace(/\/$/, '');
    if (folder) assertObjectPath(folder);
    const objects: StoredObject[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const { data, error } = await this.files.list(folder, { limit: PAGE, offset, sortBy: { column: 'name', order: 'asc' } });
      if (error) throw this.fail(error, folder);
      for (const entry of data) {
        const path = folder ? `${folder}/${entry.name}` : entry.name;
        if (entry.id === null) objects.push(...(await this.list(path)));
        else objects.push({ path, size: Number(entry.metadata?.size ?? 0), updatedAt: new Date(entry.updated_at ?? entry.created_at ?? Date.now()) });
      }
      if (data.length < PAGE) break;
    }
    return objects;
  }

  /**
   * Asks for the bucket itself: listing a bucket that does not exist answers
   * 200 with nothing in it, so only this proves the URL, the key and the
   * bucket. A public bucket would serve every export to anyone who knows its
   * path, and one limited to other file types refuses every upload (415).
   */
  async check(options: { contentTypes?: readonly string[] } = {}): Promise<void> {
    const { data, error } = await this.buckets.getBucket(this.bucket);
    if (error) throw this.fail(error, '(bucket)');
    if (data.public) throw new BucketPublicError(this.bucket);
    const allowed = data.allowed_mime_types ?? [];
    const refused = (options.contentTypes ?? []).filter((type) => allowed.length && !allowed.some((a) => a === type || (a.endsWith('/*') && type.startsWith(a.slice(0, -1)))));
    if (refused.length) {
      throw new StorageRejectedError(`The Supabase Storage bucket "${this.bucket}" accepts only ${allowed.join(', ')}, so exports of type ${refused.join(', ')} would be refused: add them to its allowed MIME types, or clear the list.`);
    }
  }

  /** Creates the bucket, private and without type or size limits of its own, unless it exists; says what it did. */
  async ensureBucket(): Promise<'created' | 'exists'> {
    const { error } = await this.buckets.getBucket(this.bucket);
    if (!error) return 'exists';
    const missing = this.fail(error, '(bucket)');
    if (!(missing instanceof BucketMissingError)) throw missing;
    const created = await this.buckets.createBucket(this.bucket, { public: false });
    if (created.error) throw this.fail(created.error, '(bucket)');
    return 'created';
  }

  async stat(path: string): Promise<StoredObject | null> {
    assertObjectPath(path);
    const { data, error } = await this.files.info(path);
    if (error) {
      const mapped = this.fail(error, path);
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
 * the body (`statusCode` "404", "409", "403", "413", "415"), which storage-js
 * exposes as `statusCode`; a network failure has neither. A 404 is a missing
 * bucket when the message says so ("Bucket not found"), else a missing
 * object. Refusals fail the job at once; only the server's own trouble
 * (5xx, 429, no answer) is worth another attempt.
 */
export function storageError(error: unknown, at: { path: string; bucket: string; contentType?: string }): StorageError {
  if (error instanceof StorageError) return error;
  const { status, statusCode, message } = error as { status?: number; statusCode?: string; message?: string };
  const code = String(statusCode ?? status ?? '');
  const detail = message ?? String(error);
  const { path, bucket } = at;
  if (/bucket not found|NoSuchBucket/i.test(`${detail} ${code}`)) return new BucketMissingError(bucket, { cause: error });
  if (code === '404' || /not.?found|NoSuchKey/i.test(code)) return new ObjectNotFoundError(path, { cause: error });
  if (code === '409' || /Duplicate|already exists/i.test(code)) return new ObjectConflictError(`An object already exists at ${path}: ${detail}`, { cause: error });
  if (code === '401' || code === '403' || /Unauthorized|AccessDenied|InvalidJWT/i.test(code)) {
    return new StorageForbiddenError(`Supabase Storage refused access to ${path} in bucket "${bucket}" (${detail}): set SUPABASE_SECRET_KEY to the project's secret key (sb_secret_…, or the legacy service_role key), not the publishable one.`, { cause: error });
  }
  if (code === '415' || /InvalidMimeType/i.test(code)) {
    return new StorageRejectedError(`Supabase Storage refused ${path}: the bucket "${bucket}" does not accept ${at.contentType ?? 'this file type'} (${detail}). Add it to the bucket's allowed MIME types, or clear the list.`, { cause: error });
  }
  if (code === '413' || /EntityTooLarge/i.test(code)) {
    return new StorageRejectedError(`Supabase Storage refused ${path}: the file is larger than the bucket "${bucket}" or the project allows (${detail}). Raise the bucket's file size limit and the project's upload limit (Storage settings), or export a smaller size.`, { cause: error });
  }
  if (status === undefined || status >= 500 || code === '429' || /^5\d\d$/.test(code)) {
    return new StorageUnavailableError(`Supabase Storage is unreachable or failing (${detail}); the job will be retried.`, { cause: error });
  }
  return new StorageRejectedError(`Supabase Storage rejected the request for ${path} (${code}: ${detail}).`, { cause: error });
}
