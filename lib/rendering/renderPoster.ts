import 'server-only';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import type { BrowserPool } from './browser';
import { captureTile, openRendererPage, type PageContent, type PosterGeometry } from './capture';
import { encodeImage, type ImageKind } from './encode';
import { InvalidRenderRequestError, RenderCancelledError, TileOutageError } from './errors';
import { OUTPUT_FORMATS, THUMBNAIL, type OutputFormat } from './formats';
import { checkPdfFile, writeImagePdf } from './pdf';
import { defaultTileSize, MAX_CANVAS_SIZE, planTiles, stitchTiles, type TilingOptions } from './tiling';
import { checkImageFile, writeThumbnail } from './validate';

export interface RenderPosterRequest extends PosterGeometry {
  /** The renderer page: carrying the poster in its URL, or, with `poster`, a page that stays loaded between jobs. */
  url: string;
  /** The poster config, handed to a warm page through the page protocol (`setPoster`) instead of a navigation. */
  poster?: unknown;
  format: RasterFormat;
  /** Print resolution; the PDF trim is `width / dpi` × `height / dpi` inches. */
  dpi: number;
  /** PDF document title. */
  title?: string;
  /**
   * Print bleed: the file grows by this many px on every side. `map` renders
   * the map on past the trim (a poster without margin); a colour fills the
   * bleed with paper (the poster's margin already ends in paper).
   */
  bleed?: { px: number; fill: 'map' | string };
  /** PDF crop marks outside the bleed. */
  cropMarks?: boolean;
}

export type RasterFormat = Extract<OutputFormat, 'png' | 'jpeg' | 'pdf'>;

export interface RenderProgress {
  /** For people: "loading renderer", "rendering tile 3/12", "stitching and encoding", "checking", "writing PDF". */
  stage: string;
  /** 0…1, rendering weighs most. */
  fraction: number;
}

export interface RenderPosterOptions {
  tiling?: TilingOptions;
  /** The PDF's image: lossless PNG data (default) or JPEG (quality 92; smaller and faster). */
  pdfImage?: ImageKind;
  timeouts?: Partial<RenderTimeouts>;
  /** Share of map tiles allowed to fail before the attempt fails as a tile outage. */
  maxFailedTileRatio?: number;
  onProgress?: (progress: RenderProgress) => void | Promise<void>;
  /** Called once Chromium is done with this poster (tiles captured, page handed back), before the encode. */
  onRendered?: () => void;
  /** Checked between steps; a true answer (or an aborted signal) stops the render with RenderCancelledError. */
  shouldStop?: () => boolean | Promise<boolean>;
  signal?: AbortSignal;
  /** Parent of the job's scratch folder; defaults to the OS temp folder (`/tmp` on Vercel). */
  tempDir?: string;
}

export interface RenderTimeouts {
  pageLoadMs: number;
  tileRenderMs: number;
  tileCaptureMs: number;
  encodeMs: number;
}

export interface RenderTimings {
  renderMs: number;
  encodeMs: number;
  totalMs: number;
  /** Where a raster render went: loading the page (0 when a warm one was reused), drawing and capturing tiles (first one apart). */
  profile?: { pageMs: number; firstTileMs: number; drawMs: number; captureMs: number; stitchEncodeMs: number; thumbnailMs: number; pdfMs: number };
}

const RASTER_FORMATS: RasterFormat[] = ['png', 'jpeg', 'pdf'];
const DEFAULT_TIMEOUTS: RenderTimeouts = { pageLoadMs: 60_000, tileRenderMs: 60_000, tileCaptureMs: 60_000, encodeMs: 180_000 };
/** Large posters are ultra presets (10800 px long edge); this bound only stops absurd requests. */
const MAX_SIDE = 20_000;

export interface RenderedPoster {
  /** The encoded poster, in a scratch folder that `cleanup()` removes. */
  file: string;
  format: OutputFormat;
  ext: string;
  contentType: string;
  bytes: number;
  width: number;
  height: number;
  dpi: number;
  thumbnail: { file: string; ext: string; contentType: string; width: number; height: number; bytes: number };
  tiles: number;
  failedTiles: number;
  totalTiles: number;
  /** Milliseconds per phase, for job results and metrics. */
  timings: RenderTimings;
  cleanup(): Promise<void>;
}

