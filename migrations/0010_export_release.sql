-- A worker that is shutting down (a deploy, Ctrl-C on `npm run worker`) hands
-- its running job back. Going through fail_export_job used an attempt and
-- waited out a backoff, so a restart during the last attempt failed the job
-- for good; a release does neither. A cancel request still wins. The stale
-- token check is the same as every worker write's.
create function public.release_export_job(p_id uuid, p_token uuid)
returns setof public.export_jobs
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  return query
    update public.export_jobs j
       set status = case when j.cancel_requested_at is not null then 'cancelled' else 'queued' end,
           attempts = case when j.cancel_requested_at is not null then j.attempts else greatest(j.attempts - 1, 0) end,
           run_at = now(),
           finished_at = case when j.cancel_requested_at is not null then now() end,
           error_code = case when j.cancel_requested_at is not null then 'cancelled' else 'worker_shutdown' end,
           error_message = case when j.cancel_requested_at is not null then 'Cancelled at your request.'
                                else 'The worker shut down during the render; the export went back to the queue without using an attempt.' end,
           progress = 0, stage = null,
           lease_token = null, lease_seconds = null, lease_expires_at = null, locked_by = null,
           updated_at = now()
     where j.id = p_id and j.lease_token = p_token and j.status = 'running'
    returning j.*;
  if not found then
    raise exception using errcode = 'CX004', message = 'lease_lost', detail = jsonb_build_object('id', p_id)::text,
      hint = 'This attempt no longer holds the job (it was reaped or finished): there is nothing to hand back.';
  end if;
end
$$;

revoke all on function public.release_export_job(uuid, uuid) from public, anon, authenticated;
grant execute on function public.release_export_job(uuid, uuid) to service_role;
