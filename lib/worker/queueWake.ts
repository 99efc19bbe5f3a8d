/**
 * Lets idle worker loops sleep until a job is queued — `notify()` is called
 * for each NOTIFY on the queue's channel — or until their poll interval
 * passes, which stays as the fallback (no direct connection, a lost LISTEN,
 * a retry whose backoff ran out). A notification that arrives while no loop
 * waits is kept for the next wait, so a job queued between a loop's empty
 * claim and its sleep is not left to the poll.
 */
export class QueueWake {
  private waiters = new Set<() => void>();
  private pending = false;

  /** A job was queued: wake every waiting loop (the claim's SKIP LOCKED sorts out who gets it). */
  readonly notify = (): void => {
    if (this.waiters.size === 0) {
      this.pending = true;
      return;
    }
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  };

  /** Resolves 'notified' at the next notification, 'timeout' after `ms`, 'aborted' when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<'notified' | 'timeout' | 'aborted'> {
    if (signal?.aborted) return Promise.resolve('aborted');
    if (this.pending) {
      this.pending = false;
      return Promise.resolve('notified');
    }
    return new Promise((resolve) => {
      const finish = (how: 'notified' | 'timeout' | 'aborted') => {
        clearTimeout(timer);
        this.waiters.delete(onNotify);
        signal?.removeEventListener('abort', onAbort);
        resolve(how);
      };
      const onNotify = () => finish('notified');
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), ms);
      this.waiters.add(onNotify);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
