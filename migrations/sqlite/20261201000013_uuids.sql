-- Identities that hold across databases. A claim number is only unique in
-- its file: two desks both have a claim 1, and a calendar subscribed to
-- both showed one event for two deadlines. Now each database has a UUID,
-- made when it is created (or upgraded to this version), and each claim a
-- `uid`, kept through export and import, so the same claim is recognised in
-- another database and after its text was edited. UUIDs are version 4
-- (random), written here with SQLite's randomblob; claims writes new ones.

CREATE TABLE database_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

INSERT INTO database_info (key, value) SELECT 'uuid',
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)));

ALTER TABLE claims ADD COLUMN uid TEXT;
UPDATE claims SET uid =
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)));
CREATE UNIQUE INDEX claims_uid ON claims (uid);
