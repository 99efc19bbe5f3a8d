-- API keys: a person's long-lived credential for the export API. The app
-- shows a key once and keeps only its sha256 and a short prefix to find it by.
-- Owners read their own keys (never the hash or the limiter's state); every
-- write goes through the functions below.
--
-- Errors use stable SQLSTATEs in class CK, message = the stable code, detail =
-- a JSON object, hint = what to do next (lib/auth/errors.ts maps them):
--   CK001 api_key_limit  CK002 api_key_not_found  CK003 rate_limited
--   CK005 invalid_request  CK006 not_authenticated

create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 100),
  -- `cek_` and 8 random base62 characters: the part of the key shown in lists and used to find it.
  prefix text not null unique check (prefix ~ '^cek_[0-9A-Za-z]{8}$'),
  -- sha256 of the whole key, hex. A fast hash is right here (unlike for passwords): keys carry
  -- 256 random bits, so there is nothing to guess, and a slow hash would cost every API request.
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  -- The rate limiter's state: GCRA's "theoretical arrival time" (see authenticate_api_key).
  rate_tat timestamptz
);

-- each owner's list, newest first, and the count of active keys.
create index api_keys_user_idx on public.api_keys (user_id, created_at desc);

alter table public.api_keys enable row level security;

create policy api_keys_owner_select on public.api_keys
  for select to authenticated
  using (user_id = (select auth.uid()));

-- Supabase grants ALL on new tables to anon and authenticated by name: take it back,
-- then let owners read everything but the hash and the limiter's state.
revoke all on public.api_keys from public, anon, authenticated;
grant select (id, user_id, name, prefix, created_at, last_used_at, revoked_at) on public.api_keys to authenticated;
grant select, insert, update, delete on public.api_keys to service_role;

-- Limits live in the database (one row, written from env at start-up), never in
-- function arguments: on Supabase users may call public functions directly.
create table public.api_key_settings (
  id boolean primary key default true check (id),
  -- at most rate_limit requests per key in any rate_window_seconds.
  rate_limit integer not null default 60 check (rate_limit between 1 and 100000),
  rate_window_seconds integer not null default 60 check (rate_window_seconds between 1 and 86400),
  max_active_keys integer not null default 20 check (max_active_keys between 1 and 1000),
  updated_at timestamptz not null default now()
);

insert into public.api_key_settings default values;

alter table public.api_key_settings enable row level security;
revoke all on public.api_key_settings from public, anon, authenticated;
grant select, insert, update on public.api_key_settings to service_role;

-- Stores a new key for the caller. The app makes the key and its hash; the
-- per-user lock makes the active-key cap race-free (twenty simultaneous
-- creates cannot all see a free slot).
create function public.create_api_key(p_name text, p_prefix text, p_hash text)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  s public.api_key_settings;
  active integer;
  new_id uuid;
begin
  if uid is null then
    raise exception using errcode = 'CK006', message = 'not_authenticated', hint = 'Sign in to create API keys.';
  end if;
  if p_name is null or char_length(btrim(p_name)) not between 1 and 100 then
    raise exception using errcode = 'CK005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'name must be 1 to 100 characters')::text,
      hint = 'Give the key a name of 1 to 100 characters, such as "print shop".';
  end if;
  if p_prefix is null or p_prefix !~ '^cek_[0-9A-Za-z]{8}$' or p_hash is null or p_hash !~ '^[0-9a-f]{64}$' then
    raise exception using errcode = 'CK005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'prefix or hash is malformed')::text,
      hint = 'Create keys through the app''s settings page or POST /api/v1/keys.';
  end if;

  perform pg_advisory_xact_lock(hashtext('api_keys.user'), hashtext(uid::text));
  select * into strict s from public.api_key_settings;
  select count(*) into active from public.api_keys k where k.user_id = uid and k.revoked_at is null;
  if active >= s.max_active_keys then
    raise exception using errcode = 'CK001', message = 'api_key_limit',
      detail = jsonb_build_object('max', s.max_active_keys, 'used', active)::text,
      hint = format('You have %s active API keys and the limit is %s: revoke one you no longer use.', active, s.max_active_keys);
  end if;

  insert into public.api_keys (user_id, name, prefix, hash)
  values (uid, btrim(p_name), p_prefix, p_hash)
  returning id into new_id;
  return new_id;
end
$$;

-- Revokes one of the caller's keys; revoking a revoked key changes nothing (the
-- first revocation time stays). Someone else's key is "not found", as a
-- missing one is, so ids cannot be probed.
create function public.revoke_api_key(p_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
begin
  if uid is null then
    raise exception using errcode = 'CK006', message = 'not_authenticated', hint = 'Sign in to revoke API keys.';
  end if;
  update public.api_keys k set revoked_at = coalesce(k.revoked_at, now())
   where k.id = p_id and k.user_id = uid;
  if not found then
    raise exception using errcode = 'CK002', message = 'api_key_not_found',
      detail = jsonb_build_object('id', p_id)::text,
      hint = 'No API key of yours has this id: list your keys with GET /api/v1/keys.';
  end if;
end
$$;

-- The server's check of a presented key: the owner of an active key with this
-- prefix and hash, or no row. It also applies the per-key rate limit, as GCRA
-- (a virtual-scheduling token bucket): each request moves the key's
-- theoretical arrival time (tat) on by window/limit, and a request that would
-- push it more than one window ahead is refused. That allows `limit` requests
-- at once and then one every window/limit, with one timestamp per key and the
-- database's clock. The conditional UPDATE is atomic under concurrent requests
-- (the row lock serialises them and the condition is re-checked), and as it
-- writes the row anyway it records last_used_at in the same write.
create function public.authenticate_api_key(p_prefix text, p_hash text)
returns table (user_id uuid, email text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  s public.api_key_settings;
  step interval;
  win interval;
  uid uuid;
  tat timestamptz;
begin
  select * into strict s from public.api_key_settings;
  step := make_interval(secs => s.rate_window_seconds::double precision / s.rate_limit);
  win := make_interval(secs => s.rate_window_seconds);

  update public.api_keys k
     set rate_tat = greatest(k.rate_tat, now()) + step, last_used_at = now()
   where k.prefix = p_prefix and k.hash = p_hash and k.revoked_at is null
     and greatest(k.rate_tat, now()) + step <= now() + win
  returning k.user_id into uid;

  if uid is not null then
    return query select uid, u.email::text from auth.users u where u.id = uid;
    return;
  end if;

  select k.rate_tat into tat from public.api_keys k
   where k.prefix = p_prefix and k.hash = p_hash and k.revoked_at is null;
  if not found then
    return; -- unknown, wrong or revoked: the caller answers 401 without saying which
  end if;
  raise exception using errcode = 'CK003', message = 'rate_limited',
    detail = jsonb_build_object('limit', s.rate_limit, 'window_seconds', s.rate_window_seconds,
      'retry_after_seconds', greatest(ceil(extract(epoch from tat + step - win - now())), 1))::text,
    hint = format('This API key made more than %s requests in %s seconds: wait and try again.', s.rate_limit, s.rate_window_seconds);
end
$$;

-- Revoked from service_role by name too, since Supabase's default privileges grant it.
revoke all on function public.create_api_key(text, text, text) from public, anon, service_role;
revoke all on function public.revoke_api_key(uuid) from public, anon, service_role;
revoke all on function public.authenticate_api_key(text, text) from public, anon, authenticated;
grant execute on function public.create_api_key(text, text, text) to authenticated;
grant execute on function public.revoke_api_key(uuid) to authenticated;
grant execute on function public.authenticate_api_key(text, text) to service_role;
