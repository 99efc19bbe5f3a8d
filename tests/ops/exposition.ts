import { expect } from 'vitest';

/**
 * A strict reader of the Prometheus text format (0.0.4) for the tests: it
 * fails on any sample whose family has no TYPE, on a TYPE declared twice, on
 * malformed lines, and on histograms whose buckets are not cumulative or
 * whose +Inf bucket differs from _count.
 */

export type Sample = { name: string; labels: Record<string, string>; value: number };
export type Exposition = { types: Map<string, string>; samples: Sample[] };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;

export function parseExposition(text: string): Exposition {
  expect(text.endsWith('\n')).toBe(true);
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (kind === 'TYPE') {
        expect(types.has(name), `TYPE ${name} declared twice`).toBe(false);
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(rest);
        types.set(name, rest);
      } else helps.add(name);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      LABEL.lastIndex = 0;
      let l: RegExpExecArray | null;
      let consumed = 0;
      while ((l = LABEL.exec(m[2]))) {
        labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        consumed = LABEL.lastIndex;
      }
      expect(consumed, `bad labels in ${line}`).toBe(m[2].length);
    }
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    expect(Number.isNaN(value) && m[3] !== 'NaN', `bad value in ${line}`).toBe(false);
    samples.push({ name: m[1], labels, value });
  }
  for (const s of samples) {
    const family = familyOf(s.name, types);
    expect(family, `sample ${s.name} has no TYPE`).toBeDefined();
    expect(helps.has(family!), `family ${family} has no HELP`).toBe(true);
  }
  checkHistograms(types, samples);
  return { types, samples };
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return types.get(name) === 'histogram' ? undefined : name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return types.get(base) === 'histogram' ? base : undefined;
}

const seriesKey = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort());

function checkHistograms(types: Map<string, string>, samples: Sample[]) {
  for (const [name, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
    const of = (labels: Record<string, string>) => {
      const key = seriesKey(labels);
      if (!series.has(key)) series.set(key, { buckets: [] });
      return series.get(key)!;
    };
    for (const s of samples) {
      if (s.name === `${name}_bucket`) of(s.labels).buckets.push([s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), s.value]);
      if (s.name === `${name}_count`) of(s.labels).count = s.value;
      if (s.name === `${name}_sum`) of(s.labels).sum = s.value;
    }
    for (const [key, h] of series) {
      expect(h.count, `${name}${key} has no _count`).toBeDefined();
      expect(h.sum, `${name}${key} has no _sum`).toBeDefined();
      const les = h.buckets.map(([le]) => le);
      expect(les, `${name}${key} buckets in order`).toEqual([...les].sort((a, b) => a - b));
      expect(les.at(-1), `${name}${key} ends in +Inf`).toBe(Infinity);
      const counts = h.buckets.map(([, n]) => n);
      expect(counts, `${name}${key} buckets cumulative`).toEqual([...counts].sort((a, b) => a - b));
      expect(counts.at(-1), `${name}${key} +Inf == _count`).toBe(h.count);
    }
  }
}

/** The value of one sample (0 when the series does not exist yet, as for a counter never incremented). */
export function valueOf(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  const want = JSON.stringify(Object.entries(labels).sort());
  const s = e.samples.find((x) => x.name === name && JSON.stringify(Object.entries(x.labels).sort()) === want);
  return s?.value ?? 0;
}
