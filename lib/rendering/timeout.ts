import 'server-only';
import { RenderTimeoutError } from './errors';

/**
 * Resolves like `promise`, or rejects with RenderTimeoutError after `ms`.
 * The losing promise keeps running; callers close the page or browser it
 * belongs to, which is what actually stops the work.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, step: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RenderTimeoutError(step, ms)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
