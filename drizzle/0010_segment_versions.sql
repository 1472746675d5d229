-- Versions of a dynamic segment's definition (SPEC §6): every save that changes the range, the
-- conditions or the limit writes version n = 1, 2, … in the same transaction as the segment row.
-- A version is immutable: the trigger below refuses UPDATE and DELETE, for every role, except the
-- cascade that removes a segment's versions together with the segment ("Delete permanently").
-- TRUNCATE stays possible: it is the wholesale reset of a database (`npm run db:seed -- --reset`).
-- `created_by` has no foreign key on purpose: a version keeps naming its author (users are only
-- deactivated), and an ON DELETE action would be an UPDATE the trigger refuses.
CREATE TABLE "segment_versions" (
	"segment_id" integer NOT NULL,
	"n" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" integer,
	"range_from" numeric(5, 2) NOT NULL,
	"range_to" numeric(5, 2) NOT NULL,
	"conditions" jsonb,
	"limit" integer,
	"count" bigint,
	"restored_from" integer,
	CONSTRAINT "segment_versions_segment_id_n_pk" PRIMARY KEY("segment_id","n"),
	CONSTRAINT "segment_versions_n_positive" CHECK ("n" >= 1)
);
--> statement-breakpoint
ALTER TABLE "segment_versions" ADD CONSTRAINT "segment_versions_segment_id_dynamic_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."dynamic_segments"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE FUNCTION segment_versions_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- The only way a version goes: its segment was deleted for good (the FK cascade runs after the
  -- segment row is gone, so it is no longer visible here).
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM dynamic_segments WHERE id = OLD.segment_id) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'Segment versions are immutable: % of version % of segment % refused', TG_OP, OLD.n, OLD.segment_id
    USING ERRCODE = 'restrict_violation';
END
$$;
--> statement-breakpoint
CREATE TRIGGER "segment_versions_immutable" BEFORE UPDATE OR DELETE ON "segment_versions"
FOR EACH ROW EXECUTE FUNCTION segment_versions_immutable();
--> statement-breakpoint
-- Every existing segment starts at version 1: its current definition, by its creator, at its last change.
INSERT INTO "segment_versions" ("segment_id", "n", "created_at", "created_by", "range_from", "range_to", "conditions", "limit", "count")
SELECT "id", 1, "updated_at", "created_by", "range_from", "range_to", "conditions", "limit", "last_count" FROM "dynamic_segments";
--> statement-breakpoint
-- The version a mailing was created with, and the version an action job used.
ALTER TABLE "mailings" ADD COLUMN "segment_version" integer;
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "source_segment_version" integer;
--> statement-breakpoint
UPDATE "mailings" m SET "segment_version" = 1 WHERE m."segment_id" IS NOT NULL;
--> statement-breakpoint
UPDATE "jobs" j SET "source_segment_version" = 1 WHERE j."source_segment_id" IS NOT NULL;
