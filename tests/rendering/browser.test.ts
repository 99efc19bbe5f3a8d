import chromium from '@sparticuz/chromium';
import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { BrowserPool } from '@/lib/rendering/browser';
import { BrowserCrashedError } from '@/lib/rendering/errors';

const pools: BrowserPool[] = [];
function pool(options: ConstructorParameters<typeof BrowserPool>[0] = {}) {
  const p = new BrowserPool(options);
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const two = (p: BrowserPool) => p.withPage((page) => page.evaluate(() => 1 + 1));

describe('warm browser', () => {
  it('concurrent jobs share one launch and later jobs reuse the warm browser', async () => {
    const p = pool();
    expect(await Promise.all([two(p), two(p), two(p)])).toEqual([2, 2, 2]);
    await two(p);
    expect(p.stats()).toMatchObject({ launches: 1, restarts: 0, recycles: 0, jobsOnCurrentBrowser: 4, activeJobs: 0 });
  });

  it('is replaced after N jobs, once its last job is done', async () => {
    const p = pool({ recycleAfterJobs: 2 });
    await two(p);
    const first = p.browserPid()!;
    await two(p);
    expect(alive(first)).toBe(false);
    await two(p);
    expect(p.browserPid()).not.toBe(first);
    expect(p.stats()).toMatchObject({ launches: 2, recycles: 1, restarts: 0, jobsOnCurrentBrowser: 1 });
  });

  it('a killed browser fails its job as retryable and the next job gets a fresh one', async () => {
    const p = pool();
    await two(p);
    const pid = p.browserPid()!;
    const job = p.withPage(async (page) => {
      process.kill(pid, 'SIGKILL');
      return page.evaluate(() => new Promise(() => undefined));
    });
    await expect(job).rejects.toBeInstanceOf(BrowserCrashedError);
    await expect(job).rejects.toMatchObject({ code: 'browser_crashed', retryable: true });
    expect(await two(p)).toBe(2);
    expect(p.browserPid()).not.toBe(pid);
    expect(p.stats()).toMatchObject({ launches: 2, restarts: 1 });
  });

  it('keeps a renderer page loaded between jobs, and replaces it after N jobs or after a failed job', async () => {
    const p = pool({ recyclePageAfterJobs: 3 });
    const open = async (page: Page) => {
      await page.goto('about:blank');
      await page.evaluate(() => void ((window as unknown as { loadedAt: number }).loadedAt = Math.random()));
    };
    const job = () => p.withRendererPage('about:blank', open, (page) => page.evaluate(() => (window as unknown as { loadedAt: number }).loadedAt));
    const first = await job();
    expect(await job()).toBe(first);
    expect(await job()).toBe(first);
    const fourth = await job();
    expect(fourth).not.toBe(first);
    expect(p.stats()).toMatchObject({ pagesLoaded: 2, pagesReused: 2 });
    await expect(p.withRendererPage('about:blank', open, async () => Promise.reject(new Error('tile failed')))).rejects.toThrow('tile failed');
    expect(await job()).not.toBe(fourth);
    expect(p.stats()).toMatchObject({ pagesLoaded: 3, pagesReused: 3 });
  });

  it('runs a binary given by path (CHROMIUM_PATH) and refuses work after close', async () => {
    const p = pool({ executablePath: await chromium.executablePath() });
    expect(await two(p)).toBe(2);
    await p.close();
    await expect(two(p)).rejects.toBeInstanceOf(BrowserCrashedError);
  });
});
