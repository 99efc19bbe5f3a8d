import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSql, sql } from '@/lib/db/client';
import { buildMapStyle } from '@/lib/map/buildStyle';
import { PALETTE_ROLES, PALETTES } from '@/lib/map/palettes';
import { resolveTileSource } from '@/lib/map/tileSource';
import { MAX_EXPORT_REQUEST_BYTES, MAX_STORED_REQUEST_BYTES, OVERLAY_LIMITS } from '@/lib/overlays/limits';
import { fitPlaceToRoutes } from '@/lib/overlays/fit';
import { lngLatAt, posterPoint } from '@/lib/overlays/project';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { mapViewForOutput, mapViewOfPiece, posterPixelSize } from '@/lib/poster/geometry';
import { rendererUrl } from '@/lib/rendering/rendererUrl';
import { MARKER_ICONS, overlaysSchema } from '@/types/overlays';
import { parsePosterConfig, posterConfigSchema } from '@/types/poster';
import { POST as create } from '@/app/api/v1/exports/route';
import { apiRequest, rowCount, signIn } from '../api/helpers';
import { arbTrack, loop, THREE_RIVERS } from './fixture';

/**
 * Markers and routes as part of the poster: the schema's limits, the map
 * style they add, the projection markers share between preview and export,
 * and the export API on the real test database — nothing invalid is stored.
 */
afterAll(closeSql);

