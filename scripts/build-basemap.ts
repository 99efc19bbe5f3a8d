/**
 * Builds the offline basemap data into `${DATA_DIR}/basemap/`. Optional: the
 * tile route builds it on first use when it is missing; run this to rebuild
 * after changing `lib/map/basemap/`, or to warm a deployment.
 *
 * `--natural-earth DIR` first re-derives the committed world file
 * (`data/natural-earth/openmaptiles-world.json.gz`) from a folder of Natural
 * Earth GeoJSON files (see data/natural-earth/SOURCE.md).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { deriveNaturalEarth, NATURAL_EARTH_FILE } from '@/lib/map/basemap/naturalEarth';
import { basemapFile, writeBasemapData } from '@/lib/map/basemap/tiles';

async function main() {
  const started = Date.now();
  const flag = process.argv.indexOf('--natural-earth');
  if (flag !== -1) {
    const dir = process.argv[flag + 1];
    if (!dir) throw new Error('--natural-earth needs the folder holding the Natural Earth .json files');
    const world = await deriveNaturalEarth(dir);
    const file = path.join(process.cwd(), NATURAL_EARTH_FILE);
    await writeFile(file, gzipSync(JSON.stringify(world), { level: 9 }));
    console.log(`natural earth: wrote ${file} (${Object.entries(world).map(([l, f]) => `${l} ${f.length}`).join(', ')})`);
  }
  const file = basemapFile();
  const data = await writeBasemapData(file);
  const counts = Object.entries(data.layers).map(([layer, features]) => `${layer} ${features.length}`).join(', ');
  console.log(`basemap: wrote ${file} in ${Date.now() - started} ms (${counts})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
