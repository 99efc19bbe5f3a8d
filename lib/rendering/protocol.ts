/**
 * The contract between the renderer page (`/renderer`, or a test fixture) and
 * the host that drives it from Node. This file is imported by both sides, so
 * it holds types and constants only — no server or browser code.
 *
 * A page serves many posters in turn without a navigation (its style code,
 * fonts, WebGL context, compiled shaders and the browser's tile and glyph
 * cache stay warm). Before a poster's first tile the host calls
 * `setPoster(config, key)` unless `posterKey()` already answers `key` (a page
 * reloaded by a dev server forgets it); the page then starts the next tile
 * from a fresh map style, so nothing of an earlier poster shows. A page
 * opened with the config in its URL fragment (`rendererUrl`) starts with it.
 *
 * Sequence, per tile of the poster:
 *  1. the host sets the viewport to `ceil(width / pixelRatio)` ×
 *     `ceil(height / pixelRatio)` CSS px with `deviceScaleFactor = pixelRatio`;
 *  2. the host awaits `window.__carto.renderTile(tile)`;
 *  3. the page lays the poster out at `posterWidth / pixelRatio` ×
 *     `posterHeight / pixelRatio` CSS px, shifted so that output pixel
 *     (`x`, `y`) of the poster sits at the viewport's top-left corner, fills
 *     the whole viewport, and resolves only once every source, map tile and
 *     font has loaded and the GPU has really drawn (under SwiftShader
 *     MapLibre's `idle` fires too early: force a draw, e.g. a 1×1
 *     `gl.readPixels`);
 *  4. the host captures the viewport with `page.screenshot` and keeps the
 *     `width` × `height` px at its top-left corner.
 *
 * A WebGL canvas larger than 8192 device px on a side is silently blank here,
 * and MapLibre clamps its canvas to `maxCanvasSize` (default 4096²): the page
 * must size its map to the viewport (never to the whole poster) and pass
 * `maxCanvasSize: [8192, 8192]`.
 */

/** The name of the global the page defines once it is ready to render. */
export const PAGE_API_GLOBAL = '__carto';

/** One rectangle of the poster to render, in output pixels of the full poster. */
export interface TileRequest {
  /** Size of the whole poster in output pixels. */
  posterWidth: number;
  posterHeight: number;
  /** Output pixels per CSS pixel; equals the viewport's device scale factor. */
  pixelRatio: number;
  /** Top-left corner and size of this tile, in output pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TileResult {
  /** False when the page could not draw (style error, WebGL lost, …); `error` says why. */
  ok: boolean;
  /** Map tiles that failed to load for this rectangle (a few are tolerated). */
  failedTiles: number;
  /** Map tiles requested for this rectangle. */
  totalTiles: number;
  error?: string;
}

export interface PosterLoadResult {
  /** False when the config is not a poster this page can draw; `error` says why. */
  ok: boolean;
  error?: string;
}

export interface CartoPageApi {
  renderTile(tile: TileRequest): Promise<TileResult>;
  /** Replaces the page's poster (a PosterConfig as JSON); `key` names it for `posterKey`. Optional: a one-poster page has none. */
  setPoster?(config: unknown, key: string): Promise<PosterLoadResult>;
  /** The key of the poster last set, or null. */
  posterKey?(): string | null;
}

declare global {
  interface Window {
    __carto?: CartoPageApi;
  }
}
