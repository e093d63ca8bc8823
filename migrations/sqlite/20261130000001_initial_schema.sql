-- The first schema of `claims`: sources, the claims they make, the deadlines
-- those claims carry, and an append-only history of every status change.
--
-- Dates are ISO-8601 text (YYYY-MM-DD) so that they sort and compare as
-- strings and read the same in any backend. A deadline stores the last day of
-- its period (`due`) plus the period's `precision`, so "by September 2026" is
-- due 2026-09-30 at month precision and overdue from 2026-10-01.

-- Emptiness is checked with trim(x) <> '' rather than length(): length()
-- stops at the first NUL, and text is stored exactly as given, NULs included.

CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (trim(name) <> ''),
    -- Lower-cased name: uniqueness is case-insensitive for Latin script,
    -- while Arabic (which has no case) compares exactly.
    name_key    TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('person', 'organization', 'government', 'outlet', 'anonymous', 'other')),
    role        TEXT,
    affiliation TEXT,
    url         TEXT,
    notes       TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE claims (
    id             INTEGER PRIMARY KEY,
    text           TEXT NOT NULL CHECK (trim(text) <> ''),
    speaker_id     INTEGER NOT NULL REFERENCES sources (id),
    reported_by_id INTEGER REFERENCES sources (id),
    quote          TEXT,
    lang           TEXT,
    url            TEXT,
    said_on        TEXT,
    kind           TEXT NOT NULL CHECK (kind IN ('promise', 'prediction', 'report', 'opinion')),
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'fulfilled', 'partial', 'failed', 'retracted', 'unverifiable')),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- A source's claims, as speaker or as outlet (source show, the records, and
-- the refusal to remove a source that still has claims).
CREATE INDEX claims_speaker ON claims (speaker_id);
CREATE INDEX claims_reported_by ON claims (reported_by_id);
CREATE INDEX claims_status ON claims (status);

CREATE TABLE claim_tags (
    claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    tag      TEXT NOT NULL CHECK (trim(tag) <> ''),
    PRIMARY KEY (claim_id, tag)
);
CREATE INDEX claim_tags_tag ON claim_tags (tag);

CREATE TABLE deadlines (
    id        INTEGER PRIMARY KEY,
    claim_id  INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    due       TEXT NOT NULL,
    precision TEXT NOT NULL CHECK (precision IN ('day', 'month', 'quarter', 'year')),
    label     TEXT,
    met_on    TEXT
);
CREATE INDEX deadlines_claim ON deadlines (claim_id);
-- Overdue and upcoming look only at unmet deadlines, by due date.
CREATE INDEX deadlines_open_due ON deadlines (due, claim_id) WHERE met_on IS NULL;

-- Every status change, deadline move and reopening, in the order it was
-- recorded. Rows are only ever appended: the trigger below refuses edits.
CREATE TABLE status_history (
    id          INTEGER PRIMARY KEY,
    claim_id    INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    event       TEXT NOT NULL CHECK (event IN ('created', 'status', 'reopened', 'deadline_moved', 'deadline_met')),
    at          TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    note        TEXT,
    evidence    TEXT,
    deadline_id INTEGER,
    old_due     TEXT,
    new_due     TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX status_history_claim ON status_history (claim_id, id);

CREATE TRIGGER status_history_append_only
BEFORE UPDATE ON status_history
BEGIN
    SELECT RAISE(ABORT, 'status history is append-only');
END;
