-- Title search (items.list, the batch grid) is `ILIKE '%words%'`, which no btree can serve:
-- a trigram index keeps it from scanning every item of a project. pg_trgm ships with
-- Postgres' contrib and with PGlite; where it cannot be installed (no rights, no contrib)
-- search still works, only by scanning.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN others THEN
  RAISE NOTICE 'pg_trgm is not available (%): title search will scan', SQLERRM;
END;
$$;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX IF NOT EXISTS "items_title_trgm_idx" ON "items" USING gin ("title" gin_trgm_ops);
  END IF;
END;
$$;
