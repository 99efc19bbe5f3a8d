import { z } from 'zod';

/**
 * Text a client sends (poster texts, names, keys, URLs, query values, ids).
 * Postgres cannot store a NUL character, and a lone UTF-16 surrogate is not
 * text at all (jsonb refuses both), so they are refused here, at the edge,
 * with the field's name, instead of failing in SQL.
 */
export const CLIENT_TEXT_PROBLEM = 'must not contain a NUL character (\\u0000) or a lone UTF-16 surrogate';

export function isClientText(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

/** A string schema that refuses what Postgres cannot store; chain `.max()`, `.trim()` and the like as with `z.string()`. */
export function clientText(message?: string) {
  return z.string(message).refine(isClientText, CLIENT_TEXT_PROBLEM);
}
