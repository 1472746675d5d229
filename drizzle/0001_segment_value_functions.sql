-- Typed readers for custom field values and event properties stored in jsonb, used by the selection
-- engine (lib/segments). Both are IMMUTABLE plain-SQL expressions, so PostgreSQL inlines them into
-- queries and they can back expression indexes, e.g.
--   CREATE INDEX ON profiles (database_id, segment_number(fields -> 'age'));
-- Neither ever raises an error: a value of the wrong kind reads as NULL ("no value of this type").

-- A JSON number as numeric; NULL for anything else (missing, null, strings, booleans).
CREATE FUNCTION segment_number(v jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN v::numeric END $$;
--> statement-breakpoint

-- An ISO 8601 date or date-time as an instant (the grammar of lib/segments/dates.ts):
--   YYYY-MM-DD                                   → the start of that UTC day
--   YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]][Z|±HH[:MM]] → that instant (no offset = UTC)
-- NULL for anything else, including impossible days such as 2026-02-30. Written with immutable
-- functions only (no text→timestamptz cast, which depends on the session time zone), so that it
-- inlines and can be indexed.
CREATE FUNCTION segment_instant(v text) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
SELECT CASE
  WHEN v ~ '^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?)?$'
   AND substr(v, 1, 4)::int >= 1
   AND substr(v, 9, 2)::int <= CASE substr(v, 6, 2)::int
         WHEN 2 THEN CASE WHEN substr(v, 1, 4)::int % 4 = 0
                           AND (substr(v, 1, 4)::int % 100 <> 0 OR substr(v, 1, 4)::int % 400 = 0)
                          THEN 29 ELSE 28 END
         WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30
         ELSE 31 END
  THEN timezone('UTC',
    make_timestamp(
      substr(v, 1, 4)::int, substr(v, 6, 2)::int, substr(v, 9, 2)::int,
      CASE WHEN length(v) > 10 THEN substr(v, 12, 2)::int ELSE 0 END,
      CASE WHEN length(v) > 10 THEN substr(v, 15, 2)::int ELSE 0 END,
      coalesce(substring(v from '^.{16}:(\d{2}(?:\.\d{1,6})?)')::float8, 0))
    - CASE WHEN length(v) > 16 AND v ~ '\d[+-]\d{2}(:?\d{2})?$'
        THEN make_interval(mins =>
               (CASE WHEN substring(v from '([+-])\d{2}(?::?\d{2})?$') = '-' THEN -1 ELSE 1 END)
               * (substring(v from '[+-](\d{2})(?::?\d{2})?$')::int * 60
                  + coalesce(substring(v from '[+-]\d{2}:?(\d{2})$')::int, 0)))
        ELSE interval '0' END)
END
$$;
