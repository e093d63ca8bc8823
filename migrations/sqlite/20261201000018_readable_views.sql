-- Views for reading the database with other tools (sqlite3, Datasette, a
-- spreadsheet's database import): the claims with their speaker, outlet,
-- next due date and whether they are overdue today; the open deadlines; the
-- history in words. The tables stay the record; these only read it.
-- "Today" is SQLite's date('now'), in UTC.
CREATE VIEW claim_overview AS
SELECT c.id,
       c.uid,
       c.text,
       c.status,
       CASE WHEN c.status = 'pending' AND c.next_due < date('now') THEN 1 ELSE 0 END AS overdue,
       c.next_due,
       c.kind,
       s.name AS speaker,
       s.kind AS speaker_kind,
       s.reliability AS speaker_reliability,
       r.name AS outlet,
       c.quote,
       c.lang,
       c.url,
       c.said_on,
       c.credibility,
       (SELECT group_concat(tag, '; ') FROM
           (SELECT tag FROM claim_tags t WHERE t.claim_id = c.id ORDER BY tag)) AS tags,
       c.created_at AS recorded_at
FROM claims c
JOIN sources s ON s.id = c.speaker_id
LEFT JOIN sources r ON r.id = c.reported_by_id;

CREATE VIEW open_deadlines AS
SELECT d.claim_id || '.' || d.number AS deadline,
       d.claim_id,
       d.due,
       d.precision,
       d.label,
       d.as_written,
       CASE WHEN d.due < date('now') THEN 1 ELSE 0 END AS overdue,
       c.text AS claim,
       s.name AS speaker
FROM deadlines d
JOIN claims c ON c.id = d.claim_id
JOIN sources s ON s.id = c.speaker_id
WHERE d.met_on IS NULL AND c.status = 'pending';

CREATE VIEW history_in_words AS
SELECT e.id,
       e.claim_id,
       e.at,
       e.recorded_at,
       e.by,
       e.event,
       CASE WHEN EXISTS (SELECT 1 FROM events v WHERE v.voids = e.id) THEN '[void] ' ELSE '' END ||
       CASE e.event
           WHEN 'recorded' THEN 'recorded as ' || e.to_status
           WHEN 'edited' THEN coalesce(e.field, '?') || ' edited'
           WHEN 'status' THEN coalesce(e.from_status, '-') || ' → ' || e.to_status
           WHEN 'reopened' THEN coalesce(e.from_status, '-') || ' → ' || e.to_status
           WHEN 'note' THEN 'note'
           WHEN 'correction' THEN 'undid event #' || coalesce(e.voids, '?')
           ELSE 'deadline ' || e.claim_id || '.' || coalesce(
                   CASE WHEN json_valid(coalesce(e.old_value, e.new_value))
                        THEN json_extract(coalesce(e.old_value, e.new_value), '$.number') END,
                   (SELECT d.number FROM deadlines d WHERE d.id = e.deadline_id), '?') ||
                CASE e.event
                    WHEN 'deadline_added' THEN ' added, due ' || coalesce(e.new_due, '?')
                    WHEN 'deadline_moved' THEN ' moved ' || coalesce(e.old_due, '?') || ' → ' || coalesce(e.new_due, '?')
                    WHEN 'deadline_met' THEN ' met'
                    ELSE ' removed (was due ' || coalesce(e.old_due, '?') || ')'
                END
       END AS change,
       e.note,
       e.evidence
FROM events e;
