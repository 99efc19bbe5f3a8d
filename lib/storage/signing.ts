import 'server-only';
import crypto from 'node:crypto';
import { ExpiredUrlError, InvalidSignatureError } from './errors';

/** The query of a signed local download URL. */
export interface FileUrlQuery {
  expires: number;
  sig: string;
  name?: string;
}

/** HMAC-SHA256 over everything the URL grants: which object, until when, under which name. */
function signature(secret: string, path: string, expires: number, name: string | undefined): string {
  return crypto.createHmac('sha256', secret).update(`${path}\n${expires}\n${name ?? ''}`).digest('base64url');
}

export function signFileUrl(secret: string, path: string, expires: number, name?: string): FileUrlQuery {
  return { expires, sig: signature(secret, path, expires, name), ...(name ? { name } : {}) };
}

/** Throws InvalidSignatureError or ExpiredUrlError; the signature is checked first so expiry reveals nothing about forged URLs. */
export function verifyFileUrl(secret: string, path: string, query: URLSearchParams, now: Date = new Date()): FileUrlQuery {
  const expires = Number(query.get('expires'));
  const sig = query.get('sig') ?? '';
  const name = query.get('name') ?? undefined;
  const expected = Buffer.from(signature(secret, path, expires, name));
  const given = Buffer.from(sig);
  if (!Number.isInteger(expires) || given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw new InvalidSignatureError();
  }
  if (expires * 1000 <= now.getTime()) throw new ExpiredUrlError();
  return { expires, sig, name };
}
