import { gpx, kml } from '@tmcw/togeojson';
import { DOMParser as XmlDomParser } from '@xmldom/xmldom';
import { routeSchema, type Overlays, type Route } from '@/types/overlays';
import { OverlayFileError } from './errors';
import { countPositions, normalizeFeatures } from './geojson';
import { formatBytes, formatCount, OVERLAY_LIMITS } from './limits';
import { simplifyToPrint } from './simplify';

/**
 * Reading a route file a person uploads (GPX tracks, routes and waypoints;
 * KML; GeoJSON) into a `Route` of the poster. Runs in the browser, before
 * anything is stored; the poster schema checks the result again at the API.
 * XML goes through a real parser (@xmldom/xmldom) and @tmcw/togeojson; a
 * DOCTYPE is refused outright, so no entity can expand (an "XML bomb").
 */

export interface RouteUpload {
  name: string;
  size: number;
  text(): Promise<string>;
}

export interface ParsedRoute {
  route: Route;
  kind: 'gpx' | 'kml' | 'geojson';
  /** Points in the file and points kept after simplification to print resolution. */
  points: { file: number; kept: number };
}

/** Reads and parses one upload, refusing an oversized file before reading a byte of it. */
export async function readRouteFile(file: RouteUpload, budget: number = OVERLAY_LIMITS.storedVertices): Promise<ParsedRoute> {
  if (file.size > OVERLAY_LIMITS.uploadBytes) {
    throw new OverlayFileError('file_too_large', `${file.name} is ${formatBytes(file.size)}; route files can be at most ${formatBytes(OVERLAY_LIMITS.uploadBytes)}. Export a shorter period or a simplified track.`);
  }
  return parseRouteText(file.name, await file.text(), budget);
}

/** Parses a file's text; `budget` is how many points the poster still has room for. */
export function parseRouteText(fileName: string, text: string, budget: number = OVERLAY_LIMITS.storedVertices): ParsedRoute {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (!body) throw new OverlayFileError('empty_file', `${fileName} is empty.`);
  const { kind, data, title } = body.startsWith('<') ? readXml(fileName, body) : body.startsWith('{') ? readJson(fileName, body) : unsupported(fileName);

  const features = normalizeFeatures(fileName, data);
  const file = countPositions(features);
  const simplified = simplifyToPrint(features, budget);
  if (!simplified) {
    throw new OverlayFileError('no_room', budget < OVERLAY_LIMITS.storedVertices
      ? `${fileName} does not fit: the poster's other routes leave room for ${formatCount(budget)} more points. Remove a route first.`
      : `${fileName} has too many separate points and shapes to fit on a poster (at most ${formatCount(OVERLAY_LIMITS.storedVertices)} points in all).`);
  }
  const name = (title ?? features.find((f) => f.properties?.name)?.properties?.name ?? fileName.replace(/\.[^.]+$/, '')).slice(0, OVERLAY_LIMITS.nameChars);
  // The same schema the API applies: whatever passes here passes there.
  const parsed = routeSchema.safeParse({ name, data: { type: 'FeatureCollection', features: simplified.features } });
  if (!parsed.success) throw new OverlayFileError('unsupported_file', `${fileName} could not be used: ${parsed.error.issues[0]?.message ?? 'invalid route'}.`);
  return { route: parsed.data, kind, points: { file, kept: simplified.after } };
}

/** Adds parsed routes to a poster's overlays, refusing more files than a poster may carry. */
export function withRoutes(overlays: Overlays, routes: Route[]): Overlays {
  if (overlays.routes.length + routes.length > OVERLAY_LIMITS.routes) {
    throw new OverlayFileError('too_many_routes', `A poster can carry at most ${OVERLAY_LIMITS.routes} route files; it has ${overlays.routes.length} and ${routes.length} more were chosen.`);
  }
  return { ...overlays, routes: [...overlays.routes, ...routes] };
}

/** Points the poster's routes already use, and so how many a new file may keep. */
export function remainingPointBudget(overlays: Overlays): number {
  return Math.max(0, OVERLAY_LIMITS.storedVertices - overlays.routes.reduce((n, r) => n + countPositions(r.data.features), 0));
}

function unsupported(fileName: string): never {
  throw new OverlayFileError('unsupported_file', `${fileName} is not a GPX, KML or GeoJSON file. Export your activity or route as GPX (most apps offer it), KML or GeoJSON.`);
}

function readJson(fileName: string, body: string) {
  try {
    return { kind: 'geojson' as const, data: JSON.parse(body) as unknown, title: null };
  } catch (e) {
    throw new OverlayFileError('broken_file', `${fileName} is not valid JSON (${(e as Error).message.slice(0, 120)}); a GeoJSON file must be JSON.`);
  }
}

function readXml(fileName: string, body: string) {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) {
    throw new OverlayFileError('xml_entities', `${fileName} declares a DOCTYPE or entities. GPX and KML files never need them, and they can make a small file expand to gigabytes (an "XML bomb"), so it was refused.`);
  }
  const doc = parseXml(fileName, body);
  const root = doc.documentElement;
  const rootName = root?.localName?.toLowerCase();
  if (rootName === 'gpx') return { kind: 'gpx' as const, data: gpx(doc) as unknown, title: metadataName(root!, 'metadata') };
  if (rootName === 'kml') return { kind: 'kml' as const, data: kml(doc) as unknown, title: metadataName(root!, 'Document') };
  throw new OverlayFileError('unsupported_file', `${fileName} is XML but neither GPX nor KML (its root element is <${(root?.tagName ?? '?').slice(0, 40)}>).`);
}

type XmlDocument = ReturnType<XmlDomParser['parseFromString']>;

/**
 * The browser's own XML parser where there is one (xmldom takes 20 s for a
 * 20 MB track there, Chromium's parser well under one), xmldom elsewhere
 * (tests, scripts). Both see the text only after the DOCTYPE check above.
 */
function parseXml(fileName: string, body: string): XmlDocument {
  const broken = (reason: string) =>
    new OverlayFileError('broken_file', `${fileName} is not well-formed XML (${reason.replace(/\s+/g, ' ').trim().slice(0, 160)}). The file may be cut off or damaged; export it again.`);
  if (typeof globalThis.DOMParser === 'function') {
    const doc = new globalThis.DOMParser().parseFromString(body, 'text/xml');
    // A browser reports a parse error as a <parsererror> element instead of throwing.
    const error = doc.getElementsByTagName('parsererror')[0];
    if (error) throw broken(error.textContent?.match(/error on line[^\n]*/)?.[0] ?? error.textContent ?? 'parse error');
    return doc as unknown as XmlDocument;
  }
  try {
    return new XmlDomParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(body, 'text/xml');
  } catch (e) {
    // xmldom wraps the reason ("Reporting fatalError … caused Error: <reason>"); a person needs the reason.
    const raw = ((e as Error).message || 'parse error').replace(/\s+/g, ' ');
    throw broken(raw.match(/caused Error: (.*)$/)?.[1] ?? raw);
  }
}

/** The `<name>` of a GPX's metadata or a KML's Document, if there is one. */
function metadataName(root: NonNullable<XmlDocument['documentElement']>, container: string): string | null {
  for (const child of Array.from(root.childNodes)) {
    if ((child as { localName?: string }).localName !== container) continue;
    for (const c of Array.from(child.childNodes)) {
      if ((c as { localName?: string }).localName === 'name') return c.textContent?.trim() || null;
    }
  }
  return null;
}
