-- One code for "not signed in": the API answers `unauthenticated` (the auth
-- layer's code) everywhere, so the functions that raised `not_authenticated`
-- (CX006, CK006: migrations 0004, 0007, 0008) now raise that word too. Each
-- such function is redefined from its own current definition with only the
-- message changed; `create or replace` keeps its owner and grants.
do $$
declare
  f record;
begin
  for f in
    select p.oid
      from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and p.prosrc like '%message = ''not_authenticated''%'
  loop
    execute replace(pg_get_functiondef(f.oid), 'message = ''not_authenticated''', 'message = ''unauthenticated''');
  end loop;
end
$$;
