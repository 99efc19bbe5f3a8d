-- export_jobs is both the queue and the export history. Rows are written only
-- by the SECURITY DEFINER functions of 0004 (users) and 0005 (worker, cron);
-- users may read their own rows, minus the worker's private lease columns.

create table public.export_jobs (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'expired')),
  -- { poster, format, size }: shape checked by request_export, in full by zod at the API edge.
  request jsonb not null check (jsonb_typeof(request) = 'object'),
  priority integer not null default 0 check (priority between -100 and 100),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null check (max_attempts between 1 and 10),
  manual_retries integer not null default 0 check (manual_retries >= 0),
  run_at timestamptz not null default now(),

  -- The current attempt's lease; every worker write must name lease_token.
  lease_token uuid,
  lease_seconds integer check (lease_seconds between 1 and 3600),
  lease_expires_at timestamptz,
  locked_by text check (char_length(locked_by) <= 200),
  heartbeat_at timestamptz,
  cancel_requested_at timestamptz,
  progress smallint not null default 0 check (progress between 0 and 100),
  stage text check (char_length(stage) <= 100),
  error_code text check (char_length(error_code) <= 100),
  error_message text check (char_length(error_message) <= 1000),

  result_path text,
  result_bytes bigint check (result_bytes >= 0),
  result_width integer check (result_width > 0),
  result_height integer check (result_height > 0),
  result_content_type text,
  thumbnail_path text,
  result_meta jsonb,
  expires_at timestamptz,
  -- Every storage object any attempt wrote (or was about to write), so that
  -- cleanup can remove the files of jobs that end failed or cancelled too.
  stored_paths text[] not null default '{}',
  download_count integer not null default 0 check (download_count >= 0),
  idempotency_key text check (char_length(idempotency_key) between 1 and 200),

  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,

  constraint export_jobs_idempotency unique (user_id, idempotency_key),
  constraint export_jobs_running_has_lease check (status <> 'running' or (lease_token is not null and lease_expires_at is not null))
);

-- claim: the head of the queue in claim order.
create index export_jobs_claim_idx on public.export_jobs (priority desc, run_at, id) where status = 'queued';
-- reap: running jobs by lease expiry.
create index export_jobs_reap_idx on public.export_jobs (lease_expires_at) where status = 'running';
-- expiry cleanup: succeeded results by expiry.
create index export_jobs_expiry_idx on public.export_jobs (expires_at) where status = 'succeeded';
-- orphaned files of jobs that ended without a result.
create index export_jobs_orphans_idx on public.export_jobs (finished_at)
  where status in ('failed', 'cancelled') and cardinality(stored_paths) > 0;
-- purge of old finished rows.
create index export_jobs_purge_idx on public.export_jobs (finished_at) where status in ('expired', 'failed', 'cancelled');
-- each user's history (keyset pagination) and quota counts.
create index export_jobs_history_idx on public.export_jobs (user_id, created_at desc, id desc);

alter table public.export_jobs enable row level security;

create policy export_jobs_owner_select on public.export_jobs
  for select to authenticated
  using (user_id = (select auth.uid()));

-- Supabase grants ALL on new tables to anon and authenticated by name: take it
-- back, then give users read access to everything but the worker's lease.
revoke all on public.export_jobs from public, anon, authenticated;
grant select (
  id, user_id, status, request, priority, attempts, max_attempts, manual_retries, run_at,
  lease_expires_at, heartbeat_at, cancel_requested_at, progress, stage, error_code, error_message,
  result_path, result_bytes, result_width, result_height, result_content_type, thumbnail_path,
  result_meta, expires_at, download_count, idempotency_key, created_at, updated_at, started_at, finished_at
) on public.export_jobs to authenticated;
grant select, insert, update, delete on public.export_jobs to service_role;
