import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchOfflineBrowser } from '../poster/fixture/editorBrowser';

/**
 * The editor's "Map data" section on a deployment with no online planet (the
 * shared test app runs with ONLINE_TILEJSON_URL=off, as a closed network
 * leaves it): the offline basemap is in use, and the editor says where it has
 * no streets before anyone exports.
 */
const app = inject('appUrl');
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launchOfflineBrowser();
  page = await browser.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

const notice = () => page.$eval('[data-testid="map-source"]', (s) => s.querySelector('[data-testid="map-source-notice"]')?.textContent ?? null);

async function setNumber(label: string, value: number) {
  await page.click(`input[aria-label="${label}"]`, { count: 3 });
  await page.keyboard.type(String(value));
}

describe('the editor’s map data', () => {
  it('uses the offline basemap, and says so where it has no streets', async () => {
    await page.goto(app, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForSelector('[data-testid="map-source"] input[data-source="offline"]', { timeout: 120_000 });
    expect(await page.$eval('input[data-source="offline"]', (i) => (i as HTMLInputElement).checked)).toBe(true);
    expect(await page.$('input[data-source="online"]')).toBeNull(); // none configured here
    expect(await notice()).toBeNull(); // Three Rivers at street zoom: the extract has its streets

    // Paris at street zoom: the offline basemap has only the world layers there.
    await setNumber('Latitude', 48.8566);
    await setNumber('Longitude', 2.3522);
    await page.waitForSelector('[data-testid="map-source-notice"]', { timeout: 10_000 });
    expect(await notice()).toMatch(/No street detail here offline.*Three Rivers, Michigan.*choose the online planet, or set TILES_FILE/);

    // A poster of a whole country needs no streets: no notice.
    await setNumber('Zoom', 5);
    await page.waitForFunction(() => !document.querySelector('[data-testid="map-source-notice"]'), { timeout: 10_000 });
  }, 300_000);
});
