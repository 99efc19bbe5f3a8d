import type { NextRequest } from 'next/server';
import { revokeApiKey } from '@/lib/auth/apiKeys';
import { personCalling } from '@/lib/http/access';
import { errorResponse } from '@/lib/http/respond';
import type { ApiKey } from '@/types/apiKeys';
import { NO_STORE } from '../../_lib/http';

type Context = { params: Promise<{ id: string }> };

/** Revokes one of the signed-in person's keys (again is fine): its next request is refused. */
export async function DELETE(request: NextRequest, { params }: Context): Promise<Response> {
  try {
    const claims = await personCalling(request, 'DELETE /api/v1/keys/[id]');
    const body: ApiKey = await revokeApiKey(claims, (await params).id);
    return Response.json(body, { headers: NO_STORE });
  } catch (e) {
    return errorResponse(e);
  }
}
