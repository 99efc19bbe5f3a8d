import 'server-only';
import { featureFilter, type FilterSpecification, type LayerSpecification } from '@maplibre/maplibre-gl-style-spec';
import { posterPoint } from '@/lib/overlays/project';
import { bounds, overlaps, simplify } from './geometry';
import type { MapFrame } from './mapLayers';
import type { Colour, Point, SceneItem, Stroke } from './scene';

/**
 * The poster's routes (lib/overlays/layers.ts: GeoJSON sources with fill,
 * line and circle layers) as scene items. They come from the style, not from
 * tiles: each feature's coordinates are projected with the same function the
 * markers use, and paint is evaluated by the caller's style-spec evaluators,
 * as for every other layer.
 */
export interface OverlayPaint {
  fill: (subject: unknown) => Colour;
  stroke: (subject: unknown) => Stroke | null;
  circle: (subject: unknown) => { radius: number; fill: Colour; stroke: Stroke | null };
}

type Geometry = { type: string; coordinates: unknown };
type Feature = { type: 'Feature'; geometry: Geometry | null; properties?: Record<string, unknown> | null };

const GEOMETRY_TYPE: Record<string, 1 | 2 | 3> = { Point: 1, MultiPoint: 1, LineString: 2, MultiLineString: 2, Polygon: 3, MultiPolygon: 3 };

export function geojsonLayerItems(layer: LayerSpecification, data: unknown, frame: MapFrame, paint: OverlayPaint): SceneItem[] {
  const features = ((data as { features?: Feature[] }).features ?? []).filter((f) => f.geometry);
  const spec = (layer as { filter?: FilterSpecification }).filter;
  const filter = spec ? featureFilter(spec, `layers.${layer.id}.filter`) : undefined;
  const globals = { zoom: frame.view.zoom };
  const project = ([lng, lat]: number[]): Point => {
    const p = posterPoint(frame.view, lng!, lat!);
    return [p.x, p.y];
  };
  const items: SceneItem[] = [];
  for (const feature of features) {
    const g = feature.geometry!;
    const subject = { type: GEOMETRY_TYPE[g.type], properties: feature.properties ?? {} };
    if (!subject.type || (filter && !filter.filter(globals as never, subject as never))) continue;
    const lines = linesOf(g).map((l) => simplify(l.map(project), frame.tolerance)).filter((l) => l.length >= 2 && overlaps(bounds(l), frame.area, frame.area.width));
    if (layer.type === 'fill' && subject.type === 3 && lines.length) {
      items.push({ kind: 'path', name: layer.id, subpaths: lines.map((points) => ({ points, closed: true })), fill: paint.fill(subject), clip: frame.area });
    } else if (layer.type === 'line' && subject.type !== 1 && lines.length) {
      const stroke = paint.stroke(subject);
      if (stroke) items.push({ kind: 'path', name: layer.id, subpaths: lines.map((points) => ({ points, closed: false })), stroke, clip: frame.area });
    } else if (layer.type === 'circle' && subject.type === 1) {
      const { radius, fill, stroke } = paint.circle(subject);
      const subpaths = pointsOf(g).map(project).map((c) => ({ points: circle(c, radius), closed: true }));
      if (subpaths.length) items.push({ kind: 'path', name: layer.id, subpaths, fill, ...(stroke ? { stroke } : {}), clip: frame.area });
    }
  }
  return items;
}

/** Lines and rings of a geometry, as lists of positions (a polygon's rings closed). */
function linesOf(g: Geometry): number[][][] {
  const c = g.coordinates as never;
  switch (g.type) {
    case 'LineString': return [c];
    case 'MultiLineString': return c;
    case 'Polygon': return c;
    case 'MultiPolygon': return (c as number[][][][]).flat();
    default: return [];
  }
}

function pointsOf(g: Geometry): number[][] {
  return g.type === 'Point' ? [g.coordinates as number[]] : g.type === 'MultiPoint' ? (g.coordinates as number[][]) : [];
}

/** Segments for a full circle of radius r (scene px) whose edges stay within 0.05 px of the curve. */
export function circleSegments(r: number): number {
  return Math.max(16, Math.ceil(Math.PI / Math.acos(Math.max(0, 1 - 0.05 / Math.max(r, 0.1)))));
}

/** A circle as a polygon fine enough that no printed edge shows a corner. */
function circle([x, y]: Point, r: number): Point[] {
  const n = circleSegments(r);
  return Array.from({ length: n }, (_, i) => [x + r * Math.cos((2 * Math.PI * i) / n), y + r * Math.sin((2 * Math.PI * i) / n)] as Point);
}
