import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchOfflineBrowser, recordOutsideRequests } from '../poster/fixture/editorBrowser';
import { mapSettled } from '../poster/fixture/editorPage';

/**
 * The editor's place search in real Chromium, offline: type a name, choose a
 * result with the keyboard, and the map and the poster's text move there.
 */
const app = inject('appUrl');
let browser: Browser;
let page: Page;
let outside: string[];

beforeAll(async () => {
  browser = await launchOfflineBrowser();
  page = await browser.newPage();
  outside = recordOutsideRequests(page, [app]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

const SEARCH = 'input[role="combobox"][aria-label="Search for a place"]';
const value = (selector: string) => page.$eval(selector, (el) => (el as HTMLInputElement).value);
const mapView = () =>
  page.evaluate(() => {
    const map = (window as unknown as { __posterMap: { getCenter(): { lng: number; lat: number }; getZoom(): number } }).__posterMap;
    return { ...map.getCenter(), zoom: map.getZoom() };
  });

describe('searching for a place in the editor', () => {
  it('types "wien", picks Vienna with the arrow keys and Enter, and the map, title and subtitle follow', async () => {
    await page.goto(app, { waitUntil: 'load', timeout: 120_000 });
    await mapSettled(page);
    const before = await mapView();
    const overlay = () => page.$eval('[data-testid="poster-overlay"]', (c) => (c as HTMLCanvasElement).toDataURL());
    const overlayBefore = await overlay();

    await page.click(SEARCH);
    await page.keyboard.type('wien');
    // A combobox with its listbox of options, the native name shown beside the usual one.
    await page.waitForSelector('[role="listbox"] [role="option"][data-kind="city"]', { timeout: 120_000 });
    await page.waitForFunction(() => document.querySelector('[role="option"]')?.textContent?.includes('Vienna'), { timeout: 30_000 });
    expect(await page.$eval(SEARCH, (el) => el.getAttribute('aria-expanded'))).toBe('true');
    const options = await page.$$eval('[role="option"]', (els) => els.map((el) => el.textContent ?? ''));
    expect(options[0]).toMatch(/Vienna · Wien.*City.*Vienna, Austria/);

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    const activeId = await page.$eval(SEARCH, (el) => el.getAttribute('aria-activedescendant'));
    expect(await page.$eval(`[id="${activeId}"]`, (el) => [el.getAttribute('aria-selected'), el.textContent])).toEqual(['true', expect.stringContaining('Vienna')]);
    await page.keyboard.press('Enter');

    await page.waitForFunction(() => (document.querySelector('input[aria-label="Title"]') as HTMLInputElement).value === 'Wien', { timeout: 10_000 });
    expect(await value('input[aria-label="Subtitle"]')).toBe('Vienna, Austria');
    expect(await value('input[aria-label="Coordinates"]')).toBe('48.21° N, 16.37° E');
    expect(await page.$eval(SEARCH, (el) => el.getAttribute('aria-expanded'))).toBe('false');

    const after = await mapView();
    expect(after.lng).toBeCloseTo(16.37, 1);
    expect(after.lat).toBeCloseTo(48.21, 1);
    expect(after.zoom).toBeGreaterThan(8);
    expect(after.zoom).not.toBeCloseTo(before.zoom, 1);
    await page.waitForFunction((prev) => (document.querySelector('[data-testid="poster-overlay"]') as HTMLCanvasElement).toDataURL() !== prev, { timeout: 10_000 }, overlayBefore);

    // Still editable: the person's own title wins.
    await page.click('input[aria-label="Title"]', { count: 3 });
    await page.keyboard.type('Our Vienna');
    expect(await value('input[aria-label="Title"]')).toBe('Our Vienna');
  }, 300_000);

  it('a country is framed whole, and Escape closes the list without choosing', async () => {
    await page.click(SEARCH);
    await page.keyboard.type('ital');
    await page.waitForFunction(() => document.querySelector('[role="option"]')?.textContent?.startsWith('Italy'), { timeout: 30_000 });
    await page.keyboard.press('Escape');
    expect(await page.$eval(SEARCH, (el) => el.getAttribute('aria-expanded'))).toBe('false');
    expect(await value('input[aria-label="Title"]')).toBe('Our Vienna');

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => (document.querySelector('input[aria-label="Title"]') as HTMLInputElement).value === 'Italy', { timeout: 10_000 });
    const italy = await mapView();
    expect(italy.lng).toBeGreaterThan(10);
    expect(italy.lng).toBeLessThan(15);
    expect(italy.zoom).toBeGreaterThan(3.5);
    expect(italy.zoom).toBeLessThan(6.5);
    expect(outside, 'nothing fetched from outside the app').toEqual([]);
  }, 120_000);

  it('leaves what was searched for out of the app server’s request log', async () => {
    const marker = `Hometown${randomBytes(8).toString('hex')}`;
    const control = randomBytes(16).toString('hex');
    await fetch(`${app}/api/places?q=${marker}`).then((r) => r.arrayBuffer());
    // A request that is logged, so this test sees the app's output and cannot pass on an empty file.
    await fetch(`${app}/api/health?probe=${control}`).then((r) => r.arrayBuffer());
    const printed = () => readFileSync(inject('appLogFile'), 'utf8');
    for (let i = 0; i < 50 && !printed().includes(control); i++) await new Promise((r) => setTimeout(r, 100));
    expect(printed()).toContain(control);
    expect(printed()).not.toContain(marker);
    expect(printed()).not.toMatch(/\/api\/places\?q=/);
  });
});
