import fc from 'fast-check';

/** Route files made in the tests: GPX and GeoJSON around Three Rivers, Michigan (the offline basemap's town). */

export const THREE_RIVERS = { lng: -85.6265, lat: 41.9475 };

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A GPX 1.1 file with one track of `points`, timestamps and elevations, as a watch exports it. */
export function gpxTrack(points: [number, number][], options: { name?: string; waypoints?: { lng: number; lat: number; name: string }[] } = {}): string {
  const start = Date.UTC(2024, 4, 12, 7, 0, 0);
  const trkpts = points
    .map(([lng, lat], i) => `<trkpt lat="${lat}" lon="${lng}"><ele>${(250 + Math.sin(i / 20) * 5).toFixed(1)}</ele><time>${new Date(start + i * 1000).toISOString()}</time></trkpt>`)
    .join('\n      ');
  const wpts = (options.waypoints ?? []).map((w) => `<wpt lat="${w.lat}" lon="${w.lng}"><name>${escapeXml(w.name)}</name></wpt>`).join('\n  ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="carto-export tests" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata><name>${escapeXml(options.name ?? 'Morning run')}</name></metadata>
  ${wpts}
  <trk><name>${escapeXml(options.name ?? 'Morning run')}</name><trkseg>
      ${trkpts}
  </trkseg></trk>
</gpx>
`;
}

/** A closed loop of `n` points around a centre, radius in degrees, with GPS noise of `noise` × radius (seeded). */
export function loop(center: { lng: number; lat: number }, radius: number, n: number, noiseShare = 0.01, seed = 1): [number, number][] {
  let s = seed;
  const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * radius * noiseShare;
  return Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / (n - 1);
    return [round6(center.lng + radius * 1.3 * Math.cos(a) + noise()), round6(center.lat + radius * Math.sin(a) + noise())];
  });
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

/** A position a poster can show. */
export const arbPosition = fc.tuple(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -85, max: 85, noNaN: true })).map(([x, y]) => [round6(x), round6(y)] as [number, number]);

/** A track of 2 … `max` positions near one another (as a real track is). */
export const arbTrack = (max = 300) =>
  fc.tuple(arbPosition, fc.array(fc.tuple(fc.double({ min: -0.01, max: 0.01, noNaN: true }), fc.double({ min: -0.01, max: 0.01, noNaN: true })), { minLength: 1, maxLength: max - 1 })).map(([start, steps]) => {
    const out: [number, number][] = [start];
    for (const [dx, dy] of steps) {
      const [x, y] = out.at(-1)!;
      out.push([round6(Math.max(-180, Math.min(180, x + dx))), round6(Math.max(-85, Math.min(85, y + dy)))]);
    }
    return out;
  });

/** The billion laughs: ten entities of ten references each, a few hundred bytes that expand to gigabytes. */
export function xmlBomb(): string {
  const entities = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)];
  return `<?xml version="1.0"?>\n<!DOCTYPE gpx [\n ${entities.join('\n ')}\n]>\n<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><metadata><name>&lol9;</name></metadata></gpx>`;
}
