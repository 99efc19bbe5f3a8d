-- What a signed-in user may do to the queue. Each function runs as its owner
-- (SECURITY DEFINER) because users have no write grant on export_jobs; each
-- takes the user from auth.uid(), never from an argument, and reads limits
-- from export_settings, never from an argument.
--
-- Errors use stable SQLSTATEs in class CX, message = the stable code, detail =
-- a JSON object, hint = what to do next (lib/exports/errors.ts maps them):
--   CX001 quota_exceeded  CX002 export_not_found  CX003 invalid_state
--   CX005 invalid_request CX006 not_authenticated CX007 idempotency_conflict

-- Why a request is unacceptable, or null. Only the shape: zod validates the
-- poster in full at the API edge, this stops junk sent straight to PostgREST.
create function public.export_request_problem(p_request jsonb, p_max_bytes integer)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_request is null or jsonb_typeof(p_request) <> 'object' then 'the request must be a JSON object'
    when octet_length(p_request::text) > p_max_bytes then format('the request is larger than %s bytes', p_max_bytes)
    when jsonb_typeof(p_request -> 'poster') is distinct from 'object' then 'poster must be an object'
    when jsonb_typeof(p_request -> 'format') is distinct from 'string'
      or p_request ->> 'format' not in ('png', 'jpeg', 'pdf') then 'format must be one of png, jpeg, pdf'
    when jsonb_typeof(p_request -> 'size') is distinct from 'string'
      or p_request ->> 'size' not in ('social', 'small', 'medium', 'large', 'ultra')
      then 'size must be one of social, small, medium, large, ultra'
  end
$$;

-- Refuses `p_new` more jobs for a user over any limit, saying which and when it
-- frees up. Callers hold the user's quota lock, so two requests cannot both
-- see the last free slot.
create function public.check_export_quota(p_user uuid, p_new integer, p_count_daily boolean)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  s public.export_settings;
  active integer;
  daily integer;
  stored bigint;
  frees_at timestamptz;
begin
  select * into strict s from public.export_settings;
  select count(*) filter (where j.status in ('queued', 'running')),
         count(*) filter (where j.created_at > now() - interval '1 day'),
         coalesce(sum(j.result_bytes) filter (where j.status = 'succeeded'), 0)
    into active, daily, stored
    from public.export_jobs j
   where j.user_id = p_user;

  if active + p_new > s.max_active_jobs then
    raise exception using errcode = 'CX001', message = 'quota_exceeded',
      detail = jsonb_build_object('limit', 'active_jobs', 'max', s.max_active_jobs, 'used', active, 'retry_after_seconds', null)::text,
      hint = format('You have %s exports in progress and the limit is %s: wait for one to finish or cancel one.', active, s.max_active_jobs);
  end if;

  if p_count_daily and daily + p_new > s.max_exports_per_day then
    -- The slot frees when the (daily + p_new - max)-th oldest request of the window turns a day old.
    select j.created_at + interval '1 day' into frees_at
      from public.export_jobs j
     where j.user_id = p_user and j.created_at > now() - interval '1 day'
     order by j.created_at
    offset greatest(daily + p_new - s.max_exports_per_day - 1, 0) limit 1;
    raise exception using errcode = 'CX001', message = 'quota_exceeded',
      detail = jsonb_build_object('limit', 'daily_exports', 'max', s.max_exports_per_day, 'used', daily,
        'retry_after_seconds', ceil(extract(epoch from frees_at - now())))::text,
      hint = format('You have made %s exports in the last 24 hours and the limit is %s: try again later.', daily, s.max_exports_per_day);
  end if;

  if stored >= s.max_stored_bytes then
    select min(j.expires_at) into frees_at from public.export_jobs j where j.user_id = p_user and j.status = 'succeeded';
    raise exception using errcode = 'CX001', message = 'quota_exceeded',
      detail = jsonb_build_object('limit', 'stored_bytes', 'max', s.max_stored_bytes, 'used', stored,
        'retry_after_seconds', greatest(ceil(extract(epoch from frees_at - now())), 0))::text,
      hint = 'Your stored exports fill your storage allowance: wait until older exports expire.';
  end if;
end
$$;

-- Inserts 1–10 jobs for one user, all or nothing. The per-user transaction
-- advisory lock makes the quota check and the idempotency lookup race-free
-- (twenty simultaneous requests cannot all see a free slot or a missing key).
create function public.enqueue_exports(p_user uuid, p_requests jsonb, p_keys text[], p_priority integer)
returns table (job_id uuid, created boolean)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  s public.export_settings;
  n integer;
  problem text;
  existing integer;
