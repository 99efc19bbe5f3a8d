import { drawPosterOverlay, drawPosterUnderlay, type PosterCanvasContext } from './overlay';
import { mapViewForOutput, mapViewOfPiece, posterGeometry, type MapView, type PixelSize, type Rect } from './geometry';
import type { PosterConfig } from '@/types/poster';

/**
 * How a poster is assembled from its map and its frame, the one function the
 * editor preview (components/editor/PosterPreview.tsx) and the export's
 * /renderer page (app/renderer/PosterRenderer.tsx) both draw through, so the
 * export looks exactly like the preview: the map shows `mapView` (the whole
 * map rectangle, or the piece of it one export tile covers), and the frame —
 * paper outside the map rectangle, then text, border and credits on top — is
 * painted in full-poster coordinates by `paintFrame`.
 */
export type PosterAssembly = {
  /** Where the map sits on the poster, in the poster's pixels. */
  mapRect: Rect;
  /** What the map canvas shows and at which pixel ratio. */
  mapView: MapView;
  /**
   * Paints the frame. `under` is a canvas below the map (the preview's), or
   * omitted to paint the paper on `over` only outside the map rectangle, so
   * the map below shows through. `origin`: the poster pixel at the canvas's
   * top-left (an export tile's offset). `text: false` leaves the text for
   * later (fonts still loading). `beneathText` draws what sits between the
   * map and the text (the markers), on `over`.
   */
  paintFrame: (
    over: PosterCanvasContext,
    options: { under?: PosterCanvasContext; origin?: { x: number; y: number }; attribution: string; text?: boolean; beneathText?: (ctx: PosterCanvasContext) => void },
  ) => void;
};

export function assemblePoster(config: PosterConfig, poster: PixelSize, piece?: Rect): PosterAssembly {
  const { map } = posterGeometry(config, poster);
  const whole = mapViewForOutput(config, poster);
  return {
    mapRect: map,
    mapView: piece ? mapViewOfPiece(whole, piece) : whole,
    paintFrame(over, { under, origin = { x: 0, y: 0 }, attribution, text = true, beneathText }) {
      for (const ctx of under ? [under, over] : [over]) ctx.setTransform(1, 0, 0, 1, -origin.x, -origin.y);
      if (under) {
        drawPosterUnderlay(under, config, poster);
      } else {
        over.save();
        over.beginPath();
        over.rect(0, 0, poster.width, poster.height);
        over.rect(map.x, map.y, map.width, map.height);
        over.clip('evenodd');
        drawPosterUnderlay(over, config, poster);
        over.restore();
      }
      beneathText?.(over);
      if (text) drawPosterOverlay(over, config, poster, { attribution });
    },
  };
}
