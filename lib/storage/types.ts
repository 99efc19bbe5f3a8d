/** What `put` stores: the path of a file on disk, streamed (large posters), or bytes in memory. */
export type ObjectBody = string | Uint8Array;

export interface StoredObject {
  /** Object path relative to the bucket or storage root, e.g. `{user_id}/{job_id}.png`. */
  path: string;
  size: number;
  updatedAt: Date;
}

export interface SignedUrlOptions {
  expiresInSeconds: number;
  /** File name offered to the browser (Content-Disposition); defaults to the object's own name. */
  downloadName?: string;
}

/** The one interface both drivers implement; callers never know which one they hold. */
export interface ObjectStorage {
  readonly driver: 'local' | 'supabase';
  /** Writes the object, replacing any object at the same path (upsert). */
  put(path: string, body: ObjectBody, options: { contentType: string }): Promise<StoredObject>;
  /** A short-lived URL that downloads the object without further authentication. */
  signedUrl(path: string, options: SignedUrlOptions): Promise<string>;
  /** Deletes the objects; paths that are already gone are not an error. */
  remove(paths: string[]): Promise<void>;
  /** Every object under `prefix` (a folder such as a user id; default: all), in all subfolders. */
  list(prefix?: string): Promise<StoredObject[]>;
  /** The object's size and time, or null when there is none. */
  stat(path: string): Promise<StoredObject | null>;
  /** Resolves when the store can take writes of these types (health checks); throws a StorageError saying what to fix otherwise. */
  check(options?: { contentTypes?: readonly string[] }): Promise<void>;
}
