import 'server-only';
import sharp, { type Sharp } from 'sharp';
import { InvalidRenderRequestError } from './errors';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlannedTile {
  index: number;
  /** What the page renders and the host captures: the core plus `overlap` px of context on inner sides. */
  render: Rect;
  /** The part of the poster this tile contributes; cores partition the poster exactly. */
  core: Rect;
}

export interface TilingOptions {
  /** Longest side of a rendered tile in output px (WebGL here stops at 8192). */
  maxTileSize?: number;
  /** Context rendered past each inner tile edge and then cut away, so lines, caps and halos at the border are drawn whole. */
  overlap?: number;
}

/**
 * Measured with bench/render-core.mts on a 10800 × 16200 poster: 2048 px tiles
 * were fastest (66 s vs 83 s at 4096 and 71 s at 8192) and peaked at 571 MiB
 * (vs 930 and 1512 MiB), since Chromium's capture buffers grow with the tile.
 */
export const DEFAULT_TILING = { maxTileSize: 2048, overlap: 64 } as const satisfies Required<TilingOptions>;

/**
 * A poster up to this many px on each side is drawn as one tile: below it a
 * tile's fixed costs (viewport change, the map settling on a new view, a
 * screenshot round trip) outweigh what smaller canvases save, and one view
 * parses each map tile once. Larger posters use DEFAULT_TILING's tiles.
 */
export const SINGLE_TILE_MAX_SIDE = 4096;

/** The tile size for a poster of this size, unless the caller asked for one. */
export function defaultTileSize(width: number, height: number): number {
  return Math.max(width, height) <= SINGLE_TILE_MAX_SIDE ? SINGLE_TILE_MAX_SIDE : DEFAULT_TILING.maxTileSize;
}

/** The largest canvas SwiftShader draws; bigger ones come out blank without an error. */
export const MAX_CANVAS_SIZE = 8192;

/** Splits a `width` × `height` px poster into a row-major grid of overlapping tiles. */
export function planTiles(width: number, height: number, options: TilingOptions = {}): PlannedTile[] {
  const { maxTileSize, overlap } = { ...DEFAULT_TILING, ...options };
  if (!Number.isInteger(maxTileSize) || maxTileSize < 256 || maxTileSize > MAX_CANVAS_SIZE) {
    throw new InvalidRenderRequestError(`maxTileSize must be a whole number from 256 to ${MAX_CANVAS_SIZE}, got ${maxTileSize}.`);
  }
  if (!Number.isInteger(overlap) || overlap < 0 || overlap * 4 > maxTileSize) {
    throw new InvalidRenderRequestError(`overlap must be a whole number from 0 to a quarter of maxTileSize, got ${overlap}.`);
  }
  const columns = splitAxis(width, maxTileSize, overlap);
  const rows = splitAxis(height, maxTileSize, overlap);
  const tiles: PlannedTile[] = [];
  for (const row of rows) {
    for (const column of columns) {
      tiles.push({
        index: tiles.length,
        core: { x: column.core[0], y: row.core[0], width: column.core[1] - column.core[0], height: row.core[1] - row.core[0] },
        render: { x: column.render[0], y: row.render[0], width: column.render[1] - column.render[0], height: row.render[1] - row.render[0] },
      });
    }
  }
  return tiles;
}

/** Even cores along one axis; each render span is its core widened by `overlap`, clamped to the poster. */
function splitAxis(length: number, maxTileSize: number, overlap: number): { core: [number, number]; render: [number, number] }[] {
  const count = length <= maxTileSize ? 1 : Math.ceil(length / (maxTileSize - 2 * overlap));
  return Array.from({ length: count }, (_, i) => {
    const start = Math.round((i * length) / count);
    const end = Math.round(((i + 1) * length) / count);
    return { core: [start, end], render: [Math.max(0, start - overlap), Math.min(length, end + overlap)] };
  });
}

/**
 * Places each tile's core (already cut to its core, as an uncompressed RGB
 * file) on a `width` × `height` canvas. libvips composites strip by strip, so
 * the poster is never held as one raw buffer in JavaScript. Output is RGB. A
 * poster of one tile is that tile, read as it is.
 */
export function stitchTiles(width: number, height: number, tiles: { file: string; core: Rect }[]): Sharp {
  const [only] = tiles;
  if (tiles.length === 1 && only.core.width === width && only.core.height === height) return sharp(only.file, { limitInputPixels: false });
  return (
    sharp({ create: { width, height, channels: 3, background: '#ffffff' }, limitInputPixels: false })
      .composite(tiles.map((tile) => ({ input: tile.file, left: tile.core.x, top: tile.core.y, limitInputPixels: false })))
      // Compositing adds an alpha channel; a poster is opaque, and a PDF takes RGB PNG data only.
      .removeAlpha()
  );
}
