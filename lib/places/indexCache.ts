import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildGazetteer, restoreRecords, type Gazetteer } from './gazetteer';
import { GEONAMES_FILE } from './geonames';
import { StringTable } from './stringTable';

/**
 * The built index kept on disk, so a process after the first loads it in a
 * fraction of the time building it takes. It is derived only from installed
 * packages and committed files, so it lives beside them, in
 * `node_modules/.cache/carto-places/` (shared by `npm run dev`, the tests and
 * the CLI of one checkout). Where that cannot be written (a read-only
 * serverless file system) the index is simply built in memory.
 */
export const DEFAULT_CACHE_DIR = path.join(process.cwd(), 'node_modules', '.cache', 'carto-places');

// Bump when what is indexed or how it is folded changes: an older file is then rebuilt.
const FORMAT = 5;

const TYPED = ['kind', 'lat', 'lng', 'population', 'country', 'region', 'importance', 'sourceId', 'byImportance', 'postingStart', 'postingPlace', 'postingName'] as const;
type TypedField = (typeof TYPED)[number];
const TABLES = ['keys', 'names', 'alternates'] as const;

/** What the index was built from: a change to any of them makes a new file. */
function signature(): string {
  const stamp = (file: string) => {
    try {
      const s = statSync(file);
      return `${s.size}:${Math.round(s.mtimeMs)}`;
    } catch {
      return 'missing';
    }
  };
  const data = path.join(process.cwd(), 'lib', 'places', 'data');
  return [FORMAT, stamp(GEONAMES_FILE), stamp(path.join(data, 'countries.json')), stamp(path.join(data, 'regions.json')),
    stamp(path.join(process.cwd(), 'node_modules', 'i18n-iso-countries', 'package.json'))].join('|');
}

export function cacheFile(cacheDir: string): string {
  return path.join(cacheDir, `index-v${FORMAT}.bin`);
}

/** Loads the index from `cacheDir` when it is there and current; otherwise builds it and tries to keep it there. */
export function loadOrBuildGazetteer(cacheDir = DEFAULT_CACHE_DIR): Gazetteer & { fromCache: boolean } {
  const started = performance.now();
  const file = cacheFile(cacheDir);
  const sig = signature();
  try {
    const g = readIndex(readFileSync(file), sig);
    if (g) {
      g.buildMs = performance.now() - started;
      return Object.assign(g, { fromCache: true });
    }
  } catch {
    // no file yet, or unreadable: build
  }
  const g = buildGazetteer();
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, writeIndex(g, sig));
    renameSync(tmp, file);
  } catch {
    // read-only file system: the index lives in memory only
  }
  return Object.assign(g, { fromCache: false });
}

// Text as UTF-16, which is how JS holds it: loading is then a copy, not a decode.
function writeIndex(g: Gazetteer, sig: string): Buffer {
  const strings = TABLES.map((k) => Buffer.from(g[k].text, 'utf16le'));
  const typed = [...TYPED.map((k) => g[k]), ...TABLES.map((k) => g[k].start)];
  const header = Buffer.from(
    JSON.stringify({ sig, size: g.size, strings: strings.map((b) => b.length), typed: typed.map((a) => [a.constructor.name, a.length]) }),
    'utf8',
  );
  const parts: Buffer[] = [Buffer.alloc(4), header, ...strings];
  parts[0]!.writeUInt32LE(header.length);
  let length = parts.reduce((n, b) => n + b.length, 0);
  for (const a of typed) {
    const pad = (8 - (length % 8)) % 8;
    parts.push(Buffer.alloc(pad), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    length += pad + a.byteLength;
  }
  return Buffer.concat(parts);
}

const CONSTRUCTORS = { Uint8Array, Int16Array, Int32Array, Float32Array, Float64Array } as const;

function readIndex(buf: Buffer, sig: string): Gazetteer | undefined {
  const headerLength = buf.readUInt32LE(0);
  const header = JSON.parse(buf.toString('utf8', 4, 4 + headerLength)) as { sig: string; size: number; strings: number[]; typed: [keyof typeof CONSTRUCTORS, number][] };
  if (header.sig !== sig) return undefined;
  let at = 4 + headerLength;
  const strings = header.strings.map((n) => {
    const text = buf.toString('utf16le', at, at + n);
    at += n;
    return text;
  });
  // One copy of the typed arrays, aligned, so the file's buffer can be dropped.
  const typed = header.typed.map(([type, length]) => {
    at += (8 - (at % 8)) % 8;
    const Ctor = CONSTRUCTORS[type];
    const bytes = length * Ctor.BYTES_PER_ELEMENT;
    const copy = new Uint8Array(bytes);
    copy.set(buf.subarray(at, at + bytes));
    at += bytes;
    return new Ctor(copy.buffer);
  });
  const g = { size: header.size, buildMs: 0 } as Gazetteer;
  TYPED.forEach((k: TypedField, i) => ((g as Record<string, unknown>)[k] = typed[i]));
  TABLES.forEach((k, i) => (g[k] = new StringTable(strings[i]!, typed[TYPED.length + i] as Int32Array)));
  restoreRecords(g);
  return g;
}
