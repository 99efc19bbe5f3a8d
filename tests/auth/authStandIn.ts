import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import postgres from 'postgres';

/**
 * A stand-in for Supabase Auth (GoTrue), a third-party service that cannot
 * be built here: the HTTP endpoints supabase-js and @supabase/ssr call
 * (`/auth/v1/token` for password, refresh and PKCE grants, `/otp`, `/verify`,
 * `/user`, `/logout`) and the project's JWKS, issuing real ES256 tokens
 * shaped as Supabase's (iss `<url>/auth/v1`, aud and role `authenticated`,
 * `kid` in the header). Like GoTrue it keeps its users in `auth.users` of the
 * app's own database. Mail is not sent: `outbox` holds the last one-time code
 * and link token per address, as a test mailbox (Inbucket, Mailpit) would.
 */

type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: JWK };
type User = { id: string; email: string; password?: string };
type Session = { user: User; refreshToken: string };

export type AuthStandIn = {
  url: string;
  /** Signs an access token as the project would (options override claims or the header's kid/alg for negative tests). */
  issue(user: { id: string; email?: string }, options?: { claims?: Record<string, unknown>; expiresIn?: number; key?: SigningKey }): Promise<string>;
  /** A new signing key, published in the JWKS and used from now on (what a key rotation does). */
  rotate(): Promise<SigningKey>;
  /** The key tokens are signed with now. */
  currentKey(): SigningKey;
  /** A key the project never published. */
  strayKey(): Promise<SigningKey>;
  /** Makes the JWKS answer 503 (or recover). */
  setJwksFailing(failing: boolean): void;
  jwksRequests(): number;
  /** A user with a password, created as GoTrue's admin API would. */
  createUser(email: string, password?: string): Promise<User>;
  /** The last sign-in mail to an address: its six-digit code and its link's token hash. */
  outbox(email: string): { code: string; tokenHash: string; redirectTo: string | null } | undefined;
  refreshes(): number;
  /** Lifetime of the access tokens issued from now on (Supabase's default: an hour). */
  setAccessTokenSeconds(seconds: number): void;
  close(): Promise<void>;
};

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] } };
}

