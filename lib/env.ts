import { z } from 'zod';

/**
 * Every environment variable the app reads, validated once. With nothing set
 * the app runs on embedded defaults (embedded Postgres, local storage, local
 * sign-in, offline basemap). Secrets that are unset in development are made
 * and kept by the start script (`lib/devSecrets.ts`), never hard-coded here.
 */

const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyAsUndefined, z.url({ message: 'expected a URL such as https://example.com' }).optional());
const int = (def: number, min: number, max: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number({ message: `expected a whole number from ${min} to ${max}` }).int(`expected a whole number from ${min} to ${max}`).min(min, `expected a whole number from ${min} to ${max}`).max(max, `expected a whole number from ${min} to ${max}`).default(def));
const secret = z.preprocess(emptyAsUndefined, z.string().min(32, 'expected at least 32 characters (e.g. `openssl rand -hex 32`)').optional());

export const envSchema = z
  .object({
    NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(['development', 'production', 'test']).default('development')),
    /** Lowest level written to the JSON logs on stdout. */
    LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    PORT: int(3000, 1, 65535),
    /** Public base URL of the app; the worker loads `${APP_URL}/renderer`. */
    APP_URL: optionalUrl,

    /** Postgres connection string (Supabase: the transaction pooler URL). Unset → embedded Postgres. */
    DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// connection string')
        .optional(),
    ),
    DATABASE_POOL_MAX: int(10, 1, 200),
    /**
     * A direct (or session-mode) connection for `npm run worker`: LISTEN/NOTIFY and prepared statements.
     * Unset → DATABASE_URL unless that is Supabase's transaction pooler (port 6543); then the worker polls.
     */
    WORKER_DATABASE_URL: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// connection string')
        .optional(),
    ),
    /** Folder for embedded Postgres data, local exports and the offline basemap. */
    DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('.data')),
    EMBEDDED_PG_PORT: int(54329, 1024, 65535),

    CRON_SECRET: secret,
    /** Bearer secret of GET /api/metrics; unset → CRON_SECRET. A separate one lets a scraper read metrics without running crons. */
    METRICS_SECRET: secret,
    /** Signs local sign-in sessions (embedded default) — Supabase uses SUPABASE_JWT_SECRET. */
    AUTH_SECRET: secret,
    /** Signs local storage download URLs. */
    FILE_URL_SECRET: secret,

    /** The Supabase project (https://<ref>.supabase.co). Set → Supabase Auth replaces the local sign-in. */
    SUPABASE_URL: optionalUrl,
    /** The browser's key (sb_publishable_…); SUPABASE_ANON_KEY, the legacy anon JWT, when unset. */
    SUPABASE_PUBLISHABLE_KEY: optionalString,
    SUPABASE_ANON_KEY: optionalString,
    /** The server's key for Storage (sb_secret_…); SUPABASE_SERVICE_ROLE_KEY, the legacy service_role JWT, when unset. */
    SUPABASE_SECRET_KEY: optionalString,
    SUPABASE_SERVICE_ROLE_KEY: optionalString,
    /** Legacy HS256 JWT secret: tokens signed with it are accepted besides those of the project's JWKS. */
    SUPABASE_JWT_SECRET: optionalString,
    /** The `iss` of the project's tokens; unset → `${SUPABASE_URL}/auth/v1`, as Supabase Auth issues them. */
    SUPABASE_JWT_ISSUER: optionalString,

    STORAGE_DRIVER: z.preprocess(emptyAsUndefined, z.enum(['local', 'supabase']).default('local')),
    STORAGE_BUCKET: z.preprocess(emptyAsUndefined, z.string().default('exports')),

    /** OpenMapTiles TileJSON URL (e.g. https://tiles.openfreemap.org/planet). Unset → offline basemap. */
    TILEJSON_URL: optionalUrl,
    GLYPHS_URL: optionalString,
    /** The online planet offered (and used by default when it answers); `off` offers none. Default: OpenFreeMap's planet. */
    ONLINE_TILEJSON_URL: z.preprocess(emptyAsUndefined, z.union([z.literal('off'), z.url({ message: 'expected a TileJSON URL or off' })]).optional()),
    /** An OpenMapTiles-schema .mbtiles or .pmtiles file served at /api/tiles instead of the offline basemap. */
    TILES_FILE: z.preprocess(emptyAsUndefined, z.string().regex(/\.(mbtiles|pmtiles)$/i, 'expected a path ending in .mbtiles or .pmtiles').optional()),
    /** DEM tiles for contours, `{z}/{x}/{y}` template. Unset → contours off offline. */
    DEM_URL: optionalString,
    DEM_ENCODING: z.preprocess(emptyAsUndefined, z.enum(['terrarium', 'mapbox']).default('terrarium')),
    /** Online geocoder for place search, a Nominatim `/search` or Photon `/api` URL. Unset → offline gazetteer only. */
    GEOCODER_URL: optionalUrl,
    GEOCODER_TIMEOUT_MS: int(2500, 100, 30_000),

    CHROMIUM_PATH: optionalString,

    // Queue limits, written to the database's export_settings at start-up (SQL enforces them).
    EXPORT_TTL_DAYS: int(7, 1, 365),
    EXPORT_MAX_ATTEMPTS: int(3, 1, 10),
    QUOTA_ACTIVE_JOBS: int(3, 1, 1000),
    QUOTA_DAILY_EXPORTS: int(50, 1, 100_000),
    QUOTA_STORED_MB: int(100, 1, 1_000_000),
    EXPORT_BACKOFF_BASE_SECONDS: int(10, 1, 3600),
    EXPORT_BACKOFF_MAX_SECONDS: int(600, 1, 86_400),
    EXPORT_MAX_MANUAL_RETRIES: int(3, 0, 100),
    EXPORT_HISTORY_RETENTION_DAYS: int(30, 1, 3650),

    // API key limits, written to the database's api_key_settings at start-up (SQL enforces them).
    /** Requests one API key may make in any API_KEY_RATE_WINDOW_SECONDS; more get 429 with Retry-After. */
    API_KEY_RATE_LIMIT: int(60, 1, 100_000),
    API_KEY_RATE_WINDOW_SECONDS: int(60, 1, 86_400),
    /** Active (unrevoked) API keys per person. */
    API_KEY_MAX_ACTIVE: int(20, 1, 1000),

    /** Lease of a claimed job; renewed by heartbeats, and longer than the cron route's maxDuration. */
    WORKER_LEASE_SECONDS: int(360, 5, 3600),
    WORKER_HEARTBEAT_SECONDS: int(10, 1, 600),
    /** `npm run worker`: jobs processed at once in one process. */
    WORKER_CONCURRENCY: int(1, 1, 8),
    BROWSER_RECYCLE_AFTER_JOBS: int(25, 1, 10_000),

    /** Webhooks may reach loopback and private addresses: unset → only outside production (lib/webhooks/policy.ts). */
    WEBHOOK_ALLOW_PRIVATE: z.preprocess(
      emptyAsUndefined,
      z.enum(['true', 'false'], { message: 'expected true or false' }).transform((v) => v === 'true').optional(),
    ),
    WEBHOOK_TIMEOUT_SECONDS: int(10, 1, 60),
    // Delivery retries, written to the database's webhook_settings at start-up (SQL schedules them).
    WEBHOOK_MAX_ATTEMPTS: int(8, 1, 20),
    WEBHOOK_BACKOFF_BASE_SECONDS: int(30, 1, 3600),
    WEBHOOK_BACKOFF_MAX_SECONDS: int(3600, 1, 86_400),
  })
  .superRefine((env, ctx) => {
    if (env.STORAGE_DRIVER === 'supabase') {
      if (!env.SUPABASE_URL) ctx.addIssue({ code: 'custom', path: ['SUPABASE_URL'], message: 'required when STORAGE_DRIVER=supabase' });
      if (!env.SUPABASE_SECRET_KEY && !env.SUPABASE_SERVICE_ROLE_KEY) {
        ctx.addIssue({ code: 'custom', path: ['SUPABASE_SECRET_KEY'], message: 'required when STORAGE_DRIVER=supabase (the project\'s secret key, sb_secret_…; or the legacy SUPABASE_SERVICE_ROLE_KEY)' });
      }
    }
    if (env.SUPABASE_URL && !env.SUPABASE_PUBLISHABLE_KEY && !env.SUPABASE_ANON_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SUPABASE_PUBLISHABLE_KEY'], message: 'required with SUPABASE_URL: the sign-in page talks to Supabase Auth with it (sb_publishable_…; or the legacy SUPABASE_ANON_KEY)' });
    }
    // The browser receives this key: a secret one there would give every visitor the service role.
    for (const key of ['SUPABASE_PUBLISHABLE_KEY', 'SUPABASE_ANON_KEY'] as const) {
      if (env[key] && isSecretSupabaseKey(env[key])) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'this is a secret key (it bypasses row-level security) and would be sent to every browser: use the publishable key (sb_publishable_…) or the anon key' });
      }
    }
    if (env.NODE_ENV === 'production' && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'required in production (embedded Postgres is for development)' });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  readonly code = 'invalid_environment';
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid environment:\n' +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n') +
        '\nFix these variables (see the README table of environment variables) and start again.',
    );
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  throw new EnvError(
    result.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(environment)'), message: issue.message })),
  );
}

let cached: Env | undefined;

/** The validated environment of this process, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Whether a Supabase API key is a secret one: `sb_secret_…`, or a legacy JWT whose role is service_role. */
export function isSecretSupabaseKey(key: string): boolean {
  if (key.startsWith('sb_secret_')) return true;
  const [, payload] = key.split('.');
  if (!payload) return false;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { role?: unknown }).role === 'service_role';
  } catch {
    return false;
  }
}

/** The Supabase project's keys, the new names winning over the legacy ones. */
export function supabaseKeys(e: Env = env()): { publishable?: string; secret?: string } {
  return { publishable: e.SUPABASE_PUBLISHABLE_KEY ?? e.SUPABASE_ANON_KEY, secret: e.SUPABASE_SECRET_KEY ?? e.SUPABASE_SERVICE_ROLE_KEY };
}

/** The app's own base URL, as the worker and signed URLs need it. */
export function appUrl(e: Env = env()): string {
  return (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
}
