import 'server-only';
import { createLocalJWKSet, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters, type LocalJWKSet } from 'jose';
import { AuthUnavailable } from '@/lib/auth/errors';

/**
 * The public keys a Supabase project signs its access tokens with, read from
 * its JWKS (`/auth/v1/.well-known/jwks.json`) and kept in memory. Supabase
 * publishes a new key before it signs with it, so a token naming a key we do
 * not hold means our copy is old: fetch again, at most once per cool-down so
 * tokens with made-up key ids cannot make us hammer the project. When the
 * keys cannot be fetched at all, the fault is ours (503), not the caller's.
 */

export type SigningKeysOptions = {
  /** Keys older than this are fetched again before use (Supabase's own clients keep them 10 minutes). */
  maxAgeMs?: number;
  /** An unknown key id fetches again only if the last fetch is older than this. */
  cooldownMs?: number;
  timeoutMs?: number;
};

export class SigningKeys {
  private keys: LocalJWKSet | undefined;
  private fetchedAt = 0;
  private pending: Promise<LocalJWKSet> | undefined;
  private readonly maxAgeMs: number;
  private readonly cooldownMs: number;
  private readonly timeoutMs: number;

  constructor(readonly url: string, options: SigningKeysOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  /** jose's key resolver: `jwtVerify(token, keys.resolve)`. */
  readonly resolve = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    let keys = await this.current();
    try {
      return await keys(header, token);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY' || Date.now() - this.fetchedAt < this.cooldownMs) throw e;
      keys = await this.refresh();
      return keys(header, token);
    }
  };

  private async current(): Promise<LocalJWKSet> {
    if (this.keys && Date.now() - this.fetchedAt < this.maxAgeMs) return this.keys;
    try {
      return await this.refresh();
    } catch (e) {
      // Stale keys still verify every token signed before a rotation; better than refusing everyone while the project is unreachable.
      if (this.keys) return this.keys;
      throw e;
    }
  }

  /** One fetch at a time, shared by every request that needs it. */
  private refresh(): Promise<LocalJWKSet> {
    this.pending ??= this.fetchKeys().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchKeys(): Promise<LocalJWKSet> {
    let jwks: JSONWebKeySet;
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      jwks = (await res.json()) as JSONWebKeySet;
      if (!Array.isArray(jwks?.keys)) throw new Error('the answer has no "keys" array');
    } catch (e) {
      throw new AuthUnavailable(`Supabase Auth's signing keys could not be fetched from ${this.url} (${(e as Error).message}); try again in a moment.`, { cause: e });
    }
    this.keys = createLocalJWKSet(jwks);
    this.fetchedAt = Date.now();
    return this.keys;
  }
}
