import 'server-only';
import { settingsRow } from '@/lib/db/settingsRow';
import { env } from '@/lib/env';
import { apiKeySettingsSchema, type ApiKeySettings } from '@/types/apiKeys';

/**
 * API key limits live in the database (api_key_settings), where the SQL
 * functions read them, so nobody calling those functions can pass their own.
 * The app writes them from env at start-up.
 */

const row = settingsRow(
  'api_key_settings',
  { rateLimit: 'rate_limit', rateWindowSeconds: 'rate_window_seconds', maxActiveKeys: 'max_active_keys' },
  apiKeySettingsSchema,
);

export function apiKeySettingsFromEnv(): ApiKeySettings {
  const e = env();
  return { rateLimit: e.API_KEY_RATE_LIMIT, rateWindowSeconds: e.API_KEY_RATE_WINDOW_SECONDS, maxActiveKeys: e.API_KEY_MAX_ACTIVE };
}

export const getApiKeySettings: () => Promise<ApiKeySettings> = row.get;

/** Writes the given settings (others keep their value) and returns them all. */
export const applyApiKeySettings: (partial: Partial<ApiKeySettings>) => Promise<ApiKeySettings> = row.apply;
