-- Completing several attempts in one statement, for a worker that claimed a
-- batch and reports the results that are ready together (one round trip
-- instead of one per job). complete_export_job becomes a one-element call of
-- it, so the transition is written once.

-- Finishes each named attempt with its file: succeeded with the TTL, or
-- cancelled if the user asked meanwhile (the file then stays in stored_paths
-- for cleanup). Entries whose token is stale change nothing and are simply
-- absent from the result, so a reaped worker's late result is discarded.
create function public.complete_export_jobs(p_results jsonb)
returns setof public.export_jobs
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if jsonb_typeof(p_results) is distinct from 'array' or jsonb_array_length(p_results) not between 1 and 100
     or exists (select 1 from jsonb_to_recordset(p_results) r (id uuid, lease_token uuid, path text, bytes bigint, content_type text)
                 where r.id is null or r.lease_token is null or r.path is null or r.bytes is null or r.content_type is null) then
    raise exception using errcode = 'CX005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'each of 1 to 100 results needs an id, a lease token, a path, a byte size and a content type')::text;
  end if;
  return query
    update public.export_jobs j
       set status = case when j.cancel_requested_at is null then 'succeeded' else 'cancelled' end,
           result_path = case when j.cancel_requested_at is null then r.path end,
           result_bytes = case when j.cancel_requested_at is null then r.bytes end,
           result_width = case when j.cancel_requested_at is null then r.width end,
           result_height = case when j.cancel_requested_at is null then r.height end,
           result_content_type = case when j.cancel_requested_at is null then r.content_type end,
           thumbnail_path = case when j.cancel_requested_at is null then r.thumbnail_path end,
           result_meta = case when j.cancel_requested_at is null then r.meta end,
           expires_at = case when j.cancel_requested_at is null then now() + make_interval(secs => s.result_ttl_seconds) end,
           stored_paths = array(select distinct p from unnest(j.stored_paths || array[r.path, r.thumbnail_path]) p
                                 where p is not null order by p),
           progress = case when j.cancel_requested_at is null then 100 else j.progress end,
           error_code = null, error_message = null,
           lease_token = null, lease_seconds = null, lease_expires_at = null, locked_by = null,
           finished_at = now(), updated_at = now()
      from jsonb_to_recordset(p_results) r (id uuid, lease_token uuid, path text, bytes bigint, width integer, height integer,
                                             content_type text, thumbnail_path text, meta jsonb),
           public.export_settings s
     where j.id = r.id and j.lease_token = r.lease_token and j.status = 'running'
    returning j.*;
end
$$;

-- One attempt; a stale token raises CX004 lease_lost rather than returning nothing.
create or replace function public.complete_export_job(
  p_id uuid, p_token uuid, p_path text, p_bytes bigint, p_width integer, p_height integer,
  p_content_type text, p_thumbnail_path text default null, p_meta jsonb default null)
returns setof public.export_jobs
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  return query select * from public.complete_export_jobs(jsonb_build_array(jsonb_build_object(
    'id', p_id, 'lease_token', p_token, 'path', p_path, 'bytes', p_bytes, 'width', p_width, 'height', p_height,
    'content_type', p_content_type, 'thumbnail_path', p_thumbnail_path, 'meta', p_meta)));
  if not found then
    raise exception using errcode = 'CX004', message = 'lease_lost', detail = jsonb_build_object('id', p_id)::text,
      hint = 'This attempt no longer holds the job (it was reaped or finished): its result is discarded.';
  end if;
end
$$;

revoke all on function public.complete_export_jobs(jsonb) from public, anon, authenticated;
grant execute on function public.complete_export_jobs(jsonb) to service_role;
