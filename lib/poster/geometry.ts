import type { PosterConfig, PosterFormat } from '@/types/poster';
import { ASPECT_RATIOS, SIZE_PRESETS, type SizePresetId } from './presets';

export interface PixelSize {
  width: number;
  height: number;
}
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Resolution independence.
 *
 * A poster is designed once, at a reference width of REFERENCE_POSTER_WIDTH
 * logical (CSS) px. The config's zoom is the zoom of the map rectangle of that
 * reference poster. An output N px wide is the *same* logical map — same
 * logical size, same zoom, same center — rendered by MapLibre with
 * `pixelRatio = N / REFERENCE_POSTER_WIDTH`. MapLibre multiplies line widths,
 * text and the canvas by the pixel ratio, so a 600 px preview and a 10,800 px
 * export show the same area with the same relative line weights. The overlay
 * works the same way: every size is a fraction of the poster width.
 */
export const REFERENCE_POSTER_WIDTH = 1000;

/** Width / height of a poster of this format. */
export function posterAspect(format: Pick<PosterFormat, 'aspect' | 'orientation'>): number {
  const { width, height } = ASPECT_RATIOS[format.aspect];
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  if (long === short) return 1;
  return format.orientation === 'landscape' ? long / short : short / long;
}

/** Pixel size of a poster of this format at a size preset (the long edge is the preset's). */
export function posterPixelSize(format: Pick<PosterFormat, 'aspect' | 'orientation'>, size: SizePresetId): PixelSize {
  const aspect = posterAspect(format);
  const long = SIZE_PRESETS[size].longEdge;
  return aspect >= 1 ? { width: long, height: Math.round(long / aspect) } : { width: Math.round(long * aspect), height: long };
}

/** Printed size of a poster in centimetres and inches at the preset's DPI. */
export function physicalSize(pixelSize: PixelSize, dpi: number) {
  const inches = { width: pixelSize.width / dpi, height: pixelSize.height / dpi };
  return { dpi, inches, cm: { width: inches.width * 2.54, height: inches.height * 2.54 } };
}

export interface PosterGeometry {
  /** Poster-pixel size of one "unit": the poster width. All typography is a fraction of it. */
  unit: number;
  margin: number;
  /** Where the map is drawn, in poster pixels (integers, so a canvas fits exactly). */
  map: Rect;
}

/** Margins and map rectangle of a poster of the given full pixel size. */
export function posterGeometry(config: Pick<PosterConfig, 'format'>, pixelSize: PixelSize): PosterGeometry {
  const unit = pixelSize.width;
  const margin = Math.round(config.format.margin * unit);
  return {
    unit,
    margin,
    map: { x: margin, y: margin, width: pixelSize.width - 2 * margin, height: pixelSize.height - 2 * margin },
  };
}

export interface MapView {
  center: { lng: number; lat: number };
  zoom: number;
  bearing: number;
  /** Size of the MapLibre container in CSS px — the same for every output size. */
  logicalWidth: number;
  logicalHeight: number;
  /** MapLibre `pixelRatio` that makes the canvas cover `rect` in output pixels. */
  pixelRatio: number;
  /** The map rectangle in output pixels. */
  rect: Rect;
}

/** The logical map to render for an output of `pixelSize` (see REFERENCE_POSTER_WIDTH). */
export function mapViewForOutput(config: Pick<PosterConfig, 'format' | 'place'>, pixelSize: PixelSize): MapView {
  const { map } = posterGeometry(config, pixelSize);
  const pixelRatio = pixelSize.width / REFERENCE_POSTER_WIDTH;
  return {
    center: { ...config.place.center },
    zoom: config.place.zoom,
    bearing: config.place.bearing,
    logicalWidth: map.width / pixelRatio,
    logicalHeight: map.height / pixelRatio,
    pixelRatio,
    rect: map,
  };
}

const TILE_SIZE = 512; // MapLibre's world is 512 × 2^zoom logical px wide

/**
 * The view of one piece of the map, for outputs whose map canvas exceeds the
 * GPU's texture limit and is rendered as tiles: `piece` is a rectangle in
 * output pixels; the result is a MapLibre view of exactly that piece.
 */
export function mapViewOfPiece(view: MapView, piece: Rect): MapView {
  const world = TILE_SIZE * 2 ** view.zoom;
  // Offset of the piece's centre from the map's centre, in logical px, screen axes.
  const dx = (piece.x + piece.width / 2 - (view.rect.x + view.rect.width / 2)) / view.pixelRatio;
  const dy = (piece.y + piece.height / 2 - (view.rect.y + view.rect.height / 2)) / view.pixelRatio;
  // The screen is the world rotated by -bearing; undo it to move in world axes.
  const b = (view.bearing * Math.PI) / 180;
  const wx = dx * Math.cos(b) - dy * Math.sin(b);
  const wy = dx * Math.sin(b) + dy * Math.cos(b);
  const x = lngToMercatorX(view.center.lng) + wx / world;
  const y = latToMercatorY(view.center.lat) + wy / world;
  return {
    ...view,
    center: { lng: mercatorXToLng(x), lat: mercatorYToLat(y) },
    logicalWidth: piece.width / view.pixelRatio,
    logicalHeight: piece.height / view.pixelRatio,
    rect: piece,
  };
}

/** Web Mercator in world units (0 … 1 across the world, y down), shared with lib/overlays. */
export const lngToMercatorX = (lng: number) => (180 + lng) / 360;
export const latToMercatorY = (lat: number) => (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360;
export const mercatorXToLng = (x: number) => x * 360 - 180;
export const mercatorYToLat = (y: number) => (360 / Math.PI) * Math.atan(Math.exp(((180 - y * 360) * Math.PI) / 180)) - 90;
