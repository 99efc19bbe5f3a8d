import { z } from 'zod';
import { PALETTE_ROLES } from '@/types/vocabulary';
import { formatBytes, formatCount, OVERLAY_LIMITS as L } from '@/lib/overlays/limits';

/**
 * A poster's personal layer: markers and routes. Part of `PosterConfig`
 * (types/poster.ts), so the export, the history and the API carry it; every
 * limit is in lib/overlays/limits.ts. GeoJSON parts are plain objects (foreign
 * members such as `bbox` or extra properties are dropped, not refused), the
 * rest is strict like the poster.
 */

export const MARKER_ICONS = ['pin', 'heart', 'star', 'dot', 'number'] as const;
export type MarkerIcon = (typeof MARKER_ICONS)[number];

/** A colour of the poster's palette by role (it follows palette changes), or a fixed one. */
export const overlayColorSchema = z.union([z.enum(PALETTE_ROLES), z.string().regex(/^#[0-9a-fA-F]{6}$/)], {
  error: `expected a colour such as #d7263d or a palette colour (${PALETTE_ROLES.join(', ')})`,
});
export type OverlayColor = z.infer<typeof overlayColorSchema>;

// Web Mercator ends at ±85.0511°: a point beyond it cannot be drawn on a map.
const MAX_LAT = 85.0511;
const lng = z.number().min(-180, 'longitude must be between -180 and 180').max(180, 'longitude must be between -180 and 180');
const lat = z.number().min(-MAX_LAT, 'latitude must be between -85.05 and 85.05, the edge of the map').max(MAX_LAT, 'latitude must be between -85.05 and 85.05, the edge of the map');

/** `[lng, lat]`; an elevation or time after them is accepted and dropped. */
const position = z.tuple([lng, lat], z.number()).transform(([x, y]) => [x, y] as [number, number]);
const line = z.array(position).min(2, 'a line needs at least 2 points');
const ring = z.array(position).min(4, 'a polygon ring needs at least 4 points (the last repeating the first)');

export const overlayGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Point'), coordinates: position }),
  z.object({ type: z.literal('MultiPoint'), coordinates: z.array(position).min(1) }),
  z.object({ type: z.literal('LineString'), coordinates: line }),
  z.object({ type: z.literal('MultiLineString'), coordinates: z.array(line).min(1) }),
  z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1)).min(1) }),
], { error: 'expected a Point, MultiPoint, LineString, MultiLineString, Polygon or MultiPolygon geometry' });
export type OverlayGeometry = z.infer<typeof overlayGeometrySchema>;

export const overlayFeatureSchema = z.object({
  type: z.literal('Feature'),
  geometry: overlayGeometrySchema,
  properties: z.object({ name: z.string().max(L.nameChars).optional() }).nullable().default(null),
});
export type OverlayFeature = z.infer<typeof overlayFeatureSchema>;

export const routeSchema = z.strictObject({
  name: z.string().max(L.nameChars, `a route name can be at most ${L.nameChars} characters`).default(''),
  data: z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(overlayFeatureSchema).min(1, 'a route needs at least one feature').max(L.featuresPerRoute, `a route can have at most ${formatCount(L.featuresPerRoute)} features`),
  }),
  color: overlayColorSchema.default('roadMajor'),
  /** Line width in px of the reference poster (1000 px wide); it scales with the print like the map's roads. */
  width: z.number().min(0.5).max(20).default(3),
  opacity: z.number().min(0.1).max(1).default(0.9),
  /** A paper-coloured outline under the line, so it reads over busy streets. */
  casing: z.boolean().default(true),
  /** Dots at the start and end of each line. */
  endpoints: z.boolean().default(false),
});
export type Route = z.infer<typeof routeSchema>;

export const markerSchema = z.strictObject({
  lng,
  lat,
  icon: z.enum(MARKER_ICONS).default('pin'),
  /** Height of the icon as a fraction of the poster width, like the poster's text sizes. */
  size: z.number().min(0.01).max(0.1).default(0.03),
  color: overlayColorSchema.default('roadMajor'),
  label: z.string().max(L.labelChars, `a marker label can be at most ${L.labelChars} characters`).default(''),
});
export type Marker = z.infer<typeof markerSchema>;

/** Counts the positions under `routes` without trusting the shape, so 10 million points are refused before each is parsed. */
export function countRoutePositions(input: unknown): number {
  const routes = (input as { routes?: unknown } | null)?.routes;
  if (!Array.isArray(routes)) return 0;
  let n = 0;
  const walk = (value: unknown, depth: number) => {
    if (!Array.isArray(value) || depth > 4) return;
    if (typeof value[0] === 'number') n++;
    else for (const v of value) walk(v, depth + 1);
  };
  for (const route of routes) {
    const features = (route as { data?: { features?: unknown } } | null)?.data?.features;
    if (!Array.isArray(features)) continue;
    for (const f of features) walk((f as { geometry?: { coordinates?: unknown } } | null)?.geometry?.coordinates, 0);
  }
  return n;
}

const overlaysShape = z.strictObject({
  markers: z.array(markerSchema).max(L.markers, `a poster can have at most ${L.markers} markers`).default([]),
  routes: z.array(routeSchema).max(L.routes, `a poster can have at most ${L.routes} routes`).default([]),
});

export const overlaysSchema = z
  .unknown()
  .superRefine((input, ctx) => {
    const points = countRoutePositions(input);
    if (points > L.storedVertices) {
      ctx.addIssue({ code: 'custom', message: `the routes have ${formatCount(points)} points; a poster can carry at most ${formatCount(L.storedVertices)} (upload them in the editor, which simplifies them to print resolution)` });
    }
  })
  .pipe(overlaysShape)
  .superRefine((overlays, ctx) => {
    const bytes = new TextEncoder().encode(JSON.stringify(overlays)).length;
    if (bytes > L.overlayBytes) ctx.addIssue({ code: 'custom', message: `markers and routes take ${formatBytes(bytes)}; a poster can carry at most ${formatBytes(L.overlayBytes)}` });
  });
export type Overlays = z.infer<typeof overlaysShape>;

export const EMPTY_OVERLAYS: Overlays = { markers: [], routes: [] };
