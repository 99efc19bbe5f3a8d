import { describe, expect, it } from 'vitest';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { mapViewForOutput, mapViewOfPiece, physicalSize, posterGeometry, posterPixelSize, REFERENCE_POSTER_WIDTH } from '@/lib/poster/geometry';
import { SIZE_PRESET_IDS, SIZE_PRESETS } from '@/lib/poster/presets';

describe('poster sizes and geometry', () => {
  it('sizes every preset by its long edge and the aspect ratio', () => {
    expect(posterPixelSize({ aspect: '2:3', orientation: 'portrait' }, 'medium')).toEqual({ width: 3600, height: 5400 });
    expect(posterPixelSize({ aspect: '2:3', orientation: 'landscape' }, 'ultra')).toEqual({ width: 10800, height: 7200 });
    expect(posterPixelSize({ aspect: '16:9', orientation: 'landscape' }, 'social')).toEqual({ width: 2048, height: 1152 });
    expect(posterPixelSize({ aspect: '1:1', orientation: 'landscape' }, 'small')).toEqual({ width: 3600, height: 3600 });
    expect(posterPixelSize({ aspect: 'iso-a', orientation: 'portrait' }, 'large')).toEqual({ width: 5091, height: 7200 });
    for (const id of SIZE_PRESET_IDS) {
      const s = posterPixelSize({ aspect: '4:5', orientation: 'portrait' }, id);
      expect(Math.max(s.width, s.height)).toBe(SIZE_PRESETS[id].longEdge);
    }
  });

  it('prints an ISO A poster of the large preset at about A2 size at 300 DPI', () => {
    const print = physicalSize(posterPixelSize({ aspect: 'iso-a', orientation: 'portrait' }, 'large'), 300);
    expect(print.cm.width).toBeCloseTo(43.1, 0); // A2 is 42.0 × 59.4 cm
    expect(print.cm.height).toBeCloseTo(61, 0);
  });

  it('shows the same logical map at every output size, only denser', () => {
    const views = SIZE_PRESET_IDS.map((id) => mapViewForOutput(DEFAULT_POSTER, posterPixelSize(DEFAULT_POSTER.format, id)));
    const reference = mapViewForOutput(DEFAULT_POSTER, { width: REFERENCE_POSTER_WIDTH, height: REFERENCE_POSTER_WIDTH * 1.5 });
    for (const v of views) {
      expect(v.zoom).toBe(reference.zoom);
      // Within 0.1%: pixel sizes are whole numbers, so 2048 × 2/3 rounds.
      expect(Math.abs(v.logicalWidth / reference.logicalWidth - 1)).toBeLessThan(0.001);
      expect(Math.abs(v.logicalHeight / reference.logicalHeight - 1)).toBeLessThan(0.001);
      expect(v.logicalWidth * v.pixelRatio).toBeCloseTo(v.rect.width, 6);
    }
    expect(views.at(-1)!.pixelRatio).toBeCloseTo(7.2);
  });

  it('margins are a fraction of the poster width', () => {
    const g = posterGeometry({ format: { ...DEFAULT_POSTER.format, margin: 0.05 } }, { width: 3600, height: 5400 });
    expect(g.map).toEqual({ x: 180, y: 180, width: 3240, height: 5040 });
  });

  it('a piece of the map is centred where that piece is, even rotated', () => {
    const view = mapViewForOutput({ ...DEFAULT_POSTER, place: { ...DEFAULT_POSTER.place, bearing: 0 } }, { width: 10800, height: 16200 });
    const whole = mapViewOfPiece(view, view.rect);
    expect(whole.center.lng).toBeCloseTo(view.center.lng, 9);
    expect(whole.center.lat).toBeCloseTo(view.center.lat, 9);
    const right = mapViewOfPiece(view, { ...view.rect, x: view.rect.x + view.rect.width / 2 });
    expect(right.center.lng).toBeGreaterThan(view.center.lng);
    expect(right.center.lat).toBeCloseTo(view.center.lat, 9);
    const rotated = mapViewOfPiece({ ...view, bearing: 90 }, { ...view.rect, x: view.rect.x + view.rect.width / 2 });
    // Bearing 90: screen right points south.
    expect(rotated.center.lat).toBeLessThan(view.center.lat);
    expect(rotated.center.lng).toBeCloseTo(view.center.lng, 9);
  });
});
