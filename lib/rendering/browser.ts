import 'server-only';
import chromium from '@sparticuz/chromium';
import puppeteer, { TimeoutError, type Browser, type Page } from 'puppeteer-core';
import { BrowserCrashedError, RenderError, RenderTimeoutError } from './errors';
import { withTimeout } from './timeout';
import type { BrowserRestartReason } from '@/types/metrics';

export interface BrowserPoolOptions {
  /** A Chromium or Chrome binary (`CHROMIUM_PATH`); unset → the one in `@sparticuz/chromium`. */
  executablePath?: string;
  /** Jobs served by one browser before it is replaced, which bounds leaks in a long-lived process. */
  recycleAfterJobs?: number;
  /** Jobs served by one warm renderer page before it is closed and a fresh one loaded. */
  recyclePageAfterJobs?: number;
  launchTimeoutMs?: number;
  /** Opening or closing a page. */
  pageTimeoutMs?: number;
  /** A graceful browser close; after it the process is killed. */
  closeTimeoutMs?: number;
  /** Upper bound for any single DevTools call, as a last resort behind the per-step timeouts. */
  protocolTimeoutMs?: number;
  /** Told when a browser is replaced: relaunched after a crash, recycled after N jobs, or retired as unhealthy (for metrics and logs). */
  onRestart?: (reason: BrowserRestartReason) => void;
}

export interface BrowserPoolStats {
  /** Browsers launched in this process. */
  launches: number;
  /** Launches that replaced a browser which crashed or disconnected. */
  restarts: number;
  /** Browsers retired after `recycleAfterJobs` jobs. */
  recycles: number;
  /** Jobs started on the current browser. */
  jobsOnCurrentBrowser: number;
  /** Jobs running now, across current and retiring browsers. */
  activeJobs: number;
  /** Renderer pages loaded (each a navigation), and jobs that found one already loaded. */
  pagesLoaded: number;
  pagesReused: number;
}

const DEFAULTS = {
  recycleAfterJobs: 25,
  recyclePageAfterJobs: 10,
  launchTimeoutMs: 30_000,
  pageTimeoutMs: 10_000,
  closeTimeoutMs: 5_000,
  protocolTimeoutMs: 180_000,
} satisfies Required<Omit<BrowserPoolOptions, 'executablePath' | 'onRestart'>>;

/** The closed network here refuses connections; background fetches only add noise and delay. */
const EXTRA_ARGS = ['--disable-background-networking'];

/** A renderer page left loaded between jobs, for the next job with the same page URL. */
interface WarmPage {
  page: Page;
  url: string;
  jobs: number;
}

interface Slot {
  browser: Browser;
  jobs: number;
  active: number;
  /** Loaded renderer pages no job is using; they close with the browser. */
  idle: WarmPage[];
  /** Set once the slot leaves service (recycled, crashed or pool closing), so a disconnect is not counted as a crash. */
  retired: boolean;
}

/**
 * One warm Chromium shared by every job in this process. Concurrent callers
 * share one launch; the browser is replaced after `recycleAfterJobs` jobs
 * (once its running jobs finish) and relaunched on the next job after a
 * crash or disconnect.
 */
export class BrowserPool {
  private readonly options: Required<Omit<BrowserPoolOptions, 'executablePath' | 'onRestart'>> & Pick<BrowserPoolOptions, 'executablePath' | 'onRestart'>;
  private current: Slot | undefined;
  private launching: Promise<Slot> | undefined;
  private readonly slots = new Set<Slot>();
  private crashed = false;
  private closed = false;
  private counters = { launches: 0, restarts: 0, recycles: 0, pagesLoaded: 0, pagesReused: 0 };

  constructor(options: BrowserPoolOptions = {}) {
    this.options = { ...DEFAULTS, ...stripUndefined(options) };
  }

  /** Runs `job` on a fresh page of the warm browser; the page is closed afterwards whatever happens. */
  async withPage<T>(job: (page: Page) => Promise<T>): Promise<T> {
    return this.run(async (slot) => {
      const page = await withTimeout(slot.browser.newPage(), this.options.pageTimeoutMs, 'opening a page');
      return { page, keep: false, result: job(page) };
    });
  }

  /**
   * Runs `job` on a renderer page that stays loaded between jobs: one left
   * idle at `url` by an earlier job if there is one, else a new page that
   * `open` loads. After a job that succeeded the page goes back to the idle
   * list, unless it has served `recyclePageAfterJobs` jobs; after any failure
   * it is closed, so trouble never carries over to the next job.
   */
  async withRendererPage<T>(url: string, open: (page: Page) => Promise<void>, job: (page: Page) => Promise<T>): Promise<T> {
    return this.run(async (slot) => {
      let warm = takeIdle(slot, url);
      if (warm) this.counters.pagesReused++;
      else {
        const page = await withTimeout(slot.browser.newPage(), this.options.pageTimeoutMs, 'opening a page');
        warm = { page, url, jobs: 0 };
        this.counters.pagesLoaded++;
        try {
          await open(page);
        } catch (error) {
          await this.closePage(slot, page);
          throw error;
        }
      }
      const used = warm;
      used.jobs++;
      const result = job(used.page).then((value) => {
        if (used.jobs < this.options.recyclePageAfterJobs) slot.idle.push(used);
        else void this.closePage(slot, used.page);
        return value;
      });
      return { page: used.page, keep: true, result };
    });
  }

