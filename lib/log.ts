import 'server-only';
import pino, { type DestinationStream, type Logger } from 'pino';
import { env } from '@/lib/env';

/**
 * The one logger of the server: JSON lines on stdout (no transport, so no
 * worker thread in a serverless function), level from LOG_LEVEL. Nothing
 * secret reaches a line: `redact` blanks credential-named fields, and every
 * string (message, field, error) has its URL queries, bearer tokens, JWTs,
 * connection-string passwords and the configured secrets cut out, so a
 * signed download URL inside an error message is logged without its signature.
 */

export type { Logger };

const REDACTED = '[redacted]';

// Credential-named fields at the top, one level down, and in request/response headers.
const SECRET_KEYS = ['authorization', 'cookie', 'token', 'secret', 'apiKey', 'password', 'leaseToken'];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.headers.${k}`, `*.*.${k}`]).concat(['*.headers["set-cookie"]']);

/** Cuts signatures and credentials out of text that may carry them (error messages, URLs). */
export function sanitize(text: string): string {
  let out = text
    // Any URL's query: our signed file URLs (sig, expires), Supabase's (?token=), presigned S3 ones.
    .replace(/(\b(?:https?|wss?|postgres(?:ql)?):\/\/[^\s?#"'<>]*|\/api\/files\/[^\s?#"'<>]*)\?[^\s"'<>#]*/gi, `$1?${REDACTED}`)
    // Credentials inside connection strings: scheme://user:password@host.
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]+:)[^\s@/"'<>]+@/gi, `$1${REDACTED}@`)
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=-]+/g, `Bearer ${REDACTED}`)
    .replace(/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, REDACTED)
    .replace(/\bsb_secret_[A-Za-z0-9_-]+/g, REDACTED);
  for (const value of secretValues()) if (out.includes(value)) out = out.split(value).join(REDACTED);
  return out;
}

function secretValues(): string[] {
  try {
    const e = env();
    return [e.CRON_SECRET, e.METRICS_SECRET, e.AUTH_SECRET, e.FILE_URL_SECRET, e.SUPABASE_SECRET_KEY, e.SUPABASE_SERVICE_ROLE_KEY, e.SUPABASE_JWT_SECRET].filter(
      (v): v is string => typeof v === 'string' && v.length >= 8,
    );
  } catch {
    return []; // an invalid environment is itself logged; the patterns above still apply
  }
}

/** Strings anywhere in a log argument sanitised, errors serialised; depth-limited so a cyclic or huge object cannot stall a log call. */
function sanitizeValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return sanitize(value);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (value instanceof Error) return serializeError(value);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => sanitizeValue(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeValue(v, depth + 1)]));
}

/** An error as message, code and stack, each sanitised; never a database error's query or parameters. */
function serializeError(e: unknown, depth = 0): unknown {
  if (!(e instanceof Error)) return typeof e === 'string' ? sanitize(e) : e;
  const { code, retryable } = e as { code?: unknown; retryable?: unknown };
  return {
    type: e.name,
    message: sanitize(e.message),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(typeof retryable === 'boolean' ? { retryable } : {}),
    ...(e.stack ? { stack: sanitize(e.stack) } : {}),
    ...(e.cause !== undefined && depth < 3 ? { cause: serializeError(e.cause, depth + 1) } : {}),
  };
}

export function createLogger(destination: DestinationStream, level = logLevel()): Logger {
  return pino(
    {
      level,
      base: { service: 'carto-export' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors are serialised (and sanitised) by the hook below; pino's own `err` serializer would redo it and drop `code`.
      serializers: { err: (e: unknown) => e },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: {
        // Before pino sees them: the message, its arguments and every field. An error given alone
        // becomes { err }, whose (sanitised) message pino then uses as the message.
        logMethod(args, method) {
          const clean = args.map((a) => (a instanceof Error ? { err: serializeError(a) } : sanitizeValue(a)));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

function logLevel(): string {
  try {
    return env().LOG_LEVEL;
  } catch {
    return 'info';
  }
}

const g = globalThis as unknown as { __cartoLog?: Logger };

/** The process's logger, made on first use (so a module import never parses the environment). */
export function log(): Logger {
  g.__cartoLog ??= createLogger(pino.destination({ dest: 1, sync: true }));
  return g.__cartoLog;
}

/** Sends this process's log lines to `destination` (tests capture them); undefined restores stdout. */
export function setLogDestination(destination: DestinationStream | undefined, level?: string): void {
  g.__cartoLog = destination ? createLogger(destination, level) : undefined;
}
