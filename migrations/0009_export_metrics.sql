-- Operational metrics for GET /api/metrics and /api/health. Counters live in
-- the database, not in process memory, because serverless workers lose their
-- memory between invocations. A trigger on export_jobs counts the queue's own
-- transitions (claims, completions, failures, render time and bytes), so no
-- caller can forget to; record_export_metric counts what only a process knows
-- (browser restarts). Gauges (queue depth, oldest queued age) are read live.
--
-- Each counter has a few shards, chosen by the connection's backend pid, so
-- concurrent workers on their own connections add to different rows instead
-- of queueing on one row lock. Readers sum the shards.

create table public.export_metric_counters (
  metric text not null check (metric ~ '^[a-z_][a-z0-9_]{0,99}$'),
  labels jsonb not null default '{}' check (jsonb_typeof(labels) = 'object'),
  shard smallint not null check (shard between 0 and 7),
  value bigint not null default 0 check (value >= 0),
  primary key (metric, labels, shard)
);

-- Histogram observations per bucket, NOT cumulative: `le` is the bucket's upper
-- bound ('Infinity' past the last); the exposition cumulates them.
create table public.export_metric_histograms (
  metric text not null check (metric ~ '^[a-z_][a-z0-9_]{0,99}$'),
  labels jsonb not null default '{}' check (jsonb_typeof(labels) = 'object'),
  le double precision not null,
  shard smallint not null check (shard between 0 and 7),
  count bigint not null default 0 check (count >= 0),
  sum double precision not null default 0,
  primary key (metric, labels, le, shard)
);

alter table public.export_metric_counters enable row level security;
alter table public.export_metric_histograms enable row level security;
revoke all on public.export_metric_counters from public, anon, authenticated, service_role;
revoke all on public.export_metric_histograms from public, anon, authenticated, service_role;

-- The fixed bucket bounds of each histogram (finite ones; +Inf is implied).
create function public.export_metric_buckets(p_metric text)
returns double precision[]
language sql
immutable
set search_path = ''
as $$
  select case p_metric
    when 'carto_export_render_seconds' then array[1, 2, 5, 10, 20, 30, 60, 120, 300]::double precision[]
    when 'carto_export_result_bytes' then array[1e5, 5e5, 1e6, 2e6, 5e6, 1e7, 5e7, 1e8]::double precision[]
    else '{}'::double precision[]
  end
$$;

-- Counts a job's status transitions. Runs once per changed status (heartbeats
-- and progress never reach it), as the table owner, inside the transition's
-- own transaction: a rolled-back claim or completion is never counted.
create function public.count_export_transition()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_shard smallint := pg_backend_pid() % 8;
  size_label jsonb;
  seconds double precision;
begin
  if old.status = 'queued' and new.status = 'running' then
    insert into public.export_metric_counters as c (metric, labels, shard, value)
    values ('carto_export_claims_total', '{}', v_shard, 1)
    on conflict (metric, labels, shard) do update set value = c.value + 1;
  elsif old.status = 'running' and new.status = 'succeeded' then
    insert into public.export_metric_counters as c (metric, labels, shard, value)
    values ('carto_export_completions_total', '{}', v_shard, 1)
    on conflict (metric, labels, shard) do update set value = c.value + 1;
    size_label := jsonb_build_object('size', coalesce(left(new.request ->> 'size', 20), 'unknown'));
    -- started_at is set by every claim, so this is the successful attempt's time by the database clock.
    seconds := greatest(extract(epoch from new.finished_at - new.started_at), 0);
    insert into public.export_metric_histograms as h (metric, labels, le, shard, count, sum)
    select 'carto_export_render_seconds', size_label,
           coalesce(min(b), 'Infinity'), v_shard, 1, seconds
      from unnest(public.export_metric_buckets('carto_export_render_seconds')) b where seconds <= b
    on conflict (metric, labels, le, shard) do update set count = h.count + 1, sum = h.sum + excluded.sum;
    if new.result_bytes is not null then
      insert into public.export_metric_histograms as h (metric, labels, le, shard, count, sum)
      select 'carto_export_result_bytes', size_label,
             coalesce(min(b), 'Infinity'), v_shard, 1, new.result_bytes
        from unnest(public.export_metric_buckets('carto_export_result_bytes')) b where new.result_bytes <= b
      on conflict (metric, labels, le, shard) do update set count = h.count + 1, sum = h.sum + excluded.sum;
    end if;
  elsif old.status = 'running' and new.status in ('queued', 'failed') and new.error_code is not null then
    -- Every failed attempt, whether it is retried or ends the job (a reaped lease is 'lease_expired').
    insert into public.export_metric_counters as c (metric, labels, shard, value)
    values ('carto_export_failures_total', jsonb_build_object('code', new.error_code), v_shard, 1)
    on conflict (metric, labels, shard) do update set value = c.value + 1;
  end if;
  return null;
