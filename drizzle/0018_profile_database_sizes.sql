-- The number of profiles of each profile database, kept by triggers on profiles in the same
-- transaction as the rows themselves, so that a database's size is one row to read (the condition
-- funnel's first step: lib/segments/funnel.ts) instead of a count over an index of every profile.
-- Statement triggers with transition tables add one grouped row per statement, whatever inserts or
-- deletes profiles (API, import, seed, copy to database, bulk operations, a database's deletion by
-- cascade); a profile moved to another database (never done by the app) is counted by a row trigger
-- that fires only when database_id is in the UPDATE's SET list. Writers of one database's profiles
-- queue on its row until commit (docs/data-model.md).
CREATE TABLE "profile_database_sizes" (
	"database_id" integer PRIMARY KEY NOT NULL REFERENCES "profile_databases"("id") ON DELETE cascade,
	"profiles" bigint DEFAULT 0 NOT NULL
);--> statement-breakpoint
INSERT INTO "profile_database_sizes" ("database_id", "profiles")
	SELECT d.id, (SELECT count(*) FROM profiles p WHERE p.database_id = d.id) FROM profile_databases d;--> statement-breakpoint
CREATE FUNCTION "profile_database_sizes_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO profile_database_sizes AS s (database_id, profiles)
		SELECT database_id, count(*) FROM inserted_profiles GROUP BY database_id
	ON CONFLICT (database_id) DO UPDATE SET profiles = s.profiles + excluded.profiles;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "profile_database_sizes_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- An update only: when a whole database is deleted its row is already gone (ON DELETE cascade).
	UPDATE profile_database_sizes s SET profiles = s.profiles - d.n
		FROM (SELECT database_id, count(*) AS n FROM deleted_profiles GROUP BY database_id) d
		WHERE s.database_id = d.database_id;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "profile_database_sizes_moved"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE profile_database_sizes SET profiles = profiles - 1 WHERE database_id = OLD.database_id;
	INSERT INTO profile_database_sizes AS s (database_id, profiles) VALUES (NEW.database_id, 1)
	ON CONFLICT (database_id) DO UPDATE SET profiles = s.profiles + 1;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION "profile_database_sizes_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE profile_database_sizes SET profiles = 0;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "profiles_sizes_insert" AFTER INSERT ON "profiles" REFERENCING NEW TABLE AS inserted_profiles
	FOR EACH STATEMENT EXECUTE FUNCTION profile_database_sizes_inserted();--> statement-breakpoint
CREATE TRIGGER "profiles_sizes_delete" AFTER DELETE ON "profiles" REFERENCING OLD TABLE AS deleted_profiles
	FOR EACH STATEMENT EXECUTE FUNCTION profile_database_sizes_deleted();--> statement-breakpoint
CREATE TRIGGER "profiles_sizes_move" AFTER UPDATE OF "database_id" ON "profiles"
	FOR EACH ROW WHEN (OLD.database_id IS DISTINCT FROM NEW.database_id) EXECUTE FUNCTION profile_database_sizes_moved();--> statement-breakpoint
CREATE TRIGGER "profiles_sizes_truncate" AFTER TRUNCATE ON "profiles"
	FOR EACH STATEMENT EXECUTE FUNCTION profile_database_sizes_truncated();
