import { z } from 'zod';
import { clientText } from '@/types/text';

/**
 * API keys as the API and the settings page see them. A key's secret appears
 * only in the answer to its creation; lists carry its prefix. Dates are ISO strings.
 */

export const API_KEY_NAME_MAX = 100;

export const apiKeyCreateSchema = z.strictObject({
  name: clientText('Give the key a name, such as "print shop"')
    .trim()
    .min(1, 'Give the key a name, such as "print shop"')
    .max(API_KEY_NAME_MAX, `A key name has at most ${API_KEY_NAME_MAX} characters`),
});
export type ApiKeyCreate = z.infer<typeof apiKeyCreateSchema>;

export const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** The start of the key (`cek_` and 8 characters), enough to tell keys apart. */
  prefix: z.string(),
  status: z.enum(['active', 'revoked']),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

/** The answer to creating a key: the only time `key` is ever shown. */
export const apiKeyCreatedSchema = z.object({ apiKey: apiKeySchema, key: z.string() });
export type ApiKeyCreated = z.infer<typeof apiKeyCreatedSchema>;

export const apiKeyListSchema = z.object({ keys: z.array(apiKeySchema) });
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;

/** Held in the database (api_key_settings), written from env at start-up. */
export const apiKeySettingsSchema = z.object({
  /** Requests a key may make in any `rateWindowSeconds`. */
  rateLimit: z.number().int().min(1).max(100_000),
  rateWindowSeconds: z.number().int().min(1).max(86_400),
  maxActiveKeys: z.number().int().min(1).max(1000),
});
export type ApiKeySettings = z.infer<typeof apiKeySettingsSchema>;
