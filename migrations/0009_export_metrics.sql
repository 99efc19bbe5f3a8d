-- Operational metrics for GET /api/metrics and /api/health. Counters live in
-- the database, not in process memory, because serverless workers lose their
-- memory between invocations. A trigger on export_jobs counts how attempts
-- end (completions with their time and bytes, failures by code, cancels), so
-- no caller can forget to; record_export_metric counts what only a process
-- knows (browser restarts). Gauges (queue depth, oldest queued age) are read
-- live, and claims are derived (see export_metrics), so a claim costs nothing.
--
-- Rows are sharded by the connection's backend pid, so concurrent workers on
-- their own connections add to different rows instead of queueing on one row
-- lock. Readers sum the shards.

create table public.export_metric_counters (
  metric text not null check (metric ~ '^[a-z_][a-z0-9_]{0,99}$'),
  labels jsonb not null default '{}' check (jsonb_typeof(labels) = 'object'),
  shard smallint not null check (shard between 0 and 7),
  value bigint not null default 0 check (value >= 0),
  primary key (metric, labels, shard)
);

-- Completed exports as one joint histogram: per size preset, render-time
-- bucket and file-size bucket (each the bucket's upper bound, 'Infinity' past
-- the last; NOT cumulative). One row update per completion serves the
-- completion counter and both histograms.
create table public.export_metric_completions (
  size text not null,
  seconds_le double precision not null,
  bytes_le double precision not null,
  shard smallint not null check (shard between 0 and 7),
  count bigint not null default 0 check (count >= 0),
  seconds_sum double precision not null default 0,
  bytes_sum double precision not null default 0,
  primary key (size, seconds_le, bytes_le, shard)
);

alter table public.export_metric_counters enable row level security;
alter table public.export_metric_completions enable row level security;
revoke all on public.export_metric_counters from public, anon, authenticated, service_role;
revoke all on public.export_metric_completions from public, anon, authenticated, service_role;

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

-- The bucket an observation falls in: the smallest bound at or above it
-- ('Infinity' past the last). width_bucket counts the bounds <= the value,
-- so a value exactly on a bound is stepped back into that bound's bucket.
create function public.export_metric_bucket(p_buckets double precision[], p_value double precision)
returns double precision
language sql
immutable
set search_path = ''
as $$
  select coalesce(p_buckets[i + 1], 'Infinity')
    from (select width_bucket(p_value, p_buckets) - case when p_buckets[width_bucket(p_value, p_buckets)] = p_value then 1 else 0 end as i) w
$$;

-- Counts how an attempt ended. Fires only when a job leaves 'running' (claims
-- and heartbeats never reach it), as the table owner, inside the transition's
-- own transaction: a rolled-back completion is never counted.
create function public.count_export_attempt_end()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_shard smallint := pg_backend_pid() % 8;
  seconds double precision;
begin
  if new.status = 'succeeded' then
    -- started_at is set by every claim, so this is the successful attempt's time by the database clock.
    seconds := greatest(extract(epoch from new.finished_at - new.started_at), 0);
    insert into public.export_metric_completions as m (size, seconds_le, bytes_le, shard, count, seconds_sum, bytes_sum)
    values (coalesce(left(new.request ->> 'size', 20), 'unknown'),
            public.export_metric_bucket(public.export_metric_buckets('carto_export_render_seconds'), seconds),
            public.export_metric_bucket(public.export_metric_buckets('carto_export_result_bytes'), coalesce(new.result_bytes, 0)),
            v_shard, 1, seconds, coalesce(new.result_bytes, 0))
    on conflict (size, seconds_le, bytes_le, shard)
    do update set count = m.count + 1, seconds_sum = m.seconds_sum + excluded.seconds_sum, bytes_sum = m.bytes_sum + excluded.bytes_sum;
  elsif new.status = 'cancelled' then
    insert into public.export_metric_counters as c (metric, labels, shard, value)
    values ('carto_export_cancelled_attempts_total', '{}', v_shard, 1)
    on conflict (metric, labels, shard) do update set value = c.value + 1;
  else
    -- A failed attempt, retried ('queued') or final ('failed'); a reaped lease is 'lease_expired'.
    insert into public.export_metric_counters as c (metric, labels, shard, value)
    values ('carto_export_failures_total', jsonb_build_object('code', coalesce(new.error_code, 'unknown')), v_shard, 1)
    on conflict (metric, labels, shard) do update set value = c.value + 1;
  end if;
  return null;
end
$$;

revoke all on function public.count_export_attempt_end() from public, anon, authenticated, service_role;

create trigger export_jobs_count_attempt_ends
  after update of status on public.export_jobs
  for each row
  when (old.status = 'running' and new.status <> 'running')
  execute function public.count_export_attempt_end();

