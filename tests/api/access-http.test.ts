import { describe, expect, it } from 'vitest';
import { ACCESS, CALLER_KINDS, type CallerKind, type RouteKey } from '@/lib/http/access';
import { appCall, makeCallers, signedFilePath } from './appCallers';
import { routeFiles, sampleUrl } from '../support/routeFiles';

/**
 * Every route file under app/, over real HTTP on the running app, with each
 * kind of caller: an answer the access table (lib/http/access.ts) does not
 * allow fails. Listed kinds get in (no 401/403); on a route that needs a
 * caller, any other kind is refused (401/403); a public route ignores
 * credentials, except that an API key is refused wherever a person is read.
 */
function expected(route: RouteKey, kind: CallerKind): 'allowed' | 'refused' | 'ignored' {
  // A route the table does not name accepts nobody, so every answer but a refusal is reported.
  const kinds: readonly CallerKind[] = ACCESS[route] ?? [];
  if (kinds.includes(kind)) return 'allowed';
  if (!kinds.includes('none')) return 'refused';
  return kind === 'apiKey' && kinds.includes('session') ? 'refused' : 'ignored';
}

describe('who may call what, on the running app', () => {
  it('every route answers each kind of caller as the access table says', async () => {
    const callers = await makeCallers();
    const seen: string[] = [];
    const wrong: string[] = [];
    for (const { pattern, methods } of routeFiles()) {
      for (const method of methods) {
        const route = `${method} ${pattern}` as RouteKey;
        // The files route's credential is the URL's own signature: give it a valid one.
        const url = pattern === '/api/files/[...path]' ? signedFilePath(`${callers.userId}/none.png`) : sampleUrl(pattern);
        for (const kind of CALLER_KINDS) {
          const res = await appCall(url, {
            method,
            headers: { ...callers.headers[kind], ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
            body: method === 'POST' ? '{}' : undefined,
          });
          await res.body?.cancel();
          seen.push(route);
          const outcome = expected(route, kind);
          const refused = res.status === 401 || res.status === 403;
          if (res.status >= 500 || (outcome === 'allowed' && refused) || (outcome === 'refused' && !refused)) {
            wrong.push(`${route} as ${kind}: ${res.status} (expected ${outcome})`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(new Set(seen)).toEqual(new Set(Object.keys(ACCESS)));
  }, 240_000);
});
