-- The record of every past day, so that a report as of a past day reads
-- rows instead of replaying every claim changed since
-- (docs/replay-speed.md). Computed in Rust (`domain::days`) from each
-- claim's events, rewritten with the claim in the transaction of every
-- change, and checked by `claims check`. Days are ISO dates; '0000-00-00'
-- is the first day there is (a claim without `said_on` is there from it),
-- '9999-99-99' the end of a period that has not ended.

-- The journal: at each day, how much each count row moved (a claim's
-- tallies after that day minus before it, summed over claims). The counts
-- as of D are today's counts minus the rows after D. One table per count
-- table, with its key and the day; keyed so that a past report reads the
-- rows after D of every source's claim counts, and of the sources it shows
-- for the rest.
CREATE TABLE source_count_days (
    day       TEXT NOT NULL,
    source_id INTEGER NOT NULL,
    role      TEXT NOT NULL,
    status    TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (day, source_id, role, status)
) WITHOUT ROWID;
CREATE TABLE claim_due_count_days (
    role      TEXT NOT NULL,
    source_id INTEGER NOT NULL,
    day       TEXT NOT NULL,
    next_due  TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (role, source_id, day, next_due)
) WITHOUT ROWID;
CREATE TABLE record_delivered_days (
    source_id INTEGER NOT NULL,
    role      TEXT NOT NULL,
    day       TEXT NOT NULL,
    late_days INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (source_id, role, day, late_days)
) WITHOUT ROWID;
CREATE TABLE record_undelivered_days (
    source_id INTEGER NOT NULL,
    role      TEXT NOT NULL,
    day       TEXT NOT NULL,
    first_due TEXT NOT NULL,
    pending   INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (source_id, role, day, first_due, pending)
) WITHOUT ROWID;

-- Each claim's status and next due date, by period: from `from_day` up to
-- the day before `until_day`.
CREATE TABLE claim_days (
    claim_id  INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    from_day  TEXT NOT NULL,
    until_day TEXT NOT NULL,
    status    TEXT NOT NULL,
    next_due  TEXT,
    PRIMARY KEY (claim_id, from_day)
);
CREATE INDEX claim_days_due ON claim_days (next_due, claim_id) WHERE next_due IS NOT NULL;
CREATE INDEX claim_days_undated ON claim_days (claim_id)
    WHERE next_due IS NULL AND status = 'pending';

-- Each deadline's open periods with their due date (a deadline moved has
-- one per date). No reference to `deadlines`: a removed deadline was open.
CREATE TABLE due_days (
    deadline_id INTEGER NOT NULL,
    from_day    TEXT NOT NULL,
    until_day   TEXT NOT NULL,
    claim_id    INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    due         TEXT NOT NULL,
    PRIMARY KEY (deadline_id, from_day)
);
CREATE INDEX due_days_due ON due_days (due, claim_id);
CREATE INDEX due_days_claim ON due_days (claim_id);

-- The existing claims' rows are written by `claims` on its next open.
CREATE TABLE days_backfill (pending INTEGER NOT NULL);
INSERT INTO days_backfill (pending) SELECT 1 WHERE EXISTS (SELECT 1 FROM claims);
