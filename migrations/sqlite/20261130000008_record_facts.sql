-- Track records without reading every deadline. The deadline figures of a
-- source (met on time, median delay) used to join every claim of the source
-- to its deadlines and history: seconds for an outlet with half a million
-- claims. Now:
--
-- deadline_facts holds, per deadline and role (the claim's speaker, and its
-- outlet when there is one), what the records judge: the first due date
-- given (a moved deadline keeps its original date), the delivery date (the
-- day it was met, or the day a fulfilled claim was resolved), and whether
-- the claim is pending. Deadlines of unverifiable claims have no facts.
-- src/db.rs rewrites a claim's facts whenever its deadlines, status, history
-- or sources change (like deadlines.open); `claims check` recomputes them.
--
-- Two histograms per source and role, kept by the triggers below, answer
-- the records in time that grows with the number of distinct dates, not of
-- deadlines: record_delivered counts delivered deadlines by days late
-- (0 = on time); record_undelivered counts the others by first due date and
-- pending flag, so "past due as of D" is a range of it.

CREATE TABLE deadline_facts (
    deadline_id INTEGER NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('speaker', 'outlet')),
    source_id   INTEGER NOT NULL,
    first_due   TEXT NOT NULL,
    done        TEXT,
    pending     INTEGER NOT NULL,
    PRIMARY KEY (deadline_id, role)
) WITHOUT ROWID;

CREATE TABLE record_delivered (
    source_id INTEGER NOT NULL,
    role      TEXT NOT NULL,
    late_days INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (source_id, role, late_days)
) WITHOUT ROWID;

CREATE TABLE record_undelivered (
    source_id INTEGER NOT NULL,
    role      TEXT NOT NULL,
    first_due TEXT NOT NULL,
    pending   INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (source_id, role, first_due, pending)
) WITHOUT ROWID;

CREATE TRIGGER deadline_facts_insert_delivered AFTER INSERT ON deadline_facts
WHEN NEW.done IS NOT NULL
BEGIN
    INSERT INTO record_delivered (source_id, role, late_days, n)
    VALUES (NEW.source_id, NEW.role,
            MAX(0, CAST(julianday(NEW.done) - julianday(NEW.first_due) AS INTEGER)), 1)
    ON CONFLICT (source_id, role, late_days) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER deadline_facts_insert_undelivered AFTER INSERT ON deadline_facts
WHEN NEW.done IS NULL
BEGIN
    INSERT INTO record_undelivered (source_id, role, first_due, pending, n)
    VALUES (NEW.source_id, NEW.role, NEW.first_due, NEW.pending, 1)
    ON CONFLICT (source_id, role, first_due, pending) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER deadline_facts_delete_delivered AFTER DELETE ON deadline_facts
WHEN OLD.done IS NOT NULL
BEGIN
    UPDATE record_delivered SET n = n - 1
    WHERE source_id = OLD.source_id AND role = OLD.role
      AND late_days = MAX(0, CAST(julianday(OLD.done) - julianday(OLD.first_due) AS INTEGER));
END;

CREATE TRIGGER deadline_facts_delete_undelivered AFTER DELETE ON deadline_facts
WHEN OLD.done IS NULL
BEGIN
    UPDATE record_undelivered SET n = n - 1
    WHERE source_id = OLD.source_id AND role = OLD.role
      AND first_due = OLD.first_due AND pending = OLD.pending;
END;

-- A removed deadline (or claim, by cascade) takes its facts with it.
CREATE TRIGGER deadlines_delete_facts AFTER DELETE ON deadlines
BEGIN
    DELETE FROM deadline_facts WHERE deadline_id = OLD.id;
END;

INSERT INTO deadline_facts (deadline_id, role, source_id, first_due, done, pending)
SELECT dl.id, r.role,
       CASE r.role WHEN 'speaker' THEN c.speaker_id ELSE c.reported_by_id END,
       COALESCE((SELECT h.old_due FROM status_history h WHERE h.claim_id = c.id
                 AND h.deadline_id = dl.id AND h.event = 'deadline_moved' ORDER BY h.id LIMIT 1),
                dl.due),
       COALESCE(dl.met_on, CASE WHEN c.status = 'fulfilled' THEN (SELECT MAX(h.at)
                FROM status_history h WHERE h.claim_id = c.id AND h.event = 'status'
                AND h.to_status = 'fulfilled') END),
       c.status = 'pending'
FROM claims c
JOIN deadlines dl ON dl.claim_id = c.id
CROSS JOIN (SELECT 'speaker' AS role UNION ALL SELECT 'outlet') r
WHERE c.status <> 'unverifiable'
  AND (r.role = 'speaker' OR c.reported_by_id IS NOT NULL);

