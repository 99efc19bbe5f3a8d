import { placeResultSchema, type PlaceKind, type PlaceResult } from '@/types/places';
import { cityExtent, type Bbox } from './extent';
import { GeocoderUnavailable } from './errors';

/**
 * An online geocoder, asked beside the offline gazetteer when GEOCODER_URL is
 * set: Nominatim (`…/search`, jsonv2 with address details) or Photon
 * (`…/api`, GeoJSON); the answer's shape says which. Results come back in the
 * gazetteer's shape with `source: "online"`.
 */
export async function searchOnline(query: string, limit: number, options: { url: string; timeoutMs: number }): Promise<PlaceResult[]> {
  const url = new URL(options.url);
  url.searchParams.set('q', query);
  url.searchParams.set('limit', String(limit));
  if (/\/search\/?$/.test(url.pathname)) {
    url.searchParams.set('format', 'jsonv2');
    url.searchParams.set('addressdetails', '1');
  }
  let body: unknown;
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json', 'accept-language': 'en', 'user-agent': 'carto-export (map posters)' },
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'error',
    });
    if (!response.ok) throw new GeocoderUnavailable(`HTTP ${response.status}`);
    body = await response.json();
  } catch (e) {
    if (e instanceof GeocoderUnavailable) throw e;
    const name = (e as Error).name;
    throw new GeocoderUnavailable(name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : name === 'SyntaxError' ? 'not JSON' : 'unreachable');
  }
  const results = Array.isArray(body) ? body.map(fromNominatim) : isPhoton(body) ? body.features.map(fromPhoton) : undefined;
  if (!results) throw new GeocoderUnavailable('an answer neither Nominatim nor Photon gives');
  // Whatever a geocoder sends, only well-formed results go on.
  return results.flatMap((r) => {
    const parsed = r ? placeResultSchema.safeParse(r) : undefined;
    return parsed?.success ? [parsed.data] : [];
  }).slice(0, limit);
}

const kindOf = (type: unknown): PlaceKind =>
  type === 'country' ? 'country' : typeof type === 'string' && ['state', 'region', 'province', 'county', 'district'].includes(type) ? 'region' : 'city';
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN);
const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

type Nominatim = {
  osm_type?: string; osm_id?: number; lat?: string; lon?: string; name?: string; display_name?: string;
  addresstype?: string; type?: string; boundingbox?: string[]; address?: Record<string, string>;
};

function fromNominatim(raw: unknown): PlaceResult | undefined {
  const r = raw as Nominatim;
  const center = { lng: num(r.lon), lat: num(r.lat) };
  const name = text(r.name) ?? text(r.display_name?.split(',')[0]);
  if (!name || !Number.isFinite(center.lng) || !Number.isFinite(center.lat)) return undefined;
  const [south, north, west, east] = (r.boundingbox ?? []).map(num);
  const bbox: Bbox = [west, south, east, north].every(Number.isFinite) ? [west!, south!, east!, north!] : cityExtent(center, 0);
  const kind = kindOf(r.addresstype ?? r.type);
  const a = r.address ?? {};
  return {
    id: `osm:${r.osm_type ?? ''}${r.osm_id ?? ''}`,
    kind,
    name,
    ...(kind === 'city' && text(a.state) ? { region: text(a.state) } : {}),
    country: text(a.country) ?? '',
    countryCode: (text(a.country_code) ?? '').toUpperCase(),
    center,
    bbox,
    source: 'online',
  };
}

type PhotonFeature = { geometry?: { coordinates?: number[] }; properties?: Record<string, unknown> };
const isPhoton = (b: unknown): b is { features: PhotonFeature[] } => typeof b === 'object' && b !== null && Array.isArray((b as { features?: unknown }).features);

function fromPhoton(f: PhotonFeature): PlaceResult | undefined {
  const p = f.properties ?? {};
  const [lng, lat] = f.geometry?.coordinates ?? [];
  const name = text(p.name);
  if (!name || !Number.isFinite(lng) || !Number.isFinite(lat)) return undefined;
  const center = { lng: lng!, lat: lat! };
  // Photon's extent is [minLon, maxLat, maxLon, minLat].
  const e = Array.isArray(p.extent) ? (p.extent as unknown[]).map(num) : [];
  const bbox: Bbox = e.length === 4 && e.every(Number.isFinite) ? [e[0]!, e[3]!, e[2]!, e[1]!] : cityExtent(center, 0);
  const kind = kindOf(p.type);
  return {
    id: `osm:${text(p.osm_type) ?? ''}${p.osm_id ?? ''}`,
    kind,
    name,
    ...(kind === 'city' && text(p.state) ? { region: text(p.state) } : {}),
    country: text(p.country) ?? '',
    countryCode: (text(p.countrycode) ?? '').toUpperCase(),
    center,
    bbox,
    source: 'online',
  };
}
