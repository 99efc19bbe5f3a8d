/**
 * After `next build`: reads the trace (`.nft.json`) of every route and page
 * and fails unless Chromium is traced for exactly the routes that can render
 * (scripts/importRules.ts). Prints each function's traced size, so a route
 * that suddenly carries 90 MB shows up in CI. `npm run check:traces`
 * (`-- --dist .next-other` for another build folder).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROUTES_THAT_RENDER } from '@/scripts/importRules';

const CHROMIUM = `${path.sep}node_modules${path.sep}@sparticuz${path.sep}chromium${path.sep}`;
const ARCHIVE = `${CHROMIUM}bin${path.sep}chromium.br`;

/** `chromiumBytes`: any file of @sparticuz/chromium; `archive`: the browser itself, without which a function cannot render. */
export type RouteTrace = { route: string; files: number; bytes: number; chromiumBytes: number; archive: boolean };

function traceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return traceFiles(full);
    return /^(route|page)\.js\.nft\.json$/.test(name) ? [full] : [];
  });
}

/** Each route's traced files and their size on disk (what a serverless function of it would carry). */
export function readTraces(distDir: string): RouteTrace[] {
  const appDir = path.join(distDir, 'server', 'app');
  return traceFiles(appDir).map((nft) => {
    const { files } = JSON.parse(readFileSync(nft, 'utf8')) as { files: string[] };
    let bytes = 0;
    let chromiumBytes = 0;
    let archive = false;
    for (const f of files) {
      const full = path.resolve(path.dirname(nft), f);
      const size = existsSync(full) ? statSync(full).size : 0;
      bytes += size;
      if (full.includes(CHROMIUM)) chromiumBytes += size;
      if (full.endsWith(ARCHIVE) && size > 0) archive = true;
    }
    const route = '/' + path.relative(appDir, path.dirname(nft)).split(path.sep).join('/');
    return { route, files: files.length, bytes, chromiumBytes, archive };
  });
}

/** `app/api/v1/exports/[id]/retry/route.ts` → `/api/v1/exports/[id]/retry`. */
const routeOf = (file: string) => '/' + path.posix.dirname(file).replace(/^app\/?/, '');

export function checkTraces(traces: RouteTrace[]): string[] {
  const rendering = new Set(ROUTES_THAT_RENDER.map(routeOf));
  const problems = traces
    .filter((t) => t.chromiumBytes > 0 && !rendering.has(t.route))
    .map((t) => `${t.route} carries Chromium (${mb(t.chromiumBytes)}) but cannot render: find the import chain with tests/foundation/imports.test.ts`);
  for (const route of rendering) {
    const t = traces.find((x) => x.route === route);
    if (!t) problems.push(`${route}: no trace found; was the app built?`);
    else if (!t.archive) problems.push(`${route} renders but its trace lacks Chromium's archive: the function could not launch a browser (next.config.js outputFileTracingIncludes)`);
  }
  return problems;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function main() {
  const i = process.argv.indexOf('--dist');
  const distDir = path.resolve(i > 0 ? process.argv[i + 1]! : '.next');
  const traces = readTraces(distDir).sort((a, b) => b.bytes - a.bytes);
  if (!traces.length) {
    console.error(`No route traces under ${distDir}/server/app: run npm run build first.`);
    process.exit(1);
  }
  console.log('route'.padEnd(44) + 'traced'.padStart(10) + 'chromium'.padStart(10) + 'files'.padStart(7));
  for (const t of traces) console.log(t.route.padEnd(44) + mb(t.bytes).padStart(10) + mb(t.chromiumBytes).padStart(10) + String(t.files).padStart(7));
  const problems = checkTraces(traces);
  for (const p of problems) console.error(`✗ ${p}`);
  if (problems.length) process.exit(1);
  console.log(`✓ Chromium is traced only for the routes that render (${ROUTES_THAT_RENDER.length} allowed).`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
