import { describe, expect, it } from 'vitest';
import { QuotaExceeded } from '@/lib/exports/errors';
import { readApiProblem } from '@/lib/http/apiProblem';
import { BadRequest, errorResponse } from '@/lib/http/respond';

// The reader every client uses (export panel, history, download page, settings, CLI), fed what the routes answer.
describe('an API error as the person sees it', () => {
  it('shows the route’s own message, with its code and when to come back', async () => {
    const res = errorResponse(new QuotaExceeded('active_jobs', 3, 3, null, 'You have 3 exports running: wait for one to finish.'));
    expect(await readApiProblem(res)).toEqual({
      status: 429,
      code: 'quota_exceeded',
      message: 'You have 3 exports running: wait for one to finish.',
      retryAfterSeconds: 30,
    });
  });

  it('keeps the field-by-field details of a refused request', async () => {
    const res = errorResponse(new BadRequest('The poster is invalid.', [{ path: 'poster.style', message: 'unknown style' }]));
    expect(await readApiProblem(res)).toMatchObject({ status: 400, code: 'invalid_request', details: [{ path: 'poster.style', message: 'unknown style' }] });
  });

  it('says what the server answered when the body is not the API’s (a proxy’s error page)', async () => {
    const res = new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } });
    expect(await readApiProblem(res)).toEqual({ status: 502, code: 'http_502', message: 'The server answered 502 Bad Gateway. Try again in a moment.' });
  });
});
