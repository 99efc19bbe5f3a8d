import { OPENMAPTILES_LAYER_IDS } from '@/lib/map/openmaptiles/schema';
import type { LayerFeatures } from './features';
import { loadNaturalEarth } from './naturalEarth';
import { osmExtractFeatures } from './osmExtract';

/**
 * Builds the offline basemap's data in the OpenMapTiles schema: the world
 * from Natural Earth (`naturalEarth.ts`, a file that ships in the repository)
 * and street-level detail for Three Rivers, Michigan from OpenStreetMap
 * (`osmExtract.ts`). The result is one feature list per schema layer, each
 * feature carrying the first zoom it shows at; `tiles.ts` cuts it into tiles.
 */
// v2–v4: Natural Earth's own ocean polygons (cut at the antimeridian) replace a hand-made ocean that flooded continents;
// lakes, rivers, states, places, peaks, airports; the full schema's layers and fields.
export const BASEMAP_VERSION = 4;
export const BASEMAP_LAYERS = OPENMAPTILES_LAYER_IDS;
export type BasemapData = { version: number; layers: LayerFeatures };

export async function buildBasemapData(): Promise<BasemapData> {
  const [world, town] = await Promise.all([loadNaturalEarth(), osmExtractFeatures()]);
  const layers: LayerFeatures = Object.fromEntries(BASEMAP_LAYERS.map((id) => [id, [...(world[id] ?? []), ...(town[id] ?? [])]]));
  return { version: BASEMAP_VERSION, layers };
}
