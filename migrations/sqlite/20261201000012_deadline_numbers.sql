-- Deadlines addressed by claim: `6.1` is claim 6's first deadline, so a user
-- working on claim 3 cannot move claim 6's deadline by a slip of a global
-- id. `number` counts a claim's deadlines in the order they were given and
-- is never given twice within a claim: `claims.deadlines_given` is how many
-- numbers a claim has used, and only grows (a removed deadline's number
-- stays spent). Numbers of existing deadlines follow their ids.

ALTER TABLE deadlines ADD COLUMN number INTEGER;
UPDATE deadlines SET number = (
    SELECT COUNT(*) FROM deadlines d WHERE d.claim_id = deadlines.claim_id AND d.id <= deadlines.id
);
CREATE UNIQUE INDEX deadlines_claim_number ON deadlines (claim_id, number);

ALTER TABLE claims ADD COLUMN deadlines_given INTEGER NOT NULL DEFAULT 0;
UPDATE claims SET deadlines_given = (SELECT COUNT(*) FROM deadlines d WHERE d.claim_id = claims.id)
WHERE id IN (SELECT claim_id FROM deadlines);
