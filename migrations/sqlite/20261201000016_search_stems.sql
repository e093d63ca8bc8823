-- Search finds a word in its other forms: each search row keeps, beside its
-- folded text (`body`), the stem of each of its words (`stems`: Arabic light
-- stemming, English Snowball, computed in Rust). A word of a query matches
-- either; a quoted phrase or a prefix matches `body` only. Exact matches
-- rank first: bm25 weighs `body` ten times `stems`.
--
-- The stems are Rust code, so the rows of existing claims are written by
-- `claims` on its next open: `search_backfill` marks that as still to do.
DROP TABLE claim_search;
CREATE VIRTUAL TABLE claim_search USING fts5(body, stems, tokenize = 'unicode61');
INSERT INTO claim_search (claim_search, rank) VALUES ('rank', 'bm25(10.0, 1.0)');
DELETE FROM search_backfill;
INSERT INTO search_backfill (pending) SELECT 1 WHERE EXISTS (SELECT 1 FROM claims);
