import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeocoderUnavailable } from '@/lib/places/errors';
import { searchOnline } from '@/lib/places/online';

/**
 * The online geocoder, against a stand-in on loopback that answers as
 * Nominatim and Photon do (no network here). Also: the offline answer never
 * waits for it.
 */
let server: Server;
let base: string;
const asked: string[] = [];

const NOMINATIM = [
  {
    osm_type: 'relation', osm_id: 62422, lat: '52.5170365', lon: '13.3888599', name: 'Berlin', display_name: 'Berlin, Deutschland',
    addresstype: 'city', boundingbox: ['52.3382448', '52.6755087', '13.0883450', '13.7611609'],
    address: { city: 'Berlin', state: 'Berlin', country: 'Deutschland', country_code: 'de' },
  },
  { osm_type: 'relation', osm_id: 51477, lat: '51.16', lon: '10.45', name: 'Deutschland', addresstype: 'country', boundingbox: ['47.27', '55.09', '5.87', '15.04'], address: { country: 'Deutschland', country_code: 'de' } },
  { lat: 'not a number', lon: '1', name: 'Broken' },
];
const PHOTON = {
  type: 'FeatureCollection',
  features: [
    { geometry: { type: 'Point', coordinates: [-73.9866, 40.7306] }, properties: { osm_type: 'R', osm_id: 175905, name: 'New York', type: 'city', state: 'New York', country: 'United States', countrycode: 'US', extent: [-74.2591, 40.9176, -73.7004, 40.4774] } },
    { geometry: { type: 'Point', coordinates: [-99.5, 31.2] }, properties: { osm_type: 'R', osm_id: 114690, name: 'Texas', type: 'state', country: 'United States', countrycode: 'US' } },
  ],
};

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url!);
    const url = new URL(req.url!, 'http://stand-in');
    if (url.pathname === '/search') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(NOMINATIM));
    if (url.pathname === '/api') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(PHOTON));
    if (url.pathname === '/slow') return void setTimeout(() => res.writeHead(200).end('[]'), 3000);
    res.writeHead(500).end('down');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Read by the place service on first use, after this.
  process.env.GEOCODER_URL = `${base}/search`;
  process.env.GEOCODER_TIMEOUT_MS = '500';
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('an online geocoder', () => {
  it('reads Nominatim: kind, region, country, centre and its bounding box, and drops a malformed entry', async () => {
    const results = await searchOnline('Berlin', 5, { url: `${base}/search`, timeoutMs: 2000 });
    expect(asked.at(-1)).toMatch(/^\/search\?q=Berlin&limit=5&format=jsonv2&addressdetails=1$/);
    expect(results).toEqual([
      { id: 'osm:relation62422', kind: 'city', name: 'Berlin', region: 'Berlin', country: 'Deutschland', countryCode: 'DE', center: { lng: 13.3888599, lat: 52.5170365 }, bbox: [13.088345, 52.3382448, 13.7611609, 52.6755087], source: 'online' },
      { id: 'osm:relation51477', kind: 'country', name: 'Deutschland', country: 'Deutschland', countryCode: 'DE', center: { lng: 10.45, lat: 51.16 }, bbox: [5.87, 47.27, 15.04, 55.09], source: 'online' },
    ]);
  });

  it('reads Photon: its extent is [west, north, east, south]; without one a small box around the point', async () => {
    const [newYork, texas] = await searchOnline('New York', 5, { url: `${base}/api`, timeoutMs: 2000 });
    expect(asked.at(-1)).toBe('/api?q=New+York&limit=5');
    expect(newYork).toMatchObject({ kind: 'city', name: 'New York', region: 'New York', countryCode: 'US', bbox: [-74.2591, 40.4774, -73.7004, 40.9176], source: 'online' });
    expect(texas!.kind).toBe('region');
    expect(texas!.bbox[0]).toBeLessThan(-99.5);
    expect(texas!.bbox[2]).toBeGreaterThan(-99.5);
  });

  it('gives up after its timeout, and on an error status, with a reason', async () => {
    const started = Date.now();
    await expect(searchOnline('x', 5, { url: `${base}/slow`, timeoutMs: 300 })).rejects.toThrow(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2500);
    await expect(searchOnline('x', 5, { url: `${base}/down`, timeoutMs: 1000 })).rejects.toBeInstanceOf(GeocoderUnavailable);
  });
});

describe('GET /api/places with a geocoder configured', () => {
  it('answers offline at once without asking the geocoder, and says an online answer can be had', async () => {
    const { GET } = await import('@/app/api/places/route');
    const before = asked.length;
    const res = await GET(await request('/api/places?q=Berlin&limit=3'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.online).toBe(true);
    expect(body.results[0]).toMatchObject({ name: 'Berlin', countryCode: 'DE', source: 'offline' });
    expect(asked.length, 'the offline answer asks no one').toBe(before);
  }, 300_000);

  it('asks the geocoder with source=online; a failing geocoder is a 502 that says why', async () => {
    const { GET } = await import('@/app/api/places/route');
    const res = await GET(await request('/api/places?q=Berlin&source=online'));
    expect(res.status).toBe(200);
    expect((await res.json()).results[0]).toMatchObject({ name: 'Berlin', source: 'online' });
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600');
    const { errorResponse } = await import('@/lib/http/respond');
    const failed = errorResponse(new GeocoderUnavailable('HTTP 500'));
    expect(failed.status).toBe(502);
    expect((await failed.json()).error).toMatchObject({ code: 'geocoder_unavailable', message: expect.stringContaining('HTTP 500') });
  });
});

async function request(path: string) {
  const { NextRequest } = await import('next/server');
  return new NextRequest(new URL(path, 'http://localhost'));
}
