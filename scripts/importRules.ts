/**
 * Which folder may import which, written once. tests/foundation/imports.test.ts
 * enforces these tables on every import of the source, and
 * scripts/check-traces.ts on the files a production build traces for each
 * route. The folders in the order the data flows: types/ → lib/ (db; exports,
 * the queue; worker; rendering; storage; map and poster, which the browser
 * runs too) → stores/, components/ → app/, scripts/.
 */

/** Folders (path prefixes) a file under `files` must not import directly. */
export const NEVER: { files: string; mayNotImport: string[]; why: string }[] = [
  { files: 'types/', mayNotImport: ['lib/', 'stores/', 'components/', 'app/', 'scripts/'], why: 'types/ is the bottom floor: schemas and the vocabulary that everything else imports' },
  { files: 'lib/', mayNotImport: ['stores/', 'components/', 'app/', 'scripts/'], why: 'lib/ serves the app; it never reaches up into pages, components or entry points' },
  { files: 'stores/', mayNotImport: ['components/', 'app/'], why: 'stores hold state for components, not the other way round' },
  { files: 'lib/db/', mayNotImport: ['lib/exports/', 'lib/worker/', 'lib/rendering/', 'lib/storage/', 'lib/auth/', 'lib/webhooks/', 'lib/metrics/', 'lib/map/', 'lib/poster/'], why: 'the database layer is under every domain that uses it' },
  { files: 'lib/exports/', mayNotImport: ['lib/worker/', 'lib/rendering/'], why: 'the queue is used by the worker, never the other way round' },
  { files: 'lib/rendering/', mayNotImport: ['lib/worker/', 'lib/exports/', 'lib/db/', 'lib/storage/'], why: 'rendering turns a poster into pixels; it knows nothing of jobs or storage' },
  { files: 'lib/storage/', mayNotImport: ['lib/worker/', 'lib/exports/', 'lib/rendering/', 'lib/db/'], why: 'storage keeps bytes; it knows nothing of jobs' },
  { files: 'lib/map/', mayNotImport: ['lib/db/', 'lib/exports/', 'lib/worker/', 'lib/rendering/', 'lib/storage/', 'lib/auth/'], why: 'map code runs in the browser too' },
  { files: 'lib/poster/', mayNotImport: ['lib/db/', 'lib/exports/', 'lib/worker/', 'lib/rendering/', 'lib/storage/', 'lib/auth/'], why: 'poster code runs in the browser too' },
  { files: 'components/', mayNotImport: ['lib/db/', 'lib/worker/', 'lib/rendering/', 'lib/storage/', 'lib/auth/'], why: 'components run in the browser' },
  { files: 'stores/', mayNotImport: ['lib/db/', 'lib/worker/', 'lib/rendering/', 'lib/storage/', 'lib/auth/'], why: 'stores run in the browser' },
];

/** The only files outside lib/worker/ that may import it: the routes that run the worker (cron, and the kick after an enqueue) and `npm run worker`. */
export const WORKER_IMPORTERS = [
  'app/api/cron/process-exports/route.ts',
  'app/api/cron/cleanup-exports/route.ts',
  'app/api/v1/exports/route.ts',
  'app/api/v1/exports/batch/route.ts',
  'app/api/v1/exports/[id]/retry/route.ts',
  'scripts/worker.ts',
];

/** The packages that bring a browser (and, for @sparticuz/chromium, a 60+ MB archive) into a function. */
export const BROWSER_PACKAGES = ['puppeteer-core', '@sparticuz/chromium'];
/** Route handlers that run the worker's tick, so may load a browser and must carry Chromium's archive; no other route or page may. */
export const ROUTES_THAT_RENDER = [
  'app/api/cron/process-exports/route.ts',
  'app/api/v1/exports/route.ts',
  'app/api/v1/exports/batch/route.ts',
  'app/api/v1/exports/[id]/retry/route.ts',
];

/**
 * Imports that still break a rule above, each with the reason; the import
 * test fails once one of them is gone, so this list only shrinks.
 */
export const KNOWN_EXCEPTIONS: { file: string; imports: string; why: string }[] = [
  { file: 'types/print.ts', imports: 'lib/poster/paper.ts', why: 'the print schema refines with printOptionProblems and the paper ids, which belong in types/ (issue 19)' },
  { file: 'types/overlays.ts', imports: 'lib/overlays/limits.ts', why: 'the overlay schemas quote their limits, which belong in types/ (issue 16)' },
];
