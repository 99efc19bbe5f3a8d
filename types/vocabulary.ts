/**
 * The product's words, each defined once: the ids the schemas check and the
 * SQL checks repeat. Everything else imports them from here (types/ is the
 * bottom floor: it imports nothing from lib/). The SQL side cannot import,
 * so tests/foundation/vocabulary.test.ts fails when a check constraint or a
 * function of the migrated database disagrees with these lists.
 */

const ids = <T extends string>(list: readonly [T, ...T[]]) => list;

// ── the export queue ────────────────────────────────────────────────────────
/** `queued → running → succeeded | failed | cancelled`, then `expired` once cleanup removed the file. */
export const EXPORT_STATUSES = ids(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'expired'] as const);
export type ExportStatus = (typeof EXPORT_STATUSES)[number];
/** Statuses a job never leaves (but for a manual retry of failed or cancelled). */
export const TERMINAL_STATUSES: readonly ExportStatus[] = ['succeeded', 'failed', 'cancelled', 'expired'];
export const isTerminalStatus = (status: ExportStatus): boolean => TERMINAL_STATUSES.includes(status);

export const OUTPUT_FORMAT_IDS = ids(['png', 'jpeg', 'pdf', 'svg', 'vector-pdf'] as const);
export type OutputFormat = (typeof OUTPUT_FORMAT_IDS)[number];
/** Formats drawn as paths and text from the vector tiles, not as pixels by Chromium. */
export const VECTOR_FORMATS = ids(['svg', 'vector-pdf'] as const);
export type VectorFormat = (typeof VECTOR_FORMATS)[number];
export const isVectorFormat = (format: string): format is VectorFormat => (VECTOR_FORMATS as readonly string[]).includes(format);

/** Size presets by long edge (lib/poster/presets.ts has their pixels and DPI). */
export const SIZE_PRESET_IDS = ids(['social', 'small', 'medium', 'large', 'ultra'] as const);
export type SizePresetId = (typeof SIZE_PRESET_IDS)[number];

// ── the poster ──────────────────────────────────────────────────────────────
/** The map data a poster uses: the online planet, or what the app serves itself (lib/map/tileSource.ts). */
export const MAP_SOURCES = ids(['online', 'offline'] as const);
export type MapSourceChoice = (typeof MAP_SOURCES)[number];
/** lib/map/styles.ts holds each style's recipe. */
export const MAP_STYLE_IDS = ids([
  'minimal', 'dark-mode', 'midnight', 'blueprint', 'vintage', 'topographic',
  'watercolor', 'abstract', 'atmospheric', 'organic', 'retro',
] as const);
export type MapStyleId = (typeof MAP_STYLE_IDS)[number];

/** The palettes of each style, the first its default (lib/map/palettes.ts holds their colours). */
export const PALETTE_IDS = {
  minimal: ['paper', 'ink', 'sand'],
  'dark-mode': ['graphite', 'charcoal', 'slate'],
  midnight: ['neon', 'aurora', 'ember'],
  blueprint: ['classic', 'cyan', 'drafting'],
  vintage: ['sepia', 'atlas', 'parchment'],
  topographic: ['survey', 'alpine', 'desert'],
  watercolor: ['wash', 'bloom', 'meadow'],
  abstract: ['primary', 'pastel', 'mono'],
  atmospheric: ['fog', 'dusk', 'haze'],
  organic: ['moss', 'clay', 'lagoon'],
  retro: ['sunset', 'diner', 'arcade'],
} as const satisfies Record<MapStyleId, readonly [string, ...string[]]>;
export type PaletteIdOf<S extends MapStyleId> = (typeof PALETTE_IDS)[S][number];

/** The colour roles of a palette: what a map layer or the overlay can be painted as. */
export const PALETTE_ROLES = ids([
  'paper', // poster background and margins
  'ink', // poster text, border, map labels, boundaries
  'land',
  'water',
  'park',
  'building',
  'roadMajor',
  'roadMinor',
  'rail',
  'contour',
] as const);
export type PaletteRole = (typeof PALETTE_ROLES)[number];

/** Groups of map layers a person can switch on and off. */
export const LAYER_TOGGLES = ids(['streets', 'buildings', 'water', 'parks', 'railroads', 'contours', 'labels'] as const);
export type LayerToggle = (typeof LAYER_TOGGLES)[number];

/** lib/map/fonts.ts holds each font's package and family. */
export const POSTER_FONT_IDS = ids(['inter', 'montserrat', 'space-grotesk', 'oswald', 'playfair-display', 'lora'] as const);
export type PosterFontId = (typeof POSTER_FONT_IDS)[number];
export const FONT_WEIGHTS = [400, 500, 700] as const;
export type FontWeight = (typeof FONT_WEIGHTS)[number];

/** lib/poster/presets.ts holds each ratio's sides. */
export const ASPECT_RATIO_IDS = ids(['2:3', '3:4', '4:5', '1:1', 'iso-a', '16:9', '9:16'] as const);
export type AspectRatioId = (typeof ASPECT_RATIO_IDS)[number];
export const ORIENTATIONS = ids(['portrait', 'landscape'] as const);
export type Orientation = (typeof ORIENTATIONS)[number];
export const BORDERS = ids(['none', 'thin', 'thick', 'double', 'inset'] as const);
export type Border = (typeof BORDERS)[number];
export const TEXT_POSITIONS = ids(['top', 'bottom', 'center'] as const);
export type TextPosition = (typeof TEXT_POSITIONS)[number];
/** What sits behind the text: nothing, a paper band across the map, a fade from the paper, or a box. */
export const BACKDROPS = ids(['none', 'band', 'fade', 'box'] as const);
export type Backdrop = (typeof BACKDROPS)[number];

// ── errors ──────────────────────────────────────────────────────────────────
/**
 * Every stable error code the API answers, with its HTTP status; lib/http/respond.ts
 * maps an error to its response through this table only. The codes of failed jobs
 * (`job.error.code`) are the worker's and the renderer's own (lib/worker/processJob.ts).
 */
export const API_ERROR_STATUS = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_poster: 400,
  place_not_found: 400,
  invalid_object_path: 400,
  local_sign_in_disabled: 400,
  unauthenticated: 401,
  forbidden: 403,
  session_required: 403,
  invalid_signature: 403,
  not_found: 404,
  export_not_found: 404,
  api_key_not_found: 404,
  object_not_found: 404,
  files_not_served: 404,
  invalid_state: 409,
  api_key_limit: 409,
  export_not_ready: 409,
  idempotency_conflict: 409,
  expired: 410,
  export_expired: 410,
  url_expired: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  quota_exceeded: 429,
  rate_limited: 429,
  geocoder_unavailable: 502,
  auth_unavailable: 503,
  storage_forbidden: 503,
  bucket_missing: 503,
  storage_unavailable: 503,
  database_unavailable: 503,
  tiles_file_unavailable: 503,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;
