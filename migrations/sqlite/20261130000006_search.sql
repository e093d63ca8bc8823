-- Full-text search over claims. SQLite's tokenizer does not fold Arabic
-- (harakat split words, hamza forms differ), so `claims` stores a folded copy
-- of each claim's searchable text (text, quote, speaker and outlet names;
-- see src/normalize.rs) keyed by claim id; the original text is untouched.
-- The folding is Rust code, so the rows of existing claims are written by
-- `claims` on its next open: `search_backfill` marks that as still to do.

CREATE VIRTUAL TABLE claim_search USING fts5(body, tokenize = 'unicode61');

CREATE TRIGGER claim_search_delete AFTER DELETE ON claims
BEGIN
    DELETE FROM claim_search WHERE rowid = OLD.id;
END;

CREATE TABLE search_backfill (pending INTEGER NOT NULL);
INSERT INTO search_backfill (pending) SELECT 1 WHERE EXISTS (SELECT 1 FROM claims);
