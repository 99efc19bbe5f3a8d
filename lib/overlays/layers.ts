import type { ExpressionSpecification, LayerSpecification, SourceSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { PaletteColors } from '@/lib/map/palettes';
import type { Overlays, Route } from '@/types/overlays';
import { overlayColor } from './colors';

/**
 * Routes as layers of the poster's map style: one GeoJSON source per route
 * file, drawn on top of the map as fill (shapes), casing and line, waypoints
 * and optional start/end dots. `buildMapStyle` appends them, so the editor
 * preview and the export renderer draw routes with the same style, and widths
 * scale with the print like the map's own lines.
 */

export const OVERLAY_LAYER_PREFIX = 'overlay-';

const isType = (...types: string[]): ExpressionSpecification => ['match', ['geometry-type'], types, true, false];

export function withOverlayLayers(style: StyleSpecification, overlays: Overlays | undefined, palette: PaletteColors): StyleSpecification {
  if (!overlays?.routes.length) return style;
  const sources: Record<string, SourceSpecification> = { ...style.sources };
  const layers: LayerSpecification[] = [...style.layers];
  overlays.routes.forEach((route, i) => {
    const id = `${OVERLAY_LAYER_PREFIX}route-${i}`;
    sources[id] = { type: 'geojson', data: route.data as GeoJSON.FeatureCollection };
    layers.push(...routeLayers(id, route, palette));
    if (route.endpoints) {
      sources[`${id}-ends`] = { type: 'geojson', data: endpointsOf(route) };
      layers.push(...endpointLayers(`${id}-ends`, route, palette));
    }
  });
  return { ...style, sources, layers };
}

function routeLayers(source: string, route: Route, palette: PaletteColors): LayerSpecification[] {
  const color = overlayColor(route.color, palette);
  const lines = isType('LineString', 'MultiLineString', 'Polygon', 'MultiPolygon');
  const layout = { 'line-cap': 'round', 'line-join': 'round' } as const;
  const out: LayerSpecification[] = [
    { id: `${source}-fill`, type: 'fill', source, filter: isType('Polygon', 'MultiPolygon'), paint: { 'fill-color': color, 'fill-opacity': route.opacity * 0.25 } },
  ];
  if (route.casing) {
    out.push({ id: `${source}-casing`, type: 'line', source, filter: lines, layout, paint: { 'line-color': palette.paper, 'line-width': casingWidth(route.width), 'line-opacity': route.opacity } });
  }
  out.push(
    { id: `${source}-line`, type: 'line', source, filter: lines, layout, paint: { 'line-color': color, 'line-width': route.width, 'line-opacity': route.opacity } },
    {
      id: `${source}-points`, type: 'circle', source, filter: isType('Point', 'MultiPoint'),
      paint: { 'circle-color': color, 'circle-radius': route.width * 1.5 + 1, 'circle-opacity': route.opacity, 'circle-stroke-color': palette.paper, 'circle-stroke-width': Math.max(1, route.width * 0.4) },
    },
  );
  return out;
}

function endpointLayers(source: string, route: Route, palette: PaletteColors): LayerSpecification[] {
  const color = overlayColor(route.color, palette);
  return [{
    id: `${source}`, type: 'circle', source,
    paint: {
      // Start: filled in the route's colour; end: paper with a ring of it.
      'circle-color': ['match', ['get', 'end'], 'start', color, palette.paper],
      'circle-radius': route.width * 1.6 + 2,
      'circle-stroke-color': ['match', ['get', 'end'], 'start', palette.paper, color],
      'circle-stroke-width': Math.max(1.5, route.width * 0.6),
    },
  }];
}

function casingWidth(width: number): number {
  return width + 2 * Math.max(1, width * 0.4);
}

/** The first and last point of every line of a route. */
function endpointsOf(route: Route): GeoJSON.FeatureCollection {
  const features: GeoJSON.Feature[] = [];
  const add = (line: [number, number][]) => {
    features.push({ type: 'Feature', properties: { end: 'start' }, geometry: { type: 'Point', coordinates: line[0]! } });
    features.push({ type: 'Feature', properties: { end: 'end' }, geometry: { type: 'Point', coordinates: line.at(-1)! } });
  };
  for (const { geometry: g } of route.data.features) {
    if (g.type === 'LineString') add(g.coordinates);
    if (g.type === 'MultiLineString') g.coordinates.forEach(add);
  }
  return { type: 'FeatureCollection', features };
}
