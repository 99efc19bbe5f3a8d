-- Posters may now carry markers and routes (types/overlays.ts), up to 900 kB
-- of them; a stored request, measured as jsonb text (which adds a space after
-- every comma and colon), can reach about 1.3 MB. 1,600,000 bytes is
-- lib/overlays/limits.ts's MAX_STORED_REQUEST_BYTES. A deployment that set
-- its own limit keeps it.
alter table public.export_settings alter column max_request_bytes set default 1600000;
update public.export_settings set max_request_bytes = 1600000 where max_request_bytes = 262144;
