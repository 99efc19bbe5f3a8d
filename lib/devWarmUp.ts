/**
 * next dev compiles each route on its first request, and the offline basemap
 * is built on the first tile request. A person's first export would wait for
 * all of it (about 30 s here), so `npm run dev` and the test app ask for
 * these once, one at a time, as soon as the server answers: the editor, the
 * renderer and its tiles, and the routes an export's status and download use.
 */
export const DEV_WARM_UP_ROUTES = [
  '/',
  '/renderer',
  '/api/tiles',
  '/api/tiles/14/4295/6086',
  '/maplibre/maplibre-gl-worker.mjs',
  '/fonts/montserrat-latin-700-normal.woff2',
  '/api/v1/exports',
  '/api/v1/exports/00000000-0000-0000-0000-000000000000',
  '/api/v1/exports/00000000-0000-0000-0000-000000000000/download',
  '/api/files/warm-up',
  '/api/cron/process-exports',
  // Compiles place search and loads (or, once per checkout, builds) its index before the first keystroke.
  '/api/places?q=a&limit=1',
];

export async function warmUp(base: string, routes: readonly string[], stop?: () => boolean): Promise<void> {
  for (const route of routes) {
    if (stop?.()) return;
    // Only the compile matters; an answer of 401 (no session, no cron secret) is fine.
    await fetch(base + route, { redirect: 'manual', signal: AbortSignal.timeout(180_000) })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
  }
}