  /** One job on one slot: counts it, classifies its errors, closes its page unless the job keeps it, and disposes a retired browser. */
  private async run<T>(start: (slot: Slot) => Promise<{ page: Page; keep: boolean; result: Promise<T> }>): Promise<T> {
    const slot = await this.acquire();
    slot.active++;
    slot.jobs++;
    if (slot.jobs >= this.options.recycleAfterJobs) this.retire(slot, 'recycle');
    let page: Page | undefined;
    let keep = false;
    try {
      const started = await start(slot);
      page = started.page;
      const value = await started.result;
      keep = started.keep;
      return value;
    } catch (error) {
      throw classify(error, slot.browser, this.options.protocolTimeoutMs);
    } finally {
      slot.active--;
      if (page && !keep) await this.closePage(slot, page);
      if (slot.retired && slot.active === 0) await this.dispose(slot);
    }
  }

  private async closePage(slot: Slot, page: Page): Promise<void> {
    if (!slot.browser.connected || page.isClosed()) return;
    // A page stuck in a GPU loop may never close: then the whole browser goes.
    await withTimeout(page.close(), this.options.pageTimeoutMs, 'closing a page').catch(() => this.retire(slot, 'unhealthy'));
  }

  stats(): BrowserPoolStats {
    let activeJobs = 0;
    for (const slot of this.slots) activeJobs += slot.active;
    return { ...this.counters, jobsOnCurrentBrowser: this.current?.jobs ?? 0, activeJobs };
  }

  /** Process id of the current browser, if one is running (for metrics and crash tests). */
  browserPid(): number | undefined {
    return this.current?.browser.process()?.pid;
  }

  /** Closes every browser; later `withPage` calls fail. For shutdown. */
  async close(): Promise<void> {
    this.closed = true;
    await this.launching?.catch(() => undefined);
    await Promise.all([...this.slots].map((slot) => this.dispose(slot)));
    this.current = undefined;
  }

  private async acquire(): Promise<Slot> {
    if (this.closed) throw new BrowserCrashedError('The browser pool is closed (the worker is shutting down); the job will be retried.');
    const slot = this.current;
    if (slot && !slot.retired && slot.browser.connected) return slot;
    this.launching ??= this.launch().finally(() => {
      this.launching = undefined;
    });
    return this.launching;
  }

  private async launch(): Promise<Slot> {
    let browser: Browser;
    try {
      const executablePath = this.options.executablePath ?? (await chromium.executablePath());
      browser = await puppeteer.launch({
        executablePath,
        args: [...chromium.args, ...EXTRA_ARGS],
        headless: 'shell',
        defaultViewport: null,
        timeout: this.options.launchTimeoutMs,
        protocolTimeout: this.options.protocolTimeoutMs,
        // DevTools over a pipe: Chromium exits when this process dies, however it dies. Over a
        // WebSocket it outlived a SIGTERMed or SIGKILLed worker (puppeteer starts it detached).
        pipe: true,
        // The worker decides what a signal means (finish or release the job), not Puppeteer.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (error) {
      if (error instanceof TimeoutError) throw new RenderTimeoutError('launching Chromium', this.options.launchTimeoutMs);
      throw new BrowserCrashedError(`Chromium could not be launched: ${(error as Error).message}`, { cause: error });
    }
    const slot: Slot = { browser, jobs: 0, active: 0, idle: [], retired: false };
    this.counters.launches++;
    if (this.crashed) {
      this.counters.restarts++;
      this.options.onRestart?.('crash');
    }
    this.crashed = false;
    browser.on('disconnected', () => {
      if (!slot.retired) this.crashed = true;
      this.retire(slot, 'disconnected');
      if (slot.active === 0) this.slots.delete(slot);
    });
    this.slots.add(slot);
    this.current = slot;
    if (this.closed) {
      await this.dispose(slot);
      throw new BrowserCrashedError('The browser pool was closed while Chromium was starting.');
    }
    return slot;
  }

  private retire(slot: Slot, reason: 'recycle' | 'unhealthy' | 'disconnected'): void {
    if (!slot.retired && reason === 'recycle') this.counters.recycles++;
    if (!slot.retired && reason !== 'disconnected') this.options.onRestart?.(reason);
    slot.retired = true;
    if (this.current === slot) this.current = undefined;
  }

  private async dispose(slot: Slot): Promise<void> {
    slot.retired = true;
    this.slots.delete(slot);
    if (this.current === slot) this.current = undefined;
    if (!slot.browser.connected) {
      slot.browser.process()?.kill('SIGKILL');
      return;
    }
    await withTimeout(slot.browser.close(), this.options.closeTimeoutMs, 'closing Chromium').catch(() => {
      slot.browser.process()?.kill('SIGKILL');
    });
  }
}

/** Puppeteer's errors, in the words the queue understands. */
function classify(error: unknown, browser: Browser, protocolTimeoutMs: number): unknown {
  if (error instanceof RenderError) return error;
  if (!browser.connected) return new BrowserCrashedError('Chromium crashed or disconnected during the render; the job will be retried.', { cause: error });
  if (error instanceof TimeoutError) return new RenderTimeoutError('a browser operation', protocolTimeoutMs);
  const message = error instanceof Error ? error.message : String(error);
  if (/Target closed|Session closed|crashed|detached/i.test(message)) {
    return new BrowserCrashedError(`The renderer page crashed: ${message}`, { cause: error });
  }
  return error;
}

/** An idle page loaded at `url` that is still open. */
function takeIdle(slot: Slot, url: string): WarmPage | undefined {
  slot.idle = slot.idle.filter((warm) => !warm.page.isClosed());
  const i = slot.idle.findIndex((warm) => warm.url === url);
  return i < 0 ? undefined : slot.idle.splice(i, 1)[0];
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
