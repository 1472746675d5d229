-- Custom fields a database owner marks as indexed: lib/segments/field-index.ts then keeps a partial
-- expression index on profiles for that field of that database (created CONCURRENTLY, outside any
-- transaction, so a big table stays writable; the flag is set only once the index is valid).
ALTER TABLE "profile_fields" ADD COLUMN "indexed" boolean DEFAULT false NOT NULL;
