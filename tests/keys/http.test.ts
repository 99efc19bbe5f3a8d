import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { apiExportListSchema } from '@/types/api';
import { apiKeyCreatedSchema, apiKeyListSchema } from '@/types/apiKeys';

/**
 * Over real HTTP against the running app (next dev, its own database): a key
 * made through the API works on the export routes until it is revoked, and
 * the settings page lists it for its owner only.
 */
const app = inject('appUrl');

async function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.body) headers.set('content-type', 'application/json');
  return fetch(`${app}${path}`, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
}

async function signIn(): Promise<string> {
  const res = await call('/api/auth/sign-in', { method: 'POST', body: JSON.stringify({ email: `${randomUUID()}@example.test` }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

describe('API keys on the running app', () => {
  it('a key made with a session lists exports, shows on the settings page, and is refused right after it is revoked', async () => {
    const token = await signIn();
    const res = await call('/api/v1/keys', { method: 'POST', token, body: JSON.stringify({ name: 'over http' }) });
    expect(res.status).toBe(201);
    const { key, apiKey } = apiKeyCreatedSchema.parse(await res.json());

    const history = await call('/api/v1/exports', { token: key });
    expect(history.status).toBe(200);
    expect(apiExportListSchema.parse(await history.json()).exports).toEqual([]);
    expect((await call('/api/v1/keys', { method: 'POST', token: key, body: JSON.stringify({ name: 'more' }) })).status).toBe(403);

    const listed = apiKeyListSchema.parse(await (await call('/api/v1/keys', { token })).json()).keys;
    expect(listed).toEqual([expect.objectContaining({ id: apiKey.id, status: 'active', lastUsedAt: expect.any(String) })]);

    const page = await call('/settings', { headers: { cookie: `carto_session=${token}` } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('API keys');
    expect(html).toContain(apiKey.prefix);
    expect(html).not.toContain(key);

    expect((await call(`/api/v1/keys/${apiKey.id}`, { method: 'DELETE', token })).status).toBe(200);
    const refused = await call('/api/v1/exports', { token: key });
    expect(refused.status).toBe(401);
  });

  it('sends a visitor without a session from the settings page to sign in, and does not accept a key there', async () => {
    const anonymous = await call('/settings');
    expect(anonymous.status).toBe(307);
    expect(anonymous.headers.get('location')).toContain('/sign-in?next=%2Fsettings');

    const token = await signIn();
    const { key } = apiKeyCreatedSchema.parse(await (await call('/api/v1/keys', { method: 'POST', token, body: JSON.stringify({ name: 'not for pages' }) })).json());
    const withKey = await call('/settings', { token: key });
    expect(withKey.status).toBe(307);
    expect(withKey.headers.get('location')).toContain('/sign-in');
  });
});
