import { afterAll, describe, expect, it, vi } from 'vitest';
import { closeSql } from '@/lib/db/client';
import { GET as places } from '@/app/api/places/route';
import { POST as create } from '@/app/api/v1/exports/route';
import { POST as createBatch } from '@/app/api/v1/exports/batch/route';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { placeSearchResponseSchema } from '@/types/places';
import { apiRequest, asExport, exportRequest, rowCount, signIn } from '../api/helpers';

/** GET /api/places and an export request's `place`, through the route handlers. */
afterAll(async () => {
  await closeSql();
});

const search = (query: string) => places(apiRequest('GET', `/api/places?${query}`));

describe('GET /api/places', () => {
  it('answers with kinds, regions, countries, centres and extents, cached and open to any origin', async () => {
    const res = await search('q=kyoto&limit=3');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = placeSearchResponseSchema.parse(await res.json());
    expect(body.results).toHaveLength(2);
    expect(body.results[0]).toMatchObject({ name: 'Kyoto', kind: 'city', region: 'Kyoto', country: 'Japan', countryCode: 'JP', source: 'offline' });
    expect(body.results[1]).toMatchObject({ name: 'Kyoto', kind: 'region', country: 'Japan' });
    expect(body.online).toBe(false);
  }, 300_000);

  it('suggests the closest names when nothing matches', async () => {
    const body = placeSearchResponseSchema.parse(await (await search('q=Kyotoxq')).json());
    expect(body.results).toEqual([]);
    expect(body.suggestions?.[0]).toBe('Kyoto (Kyoto, Japan)');
  });

  it.each([
    ['an empty query', 'q=', /q \(type a place name/],
    ['only spaces', 'q=%20%20', /q \(type a place name/],
    ['no query at all', 'limit=3', /q \(expected a place name/],
    ['500 characters', `q=${'a'.repeat(500)}`, /q \(a place name can be at most 200 characters\)/],
    ['a control character', 'q=Par%07is', /q \(a place name cannot contain control characters\)/],
    ['a NUL', 'q=Paris%00', /q \(a place name cannot contain control characters\)/],
    ['a limit of 0', 'q=Paris&limit=0', /limit \(expected a whole number from 1 to 50\)/],
    ['a limit that is no number', 'q=Paris&limit=ten', /limit \(expected a whole number from 1 to 50\)/],
  ])('refuses %s with a 400 that says what to send, and logs nothing of it', async (_, query, message) => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const res = await search(query).finally(() => spy.mockRestore());
    expect(res.status).toBe(400);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const { error } = await res.json();
    expect(error.code).toBe('invalid_request');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\u0000');
    expect(written.join('')).toBe('');
  });
});

describe('an export request naming a place', () => {
  it('"place": "Kyoto" queues the default poster framed on Kyoto and titled so', async () => {
    const { token, userId } = await signIn();
    const res = await create(apiRequest('POST', '/api/v1/exports', { token, body: { place: 'Kyoto', format: 'png', size: 'small' } }));
    expect(res.status).toBe(202);
    const job = await asExport(res);
    expect(job.title).toBe('Kyoto');
    expect(await rowCount(userId)).toBe(1);
  });

  it('frames the poster it is given for that poster\'s shape, keeping its style', async () => {
    const { token } = await signIn();
    const square = { ...DEFAULT_POSTER, style: 'midnight' as const, palette: 'neon', format: { ...DEFAULT_POSTER.format, aspect: '1:1' as const } };
    const res = await create(apiRequest('POST', '/api/v1/exports', { token, body: exportRequest({ poster: square, place: 'Paris, France' }) }));
    expect(res.status, JSON.stringify(await res.clone().json())).toBe(202);
    expect((await asExport(res)).title).toBe('Paris');
  });

  it('a name that matches nothing is a 400 that suggests the closest names, and queues nothing', async () => {
    const { token, userId } = await signIn();
    const res = await create(apiRequest('POST', '/api/v1/exports', { token, body: { place: 'Kyotoxq', format: 'png', size: 'small' } }));
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('place_not_found');
    expect(error.message).toMatch(/No place is called "Kyotoxq"\. Did you mean "Kyoto \(Kyoto, Japan\)"/);
    expect(error.details[0]).toMatchObject({ path: 'place', suggestions: expect.arrayContaining(['Kyoto (Kyoto, Japan)']) });
    expect(await rowCount(userId)).toBe(0);
  });

  it('in a batch, names the entry whose place matches nothing', async () => {
    const { token, userId } = await signIn();
    const body = { exports: [{ place: 'Nairobi', format: 'png', size: 'small' }, { place: 'Qqxzzv Wwq', format: 'png', size: 'small' }] };
    const res = await createBatch(apiRequest('POST', '/api/v1/exports/batch', { token, body }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.details[0].path).toBe('exports.1.place');
    expect(await rowCount(userId)).toBe(0);
  });
});
