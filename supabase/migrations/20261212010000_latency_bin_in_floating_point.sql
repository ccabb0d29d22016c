-- A latency's histogram bin computed in floating point: the logarithm of a numeric took about a
-- third of ingest's time (twice per event recorded, in the statement that adds to Health's running
-- totals). The bins are the same, four per doubling, 0 below 1 ms, at most 200 (a value within
-- rounding error of a bin's edge may land in the next: equal values still share their bin).
create or replace function private.latency_bin(p_ms double precision) returns smallint
language sql immutable parallel safe set search_path = '' as $$
  select case when p_ms < 1 then 0 else least(200, 1 + floor(4 * ln(p_ms) / ln(2::double precision)))::smallint end
$$;
