-- Derived data kept by one mechanism. Until now the counts behind reports
-- and track records (source_counts, claim_due_counts, record_delivered,
-- record_undelivered) and the removal of search rows and track-record facts
-- were kept by triggers, while open flags, next due dates, the facts
-- themselves and search rows were written by claims' Rust code: two
-- mechanisms, and the overdue and track-record rules restated in SQL.
--
-- From this version the store computes all of it from the rules in
-- src/domain/rules.rs, in the transaction of each change (counts as +n/-n
-- upserts), and `claims check` recomputes it with the same functions. The
-- PostgreSQL backend will then write no rule twice. The data these triggers
-- kept is already correct, so nothing is recomputed here.
--
-- A program that writes to this file behind claims' back no longer keeps
-- the counts: `claims check` names what it left wrong.

DROP TRIGGER source_counts_insert;
DROP TRIGGER source_counts_delete;
DROP TRIGGER source_counts_update;
DROP TRIGGER claim_search_delete;
DROP TRIGGER deadline_facts_insert_delivered;
DROP TRIGGER deadline_facts_insert_undelivered;
DROP TRIGGER deadline_facts_delete_delivered;
DROP TRIGGER deadline_facts_delete_undelivered;
DROP TRIGGER deadlines_delete_facts;
DROP TRIGGER claim_due_counts_insert;
DROP TRIGGER claim_due_counts_delete;
DROP TRIGGER claim_due_counts_update;
