-- The worker's and the cleanup cron's side of the queue: service_role only.
-- Every write about a running job names its lease token and status 'running',
-- so a worker whose lease was reaped (and perhaps re-claimed by another)
-- changes nothing and gets CX004 lease_lost. The token decides, not the
-- clock: a worker past its lease but not yet reaped may still report.

-- Claims up to p_limit due jobs. SKIP LOCKED lets concurrent claimers take
-- disjoint rows without waiting; `id = any(array(...))` rather than a CTE join
-- keeps the partial-index plan once the plan cache goes generic.
create function public.claim_export_jobs(p_worker text, p_limit integer, p_lease_seconds integer)
returns setof public.export_jobs
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_worker is null or p_limit is null or p_limit not between 1 and 100
     or p_lease_seconds is null or p_lease_seconds not between 1 and 3600 then
    raise exception using errcode = 'CX005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'claim needs a worker id, 1 to 100 jobs and a lease of 1 to 3600 seconds')::text;
  end if;
  return query
    update public.export_jobs j
       set status = 'running', attempts = j.attempts + 1, lease_token = gen_random_uuid(),
           lease_seconds = p_lease_seconds, lease_expires_at = now() + make_interval(secs => p_lease_seconds),
           locked_by = left(p_worker, 200), heartbeat_at = now(), started_at = now(),
           progress = 0, stage = null, updated_at = now()
     where j.id = any (array(
             select q.id from public.export_jobs q
              where q.status = 'queued' and q.run_at <= now()
              order by q.priority desc, q.run_at, q.id
              limit p_limit
              for update skip locked))
    returning j.*;
end
$$;

-- Returns jobs whose worker stopped reporting (crash, timeout) to the queue
-- with backoff, or ends them when attempts are spent or a cancel was asked
-- for. Clearing the token is what makes the crashed worker's late writes fail.
create function public.reap_expired_export_jobs()
returns setof public.export_jobs
language sql
volatile
security definer
set search_path = ''
as $$
  update public.export_jobs j
     set status = case when j.cancel_requested_at is not null then 'cancelled'
                       when j.attempts >= j.max_attempts then 'failed' else 'queued' end,
         run_at = case when j.cancel_requested_at is null and j.attempts < j.max_attempts
                       then now() + public.export_retry_delay(j.attempts, s.backoff_base_seconds, s.backoff_max_seconds)
                       else j.run_at end,
         finished_at = case when j.cancel_requested_at is not null or j.attempts >= j.max_attempts then now() end,
         lease_token = null, lease_seconds = null, lease_expires_at = null, locked_by = null,
         error_code = 'lease_expired',
         error_message = 'The export worker stopped reporting before its lease ran out.',
         updated_at = now()
    from public.export_settings s
   where j.id = any (array(
           select q.id from public.export_jobs q
            where q.status = 'running' and q.lease_expires_at < now()
            order by q.lease_expires_at
            limit 1000
            for update skip locked))
  returning j.*
$$;

-- Reports progress and renews the lease by its original length; answers
-- whether the user asked to cancel, so the worker can stop at its next step.
create function public.heartbeat_export_job(p_id uuid, p_token uuid, p_progress integer, p_stage text)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  cancel_requested boolean;
begin
  update public.export_jobs j
     set heartbeat_at = now(), lease_expires_at = now() + make_interval(secs => j.lease_seconds),
         progress = least(greatest(coalesce(p_progress, j.progress), 0), 100),
         stage = coalesce(left(p_stage, 100), j.stage), updated_at = now()
   where j.id = p_id and j.lease_token = p_token and j.status = 'running'
  returning j.cancel_requested_at is not null into cancel_requested;
  if not found then
    raise exception using errcode = 'CX004', message = 'lease_lost', detail = jsonb_build_object('id', p_id)::text,
      hint = 'This attempt no longer holds the job (it was reaped or finished): stop working on it.';
  end if;
  return cancel_requested;
end
$$;

-- Records the storage objects an attempt is about to write, before it writes
-- them: whatever happens to the job afterwards, cleanup knows the files exist.
-- A stale attempt is refused here and must not upload.
create function public.record_export_files(p_id uuid, p_token uuid, p_paths text[])
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  update public.export_jobs j
     set stored_paths = array(select distinct p from unnest(j.stored_paths || p_paths) p where p is not null order by p),
         updated_at = now()
   where j.id = p_id and j.lease_token = p_token and j.status = 'running';
  if not found then
    raise exception using errcode = 'CX004', message = 'lease_lost', detail = jsonb_build_object('id', p_id)::text,
      hint = 'This attempt no longer holds the job (it was reaped or finished): do not store its file.';
  end if;
