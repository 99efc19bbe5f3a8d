import 'server-only';
import type { VectorTileFeature } from '@mapbox/vector-tile';
import { featureFilter, latest, normalizePropertyExpression, type LayerSpecification, type StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { RenderError } from '../errors';
import { bounds, clipLine, clipRing, joinCutLines, overlaps, simplify, type LinePiece } from './geometry';
import { placeLabels, type LabelCandidate } from './labels';
import { type Colour, type MapFrame, type Point, type SceneItem, type Stroke } from './scene';

export type { MapFrame };
import { GEOJSON_LAYER, type LoadedTile, type TileSet } from './tiles';

/**
 * The map of a poster as scene items, drawn from vector tiles by the style
 * the preview uses: each layer's filter, zoom functions, paint and layout are
 * evaluated with the MapLibre style spec's own expression engine, at the
 * poster's zoom, per feature. Fills and lines become paths; labels become
 * text. Layer types a vector file cannot carry yet are refused by name.
 */
export class VectorUnsupportedError extends RenderError {
  readonly code = 'vector_unsupported';
  readonly retryable = false;
}


/** MapLibre's world is 512 × 2^zoom logical px wide. */
const WORLD_TILE = 512;

type Evaluated = { evaluate: (globals: { zoom: number }, feature?: unknown) => unknown; kind: string };

/** Layers drawn as paths or text; anything else is named in the refusal. */
const VECTOR_LAYER_TYPES = new Set(['background', 'fill', 'line', 'circle', 'symbol']);

export function unsupportedLayers(style: StyleSpecification): string[] {
  return style.layers
    .filter((layer) => layer.layout?.visibility !== 'none')
    .filter((layer) => !VECTOR_LAYER_TYPES.has(layer.type) || (layer.type === 'symbol' && layer.layout?.['icon-image'] !== undefined))
    .map((layer) => `${layer.id} (${layer.type === 'symbol' ? 'icons' : layer.type})`);
}

export async function drawMapLayers(
  style: StyleSpecification,
  frame: MapFrame,
  sources: Record<string, TileSet>,
  fontFor: (fontStack: string[], weightHint: number) => Promise<LabelCandidate['font']>,
): Promise<{ items: SceneItem[]; failedTiles: number; totalTiles: number }> {
  const refused = unsupportedLayers(style);
  if (refused.length) {
    throw new VectorUnsupportedError(`These map layers cannot be drawn as vectors yet: ${refused.join(', ')}. Export PNG, JPEG or PDF instead, or switch them off.`);
  }
  const zoom = frame.view.zoom;
  const globals = { zoom };
  const items: SceneItem[] = [];
  const labels: LabelCandidate[] = [];
  let failedTiles = 0;
  let totalTiles = 0;

  const tilesBySource = new Map<string, LoadedTile[]>();
  for (const id of new Set(style.layers.filter(visibleAt(zoom)).map((l) => (l as { source?: string }).source).filter(Boolean) as string[])) {
    const set = sources[id];
    if (!set) throw new VectorUnsupportedError(`The map source "${id}" has no tiles for a vector export.`);
    const tileZoom = Math.max(0, Math.min(set.maxzoom, Math.floor(zoom)));
    const keys = coveringTiles(frame, tileZoom);
    const loaded = await set.load(keys.map((k) => ({ ...k, x: wrap(k.x, tileZoom) })));
    // Keep the unwrapped x for positions (a view across the antimeridian).
    const byKey = new Map(loaded.tiles.map((t) => [`${t.x}/${t.y}`, t]));
    tilesBySource.set(id, keys.flatMap((k) => (byKey.has(`${wrap(k.x, tileZoom)}/${k.y}`) ? [{ ...byKey.get(`${wrap(k.x, tileZoom)}/${k.y}`)!, x: k.x }] : [])));
    failedTiles += loaded.failed;
    totalTiles += keys.length;
  }

  for (const layer of style.layers) {
    if (!visibleAt(zoom)(layer)) continue;
    const paint = evaluators(layer, 'paint');
    const layout = evaluators(layer, 'layout');
    if (layer.type === 'background') {
      const colour = colourOf(paint['background-color'], paint['background-opacity'], globals, undefined);
      const a = frame.area;
      items.push({ kind: 'path', name: layer.id, subpaths: [{ points: [[a.x, a.y], [a.x + a.width, a.y], [a.x + a.width, a.y + a.height], [a.x, a.y + a.height]], closed: true }], fill: colour });
      continue;
    }
    const source = (layer as { source: string }).source;
    const sourceLayer = (layer as { 'source-layer'?: string })['source-layer'] ?? (style.sources[source]?.type === 'geojson' ? GEOJSON_LAYER : undefined);
    if (!sourceLayer) continue;
    const filter = layer.filter ? featureFilter(layer.filter, `layers.${layer.id}.filter`) : undefined;
    const groups = new Map<string, { fill?: Colour; stroke?: Stroke; rings: Point[][]; pieces: LinePiece[] }>();

    for (const tile of tilesBySource.get(source) ?? []) {
      const tileLayer = tile.tile.layers[sourceLayer];
      if (!tileLayer) continue;
      const toScene = tileTransform(frame, tile, tileLayer.extent);
      for (let i = 0; i < tileLayer.length; i++) {
        const feature = tileLayer.feature(i);
        const subject = { type: feature.type, properties: feature.properties, id: feature.id };
        if (filter && !filter.filter(globals as never, subject as never)) continue;
        if (layer.type === 'fill' && feature.type === 3) {
          const fill = colourOf(paint['fill-color'], paint['fill-opacity'], globals, subject);
          const group = groupFor(groups, JSON.stringify(fill), { fill });
          for (const ring of feature.loadGeometry()) {
            const clipped = clipRing(ring.map((p) => [p.x, p.y] as Point), 0, tileLayer.extent);
            if (clipped.length >= 3) group.rings.push(clipped.map(toScene));
          }
        } else if (layer.type === 'line' && feature.type !== 1) {
          const stroke = strokeOf(paint, layout, globals, subject, frame.view.pixelRatio);
          if (!stroke) continue;
          const group = groupFor(groups, JSON.stringify(stroke), { stroke });
          for (const part of feature.loadGeometry()) {
            const line = part.map((p) => [p.x, p.y] as Point);
            // A polygon's outline is a closed line.
            if (feature.type === 3 && line.length > 2) line.push(line[0]);
            for (const piece of clipLine(line, 0, tileLayer.extent)) group.pieces.push({ ...piece, points: piece.points.map(toScene) });
          }
        } else if (layer.type === 'circle') {
          items.push(...circlesOf(layer.id, paint, globals, subject, feature.loadGeometry(), toScene, tileLayer.extent, frame));
        } else if (layer.type === 'symbol') {
          const candidate = await labelCandidate(layer, layout, paint, globals, subject, feature, toScene, tileLayer.extent, frame, fontFor, style.layers.indexOf(layer));
          if (candidate) labels.push(candidate);
        }
      }
    }

    for (const group of groups.values()) {
      if (group.fill) {
        const rings = group.rings.map((ring) => simplify(ring, frame.tolerance)).filter((ring) => ring.length >= 3 && overlaps(bounds(ring), frame.area));
        if (rings.length) items.push({ kind: 'path', name: layer.id, subpaths: rings.map((points) => ({ points, closed: true })), fill: group.fill, clip: frame.area });
      } else if (group.stroke) {
        const reach = group.stroke.width;
        const lines = joinCutLines(group.pieces)
          .map((line) => simplify(line, frame.tolerance))
          .filter((line) => line.length >= 2 && overlaps(bounds(line), frame.area, reach));
        if (lines.length) items.push({ kind: 'path', name: layer.id, subpaths: lines.map((points) => ({ points, closed: false })), stroke: group.stroke, clip: frame.area });
      }
    }
  }
  // Labels last, as MapLibre draws them over every other layer; road names follow whole roads, not tile pieces.
  items.push(...placeLabels(mergeLineLabels(labels), frame));
  return { items, failedTiles, totalTiles };
}

/**
 * Circles (route waypoints and end dots) as MapLibre draws them: a disc of
 * `circle-radius` with its stroke outside it, both in logical px scaled to
 * the print. A point in a tile's buffer belongs to the neighbouring tile.
 */
function circlesOf(name: string, paint: Record<string, Evaluated>, globals: { zoom: number }, subject: unknown, geometry: { x: number; y: number }[][], toScene: (p: Point) => Point, extent: number, frame: MapFrame): SceneItem[] {
  const r = frame.view.pixelRatio;
  const radius = (evaluate<number>(paint['circle-radius'], globals, subject) ?? 5) * r;
  const strokeWidth = (evaluate<number>(paint['circle-stroke-width'], globals, subject) ?? 0) * r;
  const fill = colourOf(paint['circle-color'], paint['circle-opacity'], globals, subject);
  const ring = colourOf(paint['circle-stroke-color'], paint['circle-stroke-opacity'], globals, subject);
  const items: SceneItem[] = [];
  for (const p of geometry.flat()) {
    if (p.x < 0 || p.x >= extent || p.y < 0 || p.y >= extent) continue;
    const [cx, cy] = toScene([p.x, p.y]);
    const disc = (rad: number) => ({ points: Array.from({ length: 64 }, (_, i) => [cx + rad * Math.cos((i * Math.PI) / 32), cy + rad * Math.sin((i * Math.PI) / 32)] as Point), closed: true });
    if (strokeWidth > 0 && ring.alpha > 0) items.push({ kind: 'path', name, subpaths: [disc(radius + strokeWidth)], fill: ring, clip: frame.area });
    items.push({ kind: 'path', name, subpaths: [disc(radius)], fill, clip: frame.area });
  }
  return items;
}

function visibleAt(zoom: number) {
  return (layer: LayerSpecification) =>
    layer.layout?.visibility !== 'none' && (layer.minzoom === undefined || zoom >= layer.minzoom) && (layer.maxzoom === undefined || zoom < layer.maxzoom);
}

function groupFor<T extends { rings: Point[][]; pieces: LinePiece[] }>(groups: Map<string, T>, key: string, init: Omit<T, 'rings' | 'pieces'>): T {
  let group = groups.get(key);
  if (!group) {
    group = { ...init, rings: [], pieces: [] } as unknown as T;
    groups.set(key, group);
  }
  return group;
}

/** Every paint or layout property of the layer as a style-spec expression (constants included), by name. */
function evaluators(layer: LayerSpecification, kind: 'paint' | 'layout'): Record<string, Evaluated> {
  const values = ((layer as Record<string, unknown>)[kind] ?? {}) as Record<string, unknown>;
  const specs = (latest as unknown as Record<string, Record<string, unknown>>)[`${kind}_${layer.type}`];
  const out: Record<string, Evaluated> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = values[name] ?? (spec as { default?: unknown }).default;
    if (value === undefined || name === 'visibility') continue;
    out[name] = normalizePropertyExpression(value as never, `layers.${layer.id}.${kind}.${name}`, spec as never) as unknown as Evaluated;
  }
  return out;
}

