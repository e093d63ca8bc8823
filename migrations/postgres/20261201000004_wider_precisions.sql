-- Deadlines may be due at the end of an ISO week, a half year, the early, mid or late
-- part of a month or a year, or of a Hijri month or year (the date phrases of
-- real reporting): the precision check widens.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_precision_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_precision_check
    CHECK (precision IN ('day', 'week', 'month', 'quarter', 'year', 'half', 'early-month', 'mid-month', 'late-month', 'early-year', 'mid-year', 'late-year', 'hijri-month', 'hijri-year'));
