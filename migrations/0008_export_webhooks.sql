-- Signed webhooks: a request may carry `webhookUrl` (kept in the stored
-- request); when its job reaches a terminal state the database makes one
-- delivery due, and the worker POSTs the status object, signed with the
-- user's secret, retrying with backoff. Delivery state lives on the job row
-- ("recorded on the job"); the database decides when a delivery is due.

-- Delivery retry limits, as export_settings holds the queue's: one row, only
-- service_role writes it (the app upserts it from env at start-up).
create table public.webhook_settings (
  id boolean primary key default true check (id),
  max_attempts integer not null default 8 check (max_attempts between 1 and 20),
  backoff_base_seconds integer not null default 30 check (backoff_base_seconds between 1 and 3600),
  backoff_max_seconds integer not null default 3600 check (backoff_max_seconds between 1 and 86400),
  updated_at timestamptz not null default now(),
  constraint webhook_settings_backoff_order check (backoff_max_seconds >= backoff_base_seconds)
);
insert into public.webhook_settings default values;

alter table public.webhook_settings enable row level security;
revoke all on public.webhook_settings from public, anon, authenticated;
grant select, insert, update on public.webhook_settings to service_role;

-- One signing secret per user, made on first need. Users read their own (to
-- verify signatures) and rotate it through rotate_webhook_secret().
create table public.webhook_secrets (
  user_id uuid primary key references auth.users (id) on delete cascade,
  secret text not null check (char_length(secret) between 32 and 200),
  created_at timestamptz not null default now()
);

alter table public.webhook_secrets enable row level security;
create policy webhook_secrets_owner_select on public.webhook_secrets
  for select to authenticated
  using (user_id = (select auth.uid()));
revoke all on public.webhook_secrets from public, anon, authenticated;
grant select on public.webhook_secrets to authenticated;
grant select, insert, update, delete on public.webhook_secrets to service_role;

-- A fresh secret: sha256 of three v4 UUIDs (366 bits from Postgres's strong
-- random source; pgcrypto is not needed), hex, prefixed so it is recognisable.
create function public.new_webhook_secret()
returns text
language sql
volatile
set search_path = ''
as $$
  select 'whsec_' || encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex')
$$;

