/**
 * Extents of places as `[west, south, east, north]` in degrees. As in GeoJSON
 * (RFC 7946), a box across the antimeridian has west > east (Fiji, Russia,
 * Chukotka). Pure functions, shared by the index (server), the editor and the
 * CLI.
 */
export type Bbox = [west: number, south: number, east: number, north: number];
export type Ring = [lng: number, lat: number][];
export type LngLat = { lng: number; lat: number };

/** Degrees of longitude from west to east, going east (0 < width ≤ 360). */
export function lngWidth(b: Bbox): number {
  const w = b[2] - b[0];
  return w >= 0 ? w : w + 360;
}

export function bboxCenter(b: Bbox): LngLat {
  const lng = b[0] + lngWidth(b) / 2;
  return { lng: lng > 180 ? lng - 360 : lng, lat: (b[1] + b[3]) / 2 };
}

/**
 * The box a poster of a place should show, from a city's population: a town
 * of 1,000 gets about 3 km around its centre, a city of a million about
 * 12 km, the largest about 40 km (city areas grow roughly with population^0.4).
 */
export function cityExtent(center: LngLat, population: number): Bbox {
  const radiusKm = Math.min(40, Math.max(1.5, 0.6 * Math.max(population, 1) ** 0.22));
  const dLat = radiusKm / 111.32;
  const dLng = Math.min(179, dLat / Math.max(0.05, Math.cos((center.lat * Math.PI) / 180)));
  const wrap = (l: number) => (l > 180 ? l - 360 : l < -180 ? l + 360 : l);
  return [wrap(center.lng - dLng), Math.max(-89, center.lat - dLat), wrap(center.lng + dLng), Math.min(89, center.lat + dLat)];
}

type Arc = { west: number; east: number }; // east ≥ west, unwrapped (east may exceed 180)

/**
 * The extent of a country or region drawn from its polygons' outer rings: the
 * largest part, plus every part that holds at least 0.5% of the area and lies
 * within half the extent's size of it. So France is its mainland with
 * Corsica, not a box from French Guiana to Réunion; the United States keep
 * Alaska but not Hawaii or Guam; Russia and Fiji stay whole across the
 * antimeridian.
 */
export function sensibleExtent(rings: Ring[]): Bbox | undefined {
  const parts = rings
    .filter((r) => r.length >= 3)
    .map((ring) => {
      let west = Infinity, east = -Infinity, south = Infinity, north = -Infinity;
      for (const [lng, lat] of ring) {
        west = Math.min(west, lng); east = Math.max(east, lng);
        south = Math.min(south, lat); north = Math.max(north, lat);
      }
      return { arc: { west, east }, south, north, area: ringArea(ring) };
    })
    .sort((a, b) => b.area - a.area);
  if (parts.length === 0) return undefined;
  const total = parts.reduce((s, p) => s + p.area, 0);
  let arc: Arc = parts[0]!.arc;
  let south = parts[0]!.south, north = parts[0]!.north;
  for (const part of parts.slice(1)) {
    if (part.area < total * 0.005) continue;
    const merged = mergeArcs(arc, part.arc);
    const cosLat = Math.cos((((south + north) / 2) * Math.PI) / 180);
    const lngGap = Math.max(0, merged.east - merged.west - (arc.east - arc.west) - (part.arc.east - part.arc.west)) * cosLat;
    const latGap = Math.max(0, part.south - north, south - part.north);
    const size = Math.max((arc.east - arc.west) * cosLat, north - south);
    if (Math.hypot(lngGap, latGap) > size / 2) continue;
    arc = merged;
    south = Math.min(south, part.south);
    north = Math.max(north, part.north);
  }
  const wrap = (l: number) => (l > 180 ? l - 360 : l);
  return [wrap(arc.west), south, wrap(arc.east), north];
}

/** The shorter arc covering both, trying the second one shifted a turn either way. */
function mergeArcs(a: Arc, b: Arc): Arc {
  let best: Arc | undefined;
  for (const shift of [-360, 0, 360]) {
    const west = Math.min(a.west, b.west + shift);
    const east = Math.max(a.east, b.east + shift);
    if (!best || east - west < best.east - best.west) best = { west, east };
  }
  if (best!.west < -180) return { west: best!.west + 360, east: best!.east + 360 };
  return best!;
}

/** Planar area in degrees², shrunk by cos(latitude): enough to compare parts of one country. */
function ringArea(ring: Ring): number {
  let sum = 0;
  let latSum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j]![0] - ring[i]![0]) * (ring[j]![1] + ring[i]![1]);
    latSum += ring[i]![1];
  }
  return Math.abs(sum / 2) * Math.cos(((latSum / ring.length) * Math.PI) / 180);
}
