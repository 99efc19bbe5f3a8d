import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeSql } from '@/lib/db/client';
import { getExport, requestExport } from '@/lib/exports/queue';
import { PRESET_PLACES } from '@/lib/poster/defaults';
import { posterPixelSize } from '@/lib/poster/geometry';
import { localStorageRoot } from '@/lib/storage';
import { browserPool } from '@/lib/worker/browserPool';
import { tick } from '@/lib/worker/tick';
import { usePosterStore } from '@/stores/posterStore';
import type { JwtClaims } from '@/types/auth';
import type { PosterConfig } from '@/types/poster';
import type { MapStyleId } from '@/types/vocabulary';
import { createUser } from '../queue/helpers';
import { launchOfflineBrowser } from './fixture/editorBrowser';
import { mapSettled } from './fixture/editorPage';

/**
 * The product's first promise: the export looks exactly like the preview.
 * The same poster is drawn by the editor (at the export's pixel size, its
 * frame one pixel wider than the poster so the centred poster lands on half
 * a pixel of the page, where the map used to sit ~1 px off its own frame)
 * and exported through the queue and the worker; the pixels are compared.
 *
 * Bound: both sides run the same style, palette, geometry and overlay code
 * on the same SwiftShader; what may differ is rasterization at the edges of
 * anti-aliased text and lines, and the half row by which the preview's whole
 * CSS pixels (1365 × 2047) and the export's rounding (1365 × 2048) place the
 * frame. Measured here: a mean of 0.37–0.93/255 over the four posters below
 * (0.3–1.75 downscaled from outside, issue 18's note); the bound is about
 * three times the worst, so edge noise never fails it while a layer, colour or
 * text block that differs over a few percent of the poster does.
 */
const MAX_MEAN_DIFFERENCE = 3;

const app = inject('appUrl');
let browser: Browser;
let page: Page;
let user: JwtClaims;

beforeAll(async () => {
  user = await createUser();
  browser = await launchOfflineBrowser();
  page = await browser.newPage();
  await fetch(`${app}/renderer`, { signal: AbortSignal.timeout(120_000) }); // next dev compiles it on first use
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await browserPool().close();
  await closeSql();
});

/** The poster a person gets by choosing this style (and place) in the editor: the store's own actions, as the controls call them. */
function posterAfterChoosing(style: MapStyleId, placeId?: (typeof PRESET_PLACES)[number]['id']): PosterConfig {
  const store = usePosterStore;
  store.getState().replace(store.getInitialState().config);
  store.setState({ coordinatesFollowMap: true });
  store.getState().setStyle(style);
  const preset = PRESET_PLACES.find((p) => p.id === placeId);
  if (preset) {
    store.getState().setPlace({ center: { ...preset.place.center }, zoom: preset.place.zoom, bearing: preset.place.bearing });
    store.getState().setText({ title: preset.name, subtitle: preset.subtitle });
  }
  return store.getState().config;
}

/** The editor's preview of that poster, `width` × `height` device pixels, as RGB. */
async function previewOf(style: MapStyleId, placeId: string | undefined, width: number, height: number) {
  await page.setViewport({ width: width + 700, height: height + 200, deviceScaleFactor: 1 });
  await page.goto(app, { waitUntil: 'load', timeout: 180_000 });
  await mapSettled(page);
  if (placeId) await page.click(`xpath/.//button[normalize-space()="${PRESET_PLACES.find((p) => p.id === placeId)!.name}"]`);
  await page.click(`[data-style="${style}"]`);
  // The frame one pixel wider than the poster: centred, the poster starts on half a pixel.
  await page.$eval('[data-testid="poster-preview"]', (poster, w, h) => {
    (poster.parentElement as HTMLElement).style.cssText = `flex: none; width: ${w + 1}px; height: ${h}px`;
  }, width, height);
  await page.waitForFunction((w) => (document.querySelector('[data-testid="poster-preview"]') as HTMLElement).offsetWidth === w, { timeout: 30_000 }, width);
  await mapSettled(page);
  await new Promise((r) => setTimeout(r, 500)); // the overlay redraws after the resize
  const element = (await page.$('[data-testid="poster-preview"]'))!;
  const png = await element.screenshot({ type: 'png' });
  return sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
}

async function exportOf(poster: PosterConfig) {
  const { job } = await requestExport(user, { poster, format: 'png', size: 'social' });
  const report = await tick({ budgetMs: 600_000, maxJobs: 1 });
  expect(report.processed).toEqual([expect.objectContaining({ id: job.id, outcome: 'succeeded' })]);
  const file = path.join(localStorageRoot(), (await getExport(user, job.id)).resultPath!);
  expect(existsSync(file)).toBe(true);
  return file;
}

/** Mean absolute difference per channel (0–255) over the common area. */
function meanDifference(a: Buffer, b: Buffer, width: number, height: number, aWidth: number, bWidth: number): number {
  let sum = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * 3; x++) sum += Math.abs(a[y * aWidth * 3 + x]! - b[y * bWidth * 3 + x]!);
  }
  return sum / (width * height * 3);
}

const CASES: { style: MapStyleId; place?: (typeof PRESET_PLACES)[number]['id'] }[] = [
  { style: 'minimal' },
  { style: 'blueprint' },
  { style: 'vintage' },
  { style: 'midnight', place: 'mediterranean' }, // a world preset: the offline basemap's Natural Earth layers
];

describe('the export looks exactly like the preview', { timeout: 600_000 }, () => {
  for (const c of CASES) {
    it(`${c.style}${c.place ? ` at ${c.place}` : ''}: the editor and a real export at the same pixel size differ by at most ${MAX_MEAN_DIFFERENCE}/255 on average`, async () => {
      const poster = posterAfterChoosing(c.style, c.place);
      const size = posterPixelSize(poster.format, 'social');
      const file = await exportOf(poster);
      const exported = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      expect([exported.info.width, exported.info.height]).toEqual([size.width, size.height]);
      // The preview fits whole CSS pixels (floor): 1365 × 2047 for the export's 1365 × 2048 (2047.5 rounded).
      const preview = await previewOf(c.style, c.place, size.width, size.height);
      expect(preview.info.width).toBe(size.width);
      expect(Math.abs(preview.info.height - size.height)).toBeLessThanOrEqual(1);
      const h = Math.min(preview.info.height, size.height);
      const mean = meanDifference(preview.data, exported.data, size.width, h, preview.info.width, exported.info.width);
      console.log(`preview vs export, ${c.style}${c.place ? ` at ${c.place}` : ''}: mean difference ${mean.toFixed(2)}/255`);
      expect(mean).toBeLessThanOrEqual(MAX_MEAN_DIFFERENCE);
    });
  }
});