begin
  if p_user is null then
    raise exception using errcode = 'CX006', message = 'not_authenticated', hint = 'Sign in to export posters.';
  end if;
  n := case when jsonb_typeof(p_requests) = 'array' then jsonb_array_length(p_requests) else 0 end;
  if n not between 1 and 10 then
    raise exception using errcode = 'CX005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'a batch holds 1 to 10 exports')::text, hint = 'Send between 1 and 10 exports at once.';
  end if;
  if p_priority is null or p_priority not between -10 and 0 then
    raise exception using errcode = 'CX005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'priority must be between -10 and 0')::text,
      hint = 'Use a priority from -10 (background) to 0 (normal).';
  end if;
  if p_keys is not null and exists (select 1 from unnest(p_keys) k where k is null or char_length(k) not between 1 and 200) then
    raise exception using errcode = 'CX005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'each idempotency key must be 1 to 200 characters')::text,
      hint = 'Use a shorter idempotency key, such as a UUID.';
  end if;

  select * into strict s from public.export_settings;
  for i in 0 .. n - 1 loop
    problem := public.export_request_problem(p_requests -> i, s.max_request_bytes);
    if problem is not null then
      raise exception using errcode = 'CX005', message = 'invalid_request',
        detail = jsonb_build_object('index', i, 'problem', problem)::text,
        hint = format('Fix export %s of the request: %s.', i + 1, problem);
    end if;
  end loop;

  perform pg_advisory_xact_lock(hashtext('export_jobs.user'), hashtext(p_user::text));

  if p_keys is not null then
    select count(*) into existing from public.export_jobs j where j.user_id = p_user and j.idempotency_key = any (p_keys);
    if existing = n and not exists (
      select 1 from unnest(p_keys) with ordinality k (key, i)
        join public.export_jobs j on j.user_id = p_user and j.idempotency_key = k.key
       where j.request <> p_requests -> (k.i::integer - 1)
    ) then
      return query
        select j.id, false from unnest(p_keys) with ordinality k (key, i)
          join public.export_jobs j on j.user_id = p_user and j.idempotency_key = k.key
         order by k.i;
      return;
    elsif existing > 0 then
      raise exception using errcode = 'CX007', message = 'idempotency_conflict',
        detail = jsonb_build_object('idempotency_key', p_keys[1])::text,
        hint = 'This idempotency key was already used for a different export: use a new key for a new export.';
    end if;
  end if;

  perform public.check_export_quota(p_user, n, true);

  return query
    with new_jobs as materialized (
      select gen_random_uuid() as id, r.value, r.i from jsonb_array_elements(p_requests) with ordinality r (value, i)
    ), inserted as (
      insert into public.export_jobs (id, user_id, request, priority, max_attempts, idempotency_key)
      select nj.id, p_user, nj.value, p_priority, s.max_attempts, p_keys[nj.i] from new_jobs nj
      returning 1
    )
    select nj.id, true from new_jobs nj order by nj.i;
end
$$;

-- One export. An idempotency key already used with the same request returns that job instead of a new one.
create function public.request_export(p_request jsonb, p_idempotency_key text default null, p_priority integer default 0)
returns table (job_id uuid, created boolean)
language sql
volatile
security definer
set search_path = ''
as $$
  select * from public.enqueue_exports(
    (select auth.uid()), jsonb_build_array(p_request),
    case when p_idempotency_key is null then null else array[p_idempotency_key] end, p_priority)
$$;

-- Up to 10 exports, all or nothing: one invalid entry or one over quota inserts none.
-- Entry i's idempotency key is `key#i`, so a replayed batch returns the same jobs.
create function public.request_export_batch(p_requests jsonb, p_idempotency_key text default null, p_priority integer default 0)
returns table (job_id uuid, created boolean)
language sql
volatile
security definer
set search_path = ''
as $$
  select * from public.enqueue_exports(
    (select auth.uid()), p_requests,
    case when p_idempotency_key is null or jsonb_typeof(p_requests) <> 'array' then null
         else array(select p_idempotency_key || '#' || i from generate_series(1, jsonb_array_length(p_requests)) i) end,
    p_priority)
$$;

-- Queued → cancelled at once; running → cancel requested, and the worker stops at
-- its next heartbeat (its lease is left alone, so it can still report). The row
-- lock orders this against a claim of the same job.
create function public.cancel_export(p_id uuid)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  current_status text;
begin
  if uid is null then
    raise exception using errcode = 'CX006', message = 'not_authenticated', hint = 'Sign in to manage your exports.';
  end if;
  select j.status into current_status from public.export_jobs j where j.id = p_id and j.user_id = uid for update;
  if not found then
    raise exception using errcode = 'CX002', message = 'export_not_found',
      detail = jsonb_build_object('id', p_id)::text, hint = 'Check the export id: it is not one of your exports.';
  end if;
  if current_status = 'queued' then
    update public.export_jobs j
       set status = 'cancelled', cancel_requested_at = now(), finished_at = now(), updated_at = now()
     where j.id = p_id;
    return 'cancelled';
  elsif current_status = 'running' then
    update public.export_jobs j
       set cancel_requested_at = coalesce(j.cancel_requested_at, now()), updated_at = now()
     where j.id = p_id;
    return 'running';
  elsif current_status = 'cancelled' then
    return 'cancelled';
  end if;
  raise exception using errcode = 'CX003', message = 'invalid_state',
    detail = jsonb_build_object('id', p_id, 'status', current_status)::text,
    hint = format('This export has already %s and can no longer be cancelled.', current_status);
