import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type RouteFile = { file: string; pattern: string; methods: string[] };

/**
 * Every route handler file under app/ (route.ts), its URL pattern as Next
 * names it ("/api/v1/exports/[id]") and the HTTP methods it exports: what the
 * access table and the fuzzer must each cover.
 */
export function routeFiles(root = path.resolve('app')): RouteFile[] {
  const found: RouteFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^route\.(ts|tsx|js)$/.test(entry.name)) {
        const source = readFileSync(full, 'utf8');
        const methods = [...source.matchAll(/export\s+(?:async\s+)?function\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)].map((m) => m[1]);
        // Route groups "(name)" and private folders "_name" are not part of the URL.
        const segments = path.relative(root, dir).split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
        found.push({ file: path.relative(process.cwd(), full), pattern: '/' + segments.join('/'), methods });
      }
    }
  };
  walk(root);
  return found.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** A concrete URL for a pattern: every [param] filled with a plausible value (a uuid, a tile address, a file name). */
export function sampleUrl(pattern: string, fill: (param: string) => string = defaultFill): string {
  return pattern.replace(/\[(\.\.\.)?(\w+)\]/g, (_, _rest, name: string) => fill(name));
}

const defaultFill = (name: string) =>
  ({ id: '00000000-0000-4000-8000-000000000000', z: '0', x: '0', y: '0.pbf', path: 'nobody/none.png', file: 'none.woff2' })[name] ?? 'x';
