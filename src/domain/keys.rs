//! The keys that identify things across databases and imports: a source's
//! name key and a claim's fingerprint. Both are stored, so they must never
//! change between versions.

use chrono::NaiveDate;

use crate::domain::dates::iso;

/// The key that makes source names unique: trimmed, and lower-cased (which
/// only changes cased scripts such as Latin; Arabic compares exactly).
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Identifies a claim by speaker, text and date said: a 64-bit FNV-1a hash,
/// stable across versions and platforms (unlike std's hasher).
pub fn fingerprint(speaker_id: i64, text: &str, said_on: Option<NaiveDate>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let speaker = speaker_id.to_string();
    let said_on = said_on.map(iso).unwrap_or_default();
    let parts: [&[u8]; 5] = [
        speaker.as_bytes(),
        b"\x1f",
        text.as_bytes(),
        b"\x1f",
        said_on.as_bytes(),
    ];
    for byte in parts.iter().flat_map(|part| part.iter()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_ignoring_latin_case_only() {
        assert_eq!(name_key("  Shafaq News "), "shafaq news");
        assert_eq!(name_key("مصدر أمني عراقي"), "مصدر أمني عراقي");
    }

    #[test]
    fn fingerprints_are_stable() {
        // Stored in every database: a change here breaks re-imports.
        let print = fingerprint(3, "نص", Some(dates_from("2025-08-18")));
        assert_eq!(print, fingerprint(3, "نص", Some(dates_from("2025-08-18"))));
        assert_ne!(print, fingerprint(3, "نص", None));
        assert_eq!(print.len(), 16);
    }

    fn dates_from(text: &str) -> NaiveDate {
        crate::domain::dates::from_iso(text).unwrap()
    }
}
