DROP INDEX "events_profile_type_time_idx";--> statement-breakpoint
DROP INDEX "events_database_type_time_idx";--> statement-breakpoint
CREATE INDEX "events_profile_type_time_idx" ON "events" USING btree ("profile_id","type","occurred_at","database_id","channel","mailing_id");--> statement-breakpoint
CREATE INDEX "events_database_type_time_idx" ON "events" USING btree ("database_id","type","occurred_at","profile_id","channel");