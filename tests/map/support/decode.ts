import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

export interface DecodedFeature {
  layer: string;
  type: 'Point' | 'LineString' | 'Polygon' | 'Unknown';
  properties: Record<string, string | number | boolean>;
}

const TYPES = ['Unknown', 'Point', 'LineString', 'Polygon'] as const;

/** Every feature of a vector tile, with its layer, geometry type and properties. */
export function decodeTile(bytes: Uint8Array): DecodedFeature[] {
  const tile = new VectorTile(new PbfReader(bytes));
  const out: DecodedFeature[] = [];
  for (const [layer, l] of Object.entries(tile.layers)) {
    for (let i = 0; i < l.length; i++) {
      const f = l.feature(i);
      out.push({ layer, type: TYPES[f.type] ?? 'Unknown', properties: f.properties as DecodedFeature['properties'] });
    }
  }
  return out;
}
