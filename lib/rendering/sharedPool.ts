import type { BrowserPool } from './browser';

/**
 * The one warm browser pool of this process, kept on globalThis so Next's
 * dev reloads do not leak browsers. Apart from browser.ts so the health
 * check can ask whether a browser is warm without loading Puppeteer.
 */
const g = globalThis as unknown as { __cartoBrowserPool?: BrowserPool };

export function sharedBrowserPool(create: () => BrowserPool): BrowserPool {
  g.__cartoBrowserPool ??= create();
  return g.__cartoBrowserPool;
}

/** The pool if this process has made one; never starts one. */
export function currentBrowserPool(): BrowserPool | undefined {
  return g.__cartoBrowserPool;
}
