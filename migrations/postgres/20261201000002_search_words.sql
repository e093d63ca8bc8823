-- Search matches words as claims splits them, not as PostgreSQL's parser
-- does: the parser reads `al-asad` as three tokens at three positions
-- (`al-asad`, `al`, `asad`), so the phrase "ain al-asad" would not match
-- its own text. Each search row now keeps its words (the folded text split
-- at every character that is not a letter or digit, in Rust, as SQLite's
-- queries split them) as a tsvector, and the index is over them.
ALTER TABLE claim_search ADD COLUMN words tsvector;
-- No database of schema 1 holds claims (no release wrote one), but one
-- that does gets its words here, split the same way by the server.
UPDATE claim_search SET words = to_tsvector('simple', regexp_replace(body, '[^[:alnum:]]+', ' ', 'g'));
ALTER TABLE claim_search ALTER COLUMN words SET NOT NULL;
DROP INDEX claim_search_words;
CREATE INDEX claim_search_words ON claim_search USING gin (words);
