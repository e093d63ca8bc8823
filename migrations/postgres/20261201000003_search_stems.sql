-- Search finds a word in its other forms: each search row's `words` vector
-- holds the words themselves at weight A and their stems (Arabic light
-- stemming, English Snowball: computed in Rust) at weight B, so that one
-- tsquery asks for a word exactly (:A) or in any form (:B).
--
-- Existing rows keep their words, now at weight A, so exact matches work at
-- once; their stems are Rust code, so `claims` adds them on the open that
-- applies this migration (or on `claims migrate`): `search_backfill` marks
-- that as still to do.
UPDATE claim_search SET words = setweight(words, 'A');
CREATE TABLE search_backfill (pending integer NOT NULL);
INSERT INTO search_backfill (pending) SELECT 1 WHERE EXISTS (SELECT 1 FROM claims);
