-- SPEC §2: segment names are unique among the live (not binned) segments of one profile database,
-- compared trimmed and case-insensitively. Existing duplicates keep the oldest name; later ones get
-- their id appended so the index can be built.
UPDATE "dynamic_segments" s
SET "name" = btrim(s."name") || ' (' || s."id" || ')'
WHERE s."deleted_at" IS NULL
  AND EXISTS (
    SELECT 1 FROM "dynamic_segments" o
    WHERE o."database_id" = s."database_id" AND o."deleted_at" IS NULL
      AND lower(btrim(o."name")) = lower(btrim(s."name")) AND o."id" < s."id"
  );--> statement-breakpoint
CREATE UNIQUE INDEX "dynamic_segments_live_name_unique" ON "dynamic_segments" USING btree ("database_id", lower(btrim("name"))) WHERE "deleted_at" IS NULL;
