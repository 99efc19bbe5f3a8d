import { formatCount, OVERLAY_LIMITS } from './limits';
import { OverlayFileError } from './errors';
import type { OverlayFeature, OverlayGeometry } from '@/types/overlays';

/**
 * Turns whatever GeoJSON a file holds (a FeatureCollection, a Feature, a bare
 * geometry, GeometryCollections, or what togeojson made of a GPX/KML file)
 * into the flat features a route stores: 2D positions, names only, no empty
 * geometries. Refuses coordinates off the map and files with more points than
 * the upload limit, naming the file.
 */

// Web Mercator's edge; the schema (types/overlays.ts) uses the same bound.
const MAX_LAT = 85.0511;
const DRAWN_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

type Position = [number, number];

export function normalizeFeatures(fileName: string, input: unknown): OverlayFeature[] {
  const out: OverlayFeature[] = [];
  let points = 0;
  let unsupported: string | null = null;

  const position = (value: unknown): Position | null => {
    if (!Array.isArray(value) || value.length < 2) return null;
    const [x, y] = value as unknown[];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) return null;
    if (x < -180 || x > 180 || y < -MAX_LAT || y > MAX_LAT) {
      throw new OverlayFileError('out_of_range', `${fileName} has a point off the map (longitude ${x}, latitude ${y}): longitudes run from -180 to 180 and latitudes from -85.05 to 85.05. Check that the file is in WGS84 longitude/latitude, longitude first.`);
    }
    if (++points > OVERLAY_LIMITS.uploadPoints) {
      throw new OverlayFileError('too_many_points', `${fileName} has more than ${formatCount(OVERLAY_LIMITS.uploadPoints)} points; split it into smaller files or export a shorter period.`);
    }
    return [x, y];
  };
  const positions = (value: unknown): Position[] => (Array.isArray(value) ? value.map(position).filter((p): p is Position => p !== null) : []);
  const lines = (value: unknown, min: number): Position[][] => (Array.isArray(value) ? value.map(positions).filter((l) => l.length >= min) : []);

  const geometry = (g: unknown): OverlayGeometry | null => {
    const { type, coordinates } = (g ?? {}) as { type?: unknown; coordinates?: unknown };
    switch (type) {
      case 'Point': {
        const p = position(coordinates);
        return p && { type, coordinates: p };
      }
      case 'MultiPoint': {
        const ps = positions(coordinates);
        return ps.length ? { type, coordinates: ps } : null;
      }
      case 'LineString': {
        const ps = positions(coordinates);
        return ps.length >= 2 ? { type, coordinates: ps } : null;
      }
      case 'MultiLineString': {
        const ls = lines(coordinates, 2);
        return ls.length ? { type, coordinates: ls } : null;
      }
      case 'Polygon': {
        const rings = lines(coordinates, 4);
        return rings.length ? { type, coordinates: rings } : null;
      }
      case 'MultiPolygon': {
        const polys = Array.isArray(coordinates) ? coordinates.map((p) => lines(p, 4)).filter((p) => p.length) : [];
        return polys.length ? { type, coordinates: polys } : null;
      }
      default:
        if (typeof type === 'string' && !DRAWN_TYPES.has(type)) unsupported ??= type;
        return null;
    }
  };

  const feature = (geom: unknown, properties: unknown) => {
    const { type, geometries } = (geom ?? {}) as { type?: unknown; geometries?: unknown };
    if (type === 'GeometryCollection' && Array.isArray(geometries)) {
      for (const g of geometries) feature(g, properties);
      return;
    }
    const normalized = geometry(geom);
    if (!normalized) return;
    const name = (properties as { name?: unknown } | null)?.name;
    out.push({ type: 'Feature', geometry: normalized, properties: typeof name === 'string' && name.trim() ? { name: name.trim().slice(0, OVERLAY_LIMITS.nameChars) } : null });
  };

  const root = (input ?? {}) as { type?: unknown; features?: unknown; geometry?: unknown; properties?: unknown };
  if (root.type === 'FeatureCollection' && Array.isArray(root.features)) {
    for (const f of root.features) feature((f as { geometry?: unknown } | null)?.geometry, (f as { properties?: unknown } | null)?.properties);
  } else if (root.type === 'Feature') {
    feature(root.geometry, root.properties);
  } else if (typeof root.type === 'string' && (DRAWN_TYPES.has(root.type) || root.type === 'GeometryCollection')) {
    feature(root, null);
  } else {
    throw new OverlayFileError('unsupported_file', `${fileName} is JSON but not GeoJSON: expected a FeatureCollection, a Feature or a geometry${typeof root.type === 'string' ? ` (its type is "${root.type.slice(0, 40)}")` : ''}.`);
  }

  if (out.length === 0) {
    const why = unsupported ? ` (it has only ${unsupported} geometries, which a poster cannot draw)` : '';
    throw new OverlayFileError('empty_file', `${fileName} has no track, route, line, shape or point with coordinates in it${why}.`);
  }
  if (out.length > OVERLAY_LIMITS.featuresPerRoute) {
    throw new OverlayFileError('too_many_points', `${fileName} has ${formatCount(out.length)} tracks, lines and shapes; a route file can have at most ${formatCount(OVERLAY_LIMITS.featuresPerRoute)}.`);
  }
  return out;
}

/** Positions in a feature list (every point of every line and ring). */
export function countPositions(features: readonly OverlayFeature[]): number {
  let n = 0;
  for (const { geometry: g } of features) {
    if (g.type === 'Point') n += 1;
    else if (g.type === 'MultiPoint' || g.type === 'LineString') n += g.coordinates.length;
    else if (g.type === 'MultiLineString' || g.type === 'Polygon') for (const l of g.coordinates) n += l.length;
    else for (const p of g.coordinates) for (const r of p) n += r.length;
  }
  return n;
}