-- The delivery of the job's latest terminal event. webhook_next_at is when it
-- is due; while a worker sends it (state 'sending'), it is that worker's
-- lease (a crashed sender's delivery becomes due again when it runs out).
alter table public.export_jobs
  add column webhook_event_id uuid,
  add column webhook_event text check (webhook_event in ('export.succeeded', 'export.failed', 'export.cancelled')),
  add column webhook_state text check (webhook_state in ('pending', 'sending', 'delivered', 'gave_up', 'refused', 'superseded')),
  add column webhook_attempts integer not null default 0 check (webhook_attempts >= 0),
  add column webhook_last_status integer check (webhook_last_status between 100 and 599),
  add column webhook_last_error text check (char_length(webhook_last_error) <= 500),
  add column webhook_last_attempt_at timestamptz,
  add column webhook_next_at timestamptz,
  add column webhook_delivered_at timestamptz;

create index export_jobs_webhook_due_idx on public.export_jobs (webhook_next_at) where webhook_next_at is not null;

grant select (
  webhook_event_id, webhook_event, webhook_state, webhook_attempts, webhook_last_status, webhook_last_error,
  webhook_last_attempt_at, webhook_next_at, webhook_delivered_at
) on public.export_jobs to authenticated;

-- The request's shape check, now also refusing a webhookUrl that is not an
-- http(s) URL, for requests sent straight to PostgREST (zod checks it in
-- full at the API edge; the worker re-checks the address when it delivers).
create or replace function public.export_request_problem(p_request jsonb, p_max_bytes integer)
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
    when p_request ? 'webhookUrl' and (jsonb_typeof(p_request -> 'webhookUrl') is distinct from 'string'
      or p_request ->> 'webhookUrl' !~* '^https?://[^/?#]' or char_length(p_request ->> 'webhookUrl') > 2048)
      then 'webhookUrl must be an http or https URL of at most 2048 characters'
  end
$$;

-- On every status change of a job with a webhookUrl: entering succeeded,
-- failed or cancelled makes a new delivery due now (whoever caused it: the
-- worker, the reaper or a user's cancel). Leaving a terminal state (a manual
-- retry) drops an undelivered notice of an outcome that no longer holds. A
-- retryable failure goes running → queued and sends nothing.
create function public.schedule_job_webhook()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status in ('succeeded', 'failed', 'cancelled') then
    if nullif(new.request ->> 'webhookUrl', '') is not null then
      -- The secret exists before the delivery is due, so the sender only reads it.
      insert into public.webhook_secrets (user_id, secret)
      values (new.user_id, public.new_webhook_secret())
      on conflict (user_id) do nothing;
      new.webhook_event_id := gen_random_uuid();
      new.webhook_event := 'export.' || new.status;
      new.webhook_state := 'pending';
      new.webhook_attempts := 0;
      new.webhook_last_status := null;
      new.webhook_last_error := null;
      new.webhook_last_attempt_at := null;
      new.webhook_delivered_at := null;
      new.webhook_next_at := now();
    end if;
  elsif new.status in ('queued', 'running') and new.webhook_state in ('pending', 'sending') then
    new.webhook_state := 'superseded';
    new.webhook_next_at := null;
  end if;
  return new;
end
$$;

create trigger export_jobs_schedule_webhook
  before update of status on public.export_jobs
  for each row when (old.status is distinct from new.status)
  execute function public.schedule_job_webhook();

-- The caller's signing secret, made on first use. The insert races safely:
-- of two first calls at once, one inserts and both read the same secret.
create function public.webhook_secret()
returns table (secret text, created_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
begin
  if uid is null then
    raise exception using errcode = 'CX006', message = 'not_authenticated', hint = 'Sign in to see your webhook signing secret.';
  end if;
  insert into public.webhook_secrets (user_id, secret)
  values (uid, public.new_webhook_secret())
  on conflict (user_id) do nothing;
  return query select s.secret, s.created_at from public.webhook_secrets s where s.user_id = uid;
end
$$;

-- Replaces the caller's secret at once: deliveries signed after this use the
-- new one (receivers must switch too; nothing is signed with both).
create function public.rotate_webhook_secret()
returns table (secret text, created_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
begin
  if uid is null then
    raise exception using errcode = 'CX006', message = 'not_authenticated', hint = 'Sign in to rotate your webhook signing secret.';
  end if;
  return query
    insert into public.webhook_secrets as s (user_id, secret)
    values (uid, public.new_webhook_secret())
    on conflict (user_id) do update set secret = excluded.secret, created_at = now()
    returning s.secret, s.created_at;
end
$$;

-- Claims up to p_limit due deliveries for this sender: counts the attempt and
-- leases it (webhook_next_at moves to the lease's end), so two senders never
-- send the same delivery at once (SKIP LOCKED) and a crashed sender's
-- delivery comes back. Returns what to send, with the owner's secret (made
-- by schedule_job_webhook when the delivery became due).
create function public.claim_webhook_deliveries(p_limit integer, p_lease_seconds integer)
returns table (job_id uuid, event_id uuid, event text, url text, attempt integer, secret text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_limit is null or p_limit not between 1 and 100 or p_lease_seconds is null or p_lease_seconds not between 1 and 3600 then
    raise exception using errcode = 'CX005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'claim 1 to 100 deliveries with a lease of 1 to 3600 seconds')::text;
  end if;
  return query
    with claimed as (
      update public.export_jobs j
         set webhook_state = 'sending', webhook_attempts = j.webhook_attempts + 1, webhook_last_attempt_at = now(),
             webhook_next_at = now() + make_interval(secs => p_lease_seconds)
       where j.id = any (array(
               select q.id from public.export_jobs q
                where q.webhook_next_at <= now() and q.webhook_state in ('pending', 'sending')
                order by q.webhook_next_at, q.id
                limit p_limit
                for update skip locked))
      returning j.id, j.user_id, j.webhook_event_id, j.webhook_event, j.request ->> 'webhookUrl' as url, j.webhook_attempts
    )
    select c.id, c.webhook_event_id, c.webhook_event, c.url, c.webhook_attempts, s.secret
      from claimed c left join public.webhook_secrets s on s.user_id = c.user_id;
end
$$;

-- Records how attempt p_attempt of event p_event went: 'delivered' (2xx),
-- 'refused' (the address is not allowed: never retried) or 'retry' (due
-- again after backoff, or given up once webhook_settings.max_attempts are
-- spent). Only the sender holding that attempt may record it: a stale one
-- (its lease ran out and another claimed the delivery, a newer event
-- replaced it, or it already recorded) changes nothing.
create function public.record_webhook_attempt(
  p_job uuid, p_event uuid, p_attempt integer, p_outcome text, p_http_status integer, p_error text)
returns table (state text, attempts integer, next_at timestamptz)
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_outcome is null or p_outcome not in ('delivered', 'refused', 'retry') then
    raise exception using errcode = 'CX005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'outcome must be delivered, refused or retry')::text;
  end if;
  return query
    update public.export_jobs j
       set webhook_state = case when p_outcome = 'delivered' then 'delivered'
                                when p_outcome = 'refused' then 'refused'
                                when j.webhook_attempts >= s.max_attempts then 'gave_up'
                                else 'pending' end,
           webhook_next_at = case when p_outcome = 'retry' and j.webhook_attempts < s.max_attempts
                                  then now() + public.export_retry_delay(j.webhook_attempts, s.backoff_base_seconds, s.backoff_max_seconds) end,
           webhook_last_status = case when p_http_status between 100 and 599 then p_http_status end,
           webhook_last_error = left(p_error, 500),
           webhook_delivered_at = case when p_outcome = 'delivered' then now() end
      from public.webhook_settings s
     where j.id = p_job and j.webhook_event_id = p_event and j.webhook_attempts = p_attempt and j.webhook_state = 'sending'
    returning j.webhook_state, j.webhook_attempts, j.webhook_next_at;
end
$$;

revoke all on function public.schedule_job_webhook() from public, anon, authenticated, service_role;
revoke all on function public.new_webhook_secret() from public, anon, authenticated, service_role;
revoke all on function public.webhook_secret() from public, anon, service_role;
revoke all on function public.rotate_webhook_secret() from public, anon, service_role;
revoke all on function public.claim_webhook_deliveries(integer, integer) from public, anon, authenticated;
revoke all on function public.record_webhook_attempt(uuid, uuid, integer, text, integer, text) from public, anon, authenticated;

grant execute on function public.webhook_secret() to authenticated;
grant execute on function public.rotate_webhook_secret() to authenticated;
grant execute on function public.claim_webhook_deliveries(integer, integer) to service_role;
grant execute on function public.record_webhook_attempt(uuid, uuid, integer, text, integer, text) to service_role;
