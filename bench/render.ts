/**
 * `npm run bench:render`: the export pipeline against common practice, on the
 * same poster (DEFAULT_POSTER: Three Rivers, offline basemap) at every size
 * preset, PNG and PDF, in one run.
 *
 * - ours: the real path. A job is queued with `requestExport` and processed
 *   by the worker's `tick` (claim → renderPoster on the process's one warm
 *   BrowserPool → storage put → complete) against an embedded Postgres and
 *   the local storage driver; the time is the whole tick, claim to stored.
 * - baseline (common practice): a new Chromium launched per job, the same
 *   /renderer page asked for the whole poster in one tile, its canvases
 *   composited in the page and read back as one `toDataURL('image/png')`
 *   base64 string through `page.evaluate`, decoded in Node and written with
 *   sharp (PNG, with DPI) or pdf-lib (PDF, `embedPng`), then put in the same
 *   storage. One WebGL canvas over 8192 px on a side is blank here, so the
 *   baseline only runs where both sides are ≤ 8192 px.
 *
 * Peak memory is sampled every 100 ms on a worker thread: VmRSS of this Node
 * process, and the summed VmRSS of every Chromium process (a child of this
 * process, and its descendants). The app server (`next dev`) and Postgres
 * are separate processes and not counted.
 *
 * Options: --sizes social,small,medium,large,ultra  --formats png,pdf
 *          --no-baseline  --repeat N  --no-results (do not write bench/RESULTS.md)
 *          --soak N (then N consecutive small PNG exports: RSS growth at rest)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import chromium from '@sparticuz/chromium';
import { PDFDocument } from 'pdf-lib';
import postgres from 'postgres';
import puppeteer from 'puppeteer-core';
import sharp from 'sharp';
import { freePort, startEmbeddedPostgres } from '@/lib/db/embedded';
import { migrate } from '@/lib/db/migrate';
import { DEFAULT_POSTER } from '@/lib/poster/defaults';
import { mapViewForOutput, posterPixelSize } from '@/lib/poster/geometry';
import { SIZE_PRESETS, SIZE_PRESET_IDS, type SizePresetId } from '@/lib/poster/presets';
import { PAGE_API_GLOBAL, type TileRequest, type TileResult } from '@/lib/rendering/protocol';
import { rendererUrl } from '@/lib/rendering/rendererUrl';
import { restoreTsconfig, startApp } from './app';
import { benchVectorRows } from './render-vector';

type Format = 'png' | 'pdf';

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}
function listOption<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
  const raw = option(name);
  if (raw === undefined) return [...fallback];
  const values = raw.split(',').map((v) => v.trim()).filter(Boolean);
  for (const v of values) if (!allowed.includes(v as T)) throw new Error(`--${name}: unknown "${v}" (one of ${allowed.join(', ')})`);
  return values as T[];
}
const SIZES = listOption<SizePresetId>('sizes', SIZE_PRESET_IDS, SIZE_PRESET_IDS);
const FORMATS = listOption<Format>('formats', ['png', 'pdf'], ['png', 'pdf']);
const BASELINE = !argv.includes('--no-baseline');
const VECTOR = !argv.includes('--no-vector');
const WRITE_RESULTS = !argv.includes('--no-results');
const REPEAT = Number(option('repeat') ?? 1);
/** --soak N: then N consecutive small PNG exports in this process, RSS at rest after the first and the last. */
const SOAK = Number(option('soak') ?? 0);
if (!Number.isInteger(REPEAT) || REPEAT < 1) throw new Error('--repeat must be a whole number ≥ 1');
const COMMAND = `npm run bench:render${argv.length ? ` -- ${argv.join(' ')}` : ''}`;

/** The largest WebGL canvas SwiftShader draws here; a bigger one comes out blank. */
const MAX_SINGLE_CANVAS = 8192;

// ---------------------------------------------------------------- memory sampler

