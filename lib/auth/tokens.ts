import 'server-only';
import { decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { env, type Env } from '@/lib/env';
import { jwtClaimsSchema, type JwtClaims } from '@/types/auth';
import { AuthUnavailable, Unauthenticated } from '@/lib/auth/errors';
import { SigningKeys } from '@/lib/auth/signingKeys';

/**
 * Access tokens. In production they come from Supabase Auth: signed with the
 * project's asymmetric keys (ES256/RS256, published in its JWKS) or, on a
 * legacy project, HS256 with its JWT secret. In the embedded default the
 * local sign-in issues tokens of the same shape signed with AUTH_SECRET, so
 * everything after verification is one code path.
 */

export const LOCAL_SESSION_SECONDS = 7 * 24 * 3600;
const AUDIENCE = 'authenticated';
// The asymmetric algorithms Supabase Auth signs with; never `none`, never HS256 against a public key.
const ASYMMETRIC = ['ES256', 'RS256', 'EdDSA'];
// Clocks of two hosts disagree a little; a token is not refused for a few seconds of skew.
const CLOCK_TOLERANCE_SECONDS = 10;

export function authMode(): 'supabase' | 'local' {
  return env().SUPABASE_URL ? 'supabase' : 'local';
}

/** The `iss` Supabase Auth writes into a project's tokens. */
export function supabaseIssuer(e: Env = env()): string {
  return e.SUPABASE_JWT_ISSUER ?? `${e.SUPABASE_URL!.replace(/\/$/, '')}/auth/v1`;
}

function secretKey(secret: string) {
  return new TextEncoder().encode(secret);
}

export async function signLocalToken(sub: string, email: string, seconds = LOCAL_SESSION_SECONDS): Promise<string> {
  const secret = env().AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET is not set; the start script sets one in development.');
  return new SignJWT({ role: 'authenticated', email })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(secretKey(secret));
}

const g = globalThis as unknown as { __cartoSigningKeys?: SigningKeys };

/** The project's JWKS, cached for the life of the process. */
function projectSigningKeys(e: Env): SigningKeys {
  const url = `${e.SUPABASE_URL!.replace(/\/$/, '')}/auth/v1/.well-known/jwks.json`;
  if (g.__cartoSigningKeys?.url !== url) g.__cartoSigningKeys = new SigningKeys(url);
  return g.__cartoSigningKeys;
}

/**
 * The claims of a valid access token of a signed-in user: signature, `exp`,
 * `aud` (authenticated), `iss` (the project) and `role` checked. Throws
 * Unauthenticated for any token that is not one, and AuthUnavailable (503)
 * when the project's keys cannot be fetched to tell.
 */
export async function verifyAccessToken(token: string, keys?: SigningKeys): Promise<JwtClaims> {
  const e = env();
  let payload: JWTPayload;
  try {
    const base: JWTVerifyOptions = { audience: AUDIENCE, requiredClaims: ['exp', 'sub'], clockTolerance: CLOCK_TOLERANCE_SECONDS };
    if (authMode() === 'local') {
      ({ payload } = await jwtVerify(token, secretKey(e.AUTH_SECRET ?? ''), { ...base, algorithms: ['HS256'] }));
    } else if (decodeProtectedHeader(token).alg === 'HS256') {
      if (!e.SUPABASE_JWT_SECRET) throw new Unauthenticated('This token is signed with a legacy JWT secret this deployment does not accept; sign in again.');
      ({ payload } = await jwtVerify(token, secretKey(e.SUPABASE_JWT_SECRET), { ...base, issuer: supabaseIssuer(e), algorithms: ['HS256'] }));
    } else {
      ({ payload } = await jwtVerify(token, (keys ?? projectSigningKeys(e)).resolve, { ...base, issuer: supabaseIssuer(e), algorithms: ASYMMETRIC }));
    }
  } catch (err) {
    if (err instanceof AuthUnavailable || err instanceof Unauthenticated) throw err;
    throw new Unauthenticated('Your session is invalid or has expired; sign in again.');
  }
  const claims = jwtClaimsSchema.safeParse(payload);
  // Checked on the token itself: the schema's default role must not stand in for a missing one.
  if (!claims.success || payload.role !== 'authenticated') throw new Unauthenticated('This token does not belong to a signed-in user.');
  return claims.data;
}
