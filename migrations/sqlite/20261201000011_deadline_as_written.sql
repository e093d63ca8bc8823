-- The date phrase a deadline was given as ("أيلول المقبل", "next September",
-- "+30d"), kept beside the period it was read as, so that a relative phrase
-- can be checked against the day it was counted from. NULL for deadlines
-- written before this version: their phrase was not kept.

ALTER TABLE deadlines ADD COLUMN as_written TEXT;
