import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Supabase Storage server (a third party), speaking the
 * HTTP shape of its bucket and object API with the error bodies measured on
 * Storage v1.70.6 (../../../shared/DESIGN.md): errors come back as HTTP 400
 * with the real status in the body's `statusCode` — "404" with "Bucket not
 * found" for a missing bucket, "404" "Object not found" for a missing object,
 * "409" for a duplicate without upsert, "403" for a write the policies
 * refuse, "415" for a type the bucket does not allow, "413" over its size
 * limit (read from Content-Length) — while listing a missing bucket answers
 * 200 `[]`. Like the API gateway it takes a secret key (`sb_secret_…`) or the
 * legacy service_role key in `apikey`; anything else is refused as the
 * storage policies refuse an anonymous write.
 */

export type Bucket = { id: string; public: boolean; allowed_mime_types: string[] | null; file_size_limit: number | null };
type StoredObject = { body: Buffer; contentType: string; updated: string };

export type StorageStandIn = {
  url: string;
  buckets: Map<string, Bucket>;
  objects: Map<string, StoredObject>;
  uploads: { path: string; upsert: string | undefined; bytes: number }[];
  /** The next `count` requests answer with this HTTP status and body, as a failing server or gateway would. */
  failNext(count: number, status: number, body: unknown): void;
  requests(): number;
  close(): Promise<void>;
};

const bodyOf = (statusCode: string, code: string, error: string, message: string) => ({ statusCode, code, error, message });
export const STORAGE_ERRORS = {
  bucketNotFound: bodyOf('404', 'NoSuchBucket', 'Bucket not found', 'Bucket not found'),
  objectNotFound: bodyOf('404', 'NoSuchKey', 'not_found', 'Object not found'),
  duplicate: bodyOf('409', 'ResourceAlreadyExists', 'Duplicate', 'The resource already exists'),
  policy: bodyOf('403', 'AccessDenied', 'Unauthorized', 'new row violates row-level security policy'),
  mimeType: (type: string) => bodyOf('415', 'InvalidMimeType', 'invalid_mime_type', `mime type ${type} is not supported`),
  tooLarge: bodyOf('413', 'EntityTooLarge', 'Payload too large', 'The object exceeded the maximum allowed size'),
  internal: bodyOf('500', 'InternalError', 'internal', 'Internal server error'),
  databaseTimeout: bodyOf('544', 'DatabaseTimeout', 'DatabaseTimeout', 'The connection to the database timed out'),
};

