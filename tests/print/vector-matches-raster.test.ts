import fs from 'node:fs/promises';
import * as mupdf from 'mupdf';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { PALETTES } from '@/lib/map/palettes';
import { resolveTileSource } from '@/lib/map/tileSource';
import { DEFAULT_POSTER, PRESET_PLACES } from '@/lib/poster/defaults';
import { printLayout } from '@/lib/poster/paper';
import { BrowserPool } from '@/lib/rendering/browser';
import { rasterRequest } from '@/lib/rendering/rasterRequest';
import { renderPoster, type RenderedPoster } from '@/lib/rendering/renderPoster';
import { buildScene, renderVectorPoster } from '@/lib/rendering/vector/renderVectorPoster';
import { sceneToSvg } from '@/lib/rendering/vector/svg';
import type { MapStyleId } from '@/lib/map/styles';
import type { PosterConfig } from '@/types/poster';
import { overlayPoster } from './fixture/overlayPoster';
import { meanDifference, rasterizeSvg, rgbaToRgb, rgbOf } from './fixture/compare';

/**
 * The vector file looks like the raster file: the same poster exported as
 * PNG (Chromium, MapLibre) and as SVG (our scene, drawn by resvg) or vector
 * PDF (drawn by mupdf), at the raster's size, differ by a small mean. Both
 * use the app's own tile route and /renderer, as exports do.
 *
 * Measured here (A5 at 150 DPI, 874 × 1240 px; mean |Δ| per channel, 0–255;
 * printed by this test on every run): minimal with labels 1.69, midnight
 * (blurred roads) 1.46, blueprint 1.48, watercolor (water halo) 1.39, Great
 * Lakes (world preset, vintage) 1.21, topographic with contours 0.99, a
 * personal route with markers 0.82; the vector PDF drawn by mupdf 2.42. Two
 * styles of the same place differ by 219 (the control below), so the bound
 * of 6 means something.
 */
const app = inject('appUrl');
const tileSource = resolveTileSource({ DEM_URL: inject('demUrl'), DEM_ENCODING: 'terrarium' });
const pool = new BrowserPool();
const rendered: RenderedPoster[] = [];

beforeAll(async () => {
  await fetch(`${app}/renderer`, { signal: AbortSignal.timeout(120_000) });
}, 150_000);
afterAll(async () => {
  await Promise.all(rendered.map((r) => r.cleanup()));
  await pool.close();
});

const layoutOf = (poster: PosterConfig) => printLayout({ size: 'a5', dpi: 150 }, poster.format);

async function rasterPixels(poster: PosterConfig) {
  const layout = layoutOf(poster);
  const png = await renderPoster(pool, rasterRequest(poster, 'png', layout, app));
  rendered.push(png);
  return { data: await rgbOf(png.file, png.width, png.height), width: png.width, height: png.height };
}

async function vectorSvgPixels(poster: PosterConfig, width: number) {
  // The vector scene is built at 300 dpi (vector formats have no dpi) and drawn at the raster's size.
  const { scene } = await buildScene({ poster, format: 'svg', layout: printLayout({ size: 'a5' }, poster.format), baseUrl: app, tileSource });
  const svg = await sceneToSvg(scene);
  const drawn = rasterizeSvg(svg, width);
  return { data: rgbaToRgb(drawn.data), height: drawn.height, svg };
}

const poster = (style: MapStyleId, overrides: Partial<PosterConfig> = {}): PosterConfig => ({
  ...DEFAULT_POSTER,
  style,
  palette: Object.keys(PALETTES[style])[0]!,
  layers: { ...DEFAULT_POSTER.layers, labels: true },
  ...overrides,
});

const greatLakes = PRESET_PLACES.find((p) => p.id === 'great-lakes')!;
const CASES: [string, PosterConfig][] = [
  ['minimal, Three Rivers, labels', poster('minimal')],
  ['midnight (blurred roads)', poster('midnight')],
  ['blueprint (outlined water and buildings)', poster('blueprint')],
  ['watercolor (water halo)', poster('watercolor')],
  ['a world preset (Great Lakes, Natural Earth)', poster('vintage', { place: { ...greatLakes.place, center: { ...greatLakes.place.center } } })],
  ['topographic with contours', poster('topographic', { layers: { ...DEFAULT_POSTER.layers, contours: true } })],
  ['personal route and markers', overlayPoster()],
];
/** Mean |Δ| allowed per channel: anti-aliasing, label placement and blur approximations stay below it. */
const MAX_MEAN_DIFFERENCE = 6;

describe('a vector export looks like the raster export of the same poster', { timeout: 240_000 }, () => {
  it.each(CASES)('%s', async (name, p) => {
    const raster = await rasterPixels(p);
    const vector = await vectorSvgPixels(p, raster.width);
    expect(vector.height).toBe(raster.height);
    const difference = meanDifference(raster.data, vector.data);
    console.log(`mean |Δ| ${name}: ${difference.toFixed(2)}`);
    expect(difference).toBeLessThan(MAX_MEAN_DIFFERENCE);
    // Not trivially equal because both are blank: the poster has ink.
    expect(vector.svg.match(/<path /g)!.length).toBeGreaterThan(20);
  });

  it('control: the vector file of one style is far from the raster of another (the measure tells posters apart)', async () => {
    const raster = await rasterPixels(poster('midnight'));
    const vector = await vectorSvgPixels(poster('minimal'), raster.width);
    const difference = meanDifference(raster.data, vector.data);
    console.log(`mean |Δ| control (minimal vector vs midnight raster): ${difference.toFixed(2)}`);
    expect(difference).toBeGreaterThan(4 * MAX_MEAN_DIFFERENCE);
  });

  it('contours on draw contour lines in the vector file; off, none', async () => {
    const on = await buildScene({ poster: CASES[5][1], format: 'svg', layout: printLayout({ size: 'a5' }, DEFAULT_POSTER.format), baseUrl: app, tileSource });
    const off = await buildScene({ poster: { ...CASES[5][1], layers: { ...DEFAULT_POSTER.layers } }, format: 'svg', layout: printLayout({ size: 'a5' }, DEFAULT_POSTER.format), baseUrl: app, tileSource });
    const contourPaths = (items: typeof on.scene.items) => items.filter((i) => i.kind === 'path' && i.name === 'contours').flatMap((i) => (i.kind === 'path' ? i.subpaths : []));
    expect(contourPaths(on.scene.items).length).toBeGreaterThan(3);
    expect(contourPaths(off.scene.items)).toHaveLength(0);
  });

  it('a vector PDF drawn by mupdf matches the raster export too', async () => {
    const p = CASES[0][1];
    const raster = await rasterPixels(p);
    const pdf = await renderVectorPoster({ poster: p, format: 'vector-pdf', layout: printLayout({ size: 'a5' }, p.format), baseUrl: app, tileSource });
    rendered.push(pdf);
    const doc = mupdf.Document.openDocument(await fs.readFile(pdf.file), 'application/pdf');
    const page = doc.loadPage(0);
    const [, , w] = page.getBounds();
    const pixmap = page.toPixmap(mupdf.Matrix.scale(raster.width / w, raster.width / w), mupdf.ColorSpace.DeviceRGB, false, true);
    const png = Buffer.from(pixmap.asPNG());
    const difference = meanDifference(raster.data, await rgbOf(png, raster.width, raster.height));
    console.log(`mean |Δ| vector PDF via mupdf: ${difference.toFixed(2)}`);
    expect(difference).toBeLessThan(MAX_MEAN_DIFFERENCE);
  });
});