end
$$;

-- Finishes an attempt with its file: succeeded with a TTL from export_settings,
-- or cancelled if the user asked meanwhile (the file is then left in
-- stored_paths for cleanup). A stale token is refused, so a reaped worker's
-- late result never overwrites the attempt that replaced it.
create function public.complete_export_job(
  p_id uuid, p_token uuid, p_path text, p_bytes bigint, p_width integer, p_height integer,
  p_content_type text, p_thumbnail_path text default null, p_meta jsonb default null)
returns setof public.export_jobs
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_path is null or p_bytes is null or p_content_type is null then
    raise exception using errcode = 'CX005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'a result needs a path, a byte size and a content type')::text;
  end if;
  return query
    update public.export_jobs j
       set status = case when j.cancel_requested_at is null then 'succeeded' else 'cancelled' end,
           result_path = case when j.cancel_requested_at is null then p_path end,
           result_bytes = case when j.cancel_requested_at is null then p_bytes end,
           result_width = case when j.cancel_requested_at is null then p_width end,
           result_height = case when j.cancel_requested_at is null then p_height end,
           result_content_type = case when j.cancel_requested_at is null then p_content_type end,
           thumbnail_path = case when j.cancel_requested_at is null then p_thumbnail_path end,
           result_meta = case when j.cancel_requested_at is null then p_meta end,
           expires_at = case when j.cancel_requested_at is null then now() + make_interval(secs => s.result_ttl_seconds) end,
           stored_paths = array(select distinct p from unnest(j.stored_paths || array[p_path, p_thumbnail_path]) p
                                 where p is not null order by p),
           progress = case when j.cancel_requested_at is null then 100 else j.progress end,
           error_code = null, error_message = null,
           lease_token = null, lease_seconds = null, lease_expires_at = null, locked_by = null,
           finished_at = now(), updated_at = now()
      from public.export_settings s
     where j.id = p_id and j.lease_token = p_token and j.status = 'running'
    returning j.*;
  if not found then
    raise exception using errcode = 'CX004', message = 'lease_lost', detail = jsonb_build_object('id', p_id)::text,
      hint = 'This attempt no longer holds the job (it was reaped or finished): its result is discarded.';
  end if;
end
$$;

-- Ends an attempt with an error. Retryable errors go back to the queue with
-- backoff while attempts remain; otherwise (or on a cancel request) the job
-- ends, keeping the last reason. A stale token is refused.
create function public.fail_export_job(p_id uuid, p_token uuid, p_code text, p_message text, p_retryable boolean)
returns setof public.export_jobs
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  return query
    update public.export_jobs j
       set status = case when j.cancel_requested_at is not null then 'cancelled'
                         when coalesce(p_retryable, false) and j.attempts < j.max_attempts then 'queued' else 'failed' end,
           run_at = case when j.cancel_requested_at is null and coalesce(p_retryable, false) and j.attempts < j.max_attempts
                         then now() + public.export_retry_delay(j.attempts, s.backoff_base_seconds, s.backoff_max_seconds)
                         else j.run_at end,
           finished_at = case when j.cancel_requested_at is not null or not coalesce(p_retryable, false) or j.attempts >= j.max_attempts
                              then now() end,
           error_code = left(coalesce(p_code, 'unknown'), 100), error_message = left(p_message, 1000),
           lease_token = null, lease_seconds = null, lease_expires_at = null, locked_by = null,
           updated_at = now()
      from public.export_settings s
     where j.id = p_id and j.lease_token = p_token and j.status = 'running'
    returning j.*;
  if not found then
    raise exception using errcode = 'CX004', message = 'lease_lost', detail = jsonb_build_object('id', p_id)::text,
      hint = 'This attempt no longer holds the job (it was reaped or finished): its failure is discarded.';
  end if;
end
$$;

-- Expiry cron, step 1: succeeded results past their TTL, with every object to remove.
create function public.list_expired_export_results(p_limit integer)
returns table (job_id uuid, user_id uuid, paths text[])
language sql
stable
security definer
set search_path = ''
as $$
  select j.id, j.user_id, j.stored_paths from public.export_jobs j
   where j.status = 'succeeded' and j.expires_at <= now()
   order by j.expires_at
   limit least(greatest(p_limit, 1), 1000)
