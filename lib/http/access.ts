import 'server-only';
import { requireCaller, requireSession } from '@/lib/auth/caller';
import { assertCronRequest } from '@/lib/cron/auth';
import { assertMetricsRequest } from '@/lib/metrics';
import type { JwtClaims } from '@/types/auth';

/**
 * Who may call what: every route handler under app/, by method and path, and
 * the callers it accepts. Routes ask for their caller through this table, so
 * it is the one place to read (and to change) a route's access; a test walks
 * every route file and fails on a route or an answer the table does not allow.
 *
 * - session: a signed-in person (session cookie, or a Bearer access token)
 * - apiKey: `Authorization: Bearer cek_…`, acting for its owner
 * - cronSecret / metricsSecret: the operator's bearer secrets (METRICS_SECRET is CRON_SECRET when unset)
 * - none: anyone, with no credential (public data, sign-in, or a URL that carries its own signature)
 */
export const CALLER_KINDS = ['session', 'apiKey', 'cronSecret', 'metricsSecret', 'none'] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

export const ACCESS = {
  'GET /api/auth/session': ['none', 'session'],
  'POST /api/auth/sign-in': ['none'],
  'POST /api/auth/sign-out': ['none'],
  // The production sign-in form (Supabase Auth): the password or the emailed code is the credential.
  'POST /api/auth/supabase': ['none'],
  'GET /api/cron/cleanup-exports': ['cronSecret'],
  'GET /api/cron/process-exports': ['cronSecret'],
  // The signed URL (HMAC, expiring) is the credential.
  'GET /api/files/[...path]': ['none'],
  'GET /api/health': ['none'],
  'GET /api/metrics': ['metricsSecret'],
  'GET /api/places': ['none'],
  'GET /api/tiles': ['none'],
  'OPTIONS /api/tiles': ['none'],
  'GET /api/tiles/[z]/[x]/[y]': ['none'],
  'OPTIONS /api/tiles/[z]/[x]/[y]': ['none'],
  'GET /api/v1/exports': ['session', 'apiKey'],
  'POST /api/v1/exports': ['session', 'apiKey'],
  'POST /api/v1/exports/batch': ['session', 'apiKey'],
  'GET /api/v1/exports/[id]': ['session', 'apiKey'],
  'DELETE /api/v1/exports/[id]': ['session', 'apiKey'],
  'GET /api/v1/exports/[id]/download': ['session', 'apiKey'],
  'GET /api/v1/exports/[id]/events': ['session', 'apiKey'],
  'POST /api/v1/exports/[id]/retry': ['session', 'apiKey'],
  // Keys and the webhook secret: a leaked key must not mint keys, nor read or rotate the secret that signs its owner's webhooks.
  'GET /api/v1/keys': ['session'],
  'POST /api/v1/keys': ['session'],
  'DELETE /api/v1/keys/[id]': ['session'],
  'GET /api/v1/webhook-secret': ['session'],
  'POST /api/v1/webhook-secret/rotate': ['session'],
  // Supabase Auth's sign-in link: the one-time token in its query is the credential.
  'GET /auth/confirm': ['none'],
  'GET /fonts/[file]': ['none'],
  'GET /maplibre/[file]': ['none'],
} as const satisfies Record<string, readonly CallerKind[]>;

export type RouteKey = keyof typeof ACCESS;
type Accepting<K extends CallerKind> = { [R in RouteKey]: K extends (typeof ACCESS)[R][number] ? R : never }[RouteKey];

/** The person calling a route that acts for one: refuses API keys unless the table lets them in. */
export function personCalling(request: Request & { cookies: Parameters<typeof requireCaller>[1] }, route: Accepting<'session'>): Promise<JwtClaims> {
  const kinds: readonly CallerKind[] = ACCESS[route];
  return kinds.includes('apiKey') ? requireCaller(request.headers, request.cookies) : requireSession(request.headers, request.cookies);
}

/** The operator calling a cron or metrics route: throws (401) unless the request carries that route's secret. */
export function assertOperator(request: Request, route: Accepting<'cronSecret'> | Accepting<'metricsSecret'>): void {
  const kinds: readonly CallerKind[] = ACCESS[route];
  if (kinds.includes('metricsSecret')) assertMetricsRequest(request.headers);
  else assertCronRequest(request.headers);
}
