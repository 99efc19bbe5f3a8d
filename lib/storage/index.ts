import 'server-only';
import path from 'node:path';
import { appUrl, env, supabaseKeys, type Env } from '@/lib/env';
import { FilesNotServedError, StorageForbiddenError } from './errors';
import { LocalStorage, type LocalStorageConfig } from './local';
import { SupabaseStorage, type SupabaseStorageConfig } from './supabase';
import type { ObjectStorage } from './types';

export * from './errors';
export { exportObjectPaths, assertObjectPath } from './paths';
export { FILES_ROUTE, LocalStorage } from './local';
export { SupabaseStorage } from './supabase';
export type { ObjectBody, ObjectStorage, SignedUrlOptions, StoredObject } from './types';

export type StorageConfig = ({ driver: 'local' } & LocalStorageConfig) | ({ driver: 'supabase' } & SupabaseStorageConfig);

export function createStorage(config: StorageConfig): ObjectStorage {
  return config.driver === 'supabase' ? new SupabaseStorage(config) : new LocalStorage(config);
}

/** The local driver's folder: `{DATA_DIR}/exports`, shared by the worker that writes and the route that serves. */
export function localStorageRoot(e: Env = env()): string {
  return path.resolve(e.DATA_DIR, 'exports');
}

/** The local driver as configured by the environment; the file route needs its download check. */
export function localStorageFromEnv(e: Env = env()): LocalStorage {
  // Supabase Storage serves its own signed URLs; nothing of this deployment lives in the local folder.
  if (e.STORAGE_DRIVER !== 'local') throw new FilesNotServedError();
  if (!e.FILE_URL_SECRET) {
    throw new StorageForbiddenError('FILE_URL_SECRET is not set: local downloads cannot be signed. Set it to a random secret of 32 characters or more (`openssl rand -hex 32`); `npm run dev` makes one in development.');
  }
  return new LocalStorage({ root: localStorageRoot(e), secret: e.FILE_URL_SECRET, baseUrl: appUrl(e) });
}

const g = globalThis as unknown as { __cartoStorage?: ObjectStorage };

/** The storage this process uses, chosen by STORAGE_DRIVER (local by default). */
export function getStorage(): ObjectStorage {
  g.__cartoStorage ??= storageFromEnv(env());
  return g.__cartoStorage;
}

function storageFromEnv(e: Env): ObjectStorage {
  if (e.STORAGE_DRIVER === 'supabase') {
    // env validation guarantees a URL and a secret key when the driver is supabase.
    return new SupabaseStorage({ url: e.SUPABASE_URL!, secretKey: supabaseKeys(e).secret!, bucket: e.STORAGE_BUCKET });
  }
  return localStorageFromEnv(e);
}

/**
 * `npm run migrate` (and so every Vercel deploy) makes sure the Supabase
 * bucket exists, private; an existing bucket is left as it is, and a public
 * one is reported rather than changed behind its owner's back.
 */
export async function ensureSupabaseBucket(log: (message: string) => void, e: Env = env()): Promise<void> {
  if (e.STORAGE_DRIVER !== 'supabase') return;
  const storage = storageFromEnv(e) as SupabaseStorage;
  const outcome = await storage.ensureBucket();
  log(outcome === 'created' ? `created the private Supabase Storage bucket "${e.STORAGE_BUCKET}"` : `Supabase Storage bucket "${e.STORAGE_BUCKET}" exists`);
  await storage.check().catch((err: Error) => log(`warning: ${err.message}`));
}
