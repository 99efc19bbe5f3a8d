import 'server-only';
import { env } from '@/lib/env';
import { asService } from '@/lib/db/session';
import { InvalidRequest } from '@/lib/exports/errors';
import { webhookSettingsSchema, type WebhookSettings } from '@/types/webhooks';

/**
 * Webhook retry limits live in the database (webhook_settings), where
 * record_webhook_attempt reads them, as the queue's do; the app writes them
 * from env at start-up.
 */

const fromRow = (row: Record<string, unknown>): WebhookSettings =>
  webhookSettingsSchema.parse({
    maxAttempts: Number(row.max_attempts),
    backoffBaseSeconds: Number(row.backoff_base_seconds),
    backoffMaxSeconds: Number(row.backoff_max_seconds),
  });

/** The settings this environment asks for. */
export function webhookSettingsFromEnv(): WebhookSettings {
  const e = env();
  return { maxAttempts: e.WEBHOOK_MAX_ATTEMPTS, backoffBaseSeconds: e.WEBHOOK_BACKOFF_BASE_SECONDS, backoffMaxSeconds: e.WEBHOOK_BACKOFF_MAX_SECONDS };
}

/** Writes the given settings (others keep their value) and returns them all. */
export async function applyWebhookSettings(partial: Partial<WebhookSettings>): Promise<WebhookSettings> {
  const parsed = webhookSettingsSchema.partial().safeParse(partial);
  if (!parsed.success) throw new InvalidRequest(`webhook settings: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
  const { maxAttempts, backoffBaseSeconds, backoffMaxSeconds } = parsed.data;
  const values = Object.fromEntries(
    Object.entries({ max_attempts: maxAttempts, backoff_base_seconds: backoffBaseSeconds, backoff_max_seconds: backoffMaxSeconds }).filter(([, v]) => v !== undefined),
  );
  return asService(async (tx) => {
    const [row] = Object.keys(values).length
      ? await tx`
          insert into public.webhook_settings ${tx({ id: true, ...values })}
          on conflict (id) do update set ${tx({ ...values, updated_at: new Date() })}
          returning *`
      : await tx`select * from public.webhook_settings`;
    return fromRow(row);
  });
}
