-- Optional grading on the Admiralty scale used by intelligence analysts:
-- a source's reliability, A (completely reliable) to E (unreliable) and F
-- (cannot be judged), and a claim's credibility, 1 (confirmed by other
-- sources) to 5 (improbable) and 6 (cannot be judged). NULL means not graded.
-- The two are kept apart on purpose: a reliable source can pass on a doubtful
-- claim.

ALTER TABLE sources ADD COLUMN reliability TEXT
    CHECK (reliability IN ('A', 'B', 'C', 'D', 'E', 'F'));
ALTER TABLE claims ADD COLUMN credibility INTEGER
    CHECK (credibility BETWEEN 1 AND 6);
