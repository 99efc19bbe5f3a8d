import { describe, expect, it } from 'vitest';
import { InvalidRenderRequestError } from '@/lib/rendering/errors';
import { defaultTileSize, planTiles } from '@/lib/rendering/tiling';

describe('tile planner', () => {
  it('a poster that fits one canvas is one tile', () => {
    expect(planTiles(3600, 5400, { maxTileSize: 8192, overlap: 64 })).toEqual([
      { index: 0, core: { x: 0, y: 0, width: 3600, height: 5400 }, render: { x: 0, y: 0, width: 3600, height: 5400 } },
    ]);
  });

  it('an ultra poster is covered exactly once by cores, each rendered with overlap inside the size limit', () => {
    const [width, height] = [10800, 16200];
    const tiles = planTiles(width, height, { maxTileSize: 2048, overlap: 64 });
    const covered = new Uint8Array(width * height);
    for (const t of tiles) {
      expect(t.render.width).toBeLessThanOrEqual(2048);
      expect(t.render.height).toBeLessThanOrEqual(2048);
      // The render rectangle holds the core, plus the overlap wherever a neighbour exists.
      expect(t.render.x).toBe(Math.max(0, t.core.x - 64));
      expect(t.render.y).toBe(Math.max(0, t.core.y - 64));
      expect(t.render.x + t.render.width).toBe(Math.min(width, t.core.x + t.core.width + 64));
      for (let y = t.core.y; y < t.core.y + t.core.height; y += 1) covered.fill(1 + covered[y * width + t.core.x], y * width + t.core.x, y * width + t.core.x + t.core.width);
    }
    expect(covered.every((c) => c === 1)).toBe(true);
    expect(tiles.length).toBe(6 * 9);
  });

  it('a poster up to 4096 px on a side is drawn as one tile; an ultra poster in 2048 px tiles', () => {
    expect(planTiles(2400, 3600, { maxTileSize: defaultTileSize(2400, 3600) })).toHaveLength(1);
    expect(defaultTileSize(4096, 2000)).toBe(4096);
    expect(defaultTileSize(7200, 10800)).toBe(2048);
  });

  it('refuses tiles larger than the 8192 px canvas limit', () => {
    expect(() => planTiles(20000, 20000, { maxTileSize: 9000 })).toThrow(InvalidRenderRequestError);
  });
});
