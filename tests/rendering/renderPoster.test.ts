import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '@/lib/rendering/browser';
import { captureTile, openRendererPage } from '@/lib/rendering/capture';
import { InvalidOutputError, InvalidRenderRequestError, PageRenderError, RenderCancelledError } from '@/lib/rendering/errors';
import { renderPoster, type RenderedPoster, type RenderPosterRequest } from '@/lib/rendering/renderPoster';
import { planTiles } from '@/lib/rendering/tiling';
import { FIXTURE_CSS_WIDTH } from './fixture/posterPage';
import { startFixtureServer } from './fixture/server';

let server: Awaited<ReturnType<typeof startFixtureServer>>;
let pool: BrowserPool;
let scratch: string;
const rendered: RenderedPoster[] = [];

beforeAll(async () => {
  server = await startFixtureServer();
  pool = new BrowserPool();
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'carto-render-test-'));
});
afterAll(async () => {
  await Promise.all(rendered.map((r) => r.cleanup()));
  await pool?.close();
  await server?.close();
  await fs.rm(scratch, { recursive: true, force: true });
});

function poster(width: number, height: number, extra: Partial<RenderPosterRequest> = {}): RenderPosterRequest {
  return { url: server.url, width, height, pixelRatio: width / FIXTURE_CSS_WIDTH, format: 'png', dpi: 300, ...extra };
}
async function render(request: RenderPosterRequest, options?: Parameters<typeof renderPoster>[2]) {
  const result = await renderPoster(pool, request, options);
  rendered.push(result);
  return result;
}
async function rgb(image: Sharp) {
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
/** Share of pixels where some channel differs by more than `threshold`. */
function differingShare(a: Buffer, b: Buffer, threshold = 32) {
  let count = 0;
  for (let i = 0; i < a.length; i += 3) {
    if (Math.abs(a[i] - b[i]) > threshold || Math.abs(a[i + 1] - b[i + 1]) > threshold || Math.abs(a[i + 2] - b[i + 2]) > threshold) count++;
  }
  return count / (a.length / 3);
}
function meanAbsDiff(a: Buffer, b: Buffer) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe('tiled poster', () => {
  const [W, H] = [6000, 9000];
  const tiling = { maxTileSize: 4096, overlap: 64 };
  let tiled: RenderedPoster;

  beforeAll(async () => {
    const stages: string[] = [];
    tiled = await render(poster(W, H), { tiling, onProgress: (p) => void stages.push(p.stage) });
    expect(stages).toContain('rendering tile 6/6');
    expect(stages.at(-1)).toBe('rendered');
  }, 180_000);

  it('a 9000 px poster has its exact size, DPI and a thumbnail, and is not blank', async () => {
    expect(tiled.tiles).toBe(6);
    const meta = await sharp(tiled.file, { limitInputPixels: false }).metadata();
    expect(meta).toMatchObject({ format: 'png', width: W, height: H, density: 300, channels: 3 });
    const thumb = await sharp(tiled.thumbnail.file).metadata();
    expect(thumb).toMatchObject({ format: 'webp', width: 267, height: 400 });
    const stats = await sharp(tiled.thumbnail.file).stats();
    expect(Math.max(...stats.channels.map((c) => c.stdev))).toBeGreaterThan(20);
  });

  it('has no seam at tile borders: a render centred on a tile corner matches the stitched poster', async () => {
    const borders = planTiles(W, H, tiling);
    const corner = { x: borders[1].core.x, y: borders[2].core.y };
    expect(corner.x).toBeGreaterThan(0);
    expect(corner.y).toBeGreaterThan(0);
    const rect = { x: corner.x - 256, y: corner.y - 256, width: 512, height: 512 };
    const straddle = { index: 0, render: rect, core: rect };
    const file = path.join(scratch, 'straddle.v');
    const geometry = { width: W, height: H, pixelRatio: W / FIXTURE_CSS_WIDTH };
    await pool.withPage(async (page) => {
      await openRendererPage(page, server.url, straddle, geometry.pixelRatio, 30_000);
      await captureTile(page, geometry, straddle, file, { renderMs: 60_000, captureMs: 60_000 });
    });
    const direct = await rgb(sharp(file));
    const stitched = await rgb(sharp(tiled.file, { limitInputPixels: false }).extract({ left: rect.x, top: rect.y, width: 512, height: 512 }));
    // Measured: identical up to rounding (mean 0.00002). Stitching one tile a single pixel off gives a mean of
    // 0.17 and 0.28 % of pixels off by more than 32, so these bounds catch any misplaced tile.
    expect(meanAbsDiff(direct.data, stitched.data)).toBeLessThan(0.02);
    expect(differingShare(direct.data, stitched.data)).toBeLessThan(0.0002);
  });

  it('has no seam at tile borders: neighbouring rows and columns differ no more across a border than beside it', async () => {
    const tiles = planTiles(W, H, tiling);
    const xs = [...new Set(tiles.map((t) => t.core.x))].filter((x) => x > 0);
    const ys = [...new Set(tiles.map((t) => t.core.y))].filter((y) => y > 0);
    const image = sharp(tiled.file, { limitInputPixels: false });
    const step = async (rect: { left: number; top: number; width: number; height: number }, vertical: boolean) => {
      const { data, width, height } = await rgb(image.clone().extract(rect));
      // Mean difference between line i and line i+1 of the strip, for each i.
      const lines = vertical ? width : height;
      return Array.from({ length: lines - 1 }, (_, i) => {
        let sum = 0;
        const along = vertical ? height : width;
        for (let j = 0; j < along; j++) {
          const [a, b] = vertical ? [(j * width + i) * 3, (j * width + i + 1) * 3] : [(i * width + j) * 3, ((i + 1) * width + j) * 3];
          sum += Math.abs(data[a] - data[b]) + Math.abs(data[a + 1] - data[b + 1]) + Math.abs(data[a + 2] - data[b + 2]);
        }
        return sum / along;
      });
    };
    for (const x of xs) {
      const diffs = await step({ left: x - 8, top: 0, width: 16, height: H }, true);
      const across = diffs[7];
      const beside = [...diffs.slice(0, 6), ...diffs.slice(9)];
      expect(across).toBeLessThanOrEqual(Math.max(...beside) * 1.5 + 1);
    }
    for (const y of ys) {
      const diffs = await step({ left: 0, top: y - 8, width: W, height: 16 }, false);
      const across = diffs[7];
      const beside = [...diffs.slice(0, 6), ...diffs.slice(9)];
      expect(across).toBeLessThanOrEqual(Math.max(...beside) * 1.5 + 1);
    }
  });

  it('matches a small single-tile export of the same poster, downscaled', async () => {
    const small = await render(poster(600, 900));
    expect(small.tiles).toBe(1);
    const a = await rgb(sharp(small.file));
    const b = await rgb(sharp(tiled.file, { limitInputPixels: false }).resize(600, 900, { kernel: 'lanczos3' }));
    expect(meanAbsDiff(a.data, b.data)).toBeLessThan(12);
  });
});

describe('formats', () => {
  it('a PDF page has the physical print size (24 × 36 in = 1728 × 2592 pt) and holds the full-resolution image', async () => {
    const pdf = await render(poster(2400, 3600, { format: 'pdf', dpi: 100, title: 'Three Rivers' }));
    expect(pdf).toMatchObject({ ext: 'pdf', contentType: 'application/pdf' });
    const doc = await PDFDocument.load(await fs.readFile(pdf.file));
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getPage(0).getSize()).toEqual({ width: 1728, height: 2592 });
    expect(doc.getPage(0).getMediaBox()).toEqual({ x: 0, y: 0, width: 1728, height: 2592 });
    expect(doc.getTitle()).toBe('Three Rivers');
    const image = doc.context.enumerateIndirectObjects().map(([, o]) => o).find((o) => o instanceof PDFRawStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Image')) as PDFRawStream;
    expect(image.dict.get(PDFName.of('Width'))?.toString()).toBe('2400');
    expect(image.dict.get(PDFName.of('Height'))?.toString()).toBe('3600');
    // The stream inflates to exactly one filter byte plus 3 bytes per pixel on each row.
    expect(zlib.inflateSync(image.getContents()).length).toBe(3600 * (1 + 2400 * 3));
  });

  it('a JPEG has its size and DPI written in', async () => {
    const jpeg = await render(poster(1200, 1800, { format: 'jpeg', dpi: 150 }));
    expect(jpeg).toMatchObject({ ext: 'jpg', contentType: 'image/jpeg' });
    expect(await sharp(jpeg.file).metadata()).toMatchObject({ format: 'jpeg', width: 1200, height: 1800, density: 150 });
  });
});

describe('failures', () => {
  it('a page that draws nothing is refused as blank (retryable)', async () => {
    await expect(render({ ...poster(600, 900), url: `${server.origin}/blank` })).rejects.toSatisfy(
      (e) => e instanceof InvalidOutputError && e.retryable && /blank/.test(e.message),
    );
  });

  it('a page that reports a failure fails the attempt with its reason', async () => {
    await expect(render({ ...poster(600, 900), url: `${server.origin}/broken` })).rejects.toSatisfy(
      (e) => e instanceof PageRenderError && e.code === 'page_render_failed' && /style failed to load/.test(e.message),
    );
  });

  it('a cancel request stops the render between tiles and leaves no scratch files', async () => {
    const tempDir = await fs.mkdtemp(path.join(scratch, 'cancel-'));
    let tilesStarted = 0;
    const job = render(poster(2400, 3600), {
      tiling: { maxTileSize: 2048 },
      tempDir,
      onProgress: (p) => void (p.stage.startsWith('rendering tile') && tilesStarted++),
      shouldStop: () => tilesStarted >= 2,
    });
    await expect(job).rejects.toBeInstanceOf(RenderCancelledError);
    expect(tilesStarted).toBe(2);
    expect(await fs.readdir(tempDir)).toEqual([]);
  });

  it('invalid sizes are refused as permanent before any browser work', async () => {
    const launches = pool.stats().launches;
    await expect(render(poster(0, 900))).rejects.toSatisfy((e) => e instanceof InvalidRenderRequestError && !e.retryable);
    expect(pool.stats().launches).toBe(launches);
  });
});
