import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { paletteIdsOf } from '@/lib/map/palettes';
import { MAP_STYLE_IDS } from '@/lib/map/styles';
import { DEFAULT_POSTER, formatCoordinates, PRESET_PLACES } from '@/lib/poster/defaults';
import { ASPECT_RATIO_IDS, BORDERS, ORIENTATIONS, SIZE_PRESET_IDS } from '@/lib/poster/presets';
import { InvalidPlaceName, PlaceNotFound } from '@/lib/places/errors';
import { resolvePlace } from '@/lib/places/resolve';
import { posterAtPlace } from '@/lib/places/view';
import { PAPER_SIZE_IDS } from '@/lib/poster/paper';
import { OUTPUT_FORMATS } from '@/lib/rendering/formats';
import { exportFormatSchema, exportRequestSchema, exportSizeSchema, type ExportRequest } from '@/types/exports';
import type { PlaceResult } from '@/types/places';
import type { PosterConfig } from '@/types/poster';

/**
 * `npm run export -- …`: flags and an optional JSON file → one export
 * request, checked with the same zod schema the API uses, so a typo is
 * reported with its field path before anything is sent.
 */

export const DEFAULT_APP_URL = 'http://localhost:3000';
export const DEFAULT_CLI_EMAIL = 'cli@carto-export.local';

export class UsageError extends Error {}

export type CliAuth = { kind: 'apiKey'; apiKey: string } | { kind: 'localSignIn'; email: string };

export type CliOptions = {
  request: ExportRequest;
  out: string;
  appUrl: string;
  auth: CliAuth;
  timeoutSeconds: number;
  quiet: boolean;
  webhookUrl?: string;
};

export const USAGE = `Usage: npm run export -- [options]

Exports a poster through the app's export queue and writes the file.

Poster (a JSON file, then flags on top of it; anything unset keeps the editor's default):
  --config <file>        a poster config (as the editor's model) or { poster, format, size };
                         partial files are merged over the default poster
  --place <name>         a city, region or country, as the editor's search box finds it:
                         "Paris, France", "Kyoto", "Texas", "München"; or a preset:
                         ${PRESET_PLACES.map((p) => p.id).join(', ')}
  --center <lng,lat>     e.g. -85.63,41.95      --zoom <0-18>   --bearing <deg>
  --style <id>           ${MAP_STYLE_IDS.join(', ')}
  --palette <id>         a palette of the style (default: the style's first)
  --title <text>         --subtitle <text>      --coordinates <text>
  --aspect <id>          ${ASPECT_RATIO_IDS.join(', ')}
  --orientation <o>      ${ORIENTATIONS.join(', ')}
  --border <b>           ${BORDERS.join(', ')}

Export:
  --format <f>           png, jpeg, pdf (raster); svg, vector-pdf (vector) (default png)
  --size <s>             for screens: ${SIZE_PRESET_IDS.join(', ')} (default small);
                         on paper: ${PAPER_SIZE_IDS.join(', ')}, or custom with --paper
  --paper <WxHunit>      custom paper, e.g. 300x450mm or 13x19in (with --size custom)
  --dpi <150|300>        raster resolution on paper (default 300)
  --bleed                paper: the map runs 3 mm (0.125 in) past the trim
  --crop-marks           paper, PDF: crop marks outside the bleed
  --out <path>           where to write the file (default ./<title>-<size>.<ext>)
  --webhook-url <url>    also have the app POST the signed status there when it ends

Where and who:
  --url <url>            the app (default $CARTO_URL, else ${DEFAULT_APP_URL})
  --api-key <key>        an API key from the settings page (better: $CARTO_API_KEY,
                         which stays out of the process list)
  --email <email>        without a key, sign in locally as this user (embedded default
                         only; default ${DEFAULT_CLI_EMAIL})
  --timeout <seconds>    give up waiting after this long (default 900)
  --quiet                no progress output
  -h, --help             this text

Exit status: 0 written, 1 the export failed or was cancelled, 2 bad options or
a request the app refused, 3 the app could not be reached or refused the credentials.`;