end
$$;

-- Failed or cancelled → queued again with fresh attempts, at most
-- max_manual_retries times per job and within the active and storage quotas
-- (under the same per-user lock as new requests).
create function public.retry_export(p_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  s public.export_settings;
  j public.export_jobs;
begin
  if uid is null then
    raise exception using errcode = 'CX006', message = 'not_authenticated', hint = 'Sign in to manage your exports.';
  end if;
  perform pg_advisory_xact_lock(hashtext('export_jobs.user'), hashtext(uid::text));
  select * into j from public.export_jobs x where x.id = p_id and x.user_id = uid for update;
  if not found then
    raise exception using errcode = 'CX002', message = 'export_not_found',
      detail = jsonb_build_object('id', p_id)::text, hint = 'Check the export id: it is not one of your exports.';
  end if;
  select * into strict s from public.export_settings;
  if j.status not in ('failed', 'cancelled') then
    raise exception using errcode = 'CX003', message = 'invalid_state',
      detail = jsonb_build_object('id', p_id, 'status', j.status)::text,
      hint = 'Only failed or cancelled exports can be retried.';
  end if;
  if j.manual_retries >= s.max_manual_retries then
    raise exception using errcode = 'CX003', message = 'invalid_state',
      detail = jsonb_build_object('id', p_id, 'status', j.status, 'reason', 'retry_limit')::text,
      hint = format('This export was already retried %s times: start a new export instead.', j.manual_retries);
  end if;
  perform public.check_export_quota(uid, 1, false);
  update public.export_jobs x
     set status = 'queued', attempts = 0, max_attempts = s.max_attempts, manual_retries = x.manual_retries + 1,
         run_at = now(), cancel_requested_at = null, progress = 0, stage = null, error_code = null,
         error_message = null, started_at = null, finished_at = null, updated_at = now()
   where x.id = p_id;
end
$$;

-- A download of the caller's own unexpired result: counts it and returns the
-- object to sign. Checks expiry against now(), so a result past its TTL is
-- refused even before the cleanup cron has removed it.
create function public.record_export_download(p_id uuid)
returns table (result_path text, result_content_type text, expires_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  j public.export_jobs;
begin
  if uid is null then
    raise exception using errcode = 'CX006', message = 'not_authenticated', hint = 'Sign in to download your exports.';
  end if;
  update public.export_jobs x set download_count = x.download_count + 1
   where x.id = p_id and x.user_id = uid and x.status = 'succeeded' and x.expires_at > now()
  returning x.* into j;
  if not found then
    select * into j from public.export_jobs x where x.id = p_id and x.user_id = uid;
    if not found then
      raise exception using errcode = 'CX002', message = 'export_not_found',
        detail = jsonb_build_object('id', p_id)::text, hint = 'Check the export id: it is not one of your exports.';
    end if;
    raise exception using errcode = 'CX003', message = 'invalid_state',
      detail = jsonb_build_object('id', p_id, 'status', case when j.status = 'succeeded' then 'expired' else j.status end)::text,
      hint = case when j.status in ('succeeded', 'expired') then 'This export has expired: export the poster again.'
                  else 'This export has no file to download yet.' end;
  end if;
  return query select j.result_path, j.result_content_type, j.expires_at;
end
$$;

-- Internal helpers: callable only by their owner (through the functions above).
revoke all on function public.export_request_problem(jsonb, integer) from public, anon, authenticated, service_role;
revoke all on function public.check_export_quota(uuid, integer, boolean) from public, anon, authenticated, service_role;
revoke all on function public.enqueue_exports(uuid, jsonb, text[], integer) from public, anon, authenticated, service_role;

-- The user API: authenticated only (anon has no auth.uid(); service_role acts for no user).
-- Revoked from service_role by name too, since Supabase's default privileges grant it.
revoke all on function public.request_export(jsonb, text, integer) from public, anon, service_role;
revoke all on function public.request_export_batch(jsonb, text, integer) from public, anon, service_role;
revoke all on function public.cancel_export(uuid) from public, anon, service_role;
revoke all on function public.retry_export(uuid) from public, anon, service_role;
revoke all on function public.record_export_download(uuid) from public, anon, service_role;
grant execute on function public.request_export(jsonb, text, integer) to authenticated;
grant execute on function public.request_export_batch(jsonb, text, integer) to authenticated;
grant execute on function public.cancel_export(uuid) to authenticated;
grant execute on function public.retry_export(uuid) to authenticated;
grant execute on function public.record_export_download(uuid) to authenticated;
