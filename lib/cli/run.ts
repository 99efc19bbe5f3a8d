import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliOptions } from '@/lib/cli/args';
import { ApiRequestError, AppUnreachable, connect, type ExportClient } from '@/lib/cli/client';
import { formatBytes, formatSeconds, progressBar, progressLine } from '@/lib/cli/progress';
import type { ApiExport } from '@/types/api';
import { isVectorFormat as vectorFormat } from '@/lib/rendering/formats';
import { isTerminalStatus } from '@/types/vocabulary';

/** Exit statuses, as `--help` documents them. */
export const EXIT = { written: 0, exportFailed: 1, refused: 2, unreachable: 3, interrupted: 130 } as const;

export type CliIo = {
  /** Where progress and messages go (stderr), and whether it is a terminal that can redraw a line. */
  err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Aborted on Ctrl-C: the export is cancelled on the server before exiting. */
  signal?: AbortSignal;
  pollMs?: number;
};


/** Queues the export, shows its progress until it ends, writes the file; returns the exit status. */
export async function runExport(options: CliOptions, io: CliIo): Promise<number> {
  const say = (line: string) => io.err.write(line + '\n');
  let client: ExportClient;
  let job: ApiExport;
  try {
    client = await connect(options.appUrl, options.auth);
    job = await client.createExport({ ...options.request, ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}) }, randomUUID());
  } catch (e) {
    return reportRequestError(e, say);
  }
  const { width, height, dpi } = job;
  if (!options.quiet) say(`Export ${job.id} queued: ${job.paper ? job.sizeLabel : job.size} ${job.format.toUpperCase()}, ${width}×${height} ${vectorFormat(job.format) ? 'pt (vector)' : `px at ${dpi} dpi`}.`);

  const started = Date.now();
  const progress = progressPrinter(io, options.quiet);
  try {
    while (!isTerminalStatus(job.status)) {
      progress.show(job, (Date.now() - started) / 1000);
      if (Date.now() - started > options.timeoutSeconds * 1000) {
        progress.end();
        say(`Gave up waiting after ${formatSeconds(options.timeoutSeconds)}; the export goes on in the app: ${options.appUrl}${job.statusUrl}`);
        return EXIT.exportFailed;
      }
      await sleep(io.pollMs ?? 1000, io.signal);
      job = await client.getExport(job.id);
    }
  } catch (e) {
    progress.end();
    if (io.signal?.aborted) return cancel(client, job.id, say);
    return reportRequestError(e, say);
  }
  progress.show(job, (Date.now() - started) / 1000);
  progress.end();

  if (job.status !== 'succeeded' || !job.result?.downloadUrl) {
    const reason = job.error ? `${job.error.message} (${job.error.code})` : job.status;
    say(`Export ${job.status} after ${job.attempts} attempt${job.attempts === 1 ? '' : 's'}: ${reason}`);
    return EXIT.exportFailed;
  }
  try {
    const bytes = await client.download(job.result.downloadUrl);
    if (bytes.byteLength !== job.result.bytes) throw new Error(`the download has ${bytes.byteLength} bytes, the export ${job.result.bytes}`);
    await writeAtomically(options.out, bytes);
  } catch (e) {
    if (e instanceof ApiRequestError || e instanceof AppUnreachable) return reportRequestError(e, say);
    say(`Could not write ${options.out}: ${(e as Error).message}`);
    return EXIT.exportFailed;
  }
  say(`Wrote ${options.out} (${formatBytes(job.result.bytes)}, ${job.width}×${job.height} ${vectorFormat(job.format) ? 'pt, vector' : `px, ${job.dpi} dpi`}) in ${formatSeconds((Date.now() - started) / 1000)}.`);
  return EXIT.written;
}

async function cancel(client: ExportClient, id: string, say: (line: string) => void): Promise<number> {
  try {
    const job = await client.cancelExport(id);
    say(job.status === 'cancelled' ? `Cancelled export ${id}.` : `Asked the worker to stop export ${id}.`);
  } catch (e) {
    say(`Interrupted; could not cancel export ${id}: ${(e as Error).message}`);
  }
  return EXIT.interrupted;
}

function reportRequestError(e: unknown, say: (line: string) => void): number {
  if (e instanceof AppUnreachable) {
    say(e.message);
    return EXIT.unreachable;
  }
  if (e instanceof ApiRequestError) {
    say(`The app refused the export: ${e.message}`);
    return e.status === 401 || e.status === 403 ? EXIT.unreachable : EXIT.refused;
  }
  throw e;
}

/** Writes next to the target and renames, so an interrupted download never leaves half a file under the final name. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

function progressPrinter(io: CliIo, quiet: boolean) {
  let last = '';
  let drawn = false;
  return {
    show(job: ApiExport, elapsedSeconds: number) {
      if (quiet) return;
      if (io.err.isTTY) {
        io.err.write(`\r\x1b[2K${progressBar(job, elapsedSeconds, io.err.columns ?? 80)}`);
        drawn = true;
        return;
      }
      const line = progressLine(job);
      if (line !== last) io.err.write(`${line}\n`);
      last = line;
    },
    end() {
      if (drawn) io.err.write('\n');
      drawn = false;
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    // Removed again when the timer fires: one listener per poll would pile up on the signal.
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
