-- A succeeded export's stage is 'done'. complete_export_jobs ends the job but
-- leaves the stage of its last heartbeat, so every finished export said
-- "uploading" forever. A trigger rather than another copy of that function:
-- whichever function completes a job (today's, or a later redefinition), the
-- row it leaves says done. A failed or cancelled job keeps the stage it
-- stopped in, which tells where it went wrong.
create function public.export_jobs_done_stage()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.stage := 'done';
  return new;
end
$$;

create trigger export_jobs_done_stage
  before update of status on public.export_jobs
  for each row
  when (new.status = 'succeeded' and old.status is distinct from 'succeeded')
  execute function public.export_jobs_done_stage();

revoke all on function public.export_jobs_done_stage() from public, anon, authenticated;
