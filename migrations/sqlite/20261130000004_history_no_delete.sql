-- The history cannot be rewritten: besides edits (refused since the first
-- schema), deleting history rows is refused too, unless the claim itself is
-- being removed on purpose (`claims remove ID --yes`), when ON DELETE
-- CASCADE removes its history after the claim row is gone.

CREATE TRIGGER status_history_no_delete
BEFORE DELETE ON status_history
WHEN EXISTS (SELECT 1 FROM claims WHERE id = OLD.claim_id)
BEGIN
    SELECT RAISE(ABORT, 'status history is append-only');
END;
