import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onlineReachable, probedMapSources } from '@/lib/map/tiles/probe';
import { defaultMapSource, pickTileSource, resolveMapSources } from '@/lib/map/tileSource';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { decodeRendererConfig, rendererUrl } from '@/lib/rendering/rendererUrl';
import { parsePosterConfig } from '@/types/poster';

/**
 * Online planet by default when it answers, the app's own tiles when it does
 * not, and the poster keeps the source its preview used. A local server
 * stands in for the online planet; an address nothing answers on stands in for
 * a closed network.
 */
let standIn: Server;
let standInUrl = '';

beforeAll(async () => {
  standIn = createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ tilejson: '3.0.0', tiles: [`http://${request.headers.host}/planet/{z}/{x}/{y}.pbf`], vector_layers: [{ id: 'water', fields: {} }], maxzoom: 14 }));
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  standInUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}/planet`;
});
afterAll(() => new Promise<void>((resolve) => standIn.close(() => resolve())));

describe('the map source', () => {
  it('is the online planet for a new poster when it answers', async () => {
    const sources = await probedMapSources({ ONLINE_TILEJSON_URL: standInUrl });
    expect(sources.onlineReachable).toBe(true);
    expect(defaultMapSource(sources)).toBe('online');
    expect(pickTileSource(sources, undefined)).toMatchObject({ kind: 'online', tilejsonUrl: standInUrl });
  });

  it('falls back to the offline basemap at once on a closed network, with no hang', async () => {
    // 10.255.255.1 is not routed: a connection there hangs until the probe gives up.
    const started = Date.now();
    const sources = await probedMapSources({ ONLINE_TILEJSON_URL: 'http://10.255.255.1/planet' });
    const elapsed = Date.now() - started;
    expect(sources.onlineReachable).toBe(false);
    expect(elapsed).toBeLessThan(1_000); // the probe's own bound (800 ms), not a tuned figure
    expect(pickTileSource(sources, undefined)).toMatchObject({ kind: 'offline', tilesPath: '/api/tiles/{z}/{x}/{y}' });
    // A refused connection (nothing listening) is a closed network too.
    expect(await onlineReachable('http://127.0.0.1:9/planet')).toBe(false);
  });

  it('is the one the poster stored, whatever answers now, so an export draws what its preview showed', async () => {
    const sources = await probedMapSources({ ONLINE_TILEJSON_URL: standInUrl });
    const poster = parsePosterConfig({ ...DEFAULT_POSTER, mapSource: 'offline' });
    expect(pickTileSource(sources, poster.mapSource).kind).toBe('offline');
    const closed = resolveMapSources({ ONLINE_TILEJSON_URL: 'http://10.255.255.1/planet' }); // renderer side, not probed
    expect(pickTileSource(closed, parsePosterConfig({ ...DEFAULT_POSTER, mapSource: 'online' }).mapSource).kind).toBe('online');
    expect(() => parsePosterConfig({ ...DEFAULT_POSTER, mapSource: 'satellite' })).toThrow(/mapSource/);
    // The choice travels to the export's renderer page with the rest of the poster.
    const url = rendererUrl('http://localhost:3000', parsePosterConfig({ ...DEFAULT_POSTER, mapSource: 'online' }));
    expect(decodeRendererConfig(new URL(url).hash.slice(1)).mapSource).toBe('online');
  });

  it('is forced by TILEJSON_URL, and is a tiles file instead of the basemap when TILES_FILE names one', async () => {
    const forced = await probedMapSources({ TILEJSON_URL: standInUrl });
    expect(forced.forced).toBe(true);
    expect(pickTileSource(forced, 'offline')).toMatchObject({ kind: 'online', tilejsonUrl: standInUrl });
    const file = resolveMapSources({ ONLINE_TILEJSON_URL: 'off', TILES_FILE: '/data/region.pmtiles' });
    expect(file.online).toBeNull();
    expect(pickTileSource(file, 'online')).toMatchObject({ kind: 'file', tilejsonPath: '/api/tiles' });
  });
});
