/**
 * Repairs polygon rings after a tile's simplification. A renderer tells a
 * polygon's outer ring from its holes by winding alone (MapLibre's
 * classifyRings): a ring wound like an outer starts a new polygon, and the
 * holes after it attach to that polygon. Simplifying a small island (a hole in
 * the ocean) can leave a sliver wound the wrong way; the renderer then takes it
 * for an outer ring, and every island after it in the tile is drawn as ocean
 * (Japan and Borneo at zoom 1). Here a ring wound like an outer that lies
 * inside the current outer ring is turned back into the hole it was, and rings
 * with no area are dropped.
 */
type Point = [number, number];
type Ring = Point[];

export function repairPolygonRings(rings: Ring[]): Ring[] {
  const areas = rings.map(signedArea);
  const largest = areas.reduce((best, a, i) => (Math.abs(a) > Math.abs(areas[best]!) ? i : best), 0);
  const outerSign = Math.sign(areas[largest] ?? 0);
  if (!outerSign) return [];
  const out: Ring[] = [];
  let outer: Ring | null = null;
  rings.forEach((ring, i) => {
    const sign = Math.sign(areas[i]!);
    if (!sign) return;
    if (sign === outerSign && outer && containsRing(outer, ring)) {
      out.push([...ring].reverse());
    } else if (sign === outerSign) {
      outer = ring;
      out.push(ring);
    } else if (!outer) {
      // A hole before any outer ring: the outer was simplified away or flipped; this ring is the outer now.
      outer = [...ring].reverse();
      out.push(outer);
    } else {
      out.push(ring);
    }
  });
  return out;
}

function signedArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j]![0] - ring[i]![0]) * (ring[i]![1] + ring[j]![1]);
  return sum;
}

/** Whether `inner` lies inside `outer`: most of its vertices do (a simplified sliver may touch the outer's edge). */
function containsRing(outer: Ring, inner: Ring): boolean {
  let inside = 0;
  for (const p of inner) if (pointInRing(p, outer)) inside++;
  return inside * 2 > inner.length;
}

function pointInRing([x, y]: Point, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
