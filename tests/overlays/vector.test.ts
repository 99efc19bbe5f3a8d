import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTileSource } from '@/lib/map/tileSource';
import { placeMarkers } from '@/lib/overlays/markers';
import { posterPoint } from '@/lib/overlays/project';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { mapViewForOutput } from '@/lib/poster/geometry';
import { printLayout } from '@/lib/poster/paper';
import { buildScene } from '@/lib/rendering/vector/renderVectorPoster';
import { sceneToSvg } from '@/lib/rendering/vector/svg';
import { parsePosterConfig } from '@/types/poster';
import { rasterizeSvg, rgbaToRgb } from '../print/fixture/compare';
import { startTileServer } from '../print/fixture/tileServer';
import { loop, THREE_RIVERS } from './fixture';

/**
 * Vector exports (SVG, vector PDF) carry the poster's route and markers too:
 * the route from the style's GeoJSON layers, the markers recorded from the
 * drawing code the preview uses. Drawn by resvg, they sit where the shared
 * projection puts them. Tiles come from the app's tile route on a loopback port.
 * OVERLAY_TEST_OUT=<folder> keeps the drawing for a look.
 */
let tiles: Awaited<ReturnType<typeof startTileServer>>;
beforeAll(async () => {
  tiles = await startTileServer();
});
afterAll(() => tiles?.close());

const ROUTE = '#ff00ff';
const MARKERS = ['#00c000', '#0040ff', '#ff8000'];
const track = loop(THREE_RIVERS, 0.006, 400, 0);
const poster = parsePosterConfig({
  ...DEFAULT_POSTER,
  typography: { ...DEFAULT_POSTER.typography, backdrop: 'none' },
  overlays: {
    routes: [{ name: 'Loop', color: ROUTE, width: 5, opacity: 1, endpoints: true, data: { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: null, geometry: { type: 'LineString', coordinates: track } },
      { type: 'Feature', properties: { name: 'Café' }, geometry: { type: 'Point', coordinates: [THREE_RIVERS.lng, THREE_RIVERS.lat] } },
    ] } }],
    markers: [
      { lng: -85.634, lat: 41.951, icon: 'pin', label: 'Home', color: MARKERS[0], size: 0.05 },
      { lng: -85.62, lat: 41.945, icon: 'star', label: 'Finish', color: MARKERS[1], size: 0.05 },
      { lng: -85.628, lat: 41.943, icon: 'number', label: 'Bakery', color: MARKERS[2], size: 0.05 },
    ],
  },
});

function spot({ data, width }: { data: Buffer; width: number }, hex: string) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0, sx = 0, sy = 0;
  let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
  for (let i = 0, p = 0; i < data.length; i += 3, p++) {
    if (Math.abs(data[i]! - r!) + Math.abs(data[i + 1]! - g!) + Math.abs(data[i + 2]! - b!) > 60) continue;
    const x = p % width, y = Math.floor(p / width);
    n++; sx += x; sy += y;
    left = Math.min(left, x); right = Math.max(right, x); top = Math.min(top, y); bottom = Math.max(bottom, y);
  }
  return { n, x: sx / n, y: sy / n, left, right, top, bottom };
}

describe('a vector export of a poster with a route and markers', { timeout: 120_000 }, () => {
  it('draws the route and every marker, with its label, where the preview and raster export put them', async () => {
    const layout = printLayout({ size: 'social' }, poster.format);
    const { scene } = await buildScene({ poster, format: 'svg', layout, baseUrl: tiles.origin, tileSource: resolveTileSource({}) });
    expect(scene.items.filter((i) => i.name.startsWith('overlay-route-0')).map((i) => i.name)).toEqual(
      expect.arrayContaining(['overlay-route-0-casing', 'overlay-route-0-line', 'overlay-route-0-points', 'overlay-route-0-ends']),
    );
    const labels = scene.items.filter((i) => i.kind === 'text').map((i) => (i as { text: string }).text);
    expect(labels).toEqual(expect.arrayContaining(['Home', 'Finish', 'Bakery', '1']));

    const size = { width: scene.width, height: scene.height };
    const image = rasterizeSvg(await sceneToSvg(scene), size.width);
    const pixels = { data: rgbaToRgb(image.data), width: image.width };
    if (process.env.OVERLAY_TEST_OUT) await sharp(pixels.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toFile(`${process.env.OVERLAY_TEST_OUT}/vector.png`);

    // The route: a loop whose centre and extent are those of its points, projected.
    const view = mapViewForOutput(poster, size);
    const projected = track.map(([lng, lat]) => posterPoint(view, lng, lat));
    const route = spot(pixels, ROUTE);
    expect(route.n).toBeGreaterThan(1000);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    expect(Math.hypot(route.x - mean(projected.map((p) => p.x)), route.y - mean(projected.map((p) => p.y)))).toBeLessThan(size.width * 0.01);
    expect(Math.abs(route.left - Math.min(...projected.map((p) => p.x)))).toBeLessThan(8);
    // The loop starts and ends at its right end, where the start/end dot (radius 10 px + a 3 px ring, ×1.365) sticks out.
    expect(route.right - Math.max(...projected.map((p) => p.x))).toBeGreaterThan(8);
    expect(route.right - Math.max(...projected.map((p) => p.x))).toBeLessThan(22);

    // Each marker around the point it marks: the pin above its tip, the others centred on it.
    for (const placed of placeMarkers(poster, size)) {
      const s = spot(pixels, MARKERS[placed.index]!);
      expect(s.n, `marker ${placed.index}`).toBeGreaterThan(200);
      expect(s.left).toBeLessThan(placed.x);
      expect(s.right).toBeGreaterThan(placed.x);
      // A pin's colour ends a few px above its tip, under the paper outline of the sharp point.
      if (placed.marker.icon === 'pin') expect(Math.abs(s.bottom - placed.y)).toBeLessThan(placed.size * 0.12);
      else expect(Math.hypot(s.x - placed.x, s.y - placed.y)).toBeLessThan(placed.size * 0.1);
    }
  });
});
