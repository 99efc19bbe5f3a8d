import simplify from 'simplify-js';
import { latToMercatorY, lngToMercatorX, mercatorXToLng, mercatorYToLat } from '@/lib/poster/geometry';
import { SIZE_PRESETS } from '@/lib/poster/presets';
import type { OverlayFeature, OverlayGeometry } from '@/types/overlays';
import { countPositions } from './geojson';

/**
 * Douglas-Peucker (simplify-js) in Web Mercator, at print resolution: a
 * tolerance of half a pixel of the largest print when the route fills the
 * poster, so nothing a print could show is lost. A year of runs that still
 * has more points than the poster may carry is simplified further, doubling
 * the tolerance until it fits `budget`.
 */

const LARGEST_PRINT_PX = Math.max(...Object.values(SIZE_PRESETS).map((p) => p.longEdge));
// Stored coordinates keep 6 decimals: about 0.1 m, far below a printed pixel.
const DECIMALS = 1e6;

export interface Simplified {
  features: OverlayFeature[];
  /** Positions before and after. */
  before: number;
  after: number;
  /** Tolerance used, in pixels of the largest print with the route filling the poster. */
  tolerancePx: number;
}

export function simplifyToPrint(features: readonly OverlayFeature[], budget: number): Simplified | null {
  const before = countPositions(features);
  const extent = mercatorExtent(features);
  for (let tolerancePx = 0.5; tolerancePx <= LARGEST_PRINT_PX; tolerancePx *= 2) {
    const tolerance = (extent / LARGEST_PRINT_PX) * tolerancePx;
    const simplified = features.map((f) => ({ ...f, geometry: simplifyGeometry(f.geometry, tolerance) }));
    const after = countPositions(simplified);
    if (after <= budget) return { features: simplified, before, after, tolerancePx };
  }
  return null; // even a line per feature does not fit (too many points or waypoints)
}

type MercatorPoint = { x: number; y: number };

function simplifyGeometry(g: OverlayGeometry, tolerance: number): OverlayGeometry {
  const line = (ps: [number, number][], closed: boolean) => {
    const simplified = simplify(ps.map(toMercator), tolerance, false) as MercatorPoint[];
    // A ring that collapsed keeps its first corners, so it stays a valid (if thin) polygon.
    const kept = closed && simplified.length < 4 ? [...ps.slice(0, 3).map(toMercator), toMercator(ps[0]!)] : simplified;
    return kept.map(fromMercator);
  };
  switch (g.type) {
    case 'Point':
      return { type: g.type, coordinates: round(g.coordinates) };
    case 'MultiPoint':
      return { type: g.type, coordinates: g.coordinates.map(round) };
    case 'LineString':
      return { type: g.type, coordinates: line(g.coordinates, false) };
    case 'MultiLineString':
      return { type: g.type, coordinates: g.coordinates.map((l) => line(l, false)) };
    case 'Polygon':
      return { type: g.type, coordinates: g.coordinates.map((r) => line(r, true)) };
    case 'MultiPolygon':
      return { type: g.type, coordinates: g.coordinates.map((p) => p.map((r) => line(r, true))) };
  }
}

function toMercator([lng, lat]: [number, number]): MercatorPoint {
  return { x: lngToMercatorX(lng), y: latToMercatorY(lat) };
}

function fromMercator(p: MercatorPoint): [number, number] {
  return round([mercatorXToLng(p.x), mercatorYToLat(p.y)]);
}

function round([lng, lat]: [number, number]): [number, number] {
  return [Math.round(lng * DECIMALS) / DECIMALS, Math.round(lat * DECIMALS) / DECIMALS];
}

/** The larger side of the features' bounding box in Mercator units (a tiny floor for a single point). */
function mercatorExtent(features: readonly OverlayFeature[]): number {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [lng, lat] of featurePositions(features)) {
    const x = lngToMercatorX(lng);
    const y = latToMercatorY(lat);
    minX = Math.min(minX, x); maxX = Math.max(maxX, x);
    minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  return Math.max(maxX - minX, maxY - minY, 1e-9);
}

/** Every position of the features, in order. */
export function* featurePositions(features: readonly OverlayFeature[]): Generator<[number, number]> {
  for (const { geometry: g } of features) {
    if (g.type === 'Point') yield g.coordinates;
    else if (g.type === 'MultiPoint' || g.type === 'LineString') yield* g.coordinates;
    else if (g.type === 'MultiLineString' || g.type === 'Polygon') for (const l of g.coordinates) yield* l;
    else for (const p of g.coordinates) for (const r of p) yield* r;
  }
}
