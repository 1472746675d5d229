DROP INDEX "profiles_database_email_idx";--> statement-breakpoint
CREATE INDEX "profiles_database_email_idx" ON "profiles" USING btree ("database_id",lower("email") text_pattern_ops);