import 'server-only';
import { env } from '@/lib/env';
import { settingsRow } from '@/lib/db/settingsRow';
import { webhookSettingsSchema, type WebhookSettings } from '@/types/webhooks';

/**
 * Webhook retry limits live in the database (webhook_settings), where
 * record_webhook_attempt reads them, as the queue's do; the app writes them
 * from env at start-up.
 */

const row = settingsRow(
  'webhook_settings',
  { maxAttempts: 'max_attempts', backoffBaseSeconds: 'backoff_base_seconds', backoffMaxSeconds: 'backoff_max_seconds' },
  webhookSettingsSchema,
);

/** The settings this environment asks for. */
export function webhookSettingsFromEnv(): WebhookSettings {
  const e = env();
  return { maxAttempts: e.WEBHOOK_MAX_ATTEMPTS, backoffBaseSeconds: e.WEBHOOK_BACKOFF_BASE_SECONDS, backoffMaxSeconds: e.WEBHOOK_BACKOFF_MAX_SECONDS };
}

/** Writes the given settings (others keep their value) and returns them all. */
export const applyWebhookSettings: (partial: Partial<WebhookSettings>) => Promise<WebhookSettings> = row.apply;