const flagsConfig = {
  config: { type: 'string' },
  place: { type: 'string' },
  center: { type: 'string' },
  zoom: { type: 'string' },
  bearing: { type: 'string' },
  style: { type: 'string' },
  palette: { type: 'string' },
  title: { type: 'string' },
  subtitle: { type: 'string' },
  coordinates: { type: 'string' },
  aspect: { type: 'string' },
  orientation: { type: 'string' },
  border: { type: 'string' },
  format: { type: 'string' },
  size: { type: 'string' },
  paper: { type: 'string' },
  dpi: { type: 'string' },
  bleed: { type: 'boolean' },
  'crop-marks': { type: 'boolean' },
  out: { type: 'string', short: 'o' },
  url: { type: 'string' },
  'api-key': { type: 'string' },
  email: { type: 'string' },
  timeout: { type: 'string' },
  'webhook-url': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses argv (without node and the script) and the environment; returns null when help was asked for. */
export function parseCliArgs(argv: string[], environment: Record<string, string | undefined>, cwd = process.cwd()): CliOptions | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: withNegativeNumbers(argv), options: flagsConfig, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message.replace(/\.+$/, '')}. Run with --help to see the options.`);
  }
  if (values.help) return null;
  const flag = (name: keyof typeof flagsConfig) => values[name] as string | undefined;

  const fromFile = flag('config') ? readConfigFile(path.resolve(cwd, flag('config')!)) : {};
  const poster = applyFlags(mergePoster(DEFAULT_POSTER, fromFile.poster ?? {}), flag);
  const request = exportRequestSchema.safeParse({
    poster,
    format: oneOf(exportFormatSchema, flag('format') ?? fromFile.format ?? 'png', 'format'),
    size: oneOf(exportSizeSchema, flag('size') ?? fromFile.size ?? 'small', 'size'),
    ...fromFile.print,
    ...(flag('paper') !== undefined ? { paper: customPaper(flag('paper')!) } : {}),
    ...(flag('dpi') !== undefined ? { dpi: number(flag('dpi')!, 'dpi') } : {}),
    ...(values.bleed ? { bleed: true } : {}),
    ...(values['crop-marks'] ? { cropMarks: true } : {}),
  });
  if (!request.success) {
    const problems = request.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new UsageError(`The poster is not valid:\n${problems}`);
  }

  const apiKey = flag('api-key') ?? environment.CARTO_API_KEY;
  const timeoutSeconds = flag('timeout') === undefined ? 900 : number(flag('timeout')!, 'timeout');
  if (timeoutSeconds <= 0) throw new UsageError('--timeout must be a positive number of seconds.');
  const appUrl = flag('url') ?? environment.CARTO_URL ?? DEFAULT_APP_URL;
  try {
    new URL(appUrl);
  } catch {
    throw new UsageError(`--url ${appUrl} is not a URL; expected e.g. ${DEFAULT_APP_URL}.`);
  }
  const { format, size } = request.data;
  return {
    request: request.data,
    out: path.resolve(cwd, flag('out') ?? `${slug(request.data.poster.text.title) || 'poster'}-${size}.${OUTPUT_FORMATS[format].ext}`),
    appUrl: appUrl.replace(/\/+$/, ''),
    auth: apiKey ? { kind: 'apiKey', apiKey } : { kind: 'localSignIn', email: flag('email') ?? DEFAULT_CLI_EMAIL },
    timeoutSeconds,
    quiet: Boolean(values.quiet),
    ...(flag('webhook-url') ? { webhookUrl: flag('webhook-url') } : {}),
  };
}

/** `--center -85.6,41.9`: western longitudes start with a dash, which parseArgs would take for an option. */
function withNegativeNumbers(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    const takesValue = name !== undefined && (flagsConfig as Record<string, { type: string }>)[name]?.type === 'string';
    if (takesValue && /^-[\d.]/.test(argv[i + 1] ?? '')) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

type FileRequest = { poster?: Record<string, unknown>; format?: string; size?: string; print?: Record<string, unknown> };

/** `300x450mm`, `13x19in` → custom paper as the API takes it. */
function customPaper(text: string): { width: number; height: number; unit: string } {
  const match = /^\s*([\d.]+)\s*[x×]\s*([\d.]+)\s*(mm|in)\s*$/i.exec(text);
  if (!match) throw new UsageError(`--paper ${text} is not a paper size; expected e.g. 300x450mm or 13x19in.`);
  return { width: Number(match[1]), height: Number(match[2]), unit: match[3].toLowerCase() };
}

/** A poster config, or `{ poster, format, size }` as the API takes it. */
function readConfigFile(file: string): FileRequest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read --config ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config ${file} is not valid JSON: ${(e as Error).message}.`);
  }
  if (!isObject(json)) throw new UsageError(`--config ${file} must hold a JSON object.`);
  if ('poster' in json) {
    if (!isObject(json.poster)) throw new UsageError(`--config ${file}: "poster" must be an object.`);
    const print = Object.fromEntries(['paper', 'orientation', 'dpi', 'bleed', 'cropMarks'].filter((k) => k in json).map((k) => [k, json[k]]));
    return { poster: json.poster, format: stringOrUndefined(json.format), size: stringOrUndefined(json.size), print };
  }
  return { poster: json };
}

