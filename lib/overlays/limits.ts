/**
 * How much personal data one poster may carry: markers, route files and
 * their points. One place, read by the upload parser in the browser, the
 * poster schema (types/overlays.ts) on every edge, and the API's body limit.
 *
 * The poster travels to the renderer in its URL fragment, which Chromium caps
 * at 2 MiB; base64 makes a byte 4/3, so a whole export request must stay
 * under about 1.5 MB. The vertex budget keeps routes well inside that.
 */
export const OVERLAY_LIMITS = {
  /** Markers on one poster. */
  markers: 50,
  /** Route files (GPX, GeoJSON, KML) on one poster. */
  routes: 10,
  /** Features (tracks, lines, shapes, waypoints) in one route file after parsing. */
  featuresPerRoute: 1000,
  /** Points of all routes together, as stored (after simplification to print resolution). */
  storedVertices: 30_000,
  /** Bytes of the poster's whole `overlays` object as JSON. */
  overlayBytes: 900_000,
  /** Size of one uploaded file, before it is read. */
  uploadBytes: 25_000_000,
  /** Points in one uploaded file before simplification (a day of 1 Hz tracking is 86,400). */
  uploadPoints: 1_000_000,
  /** Characters of a marker label and of a route name. */
  labelChars: 60,
  nameChars: 100,
} as const;

/**
 * Largest export request body the API reads: the poster with the largest
 * overlay plus room for the rest of it. migrations/0012 gives the database's
 * `max_request_bytes` the same value.
 */
export const MAX_EXPORT_REQUEST_BYTES = 1_200_000;

/** A batch of up to 10 exports: posters with routes are large, so a batch may carry about four of the largest. */
export const MAX_BATCH_REQUEST_BYTES = 4 * MAX_EXPORT_REQUEST_BYTES;

/**
 * The database's own cap on a stored request (export_settings.max_request_bytes,
 * set by migrations/0012), a guard for requests that bypass the API. It
 * measures jsonb text, which is larger than the JSON a client sends.
 */
export const MAX_STORED_REQUEST_BYTES = 1_600_000;

/** `1,234,567` — limits in messages are read by people. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `25 MB`, `612.3 MB`, `900 kB` (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${trim(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${trim(bytes / 1e3)} kB`;
  return `${bytes} bytes`;
}

function trim(n: number): string {
  return n >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}
