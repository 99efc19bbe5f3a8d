-- Whether an access token's subject is still a user. Supabase's tokens outlive
-- a deleted auth.users row until they expire; without this check such a token
-- passed authentication and its first insert failed on the foreign key to
-- auth.users (23503, answered 500). GoTrue deletes softly too (deleted_at) and
-- bans (banned_until) without revoking tokens already issued; both count as gone.

-- Give the plain-Postgres stand-in of auth.users the two GoTrue columns the
-- check reads. On Supabase they exist, so auth.users is left untouched.
do $$
begin
  if not exists (select 1 from information_schema.columns
                  where table_schema = 'auth' and table_name = 'users' and column_name = 'deleted_at') then
    alter table auth.users add column deleted_at timestamptz;
  end if;
  if not exists (select 1 from information_schema.columns
                  where table_schema = 'auth' and table_name = 'users' and column_name = 'banned_until') then
    alter table auth.users add column banned_until timestamptz;
  end if;
end
$$;

create function public.auth_user_exists(p_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from auth.users u
     where u.id = p_id and u.deleted_at is null and (u.banned_until is null or u.banned_until <= now()))
$$;

revoke all on function public.auth_user_exists(uuid) from public, anon, authenticated;
grant execute on function public.auth_user_exists(uuid) to service_role;
