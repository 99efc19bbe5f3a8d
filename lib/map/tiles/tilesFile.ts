import 'server-only';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { PMTiles, TileType, type RangeResponse, type Source } from 'pmtiles';

/**
 * A tiles file a person owns, in the OpenMapTiles schema: an MBTiles
 * (SQLite, read with better-sqlite3) or a PMTiles archive (read with
 * `pmtiles`), such as planetiler writes or a provider sells as a regional
 * extract. The app serves its tiles at its own tile route.
 */
export interface TilesFileMetadata {
  name: string;
  attribution: string | null;
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number] | null;
  center: [number, number, number] | null;
  vector_layers: unknown[];
}

export interface TilesFile {
  metadata: TilesFileMetadata;
  /** The tile's uncompressed vector tile bytes, or null where the file has none. */
  tile(z: number, x: number, y: number): Promise<Uint8Array | null>;
}

export class TilesFileError extends Error {
  readonly code = 'tiles_file_unavailable';
}

export async function openTilesFile(file: string): Promise<TilesFile> {
  const ext = path.extname(file).toLowerCase();
  try {
    if (ext === '.mbtiles') return openMbtiles(file);
    if (ext === '.pmtiles') return await openPmtiles(file);
  } catch (error) {
    throw new TilesFileError(`TILES_FILE ${file} could not be read (${(error as Error).message}): check the path and that it is an OpenMapTiles MBTiles or PMTiles file.`);
  }
  throw new TilesFileError(`TILES_FILE must end in .mbtiles or .pmtiles (got ${file}).`);
}

const GZIP = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

function openMbtiles(file: string): TilesFile {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const rows = db.prepare('select name, value from metadata').all() as { name: string; value: string }[];
  const meta = Object.fromEntries(rows.map((r) => [r.name, r.value]));
  const json = meta.json ? (JSON.parse(meta.json) as { vector_layers?: unknown[] }) : {};
  const numbers = (v: string | undefined) => v?.split(',').map(Number);
  const select = db.prepare('select tile_data from tiles where zoom_level = ? and tile_column = ? and tile_row = ?');
  return {
    metadata: {
      name: meta.name ?? path.basename(file),
      attribution: meta.attribution ?? null,
      minzoom: Number(meta.minzoom ?? 0),
      maxzoom: Number(meta.maxzoom ?? 14),
      bounds: (numbers(meta.bounds) as TilesFileMetadata['bounds']) ?? null,
      center: (numbers(meta.center) as TilesFileMetadata['center']) ?? null,
      vector_layers: json.vector_layers ?? [],
    },
    // MBTiles rows count from the south (TMS); the route's y counts from the north (XYZ).
    async tile(z, x, y) {
      const row = select.get(z, x, 2 ** z - 1 - y) as { tile_data: Buffer } | undefined;
      if (!row) return null;
      const bytes = new Uint8Array(row.tile_data);
      return GZIP(bytes) ? new Uint8Array(gunzipSync(bytes)) : bytes;
    },
  };
}

/** `pmtiles` reads through a Source; this one reads byte ranges of a local file. */
class LocalFileSource implements Source {
  constructor(private readonly file: string, private readonly handle: FileHandle) {}
  getKey() {
    return this.file;
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(buffer, 0, length, offset);
    return { data: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + bytesRead) as ArrayBuffer };
  }
}

async function openPmtiles(file: string): Promise<TilesFile> {
  const archive = new PMTiles(new LocalFileSource(file, await open(file, 'r')));
  const header = await archive.getHeader();
  if (header.tileType !== TileType.Mvt) throw new Error('it holds raster tiles, not vector tiles');
  const meta = (await archive.getMetadata()) as { name?: string; attribution?: string; vector_layers?: unknown[] };
  return {
    metadata: {
      name: meta.name ?? path.basename(file),
      attribution: meta.attribution ?? null,
      minzoom: header.minZoom,
      maxzoom: header.maxZoom,
      bounds: [header.minLon, header.minLat, header.maxLon, header.maxLat],
      center: [header.centerLon, header.centerLat, header.centerZoom],
      vector_layers: meta.vector_layers ?? [],
    },
    async tile(z, x, y) {
      const response = await archive.getZxy(z, x, y);
      return response ? new Uint8Array(response.data) : null;
    },
  };
}