-- Overdue counts the same way: pending claims with an open deadline, per
-- source and role (and 'all', source 0, for the totals), by next due date.
-- "Overdue as of D" is the range before D: the report counts a million
-- claims from a few thousand rows. Kept by triggers on claims.next_due.

CREATE TABLE claim_due_counts (
    role      TEXT NOT NULL CHECK (role IN ('speaker', 'outlet', 'all')),
    source_id INTEGER NOT NULL,
    next_due  TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (role, source_id, next_due)
) WITHOUT ROWID;

INSERT INTO claim_due_counts (role, source_id, next_due, n)
SELECT 'speaker', speaker_id, next_due, COUNT(*) FROM claims
WHERE next_due IS NOT NULL GROUP BY speaker_id, next_due;
INSERT INTO claim_due_counts (role, source_id, next_due, n)
SELECT 'outlet', reported_by_id, next_due, COUNT(*) FROM claims
WHERE next_due IS NOT NULL AND reported_by_id IS NOT NULL GROUP BY reported_by_id, next_due;
INSERT INTO claim_due_counts (role, source_id, next_due, n)
SELECT 'all', 0, next_due, COUNT(*) FROM claims WHERE next_due IS NOT NULL GROUP BY next_due;

CREATE TRIGGER claim_due_counts_insert AFTER INSERT ON claims
WHEN NEW.next_due IS NOT NULL
BEGIN
    INSERT INTO claim_due_counts (role, source_id, next_due, n)
    VALUES ('speaker', NEW.speaker_id, NEW.next_due, 1)
    ON CONFLICT (role, source_id, next_due) DO UPDATE SET n = n + 1;
    INSERT INTO claim_due_counts (role, source_id, next_due, n)
    SELECT 'outlet', NEW.reported_by_id, NEW.next_due, 1 WHERE NEW.reported_by_id IS NOT NULL
    ON CONFLICT (role, source_id, next_due) DO UPDATE SET n = n + 1;
    INSERT INTO claim_due_counts (role, source_id, next_due, n)
    VALUES ('all', 0, NEW.next_due, 1)
    ON CONFLICT (role, source_id, next_due) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER claim_due_counts_delete AFTER DELETE ON claims
WHEN OLD.next_due IS NOT NULL
BEGIN
    UPDATE claim_due_counts SET n = n - 1
    WHERE role = 'speaker' AND source_id = OLD.speaker_id AND next_due = OLD.next_due;
    UPDATE claim_due_counts SET n = n - 1
    WHERE role = 'outlet' AND source_id = OLD.reported_by_id AND next_due = OLD.next_due;
    UPDATE claim_due_counts SET n = n - 1
    WHERE role = 'all' AND source_id = 0 AND next_due = OLD.next_due;
END;

CREATE TRIGGER claim_due_counts_update AFTER UPDATE OF next_due, speaker_id, reported_by_id ON claims
WHEN OLD.next_due IS NOT NEW.next_due OR OLD.speaker_id IS NOT NEW.speaker_id
  OR OLD.reported_by_id IS NOT NEW.reported_by_id
BEGIN
    UPDATE claim_due_counts SET n = n - 1
    WHERE role = 'speaker' AND source_id = OLD.speaker_id AND next_due = OLD.next_due;
    UPDATE claim_due_counts SET n = n - 1
    WHERE role = 'outlet' AND source_id = OLD.reported_by_id AND next_due = OLD.next_due;
    UPDATE claim_due_counts SET n = n - 1
    WHERE role = 'all' AND source_id = 0 AND next_due = OLD.next_due;
    INSERT INTO claim_due_counts (role, source_id, next_due, n)
    SELECT 'speaker', NEW.speaker_id, NEW.next_due, 1 WHERE NEW.next_due IS NOT NULL
    ON CONFLICT (role, source_id, next_due) DO UPDATE SET n = n + 1;
    INSERT INTO claim_due_counts (role, source_id, next_due, n)
    SELECT 'outlet', NEW.reported_by_id, NEW.next_due, 1
    WHERE NEW.next_due IS NOT NULL AND NEW.reported_by_id IS NOT NULL
    ON CONFLICT (role, source_id, next_due) DO UPDATE SET n = n + 1;
    INSERT INTO claim_due_counts (role, source_id, next_due, n)
    SELECT 'all', 0, NEW.next_due, 1 WHERE NEW.next_due IS NOT NULL
    ON CONFLICT (role, source_id, next_due) DO UPDATE SET n = n + 1;
END;
