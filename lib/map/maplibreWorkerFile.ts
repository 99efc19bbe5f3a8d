import 'server-only';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MAPLIBRE_WORKER_FILE } from './maplibreWorker';

export class MaplibreAssetNotFoundError extends Error {
  readonly code = 'not_found';
  constructor(file: string) {
    super(`No MapLibre asset named ${file}; only ${MAPLIBRE_WORKER_FILE} is served.`);
  }
}

let cached: Promise<Uint8Array> | undefined;

/** The installed MapLibre's worker script (read once: it is half a megabyte and never changes while running). */
export function maplibreWorkerScript(file: string): Promise<Uint8Array> {
  if (file !== MAPLIBRE_WORKER_FILE) return Promise.reject(new MaplibreAssetNotFoundError(file));
  cached ??= readFile(path.join(process.cwd(), 'node_modules', 'maplibre-gl', 'dist', MAPLIBRE_WORKER_FILE));
  return cached;
}