-- Adds to a counter that only a process can observe (a browser restart). The
-- name and labels are checked so a caller cannot create unbounded series, nor
-- add to the counters the trigger owns (claims are derived from them).
create function public.record_export_metric(p_metric text, p_labels jsonb, p_delta bigint)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if p_metric is null or p_metric !~ '^[a-z_][a-z0-9_]{0,99}_total$'
     or p_metric in ('carto_export_claims_total', 'carto_export_completions_total', 'carto_export_failures_total',
                     'carto_export_cancelled_attempts_total')
     or jsonb_typeof(coalesce(p_labels, '{}')) <> 'object'
     or (select count(*) from jsonb_each(coalesce(p_labels, '{}'))) > 4
     or exists (select 1 from jsonb_each(coalesce(p_labels, '{}')) l
                 where l.key !~ '^[a-z_][a-z0-9_]{0,29}$' or jsonb_typeof(l.value) <> 'string' or char_length(l.value #>> '{}') > 64)
     or p_delta is null or p_delta not between 1 and 1000000 then
    raise exception using errcode = 'CX005', message = 'invalid_request',
      detail = jsonb_build_object('problem', 'a metric needs a snake_case name ending in _total that the queue does not count itself, at most 4 string labels and a delta of 1 to 1000000')::text;
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
-- oldest queued age, counters summed over shards, and both histograms with
-- every finite bucket (zero-filled, not cumulative) plus their sum and count.
-- Every claim ends as exactly one of completion, failure or cancelled attempt,
-- or is running now, so claims = their sum: a counter that costs a claim
-- nothing (it would only drop if a running job's row were deleted).
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
  completions as (
    select coalesce(sum(m.count), 0) as n from public.export_metric_completions m
  ),
  claims as (
    select (select n from completions)
         + (select coalesce(sum(c.value), 0) from counters c
             where c.metric in ('carto_export_failures_total', 'carto_export_cancelled_attempts_total'))
         + (select st.n from statuses st where st.status = 'running') as n
  ),
  observed as (
    select 'carto_export_render_seconds' as metric, m.size, m.seconds_le as le, sum(m.count) as count, sum(m.seconds_sum) as sum
      from public.export_metric_completions m group by m.size, m.seconds_le
    union all
    select 'carto_export_result_bytes', m.size, m.bytes_le, sum(m.count), sum(m.bytes_sum)
      from public.export_metric_completions m group by m.size, m.bytes_le
  ),
  series as (
    select o.metric, o.size, sum(o.count) as count, sum(o.sum) as sum from observed o group by o.metric, o.size
  ),
  histograms as (
    select s.metric, jsonb_build_object('size', s.size) as labels, s.count, s.sum,
           (select coalesce(jsonb_agg(jsonb_build_array(b.le, coalesce(o.count, 0)) order by b.ord), '[]')
              from unnest(public.export_metric_buckets(s.metric)) with ordinality b (le, ord)
              left join observed o on o.metric = s.metric and o.size = s.size and o.le = b.le) as buckets
      from series s
  )
  select jsonb_build_object(
    'jobs', (select jsonb_object_agg(st.status, st.n) from statuses st),
    'oldestQueuedSeconds', (select d.oldest_queued_seconds from public.export_queue_depth() d),
    'counters', (select jsonb_agg(x.c order by x.c ->> 'metric', x.c ->> 'labels')
                   from (select jsonb_build_object('metric', c.metric, 'labels', c.labels, 'value', c.value) as c from counters c
                         union all select jsonb_build_object('metric', 'carto_export_claims_total', 'labels', '{}'::jsonb, 'value', n) from claims
                         union all select jsonb_build_object('metric', 'carto_export_completions_total', 'labels', '{}'::jsonb, 'value', n) from completions) x),
    'histograms', (select coalesce(jsonb_agg(jsonb_build_object('metric', h.metric, 'labels', h.labels, 'buckets', h.buckets,
                                                                'sum', h.sum, 'count', h.count)
                                             order by h.metric, h.labels::text), '[]') from histograms h)
  )
$$;

-- The bucket helpers serve only the trigger and export_metrics, which run as the owner.
revoke all on function public.export_metric_buckets(text) from public, anon, authenticated, service_role;
revoke all on function public.export_metric_bucket(double precision[], double precision) from public, anon, authenticated, service_role;
revoke all on function public.record_export_metric(text, jsonb, bigint) from public, anon, authenticated;
revoke all on function public.export_queue_depth() from public, anon, authenticated;
revoke all on function public.export_metrics() from public, anon, authenticated;

grant execute on function public.record_export_metric(text, jsonb, bigint) to service_role;
grant execute on function public.export_queue_depth() to service_role;
grant execute on function public.export_metrics() to service_role;
