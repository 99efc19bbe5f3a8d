import 'server-only';
import { asService } from '@/lib/db/session';
import { env } from '@/lib/env';
import { apiKeySettingsSchema, type ApiKeySettings } from '@/types/apiKeys';

/**
 * API key limits live in the database (api_key_settings), where the SQL
 * functions read them, so nobody calling those functions can pass their own.
 * The app writes them from env at start-up.
 */

function fromRow(row: Record<string, unknown>): ApiKeySettings {
  return apiKeySettingsSchema.parse({
    rateLimit: row.rate_limit,
    rateWindowSeconds: row.rate_window_seconds,
    maxActiveKeys: row.max_active_keys,
  });
}

export function apiKeySettingsFromEnv(): ApiKeySettings {
  const e = env();
  return { rateLimit: e.API_KEY_RATE_LIMIT, rateWindowSeconds: e.API_KEY_RATE_WINDOW_SECONDS, maxActiveKeys: e.API_KEY_MAX_ACTIVE };
}

export async function getApiKeySettings(): Promise<ApiKeySettings> {
  return asService(async (tx) => fromRow((await tx`select * from public.api_key_settings`)[0]));
}

/** Writes the given settings (others keep their value) and returns them all. */
export async function applyApiKeySettings(partial: Partial<ApiKeySettings>): Promise<ApiKeySettings> {
  const s = apiKeySettingsSchema.partial().parse(partial);
  // The one row exists from migrations/0007 on; unset fields keep their value.
  return asService(async (tx) => {
    const [row] = await tx`
      update public.api_key_settings set
        rate_limit = coalesce(${s.rateLimit ?? null}::integer, rate_limit),
        rate_window_seconds = coalesce(${s.rateWindowSeconds ?? null}::integer, rate_window_seconds),
        max_active_keys = coalesce(${s.maxActiveKeys ?? null}::integer, max_active_keys),
        updated_at = now()
      returning *`;
    return fromRow(row);
  });
}
