import 'server-only';
import { withUser } from '@/lib/db/session';
import { queueCall } from '@/lib/exports/errors';
import type { JwtClaims } from '@/types/auth';
import type { ApiWebhookSecret } from '@/types/webhooks';

/** The caller's webhook signing secret (migrations/0008), made on first use; rotation replaces it at once. */

type SecretRow = { secret: string; created_at: Date };
const present = (row: SecretRow): ApiWebhookSecret => ({ secret: row.secret, createdAt: row.created_at.toISOString() });

export async function getWebhookSecret(claims: JwtClaims): Promise<ApiWebhookSecret> {
  return queueCall(() => withUser(claims, async (tx) => present((await tx<SecretRow[]>`select * from public.webhook_secret()`)[0])));
}

export async function rotateWebhookSecret(claims: JwtClaims): Promise<ApiWebhookSecret> {
  return queueCall(() => withUser(claims, async (tx) => present((await tx<SecretRow[]>`select * from public.rotate_webhook_secret()`)[0])));
}