$$;

-- Expiry cron, step 2, after the objects are gone: the row becomes history.
-- Re-checks status and expiry, so nothing else's state is overwritten.
create function public.mark_export_expired(p_id uuid)
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with expired as (
    update public.export_jobs j
       set status = 'expired', stored_paths = '{}', updated_at = now()
     where j.id = p_id and j.status = 'succeeded' and j.expires_at <= now()
    returning 1
  )
  select exists (select 1 from expired)
$$;

-- Files left by attempts of jobs that ended failed or cancelled (a worker that
-- stored its file and then lost its lease, or a cancel after the upload).
create function public.list_orphaned_export_files(p_limit integer)
returns table (job_id uuid, user_id uuid, paths text[])
language sql
stable
security definer
set search_path = ''
as $$
  select j.id, j.user_id, j.stored_paths from public.export_jobs j
   where j.status in ('failed', 'cancelled') and cardinality(j.stored_paths) > 0
   order by j.finished_at
   limit least(greatest(p_limit, 1), 1000)
$$;

-- After removing orphaned files: forget exactly those paths, and only while the
-- job is still failed or cancelled (a job retried meanwhile keeps its record).
create function public.mark_export_files_removed(p_id uuid, p_paths text[])
returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  with removed as (
    update public.export_jobs j
       set stored_paths = array(select p from unnest(j.stored_paths) p except select unnest(p_paths) order by 1),
           updated_at = now()
     where j.id = p_id and j.status in ('failed', 'cancelled')
    returning 1
  )
  select exists (select 1 from removed)
$$;

-- Deletes finished rows older than the retention period, but never a row that
-- still owns a stored object: no object outlives its row.
create function public.purge_finished_export_jobs(p_limit integer)
returns integer
language sql
volatile
security definer
set search_path = ''
as $$
  with purged as (
    delete from public.export_jobs j
     where j.id = any (array(
             select q.id from public.export_jobs q, public.export_settings s
              where q.status in ('expired', 'failed', 'cancelled') and cardinality(q.stored_paths) = 0
                and q.finished_at < now() - make_interval(days => s.history_retention_days)
              order by q.finished_at
              limit least(greatest(p_limit, 1), 10000)
              for update of q skip locked))
    returning 1
  )
  select count(*)::integer from purged
$$;

revoke all on function public.claim_export_jobs(text, integer, integer) from public, anon, authenticated;
revoke all on function public.reap_expired_export_jobs() from public, anon, authenticated;
revoke all on function public.heartbeat_export_job(uuid, uuid, integer, text) from public, anon, authenticated;
revoke all on function public.record_export_files(uuid, uuid, text[]) from public, anon, authenticated;
revoke all on function public.complete_export_job(uuid, uuid, text, bigint, integer, integer, text, text, jsonb) from public, anon, authenticated;
revoke all on function public.fail_export_job(uuid, uuid, text, text, boolean) from public, anon, authenticated;
revoke all on function public.list_expired_export_results(integer) from public, anon, authenticated;
revoke all on function public.mark_export_expired(uuid) from public, anon, authenticated;
revoke all on function public.list_orphaned_export_files(integer) from public, anon, authenticated;
revoke all on function public.mark_export_files_removed(uuid, text[]) from public, anon, authenticated;
revoke all on function public.purge_finished_export_jobs(integer) from public, anon, authenticated;

grant execute on function public.claim_export_jobs(text, integer, integer) to service_role;
grant execute on function public.reap_expired_export_jobs() to service_role;
grant execute on function public.heartbeat_export_job(uuid, uuid, integer, text) to service_role;
grant execute on function public.record_export_files(uuid, uuid, text[]) to service_role;
grant execute on function public.complete_export_job(uuid, uuid, text, bigint, integer, integer, text, text, jsonb) to service_role;
grant execute on function public.fail_export_job(uuid, uuid, text, text, boolean) to service_role;
grant execute on function public.list_expired_export_results(integer) to service_role;
grant execute on function public.mark_export_expired(uuid) to service_role;
grant execute on function public.list_orphaned_export_files(integer) to service_role;
grant execute on function public.mark_export_files_removed(uuid, text[]) to service_role;
grant execute on function public.purge_finished_export_jobs(integer) to service_role;
