/**
 * Builds the offline basemap data into `${DATA_DIR}/basemap/`. Optional: the
 * tile route builds it on first use when it is missing; run this to rebuild
 * after changing `lib/map/basemap/build.ts`, or to warm a deployment.
 */
import { basemapFile, writeBasemapData } from '@/lib/map/basemap/tiles';

async function main() {
  const started = Date.now();
  const file = basemapFile();
  const data = await writeBasemapData(file);
  const counts = Object.entries(data.layers).map(([layer, fc]) => `${layer} ${fc.features.length}`).join(', ');
  console.log(`basemap: wrote ${file} in ${Date.now() - started} ms (${counts})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
