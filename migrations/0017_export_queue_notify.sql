-- Wakes idle standalone workers the moment a job is due: `npm run worker`
-- LISTENs on carto_export_jobs over a direct connection (the pooled request
-- path never listens) and claims at once instead of at its next poll, which
-- stays as the fallback. NOTIFY is delivered at commit, so a woken worker
-- always sees the row; identical notifications of one transaction (a batch
-- of ten) collapse into one. A retry due later (backoff) is left to the poll.
create function public.notify_export_queued()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform pg_notify('carto_export_jobs', '');
  return null;
end
$$;

revoke all on function public.notify_export_queued() from public, anon, authenticated;

create trigger export_jobs_notify_queued
  after insert or update of status on public.export_jobs
  for each row
  when (new.status = 'queued' and new.run_at <= now())
  execute function public.notify_export_queued();
