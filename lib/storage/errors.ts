import 'server-only';

/**
 * Storage failures, each with a stable `code` and whether the job that hit
 * it may succeed on another attempt (a network blip may; a refused key or a
 * bad path will not).
 */
export abstract class StorageError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ObjectNotFoundError extends StorageError {
  readonly code = 'object_not_found';
  readonly retryable = false;
  constructor(readonly path: string, options?: { cause?: unknown }) {
    super(`No stored file at ${path}; it may have expired and been cleaned up.`, options);
  }
}

/** The configured bucket does not exist: every upload would fail, so no job should wait for it. */
export class BucketMissingError extends StorageError {
  readonly code = 'bucket_missing';
  readonly retryable = false;
  constructor(readonly bucket: string, options?: { cause?: unknown }) {
    super(`The Supabase Storage bucket "${bucket}" does not exist: run \`npm run migrate\` with STORAGE_DRIVER=supabase to create it (private), or set STORAGE_BUCKET to an existing private bucket.`, options);
  }
}

/** The bucket serves objects without a signed URL: every export readable by anyone who learns its path. */
export class BucketPublicError extends StorageError {
  readonly code = 'bucket_public';
  readonly retryable = false;
  constructor(readonly bucket: string) {
    super(`The Supabase Storage bucket "${bucket}" is public: anyone who learns an export's path can download it. Make it private (Dashboard → Storage → the bucket → Edit → Public bucket off).`);
  }
}

/** An object path outside the `{user_id}/{job_id}.{ext}` shape, or one that tries to leave the storage root. */
export class InvalidObjectPathError extends StorageError {
  readonly code = 'invalid_object_path';
  readonly retryable = false;
  constructor(readonly path: string) {
    super(`"${path}" is not a valid object path: use folders and file names of letters, digits, ".", "_" and "-".`);
  }
}

/** The store refused the write as a duplicate (only possible without upsert). */
export class ObjectConflictError extends StorageError {
  readonly code = 'object_exists';
  readonly retryable = false;
}

/** The store refused the credentials or the policies forbid the operation: a configuration problem. */
export class StorageForbiddenError extends StorageError {
  readonly code = 'storage_forbidden';
  readonly retryable = false;
}

/** The store refused the request itself (too large, bad name, …): sending it again changes nothing. */
export class StorageRejectedError extends StorageError {
  readonly code = 'storage_rejected';
  readonly retryable = false;
}

/** The store could not be reached or failed on its side; the same request may pass later. */
export class StorageUnavailableError extends StorageError {
  readonly code = 'storage_unavailable';
  readonly retryable = true;
}

/** /api/files under the Supabase driver: its downloads come from Supabase Storage, never from this route. */
export class FilesNotServedError extends StorageError {
  readonly code = 'files_not_served';
  readonly retryable = false;
  constructor() {
    super('This deployment keeps exports in Supabase Storage, which serves the downloads itself: open the download again from your export history.');
  }
}

/** A download URL whose signature does not match (tampered, or signed with another secret). */
export class InvalidSignatureError extends StorageError {
  readonly code = 'invalid_signature';
  readonly retryable = false;
  constructor() {
    super('This download link is not valid. Open the download again from your export history.');
  }
}

/** A correctly signed download URL past its expiry. */
export class ExpiredUrlError extends StorageError {
  readonly code = 'url_expired';
  readonly retryable = false;
  constructor() {
    super('This download link has expired. Open the download again from your export history for a fresh link.');
  }
}