function evaluate<T>(e: Evaluated | undefined, globals: { zoom: number }, feature: unknown): T | undefined {
  return e?.evaluate(globals, feature) as T | undefined;
}

function colourOf(colour: Evaluated | undefined, opacity: Evaluated | undefined, globals: { zoom: number }, feature: unknown): Colour {
  const c = evaluate<{ r: number; g: number; b: number; a: number }>(colour, globals, feature) ?? { r: 0, g: 0, b: 0, a: 1 };
  const o = evaluate<number>(opacity, globals, feature) ?? 1;
  const hex = `#${[c.r, c.g, c.b].map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0')).join('')}`;
  return { hex, alpha: c.a * o };
}

/**
 * A line's stroke in scene px. A blurred line (`line-blur`) is drawn sharp
 * with the ink the blur spreads: MapLibre ramps alpha from the edge inwards
 * over the blur width, so the mean alpha across the line is
 * (w − blur) / w, or w / (4 · blur) once the ramps meet.
 */
function strokeOf(paint: Record<string, Evaluated>, layout: Record<string, Evaluated>, globals: { zoom: number }, feature: unknown, ratio: number): Stroke | null {
  const width = (evaluate<number>(paint['line-width'], globals, feature) ?? 1) * ratio;
  if (!(width > 0)) return null;
  const colour = colourOf(paint['line-color'], paint['line-opacity'], globals, feature);
  const blur = (evaluate<number>(paint['line-blur'], globals, feature) ?? 0) * ratio;
  if (blur > 0) colour.alpha *= blur <= width / 2 ? (width - blur) / width : width / (4 * blur);
  if (colour.alpha <= 0) return null;
  const dash = evaluate<number[] | { values?: number[] }>(paint['line-dasharray'], globals, feature);
  const dashValues = Array.isArray(dash) ? dash : dash?.values;
  const cap = (evaluate<string>(layout['line-cap'], globals, feature) ?? 'butt') as Stroke['cap'];
  const join = (evaluate<string>(layout['line-join'], globals, feature) ?? 'miter') as Stroke['join'];
  return {
    colour,
    width: round(width),
    cap,
    join,
    // Dash lengths are in line widths.
    ...(dashValues?.length ? { dash: dashValues.map((d) => round(d * width)) } : {}),
  };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

/** Tile coordinates (0…extent) → scene px: one affine map per tile (scale, the poster's bearing, offset). */
function tileTransform(frame: MapFrame, tile: { z: number; x: number; y: number }, extent: number): (p: Point) => Point {
  const { view } = frame;
  const world = WORLD_TILE * 2 ** view.zoom;
  const cx = lngToX(view.center.lng) * world;
  const cy = latToY(view.center.lat) * world;
  const unit = world / 2 ** tile.z / extent; // logical px per tile unit
  const ox = (tile.x * extent) * unit - cx;
  const oy = (tile.y * extent) * unit - cy;
  const b = (view.bearing * Math.PI) / 180;
  const [cos, sin] = [Math.cos(b), Math.sin(b)];
  const r = view.pixelRatio;
  const mx = view.rect.x + view.rect.width / 2;
  const my = view.rect.y + view.rect.height / 2;
  return ([x, y]) => {
    const wx = ox + x * unit;
    const wy = oy + y * unit;
    // World → screen is a rotation by -bearing (see mapViewOfPiece for the inverse).
    return [mx + r * (wx * cos + wy * sin), my + r * (-wx * sin + wy * cos)];
  };
}

/** Tiles at `z` that cover the frame's area, with x unwrapped (may be < 0 or ≥ 2^z across the antimeridian). */
function coveringTiles(frame: MapFrame, z: number): { z: number; x: number; y: number }[] {
  const { view, area } = frame;
  const world = WORLD_TILE * 2 ** view.zoom;
  const b = (view.bearing * Math.PI) / 180;
  const mx = view.rect.x + view.rect.width / 2;
  const my = view.rect.y + view.rect.height / 2;
  const corners: Point[] = [[area.x, area.y], [area.x + area.width, area.y], [area.x, area.y + area.height], [area.x + area.width, area.y + area.height]];
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [sx, sy] of corners) {
    const dx = (sx - mx) / view.pixelRatio;
    const dy = (sy - my) / view.pixelRatio;
    xs.push(lngToX(view.center.lng) + (dx * Math.cos(b) - dy * Math.sin(b)) / world);
    ys.push(latToY(view.center.lat) + (dx * Math.sin(b) + dy * Math.cos(b)) / world);
  }
  const n = 2 ** z;
  const keys: { z: number; x: number; y: number }[] = [];
  for (let y = Math.max(0, Math.floor(Math.min(...ys) * n)); y <= Math.min(n - 1, Math.floor(Math.max(...ys) * n)); y++) {
    for (let x = Math.floor(Math.min(...xs) * n); x <= Math.floor(Math.max(...xs) * n); x++) keys.push({ z, x, y });
  }
  return keys;
}

