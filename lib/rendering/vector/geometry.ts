import type { Point, Rect } from './scene';

/**
 * Plane geometry for vector export: clipping tile geometry to its tile's own
 * square (so a feature that several tiles carry is drawn once), joining
 * lines cut at tile edges back together, and simplifying to print resolution.
 */

/** Sutherland–Hodgman against an axis-aligned square [min, max]²; a ring stays a ring (possibly with edges on the border). */
export function clipRing(ring: Point[], min: number, max: number): Point[] {
  let out = ring;
  const edges: [(p: Point) => boolean, (a: Point, b: Point) => Point][] = [
    [(p) => p[0] >= min, (a, b) => atX(a, b, min)],
    [(p) => p[0] <= max, (a, b) => atX(a, b, max)],
    [(p) => p[1] >= min, (a, b) => atY(a, b, min)],
    [(p) => p[1] <= max, (a, b) => atY(a, b, max)],
  ];
  for (const [inside, cross] of edges) {
    if (out.length === 0) break;
    const input = out;
    out = [];
    for (let i = 0; i < input.length; i++) {
      const current = input[i];
      const previous = input[(i + input.length - 1) % input.length];
      if (inside(current)) {
        if (!inside(previous)) out.push(cross(previous, current));
        out.push(current);
      } else if (inside(previous)) {
        out.push(cross(previous, current));
      }
    }
  }
  return out;
}

const atX = (a: Point, b: Point, x: number): Point => [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
const atY = (a: Point, b: Point, y: number): Point => [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];

export interface LinePiece {
  points: Point[];
  /** Whether each end was cut at the tile's edge (and may continue in the next tile). */
  startCut: boolean;
  endCut: boolean;
}

/** Cuts a line to the square [min, max]² (Liang–Barsky per segment); pieces remember which ends were cut. */
export function clipLine(line: Point[], min: number, max: number): LinePiece[] {
  const pieces: LinePiece[] = [];
  let current: LinePiece | null = null;
  for (let i = 0; i + 1 < line.length; i++) {
    const a = line[i];
    const b = line[i + 1];
    const clipped = clipSegment(a, b, min, max);
    if (!clipped) {
      if (current) pieces.push(current);
      current = null;
      continue;
    }
    const [p, q, t0, t1] = clipped;
    if (!current || t0 > 0) {
      if (current) pieces.push(current);
      current = { points: [p], startCut: t0 > 0, endCut: false };
    }
    current.points.push(q);
    if (t1 < 1) {
      current.endCut = true;
      pieces.push(current);
      current = null;
    }
  }
  if (current) pieces.push(current);
  return pieces.filter((piece) => piece.points.length >= 2);
}

function clipSegment(a: Point, b: Point, min: number, max: number): [Point, Point, number, number] | null {
  let t0 = 0;
  let t1 = 1;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const checks: [number, number][] = [
    [-dx, a[0] - min],
    [dx, max - a[0]],
    [-dy, a[1] - min],
    [dy, max - a[1]],
  ];
  for (const [p, q] of checks) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const t = q / p;
      if (p < 0) {
        if (t > t1) return null;
        if (t > t0) t0 = t;
      } else {
        if (t < t0) return null;
        if (t < t1) t1 = t;
      }
    }
  }
  return [
    [a[0] + t0 * dx, a[1] + t0 * dy],
    [a[0] + t1 * dx, a[1] + t1 * dy],
    t0,
    t1,
  ];
}

/**
 * Joins pieces whose cut ends meet (the same line, cut at a tile edge), so a
 * road is one stroke across tiles: no doubled round caps, no gap, dashes run
 * on. Ends that were not cut (real line ends, junctions) are never joined.
 */
export function joinCutLines(pieces: LinePiece[], tolerance = 0.05): Point[][] {
  const key = (p: Point) => `${Math.round(p[0] / tolerance)},${Math.round(p[1] / tolerance)}`;
  const byStart = new Map<string, number[]>();
  const byEnd = new Map<string, number[]>();
  pieces.forEach((piece, i) => {
    if (piece.startCut) push(byStart, key(piece.points[0]), i);
    if (piece.endCut) push(byEnd, key(piece.points[piece.points.length - 1]), i);
  });
  const used = new Uint8Array(pieces.length);
  const take = (map: Map<string, number[]>, k: string, not: number) => {
    const list = map.get(k);
    const found = list?.find((i) => !used[i] && i !== not);
    return found;
  };
  const lines: Point[][] = [];
  for (let i = 0; i < pieces.length; i++) {
    if (used[i]) continue;
    used[i] = 1;
    let points = pieces[i].points.slice();
    let endCut = pieces[i].endCut;
    let startCut = pieces[i].startCut;
    // Extend forwards: a piece starting (or, drawn the other way, ending) where this one ends.
    while (endCut) {
      const k = key(points[points.length - 1]);
      const next = take(byStart, k, i) ?? take(byEnd, k, i);
      if (next === undefined) break;
      used[next] = 1;
      const forward = pieces[next].startCut && key(pieces[next].points[0]) === k;
      const add = forward ? pieces[next].points : pieces[next].points.slice().reverse();
      points = points.concat(add.slice(1));
      endCut = forward ? pieces[next].endCut : pieces[next].startCut;
    }
    while (startCut) {
      const k = key(points[0]);
      const previous = take(byEnd, k, i) ?? take(byStart, k, i);
      if (previous === undefined) break;
      used[previous] = 1;
      const forward = pieces[previous].endCut && key(pieces[previous].points[pieces[previous].points.length - 1]) === k;
      const add = forward ? pieces[previous].points : pieces[previous].points.slice().reverse();
      points = add.slice(0, -1).concat(points);
      startCut = forward ? pieces[previous].startCut : pieces[previous].endCut;
    }
    lines.push(points);
  }
  return lines;
}

function push(map: Map<string, number[]>, key: string, value: number) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Douglas–Peucker: drops points closer than `tolerance` to the simplified line (scene px). */
export function simplify(points: Point[], tolerance: number): Point[] {
  if (points.length <= 2) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack: [number, number][] = [[0, points.length - 1]];
  const t2 = tolerance * tolerance;
  while (stack.length) {
    const [first, last] = stack.pop()!;
    let index = -1;
    let worst = t2;
    for (let i = first + 1; i < last; i++) {
      const d = segmentDistance2(points[i], points[first], points[last]);
      if (d > worst) {
        worst = d;
        index = i;
      }
    }
    if (index >= 0) {
      keep[index] = 1;
      stack.push([first, index], [index, last]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

function segmentDistance2(p: Point, a: Point, b: Point): number {
  let [x, y] = a;
  let dx = b[0] - x;
  let dy = b[1] - y;
  if (dx !== 0 || dy !== 0) {
    const t = ((p[0] - x) * dx + (p[1] - y) * dy) / (dx * dx + dy * dy);
    if (t > 1) [x, y] = b;
    else if (t > 0) [x, y] = [x + dx * t, y + dy * t];
  }
  dx = p[0] - x;
  dy = p[1] - y;
  return dx * dx + dy * dy;
}

export function bounds(points: Point[]): Rect {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

export function overlaps(a: Rect, b: Rect, margin = 0): boolean {
  return a.x - margin < b.x + b.width && b.x - margin < a.x + a.width && a.y - margin < b.y + b.height && b.y - margin < a.y + a.height;
}
