import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { appUrl } from '@/lib/env';
import { browserPool } from '@/lib/worker/browserPool';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { mapViewForOutput, posterPixelSize } from '@/lib/poster/geometry';
import { renderPoster, type RenderedPoster } from '@/lib/rendering/renderPoster';
import { rendererUrl } from '@/lib/rendering/rendererUrl';
import { planTiles, DEFAULT_TILING } from '@/lib/rendering/tiling';
import type { PosterConfig } from '@/types/poster';

/**
 * The real poster (the /renderer page on the editor's code, offline basemap)
 * at ultra size, landscape 16:9: 10800 × 6075 px, far past the 8192 px a
 * WebGL canvas can hold here, so it is drawn as tiles and stitched.
 */
const poster: PosterConfig = { ...DEFAULT_POSTER, format: { ...DEFAULT_POSTER.format, aspect: '16:9', orientation: 'landscape', border: 'thin' } };
const rendered: RenderedPoster[] = [];

async function render(size: 'small' | 'ultra', maxTileSize?: number) {
  const px = posterPixelSize(poster.format, size);
  const out = await renderPoster(browserPool(), {
    url: rendererUrl(appUrl(), poster),
    format: 'png',
    width: px.width,
    height: px.height,
    pixelRatio: mapViewForOutput(poster, px).pixelRatio,
    dpi: 300,
  }, { tiling: maxTileSize ? { maxTileSize } : undefined });
  rendered.push(out);
  return out;
}

const rgb = async (img: Sharp) => {
  const { data, info } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};

let ultra: RenderedPoster;

beforeAll(async () => {
  await fetch(`${inject('appUrl')}/renderer`, { signal: AbortSignal.timeout(120_000) });
  ultra = await render('ultra');
}, 400_000);

afterAll(async () => {
  await Promise.all(rendered.map((r) => r.cleanup()));
  await browserPool().close();
});

describe('a poster larger than a WebGL canvas', { timeout: 300_000 }, () => {
  it('comes out at its exact size from several tiles, not blank', async () => {
    const meta = await sharp(ultra.file, { limitInputPixels: false }).metadata();
    expect([meta.width, meta.height]).toEqual([10800, 6075]);
    expect(ultra.tiles).toBeGreaterThan(1);
    const stats = await sharp(ultra.file, { limitInputPixels: false }).stats();
    expect(stats.channels[0].stdev).toBeGreaterThan(5);
  });

  it('matches a small export of the same poster, downscaled: same framing and line weights', async () => {
    // One 3600 × 2025 canvas: the reference drawn without tiles.
    const small = await render('small', 4096);
    expect(small.tiles).toBe(1);
    const a = await rgb(sharp(small.file));
    const b = await rgb(sharp(ultra.file, { limitInputPixels: false }).resize(a.width, a.height, { kernel: 'lanczos3' }));
    let sum = 0;
    let off = 0;
    for (let i = 0; i < a.data.length; i++) {
      const d = Math.abs(a.data[i] - b.data[i]);
      sum += d;
      if (d > 64) off++;
    }
    // A shifted or mis-scaled map moves every street: the mean then rises well above these bounds.
    expect(sum / a.data.length).toBeLessThan(4);
    expect(off / a.data.length).toBeLessThan(0.01);
  });

  it('has no seam at tile borders: rows and columns differ no more across a border than beside it', async () => {
    const { width: W, height: H } = { width: 10800, height: 6075 };
    const tiles = planTiles(W, H, DEFAULT_TILING);
    const xs = [...new Set(tiles.map((t) => t.core.x))].filter((x) => x > 0);
    const ys = [...new Set(tiles.map((t) => t.core.y))].filter((y) => y > 0);
    expect(xs.length + ys.length).toBeGreaterThan(2);
    const image = sharp(ultra.file, { limitInputPixels: false });
    const steps = async (rect: { left: number; top: number; width: number; height: number }, vertical: boolean) => {
      const { data, width, height } = await rgb(image.clone().extract(rect));
      const lines = vertical ? width : height;
      const along = vertical ? height : width;
      return Array.from({ length: lines - 1 }, (_, i) => {
        let sum = 0;
        for (let j = 0; j < along; j++) {
          const [p, q] = vertical ? [(j * width + i) * 3, (j * width + i + 1) * 3] : [(i * width + j) * 3, ((i + 1) * width + j) * 3];
          sum += Math.abs(data[p] - data[q]) + Math.abs(data[p + 1] - data[q + 1]) + Math.abs(data[p + 2] - data[q + 2]);
        }
        return sum / along;
      });
    };
    for (const [borders, vertical] of [[xs, true], [ys, false]] as const) {
      for (const b of borders) {
        const diffs = await steps(vertical ? { left: b - 8, top: 0, width: 16, height: H } : { left: 0, top: b - 8, width: W, height: 16 }, vertical);
        const across = diffs[7];
        const beside = [...diffs.slice(0, 6), ...diffs.slice(9)];
        expect(across, `${vertical ? 'column' : 'row'} ${b}`).toBeLessThanOrEqual(Math.max(...beside) * 1.5 + 1);
      }
    }
  });
});
