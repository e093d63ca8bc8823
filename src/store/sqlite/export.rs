//! Export pages: each record built as JSON by SQLite, one row per page.

use super::queries::push_filters;
use super::statement::{Bind, Statement};
use super::SqliteStore;
use crate::interchange::record::Record;
use crate::store::{ClaimFilter, StoreError as Error, StoreResult as Result};
use sqlx::Row;

impl SqliteStore {
    /// The export records of the claims after `after_id`, in id order, at
    /// most `limit`: SQLite builds each record as JSON, so a page is one row
    /// instead of five or six rows per claim (each row costs a trip through
    /// sqlx's worker thread). A PostgreSQL backend would use json_build_object.
    pub(super) async fn export_page(
        &self,
        filter: &ClaimFilter,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<Record>> {
        // NULLs stay in: the JSON is read back into `Record`, whose
        // serialization decides which absent values are written.
        const SOURCE: &str = "json_object('id', {t}.id, 'name', {t}.name, 'kind', {t}.kind, \
             'role', {t}.role, 'affiliation', {t}.affiliation, 'url', {t}.url, 'notes', {t}.notes, \
             'reliability', {t}.reliability)";
        let record = format!(
            "json_object('id', c.id, 'uid', c.uid, 'database', db.value, 'external_id', c.external_id, 'text', c.text, 'status', c.status, \
             'kind', c.kind, 'source', {speaker}, \
             'reported_by', json(CASE WHEN r.id IS NULL THEN NULL ELSE {outlet} END), \
             'quote', c.quote, 'lang', c.lang, 'url', c.url, 'said_on', c.said_on, \
             'credibility', c.credibility, 'tags', (SELECT json_group_array(t.tag) FROM (SELECT tag FROM claim_tags \
                 WHERE claim_id = c.id ORDER BY tag) t), \
             'deadlines', (SELECT json_group_array(json_object('id', d.id, 'number', d.number, 'due', d.due, \
                 'precision', d.precision, 'label', d.label, 'met_on', d.met_on, \
                 'as_written', d.as_written)) \
                 FROM (SELECT * FROM deadlines WHERE claim_id = c.id ORDER BY due, id) d), \
             'speakers', CASE WHEN NOT EXISTS (SELECT 1 FROM claim_speakers WHERE claim_id = c.id) \
                 THEN json('[]') ELSE (SELECT json_group_array(json(x.source)) \
                 FROM (SELECT {speaker} AS source, 0 AS position FROM sources s WHERE s.id = c.speaker_id \
                 UNION ALL SELECT {other}, cs.position FROM claim_speakers cs JOIN sources o ON o.id = cs.source_id \
                 WHERE cs.claim_id = c.id ORDER BY 2) x) END, \
             'history', (SELECT json_group_array(json_object('id', h.id, 'event', h.event, \
                 'at', h.at, 'from', h.from_status, 'to', h.to_status, 'note', h.note, \
                 'evidence', h.evidence, 'deadline_id', h.deadline_id, \
                 'old_due', h.old_due, 'new_due', h.new_due, 'recorded_at', h.recorded_at, \
                 'by', h.by, 'voided', json(CASE WHEN EXISTS (SELECT 1 FROM events v WHERE v.voids = h.id) \
                 THEN 'true' ELSE 'false' END), 'voids', h.voids, 'field', h.field, \
                 'old', h.old_value, 'new', h.new_value)) \
                 FROM (SELECT * FROM events WHERE claim_id = c.id ORDER BY id) h))",
            speaker = SOURCE.replace("{t}", "s"),
            outlet = SOURCE.replace("{t}", "r"),
            other = SOURCE.replace("{t}", "o"),
        );
        let mut s = Statement::new(&format!(
            "SELECT '[' || COALESCE(group_concat(record, ','), '') || ']' FROM (SELECT {record} AS record \
             FROM claims c JOIN sources s ON s.id = c.speaker_id \
             LEFT JOIN sources r ON r.id = c.reported_by_id \
             LEFT JOIN database_info db ON db.key = 'uuid' WHERE c.id > $1"
        ));
        s.binds.push(Bind::Int(after_id));
        push_filters(&mut s, filter);
        s.push(" ORDER BY c.id LIMIT {})", [Bind::Int(limit)]);
        let json: String = s.query().fetch_one(&self.pool).await?.try_get(0)?;
        let mut records: Vec<Record> =
            serde_json::from_str(&json).map_err(|e| Error::Corrupt(format!("export page: {e}")))?;
        records.sort_by_key(|r| r.id);
        Ok(records)
    }
}
