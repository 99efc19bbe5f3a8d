import 'server-only';

/**
 * The bound on work in this process, honoured by every path that claims —
 * the kick after an enqueue, the cron tick and `npm run worker`'s loops all
 * take a slot before they claim. A process at its limit claims nothing, so
 * the queue hands a job only to a process that can start it now; before
 * this, every kick claimed one more job and rendered them all side by side
 * (80 of 100 first attempts in a burst timed out).
 *
 * A job holds its render slot while Chromium draws it and gives it back once
 * its tiles are captured, so the next job renders while this one encodes and
 * uploads. At most `limit` renders and `2 × limit` jobs are in flight.
 */
export class RenderSlots {
  private renders = 0;
  private jobs = 0;
  private woken = false;
  private listeners: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`render slots: limit must be a whole number ≥ 1, got ${limit}`);
  }

  /** Whether a claim could start now. */
  hasRoom(): boolean {
    return this.renders < this.limit && this.jobs < 2 * this.limit;
  }

  /**
   * A slot for one claim, or undefined at the limit; then, with `askToLookAgain`
   * (a caller with nothing running), a running tick looks at the queue again.
   */
  tryStart(askToLookAgain = true): JobSlot | undefined {
    if (!this.hasRoom()) {
      if (askToLookAgain) this.askToLookAgain();
      return undefined;
    }
    this.renders++;
    this.jobs++;
    let rendering = true;
    let running = true;
    const renderDone = () => {
      if (!rendering) return;
      rendering = false;
      this.renders--;
      this.changed();
    };
    return {
      renderDone,
      done: () => {
        renderDone();
        if (!running) return;
        running = false;
        this.jobs--;
        this.changed();
      },
    };
  }

  /** Someone found every slot taken and goes away: the next tick to claim nothing claims once more. */
  askToLookAgain(): void {
    this.woken = true;
  }

  /**
   * True once after someone found every slot taken: a tick that just claimed
   * nothing must look again, since the job that caller saw queued may have
   * been committed after that empty claim.
   */
  takeWake(): boolean {
    const woken = this.woken;
    this.woken = false;
    return woken;
  }

  /** Resolves at the next slot given back. */
  whenChanged(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  stats(): { renders: number; jobs: number; limit: number } {
    return { renders: this.renders, jobs: this.jobs, limit: this.limit };
  }

  private changed(): void {
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }
}

export interface JobSlot {
  /** The job's tiles are captured: another job may render. */
  renderDone(): void;
  /** The job has ended (any outcome). */
  done(): void;
}

// One per process, kept on globalThis so Next's dev reloads share it.
const g = globalThis as unknown as { __cartoRenderSlots?: RenderSlots };

/** This process's slots; the first caller's limit (WORKER_CONCURRENCY) holds for the process's life. */
export function renderSlots(limit: number): RenderSlots {
  g.__cartoRenderSlots ??= new RenderSlots(limit);
  return g.__cartoRenderSlots;
}
