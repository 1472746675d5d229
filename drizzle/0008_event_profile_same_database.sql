-- An event's database is its profile's: a composite foreign key states it, so that the engine (and a
-- DBA) may count events of one database without joining profiles (docs/data-model.md).
DROP INDEX "profiles_database_id_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "profiles_database_id_idx" ON "profiles" USING btree ("database_id","id");--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_database_profile_fk" FOREIGN KEY ("database_id","profile_id") REFERENCES "public"."profiles"("database_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_profile_id_profiles_id_fk";
