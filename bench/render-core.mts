/**
 * Micro-benchmark of the rendering core on the test fixture poster:
 * time and peak memory (Node + Chromium) per output size, tile size and
 * format. Run: npm run bench:render-core -- [--long 10800] [--tiles 4096,8192] [--formats png,pdf]
 */
import fs from 'node:fs';
import { BrowserPool } from '../lib/rendering/browser';
import { renderPoster } from '../lib/rendering/renderPoster';
import type { OutputFormat } from '../lib/rendering/formats';
import { FIXTURE_CSS_WIDTH } from '../tests/rendering/fixture/posterPage';
import { startFixtureServer } from '../tests/rendering/fixture/server';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const longEdges = arg('long', '3600,10800').split(',').map(Number);
const tileSizes = arg('tiles', '4096').split(',').map(Number);
const formats = arg('formats', 'png,pdf').split(',') as (OutputFormat | 'pdf-jpeg')[];

/** Resident memory of this process and every descendant (Chromium), in MiB. */
function treeRssMiB(): number {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let kib = 0;
  const stack = [process.pid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Gone.
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return kib / 1024;
}

const server = await startFixtureServer();
const pool = new BrowserPool();
// Warm the browser (first executablePath() unpacks Chromium) so timings are per export.
await renderPoster(pool, { url: server.url, width: 600, height: 900, pixelRatio: 1, format: 'png', dpi: 72 }).then((r) => r.cleanup());

console.log('long_px  size           tile  format    tiles  total_s  render_s  encode_s  peak_MiB  MB_out');
for (const long of longEdges) {
  const width = Math.round((long * 2) / 3);
  const height = long;
  for (const maxTileSize of tileSizes) {
    for (const format of formats) {
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, treeRssMiB())), 100);
      const result = await renderPoster(
        pool,
        { url: server.url, width, height, pixelRatio: width / FIXTURE_CSS_WIDTH, format: format === 'pdf-jpeg' ? 'pdf' : format, dpi: 450 },
        { tiling: { maxTileSize }, pdfImage: format === 'pdf-jpeg' ? 'jpeg' : 'png' },
      );
      clearInterval(sampler);
      peak = Math.max(peak, treeRssMiB());
      const t = result.timings;
      console.log(
        [String(long).padEnd(7), `${width}×${height}`.padEnd(13), String(maxTileSize).padEnd(5), format.padEnd(9), String(result.tiles).padEnd(6),
          (t.totalMs / 1000).toFixed(1).padEnd(8), (t.renderMs / 1000).toFixed(1).padEnd(9), (t.encodeMs / 1000).toFixed(1).padEnd(9),
          peak.toFixed(0).padEnd(9), (result.bytes / 1e6).toFixed(1)].join('  '),
      );
      await result.cleanup();
    }
  }
}
console.log('browser', pool.stats());
await pool.close();
await server.close();
