import type { Browser } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONTOUR_ELEVATION_KEY, CONTOUR_LEVEL_KEY, CONTOUR_SOURCE_LAYER } from '@/lib/map/contours';
import { PALETTES } from '@/lib/map/palettes';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { mapViewForOutput, posterPixelSize } from '@/lib/poster/geometry';
import { BrowserPool } from '@/lib/rendering/browser';
import { renderPoster, type RenderedPoster } from '@/lib/rendering/renderPoster';
import { rendererUrl } from '@/lib/rendering/rendererUrl';
import type { PosterConfig } from '@/types/poster';
import { launchOfflineBrowser, recordOutsideRequests } from './fixture/editorBrowser';
import { mapSettled, pickColor, previewPixels } from './fixture/editorPage';

/**
 * Contour lines from maplibre-contour over a DEM: the shared test app's
 * DEM_URL names the synthetic hills of tests/support/syntheticDem.ts (real
 * HTTP, terrarium PNGs), so both the export renderer and the editor draw
 * contours without the network.
 */
const app = inject('appUrl');
const dem = new URL(inject('demUrl').replace('{z}/{x}/{y}.png', '')).origin;
/** Magenta contours on white land: a colour nothing else on this poster has. */
const CONTOUR = '#ff00ff';
const poster = (contours: boolean): PosterConfig => ({
  ...DEFAULT_POSTER,
  style: 'topographic',
  palette: 'survey',
  customPalette: { ...PALETTES.topographic.survey.colors, land: '#ffffff', contour: CONTOUR },
  layers: { streets: false, buildings: false, water: true, parks: false, railroads: false, contours, labels: false },
});

/** Share of pixels that are contour ink over white: red and blue high, green pulled down by the line. */
function contourShareOf({ data, width, height }: { data: Buffer; width: number; height: number }): number {
  let count = 0;
  for (let i = 0; i < data.length; i += 3) if (data[i]! > 220 && data[i + 2]! > 220 && data[i + 1]! < 190) count++;
  return count / (width * height);
}
async function contourShare(file: string): Promise<number> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return contourShareOf({ data, width: info.width, height: info.height });
}

describe('contours in an exported poster', () => {
  const pool = new BrowserPool();
  const rendered: RenderedPoster[] = [];
  afterAll(async () => {
    await Promise.all(rendered.map((r) => r.cleanup()));
    await pool.close();
  });

  async function exportPng(config: PosterConfig) {
    const size = posterPixelSize(config.format, 'social');
    const out = await renderPoster(pool, {
      url: rendererUrl(app, config),
      format: 'png',
      width: size.width,
      height: size.height,
      pixelRatio: mapViewForOutput(config, size).pixelRatio,
      dpi: 150,
    }, { maxFailedTileRatio: 0 });
    rendered.push(out);
    return out.file;
  }

  it('an exported poster with contours on draws them in the palette’s contour colour; with contours off, none', async () => {
    const on = await contourShare(await exportPng(poster(true)));
    const off = await contourShare(await exportPng(poster(false)));
    expect(on, 'contour lines over the synthetic hills').toBeGreaterThan(0.002);
    expect(off, 'no contour colour without contours').toBeLessThan(0.0002);
  }, 240_000);
});

describe('contours in the editor', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchOfflineBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('a person picks a custom contour colour and switches contours on: maplibre-contour’s lines appear, in the layer and with the properties the style reads', async () => {
    const page = await browser.newPage();
    const outside = recordOutsideRequests(page, [app, dem]);
    await page.goto(app, { waitUntil: 'load', timeout: 120_000 });
    await mapSettled(page);

    await page.click('[data-style="topographic"]');
    await page.click('[data-palette="custom"]');
    await pickColor(page, 'input[data-role="land"]', '#ffffff');
    await pickColor(page, 'input[data-role="contour"]', CONTOUR);
    for (const layer of ['streets', 'buildings', 'parks', 'railroads']) await page.click(`input[data-layer="${layer}"]`);
    await mapSettled(page);
    const before = contourShareOf(await previewPixels(page));

    await page.click('input[data-layer="contours"]');
    await page.waitForFunction(() => Boolean((window as unknown as { __posterMap: { getSource(id: string): unknown } }).__posterMap.getSource('contours')), { timeout: 60_000 });
    await mapSettled(page);
    const after = contourShareOf(await previewPixels(page));
    const { color, features } = await page.evaluate((sourceLayer) => {
      const map = (window as unknown as { __posterMap: { getPaintProperty(l: string, p: string): unknown; querySourceFeatures(id: string, o: object): { properties: Record<string, unknown> }[] } }).__posterMap;
      return { color: map.getPaintProperty('contours', 'line-color'), features: map.querySourceFeatures('contours', { sourceLayer }).map((f) => f.properties) };
    }, CONTOUR_SOURCE_LAYER);

    expect(color, 'the contour layer painted in the custom contour colour').toBe(CONTOUR);
    expect(features.length, `contour features in source layer "${CONTOUR_SOURCE_LAYER}"`).toBeGreaterThan(0);
    for (const p of features) {
      expect(typeof p[CONTOUR_ELEVATION_KEY]).toBe('number');
      expect([0, 1]).toContain(p[CONTOUR_LEVEL_KEY]);
    }
    expect(features.some((p) => p[CONTOUR_LEVEL_KEY] === 1), 'index lines').toBe(true);
    expect(before, 'no contour colour before contours are on').toBeLessThan(0.0002);
    expect(after, 'contour lines drawn in the preview').toBeGreaterThan(0.001);
    expect(outside, 'nothing fetched beyond the app and the DEM').toEqual([]);
  }, 300_000);
});
