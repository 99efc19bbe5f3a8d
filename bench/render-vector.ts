import type { SizePresetId } from '@/lib/poster/presets';

/**
 * bench:render's vector rows, kept apart from the raster benchmark so both
 * can change without colliding: for each size, the same poster exported as
 * SVG and as vector PDF through the same queue and worker `tick`, beside the
 * raster PNG of that size (time and bytes). A vector export draws no pixels,
 * so its time and size follow the map's content, not the print size.
 */
type Measured = { ok: true; m: { ms: number; bytes: number; notBlank: boolean } } | { ok: false; error: string };
type VectorFormat = 'svg' | 'vector-pdf';

export async function benchVectorRows(
  sizes: readonly SizePresetId[],
  raster: { size: SizePresetId; format: string; ours: Measured[] }[],
  exportOnce: (size: SizePresetId, format: VectorFormat) => Promise<Measured>,
  repeat: number,
  log: (line: string) => void,
): Promise<string> {
  const lines = [
    '| size | raster PNG s | PNG MB | SVG s | SVG MB | vector PDF s | vector PDF MB | SVG s ÷ PNG s | vector PDF s ÷ PNG s |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const size of sizes) {
    const png = median(raster.find((r) => r.size === size && r.format === 'png')?.ours ?? []);
    const vector: Partial<Record<VectorFormat, ReturnType<typeof median>>> = {};
    for (const format of ['svg', 'vector-pdf'] as const) {
      const runs: Measured[] = [];
      for (let r = 0; r < repeat; r++) {
        const o = await exportOnce(size, format);
        runs.push(o);
        log(`${size} ${format} #${r + 1}: ${o.ok ? `${(o.m.ms / 1000).toFixed(1)} s, ${(o.m.bytes / 1e6).toFixed(2)} MB${o.m.notBlank ? '' : ', BLANK'}` : `FAILED ${o.error}`}`);
      }
      vector[format] = median(runs);
    }
    const s = (v?: { ms: number }) => (v ? (v.ms / 1000).toFixed(1) : 'failed');
    const mb = (v?: { bytes: number }) => (v ? (v.bytes / 1e6).toFixed(2) : '–');
    const ratio = (v?: { ms: number }) => (v && png ? (v.ms / png.ms).toFixed(2) : '–');
    lines.push(`| ${size} | ${png ? s(png) : '–'} | ${mb(png)} | ${s(vector.svg)} | ${mb(vector.svg)} | ${s(vector['vector-pdf'])} | ${mb(vector['vector-pdf'])} | ${ratio(vector.svg)} | ${ratio(vector['vector-pdf'])} |`);
  }
  return [
    'Vector export (same poster, queue → `tick` → `renderVectorPoster`, no browser; time: median wall time per export, as the raster rows):',
    '',
    ...lines,
  ].join('\n');
}

function median(runs: Measured[]): { ms: number; bytes: number } | undefined {
  const ok = runs.flatMap((o) => (o.ok ? [o.m] : [])).sort((a, b) => a.ms - b.ms);
  return ok.length ? ok[Math.floor(ok.length / 2)] : undefined;
}
