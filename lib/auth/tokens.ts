import 'server-only';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { env } from '@/lib/env';
import { jwtClaimsSchema, type JwtClaims } from '@/types/auth';
import { Unauthenticated } from '@/lib/auth/errors';

/**
 * Access tokens. In production they come from Supabase Auth (HS256 with the
 * project's JWT secret, or its published signing keys); in the embedded
 * default the local sign-in issues tokens of the same shape signed with
 * AUTH_SECRET, so everything after verification is one code path.
 */

export const LOCAL_SESSION_SECONDS = 7 * 24 * 3600;
const AUDIENCE = 'authenticated';

export function authMode(): 'supabase' | 'local' {
  return env().SUPABASE_URL ? 'supabase' : 'local';
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

let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

export async function verifyAccessToken(token: string): Promise<JwtClaims> {
  const e = env();
  let payload: JWTPayload;
  try {
    if (authMode() === 'local') {
      ({ payload } = await jwtVerify(token, secretKey(e.AUTH_SECRET ?? ''), { audience: AUDIENCE, algorithms: ['HS256'] }));
    } else if (e.SUPABASE_JWT_SECRET) {
      ({ payload } = await jwtVerify(token, secretKey(e.SUPABASE_JWT_SECRET), { audience: AUDIENCE, algorithms: ['HS256'] }));
    } else {
      jwks ??= createRemoteJWKSet(new URL('/auth/v1/.well-known/jwks.json', e.SUPABASE_URL));
      ({ payload } = await jwtVerify(token, jwks, { audience: AUDIENCE }));
    }
  } catch {
    throw new Unauthenticated('Your session is invalid or has expired; sign in again.');
  }
  const claims = jwtClaimsSchema.safeParse(payload);
  if (!claims.success || claims.data.role !== 'authenticated') throw new Unauthenticated('This token does not belong to a signed-in user.');
  return claims.data;
}
