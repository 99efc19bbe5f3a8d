/**
 * MapLibre 6 runs its tile parsing in a module worker that it finds next to
 * its own script (`import.meta.url`). A bundler moves the script, so that
 * guess fails ("Worker failed to load"). The app serves the worker itself
 * (`app/maplibre/[file]/route.ts`); every page that creates a map calls
 * `setAppServedWorker` first — the editor and the renderer alike.
 */
export const MAPLIBRE_WORKER_FILE = 'maplibre-gl-worker.mjs';
export const MAPLIBRE_WORKER_PATH = `/maplibre/${MAPLIBRE_WORKER_FILE}`;

export function setAppServedWorker(maplibre: { setWorkerUrl: (url: string) => void }, baseUrl: string): void {
  maplibre.setWorkerUrl(baseUrl + MAPLIBRE_WORKER_PATH);
}
