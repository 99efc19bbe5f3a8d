-- Quotas, retry and retention settings live here, not in function arguments:
-- on Supabase users can call public functions directly through PostgREST, so
-- a limit passed by the caller would be a limit the caller chooses. One row;
-- only service_role may change it (the app upserts it from env at start-up).

create table public.export_settings (
  id boolean primary key default true check (id),
  max_active_jobs integer not null default 3 check (max_active_jobs between 1 and 1000),
  max_exports_per_day integer not null default 50 check (max_exports_per_day between 1 and 100000),
  max_stored_bytes bigint not null default 104857600 check (max_stored_bytes > 0),
  result_ttl_seconds integer not null default 604800 check (result_ttl_seconds between 60 and 31536000),
  max_attempts integer not null default 3 check (max_attempts between 1 and 10),
  backoff_base_seconds integer not null default 10 check (backoff_base_seconds between 1 and 3600),
  backoff_max_seconds integer not null default 600 check (backoff_max_seconds between 1 and 86400),
  max_manual_retries integer not null default 3 check (max_manual_retries between 0 and 100),
  max_request_bytes integer not null default 262144 check (max_request_bytes between 1024 and 10485760),
  history_retention_days integer not null default 30 check (history_retention_days between 1 and 3650),
  updated_at timestamptz not null default now(),
  constraint export_settings_backoff_order check (backoff_max_seconds >= backoff_base_seconds)
);

insert into public.export_settings default values;

alter table public.export_settings enable row level security;
revoke all on public.export_settings from public, anon, authenticated;
grant select, insert, update on public.export_settings to service_role;

-- The retry delay after `attempts` failed attempts: exponential from the base,
-- capped, with "equal jitter" (a uniform draw in [d/2, d]) so that workers
-- failing together do not retry together, and each delay is at least the
-- previous one's maximum.
create function public.export_retry_delay(p_attempts integer, p_base_seconds integer, p_max_seconds integer)
returns interval
language sql
volatile
set search_path = ''
as $$
  select make_interval(secs => d * (0.5 + 0.5 * random()))
  from (select least(p_max_seconds::double precision,
                     p_base_seconds * power(2::double precision, least(greatest(p_attempts, 1) - 1, 30))) as d) s
$$;

revoke all on function public.export_retry_delay(integer, integer, integer) from public, anon, authenticated, service_role;
