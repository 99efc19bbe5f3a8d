import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { withUser } from '@/lib/db/session';
import { serviceQuery } from '@/lib/db/serviceQuery';
import { ApiKeyNotFound, toApiKeyError, Unauthenticated } from '@/lib/auth/errors';
import { jwtClaimsSchema, type JwtClaims } from '@/types/auth';
import type { ApiKey, ApiKeyCreate, ApiKeyCreated } from '@/types/apiKeys';

/**
 * API keys: `cek_<8 base62>_<43 base62>`. The first part (`cek_` + 8) is the
 * prefix the database finds a key by; the 43-character secret carries 256
 * random bits. Only the sha256 of the whole key is stored (migrations/0007),
 * and the database compares it, so no secret is compared here. A key becomes
 * the same `authenticated` claims as a session, so everything after
 * authentication runs through withUser and row-level security alike.
 */

export const API_KEY_SCHEME = 'cek_';
const KEY_FORMAT = /^cek_([0-9A-Za-z]{8})_([0-9A-Za-z]{43})$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Revoked keys stay listed, after the active ones, up to this many keys in all.
const LIST_LIMIT = 100;

/** Uniform base62 characters: bytes of 248 and above are dropped so that no character is likelier than another. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = API_KEY_SCHEME + randomBase62(8);
  const key = `${prefix}_${randomBase62(43)}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A Bearer value meant as an API key (as opposed to a JWT), whether or not it is well formed. */
export function looksLikeApiKey(bearer: string): boolean {
  return bearer.startsWith(API_KEY_SCHEME);
}

export function parseApiKey(key: string): { prefix: string; hash: string } | null {
  const match = KEY_FORMAT.exec(key);
  return match ? { prefix: API_KEY_SCHEME + match[1], hash: hashApiKey(key) } : null;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());

function presentApiKey(row: Record<string, unknown>): ApiKey {
  return {
    id: String(row.id),
    name: String(row.name),
    prefix: String(row.prefix),
    status: row.revoked_at ? 'revoked' : 'active',
    createdAt: iso(row.created_at)!,
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

async function keyCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toApiKeyError(e);
  }
}

const isPrefixClash = (e: unknown) => (e as { code?: string; constraint_name?: string }).code === '23505' && (e as { constraint_name?: string }).constraint_name === 'api_keys_prefix_key';

/** Makes a key for the caller and returns it: the only time its secret exists outside the caller's hands. */
export async function createApiKey(claims: JwtClaims, input: ApiKeyCreate): Promise<ApiKeyCreated> {
  // 62^8 prefixes make a clash very unlikely; when one happens, draw another key.
  for (let attempt = 1; ; attempt++) {
    const { key, prefix, hash } = generateApiKey();
    try {
      const apiKey = await keyCall(() =>
        withUser(claims, async (tx) => {
          const [{ id }] = await tx<{ id: string }[]>`select public.create_api_key(${input.name}, ${prefix}, ${hash}) as id`;
          const [row] = await tx`select id, name, prefix, created_at, last_used_at, revoked_at from public.api_keys where id = ${id}`;
          return presentApiKey(row);
        }),
      );
      return { apiKey, key };
    } catch (e) {
      if (!isPrefixClash(e) || attempt >= 3) throw e;
    }
  }
}

/** The caller's keys: active ones first, then revoked, newest first. Never the secret or its hash. */
export async function listApiKeys(claims: JwtClaims): Promise<ApiKey[]> {
  return withUser(claims, async (tx) => {
    const rows = await tx`
      select id, name, prefix, created_at, last_used_at, revoked_at from public.api_keys
       order by revoked_at is null desc, created_at desc, id desc
       limit ${LIST_LIMIT}`;
    return rows.map(presentApiKey);
  });
}

/** Revokes one of the caller's keys (again is fine); its next request is refused. */
export async function revokeApiKey(claims: JwtClaims, id: string): Promise<ApiKey> {
  if (!UUID.test(id)) throw new ApiKeyNotFound(`No API key of yours has the id ${id}.`);
  return keyCall(() =>
    withUser(claims, async (tx) => {
      await tx`select public.revoke_api_key(${id})`;
      const [row] = await tx`select id, name, prefix, created_at, last_used_at, revoked_at from public.api_keys where id = ${id}`;
      return presentApiKey(row);
    }),
  );
}

/**
 * The caller a presented key stands for, in one round trip that also applies
 * the key's rate limit (RateLimited, with retryAfterSeconds) and records its use.
 */
export async function authenticateApiKey(key: string): Promise<JwtClaims> {
  const parsed = parseApiKey(key);
  if (!parsed) throw invalidKey();
  const rows = await keyCall(() => serviceQuery`select user_id, email from public.authenticate_api_key(${parsed.prefix}, ${parsed.hash})`);
  if (!rows.length) throw invalidKey();
  return jwtClaimsSchema.parse({ sub: rows[0].user_id, role: 'authenticated', email: rows[0].email ?? undefined });
}

const invalidKey = () => new Unauthenticated('This API key is invalid or has been revoked: create a new one on the settings page.');