const color = fc.oneof(fc.constantFrom(...PALETTE_ROLES), fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, '0')}`));
const arbMarker = fc.record({
  lng: fc.double({ min: -180, max: 180, noNaN: true }),
  lat: fc.double({ min: -85, max: 85, noNaN: true }),
  icon: fc.constantFrom(...MARKER_ICONS),
  size: fc.double({ min: 0.01, max: 0.1, noNaN: true }),
  color,
  label: fc.string({ maxLength: 60 }),
}, { requiredKeys: ['lng', 'lat'] });
const arbRoute = fc.record({
  name: fc.string({ maxLength: 100 }),
  data: fc.array(arbTrack(40), { minLength: 1, maxLength: 5 }).map((lines) => ({
    type: 'FeatureCollection',
    features: lines.map((coordinates) => ({ type: 'Feature', properties: null, geometry: { type: 'LineString', coordinates } })),
  })),
  color,
  width: fc.double({ min: 0.5, max: 20, noNaN: true }),
  opacity: fc.double({ min: 0.1, max: 1, noNaN: true }),
  casing: fc.boolean(),
  endpoints: fc.boolean(),
}, { requiredKeys: ['data'] });
const arbOverlays = fc.record({ markers: fc.array(arbMarker, { maxLength: 12 }), routes: fc.array(arbRoute, { maxLength: 4 }) });

/** Valid overlays, or the same with one thing broken the way a client might break it. */
const arbMaybeBroken = fc.tuple(arbOverlays, fc.nat(), fc.constantFrom(
  'none', 'marker off the map', 'route off the map', 'too many markers', 'too many routes', 'unknown icon', 'bad colour', 'label too long', 'extra field', 'one-point line', 'NaN-like string',
)).map(([o, n, breakage]) => {
  const copy = structuredClone(o) as { markers: Record<string, unknown>[]; routes: { data: { features: { geometry: { coordinates: unknown[] } }[] } }[] } & Record<string, unknown>;
  const marker = copy.markers[n % Math.max(1, copy.markers.length)];
  const route = copy.routes[n % Math.max(1, copy.routes.length)];
  switch (breakage) {
    case 'marker off the map': copy.markers.push({ lng: 10, lat: 89 }); break;
    case 'route off the map': copy.routes.push({ data: { features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[0, 0], [181, 0]] } }] } } as never); break;
    case 'too many markers': copy.markers = Array.from({ length: OVERLAY_LIMITS.markers + 1 }, () => ({ lng: 0, lat: 0 })); break;
    case 'too many routes': copy.routes = Array.from({ length: OVERLAY_LIMITS.routes + 1 }, () => ({ data: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] } }] } }) as never); break;
    case 'unknown icon': copy.markers.push({ lng: 0, lat: 0, icon: 'skull' }); break;
    case 'bad colour': copy.markers.push({ lng: 0, lat: 0, color: 'red' }); break;
    case 'label too long': copy.markers.push({ lng: 0, lat: 0, label: 'x'.repeat(61) }); break;
    case 'extra field': if (marker) marker.script = '<script>'; else copy.evil = true; break;
    case 'one-point line': if (route) route.data.features[0]!.geometry.coordinates.splice(1); else copy.routes.push({ data: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: [[0, 0]] } }] } } as never); break;
    case 'NaN-like string': copy.markers.push({ lng: 'NaN', lat: 0 }); break;
  }
  return { overlays: copy, broken: breakage !== 'none' };
});

describe('the poster schema’s overlay limits', () => {
  it('accepts any overlays within the limits, and parsing again changes nothing', () => {
    fc.assert(
      fc.property(arbOverlays, (overlays) => {
        const poster = JSON.parse(JSON.stringify(parsePosterConfig({ ...DEFAULT_POSTER, overlays })));
        expect(parsePosterConfig(poster)).toEqual(poster);
        expect(poster.overlays!.markers).toHaveLength(overlays.markers.length);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses each broken thing with its path, and accepts the unbroken', () => {
    fc.assert(
      fc.property(arbMaybeBroken, ({ overlays, broken }) => {
        const result = posterConfigSchema.safeParse({ ...DEFAULT_POSTER, overlays });
        expect(result.success).toBe(!broken);
        if (!result.success) expect(result.error.issues[0]!.path[0]).toBe('overlays');
      }),
      { numRuns: 150 },
    );
  });

  it('refuses 10 million points without walking them one by one, naming the count and the limit', () => {
    const point = [-85.6, 41.9];
    const huge = { routes: [{ data: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: new Array(10_000_000).fill(point) } }] } }] };
    const result = overlaysSchema.safeParse(huge);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message)).toEqual(['the routes have 10,000,000 points; a poster can carry at most 30,000 (upload them in the editor, which simplifies them to print resolution)']);
    const justOver = { routes: [{ data: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'MultiPoint', coordinates: new Array(OVERLAY_LIMITS.storedVertices + 1).fill(point) } }] } }] };
    expect(overlaysSchema.safeParse(justOver).error!.issues[0]!.message).toMatch(/30,001 points/);
  });

  it('refuses overlays over 900 kB even within the count limits', () => {
    const feature = (i: number) => ({ type: 'Feature', properties: { name: `${i}`.padEnd(100, '·') }, geometry: { type: 'Point', coordinates: [0, 0] } });
    const routes = Array.from({ length: 10 }, () => ({ data: { type: 'FeatureCollection', features: Array.from({ length: 1000 }, (_, i) => feature(i)) } }));
    const result = overlaysSchema.safeParse({ routes });
    expect(result.error!.issues[0]!.message).toMatch(/^markers and routes take [\d.]+ MB; a poster can carry at most 900 kB$/);
  });

  it('the largest poster the API accepts still fits the renderer’s URL (Chromium stops at 2 MiB)', () => {
    const budget = MAX_EXPORT_REQUEST_BYTES;
    const line = loop(THREE_RIVERS, 0.02, OVERLAY_LIMITS.storedVertices).map(([x, y]) => [x + 0.1234561, y + 0.1234561]);
    const poster = parsePosterConfig({ ...DEFAULT_POSTER, overlays: { routes: [{ name: 'x'.repeat(100), data: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'LineString', coordinates: line } }] } }], markers: Array.from({ length: 50 }, () => ({ lng: 0, lat: 0, label: 'y'.repeat(60) })) } });
    expect(JSON.stringify({ poster, format: 'png', size: 'ultra' }).length).toBeLessThan(budget);
    expect(rendererUrl('http://localhost:3000', poster).length).toBeLessThan(2 * 1024 * 1024);
  });
});

describe('routes in the map style', () => {
  const options = { tileSource: resolveTileSource({}), baseUrl: 'http://localhost:3000' };

  it('are valid MapLibre layers on top of the map, in the palette’s colours when a role is chosen', () => {
    fc.assert(
      fc.property(arbOverlays, (overlays) => {
        const poster = parsePosterConfig({ ...DEFAULT_POSTER, style: 'retro', palette: 'sunset', overlays });
        const style = buildMapStyle(poster, options);
        expect(validateStyleMin(style as never)).toEqual([]);
        const lines = style.layers.filter((l) => /^overlay-route-\d+-line$/.test(l.id));
        expect(lines).toHaveLength(poster.overlays!.routes.length);
        poster.overlays!.routes.forEach((r, i) => {
          const paint = (lines[i] as { paint: Record<string, unknown> }).paint;
          const expected = (PALETTE_ROLES as readonly string[]).includes(r.color) ? PALETTES.retro.sunset.colors[r.color as 'ink'] : r.color;
          expect(paint['line-color']).toBe(expected);
          expect(paint['line-width']).toBe(r.width);
        });
        if (lines.length) expect(style.layers.at(-1)!.id).toMatch(/^overlay-/);
      }),
      { numRuns: 50 },
    );
  });
});

describe('where a marker lands on the poster', () => {
  const arbPlace = fc.record({
    center: fc.record({ lng: fc.double({ min: -179, max: 179, noNaN: true }), lat: fc.double({ min: -80, max: 80, noNaN: true }) }),
    // From zoom 3 the map shows less than half the world, so "the nearest copy" of a point is one copy in every view.
    zoom: fc.double({ min: 3, max: 18, noNaN: true }),
    bearing: fc.double({ min: -180, max: 180, noNaN: true }),
  });

  it('the same spot on the map in the preview and in every export tile, and back again', () => {
    fc.assert(
      fc.property(arbPlace, fc.double({ min: -0.5, max: 0.5, noNaN: true }), fc.double({ min: -0.5, max: 0.5, noNaN: true }), fc.constantFrom('social', 'ultra' as const), (place, fx, fy, size) => {
        const config = { ...DEFAULT_POSTER, place };
        const poster = posterPixelSize(config.format, size);
        const view = mapViewForOutput(config, poster);
        const target = { x: view.rect.x + view.rect.width * (0.5 + fx), y: view.rect.y + view.rect.height * (0.5 + fy) };
        const at = lngLatAt(view, target.x, target.y);
        const p = posterPoint(view, at.lng, at.lat);
        expect(Math.hypot(p.x - target.x, p.y - target.y)).toBeLessThan(1e-3 * poster.width);
        // The renderer draws one tile at a time; each tile's own map view puts the point at the same poster pixel.
        const tile = mapViewOfPiece(view, { x: 2048 * Math.floor(target.x / 2048), y: 2048 * Math.floor(target.y / 2048), width: 2048, height: 2048 });
        const inTile = posterPoint({ ...tile, rect: tile.rect }, at.lng, at.lat);
        expect(Math.hypot(inTile.x - p.x, inTile.y - p.y)).toBeLessThan(1e-3 * poster.width);
        // And a preview 600 px wide shows it at the same fraction of the poster.
        const preview = mapViewForOutput(config, { width: 600, height: (600 * poster.height) / poster.width });
        const q = posterPoint(preview, at.lng, at.lat);
        expect(Math.abs(q.x / 600 - p.x / poster.width)).toBeLessThan(2e-3);
      }),
      { numRuns: 200 },
    );
  });

  it('a marker across the antimeridian is drawn beside the centre, not a world away', () => {
    const config = { ...DEFAULT_POSTER, place: { center: { lng: 179.9, lat: -17 }, zoom: 8, bearing: 0 } };
    const view = mapViewForOutput(config, { width: 1000, height: 1500 });
    const p = posterPoint(view, -179.9, -17);
    expect(p.x - (view.rect.x + view.rect.width / 2)).toBeCloseTo((0.2 / 360) * 512 * 2 ** 8, 3);
  });
});

describe('fit the map to my routes', () => {
  it('puts every point of the routes inside the map, at any rotation and format, filling it on one side', () => {
    fc.assert(
      fc.property(fc.array(arbTrack(30), { minLength: 1, maxLength: 3 }), fc.double({ min: -180, max: 180, noNaN: true }), fc.constantFrom('2:3', '1:1', '16:9' as const), (lines, bearing, aspect) => {
        const lngs = lines.flat().map(([lng]) => lng);
        fc.pre(Math.max(...lngs) - Math.min(...lngs) < 180); // a route around the world has no one way to fit
        const base = { ...DEFAULT_POSTER, format: { ...DEFAULT_POSTER.format, aspect, orientation: aspect === '16:9' ? 'landscape' as const : 'portrait' as const }, place: { ...DEFAULT_POSTER.place, bearing } };
        const routes = [parsePosterConfig({ ...base, overlays: { routes: [{ data: { type: 'FeatureCollection', features: lines.map((coordinates) => ({ type: 'Feature', geometry: { type: 'LineString', coordinates } })) } }] } }).overlays!.routes[0]!];
        const place = fitPlaceToRoutes(base, routes)!;
        fc.pre(place.zoom > 0 && place.zoom < 16); // a few metres are shown at street level, and zoom 0 is as far out as a map goes
        const view = mapViewForOutput({ ...base, place }, posterPixelSize(base.format, 'small'));
        const points = lines.flat().map(([lng, lat]) => posterPoint(view, lng, lat));
        const { x, y, width, height } = view.rect;
        for (const p of points) {
          expect(p.x).toBeGreaterThanOrEqual(x - 1);
          expect(p.x).toBeLessThanOrEqual(x + width + 1);
          expect(p.y).toBeGreaterThanOrEqual(y - 1);
          expect(p.y).toBeLessThanOrEqual(y + height + 1);
        }
        const spanX = Math.max(...points.map((p) => p.x)) - Math.min(...points.map((p) => p.x));
        const spanY = Math.max(...points.map((p) => p.y)) - Math.min(...points.map((p) => p.y));
        expect(Math.max(spanX / width, spanY / height)).toBeGreaterThan(0.7);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the export API with markers and routes', () => {
  const post = (token: string, body: unknown) => create(apiRequest('POST', '/api/v1/exports', { token, body }));

  it('the README’s curl example is queued, and its overlays stored as sent', async () => {
    const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    const body = JSON.parse(readme.split("-d @- <<'JSON'\n")[1]!.split('\nJSON\n')[0]!);
    const { token, userId } = await signIn();
    const res = await post(token, body);
    expect(res.status).toBe(202);
    const [{ request }] = await sql()<{ request: { poster: unknown } }[]>`select request from public.export_jobs where user_id = ${userId}`;
    const stored = parsePosterConfig(request.poster);
    expect(stored.overlays!.routes[0]!.data.features[0]!.geometry).toEqual(body.poster.overlays.routes[0].data.features[0].geometry);
    expect(stored.overlays!.markers.map((m) => m.label)).toEqual(['Start', 'Finish']);
  });

  it('nothing invalid reaches the database: each request is stored valid or refused with 400 and nothing stored', async () => {
    await fc.assert(
      fc.asyncProperty(arbMaybeBroken, async ({ overlays, broken }) => {
        const { token, userId } = await signIn();
        const res = await post(token, { poster: { ...DEFAULT_POSTER, overlays }, format: 'png', size: 'small' });
        if (broken) {
          expect(res.status).toBe(400);
          const { error } = (await res.json()) as { error: { code: string; details: { path: string }[] } };
          expect(error.code).toBe('invalid_request');
          expect(error.details[0]!.path).toMatch(/^poster\.overlays/);
          expect(await rowCount(userId)).toBe(0);
        } else {
          expect(res.status).toBe(202);
          const rows = await sql()<{ request: { poster: unknown } }[]>`select request from public.export_jobs where user_id = ${userId}`;
          expect(rows).toHaveLength(1);
          // As JSON carries it (a -0 arrives as 0).
          expect(parsePosterConfig(rows[0]!.request.poster).overlays).toEqual(parsePosterConfig(JSON.parse(JSON.stringify({ ...DEFAULT_POSTER, overlays }))).overlays);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a 100 MB request is refused with 413 after reading no more than the limit, and stores nothing', async () => {
    const { token, userId } = await signIn();
    let pulled = 0;
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 100_000_000) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const request = apiRequest('POST', '/api/v1/exports', { token, rawBody: undefined, headers: { 'content-type': 'application/json' } });
    const streamed = new Request(request.url, { method: 'POST', headers: request.headers, body: stream, duplex: 'half' } as RequestInit);
    const res = await create(streamed as never);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('The request body is larger than 1,200,000 bytes.');
    expect(pulled).toBeLessThan(MAX_EXPORT_REQUEST_BYTES + 4 * chunk.byteLength);
    const declared = await create(apiRequest('POST', '/api/v1/exports', { token, rawBody: '{}', headers: { 'content-length': '100000000' } }));
    expect(declared.status).toBe(413);
    expect(await rowCount(userId)).toBe(0);
  });

  it('the database’s own cap on a stored request is the one the code names (migrations/0012)', async () => {
    const [{ max }] = await sql()<{ max: number }[]>`select max_request_bytes as max from public.export_settings`;
    expect(max).toBe(MAX_STORED_REQUEST_BYTES);
  });
});

