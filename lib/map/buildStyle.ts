import type { ExpressionSpecification, LayerSpecification, SourceSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { PosterConfig } from '@/types/poster';
import { FONT_ROUTE, fontFileName, mapFontName } from '@/lib/map/fonts';
import type { PosterFontId } from '@/lib/map/fonts';
import { withOverlayLayers } from '@/lib/overlays/layers';
import { applyPalette, type LayerRoles } from './applyPalette';
import { CONTOUR_LEVEL_KEY, CONTOUR_SOURCE_LAYER } from './contours';
import { PALETTES, resolvePalette, type PaletteRole } from './palettes';
import { MAP_STYLES, type LayerToggle, type MapStyleId, type StyleRecipe } from './styles';
import type { TileSource } from './tileSource';

/**
 * The one style builder: a MapLibre style over the OpenMapTiles schema
 * (source layers water, waterway, landcover, landuse, park, building,
 * transportation, transportation_name, boundary, place), shaped by a style
 * recipe and painted by `applyPalette`. The offline basemap and any online
 * OpenMapTiles source read the same layers.
 */
export interface MapStyleOptions {
  tileSource: TileSource;
  /** Origin the app is served from; MapLibre fetches tiles in a worker, where relative URLs do not resolve. */
  baseUrl: string;
  /** From `registerContours`; without it the style has no contour layers. */
  contoursTileUrl?: string | null;
}

const SOURCE = 'openmaptiles';
const LABEL_WEIGHT = 500;

export function buildMapStyle(config: Pick<PosterConfig, 'style' | 'palette' | 'customPalette' | 'layers' | 'typography' | 'overlays'>, options: MapStyleOptions): StyleSpecification {
  const palette = resolvePalette(config);
  // The poster's own routes go on top, as layers of the same style (lib/overlays/layers.ts).
  return withOverlayLayers(applyPalette(buildBaseStyle(config.style, config.typography.font, options), palette, config.layers), config.overlays, palette);
}

/** The style's layers with colours from its first palette; `applyPalette` repaints them. */
export function buildBaseStyle(styleId: MapStyleId, font: PosterFontId, options: MapStyleOptions): StyleSpecification {
  const recipe: StyleRecipe = MAP_STYLES[styleId];
  const { tileSource, baseUrl } = options;
  const sources: Record<string, SourceSpecification> = {
    [SOURCE]:
      tileSource.kind === 'offline'
        ? { type: 'vector', tiles: [baseUrl + tileSource.tilesPath], maxzoom: tileSource.maxzoom, attribution: tileSource.attribution }
        : { type: 'vector', url: tileSource.kind === 'file' ? baseUrl + tileSource.tilejsonPath : tileSource.tilejsonUrl, attribution: tileSource.attribution },
  };
  if (options.contoursTileUrl) sources.contours = { type: 'vector', tiles: [options.contoursTileUrl], maxzoom: 15 };

  const labelFont = mapFontName(font, LABEL_WEIGHT);
  const style: StyleSpecification = {
    version: 8,
    name: `carto-export ${styleId}`,
    metadata: { 'carto:style': styleId },
    sources,
    // Labels are drawn from the app's own font files (`font-faces`), so they work offline; a glyphs URL,
    // when the provider has one, only fills in characters those files lack.
    'font-faces': { [labelFont]: [{ url: `${baseUrl}${FONT_ROUTE}/${fontFileName(font, LABEL_WEIGHT)}` }] },
    layers: layers(recipe, labelFont, Boolean(options.contoursTileUrl)),
  };
  if (tileSource.kind === 'online' && tileSource.glyphsUrl) style.glyphs = tileSource.glyphsUrl;
  return applyPalette(style, Object.values(PALETTES[styleId])[0]!.colors, allVisible);
}

const allVisible: Record<LayerToggle, boolean> = { streets: true, buildings: true, water: true, parks: true, railroads: true, contours: true, labels: true };

function roles(paint: Record<string, PaletteRole>, toggle?: LayerToggle): { metadata: LayerRoles } {
  return { metadata: { 'carto:paint': paint, ...(toggle ? { 'carto:toggle': toggle } : {}) } };
}

/** A width that grows with zoom (exponentially, like the roads themselves), scaled by the style's weight. */
function byZoom(stops: [number, number][], weight: number | ExpressionSpecification = 1): ExpressionSpecification {
  // MapLibre allows `zoom` only at the top of an expression, so a per-feature factor goes inside each stop.
  const scale = (w: number) => (typeof weight === 'number' ? w * weight : ['*', w, weight]);
  return ['interpolate', ['exponential', 1.6], ['zoom'], ...stops.flatMap(([z, w]) => [z, scale(w)])] as ExpressionSpecification;
}

const ROAD_CLASSES = {
  major: ['motorway', 'trunk', 'primary'],
  mid: ['secondary', 'tertiary'],
  minor: ['minor', 'service', 'track', 'unclassified', 'residential'],
  path: ['path', 'pedestrian'],
} as const;

const ROAD_WIDTHS: Record<keyof typeof ROAD_CLASSES, [number, number][]> = {
  major: [[5, 0.6], [10, 1.6], [14, 4.5], [18, 26]],
  mid: [[8, 0.4], [11, 1], [14, 3], [18, 18]],
  minor: [[11, 0.3], [14, 1.4], [18, 10]],
  path: [[13, 0.3], [15, 0.8], [18, 3]],
};

function classFilter(classes: readonly string[]): ExpressionSpecification {
  return ['match', ['get', 'class'], [...classes], true, false];
}

function layers(recipe: StyleRecipe, labelFont: string, contours: boolean): LayerSpecification[] {
  const src = { source: SOURCE };
  const out: LayerSpecification[] = [
    { id: 'land', type: 'background', paint: { 'background-color': '#fff' }, ...roles({ 'background-color': 'land' }) },
  ];

  if (recipe.landcover) {
    out.push({
      id: 'landcover-green', type: 'fill', ...src, 'source-layer': 'landcover',
      filter: classFilter(['wood', 'forest', 'grass', 'wetland', 'scrub', 'farmland']),
      paint: { 'fill-color': '#000', 'fill-opacity': recipe.greenOpacity * 0.5, 'fill-antialias': true },
      ...roles({ 'fill-color': 'park' }, 'parks'),
    });
  }
  out.push(
    {
      id: 'landuse-green', type: 'fill', ...src, 'source-layer': 'landuse',
      filter: classFilter(['cemetery', 'grass', 'recreation_ground', 'pitch', 'playground']),
      paint: { 'fill-color': '#000', 'fill-opacity': recipe.greenOpacity * 0.7 },
      ...roles({ 'fill-color': 'park' }, 'parks'),
    },
    {
      // OpenMapTiles puts a town's parks and gardens in landcover (class grass), national parks in `park`.
      id: 'landcover-park', type: 'fill', ...src, 'source-layer': 'landcover',
      filter: ['match', ['get', 'subclass'], ['park', 'garden', 'village_green', 'recreation_ground', 'golf_course'], true, false],
      paint: { 'fill-color': '#000', 'fill-opacity': recipe.greenOpacity },
      ...roles({ 'fill-color': 'park' }, 'parks'),
    },
    {
      id: 'park', type: 'fill', ...src, 'source-layer': 'park',
      paint: { 'fill-color': '#000', 'fill-opacity': recipe.greenOpacity },
      ...roles({ 'fill-color': 'park' }, 'parks'),
    },
  );

  if (recipe.waterHalo) {
    out.push({
      id: 'water-halo', type: 'line', ...src, 'source-layer': 'water',
      paint: { 'line-color': '#000', 'line-width': byZoom([[4, 2], [12, 8], [18, 30]]), 'line-blur': byZoom([[4, 2], [12, 8], [18, 30]]), 'line-opacity': 0.35 },
      ...roles({ 'line-color': 'water' }, 'water'),
    });
  }
  out.push(
    {
      id: 'water', type: 'fill', ...src, 'source-layer': 'water',
      paint: { 'fill-color': '#000', 'fill-opacity': recipe.water === 'outline' ? 0.35 : 1 },
      ...roles({ 'fill-color': 'water' }, 'water'),
    },
    {
      id: 'waterway', type: 'line', ...src, 'source-layer': 'waterway',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#000', 'line-width': byZoom([[8, 0.5], [12, 1.5], [16, 6], [18, 12]], ['match', ['get', 'class'], 'river', 1, 0.45]) },
      ...roles({ 'line-color': 'water' }, 'water'),
    },
  );
  if (recipe.water === 'outline') {
    out.push({
      id: 'water-outline', type: 'line', ...src, 'source-layer': 'water',
      paint: { 'line-color': '#000', 'line-width': byZoom([[4, 0.4], [14, 1.2], [18, 2]]), 'line-opacity': 0.85 },
      ...roles({ 'line-color': 'ink' }, 'water'),
    });
  }

  if (contours) {
    out.push({
      id: 'contours', type: 'line', source: 'contours', 'source-layer': CONTOUR_SOURCE_LAYER,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#000', 'line-width': ['match', ['get', CONTOUR_LEVEL_KEY], 1, 1.1, 0.5], 'line-opacity': 0.8 },
      ...roles({ 'line-color': 'contour' }, 'contours'),
    });
  }

  out.push(
    recipe.buildings === 'fill'
      ? {
          id: 'building', type: 'fill', ...src, 'source-layer': 'building', minzoom: 12,
          paint: { 'fill-color': '#000', 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 12, 0, 13.5, 1] },
          ...roles({ 'fill-color': 'building' }, 'buildings'),
        }
      : {
          id: 'building', type: 'line', ...src, 'source-layer': 'building', minzoom: 12,
          paint: { 'line-color': '#000', 'line-width': 0.5, 'line-opacity': ['interpolate', ['linear'], ['zoom'], 12, 0, 13.5, 0.7] },
          ...roles({ 'line-color': 'ink' }, 'buildings'),
        },
  );

  out.push(
    {
      id: 'railway', type: 'line', ...src, 'source-layer': 'transportation',
      filter: classFilter(['rail', 'transit']),
      paint: { 'line-color': '#000', 'line-width': byZoom([[8, 0.4], [14, 1.2], [18, 3]], recipe.roadWeight), 'line-dasharray': [3, 2] },
      ...roles({ 'line-color': 'rail' }, 'railroads'),
    },
  );

  // Roads from the smallest up, so a major road is drawn over the streets that meet it.
  const roadGroups = [
    ['path', 'roadMinor'],
    ['minor', 'roadMinor'],
    ['mid', 'roadMajor'],
    ['major', 'roadMajor'],
  ] as const;
  const roadLayout = { 'line-cap': 'round', 'line-join': 'round' } as const;
  if (recipe.casing) {
    for (const [group] of roadGroups.slice(1)) {
      out.push({
        id: `road-${group}-casing`, type: 'line', ...src, 'source-layer': 'transportation',
        filter: classFilter(ROAD_CLASSES[group]),
        minzoom: group === 'minor' ? recipe.minorRoadsFrom : 0,
        layout: roadLayout,
        paint: { 'line-color': '#000', 'line-opacity': 0.45, 'line-width': byZoom(ROAD_WIDTHS[group].map(([z, w]) => [z, w * 1.6 + 0.6] as [number, number]), recipe.roadWeight) },
        ...roles({ 'line-color': 'ink' }, 'streets'),
      });
    }
  }
  for (const [group, role] of roadGroups) {
    out.push({
      id: `road-${group}`, type: 'line', ...src, 'source-layer': 'transportation',
      filter: classFilter(ROAD_CLASSES[group]),
      minzoom: group === 'minor' || group === 'path' ? recipe.minorRoadsFrom : 0,
      layout: roadLayout,
      paint: {
        'line-color': '#000',
        'line-width': byZoom(ROAD_WIDTHS[group], recipe.roadWeight),
        ...(recipe.roadBlur ? { 'line-blur': recipe.roadBlur } : {}),
        ...(group === 'path' ? { 'line-opacity': 0.7 } : {}),
      },
      ...roles({ 'line-color': role }, 'streets'),
    });
  }

  out.push(
    {
      id: 'boundary-country', type: 'line', ...src, 'source-layer': 'boundary',
      filter: ['all', ['==', ['get', 'admin_level'], 2], ['!=', ['get', 'maritime'], 1]],
      paint: { 'line-color': '#000', 'line-opacity': 0.45, 'line-width': byZoom([[2, 0.5], [8, 1.5], [14, 3]]), 'line-dasharray': [4, 2] },
      ...roles({ 'line-color': 'ink' }),
    },
    {
      id: 'boundary-state', type: 'line', ...src, 'source-layer': 'boundary', minzoom: 3,
      filter: ['all', ['==', ['get', 'admin_level'], 4], ['!=', ['get', 'maritime'], 1]],
      paint: { 'line-color': '#000', 'line-opacity': 0.3, 'line-width': byZoom([[3, 0.3], [8, 0.8], [14, 1.5]]), 'line-dasharray': [2, 2] },
      ...roles({ 'line-color': 'ink' }),
    },
    {
      id: 'label-road', type: 'symbol', ...src, 'source-layer': 'transportation_name', minzoom: 13,
      layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': [labelFont], 'text-size': byZoom([[13, 9], [18, 14]]) },
      paint: { 'text-color': '#000', 'text-halo-color': '#fff', 'text-halo-width': 1.2, 'text-opacity': 0.85 },
      ...roles({ 'text-color': 'ink', 'text-halo-color': 'land' }, 'labels'),
    },
    {
      id: 'label-place', type: 'symbol', ...src, 'source-layer': 'place',
      layout: { 'text-field': ['get', 'name'], 'text-font': [labelFont], 'text-size': byZoom([[4, 11], [10, 16], [14, 22]]), 'text-letter-spacing': 0.1, 'text-transform': 'uppercase' },
      paint: { 'text-color': '#000', 'text-halo-color': '#fff', 'text-halo-width': 1.5 },
      ...roles({ 'text-color': 'ink', 'text-halo-color': 'land' }, 'labels'),
    },
  );
  return out;
}
