DROP INDEX "events_database_mailing_type_idx";--> statement-breakpoint
DROP INDEX "events_database_type_time_idx";--> statement-breakpoint
DROP INDEX "profiles_database_range_idx";--> statement-breakpoint
CREATE INDEX "events_database_mailing_type_idx" ON "events" USING btree ("database_id","mailing_id","type","profile_id");--> statement-breakpoint
CREATE INDEX "events_database_type_time_idx" ON "events" USING btree ("database_id","type","occurred_at","profile_id");--> statement-breakpoint
CREATE INDEX "profiles_database_range_idx" ON "profiles" USING btree ("database_id","range_key","id");