import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latToMercatorY, lngToMercatorX } from '@/lib/poster/geometry';
import { OverlayFileError } from '@/lib/overlays/errors';
import { countPositions } from '@/lib/overlays/geojson';
import { OVERLAY_LIMITS } from '@/lib/overlays/limits';
import { parseRouteText, readRouteFile } from '@/lib/overlays/parse';
import { featurePositions } from '@/lib/overlays/simplify';
import { routeSchema } from '@/types/overlays';
import { arbPosition, arbTrack, gpxTrack, loop, THREE_RIVERS, xmlBomb } from './fixture';

/**
 * Uploading a route file, as the editor does it in the browser (there with the
 * browser's XML parser; here with xmldom, the same DOM for togeojson). Every
 * refusal is an OverlayFileError whose message names the file and the problem.
 */

function refusal(fn: () => unknown): OverlayFileError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OverlayFileError);
    return e as OverlayFileError;
  }
  throw new Error('expected the file to be refused');
}

async function asyncRefusal(p: Promise<unknown>): Promise<OverlayFileError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(OverlayFileError);
  return e as OverlayFileError;
}

/** Distance from p to segment ab, in Mercator units. */
function toSegment(p: { x: number; y: number }, a: { x: number; y: number }, b: { x: number; y: number }): number {
  const dx = b.x - a.x, dy = b.y - a.y;
  const t = dx || dy ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy))) : 0;
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}
const merc = ([lng, lat]: [number, number]) => ({ x: lngToMercatorX(lng), y: latToMercatorY(lat) });

