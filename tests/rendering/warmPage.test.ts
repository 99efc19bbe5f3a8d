import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { appUrl } from '@/lib/env';
import { defaultPaletteOf } from '@/lib/map/palettes';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { mapViewForOutput, posterPixelSize } from '@/lib/poster/geometry';
import { BrowserPool } from '@/lib/rendering/browser';
import { renderPoster, type RenderedPoster } from '@/lib/rendering/renderPoster';
import { rendererPageUrl } from '@/lib/rendering/rendererUrl';
import type { PosterConfig } from '@/types/poster';

/**
 * The real /renderer page kept loaded between exports: the next poster goes
 * in through the page protocol, and must come out exactly as it would on a
 * page of its own. Small posters in 2 × 3 tiles, so a tile's state (view,
 * symbol placement, loaded tiles) has every chance to leak.
 */
const A: PosterConfig = { ...DEFAULT_POSTER, layers: { ...DEFAULT_POSTER.layers, labels: true } };
const B: PosterConfig = {
  ...A,
  style: 'vintage',
  palette: defaultPaletteOf('vintage'),
  text: { ...A.text, title: 'Second poster' },
  place: { ...A.place, zoom: A.place.zoom - 0.7, bearing: 20 },
};
const rendered: RenderedPoster[] = [];
const pools: BrowserPool[] = [];

async function render(pool: BrowserPool, poster: PosterConfig) {
  const px = posterPixelSize(poster.format, 'social');
  const out = await renderPoster(
    pool,
    { url: rendererPageUrl(appUrl()), poster, format: 'png', width: px.width, height: px.height, pixelRatio: mapViewForOutput(poster, px).pixelRatio, dpi: 300 },
    { tiling: { maxTileSize: 1024 } },
  );
  rendered.push(out);
  return out;
}
const pixels = async (r: RenderedPoster) => (await sharp(r.file).removeAlpha().raw().toBuffer()).toString('base64');
const newPool = () => {
  const pool = new BrowserPool();
  pools.push(pool);
  return pool;
};

beforeAll(async () => {
  await fetch(`${inject('appUrl')}/renderer`, { signal: AbortSignal.timeout(120_000) });
}, 150_000);
afterAll(async () => {
  await Promise.all(rendered.map((r) => r.cleanup()));
  await Promise.all(pools.map((p) => p.close()));
});

describe('a renderer page that stays loaded between exports', { timeout: 300_000 }, () => {
  it('two different posters back to back render exactly as each alone, pixel for pixel, on one page load', async () => {
    const warm = newPool();
    const a1 = await render(warm, A);
    const b = await render(warm, B);
    const a2 = await render(warm, A);
    // The same poster again keeps the page's style, tiles and placement: still the same pixels.
    const a3 = await render(warm, A);
    expect(warm.stats()).toMatchObject({ pagesLoaded: 1, pagesReused: 3 });
    expect(a1.tiles).toBe(6);
    expect(b.timings.profile?.pageMs).toBe(0);

    const alone = await render(newPool(), B);
    expect(alone.timings.profile?.pageMs).toBeGreaterThan(0);
    const [pa1, pb, pa2, pa3, pAlone] = await Promise.all([a1, b, a2, a3, alone].map(pixels));
    expect(pb).not.toBe(pa1);
    expect(pb === pAlone).toBe(true);
    expect(pa2 === pa1).toBe(true);
    expect(pa3 === pa1).toBe(true);
  });
});
