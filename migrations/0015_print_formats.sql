-- Print output (issue 19): the request's shape check now knows the vector
-- formats (svg, vector-pdf) and the paper sizes (lib/poster/paper.ts), and
-- refuses print options of the wrong type, for requests sent straight to
-- PostgREST. zod checks everything in full at the API edge, including the
-- rules across fields (bleed only on paper, custom paper within 50–1200 mm).
create or replace function public.export_request_problem(p_request jsonb, p_max_bytes integer)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_request is null or jsonb_typeof(p_request) <> 'object' then 'the request must be a JSON object'
    when octet_length(p_request::text) > p_max_bytes then format('the request is larger than %s bytes', p_max_bytes)
    when jsonb_typeof(p_request -> 'poster') is distinct from 'object' then 'poster must be an object'
    when jsonb_typeof(p_request -> 'format') is distinct from 'string'
      or p_request ->> 'format' not in ('png', 'jpeg', 'pdf', 'svg', 'vector-pdf')
      then 'format must be one of png, jpeg, pdf, svg, vector-pdf'
    when jsonb_typeof(p_request -> 'size') is distinct from 'string'
      or p_request ->> 'size' not in (
        'social', 'small', 'medium', 'large', 'ultra',
        'a5', 'a4', 'a3', 'a2', 'a1', 'a0', 'letter', 'legal', 'tabloid',
        '8x10in', '11x14in', '12x16in', '16x20in', '18x24in', '24x36in', '30x40cm', '50x70cm', '70x100cm', 'custom')
      then 'size must be one of social, small, medium, large, ultra (screens), a5, a4, a3, a2, a1, a0, letter, legal, tabloid, 8x10in, 11x14in, 12x16in, 16x20in, 18x24in, 24x36in, 30x40cm, 50x70cm, 70x100cm (paper) or custom'
    when p_request ->> 'size' = 'custom' and (jsonb_typeof(p_request -> 'paper' -> 'width') is distinct from 'number'
      or jsonb_typeof(p_request -> 'paper' -> 'height') is distinct from 'number'
      or p_request -> 'paper' ->> 'unit' not in ('mm', 'in'))
      then 'size custom needs paper: { width, height, unit: mm or in }'
    when p_request ? 'dpi' and p_request ->> 'dpi' not in ('150', '300') then 'dpi must be 150 or 300'
    when (p_request ? 'bleed' and jsonb_typeof(p_request -> 'bleed') <> 'boolean')
      or (p_request ? 'cropMarks' and jsonb_typeof(p_request -> 'cropMarks') <> 'boolean')
      then 'bleed and cropMarks must be true or false'
    when p_request ? 'webhookUrl' and (jsonb_typeof(p_request -> 'webhookUrl') is distinct from 'string'
      or p_request ->> 'webhookUrl' !~* '^https?://[^/?#]' or char_length(p_request ->> 'webhookUrl') > 2048)
      then 'webhookUrl must be an http or https URL of at most 2048 characters'
  end
$$;

revoke all on function public.export_request_problem(jsonb, integer) from public, anon, authenticated, service_role;
