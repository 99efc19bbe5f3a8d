import 'server-only';
import sharp from 'sharp';
import type { Page } from 'puppeteer-core';
import { InvalidOutputError, PageRenderError, RendererUnreachableError } from './errors';
import { PAGE_API_GLOBAL, type TileRequest, type TileResult } from './protocol';
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

/**
 * Renders one tile in the page and writes its core, cut from a screenshot,
 * to `file` as PNG. The screenshot is Chromium's own PNG of the composited
 * frame (`optimizeForSpeed` picks fast zlib settings), not a base64 dataURL.
 */
export async function captureTile(
  page: Page,
  poster: PosterGeometry,
  tile: PlannedTile,
  file: string,
  timeouts: { renderMs: number; captureMs: number },
): Promise<TileResult> {
  const viewport = viewportFor(tile, poster.pixelRatio);
  await page.setViewport(viewport);
  const request: TileRequest = {
    posterWidth: poster.width,
    posterHeight: poster.height,
    pixelRatio: poster.pixelRatio,
    ...tile.render,
  };
  const result = await renderTileSurvivingReloads(page, request, tile, timeouts.renderMs);
  if (!result.ok) throw new PageRenderError(`The renderer page could not draw tile ${tile.index + 1}: ${result.error ?? 'no reason given'}.`);

  const png = await withTimeout(
    page.screenshot({
      type: 'png',
      optimizeForSpeed: true,
      captureBeyondViewport: false,
      clip: { x: 0, y: 0, width: viewport.width, height: viewport.height },
    }),
    timeouts.captureMs,
    `capturing tile ${tile.index + 1}`,
  );
  const shot = sharp(png, { limitInputPixels: false });
  const { width = 0, height = 0 } = await shot.metadata();
  if (width < tile.render.width || height < tile.render.height) {
    throw new InvalidOutputError(`Tile ${tile.index + 1} came out ${width}×${height} px, smaller than its ${tile.render.width}×${tile.render.height} px.`);
  }
  await shot
    .extract({ left: tile.core.x - tile.render.x, top: tile.core.y - tile.render.y, width: tile.core.width, height: tile.core.height })
    .removeAlpha()
    .png({ compressionLevel: 1, adaptiveFiltering: false })
    .toFile(file);
  return result;
}

/**
 * A page reloaded under us (a dev server's hot reload after a file change)
 * loses the tile in progress; wait for the page protocol again and redo the
 * tile, a few times at most, instead of failing the whole export.
 */
async function renderTileSurvivingReloads(page: Page, request: TileRequest, tile: PlannedTile, renderMs: number): Promise<TileResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTimeout(
        page.evaluate(
          async (name, t) => {
            // After a reload the protocol reappears once the page has mounted again.
            while (!(name in window)) await new Promise((r) => setTimeout(r, 50));
            return (window as unknown as Record<string, { renderTile(t: TileRequest): Promise<TileResult> }>)[name].renderTile(t);
          },
          PAGE_API_GLOBAL,
          request,
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
