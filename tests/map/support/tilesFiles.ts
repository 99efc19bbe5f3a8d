import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { zxyToTileId } from 'pmtiles';

/** Test helpers that write small OpenMapTiles files, as planetiler would, from tiles we already have. */
export interface TileBytes { z: number; x: number; y: number; data: Uint8Array }
export interface ArchiveInfo { name: string; attribution: string; vectorLayers: unknown[]; minzoom: number; maxzoom: number }

/** An MBTiles file (TMS rows, gzipped tile data, metadata with its `json` row), as the MBTiles 1.3 spec has it. */
export function writeMbtiles(file: string, tiles: TileBytes[], info: ArchiveInfo) {
  const db = new Database(file);
  db.exec('create table metadata (name text, value text); create table tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob); create unique index tile_index on tiles (zoom_level, tile_column, tile_row);');
  const meta = db.prepare('insert into metadata values (?, ?)');
  for (const [k, v] of Object.entries({ name: info.name, format: 'pbf', attribution: info.attribution, minzoom: info.minzoom, maxzoom: info.maxzoom, bounds: '-180,-85.0511,180,85.0511', center: '-85.63,41.94,13', json: JSON.stringify({ vector_layers: info.vectorLayers }) })) meta.run(k, String(v));
  const insert = db.prepare('insert into tiles values (?, ?, ?, ?)');
  for (const t of tiles) insert.run(t.z, t.x, 2 ** t.z - 1 - t.y, gzipSync(t.data));
  db.close();
}

const varints = (values: number[]) => {
  const out: number[] = [];
  for (let v of values) {
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
  }
  return out;
};

/** A PMTiles v3 archive: header, one root directory, JSON metadata, then the tiles (no compression, clustered). */
export function writePmtiles(tiles: TileBytes[], info: ArchiveInfo): Buffer {
  const entries = tiles.map((t) => ({ id: zxyToTileId(t.z, t.x, t.y), data: t.data })).sort((a, b) => a.id - b.id);
  let offset = 0;
  const placed = entries.map((e) => ({ ...e, offset: (offset += e.data.length) - e.data.length }));
  const directory = Buffer.from(
    varints([
      placed.length,
      ...placed.map((e, i) => e.id - (i ? placed[i - 1]!.id : 0)),
      ...placed.map(() => 1),
      ...placed.map((e) => e.data.length),
      ...placed.map((e, i) => (i && e.offset === placed[i - 1]!.offset + placed[i - 1]!.data.length ? 0 : e.offset + 1)),
    ]),
  );
  const metadata = Buffer.from(JSON.stringify({ name: info.name, attribution: info.attribution, vector_layers: info.vectorLayers }));
  const data = Buffer.concat(placed.map((e) => e.data));
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'ascii');
  header.writeUInt8(3, 7);
  const u64 = (value: number, at: number) => header.writeBigUInt64LE(BigInt(value), at);
  u64(127, 8); u64(directory.length, 16);
  u64(127 + directory.length, 24); u64(metadata.length, 32);
  u64(0, 40); u64(0, 48);
  u64(127 + directory.length + metadata.length, 56); u64(data.length, 64);
  u64(placed.length, 72); u64(placed.length, 80); u64(placed.length, 88);
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(1, 97); // internal compression: none
  header.writeUInt8(1, 98); // tile compression: none
  header.writeUInt8(1, 99); // tile type: MVT
  header.writeUInt8(info.minzoom, 100);
  header.writeUInt8(info.maxzoom, 101);
  header.writeInt32LE(-180e7, 102); header.writeInt32LE(-85.0511e7, 106); header.writeInt32LE(180e7, 110); header.writeInt32LE(85.0511e7, 114);
  header.writeUInt8(13, 118); header.writeInt32LE(Math.round(-85.63e7), 119); header.writeInt32LE(Math.round(41.94e7), 123);
  return Buffer.concat([header, directory, metadata, data]);
}