/**
 * Runs on its own thread so that a busy event loop (base64 decoding, pdf-lib)
 * does not stop the sampling. Slots: 0 node peak KiB, 1 browser peak KiB,
 * 2 node+browser peak KiB (same instant), 3 generation asked by the main
 * thread, 4 generation the peaks belong to, 5 samples in this generation.
 */
const SAMPLER_SOURCE = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const s = new Int32Array(workerData.buffer);
const root = workerData.pid;
const rss = (pid) => { try { const m = /VmRSS:\\s+(\\d+)/.exec(fs.readFileSync('/proc/' + pid + '/status', 'utf8')); return m ? Number(m[1]) : 0; } catch { return 0; } };
let gen = -1, node = 0, browser = 0, total = 0, samples = 0;
function sample() {
  const asked = Atomics.load(s, 3);
  if (asked !== gen) { gen = asked; node = 0; browser = 0; total = 0; samples = 0; }
  const kids = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync('/proc/' + entry + '/stat', 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push(Number(entry));
    } catch {}
  }
  let b = 0;
  for (const child of kids.get(root) || []) {
    let comm = '';
    try { comm = fs.readFileSync('/proc/' + child + '/comm', 'utf8'); } catch {}
    if (!/chrom|headless/i.test(comm)) continue;
    const stack = [child];
    while (stack.length) { const p = stack.pop(); b += rss(p); stack.push(...(kids.get(p) || [])); }
  }
  const n = rss(root);
  node = Math.max(node, n); browser = Math.max(browser, b); total = Math.max(total, n + b); samples++;
  Atomics.store(s, 0, node); Atomics.store(s, 1, browser); Atomics.store(s, 2, total); Atomics.store(s, 5, samples); Atomics.store(s, 4, gen);
}
setInterval(sample, 100);
`;

class MemorySampler {
  private readonly slots = new Int32Array(new SharedArrayBuffer(6 * 4));
  private readonly worker = new Worker(SAMPLER_SOURCE, { eval: true, workerData: { buffer: this.slots.buffer, pid: process.pid } });
  private generation = 0;

  start(): void {
    Atomics.store(this.slots, 3, ++this.generation);
  }

  /** Peaks (MiB) since `start()`; waits for at least one sample of this window. */
  async stop(): Promise<{ nodeMiB: number; browserMiB: number; totalMiB: number }> {
    for (let i = 0; i < 30 && (Atomics.load(this.slots, 4) !== this.generation || Atomics.load(this.slots, 5) < 1); i++) await sleep(50);
    const read = (i: number) => Atomics.load(this.slots, i) / 1024;
    return { nodeMiB: read(0), browserMiB: read(1), totalMiB: read(2) };
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

// ---------------------------------------------------------------- helpers

/** VmRSS (MiB) of this process plus its Chromium processes and their children, read now. */
function restingRssMiB(): number {
  const kids = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(entry)]);
    } catch {
      // ended while we looked
    }
  }
  const rss = (pid: number) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  let kib = rss(process.pid);
  for (const child of kids.get(process.pid) ?? []) {
    let comm = '';
    try {
      comm = readFileSync(`/proc/${child}/comm`, 'utf8');
    } catch {
      continue;
    }
    if (!/chrom|headless/i.test(comm)) continue;
    const stack = [child];
    while (stack.length) {
      const pid = stack.pop()!;
      kib += rss(pid);
      stack.push(...(kids.get(pid) ?? []));
    }
  }
  return kib / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Not blank: some channel of a 400 px downscale varies (the render core refuses stdev < 1 too). */
async function notBlank(input: string | Buffer): Promise<boolean> {
  const stats = await sharp(input, { limitInputPixels: false }).resize(400, 400, { fit: 'inside' }).stats();
  return stats.channels.slice(0, 3).some((c) => c.stdev >= 1);
}

interface Measure {
  ms: number;
  nodeMiB: number;
  browserMiB: number;
  totalMiB: number;
  bytes: number;
  notBlank: boolean;
  /** ours only: the render core's own split (render = page + tiles, encode = stitch + encode + check + PDF). */
  renderMs?: number;
  encodeMs?: number;
  tiles?: number;
  /** ours only: where the render went (RenderTimings.profile), in ms. */
  profile?: Record<string, number>;
}
type Outcome = { ok: true; m: Measure } | { ok: false; error: string };

// ---------------------------------------------------------------- main

async function main() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'carto-bench-render-'));
  chmodSync(root, 0o755); // mkdtemp makes 0700, which the postgres user cannot enter
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  // The offline basemap is built on first use; reuse the developer's if there is one (read only).
  const basemap = path.resolve('.data/basemap/layers-v1.json');
  if (existsSync(basemap)) {
    mkdirSync(path.join(dataDir, 'basemap'), { recursive: true });
    copyFileSync(basemap, path.join(dataDir, 'basemap', 'layers-v1.json'));
  }

  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const cleanup = async () => {
    while (cleanups.length) await Promise.resolve(cleanups.pop()!()).catch((e) => console.error('cleanup:', (e as Error).message));
  };
  const onSignal = () => {
    interrupted = true;
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));

  try {
    const log = (s: string) => process.stderr.write(`${s}\n`);
    log(`bench:render: ${SIZES.join(',')} × ${FORMATS.join(',')}, repeat ${REPEAT}, baseline ${BASELINE ? 'on' : 'off'}; scratch ${root}`);

    const pg = await startEmbeddedPostgres({ dataDir: path.join(root, 'pg'), port: await freePort(), password: 'bench-only', database: 'postgres', ephemeral: true });
    cleanups.push(() => pg.stop());
    const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
    await migrate(admin);
    await admin.end();

    const secrets = {
      CRON_SECRET: randomBytes(32).toString('hex'),
      AUTH_SECRET: randomBytes(32).toString('hex'),
      FILE_URL_SECRET: randomBytes(32).toString('hex'),
    };
    // The app serves /renderer and the offline tiles; this process is the worker. Same database and data folder.
    const tsconfigBefore = readFileSync('tsconfig.json', 'utf8');
    // The jobs' info lines would bury the bench's own; LOG_LEVEL=info npm run bench:render shows them.
    const logLevel = process.env.LOG_LEVEL ?? 'warn';
    const app = await startApp({ ...process.env, ...secrets, DATABASE_URL: pg.url, DATA_DIR: dataDir, LOG_LEVEL: logLevel });
    cleanups.push(() => app.stop());
    restoreTsconfig(tsconfigBefore, log);
    Object.assign(process.env, secrets, { DATABASE_URL: pg.url, DATA_DIR: dataDir, APP_URL: app.url, LOG_LEVEL: logLevel });

    // Library code reads the environment on first use, so import it only now.
    const { cancelExport, requestExport, getExport } = await import('@/lib/exports/queue');
    const { applyQueueSettings } = await import('@/lib/exports/settings');
    const { browserPool } = await import('@/lib/worker/browserPool');
    const { tick } = await import('@/lib/worker/tick');
    const { closeSql, sql } = await import('@/lib/db/client');
    const { exportObjectPaths, getStorage, localStorageRoot } = await import('@/lib/storage');
    cleanups.push(() => closeSql());
    cleanups.push(() => browserPool().close());

    // Quotas out of the way: this is one user exporting many large posters.
    await applyQueueSettings({ maxActiveJobs: 1000, maxExportsPerDay: 100_000, maxStoredBytes: 1024 ** 4 });
    const userId = randomUUID();
    await sql()`insert into auth.users (id, email) values (${userId}, ${`${userId}@bench.test`})`;
    const user = { sub: userId, role: 'authenticated' as const };

    log(`app ${app.url}; compiling /renderer …`);
    await fetch(`${app.url}/renderer`, { signal: AbortSignal.timeout(180_000) });

    const sampler = new MemorySampler();
    cleanups.push(() => sampler.close());
    const storageRoot = localStorageRoot();
    const ours = async (size: SizePresetId, format: Format): Promise<Outcome> => {
      const { job } = await requestExport(user, { poster: DEFAULT_POSTER, format, size });
      sampler.start();
      const t0 = performance.now();
      const report = await tick({ budgetMs: 3_600_000, maxJobs: 1 });
      const ms = performance.now() - t0;
      const mem = await sampler.stop();
      const done = await getExport(user, job.id);
      const processed = report.processed.find((p) => p.id === job.id);
      if (processed?.outcome !== 'succeeded' || !done.resultPath) {
        // A retryable failure puts the job back in the queue; take it out so a later tick does not claim it.
        if (done.status === 'queued' || done.status === 'running') await cancelExport(user, job.id).catch(() => undefined);
        return { ok: false, error: `${processed?.outcome ?? 'not processed'}: ${done.errorCode ?? ''} ${done.errorMessage ?? ''}`.trim() };
      }
      const { size: bytes } = await fs.stat(path.join(storageRoot, done.resultPath));
      // The stored thumbnail is made from the full poster, for PNG and PDF alike.
      const visible = done.thumbnailPath ? await notBlank(path.join(storageRoot, done.thumbnailPath)) : false;
      const meta = done.resultMeta ?? {};
      await fs.rm(path.join(storageRoot, done.resultPath), { force: true }); // keep the scratch disk small
      return {
        ok: true,
        m: { ms, ...mem, bytes, notBlank: visible, renderMs: Number(meta.renderMs), encodeMs: Number(meta.encodeMs), tiles: Number(meta.tiles), profile: meta.profile as Record<string, number> | undefined },
      };
    };

    const executablePath = process.env.CHROMIUM_PATH || (await chromium.executablePath());
    const baseline = async (size: SizePresetId, format: Format): Promise<Outcome> => {
      const px = posterPixelSize(DEFAULT_POSTER.format, size);
      const { pixelRatio } = mapViewForOutput(DEFAULT_POSTER, px);
      const dpi = SIZE_PRESETS[size].dpi;
      const dir = await fs.mkdtemp(path.join(root, 'baseline-'));
      let decoded: Buffer | undefined;
      sampler.start();
      const t0 = performance.now();
      let browser: Awaited<ReturnType<typeof puppeteer.launch>> | undefined;
      try {
        browser = await puppeteer.launch({
          executablePath,
          args: [...chromium.args, '--disable-background-networking'],
          headless: 'shell',
          defaultViewport: null,
          protocolTimeout: 600_000,
        });
        const page = await browser.newPage();
        await page.setViewport({ width: Math.ceil(px.width / pixelRatio), height: Math.ceil(px.height / pixelRatio), deviceScaleFactor: pixelRatio });
        await page.goto(rendererUrl(app.url, DEFAULT_POSTER), { waitUntil: 'load', timeout: 60_000 });
        await page.waitForFunction((name) => name in window, { timeout: 60_000 }, PAGE_API_GLOBAL);
        const tile: TileRequest = { posterWidth: px.width, posterHeight: px.height, pixelRatio, x: 0, y: 0, width: px.width, height: px.height };
        const result = await page.evaluate(
          (name, t) => (window as unknown as Record<string, { renderTile(t: TileRequest): Promise<TileResult> }>)[name].renderTile(t),
          PAGE_API_GLOBAL,
          tile,
        );
        if (!result.ok) throw new Error(`renderTile: ${result.error}`);
        // The common way out: every canvas onto one 2D canvas, then one base64 data URL.
        const dataUrl = await page.evaluate(
          (w, h) => {
            const canvases = [...document.querySelectorAll('canvas')];
            const out = document.createElement('canvas');
            out.width = w;
            out.height = h;
            const ctx = out.getContext('2d')!;
            for (const c of canvases) ctx.drawImage(c, 0, 0);
            return out.toDataURL('image/png');
          },
          px.width,
          px.height,
        );
        decoded = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
        const file = path.join(dir, `poster.${format}`);
        if (format === 'png') {
          await sharp(decoded, { limitInputPixels: false }).withMetadata({ density: dpi }).png().toFile(file);
        } else {
          const doc = await PDFDocument.create();
          doc.setTitle(DEFAULT_POSTER.text.title);
          const image = await doc.embedPng(decoded);
          const pdfPage = doc.addPage([(px.width * 72) / dpi, (px.height * 72) / dpi]);
          pdfPage.drawImage(image, { x: 0, y: 0, width: pdfPage.getWidth(), height: pdfPage.getHeight() });
          await fs.writeFile(file, await doc.save());
        }
        const paths = exportObjectPaths(userId, randomUUID(), format, 'webp');
        await getStorage().put(paths.result, file, { contentType: format === 'png' ? 'image/png' : 'application/pdf' });
        await browser.close();
        browser = undefined;
        const ms = performance.now() - t0;
        const mem = await sampler.stop();
        const { size: bytes } = await fs.stat(path.join(storageRoot, paths.result));
        await fs.rm(path.join(storageRoot, paths.result), { force: true });
        return { ok: true, m: { ms, ...mem, bytes, notBlank: await notBlank(decoded) } };
      } catch (e) {
        await sampler.stop();
        return { ok: false, error: (e as Error).message.split('\n')[0].slice(0, 200) };
      } finally {
        await browser?.close().catch(() => browser?.process()?.kill('SIGKILL'));
        await fs.rm(dir, { recursive: true, force: true });
      }
    };

    // Warm-up, untimed: compiles the tile, font and worker routes in next dev and launches the pool's browser.
    // The first tiles compile routes on a loaded machine and may pass the render core's 60 s tile timeout: try again.
    for (let attempt = 1; ; attempt++) {
      log(`warming up (one social PNG through the queue), attempt ${attempt} …`);
      const warm = await ours('social', 'png');
      if (warm.ok) {
        log(`warm-up ${(warm.m.ms / 1000).toFixed(1)} s`);
        break;
      }
      if (attempt >= 3) throw new Error(`warm-up export failed ${attempt} times: ${warm.error}`);
      log(`warm-up failed: ${warm.error}`);
    }

    const loadBefore = loadavg();
    const started = new Date();
    const rows: { size: SizePresetId; format: Format; ours: Outcome[]; baseline: Outcome[] | string }[] = [];
    for (const size of SIZES) {
      const px = posterPixelSize(DEFAULT_POSTER.format, size);
      const baselinePossible = px.width <= MAX_SINGLE_CANVAS && px.height <= MAX_SINGLE_CANVAS;
      for (const format of FORMATS) {
        const row: (typeof rows)[number] = { size, format, ours: [], baseline: BASELINE ? (baselinePossible ? [] : 'n/a: > 8192 px canvas') : 'off' };
        for (let r = 0; r < REPEAT; r++) {
          const o = await ours(size, format);
          row.ours.push(o);
          log(`${size} ${format} ours #${r + 1}: ${describe(o)}  (load ${loadavg()})`);
          if (Array.isArray(row.baseline)) {
            const b = await baseline(size, format);
            row.baseline.push(b);
            log(`${size} ${format} baseline #${r + 1}: ${describe(b)}  (load ${loadavg()})`);
          }
        }
        rows.push(row);
      }
    }
    const soak: string[] = [];
    if (SOAK > 0) {
      log(`soak: ${SOAK} consecutive small PNG exports …`);
      let failures = 0;
      const rest: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < SOAK; i++) {
        const o = await ours('small', 'png');
        if (!o.ok) failures++;
        await sleep(200);
        rest.push(restingRssMiB());
        if (i % 10 === 9) log(`  ${i + 1}/${SOAK}: ${rest.at(-1)!.toFixed(0)} MiB at rest, ${failures} failed`);
      }
      const growth = (rest.at(-1)! - rest[0]) / rest[0];
      soak.push(
        `Soak: ${SOAK} consecutive small PNG exports, ${((performance.now() - t0) / SOAK / 1000).toFixed(1)} s each on average, ${failures} failed; ` +
          `node + browser RSS at rest ${rest[0].toFixed(0)} MiB after the first, ${rest.at(-1)!.toFixed(0)} MiB after the last (max ${Math.max(...rest).toFixed(0)}): ` +
          `growth ${(100 * growth).toFixed(1)} % ≤ 10 % — ${growth <= 0.1 && failures === 0 ? 'met' : 'MISSED'}`,
      );
    }
    // Vector rows: bench/render-vector.ts (the same queue and worker, formats svg and vector-pdf).
    const vectorTable = VECTOR ? await benchVectorRows(SIZES, rows, (size, format) => ours(size, format as unknown as Format), REPEAT, log) : '';
    const loadAfter = loadavg();

    const table = renderTable(rows);
    const verdicts = targets(rows);
    const chromiumVersion = await chromiumVersionOf(executablePath);
    const header = [
      `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, \`${COMMAND}\``,
      `${os.cpus().length} cores, load average ${loadBefore} at start, ${loadAfter} at end; ${chromiumVersion} (SwiftShader); repeat ${REPEAT} (time: median, memory: max).`,
    ];
    const printed = [...header, '', table, '', profileTable(rows), '', ...verdicts, ...(vectorTable ? ['', vectorTable] : []), ...(soak.length ? ['', ...soak] : [])].join('\n');
    console.log(`\n${printed}\n`);
    if (WRITE_RESULTS) {
      writeResults(printed);
      log('written to bench/RESULTS.md (Rendering)');
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

/**
 * `next dev` adds its build folder's type globs to tsconfig.json on start. This
 * benchmark's folder is throwaway, so put the file back as it was when that is
 * the only change.
 */
async function chromiumVersionOf(executablePath: string): Promise<string> {
  const browser = await puppeteer.launch({ executablePath, args: chromium.args, headless: 'shell' });
  try {
    return (await browser.version()).replace('HeadlessChrome/', 'Chromium ');
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- report

function describe(o: Outcome): string {
  if (!o.ok) return `FAILED ${o.error}`;
  const m = o.m;
  return `${(m.ms / 1000).toFixed(1)} s, node ${m.nodeMiB.toFixed(0)} MiB, browser ${m.browserMiB.toFixed(0)} MiB, ${(m.bytes / 1e6).toFixed(1)} MB${m.notBlank ? '' : ', BLANK'}`;
}

interface Summary {
  ms: number;
  nodeMiB: number;
  browserMiB: number;
  totalMiB: number;
  bytes: number;
  notBlank: boolean;
  failures: number;
  error?: string;
  renderMs?: number;
  encodeMs?: number;
  tiles?: number;
  profile?: Record<string, number>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(outcomes: Outcome[]): Summary | undefined {
  const ok = outcomes.filter((o): o is { ok: true; m: Measure } => o.ok).map((o) => o.m);
  const failed = outcomes.filter((o): o is { ok: false; error: string } => !o.ok);
  if (ok.length === 0) return failed.length ? { ms: NaN, nodeMiB: NaN, browserMiB: NaN, totalMiB: NaN, bytes: NaN, notBlank: false, failures: failed.length, error: failed[0].error } : undefined;
  return {
    ms: median(ok.map((m) => m.ms)),
    nodeMiB: Math.max(...ok.map((m) => m.nodeMiB)),
    browserMiB: Math.max(...ok.map((m) => m.browserMiB)),
    totalMiB: Math.max(...ok.map((m) => m.totalMiB)),
    bytes: median(ok.map((m) => m.bytes)),
    notBlank: ok.every((m) => m.notBlank),
    failures: failed.length,
    error: failed[0]?.error,
    renderMs: ok[0].renderMs === undefined ? undefined : median(ok.map((m) => m.renderMs!)),
    encodeMs: ok[0].encodeMs === undefined ? undefined : median(ok.map((m) => m.encodeMs!)),
    tiles: ok[0].tiles,
    // The profile of the run whose time was the median.
    profile: [...ok].sort((a, b) => a.ms - b.ms)[Math.floor((ok.length - 1) / 2)].profile,
  };
}

/** Where ours' time went, per row: the render core's profile, and the rest of the tick (claim, upload, complete). */
function profileTable(rows: { size: SizePresetId; format: Format; ours: Outcome[] }[]): string {
  const keys = ['pageMs', 'firstTileMs', 'drawMs', 'captureMs', 'stitchEncodeMs', 'thumbnailMs', 'pdfMs'] as const;
  const head = ['preset', 'fmt', 'total s', 'page load', '1st tile', 'draw (all)', 'capture (all)', 'stitch+encode', 'thumbnail', 'pdf', 'queue+store'];
  const body = rows.map((row) => {
    const o = summarize(row.ours);
    const p = o?.profile;
    if (!o || !p || Number.isNaN(o.ms)) return [row.size, row.format, 'n/a', ...keys.map(() => ''), ''];
    const rest = o.ms - (o.renderMs ?? 0) - (o.encodeMs ?? 0);
    return [row.size, row.format, seconds(o.ms), ...keys.map((k) => seconds(p[k] ?? 0)), seconds(rest)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [
    '```',
    "ours, where the time went (s): page load is 0 when the warm page was reused; draw = the page's renderTile for every tile; capture = screenshot + cut to the core",
    line(head),
    rule,
    ...body.map(line),
    '```',
  ].join('\n');
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const mib = (v: number) => v.toFixed(0);
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

function renderTable(rows: { size: SizePresetId; format: Format; ours: Outcome[]; baseline: Outcome[] | string }[]): string {
  const head = [
    'preset', 'px', 'fmt',
    'ours s', 'render+enc s', 'tiles', 'node MiB', 'browser MiB', 'sum MiB', 'MB', 'ok',
    'base s', 'node MiB', 'browser MiB', 'sum MiB', 'MB', 'ok',
    'base/ours',
  ];
  const right = [false, false, false, true, true, true, true, true, true, true, false, true, true, true, true, true, false, true];
  const body: string[][] = [];
  const notes: string[] = [];
  for (const row of rows) {
    const px = posterPixelSize(DEFAULT_POSTER.format, row.size);
    const o = summarize(row.ours);
    const cells = [row.size, `${px.width}×${px.height}`, row.format];
    if (!o || Number.isNaN(o.ms)) {
      cells.push('FAILED', '', '', '', '', '', '', 'no');
      if (o?.error) notes.push(`ours ${row.size} ${row.format}: ${o.error}`);
    } else {
      const split = o.renderMs !== undefined && Number.isFinite(o.renderMs) ? `${seconds(o.renderMs)}+${seconds(o.encodeMs!)}` : '';
      cells.push(seconds(o.ms), split, String(o.tiles ?? ''), mib(o.nodeMiB), mib(o.browserMiB), mib(o.totalMiB), mb(o.bytes), o.notBlank ? (o.failures ? `${o.failures} failed` : 'yes') : 'BLANK');
      if (o.failures && o.error) notes.push(`ours ${row.size} ${row.format}: ${o.failures} of ${row.ours.length} failed: ${o.error}`);
    }
    if (typeof row.baseline === 'string') {
      cells.push(row.baseline, '', '', '', '', '', '');
    } else {
      const b = summarize(row.baseline);
      if (!b || Number.isNaN(b.ms)) {
        cells.push('FAILED', '', '', '', '', 'no', '');
        if (b?.error) notes.push(`baseline ${row.size} ${row.format}: ${b.error}`);
      } else {
        cells.push(seconds(b.ms), mib(b.nodeMiB), mib(b.browserMiB), mib(b.totalMiB), mb(b.bytes), b.notBlank ? (b.failures ? `${b.failures} failed` : 'yes') : 'BLANK');
        cells.push(o && !Number.isNaN(o.ms) ? `${(b.ms / o.ms).toFixed(2)}×` : '');
        if (b.failures && b.error) notes.push(`baseline ${row.size} ${row.format}: ${b.failures} of ${row.baseline.length} failed: ${b.error}`);
      }
    }
    body.push(cells);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  const group = '                         ours: queue claim → stored, warm browser                          baseline: new browser per job, toDataURL';
  return [
    '```',
    group,
    line(head),
    rule,
    ...body.map(line),
    '```',
    '',
    '- time: wall time per export. ours = `tick()` (claim, render, store, complete); render+enc = the render core\'s own split; baseline = launch, load, render, `toDataURL`, decode, write, store, close.',
    '- memory: peak VmRSS sampled every 100 ms: node = this process (incl. sharp/libvips), browser = all Chromium processes, sum = both at the same instant. The app server (next dev) is not counted.',
    '- ok: output not blank (a 400 px downscale has a channel with stdev ≥ 1). Baseline PDF = pdf-lib `embedPng`; baseline PNG = sharp re-encode with the DPI.',
    ...notes.map((n) => `- ${n}`),
  ].join('\n');
}

function targets(rows: { size: SizePresetId; format: Format; ours: Outcome[]; baseline: Outcome[] | string }[]): string[] {
  const out: string[] = ['Targets (issue 20):'];
  const mark = (met: boolean) => (met ? 'met' : 'MISSED');
  for (const row of rows) {
    const o = summarize(row.ours);
    if (!o || Number.isNaN(o.ms)) {
      out.push(`- ${row.size} ${row.format}: ours failed — MISSED`);
      continue;
    }
    const b = Array.isArray(row.baseline) ? summarize(row.baseline) : undefined;
    const ratio = b && !Number.isNaN(b.ms) ? b.ms / o.ms : undefined;
    const ratioText = (want: number) => (ratio === undefined ? `≥ ${want}× baseline: no baseline measured` : `${ratio.toFixed(2)}× ≥ ${want}× baseline ${mark(ratio >= want)}`);
    if (row.size === 'small') out.push(`- small ${row.format}: ${seconds(o.ms)} s ≤ 2 s ${mark(o.ms <= 2000)}; ${ratioText(5)}`);
    if (row.size === 'medium' || row.size === 'large') out.push(`- ${row.size} ${row.format}: ${ratioText(3)}`);
    if (row.size === 'ultra') {
      out.push(
        `- ultra ${row.format}: ${o.failures ? `${o.failures} failed, ` : ''}not blank ${o.notBlank ? 'yes' : 'NO'}, ${seconds(o.ms)} s ≤ 15 s ${mark(o.ms <= 15_000)}, ` +
          `peak ${mib(o.totalMiB)} MiB (node ${mib(o.nodeMiB)} + browser ${mib(o.browserMiB)}) ≤ 1024 MiB ${mark(o.totalMiB <= 1024)}`,
      );
    }
  }
  return out;
}

/** Replaces (or adds) the "## Rendering" section of bench/RESULTS.md, leaving every other section as it is. */
function writeResults(printed: string): void {
  const file = path.resolve('bench/RESULTS.md');
  const section = [
    '## Rendering (`npm run bench:render`)',
    '',
    'bench/render.ts: DEFAULT_POSTER (Three Rivers, offline basemap) at each size preset, PNG and PDF,',
    'ours (queue → worker `tick` → `renderPoster` on one warm `BrowserPool` → local storage) against',
    'common practice (new Chromium per job, whole poster in one WebGL canvas, `toDataURL` through',
    '`page.evaluate`, decoded in Node). Pasted as printed:',
    '',
    printed,
    '',
  ].join('\n');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = text.search(/^## Rendering\b/m);
  let next: string;
  if (start >= 0) {
    const rest = text.slice(start + 1);
    const end = rest.search(/^## /m);
    next = text.slice(0, start) + section + (end >= 0 ? `\n${rest.slice(end)}` : '');
  } else if (text) {
    next = `${text.trimEnd()}\n\n${section}`;
  } else {
    next = section;
  }
  writeFileSync(file, next);
}

/** Set on SIGINT/SIGTERM: the work in flight then fails against stopped servers, which is not worth printing. */
let interrupted = false;

main().then(
  () => process.exit(0),
  (e) => {
    if (interrupted) return;
    console.error(e);
    process.exit(1);
  },
);
