import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_PACKAGES, KNOWN_EXCEPTIONS, NEVER, ROUTES_THAT_RENDER, WORKER_IMPORTERS } from '@/scripts/importRules';

/**
 * Which folder may import which: the rules are the tables of
 * scripts/importRules.ts, written once (README's architecture section
 * explains them), and this test reads every import of the app's source to
 * enforce them.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCE_FOLDERS = ['types', 'lib', 'stores', 'components', 'app', 'scripts'];

// ── reading the imports ─────────────────────────────────────────────────────

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Resolves an import to a source file of the project (`lib/x.ts`), or to a package name (`pkg:puppeteer-core`). */
function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.') && !spec.startsWith('@/')) {
    if (spec.startsWith('node:')) return null;
    const parts = spec.split('/');
    return `pkg:${spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]}`;
  }
  const base = spec.startsWith('@/') ? spec.slice(2) : path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}.mts`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (/\.(ts|tsx|mts)$/.test(candidate) && existsSync(path.join(ROOT, candidate))) return candidate;
  }
  return null; // css, json and other assets
}

/** Every import (static, type-only and dynamic) of each source file, with `import type` left out: it is erased and loads nothing. */
function importGraph(): Map<string, { all: string[]; runtime: string[] }> {
  const graph = new Map<string, { all: string[]; runtime: string[] }>();
  for (const file of SOURCE_FOLDERS.flatMap(sourceFiles)) {
    const text = readFileSync(path.join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
    const all: string[] = [];
    const runtime: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(file, m[1] ?? m[2]!);
      if (!target) continue;
      all.push(target);
      if (!/^\s*[;\s]?(?:import|export)\s+type\s/.test(m[0])) runtime.push(target);
    }
    graph.set(file, { all, runtime });
  }
  return graph;
}

const graph = importGraph();

function reachable(start: string): Set<string> {
  const seen = new Set<string>([start]);
  const todo = [start];
  while (todo.length) {
    for (const next of graph.get(todo.pop()!)?.runtime ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        todo.push(next);
      }
    }
  }
  return seen;
}

/** The chain of imports from `start` to the first file matching `goal`, for a message a person can follow. */
function chainTo(start: string, goal: (f: string) => boolean): string[] | null {
  const previous = new Map<string, string>();
  const todo = [start];
  const seen = new Set(todo);
  while (todo.length) {
    const file = todo.shift()!;
    if (goal(file)) {
      const chain = [file];
      while (previous.has(chain[0]!)) chain.unshift(previous.get(chain[0]!)!);
      return chain;
    }
    for (const next of graph.get(file)?.runtime ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        previous.set(next, file);
        todo.push(next);
      }
    }
  }
  return null;
}

// ── the rules ───────────────────────────────────────────────────────────────

describe('the folders tell the pipeline: imports point one way', () => {
  it('reads the imports of every source file', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('lib/worker/tick.ts')?.all).toContain('lib/worker/processJob.ts');
  });

  it('no folder imports one its rules keep it from (no arrow runs back up)', () => {
    const broken: string[] = [];
    const excused = new Set<string>();
    for (const [file, { all }] of graph) {
      for (const rule of NEVER.filter((r) => file.startsWith(r.files))) {
        for (const target of all.filter((t) => rule.mayNotImport.some((p) => t.startsWith(p)))) {
          if (KNOWN_EXCEPTIONS.some((x) => x.file === file && x.imports === target)) excused.add(`${file} → ${target}`);
          else broken.push(`${file} imports ${target}: ${rule.why}`);
        }
      }
    }
    expect(broken).toEqual([]);
    // An exception whose import is gone is out of date: remove it from scripts/importRules.ts.
    expect(KNOWN_EXCEPTIONS.map((x) => `${x.file} → ${x.imports}`).filter((x) => !excused.has(x))).toEqual([]);
  });

  it('only the cron routes, the routes that enqueue and `npm run worker` import lib/worker', () => {
    const importers = [...graph].filter(([file, { all }]) => !file.startsWith('lib/worker/') && all.some((t) => t.startsWith('lib/worker/'))).map(([f]) => f);
    expect(importers.filter((f) => !WORKER_IMPORTERS.includes(f))).toEqual([]);
    // An entry of the list that no longer imports the worker is a rule out of date.
    expect(WORKER_IMPORTERS.filter((f) => !importers.includes(f))).toEqual([]);
  });

  it('no route or page but those that run the worker loads a browser, through any chain of imports', () => {
    const entries = [...graph.keys()].filter((f) => f.startsWith('app/') && /\/(route|page|layout)\.tsx?$/.test(f));
    expect(entries.length).toBeGreaterThan(20);
    const loadsBrowser = (f: string) => BROWSER_PACKAGES.some((p) => f === `pkg:${p}`);
    const offenders = entries
      .filter((f) => !ROUTES_THAT_RENDER.includes(f))
      .map((f) => chainTo(f, loadsBrowser))
      .filter((chain): chain is string[] => chain !== null)
      .map((chain) => chain.join(' → '));
    expect(offenders).toEqual([]);
    for (const route of ROUTES_THAT_RENDER) {
      expect([...reachable(route)].some(loadsBrowser), `${route} renders`).toBe(true);
    }
  });

  it('no file imports itself back through a circle', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file)?.runtime ?? []) {
        if (!graph.has(next)) continue;
        if (state.get(next) === 'open') circles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });
});
