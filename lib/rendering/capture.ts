import 'server-only';
import sharp, { type Sharp } from 'sharp';
import type { Page } from 'puppeteer-core';
import { InvalidOutputError, PageRenderError, RendererUnreachableError } from './errors';
import { PAGE_API_GLOBAL, type CartoPageApi, type TileRequest, type TileResult } from './protocol';
import type { PlannedTile } from './tiling';
import { withTimeout } from './timeout';

export interface PosterGeometry {
  /** Output size in px. */
  width: number;
  height: number;
  /** Output px per CSS px of the renderer page's layout. */
  pixelRatio: number;
}

/** CSS viewport for a tile: rounded up, so the capture always covers the tile; the excess is cut off. */
function viewportFor(tile: PlannedTile, pixelRatio: number) {
  return {
    width: Math.ceil(tile.render.width / pixelRatio),
    height: Math.ceil(tile.render.height / pixelRatio),
    deviceScaleFactor: pixelRatio,
  };
}

/** Opens the renderer page at the first tile's size and waits until it exposes the page protocol. */
export async function openRendererPage(page: Page, url: string, first: PlannedTile, pixelRatio: number, timeoutMs: number): Promise<void> {
  await page.setViewport(viewportFor(first, pixelRatio));
  const response = await withTimeout(
    page.goto(url, { waitUntil: 'load', timeout: 0 }).catch((e: Error) => {
      // Chromium's network errors (net::ERR_CONNECTION_REFUSED …) name the whole URL, poster and all: keep it as the cause, for the log.
      const reason = /net::ERR_[A-Z_]+/.exec(e.message)?.[0];
      if (reason) throw new RendererUnreachableError(`The renderer page could not be reached (${reason}).`, { cause: e });
      throw e;
    }),
    timeoutMs,
    'loading the renderer page',
  );
  if (response && !response.ok()) throw new PageRenderError(`The renderer page answered HTTP ${response.status()} for ${url}.`);
  await withTimeout(
    page.waitForFunction((name) => name in window, { timeout: 0 }, PAGE_API_GLOBAL),
    timeoutMs,
    'waiting for the renderer page',
  );
}

/** The poster a warm page is to draw: its config (JSON) and a key that names it (the job's). */
export interface PageContent {
  config: unknown;
  key: string;
}

/** Where a tile's time went, in ms: drawing in the page, and the screenshot with its cut to the core. */
export interface TileTimings {
  drawMs: number;
  captureMs: number;
}

/**
 * Renders one tile in the page and writes its core to `file` (a `.v` path)
 * in libvips' own uncompressed format: no PNG encode and decode on the way
 * to the poster's encoder.
 * With `content`, the page is first given that poster unless it already has it.
 */
export async function captureTile(
  page: Page,
  poster: PosterGeometry,
  tile: PlannedTile,
  file: string,
  timeouts: { renderMs: number; captureMs: number },
  content?: PageContent,
): Promise<TileResult & TileTimings> {
  const started = Date.now();
  const viewport = viewportFor(tile, poster.pixelRatio);
  await page.setViewport(viewport);
  const request: TileRequest = {
    posterWidth: poster.width,
    posterHeight: poster.height,
    pixelRatio: poster.pixelRatio,
    ...tile.render,
  };
  const result = await renderTileSurvivingReloads(page, request, tile, timeouts.renderMs, content);
  const drawn = Date.now();
  if (!result.ok) throw new PageRenderError(`The renderer page could not draw tile ${tile.index + 1}: ${result.error ?? 'no reason given'}.`);

  const shot = await withTimeout(readTile(page, viewport), timeouts.captureMs, `capturing tile ${tile.index + 1}`);
  const { width = 0, height = 0 } = await shot.metadata();
  if (width < tile.render.width || height < tile.render.height) {
    throw new InvalidOutputError(`Tile ${tile.index + 1} came out ${width}×${height} px, smaller than its ${tile.render.width}×${tile.render.height} px.`);
  }
  await shot
    .extract({ left: tile.core.x - tile.render.x, top: tile.core.y - tile.render.y, width: tile.core.width, height: tile.core.height })
    .removeAlpha()
    .toFile(file);
  return { ...result, drawMs: drawn - started, captureMs: Date.now() - drawn };
}

/**
 * The tile's pixels: Chromium's PNG of the composited viewport
 * (`optimizeForSpeed` picks fast zlib settings). Measured against reading
 * raw RGBA out of the page (canvas composite, Blob over DevTools IO.read):
 * no faster on a small poster (4.6 s against 4.4 s at load 13) and 270 MiB
 * more at the ultra peak, so the screenshot stays (bench/RESULTS.md).
 */
async function readTile(page: Page, viewport: { width: number; height: number }): Promise<Sharp> {
  const png = await page.screenshot({
    type: 'png',
    optimizeForSpeed: true,
    captureBeyondViewport: false,
    clip: { x: 0, y: 0, width: viewport.width, height: viewport.height },
  });
  return sharp(png, { limitInputPixels: false });
}

/**
 * A page reloaded under us (a dev server's hot reload after a file change)
 * loses the tile in progress; wait for the page protocol again and redo the
 * tile, a few times at most, instead of failing the whole export.
 */
async function renderTileSurvivingReloads(page: Page, request: TileRequest, tile: PlannedTile, renderMs: number, content?: PageContent): Promise<TileResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTimeout(
        page.evaluate(
          async (name, t, poster) => {
            // After a reload the protocol reappears once the page has mounted again.
            while (!(name in window)) await new Promise((r) => setTimeout(r, 50));
            const api = (window as unknown as Record<string, CartoPageApi>)[name];
            // A reloaded page has forgotten the poster: giving it again here covers that too.
            if (poster && api.posterKey?.() !== poster.key) {
              if (!api.setPoster) return { ok: false, failedTiles: 0, totalTiles: 0, error: 'this renderer page cannot take a poster (no setPoster)' };
              const loaded = await api.setPoster(poster.config, poster.key);
              if (!loaded.ok) return { ok: false, failedTiles: 0, totalTiles: 0, error: loaded.error };
            }
            return api.renderTile(t);
          },
          PAGE_API_GLOBAL,
          request,
          content ?? null,
        ),
        renderMs,
        `rendering tile ${tile.index + 1}`,
      );
    } catch (e) {
      if (attempt >= 3 || !/Execution context was destroyed|navigat/i.test((e as Error).message)) throw e;
      await withTimeout(page.waitForFunction((name) => name in window, { timeout: 0 }, PAGE_API_GLOBAL), renderMs, 'waiting for the reloaded renderer page');
    }
  }
}
