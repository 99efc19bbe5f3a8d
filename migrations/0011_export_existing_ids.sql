-- Orphan cleanup, last step: which of these job ids still have a row. An
-- object whose job row is gone (purged, or the user deleted) has no owner
-- left to serve it, so the cleanup cron removes it.
create function public.existing_export_job_ids(p_ids uuid[])
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select j.id from public.export_jobs j where j.id = any (p_ids)
$$;

revoke all on function public.existing_export_job_ids(uuid[]) from public, anon, authenticated;
grant execute on function public.existing_export_job_ids(uuid[]) to service_role;
