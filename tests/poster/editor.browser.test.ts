import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PALETTES } from '@/lib/map/palettes';
import { launchOfflineBrowser, recordOutsideRequests } from './fixture/editorBrowser';
import { mapSettled, previewPixels } from './fixture/editorPage';

/**
 * The editor in real headless Chromium with the network cut off except for
 * the app itself: the map must paint from the offline basemap, in the
 * palette's colours, inside the poster frame.
 */
// The shared test app server (tests/support/globalSetup.ts).
const app = inject('appUrl');
let browser: Browser;
let page: Page;
let outside: string[];
const refused: string[] = [];

beforeAll(async () => {
  browser = await launchOfflineBrowser();
  page = await browser.newPage();
  outside = recordOutsideRequests(page, [app]);
  page.on('response', (r) => void (r.status() >= 400 && refused.push(`${r.status()} ${r.url()}`)));
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

/** Share of the preview's pixels within a small distance of each colour. */
async function shareOf(p: Page, hexes: string[]): Promise<number[]> {
  const { data, width, height } = await previewPixels(p);
  const targets = hexes.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  const counts = targets.map(() => 0);
  for (let i = 0; i < data.length; i += 3) {
    targets.forEach((t, k) => {
      if (Math.abs(data[i]! - t[0]!) <= 10 && Math.abs(data[i + 1]! - t[1]!) <= 10 && Math.abs(data[i + 2]! - t[2]!) <= 10) counts[k]!++;
    });
  }
  return counts.map((c) => c / (width * height));
}

describe('the poster editor, offline', () => {
  it('loads, paints the Three Rivers map and shows the palette’s road and water colours in the preview', async () => {
    await page.goto(app, { waitUntil: 'load', timeout: 120_000 });
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
    // A visitor who has not signed in sees no failed request either (the console would show each in red).
    expect(refused, 'requests the app refused').toEqual([]);
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