end
$$;

revoke all on function public.count_export_transition() from public, anon, authenticated, service_role;

create trigger export_jobs_count_transitions
  after update of status on public.export_jobs
  for each row
  when (old.status is distinct from new.status)
  execute function public.count_export_transition();

-- Adds to a counter that only a process can observe (a browser restart). The
-- name and labels are checked so a caller cannot create unbounded series.
create function public.record_export_metric(p_metric text, p_labels jsonb, p_delta bigint)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_metric is null or p_metric !~ '^[a-z_][a-z0-9_]{0,99}_total$'
     or jsonb_typeof(coalesce(p_labels, '{}')) <> 'object'
     or (select count(*) from jsonb_each(coalesce(p_labels, '{}'))) > 4
     or exists (select 1 from jsonb_each(coalesce(p_labels, '{}')) l
                 where l.key !~ '^[a-z_][a-z0-9_]{0,29}$' or jsonb_typeof(l.value) <> 'string' or char_length(l.value #>> '{}') > 64)
     or p_delta is null or p_delta not between 1 and 1000000 then
    raise exception using errcode = 'CX005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'a metric needs a snake_case name ending in _total, at most 4 string labels and a delta of 1 to 1000000')::text;
  end if;
  insert into public.export_metric_counters as c (metric, labels, shard, value)
  values (p_metric, coalesce(p_labels, '{}'), pg_backend_pid() % 8, p_delta)
  on conflict (metric, labels, shard) do update set value = c.value + excluded.value;
end
$$;

-- The live queue: jobs waiting and running, and how long the oldest due job
-- has waited (since its run_at: a job in retry backoff is not yet waiting).
-- Both use the partial indexes of 0002, so health checks stay cheap.
create function public.export_queue_depth()
returns table (queued bigint, running bigint, oldest_queued_seconds double precision)
language sql
stable
security definer
set search_path = ''
as $$
  select (select count(*) from public.export_jobs where status = 'queued'),
         (select count(*) from public.export_jobs where status = 'running'),
         coalesce((select extract(epoch from now() - min(run_at))::double precision
                     from public.export_jobs where status = 'queued' and run_at <= now()), 0)
$$;

-- Everything GET /api/metrics shows, in one round trip: jobs by status, the
-- oldest queued age, counters summed over shards, and histograms with every
-- finite bucket (zero-filled, not cumulative) plus their sum and count.
create function public.export_metrics()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  with statuses as (
    select s.status, count(j.id) as n
      from unnest(array['queued', 'running', 'succeeded', 'failed', 'cancelled', 'expired']) s (status)
      left join public.export_jobs j on j.status = s.status
     group by s.status
  ),
  counters as (
    select c.metric, c.labels, sum(c.value) as value
      from public.export_metric_counters c group by c.metric, c.labels
  ),
  observed as (
    select h.metric, h.labels, h.le, sum(h.count) as count, sum(h.sum) as sum
      from public.export_metric_histograms h group by h.metric, h.labels, h.le
  ),
  series as (
    select o.metric, o.labels, sum(o.count) as count, sum(o.sum) as sum from observed o group by o.metric, o.labels
  ),
  histograms as (
    select s.metric, s.labels, s.count, s.sum,
           (select coalesce(jsonb_agg(jsonb_build_array(b.le, coalesce(o.count, 0)) order by b.ord), '[]')
              from unnest(public.export_metric_buckets(s.metric)) with ordinality b (le, ord)
              left join observed o on o.metric = s.metric and o.labels = s.labels and o.le = b.le) as buckets
      from series s
  )
  select jsonb_build_object(
    'jobs', (select jsonb_object_agg(st.status, st.n) from statuses st),
    'oldestQueuedSeconds', (select d.oldest_queued_seconds from public.export_queue_depth() d),
    'counters', (select coalesce(jsonb_agg(jsonb_build_object('metric', c.metric, 'labels', c.labels, 'value', c.value)
                                           order by c.metric, c.labels::text), '[]') from counters c),
    'histograms', (select coalesce(jsonb_agg(jsonb_build_object('metric', h.metric, 'labels', h.labels, 'buckets', h.buckets,
                                                                'sum', h.sum, 'count', h.count)
                                             order by h.metric, h.labels::text), '[]') from histograms h)
  )
$$;

revoke all on function public.export_metric_buckets(text) from public, anon, authenticated;
revoke all on function public.record_export_metric(text, jsonb, bigint) from public, anon, authenticated;
revoke all on function public.export_queue_depth() from public, anon, authenticated;
revoke all on function public.export_metrics() from public, anon, authenticated;

grant execute on function public.export_metric_buckets(text) to service_role;
grant execute on function public.record_export_metric(text, jsonb, bigint) to service_role;
grant execute on function public.export_queue_depth() to service_role;
grant execute on function public.export_metrics() to service_role;
