import 'server-only';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import sharp from 'sharp';
import type { BrowserPool } from './browser';
import { captureTile, openRendererPage, type PageContent, type PosterGeometry } from './capture';
import { encodeImage, type ImageKind } from './encode';
import { InvalidRenderRequestError, RenderCancelledError, TileOutageError } from './errors';
import { OUTPUT_FORMATS, THUMBNAIL, type OutputFormat } from './formats';
import { writeImagePdf } from './pdf';
import { defaultTileSize, MAX_CANVAS_SIZE, planTiles, stitchTiles, type TilingOptions } from './tiling';
import { checkImageFile, checkPdfFile, writeThumbnail } from './validate';

export interface RenderPosterRequest extends PosterGeometry {
  /** The renderer page: carrying the poster in its URL, or, with `poster`, a page that stays loaded between jobs. */
  url: string;
  /** The poster config, handed to a warm page through the page protocol (`setPoster`) instead of a navigation. */
  poster?: unknown;
  format: OutputFormat;
  /** Print resolution; the PDF page is `width / dpi` × `height / dpi` inches. */
  dpi: number;
  /** PDF document title. */
  title?: string;
}

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
  /** Where the render went: loading the page (0 when a warm one was reused), drawing and capturing tiles (first one apart). */
  profile: { pageMs: number; firstTileMs: number; drawMs: number; captureMs: number; stitchEncodeMs: number; thumbnailMs: number; pdfMs: number };
}

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
  const tiles = planTiles(request.width, request.height, {
    ...options.tiling,
    // The capture viewport is rounded up to whole CSS px, so leave room for one CSS px of device pixels.
    maxTileSize: Math.min(options.tiling?.maxTileSize ?? defaultTileSize(request.width, request.height), MAX_CANVAS_SIZE - Math.ceil(request.pixelRatio)),
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
        const result = await captureTile(page, request, tile, file, { renderMs: timeouts.tileRenderMs, captureMs: timeouts.tileCaptureMs }, content);
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
    let phase = Date.now();
    const lap = () => {
      const now = Date.now();
      const ms = now - phase;
      phase = now;
      return ms;
    };
    const { ext, contentType } = OUTPUT_FORMATS[request.format];
    const kind: ImageKind = request.format === 'pdf' ? (options.pdfImage ?? 'png') : request.format;
    const imageFile = path.join(/*turbopackIgnore: true*/ dir, request.format === 'pdf' ? `poster-image.${kind}` : `poster.${ext}`);
    const thumbnailFile = path.join(/*turbopackIgnore: true*/ dir, `thumbnail.${THUMBNAIL.ext}`);
    const encodeSeconds = Math.ceil(timeouts.encodeMs / 1000);
    // One tile is read from its raw file twice at once (poster and thumbnail); a stitched poster's
    // thumbnail is read back from the encoded file, so the poster is never held whole in memory.
    const single = captured.length === 1;
    const [, singleThumbnail] = await Promise.all([
      encodeImage(stitchTiles(request.width, request.height, captured), imageFile, { kind, dpi: request.dpi, timeoutSeconds: encodeSeconds }),
      single ? writeThumbnail(stitchTiles(request.width, request.height, captured), thumbnailFile) : undefined,
    ]);
    profile.stitchEncodeMs = lap();
    await Promise.all(captured.map((tile) => fs.rm(tile.file, { force: true })));

    await checkpoint('checking', 0.92);
    await checkImageFile(imageFile, { kind, width: request.width, height: request.height, dpi: request.dpi });
    const thumbnail = singleThumbnail ?? (await writeThumbnail(sharp(imageFile, { limitInputPixels: false, sequentialRead: true }), thumbnailFile));
    profile.thumbnailMs = lap();

    let file = imageFile;
    if (request.format === 'pdf') {
      await checkpoint('writing PDF', 0.96);
      file = path.join(/*turbopackIgnore: true*/ dir, `poster.${ext}`);
      const page = { widthPt: (request.width * 72) / request.dpi, heightPt: (request.height * 72) / request.dpi, title: request.title };
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
      width: request.width,
      height: request.height,
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
  if (!(request.format in OUTPUT_FORMATS)) problems.push(`format must be one of ${Object.keys(OUTPUT_FORMATS).join(', ')}`);
  if (!/^https?:\/\//.test(request.url)) problems.push('url must be an http(s) URL of the renderer page');
  if (problems.length > 0) throw new InvalidRenderRequestError(`Cannot render this poster: ${problems.join('; ')}.`);
}
