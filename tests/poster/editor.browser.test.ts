import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { PALETTES } from '@/lib/map/palettes';

/**
 * The editor in real headless Chromium with the network cut off except for
 * the app itself: the map must paint from the offline basemap, in the
 * palette's colours, inside the poster frame.
 */
// The shared test app server (tests/support/globalSetup.ts).
const app = { url: inject('appUrl') };
let browser: Browser;
let page: Page;
const outside: string[] = [];

beforeAll(async () => {
  browser = await puppeteer.launch({
    executablePath: await chromium.executablePath(),
    args: [...chromium.args, '--disable-background-networking'],
    headless: true,
    defaultViewport: { width: 1400, height: 900 },
  });
  page = await browser.newPage();
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith(app.url) || url.startsWith('data:') || url.startsWith('blob:')) return void request.continue();
    outside.push(url);
    void request.abort();
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

/** Waits until the map has loaded every tile, then makes SwiftShader actually draw (its `idle` comes early). */
async function mapSettled(p: Page) {
  await p.waitForFunction(() => {
    const map = (window as unknown as { __posterMap?: { loaded(): boolean; areTilesLoaded(): boolean; isStyleLoaded(): boolean } }).__posterMap;
    return Boolean(map && map.loaded() && map.isStyleLoaded() && map.areTilesLoaded());
  }, { timeout: 180_000, polling: 200 });
  await p.evaluate(async () => {
    const map = (window as unknown as { __posterMap: { triggerRepaint(): void; getCanvas(): HTMLCanvasElement } }).__posterMap;
    map.triggerRepaint();
    for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
    const gl = map.getCanvas().getContext('webgl2')!;
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
  });
}

/** Share of the preview's map pixels within a small distance of a colour. */
async function shareOf(p: Page, hexes: string[]): Promise<number[]> {
  const preview = (await p.$('[data-testid="poster-preview"]'))!;
  const png = await preview.screenshot({ type: 'png' });
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const targets = hexes.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  const counts = targets.map(() => 0);
  for (let i = 0; i < data.length; i += info.channels) {
    targets.forEach((t, k) => {
      if (Math.abs(data[i]! - t[0]!) <= 10 && Math.abs(data[i + 1]! - t[1]!) <= 10 && Math.abs(data[i + 2]! - t[2]!) <= 10) counts[k]!++;
    });
  }
  return counts.map((c) => c / (info.width * info.height));
}

describe('the poster editor, offline', () => {
  it('loads, paints the Three Rivers map and shows the palette’s road and water colours in the preview', async () => {
    await page.goto(app.url, { waitUntil: 'load', timeout: 120_000 });
    await mapSettled(page);

    // A style with unmistakable road and water colours, chosen the way a person would.
    await page.click('[data-style="retro"]');
    await page.click('[data-palette="sunset"]');
    await mapSettled(page);
    const { roadMajor, water, paper } = PALETTES.retro.sunset.colors;
    const [road, waterShare, paperShare] = await shareOf(page, [roadMajor, water, paper]);
    expect(road, 'major roads drawn in the palette’s road colour').toBeGreaterThan(0.001);
    expect(waterShare, 'rivers and ponds in the palette’s water colour').toBeGreaterThan(0.0005);
    expect(paperShare, 'paper margins and the text backdrop').toBeGreaterThan(0.05);
    expect(outside, 'nothing fetched from outside the app').toEqual([]);
  }, 300_000); // a cold `next dev` compiles the editor on first load

  it('redraws the poster text as you type', async () => {
    const overlay = async () => page.$eval('[data-testid="poster-overlay"]', (c) => (c as HTMLCanvasElement).toDataURL());
    const before = await overlay();
    await page.click('input[aria-label="Title"]', { count: 3 });
    await page.keyboard.type('Riverside');
    await page.waitForFunction((prev) => (document.querySelector('[data-testid="poster-overlay"]') as HTMLCanvasElement).toDataURL() !== prev, { timeout: 10_000 }, before);
    expect(await overlay()).not.toBe(before);
  });
});