const wrap = (x: number, z: number) => ((x % 2 ** z) + 2 ** z) % 2 ** z;
const lngToX = (lng: number) => (180 + lng) / 360;
const latToY = (lat: number) => (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360;

async function labelCandidate(
  layer: LayerSpecification,
  layout: Record<string, Evaluated>,
  paint: Record<string, Evaluated>,
  globals: { zoom: number },
  subject: unknown,
  feature: VectorTileFeature,
  toScene: (p: Point) => Point,
  extent: number,
  frame: MapFrame,
  fontFor: (fontStack: string[], weightHint: number) => Promise<LabelCandidate['font']>,
  layerOrder: number,
): Promise<LabelCandidate | null> {
  const field = evaluate<unknown>(layout['text-field'], globals, subject);
  let text = field === undefined || field === null ? '' : String(field).trim();
  if (!text) return null;
  const transform = evaluate<string>(layout['text-transform'], globals, subject);
  if (transform === 'uppercase') text = text.toUpperCase();
  if (transform === 'lowercase') text = text.toLowerCase();
  const r = frame.view.pixelRatio;
  const size = (evaluate<number>(layout['text-size'], globals, subject) ?? 16) * r;
  const placement = evaluate<string>(layout['symbol-placement'], globals, subject) ?? 'point';
  const geometry = feature.loadGeometry().map((part) => part.map((p) => [p.x, p.y] as Point));
  const fill = colourOf(paint['text-color'], paint['text-opacity'], globals, subject);
  const haloColour = colourOf(paint['text-halo-color'], paint['text-opacity'], globals, subject);
  const haloWidth = (evaluate<number>(paint['text-halo-width'], globals, subject) ?? 0) * r;
  const base = {
    layer: layer.id,
    order: layerOrder,
    text,
    size,
    spacing: (evaluate<number>(layout['text-letter-spacing'], globals, subject) ?? 0) * size,
    font: await fontFor(evaluate<string[]>(layout['text-font'], globals, subject) ?? [], 500),
    fill,
    halo: haloWidth > 0 && haloColour.alpha > 0 ? { colour: haloColour, width: haloWidth } : undefined,
    maxWidth: (evaluate<number>(layout['text-max-width'], globals, subject) ?? 10) * size,
    padding: (evaluate<number>(layout['text-padding'], globals, subject) ?? 2) * r,
    spacingAlong: (evaluate<number>(layout['symbol-spacing'], globals, subject) ?? 250) * r,
    maxAngle: evaluate<number>(layout['text-max-angle'], globals, subject) ?? 45,
  };
  if (placement === 'point' && feature.type === 1) {
    // A point in a tile's buffer belongs to the neighbouring tile: keep it once.
    const inside = geometry.flat().filter(([x, y]) => x >= 0 && x < extent && y >= 0 && y < extent);
    if (!inside.length) return null;
    return { ...base, kind: 'point', anchor: toScene(inside[0]) };
  }
  if (placement === 'line' && feature.type === 2) {
    const pieces = geometry.flatMap((line) => clipLine(line, 0, extent)).map((piece) => ({ ...piece, points: piece.points.map(toScene) }));
    return pieces.length ? { ...base, kind: 'line', pieces, key: `${layer.id}:${text}` } : null;
  }
  return null;
}

/** Pieces of the same road name across tiles, joined into whole lines before labels are placed along them. */
function mergeLineLabels(candidates: LabelCandidate[]): LabelCandidate[] {
  const points = candidates.filter((c) => c.kind === 'point');
  const byKey = new Map<string, Extract<LabelCandidate, { kind: 'line' }>>();
  for (const c of candidates) {
    if (c.kind !== 'line') continue;
    const existing = byKey.get(c.key);
    if (existing) existing.pieces.push(...c.pieces);
    else byKey.set(c.key, { ...c, pieces: [...c.pieces] });
  }
  return [...points, ...byKey.values()];
}