describe('uploading a GPX track', () => {
  it('any track of points on the map becomes a route the poster schema accepts, with every point kept or within half a print pixel', () => {
    fc.assert(
      fc.property(arbTrack(400), fc.string({ maxLength: 30 }), (track, name) => {
        const parsed = parseRouteText('run.gpx', gpxTrack(track, { name }));
        expect(parsed.kind).toBe('gpx');
        expect(routeSchema.safeParse(parsed.route).success).toBe(true);
        expect(parsed.points.file).toBe(track.length);
        expect(parsed.points.kept).toBeLessThanOrEqual(track.length);
        const [line] = parsed.route.data.features;
        expect(line!.geometry.type).toBe('LineString');
        const kept = (line!.geometry.coordinates as [number, number][]).map(merc);
        expect(kept[0]).toEqual(merc(track[0]!));
        expect(kept.at(-1)).toEqual(merc(track.at(-1)!));
        // Half a pixel of a 10,800 px print with the route filling it (rounding to 6 decimals adds ~1e-9).
        const xs = track.map((p) => merc(p).x), ys = track.map((p) => merc(p).y);
        const tolerance = (Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 1e-9) / 10_800) * 0.5 + 1e-8;
        for (const p of track.map(merc)) {
          const d = Math.min(...kept.slice(1).map((b, i) => toSegment(p, kept[i]!, b)));
          expect(d).toBeLessThanOrEqual(tolerance);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps tracks, routes and waypoints with their names, and drops times and elevations', () => {
    const gpx = gpxTrack(loop(THREE_RIVERS, 0.01, 200), { name: 'Riverside 10K', waypoints: [{ ...THREE_RIVERS, name: 'Finish & coffee' }] })
      .replace('</gpx>', '<rte><name>Way home</name><rtept lat="41.95" lon="-85.62"/><rtept lat="41.96" lon="-85.61"/></rte></gpx>');
    const { route } = parseRouteText('run.gpx', gpx);
    expect(route.name).toBe('Riverside 10K');
    const byType = route.data.features.map((f) => [f.geometry.type, f.properties?.name]);
    expect(byType).toEqual(expect.arrayContaining([['LineString', 'Riverside 10K'], ['LineString', 'Way home'], ['Point', 'Finish & coffee']]));
    expect(JSON.stringify(route)).not.toMatch(/time|2024-05-12|ele/);
  });

  it('simplifies a long track to print resolution: a smooth loop of 8,000 points keeps its shape in far fewer', () => {
    const parsed = parseRouteText('long.gpx', gpxTrack(loop(THREE_RIVERS, 0.02, 8_000, 0)));
    expect(parsed.points.file).toBe(8_000);
    expect(parsed.points.kept).toBeLessThan(1_000);
    expect(parsed.points.kept).toBeGreaterThan(50);
  });

  it('a file that would pass the poster’s point budget is simplified further, or refused when nothing fits', () => {
    const parsed = parseRouteText('long.gpx', gpxTrack(loop(THREE_RIVERS, 0.02, 2_000)), 100);
    expect(parsed.points.kept).toBeLessThanOrEqual(100);
    const full = refusal(() => parseRouteText('dots.geojson', JSON.stringify({ type: 'MultiPoint', coordinates: loop(THREE_RIVERS, 0.02, 50) }), 10));
    expect(full.code).toBe('no_room');
    expect(full.message).toMatch(/dots\.geojson does not fit.*room for 10 more points/);
  });
});

describe('uploading GeoJSON and KML', () => {
  it('takes every geometry a poster draws, from a FeatureCollection, a Feature, a bare geometry or a GeometryCollection', () => {
    const line = loop(THREE_RIVERS, 0.01, 20);
    const polygon = [[...line.slice(0, -1), line[0]!]];
    const collection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: 'Loop', stroke: '#f00' }, geometry: { type: 'LineString', coordinates: line } },
        { type: 'Feature', properties: null, geometry: { type: 'MultiLineString', coordinates: [line, line] } },
        { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: polygon } },
        { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: [polygon] } },
        { type: 'Feature', properties: {}, geometry: { type: 'MultiPoint', coordinates: line.slice(0, 3) } },
        { type: 'Feature', properties: {}, geometry: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: line[0] }] } },
        { type: 'Feature', properties: {}, geometry: null },
      ],
    };
    const { route, kind } = parseRouteText('shapes.geojson', JSON.stringify(collection));
    expect(kind).toBe('geojson');
    expect(route.data.features.map((f) => f.geometry.type)).toEqual(['LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'MultiPoint', 'Point']);
    expect(route.data.features[0]!.properties).toEqual({ name: 'Loop' });
    expect(parseRouteText('one.json', JSON.stringify(collection.features[0])).route.data.features).toHaveLength(1);
    expect(parseRouteText('bare.json', JSON.stringify({ type: 'LineString', coordinates: line })).route.name).toBe('bare');
  });

  it('any GeoJSON geometry of valid positions is accepted and stays within the map', () => {
    const geometry = fc.oneof(
      arbPosition.map((coordinates) => ({ type: 'Point', coordinates })),
      arbTrack(50).map((coordinates) => ({ type: 'LineString', coordinates })),
      fc.array(arbTrack(20), { minLength: 1, maxLength: 4 }).map((coordinates) => ({ type: 'MultiLineString', coordinates })),
      fc.array(arbPosition, { minLength: 1, maxLength: 20 }).map((coordinates) => ({ type: 'MultiPoint', coordinates })),
    );
    fc.assert(
      fc.property(fc.array(geometry, { minLength: 1, maxLength: 8 }), (geometries) => {
        const text = JSON.stringify({ type: 'FeatureCollection', features: geometries.map((g) => ({ type: 'Feature', properties: {}, geometry: g })) });
        const { route } = parseRouteText('any.geojson', text);
        expect(routeSchema.safeParse(route).success).toBe(true);
        expect(route.data.features.map((f) => f.geometry.type)).toEqual(geometries.map((g) => g.type));
        for (const [lng, lat] of featurePositions(route.data.features)) {
          expect(Math.abs(lng)).toBeLessThanOrEqual(180);
          expect(Math.abs(lat)).toBeLessThanOrEqual(85.0511);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('reads KML placemarks, lines and polygons, named after the document', () => {
    const kml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Road trip</name>
  <Placemark><name>Day 1</name><LineString><coordinates>-85.63,41.94,0 -85.60,41.96,0 -85.55,41.99,0</coordinates></LineString></Placemark>
  <Placemark><name>Camp</name><Point><coordinates>-85.55,41.99</coordinates></Point></Placemark>
  <Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>-85.6,41.9 -85.5,41.9 -85.5,42 -85.6,41.9</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>`;
    const { route, kind } = parseRouteText('trip.kml', kml);
    expect(kind).toBe('kml');
    expect(route.name).toBe('Road trip');
    expect(route.data.features.map((f) => f.geometry.type)).toEqual(['LineString', 'Point', 'Polygon']);
  });
});

describe('a file that cannot be a route is refused, naming the problem', () => {
  it('a 100 MB upload, before a byte of it is read', async () => {
    let read = false;
    const e = await asyncRefusal(readRouteFile({ name: 'year.gpx', size: 100_000_000, text: async () => ((read = true), '') }));
    expect(e.code).toBe('file_too_large');
    expect(e.message).toMatch(/year\.gpx is 100 MB; route files can be at most 25 MB/);
    expect(read).toBe(false);
  });

  it('10 million points: as a file that size is hundreds of MB, and as GeoJSON past a million points', async () => {
    // A GPX point takes ~100 bytes, so 10 million of them are about a gigabyte: refused by its size.
    const e = await asyncRefusal(readRouteFile({ name: 'decade.gpx', size: 10_000_000 * 100, text: async () => '' }));
    expect(e.message).toMatch(/decade\.gpx is 1000 MB/);
    // The densest format that fits the size limit: compact GeoJSON, one point past the limit.
    const many = `{"type":"MultiPoint","coordinates":[${'[1,2],'.repeat(OVERLAY_LIMITS.uploadPoints)}[1,2]]}`;
    expect(many.length).toBeLessThan(OVERLAY_LIMITS.uploadBytes);
    const tooMany = refusal(() => parseRouteText('dense.geojson', many));
    expect(tooMany.code).toBe('too_many_points');
    expect(tooMany.message).toMatch(/dense\.geojson has more than 1,000,000 points/);
  });

  it('an XML bomb and any DOCTYPE (entities, external files) are refused before parsing', () => {
    for (const text of [xmlBomb(), '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><gpx><metadata><name>&xxe;</name></metadata></gpx>', '<!doctype kml><kml/>']) {
      const e = refusal(() => parseRouteText('bomb.gpx', text));
      expect(e.code).toBe('xml_entities');
      expect(e.message).toMatch(/bomb\.gpx declares a DOCTYPE or entities/);
    }
  });

  it('broken XML: cut off, mismatched tags, an undeclared entity', () => {
    const whole = gpxTrack(loop(THREE_RIVERS, 0.01, 20));
    for (const text of [whole.slice(0, whole.length / 2), whole.replace('</trkseg>', '</trk>'), '<gpx><metadata><name>&nope;</name></metadata></gpx>']) {
      const e = refusal(() => parseRouteText('broken.gpx', text));
      expect(e.code).toBe('broken_file');
      expect(e.message).toMatch(/^broken\.gpx is not well-formed XML \(.+\)/);
    }
  });

  it('an empty file, an empty track, a track of one point', () => {
    expect(refusal(() => parseRouteText('nothing.gpx', '  \n')).code).toBe('empty_file');
    const empty = refusal(() => parseRouteText('empty.gpx', gpxTrack([])));
    expect(empty.code).toBe('empty_file');
    expect(empty.message).toMatch(/empty\.gpx has no track, route, line, shape or point/);
    expect(refusal(() => parseRouteText('one.gpx', gpxTrack([[-85.6, 41.9]]))).code).toBe('empty_file');
    expect(refusal(() => parseRouteText('topo.json', '{"type":"FeatureCollection","features":[]}')).code).toBe('empty_file');
  });

  it('coordinates off the map, anywhere in the file', () => {
    fc.assert(
      fc.property(arbTrack(30), fc.nat(), fc.oneof(fc.tuple(fc.double({ min: 180.000001, max: 1e6, noNaN: true }), fc.constant(0)), fc.tuple(fc.constant(0), fc.double({ min: 85.06, max: 1e6, noNaN: true }))), fc.boolean(), (track, at, [x, y], negative) => {
        const bad: [number, number] = negative ? [-x, -y] : [x, y];
        const points = [...track];
        points.splice(at % (points.length + 1), 0, bad);
        for (const [name, text] of [['off.gpx', gpxTrack(points)], ['off.geojson', JSON.stringify({ type: 'LineString', coordinates: points })]] as const) {
          const e = refusal(() => parseRouteText(name, text));
          expect(e.code).toBe('out_of_range');
          expect(e.message).toContain(`${name} has a point off the map`);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('files that are not GPX, KML or GeoJSON', () => {
    const cases: [string, string, RegExp][] = [
      ['photo.png', '\x89PNG\r\n\x1a\n\0\0\0\rIHDR', /photo\.png is not a GPX, KML or GeoJSON file/],
      ['drawing.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>', /drawing\.svg is XML but neither GPX nor KML \(its root element is <svg>\)/],
      ['topo.json', '{"type":"Topology","objects":{}}', /topo\.json is JSON but not GeoJSON.*"Topology"/],
      ['data.json', '{"name":"x"', /data\.json is not valid JSON/],
      ['notes.txt', 'lat,lon\n41.9,-85.6', /notes\.txt is not a GPX, KML or GeoJSON file/],
    ];
    for (const [name, text, message] of cases) expect(refusal(() => parseRouteText(name, text)).message).toMatch(message);
  });

  it('whatever the bytes, the result is a valid route or an OverlayFileError, never anything else', () => {
    const whole = gpxTrack(loop(THREE_RIVERS, 0.01, 30), { waypoints: [{ ...THREE_RIVERS, name: 'Home' }] });
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json().map((j) => j),
      fc.nat({ max: whole.length }).map((n) => whole.slice(0, n)),
      fc.tuple(fc.nat({ max: whole.length }), fc.string({ minLength: 1, maxLength: 5 })).map(([n, s]) => whole.slice(0, n) + s + whole.slice(n + s.length)),
      fc.anything().map((v) => JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: v }] }) ?? ''),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          const { route } = parseRouteText('any.gpx', t);
          expect(routeSchema.safeParse(route).success).toBe(true);
          expect(countPositions(route.data.features)).toBeLessThanOrEqual(OVERLAY_LIMITS.storedVertices);
        } catch (e) {
          expect(e).toBeInstanceOf(OverlayFileError);
          expect((e as Error).message).toMatch(/^any\.gpx /);
        }
      }),
      { numRuns: 300 },
    );
  });
});
