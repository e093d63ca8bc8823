-- Ids are never reused. SQLite gives a new row the largest id plus one, so
-- removing the newest claim and adding another gave the removed claim's id
-- again: a claim number cited in an article, or a calendar event, then
-- pointed at another claim. From this version the store takes every new
-- id of claims, deadlines and sources from these counters, which only grow;
-- an id once given stays spent after its row is removed.
--
-- Ids removed before this migration cannot be known any more: the counters
-- start after the largest id each table holds now.

CREATE TABLE id_counters (
    name    TEXT PRIMARY KEY CHECK (name IN ('claims', 'deadlines', 'sources')),
    next_id INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO id_counters (name, next_id) SELECT 'claims', COALESCE(MAX(id), 0) + 1 FROM claims;
INSERT INTO id_counters (name, next_id) SELECT 'deadlines', COALESCE(MAX(id), 0) + 1 FROM deadlines;
INSERT INTO id_counters (name, next_id) SELECT 'sources', COALESCE(MAX(id), 0) + 1 FROM sources;