/** The default poster with the file's fields laid over it, one level deep (so `{ "text": { "title": "Home" } }` keeps the subtitle). */
function mergePoster(base: PosterConfig, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(over)) {
    merged[key] = isObject(value) && isObject(merged[key]) ? { ...(merged[key] as object), ...value } : value;
  }
  return merged;
}

function applyFlags(poster: Record<string, unknown>, flag: (name: keyof typeof flagsConfig) => string | undefined): Record<string, unknown> {
  const p = poster as Record<string, Record<string, unknown>> & { style?: unknown; palette?: unknown };
  const placeId = flag('place');
  if (placeId) {
    const preset = PRESET_PLACES.find((candidate) => candidate.id === placeId);
    if (preset) {
      p.place = structuredClone(preset.place) as unknown as Record<string, unknown>;
      p.text = { ...p.text, title: preset.name, subtitle: preset.subtitle, coordinates: formatCoordinates(preset.place.center) };
    } else {
      // Framed for the poster's final shape, so --aspect and --orientation count already.
      const format = { ...p.format, ...(flag('aspect') ? { aspect: flag('aspect') } : {}), ...(flag('orientation') ? { orientation: flag('orientation') } : {}) };
      const placed = posterAtPlace({ ...(poster as PosterConfig), format: format as PosterConfig['format'] }, resolveCliPlace(placeId));
      p.place = placed.place as unknown as Record<string, unknown>;
      p.text = placed.text as unknown as Record<string, unknown>;
    }
  }
  const center = flag('center');
  if (center) {
    const parts = center.split(',').map((s) => s.trim());
    if (parts.length !== 2) throw new UsageError(`--center expects "lng,lat", e.g. -85.63,41.95; got "${center}".`);
    const [lng, lat] = parts.map((s) => number(s, 'center'));
    p.place = { ...p.place, center: { lng, lat } };
    if (!flag('coordinates') && !placeId) p.text = { ...p.text, coordinates: formatCoordinates({ lng, lat }) };
  }
  if (flag('zoom') !== undefined) p.place = { ...p.place, zoom: number(flag('zoom')!, 'zoom') };
  if (flag('bearing') !== undefined) p.place = { ...p.place, bearing: number(flag('bearing')!, 'bearing') };
  const style = flag('style');
  if (style) {
    p.style = style;
    // A palette belongs to its style: switching style without --palette takes the new style's first palette.
    if (!flag('palette') && (MAP_STYLE_IDS as readonly string[]).includes(style)) {
      const palettes = paletteIdsOf(style as (typeof MAP_STYLE_IDS)[number]);
      if (!palettes.includes(String(p.palette))) p.palette = palettes[0];
    }
  }
  if (flag('palette')) p.palette = flag('palette');
  for (const field of ['title', 'subtitle', 'coordinates'] as const) {
    if (flag(field) !== undefined) p.text = { ...p.text, [field]: flag(field) };
  }
  for (const field of ['aspect', 'orientation', 'border'] as const) {
    if (flag(field) !== undefined) p.format = { ...p.format, [field]: flag(field) };
  }
  return poster;
}

/** The same resolution as the export API's `place`, its refusal turned into a usage error. */
function resolveCliPlace(name: string): PlaceResult {
  try {
    return resolvePlace(name, '--place');
  } catch (e) {
    if (e instanceof PlaceNotFound || e instanceof InvalidPlaceName) throw new UsageError(e.message.replace(/^No place/, '--place: no place'));
    throw e;
  }
}

function oneOf<T extends z.ZodEnum>(schema: T, value: string, name: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--${name} ${value} is not allowed; expected one of ${schema.options.join(', ')}.`);
  return parsed.data;
}

function number(value: string, name: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} expects a number; got "${value}".`);
  return n;
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringOrUndefined = (v: unknown) => (typeof v === 'string' ? v : undefined);
