//! iCalendar output as calendar programs read it: UIDs from the claims'
//! UUIDs, SEQUENCE that rises with each move, closed deadlines cancelled in
//! a full export, and khal (a real calendar program) keeping two databases'
//! events apart and updating a moved one in place.

use std::path::Path;

use crate::common::Db;

/// The events of a calendar as (UID, SEQUENCE, STATUS, DTSTART).
fn events(ics: &str) -> Vec<(String, String, String, String)> {
    let unfolded = ics.replace("\r\n ", "");
    unfolded
        .split("BEGIN:VEVENT")
        .skip(1)
        .map(|event| {
            let field = |name: &str| {
                event
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .unwrap_or_default()
                    .trim_end()
                    .to_string()
            };
            (
                field("UID:"),
                field("SEQUENCE:"),
                field("STATUS:"),
                field("DTSTART;VALUE=DATE:"),
            )
        })
        .collect()
}

#[test]
fn a_full_export_cancels_closed_deadlines_and_counts_moves() {
    let db = Db::demo();
    let uid = |id: &str| db.json(&["show", id])["uid"].as_str().unwrap().to_string();
    db.ok(&["deadline", "move", "5.1", "2027-03", "--note", "extended"]);
    db.ok(&["deadline", "move", "5.1", "2027-06"]);
    db.ok(&["deadline", "met", "7.1", "--on", "2026-09-20"]);
    db.ok(&["resolve", "3", "failed"]);
    db.ok(&["deadline", "add", "1", "2026-12"]);
    db.ok(&["deadline", "add", "1", "2027-01", "--label", "second phase"]);
    db.ok(&["deadline", "remove", "1.1"]);
    let all = events(&db.ok(&["export", "--format", "ics"]));
    let find = |claim: &str, number: u32| {
        let key = format!("{}.{number}@claims", uid(claim));
        all.iter()
            .find(|e| e.0 == key)
            .unwrap_or_else(|| panic!("no event {key}: {all:?}"))
            .clone()
    };
    assert_eq!(find("5", 1).1, "2");
    assert_eq!(find("5", 1).2, "CONFIRMED");
    assert_eq!(find("5", 1).3, "20270630");
    assert_eq!(find("7", 1).2, "CANCELLED");
    assert_eq!(find("3", 1).2, "CANCELLED");
    assert_eq!(find("1", 1).2, "CANCELLED", "a removed deadline");
    assert_eq!(find("1", 2).2, "CONFIRMED");
    let ics = db.ok(&["export", "--format", "ics"]);
    assert!(ics.contains("LAST-MODIFIED:"), "{ics}");
    // upcoming keeps only the open deadlines, with the same SEQUENCE.
    let open = events(&db.ok(&["upcoming", "--within", "2y", "--format", "ics"]));
    assert!(open.iter().all(|e| e.2 == "CONFIRMED"), "{open:?}");
    let moved = open.iter().find(|e| e.0 == find("5", 1).0).unwrap();
    assert_eq!(moved.1, "2");
    assert!(!open.iter().any(|e| e.0 == find("7", 1).0));
    // As of a day before a move, the move is not counted.
    let past = Db::demo();
    past.ok(&["deadline", "move", "5.1", "2027-03", "--on", "2026-10-01"]);
    let uid = past.json(&["show", "5"])["uid"]
        .as_str()
        .unwrap()
        .to_string();
    let of = |args: &[&str]| {
        let key = format!("{uid}.1@claims");
        events(&past.ok(args))
            .into_iter()
            .find(|e| e.0 == key)
            .map(|e| (e.1, e.3))
    };
    let upcoming = ["upcoming", "--within", "1y", "--format", "ics"];
    assert_eq!(
        of(&[&["--as-of", "2026-09-01"][..], &upcoming].concat()),
        Some(("0".to_string(), "20260930".to_string()))
    );
    assert_eq!(
        of(&[&["--as-of", "2026-10-02"][..], &upcoming].concat()),
        Some(("1".to_string(), "20270331".to_string()))
    );
}

/// khal, set up in a scratch directory with one calendar.
struct Khal {
    dir: tempfile::TempDir,
}

impl Khal {
    fn new() -> Option<Khal> {
        crate::common::client("khal", None, "CLAIMS_REQUIRE_KHAL")?;
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("calendar")).unwrap();
        std::fs::write(
            dir.path().join("config"),
            format!(
                "[calendars]\n[[claims]]\npath = {}\ntype = calendar\n\
                 [locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\n\
                 longdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n\
                 longdatetimeformat = %Y-%m-%d %H:%M\n\
                 [default]\ndefault_calendar = claims\n",
                dir.path().join("calendar").display()
            ),
        )
        .unwrap();
        Some(Khal { dir })
    }

    fn run(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("khal")
            .arg("-c")
            .arg(self.dir.path().join("config"))
            .args(args)
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_CONFIG_HOME", self.dir.path().join("config-home"))
            .env("LANG", "C.UTF-8")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "khal {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn import(&self, ics: &Path) {
        self.run(&["import", "--batch", "-a", "claims", ics.to_str().unwrap()]);
    }

    /// "2026-09-30 CONFIRMED Iraq and ..." per event, the day headings left out.
    fn list(&self) -> Vec<String> {
        self.run(&[
            "list",
            "--format",
            "{start-date} {status}{title}",
            "2025-01-01",
            "2028-12-31",
        ])
        .lines()
        .filter(|l| l.starts_with("20"))
        .map(str::to_string)
        .collect()
    }
}

/// Two databases' exports in one khal calendar: every event of both is
/// there (UIDs never collide), a moved deadline is updated in place, and a
/// met one shows as cancelled.
#[test]
fn khal_keeps_two_databases_apart_and_updates_a_moved_deadline() {
    let Some(khal) = Khal::new() else {
        return;
    };
    let first = Db::demo();
    let second = Db::demo();
    let write = |db: &Db, name: &str| {
        let path = khal.dir.path().join(name);
        std::fs::write(&path, db.ok(&["export", "--format", "ics"])).unwrap();
        path
    };
    khal.import(&write(&first, "first.ics"));
    khal.import(&write(&second, "second.ics"));
    let listed = khal.list();
    assert_eq!(listed.len(), 8, "{listed:#?}");
    first.ok(&["deadline", "move", "5.1", "2027-03"]);
    first.ok(&["deadline", "met", "7.1", "--on", "2026-09-20"]);
    khal.import(&write(&first, "first-again.ics"));
    let listed = khal.list();
    assert_eq!(listed.len(), 8, "{listed:#?}");
    assert!(
        listed
            .iter()
            .any(|l| l.starts_with("2027-03-31 CONFIRMED Iraq and the coalition")),
        "{listed:#?}"
    );
    assert_eq!(
        listed.iter().filter(|l| l.contains(" CANCELLED ")).count(),
        1,
        "{listed:#?}"
    );
    assert_eq!(
        listed
            .iter()
            .filter(|l| l.starts_with("2026-09-30 CONFIRMED Iraq"))
            .count(),
        1,
        "{listed:#?}"
    );
}
