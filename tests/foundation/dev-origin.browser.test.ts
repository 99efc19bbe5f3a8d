import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/**
 * The editor under `next dev` (the shared test app), opened at an address
 * other than localhost: it must hydrate (the map draws), and fill its window
 * with no frame and no scroll.
 */
const appUrl = inject('appUrl');
const at127 = appUrl.replace('//localhost:', '//127.0.0.1:');
let browser: Browser;

beforeAll(async () => {
  const sparticuz = (await import('@sparticuz/chromium')).default;
  browser = await chromium.launch({ executablePath: await sparticuz.executablePath(), args: sparticuz.args, headless: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe('the editor at http://127.0.0.1', () => {
  it('next dev hands its dev resources to 127.0.0.1, and still refuses another site', async () => {
    expect(at127).not.toBe(appUrl);
    const asked = (origin: string) => fetch(`${appUrl}/_next/static/chunks/none.js`, { headers: { origin } });
    expect((await asked(at127)).status).not.toBe(403);
    expect((await asked('http://evil.example')).status).toBe(403);
  });

  it('hydrates (the map draws) and fills the window: no body margin, no scroll', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await page.goto(`${at127}/`, { timeout: 180_000 });
      await page.waitForSelector('canvas.maplibregl-canvas', { timeout: 120_000 });
      const layout = await page.evaluate(() => ({
        margin: getComputedStyle(document.body).margin,
        overflow: document.scrollingElement!.scrollHeight - window.innerHeight,
      }));
      expect(layout).toEqual({ margin: '0px', overflow: 0 });
    } finally {
      await page.close();
    }
  }, 240_000);
});
