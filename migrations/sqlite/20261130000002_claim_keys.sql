-- Stable keys so that importing the same data twice adds nothing.
--
-- `external_id` is the caller's own id for a claim (a spreadsheet row id, a
-- newsroom CMS id); unique when given. `fingerprint` identifies a claim by
-- its speaker, text and date said when there is no external id; `claims`
-- computes it (a 64-bit FNV-1a hash in hex) and fills it in for rows written
-- before this migration the first time it opens the database.

ALTER TABLE claims ADD COLUMN external_id TEXT;
ALTER TABLE claims ADD COLUMN fingerprint TEXT;

CREATE UNIQUE INDEX claims_external_id ON claims (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX claims_fingerprint ON claims (fingerprint);