export async function startAuthStandIn(databaseUrl: string, options: { accessTokenSeconds?: number } = {}): Promise<AuthStandIn> {
  const db = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const published: SigningKey[] = [await newKey()];
  let current = published[0];
  let jwksFailing = false;
  let jwksCount = 0;
  let refreshCount = 0;
  const sessions = new Map<string, Session>(); // by refresh token
  const mails = new Map<string, { code: string; tokenHash: string; redirectTo: string | null }>();
  const pkce = new Map<string, { email: string; challenge: string }>(); // auth code → who and the challenge
  let accessSeconds = options.accessTokenSeconds ?? 3600;
  let url = '';

  const issue: AuthStandIn['issue'] = (user, o = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const key = o.key ?? current;
    return new SignJWT({
      aud: 'authenticated', role: 'authenticated', email: user.email ?? '', phone: '', aal: 'aal1', amr: [{ method: 'password', timestamp: now }],
      session_id: randomUUID(), is_anonymous: false, app_metadata: { provider: 'email', providers: ['email'] }, user_metadata: {},
      iss: `${url}/auth/v1`, sub: user.id, iat: now, exp: now + (o.expiresIn ?? accessSeconds),
      ...o.claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  };

  async function findOrCreate(email: string, password?: string): Promise<User> {
    const [row] = await db<{ id: string }[]>`
      insert into auth.users (id, email) values (${randomUUID()}, ${email})
      on conflict (email) do update set email = excluded.email returning id`;
    return { id: row.id, email, password };
  }
  const passwords = new Map<string, string>();

  async function session(user: User) {
    const refreshToken = randomBytes(16).toString('hex');
    sessions.set(refreshToken, { user, refreshToken });
    const now = Math.floor(Date.now() / 1000);
    return {
      access_token: await issue(user), token_type: 'bearer', expires_in: accessSeconds, expires_at: now + accessSeconds, refresh_token: refreshToken,
      user: userJson(user),
    };
  }
  const userJson = (user: User) => ({
    id: user.id, aud: 'authenticated', role: 'authenticated', email: user.email, email_confirmed_at: new Date().toISOString(), phone: '',
    app_metadata: { provider: 'email', providers: ['email'] }, user_metadata: {}, identities: [], created_at: new Date().toISOString(), updated_at: new Date().toISOString(), is_anonymous: false,
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, string>) : {};
    const u = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    // GoTrue's error shape: { code, error_code, msg }.
    const fail = (status: number, code: string, msg: string) => json(status, { code: status, error_code: code, msg });
    const path = u.pathname.replace(/^\/auth\/v1/, '');

    if (path === '/.well-known/jwks.json') {
      jwksCount++;
      if (jwksFailing) return json(503, { message: 'upstream unavailable' });
      return json(200, { keys: published.map((k) => k.publicJwk) });
    }
    if (!req.headers.apikey) return fail(401, 'no_api_key', 'No API key found in request');
    if (req.method === 'GET' && path === '/settings') return json(200, { external: { email: true }, disable_signup: false, mailer_autoconfirm: false });
    if (req.method === 'POST' && path === '/token') {
      const grant = u.searchParams.get('grant_type');
      if (grant === 'password') {
        const email = String(body.email ?? '').toLowerCase();
        if (!passwords.has(email) || passwords.get(email) !== body.password) return fail(400, 'invalid_credentials', 'Invalid login credentials');
        return json(200, await session(await findOrCreate(email)));
      }
      if (grant === 'refresh_token') {
        const s = sessions.get(body.refresh_token);
        if (!s) return fail(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
        // Not revoked at once: GoTrue lets a refresh token be reused briefly, so parallel requests refreshing together all succeed.
        refreshCount++;
        return json(200, await session(s.user));
      }
      if (grant === 'pkce') {
        const flow = pkce.get(body.auth_code);
        const challenge = createHash('sha256').update(String(body.code_verifier ?? '')).digest('base64url');
        if (!flow || flow.challenge !== challenge) return fail(400, 'bad_code_verifier', 'code challenge does not match previously saved code verifier');
        pkce.delete(body.auth_code);
        return json(200, await session(await findOrCreate(flow.email)));
      }
      return fail(400, 'unsupported_grant_type', 'unsupported grant type');
    }
    if (req.method === 'POST' && path === '/otp') {
      const email = String(body.email ?? '').toLowerCase();
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      mails.set(email, { code, tokenHash: createHash('sha224').update(email + code).digest('hex'), redirectTo: u.searchParams.get('redirect_to') });
      if (body.code_challenge) pkce.set(`pkce_${code}`, { email, challenge: String(body.code_challenge) });
      return json(200, {});
    }
    if (req.method === 'POST' && path === '/verify') {
      const email = body.email ? String(body.email).toLowerCase() : [...mails].find(([, m]) => m.tokenHash === body.token_hash)?.[0];
      const mail = email ? mails.get(email) : undefined;
      const ok = mail && (body.token_hash ? mail.tokenHash === body.token_hash : mail.code === body.token);
      if (!email || !ok) return fail(403, 'otp_expired', 'Token has expired or is invalid');
      mails.delete(email);
      return json(200, await session(await findOrCreate(email)));
    }
    if (req.method === 'GET' && path === '/user') {
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      let sub: string | undefined;
      try {
        sub = (JSON.parse(Buffer.from(bearer.split('.')[1] ?? '', 'base64url').toString()) as { sub?: string }).sub;
      } catch {
        sub = undefined;
      }
      const [row] = sub ? await db<{ email: string }[]>`select email from auth.users where id = ${sub}` : [];
      return row ? json(200, userJson({ id: sub!, email: row.email })) : fail(403, 'user_not_found', 'User from sub claim in JWT does not exist');
    }
    if (req.method === 'POST' && path === '/logout') {
      sessions.clear();
      return res.writeHead(204).end();
    }
    fail(404, 'not_found', `no route ${req.method} ${u.pathname}`);
  }

  const server = http.createServer((req, res) => void handle(req, res).catch((e) => res.writeHead(500).end(String(e))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    issue,
    rotate: async () => {
      current = await newKey();
      published.push(current);
      return current;
    },
    currentKey: () => current,
    strayKey: newKey,
    setJwksFailing: (failing) => (jwksFailing = failing),
    jwksRequests: () => jwksCount,
    createUser: async (email, password) => {
      const user = await findOrCreate(email.toLowerCase(), password);
      if (password) passwords.set(email.toLowerCase(), password);
      return user;
    },
    outbox: (email) => mails.get(email.toLowerCase()),
    refreshes: () => refreshCount,
    setAccessTokenSeconds: (seconds) => (accessSeconds = seconds),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.end();
    },
  };
}