/**
 * One export: renderer page → tiles → stitched, encoded, checked file plus
 * thumbnail, on a page of the shared browser. Scratch files live in a
 * folder of their own, removed on failure and by `cleanup()` on success.
 */
export async function renderPoster(pool: BrowserPool, request: RenderPosterRequest, options: RenderPosterOptions = {}): Promise<RenderedPoster> {
  validateRequest(request);
  const started = Date.now();
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  // With the map running into the bleed, the renderer draws a larger rectangle starting at (-bleed, -bleed) of the poster.
  const mapBleed = request.bleed && request.bleed.fill === 'map' ? request.bleed.px : 0;
  const paperBleed = request.bleed && request.bleed.fill !== 'map' ? request.bleed : undefined;
  const drawn = { width: request.width + 2 * mapBleed, height: request.height + 2 * mapBleed };
  const tiles = planTiles(drawn.width, drawn.height, {
    ...options.tiling,
    // The capture viewport is rounded up to whole CSS px, so leave room for one CSS px of device pixels.
    maxTileSize: Math.min(options.tiling?.maxTileSize ?? defaultTileSize(drawn.width, drawn.height), MAX_CANVAS_SIZE - Math.ceil(request.pixelRatio)),
  });
  const checkpoint = async (stage: string, fraction: number) => {
    if (options.signal?.aborted || (await options.shouldStop?.())) throw new RenderCancelledError();
    await options.onProgress?.({ stage, fraction });
  };

  const dir = await fs.mkdtemp(path.join(options.tempDir ?? os.tmpdir(), 'carto-render-'));
  const cleanup = () => fs.rm(dir, { recursive: true, force: true });
  try {
    await checkpoint('loading renderer', 0);
    let failedTiles = 0;
    let totalTiles = 0;
    const profile = { pageMs: 0, firstTileMs: 0, drawMs: 0, captureMs: 0, stitchEncodeMs: 0, thumbnailMs: 0, pdfMs: 0 };
    const open = async (page: Page) => {
      const t = Date.now();
      await openRendererPage(page, request.url, tiles[0], request.pixelRatio, timeouts.pageLoadMs);
      profile.pageMs = Date.now() - t;
    };
    // A key of this render alone: the page takes the poster afresh even if an earlier job drew the same one.
    const content: PageContent | undefined = request.poster === undefined ? undefined : { config: request.poster, key: randomUUID() };
    const renderTiles = async (page: Page) => {
      const files: { file: string; core: (typeof tiles)[number]['core'] }[] = [];
      for (const tile of tiles) {
        await checkpoint(`rendering tile ${tile.index + 1}/${tiles.length}`, 0.05 + (0.75 * tile.index) / tiles.length);
        const file = path.join(/*turbopackIgnore: true*/ dir, `tile-${tile.index}.v`);
        const shifted = { ...tile, render: { ...tile.render, x: tile.render.x - mapBleed, y: tile.render.y - mapBleed }, core: { ...tile.core, x: tile.core.x - mapBleed, y: tile.core.y - mapBleed } };
        const result = await captureTile(page, request, shifted, file, { renderMs: timeouts.tileRenderMs, captureMs: timeouts.tileCaptureMs }, content);
        if (tile.index === 0) profile.firstTileMs = result.drawMs + result.captureMs;
        profile.drawMs += result.drawMs;
        profile.captureMs += result.captureMs;
        failedTiles += result.failedTiles;
        totalTiles += result.totalTiles;
        files.push({ file, core: tile.core });
      }
      return files;
    };
    const captured = content
      ? await pool.withRendererPage(request.url, open, renderTiles)
      : await pool.withPage(async (page) => {
          await open(page);
          return renderTiles(page);
        });
    options.onRendered?.();
    if (totalTiles > 0 && failedTiles / totalTiles > (options.maxFailedTileRatio ?? 0.5)) throw new TileOutageError(failedTiles, totalTiles);
    const renderMs = Date.now() - started;

    await checkpoint('stitching and encoding', 0.8);
    const { ext, contentType } = OUTPUT_FORMATS[request.format];
    const kind: ImageKind = request.format === 'pdf' ? (options.pdfImage ?? 'png') : request.format;
    const imageFile = path.join(/*turbopackIgnore: true*/ dir, request.format === 'pdf' ? `poster-image.${kind}` : `poster.${ext}`);
    const encodeSeconds = Math.ceil(timeouts.encodeMs / 1000);
    let phase = Date.now();
    const lap = () => {
      const now = Date.now();
      const ms = now - phase;
      phase = now;
      return ms;
    };
    const stitched = stitchTiles(drawn.width, drawn.height, captured);
    const full = paperBleed ? stitched.extend({ top: paperBleed.px, bottom: paperBleed.px, left: paperBleed.px, right: paperBleed.px, background: paperBleed.fill }) : stitched;
    const bleedPx = request.bleed?.px ?? 0;
    const fileSize = { width: request.width + 2 * bleedPx, height: request.height + 2 * bleedPx };
    const thumbnailFile = path.join(/*turbopackIgnore: true*/ dir, `thumbnail.${THUMBNAIL.ext}`);
    // A poster of one tile and no bleed is that tile: its thumbnail is made from the same raw file at the
    // same time. Otherwise it is read back from the encoded file, so the poster is never held whole in memory.
    const single = captured.length === 1 && bleedPx === 0;
    const [, singleThumbnail] = await Promise.all([
      encodeImage(full, imageFile, { kind, dpi: request.dpi, timeoutSeconds: encodeSeconds }),
      single ? writeThumbnail(stitchTiles(drawn.width, drawn.height, captured), thumbnailFile) : undefined,
    ]);
    profile.stitchEncodeMs = lap();
    await Promise.all(captured.map((tile) => fs.rm(tile.file, { force: true })));

    await checkpoint('checking', 0.92);
    await checkImageFile(imageFile, { kind, ...fileSize, dpi: request.dpi });
    const thumbnail = singleThumbnail ?? (await writeThumbnail(imageFile, thumbnailFile));
    profile.thumbnailMs = lap();

    let file = imageFile;
    if (request.format === 'pdf') {
      await checkpoint('writing PDF', 0.96);
      file = path.join(/*turbopackIgnore: true*/ dir, `poster.${ext}`);
      const pt = (px: number) => (px * 72) / request.dpi;
      const page = { trimPt: { width: pt(request.width), height: pt(request.height) }, bleedPt: pt(bleedPx), cropMarks: Boolean(request.cropMarks), title: request.title };
      await writeImagePdf(imageFile, file, page);
      await checkPdfFile(file, page);
      await fs.rm(imageFile, { force: true });
      profile.pdfMs = lap();
    }
    const { size } = await fs.stat(file);
    await options.onProgress?.({ stage: 'rendered', fraction: 1 });
    return {
      file,
      format: request.format,
      ext,
      contentType,
      bytes: size,
      ...fileSize,
      dpi: request.dpi,
      thumbnail: { file: thumbnailFile, ext: THUMBNAIL.ext, contentType: THUMBNAIL.contentType, ...thumbnail },
      tiles: tiles.length,
      failedTiles,
      totalTiles,
      timings: { renderMs, encodeMs: Date.now() - started - renderMs, totalMs: Date.now() - started, profile },
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function validateRequest(request: RenderPosterRequest): void {
  const problems: string[] = [];
  for (const side of ['width', 'height'] as const) {
    const value = request[side];
    if (!Number.isInteger(value) || value < 16 || value > MAX_SIDE) problems.push(`${side} must be a whole number of px from 16 to ${MAX_SIDE}`);
  }
  if (!(request.pixelRatio > 0 && request.pixelRatio <= 64)) problems.push('pixelRatio must be above 0 and at most 64');
  if (!(request.dpi >= 36 && request.dpi <= 2400)) problems.push('dpi must be from 36 to 2400');
  if (!RASTER_FORMATS.includes(request.format)) problems.push(`format must be one of ${RASTER_FORMATS.join(', ')}`);
  if (request.bleed && !(Number.isInteger(request.bleed.px) && request.bleed.px >= 0 && request.bleed.px <= 1000)) problems.push('bleed must be a whole number of px from 0 to 1000');
  if (!/^https?:\/\//.test(request.url)) problems.push('url must be an http(s) URL of the renderer page');
  if (problems.length > 0) throw new InvalidRenderRequestError(`Cannot render this poster: ${problems.join('; ')}.`);
}
