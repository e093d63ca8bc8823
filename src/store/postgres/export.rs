//! Export pages on PostgreSQL: each record built as JSON by the server, one
//! row per page, read back into `Record` as on SQLite.

use sqlx::{Postgres, QueryBuilder};

use super::lists::push_filters;
use super::PostgresStore;
use crate::interchange::record::Record;
use crate::store::{ClaimFilter, StoreError as Error, StoreResult as Result};

/// A source as a record names it; `{t}` is the table's alias.
const SOURCE: &str = "json_build_object('id', {t}.id, 'name', {t}.name, 'kind', {t}.kind, \
     'role', {t}.role, 'affiliation', {t}.affiliation, 'url', {t}.url, 'notes', {t}.notes, \
     'reliability', {t}.reliability)";

impl PostgresStore {
    /// The export records of the claims after `after_id`, in id order, at
    /// most `limit`.
    pub async fn export_page(
        &self,
        filter: &ClaimFilter,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<Record>> {
        let record = format!(
            "json_build_object('id', c.id, 'uid', c.uid::text, 'database', db.value, \
             'external_id', c.external_id, 'text', c.text, 'status', c.status, 'kind', c.kind, \
             'source', {speaker}, \
             'reported_by', CASE WHEN r.id IS NULL THEN NULL ELSE {outlet} END, \
             'quote', c.quote, 'lang', c.lang, 'url', c.url, 'said_on', c.said_on, \
             'credibility', c.credibility, \
             'tags', COALESCE((SELECT json_agg(t.tag ORDER BY t.tag COLLATE \"C\") \
                 FROM claim_tags t WHERE t.claim_id = c.id), '[]'::json), \
             'deadlines', COALESCE((SELECT json_agg(json_build_object('id', d.id, \
                 'number', d.number, 'due', d.due, 'precision', d.precision, 'label', d.label, \
                 'met_on', d.met_on, 'as_written', d.as_written) ORDER BY d.due, d.id) \
                 FROM deadlines d WHERE d.claim_id = c.id), '[]'::json), \
             'speakers', CASE WHEN NOT EXISTS (SELECT 1 FROM claim_speakers WHERE claim_id = c.id) \
                 THEN '[]'::json ELSE (SELECT json_agg(x.source ORDER BY x.position) \
                 FROM (SELECT {speaker} AS source, 0 AS position \
                 UNION ALL SELECT {other}, cs.position FROM claim_speakers cs \
                 JOIN sources o ON o.id = cs.source_id WHERE cs.claim_id = c.id) x) END, \
             'history', COALESCE((SELECT json_agg(json_build_object('id', h.id, 'event', h.event, \
                 'at', h.at, 'from', h.from_status, 'to', h.to_status, 'note', h.note, \
                 'evidence', h.evidence, 'deadline_id', h.deadline_id, \
                 'old_due', h.old_due, 'new_due', h.new_due, \
                 'recorded_at', to_char(h.recorded_at AT TIME ZONE 'UTC', \
                     'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
                 'by', h.\"by\", \
                 'voided', EXISTS (SELECT 1 FROM events v WHERE v.voids = h.id), \
                 'voids', h.voids, 'field', h.field, \
                 'old', h.old_value, 'new', h.new_value) ORDER BY h.id) \
                 FROM events h WHERE h.claim_id = c.id), '[]'::json))",
            speaker = SOURCE.replace("{t}", "s"),
            outlet = SOURCE.replace("{t}", "r"),
            other = SOURCE.replace("{t}", "o"),
        );
        let mut q = QueryBuilder::<Postgres>::new(format!(
            "SELECT COALESCE(json_agg(record ORDER BY id), '[]'::json)::text FROM \
             (SELECT c.id, {record} AS record FROM claims c \
             JOIN sources s ON s.id = c.speaker_id \
             LEFT JOIN sources r ON r.id = c.reported_by_id \
             LEFT JOIN database_info db ON db.key = 'uuid' WHERE c.id > "
        ));
        q.push_bind(after_id);
        push_filters(&mut q, filter);
        q.push(" ORDER BY c.id LIMIT ")
            .push_bind(limit)
            .push(") page");
        let json: String = q
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        serde_json::from_str(&json).map_err(|e| Error::Corrupt(format!("export page: {e}")))
    }
}
