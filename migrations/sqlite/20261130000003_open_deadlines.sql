-- Answer "what is overdue / upcoming" from small indexes instead of joining
-- every claim to every deadline (seconds at a million claims).
--
-- deadlines.open is 1 for an unmet deadline of a pending claim, else 0.
-- claims.next_due is the earliest open deadline of the claim (NULL if none).
-- Both are derived data, kept correct by every write path in src/db.rs
-- (status changes, deadline added/met/moved/removed, import).

ALTER TABLE deadlines ADD COLUMN open INTEGER NOT NULL DEFAULT 0;
ALTER TABLE claims ADD COLUMN next_due TEXT;

UPDATE deadlines SET open = 1
WHERE met_on IS NULL
  AND claim_id IN (SELECT id FROM claims WHERE status = 'pending');

UPDATE claims SET next_due = (
    SELECT MIN(d.due) FROM deadlines d WHERE d.claim_id = claims.id AND d.open = 1
);

-- Overdue (next_due before D, oldest first) and the list order.
CREATE INDEX claims_next_due ON claims (next_due, id) WHERE next_due IS NOT NULL;
-- Upcoming: open deadlines due in a window.
CREATE INDEX deadlines_open ON deadlines (due, claim_id) WHERE open = 1;
-- Superseded by deadlines_open.
DROP INDEX deadlines_open_due;
-- Source records (claims by status, and overdue, per speaker and per
-- outlet) read from these covering indexes alone.
CREATE INDEX claims_speaker_record ON claims (speaker_id, status, next_due);
DROP INDEX claims_speaker;
CREATE INDEX claims_outlet_record ON claims (reported_by_id, status, next_due);
DROP INDEX claims_reported_by;
