ALTER TABLE "profile_changes" DROP CONSTRAINT "profile_changes_profile_id_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "profile_changes" DROP CONSTRAINT "profile_changes_user_id_users_id_fk";
