import { afterAll, describe, expect, it } from 'vitest';
import { closeSql } from '@/lib/db/client';
import { createApiKey } from '@/lib/auth/apiKeys';
import { verifyAccessToken } from '@/lib/auth/tokens';
import { ACCESS, CALLER_KINDS } from '@/lib/http/access';
import { GET as getSecret } from '@/app/api/v1/webhook-secret/route';
import { POST as rotate } from '@/app/api/v1/webhook-secret/rotate/route';
import { GET as cleanupRoute } from '@/app/api/cron/cleanup-exports/route';
import { GET as processRoute } from '@/app/api/cron/process-exports/route';
import { GET as metricsRoute } from '@/app/api/metrics/route';
import { apiRequest, signIn } from './helpers';
import { routeFiles } from '../support/routeFiles';

/** Who may call what (lib/http/access.ts), enforced where each route asks for its caller. */
afterAll(closeSql);

describe('the access table', () => {
  it('names every route handler under app/ with each method it exports, and nothing else', () => {
    const inFiles = routeFiles().flatMap((r) => r.methods.map((m) => `${m} ${r.pattern}`)).sort();
    expect(Object.keys(ACCESS).sort()).toEqual(inFiles);
    for (const kinds of Object.values(ACCESS)) {
      expect(kinds.length).toBeGreaterThan(0);
      for (const k of kinds) expect(CALLER_KINDS).toContain(k);
    }
  });

  it('lets API keys reach the export routes only', () => {
    const withKeys = Object.entries(ACCESS).filter(([, kinds]) => (kinds as readonly string[]).includes('apiKey')).map(([route]) => route);
    expect(withKeys.length).toBeGreaterThan(0);
    for (const route of withKeys) expect(route).toMatch(/^\w+ \/api\/v1\/exports(\/|$)/);
  });
});

describe('an API key on the webhook signing secret', () => {
  it('cannot read it (403 session_required)', async () => {
    const { token } = await signIn();
    const { key } = await createApiKey(await verifyAccessToken(token), { name: 'leaked' });
    const res = await getSecret(apiRequest('GET', '/api/v1/webhook-secret', { token: key }));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('session_required');
  });

  it('cannot rotate it, and the owner\'s secret stays the same', async () => {
    const { token } = await signIn();
    const { key } = await createApiKey(await verifyAccessToken(token), { name: 'leaked' });
    const before = await (await getSecret(apiRequest('GET', '/api/v1/webhook-secret', { token }))).json();
    const res = await rotate(apiRequest('POST', '/api/v1/webhook-secret/rotate', { token: key }));
    expect(res.status).toBe(403);
    expect(await (await getSecret(apiRequest('GET', '/api/v1/webhook-secret', { token }))).json()).toEqual(before);
  });
});

describe('cron and metrics secrets', () => {
  // The test app has a METRICS_SECRET of its own (tests/support/globalSetup.ts); each route takes only its own secret.
  const routes = [['process-exports', processRoute, 'CRON_SECRET'], ['cleanup-exports', cleanupRoute, 'CRON_SECRET'], ['metrics', metricsRoute, 'METRICS_SECRET']] as const;
  let secret = () => '';
  const call = (route: (r: Request) => Promise<Response>, authorization?: string) =>
    route(new Request('http://localhost/api/x', { headers: authorization ? { authorization } : {} }));

  it.each([
    ['no Authorization header', undefined],
    ['an empty bearer', 'Bearer '],
    ['a wrong secret of the same length', () => `Bearer ${'f'.repeat(secret().length)}`],
    ['a wrong secret of another length', () => `Bearer ${secret().slice(0, -1)}`],
    ['the secret with one more character', () => `Bearer ${secret()}0`],
    ['the secret without "Bearer"', () => secret()],
    ['an API key', 'Bearer cek_0000000000000000000000000000000000000000'],
  ])('refuse %s with 401 in the one error shape', async (_what, authorization) => {
    for (const [, route, variable] of routes) {
      secret = () => process.env[variable]!;
      const res = await call(route, typeof authorization === 'function' ? authorization() : authorization);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('unauthenticated');
      expect(body.error.message).not.toContain(secret());
    }
  });

  it('answer with the right secret', async () => {
    for (const [name, route, variable] of routes) {
      const res = await call(route, `Bearer ${process.env[variable]}`);
      expect(res.status, name).toBe(200);
    }
  });

  it('the cron secret does not open the metrics, nor the metrics secret the cron routes', async () => {
    expect((await call(metricsRoute, `Bearer ${process.env.CRON_SECRET}`)).status).toBe(401);
    expect((await call(processRoute, `Bearer ${process.env.METRICS_SECRET}`)).status).toBe(401);
  });
});
