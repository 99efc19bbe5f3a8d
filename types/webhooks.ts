import { z } from 'zod';
import { clientText } from '@/types/text';

/**
 * Webhooks' shared types: the `webhookUrl` a request may carry (its syntax;
 * which addresses it may reach is lib/webhooks/policy.ts's concern) and the
 * delivery states, mirrored by the checks in migrations/0008 (change both).
 */

export const WEBHOOK_URL_MAX_LENGTH = 2048;

/** Why `value` cannot be a webhook URL by its form alone, or null. */
export function webhookUrlSyntaxProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'expected an absolute http or https URL, such as https://example.com/hooks/carto';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `expected an http or https URL, not ${url.protocol.replace(/:$/, '')}:`;
  if (url.username || url.password) return 'must not carry a user name or password; check the Carto-Signature header instead';
  if (!url.hostname) return 'expected a host name, such as https://example.com/hooks/carto';
  return null;
}

export const webhookUrlSchema = clientText()
  .max(WEBHOOK_URL_MAX_LENGTH, `must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`)
  .superRefine((value, ctx) => {
    const problem = webhookUrlSyntaxProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const webhookEventTypes = ['export.succeeded', 'export.failed', 'export.cancelled'] as const;
export const webhookEventTypeSchema = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/** pending: due (now or after backoff); sending: an attempt is in flight; gave_up: attempts spent; refused: the address is not allowed; superseded: the job was retried before delivery. */
export const webhookStateSchema = z.enum(['pending', 'sending', 'delivered', 'gave_up', 'refused', 'superseded']);
export type WebhookState = z.infer<typeof webhookStateSchema>;

/** The retry limits held in the database's webhook_settings row (migrations/0008), with its bounds. */
export const webhookSettingsSchema = z.object({
  maxAttempts: z.number().int().min(1).max(20),
  backoffBaseSeconds: z.number().int().min(1).max(3600),
  backoffMaxSeconds: z.number().int().min(1).max(86_400),
});
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;

/** A user's signing secret, as GET /api/v1/webhook-secret returns it. */
export const apiWebhookSecretSchema = z.object({ secret: z.string(), createdAt: z.string() });
export type ApiWebhookSecret = z.infer<typeof apiWebhookSecretSchema>;