export async function startStorageStandIn(options: { keys: string[]; buckets?: Bucket[] }): Promise<StorageStandIn> {
  const buckets = new Map((options.buckets ?? [{ id: 'exports', public: false, allowed_mime_types: null, file_size_limit: null }]).map((b) => [b.id, b]));
  const objects = new Map<string, StoredObject>();
  const uploads: StorageStandIn['uploads'] = [];
  let failures: { count: number; status: number; body: unknown } | undefined;
  let requests = 0;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    requests++;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const json = (value: unknown, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    const fail = (error: { statusCode: string }) => json(error, Number(error.statusCode) >= 500 ? Number(error.statusCode) : 400);
    if (failures && failures.count-- > 0) return json(failures.body, failures.status);
    const signed = /^\/storage\/v1\/object\/sign\/(.+)$/.exec(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (req.method === 'GET' && signed) {
      // A signed URL needs no key: its token is the credential.
      const object = objects.get(signed[1]);
      return object ? res.writeHead(200, { 'content-type': object.contentType }).end(object.body) : fail(STORAGE_ERRORS.objectNotFound);
    }
    const key = String(req.headers.apikey ?? '');
    if (!options.keys.includes(key) || req.headers.authorization !== `Bearer ${key}`) return fail(STORAGE_ERRORS.policy);

    const url = new URL(req.url ?? '/', 'http://x');
    const route = decodeURIComponent(url.pathname.replace(/^\/storage\/v1\//, ''));
    if (route.startsWith('bucket')) {
      const id = route.slice('bucket/'.length);
      if (req.method === 'GET' && id) return buckets.has(id) ? json({ ...buckets.get(id), name: id, owner: '', created_at: '', updated_at: '' }) : fail(STORAGE_ERRORS.bucketNotFound);
      if (req.method === 'POST' && !id) {
        const b = JSON.parse(body.toString()) as { id: string; public: boolean; allowed_mime_types?: string[]; file_size_limit?: number };
        if (buckets.has(b.id)) return fail(STORAGE_ERRORS.duplicate);
        buckets.set(b.id, { id: b.id, public: b.public, allowed_mime_types: b.allowed_mime_types ?? null, file_size_limit: b.file_size_limit ?? null });
        return json({ name: b.id });
      }
    }
    const route2 = route.replace(/^object\//, '');
    const bucketOf = (p: string) => p.split('/')[0];
    if (req.method === 'POST' && route2.startsWith('list/')) {
      const bucket = route2.slice('list/'.length);
      const { prefix, limit, offset } = JSON.parse(body.toString()) as { prefix: string; limit: number; offset: number };
      const level = new Map<string, unknown>();
      for (const [k, object] of objects) {
        if (!k.startsWith(`${bucket}/`)) continue;
        const rest = k.slice(bucket.length + 1);
        if (prefix && !rest.startsWith(`${prefix}/`)) continue;
        const inside = prefix ? rest.slice(prefix.length + 1) : rest;
        const name = inside.split('/')[0];
        level.set(name, inside.includes('/') ? { name, id: null, metadata: null } : { name, id: `id-${name}`, updated_at: object.updated, created_at: object.updated, metadata: { size: object.body.length } });
      }
      return json([...level.values()].slice(offset, offset + limit)); // a missing bucket lists as empty, as the real server does
    }
    if (req.method === 'POST' && route2.startsWith('sign/')) {
      const k = route2.slice('sign/'.length);
      if (!objects.has(k)) return fail(STORAGE_ERRORS.objectNotFound);
      return json({ signedURL: `/object/sign/${k}?token=signed-token` });
    }
    if (req.method === 'GET' && route2.startsWith('info/')) {
      const object = objects.get(route2.slice('info/'.length));
      if (!object) return fail(STORAGE_ERRORS.objectNotFound);
      return json({ id: 'x', name: route2, size: object.body.length, last_modified: object.updated, created_at: object.updated });
    }
    if (req.method === 'DELETE' && !route2.includes('/')) {
      const { prefixes } = JSON.parse(body.toString()) as { prefixes: string[] };
      return json(prefixes.filter((p) => objects.delete(`${route2}/${p}`)).map((name) => ({ name })));
    }
    if (req.method === 'POST') {
      const bucket = buckets.get(bucketOf(route2));
      if (!bucket) return fail(STORAGE_ERRORS.bucketNotFound);
      const type = String(req.headers['content-type'] ?? '');
      if (bucket.allowed_mime_types?.length && !bucket.allowed_mime_types.includes(type)) return fail(STORAGE_ERRORS.mimeType(type));
      const length = Number(req.headers['content-length'] ?? NaN); // the limit is checked from Content-Length only
      if (bucket.file_size_limit !== null && length > bucket.file_size_limit) return fail(STORAGE_ERRORS.tooLarge);
      const upsert = req.headers['x-upsert'] as string | undefined;
      if (objects.has(route2) && upsert !== 'true') return fail(STORAGE_ERRORS.duplicate);
      objects.set(route2, { body, contentType: type, updated: new Date().toISOString() });
      uploads.push({ path: route2, upsert, bytes: body.length });
      return json({ Key: route2, Id: 'uuid' });
    }
    res.writeHead(404).end();
  }

  const server = http.createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    buckets,
    objects,
    uploads,
    failNext: (count, status, body) => (failures = { count, status, body }),
    requests: () => requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
