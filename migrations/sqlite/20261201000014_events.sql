-- Every change is an event. The status history recorded status changes,
-- moves and met deadlines with one date; it becomes `events`, which also
-- records edits (field, old value, new value), deadlines added and removed,
-- notes and corrections, each with three facts:
--
--   at           when it happened in the world (an ISO date; `--on`, else
--                the as-of date; a claim's `recorded` event is dated when
--                the claim was said, when that is known),
--   recorded_at  when it was written (a UTC timestamp),
--   by           who wrote it (NULL: not known, for rows older than this).
--
-- A `correction` voids one earlier event (`voids`); the voided event stays,
-- and every replay skips it. Rows are never changed, and deleted only with
-- their claim (`claims remove ID --yes`).
--
-- Values of `old_value` / `new_value`: the text of a field as stored; tags
-- and speakers as JSON arrays (of tags, of source ids); a removed deadline
-- as a JSON object, so that a replay of an earlier day can bring it back.

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    event       TEXT NOT NULL CHECK (event IN ('recorded', 'edited', 'status', 'reopened',
                    'deadline_added', 'deadline_moved', 'deadline_met', 'deadline_removed',
                    'note', 'correction')),
    at          TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    by          TEXT,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    note        TEXT,
    evidence    TEXT,
    deadline_id INTEGER,
    old_due     TEXT,
    new_due     TEXT,
    field       TEXT,
    old_value   TEXT,
    new_value   TEXT,
    voids       INTEGER REFERENCES events (id)
);

INSERT INTO events (id, claim_id, event, at, recorded_at, by, from_status, to_status, note,
                    evidence, deadline_id, old_due, new_due)
SELECT h.id, h.claim_id, CASE h.event WHEN 'created' THEN 'recorded' ELSE h.event END,
       CASE WHEN h.event = 'created' THEN COALESCE(c.said_on, h.at) ELSE h.at END,
       h.recorded_at, NULL, h.from_status, h.to_status, h.note, h.evidence, h.deadline_id,
       h.old_due, h.new_due
FROM status_history h LEFT JOIN claims c ON c.id = h.claim_id;

DROP TRIGGER status_history_append_only;
DROP TRIGGER status_history_no_delete;
DROP TABLE status_history;

CREATE INDEX events_claim ON events (claim_id, id);
-- Replays: which claims changed after a day, or were written after one.
CREATE INDEX events_at ON events (at, event, claim_id);
CREATE INDEX events_recorded_at ON events (recorded_at, claim_id);
-- `claims log --by NAME`, newest first.
CREATE INDEX events_by ON events (by, id);
CREATE UNIQUE INDEX events_voids ON events (voids) WHERE voids IS NOT NULL;

CREATE TRIGGER events_append_only
BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the history is append-only');
END;

CREATE TRIGGER events_no_delete
BEFORE DELETE ON events
WHEN EXISTS (SELECT 1 FROM claims WHERE id = OLD.claim_id)
BEGIN
    SELECT RAISE(ABORT, 'the history is append-only');
END;

-- Replays: which claims were said after a day.
CREATE INDEX claims_said_on ON claims (said_on) WHERE said_on IS NOT NULL;

-- Several speakers: a joint statement is said by each of them. The lead
-- speaker stays in claims.speaker_id; the others follow, in the order given.
CREATE TABLE claim_speakers (
    claim_id  INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL CHECK (position >= 1),
    source_id INTEGER NOT NULL REFERENCES sources (id),
    PRIMARY KEY (claim_id, position),
    UNIQUE (claim_id, source_id)
);
CREATE INDEX claim_speakers_source ON claim_speakers (source_id, claim_id);

-- Each speaker's record counts the claim's deadlines: a fact per deadline,
-- role and source.
CREATE TABLE deadline_facts_by_source (
    deadline_id INTEGER NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('speaker', 'outlet')),
    source_id   INTEGER NOT NULL,
    first_due   TEXT NOT NULL,
    done        TEXT,
    pending     INTEGER NOT NULL,
    PRIMARY KEY (deadline_id, role, source_id)
) WITHOUT ROWID;
INSERT INTO deadline_facts_by_source SELECT * FROM deadline_facts;
DROP TABLE deadline_facts;
ALTER TABLE deadline_facts_by_source RENAME TO deadline_facts;

-- Claims by status over every claim, each once: with several speakers the
-- speakers' counts no longer add up to the total. Kept in source_counts as
-- source 0, role `all`.
CREATE TABLE source_counts_with_totals (
    source_id INTEGER NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('speaker', 'outlet', 'all')),
    status    TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (source_id, role, status)
);
INSERT INTO source_counts_with_totals SELECT source_id, role, status, n FROM source_counts;
INSERT INTO source_counts_with_totals (source_id, role, status, n)
SELECT 0, 'all', status, COUNT(*) FROM claims GROUP BY status;
DROP TABLE source_counts;
ALTER TABLE source_counts_with_totals RENAME TO source_counts;
