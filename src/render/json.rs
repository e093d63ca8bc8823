//! JSON: the serde form of what commands return (the README's contract).

use serde::Serialize;
use serde_json::json;

use crate::app::Output;

pub fn to_json(output: &Output) -> String {
    fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
        serde_json::to_string_pretty(value).expect("plain data serializes")
    }
    match output {
        Output::Init {
            path,
            uuid,
            schema_version,
            migrations,
        } => pretty(
            &json!({"path": path, "uuid": uuid, "schema_version": schema_version, "migrations": migrations}),
        ),
        Output::Migrations {
            path,
            uuid,
            migrations,
        } => pretty(&json!({"path": path, "uuid": uuid, "migrations": migrations})),
        Output::Source(detail) => pretty(detail),
        Output::Sources { sources, .. } => pretty(sources),
        Output::Claim(claim) => pretty(claim),
        Output::Log(events) => pretty(events),
        Output::Claims { claims, .. } => pretty(claims),
        Output::Import(summary) => pretty(summary),
        Output::Backup { path, bytes } => pretty(&json!({"backup": path, "bytes": bytes})),
        Output::Checked { claims } => pretty(&json!({"ok": true, "claims": claims})),
        Output::Grants(grants) => pretty(&json!({"grants": grants})),
        Output::Settings(settings) => pretty(
            &settings
                .iter()
                .map(|s| (s.name.to_string(), json!(s.value)))
                .collect::<serde_json::Map<String, serde_json::Value>>(),
        ),
        Output::Deadline { deadline, .. } => pretty(deadline),
        Output::Report(report) => pretty(report),
        Output::Removed {
            what,
            id,
            reference: None,
        } => pretty(&json!({"removed": what, "id": id})),
        Output::Removed {
            what,
            id,
            reference: Some(reference),
        } => pretty(&json!({"removed": what, "id": id, "ref": reference})),
        Output::Demo { added, report } => pretty(&json!({"added": added, "report": report})),
        Output::Extracted(extracted) => pretty(extracted),
    }
}
