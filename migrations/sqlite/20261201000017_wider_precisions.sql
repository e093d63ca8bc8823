-- Deadlines may be due at the end of an ISO week, a half year, the early, mid or late
-- part of a month or a year, or of a Hijri month or year (the date phrases of
-- real reporting): the precision check widens. SQLite cannot alter a CHECK,
-- so the table is rebuilt with the same columns, rows and indexes.
CREATE TABLE deadlines_widened (
    id         INTEGER PRIMARY KEY,
    claim_id   INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    due        TEXT NOT NULL,
    precision  TEXT NOT NULL CHECK (precision IN ('day', 'week', 'month', 'quarter', 'year', 'half', 'early-month', 'mid-month', 'late-month', 'early-year', 'mid-year', 'late-year', 'hijri-month', 'hijri-year')),
    label      TEXT,
    met_on     TEXT,
    open       INTEGER NOT NULL DEFAULT 0,
    as_written TEXT,
    number     INTEGER
);
INSERT INTO deadlines_widened (id, claim_id, due, precision, label, met_on, open, as_written, number)
SELECT id, claim_id, due, precision, label, met_on, open, as_written, number FROM deadlines;
DROP TABLE deadlines;
ALTER TABLE deadlines_widened RENAME TO deadlines;
CREATE INDEX deadlines_claim ON deadlines (claim_id);
CREATE INDEX deadlines_open ON deadlines (due, claim_id) WHERE open = 1;
CREATE UNIQUE INDEX deadlines_claim_number ON deadlines (claim_id, number);
