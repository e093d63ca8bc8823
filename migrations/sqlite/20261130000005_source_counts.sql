-- Source records without aggregating every claim: per source, role
-- (speaker or outlet) and status, how many claims. Kept by triggers, so
-- every write path (commands, imports, a future tool writing SQL) keeps it
-- right; `claims check` compares it with a fresh count.

CREATE TABLE source_counts (
    source_id INTEGER NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('speaker', 'outlet')),
    status    TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (source_id, role, status)
);

INSERT INTO source_counts (source_id, role, status, n)
SELECT speaker_id, 'speaker', status, COUNT(*) FROM claims GROUP BY speaker_id, status;
INSERT INTO source_counts (source_id, role, status, n)
SELECT reported_by_id, 'outlet', status, COUNT(*) FROM claims
WHERE reported_by_id IS NOT NULL GROUP BY reported_by_id, status;

CREATE TRIGGER source_counts_insert AFTER INSERT ON claims
BEGIN
    INSERT INTO source_counts (source_id, role, status, n) VALUES (NEW.speaker_id, 'speaker', NEW.status, 1)
    ON CONFLICT (source_id, role, status) DO UPDATE SET n = n + 1;
    INSERT INTO source_counts (source_id, role, status, n)
    SELECT NEW.reported_by_id, 'outlet', NEW.status, 1 WHERE NEW.reported_by_id IS NOT NULL
    ON CONFLICT (source_id, role, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER source_counts_delete AFTER DELETE ON claims
BEGIN
    UPDATE source_counts SET n = n - 1
    WHERE source_id = OLD.speaker_id AND role = 'speaker' AND status = OLD.status;
    UPDATE source_counts SET n = n - 1
    WHERE source_id = OLD.reported_by_id AND role = 'outlet' AND status = OLD.status;
END;

CREATE TRIGGER source_counts_update AFTER UPDATE OF status, speaker_id, reported_by_id ON claims
WHEN OLD.status IS NOT NEW.status OR OLD.speaker_id IS NOT NEW.speaker_id
  OR OLD.reported_by_id IS NOT NEW.reported_by_id
BEGIN
    UPDATE source_counts SET n = n - 1
    WHERE source_id = OLD.speaker_id AND role = 'speaker' AND status = OLD.status;
    UPDATE source_counts SET n = n - 1
    WHERE source_id = OLD.reported_by_id AND role = 'outlet' AND status = OLD.status;
    INSERT INTO source_counts (source_id, role, status, n) VALUES (NEW.speaker_id, 'speaker', NEW.status, 1)
    ON CONFLICT (source_id, role, status) DO UPDATE SET n = n + 1;
    INSERT INTO source_counts (source_id, role, status, n)
    SELECT NEW.reported_by_id, 'outlet', NEW.status, 1 WHERE NEW.reported_by_id IS NOT NULL
    ON CONFLICT (source_id, role, status) DO UPDATE SET n = n + 1;
END;

-- Overdue claims per source, from the index alone.
DROP INDEX claims_next_due;
CREATE INDEX claims_next_due ON claims (next_due, id, speaker_id, reported_by_id)
WHERE next_due IS NOT NULL;
