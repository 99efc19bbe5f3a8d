import 'server-only';
import { InvalidObjectPathError } from './errors';

/** One path segment: no separators, no leading dot (so no `..`, no hidden temp files). */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MAX_DEPTH = 4;

/**
 * Where an export's file and its history thumbnail live: deterministic
 * (`{user_id}/{job_id}.{ext}`), so a retried job overwrites instead of
 * duplicating, and cleanup can tell whose job an object belongs to.
 */
export function exportObjectPaths(userId: string, jobId: string, ext: string, thumbnailExt: string): { result: string; thumbnail: string } {
  return {
    result: assertObjectPath(`${userId}/${jobId}.${ext}`),
    thumbnail: assertObjectPath(`${userId}/${jobId}.thumb.${thumbnailExt}`),
  };
}

/** Returns `path` when it is a safe relative object path, else throws InvalidObjectPathError. */
export function assertObjectPath(path: string): string {
  const segments = path.split('/');
  if (segments.length > MAX_DEPTH || !segments.every((segment) => SEGMENT.test(segment) && !segment.includes('..'))) {
    throw new InvalidObjectPathError(path);
  }
  return path;
}
