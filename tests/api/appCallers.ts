import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { signFileUrl } from '@/lib/storage/signing';
import type { CallerKind } from '@/lib/http/access';

/** One credential of each kind for the shared test app (next dev), as a client would send it. */
export type Callers = { userId: string; sessionToken: string; apiKey: string; headers: Record<CallerKind, Record<string, string>> };

export const app = () => inject('appUrl');

export async function appCall(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${app()}${path}`, { ...init, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
}

export async function makeCallers(emailDomain = 'example.test'): Promise<Callers> {
  const signIn = await appCall('/api/auth/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${randomUUID()}@${emailDomain}` }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in answered ${signIn.status}`);
  const { accessToken, userId } = (await signIn.json()) as { accessToken: string; userId: string };
  const made = await appCall('/api/v1/keys', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ name: 'callers' }),
  });
  if (made.status !== 201) throw new Error(`key creation answered ${made.status}`);
  const { key } = (await made.json()) as { key: string };
  const { CRON_SECRET, METRICS_SECRET } = inject('appSecrets');
  return {
    userId,
    sessionToken: accessToken,
    apiKey: key,
    headers: {
      none: {},
      session: { authorization: `Bearer ${accessToken}` },
      apiKey: { authorization: `Bearer ${key}` },
      cronSecret: { authorization: `Bearer ${CRON_SECRET}` },
      metricsSecret: { authorization: `Bearer ${METRICS_SECRET}` },
    },
  };
}

/** A signed URL of the local file route for `objectPath`, as the app would hand out (the URL's signature is its credential). */
export function signedFilePath(objectPath: string): string {
  const query = signFileUrl(inject('appSecrets').FILE_URL_SECRET, objectPath, Math.floor(Date.now() / 1000) + 300);
  return `/api/files/${objectPath}?${new URLSearchParams(query as unknown as Record<string, string>)}`;
}
