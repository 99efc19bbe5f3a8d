import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { basemapTile } from '@/lib/map/basemap/tiles';
import { tileOf } from './support/tiles';

/**
 * Land is land and water is water on the offline basemap, as a renderer sees
 * it: each point's tile is decoded at every zoom 0–14 and the point tested
 * against the `water` layer's polygons, with rings classified by winding as
 * MapLibre classifies them (so a flooded continent or a hole drawn as water fails).
 * Points lie well inside their land or water (checked against Natural Earth's
 * own land polygons when chosen), on every continent and ocean and on both
 * sides of the antimeridian.
 */
const LAND: [string, number, number][] = [
  ['Kansas', -98, 38.5],
  ['Manitoba', -98, 55],
  ['Yukon', -135, 63],
  ['Alaska interior', -150, 64],
  ['Mexican plateau', -102, 24],
  ['Amazon', -60, -8],
  ['Pampas', -64, -35],
  ['Patagonia', -69, -45],
  ['Greenland ice sheet', -40, 72],
  ['North Greenland', -40, 80],
  ['Antarctica, Queen Maud Land', 0, -80],
  ['Antarctica, East', 135, -75],
  ['Antarctica, Marie Byrd Land', -120, -80],
  ['Germany', 10, 51],
  ['Poland', 20, 52],
  ['Spain', -4, 40],
  ['France', 2.5, 46.5],
  ['Moscow region', 38, 56],
  ['Great Britain', -1.5, 52.5],
  ['Iceland', -18.5, 64.8],
  ['Sahara', 3, 27],
  ['Congo', 23, -2],
  ['Botswana', 24, -22],
  ['Ethiopia', 39, 9],
  ['Madagascar', 46.5, -19],
  ['Siberia', 100, 62],
  ['Mongolia', 103, 46],
  ['China', 105, 35],
  ['India', 78, 22],
  ['Kazakhstan', 68, 48],
  ['Turkey', 33, 39],
  ['Syria', 38, 35],
  ['Iraq', 43, 33],
  ['Jordan', 36.5, 31],
  ['Saudi Arabia', 45, 24],
  ['Japan, Honshu', 138.5, 36.2],
  ['Borneo', 114.5, 1],
  ['Magadan', 150, 62],
  ['Kamchatka', 159, 56],
  ['Chukotka west of 180', 176, 67],
  ['Chukotka east of 180', -173.5, 66.0],
  ['Australia', 134, -25],
  ['Western Australia', 120, -26],
  ['New Zealand, South Island', 171, -43.5],
];
const WATER: [string, number, number][] = [
  ['North Atlantic', -40, 35],
  ['South Atlantic', -15, -30],
  ['North Pacific', -150, 30],
  ['North Pacific west of 180', 170, 30],
  ['Pacific at the antimeridian', 180, 0],
  ['Pacific just west of 180', 179.9, -20],
  ['Pacific just east of -180', -179.9, -20],
  ['South Pacific', -120, -40],
  ['Indian Ocean', 80, -20],
  ['Southern Ocean', 90, -60],
  ['Arctic, East Siberian Sea', 160, 76],
  ['Arctic, Beaufort Sea', -145, 73],
  ['Arctic near the pole', 0, 85],
  ['Bering Sea east', -175, 58],
  ['Bering Sea west', 178, 58],
  ['Mediterranean, west', 5, 38],
  ['Mediterranean, central', 18, 35],
  ['Mediterranean, east', 33, 33.5],
  ['Black Sea', 34, 43.5],
  ['Caspian Sea', 51, 42],
  ['Red Sea', 38, 20],
  ['Persian Gulf', 51.5, 27],
  ['Baltic Sea', 19, 57],
  ['North Sea', 3, 56],
  ['Hudson Bay', -85, 60],
  ['Gulf of Mexico', -90, 25],
  ['Caribbean', -75, 15],
  ['Sea of Okhotsk', 150, 55],
  ['Sea of Japan', 135, 40],
  ['Bay of Bengal', 88, 15],
  ['Arabian Sea', 65, 15],
  ['South China Sea', 115, 15],
  ['Tasman Sea', 160, -40],
  ['Weddell Sea', -45, -70],
  ['Lake Superior', -87.5, 47.6],
  ['Lake Michigan', -87, 43.5],
  ['Lake Huron', -82.3, 44.8],
  ['Lake Erie', -81.2, 42.2],
  ['Lake Ontario', -77.8, 43.6],
  ['Great Bear Lake', -121, 66],
  ['Great Slave Lake', -114, 61.6],
  ['Lake Winnipeg', -97.8, 52.5],
  ['Lake Victoria', 33, -1],
  ['Lake Tanganyika', 29.9, -7],
  ['Lake Malawi', 34.5, -11.3],
  ['Lake Turkana', 36.1, 3.6],
  ['Lake Chad', 14.5, 13.05],
  ['Lake Baikal', 108, 53.5],
  ['Lake Balkhash', 74.5, 46.3],
  ['Lake Ladoga', 31.5, 60.8],
  ['Lake Onega', 35.4, 61.7],
  ['Lake Vanern', 13.5, 58.95],
  ['Lake Titicaca', -69.4, -15.8],
  ['Lake Eyre North', 137.2, -28.4],
  ['Ionian Sea', 19, 38],
];

function pointInRings([x, y]: Position, rings: Position[][]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi! > y! !== yj! > y! && x! < ((xj! - xi!) * (y! - yi!)) / (yj! - yi!) + xi!) inside = !inside;
    }
  }
  return inside;
}

/** Classes of the water polygons that cover a point, at one zoom. */
async function waterAt(lng: number, lat: number, z: number): Promise<string[]> {
  const t = tileOf(lng, lat, z);
  const tile = new VectorTile(new PbfReader(await basemapTile(t.z, t.x, t.y)));
  const layer = tile.layers.water;
  const classes: string[] = [];
  for (let i = 0; i < (layer?.length ?? 0); i++) {
    const feature = layer!.feature(i);
    const geometry = feature.toGeoJSON(t.x, t.y, t.z).geometry; // rings classified as MapLibre does
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
    if (polygons.some((rings) => pointInRings([((lng + 540) % 360) - 180, lat], rings))) classes.push(String(feature.properties.class));
  }
  return classes;
}

const ZOOMS = Array.from({ length: 15 }, (_, z) => z);

describe('the offline world', () => {
  it('draws land as land at every zoom 0–14: every continent inland, Greenland, Antarctica, both sides of the antimeridian', async () => {
    const wrong: string[] = [];
    for (const [name, lng, lat] of LAND) {
      for (const z of ZOOMS) {
        const classes = await waterAt(lng, lat, z);
        if (classes.length) wrong.push(`${name} (${lng}, ${lat}) is ${classes.join('+')} at z${z}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('draws every ocean, closed sea and the largest lakes of every continent as water at every zoom 0–14', async () => {
    const wrong: string[] = [];
    for (const [name, lng, lat] of WATER) {
      for (const z of ZOOMS) {
        if (!(await waterAt(lng, lat, z)).length) wrong.push(`${name} (${lng}, ${lat}) is land at z${z}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
