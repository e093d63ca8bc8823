//! Writes a deterministic data set of claims for benchmarks and tests.
//!
//! ```sh
//! cargo run --release --example generate -- 100000 jsonl > claims.jsonl
//! cargo run --release --example generate -- 100000 csv 7 > claims.csv   # seed 7
//! ```
//!
//! About 1,000 sources (a third of them with Arabic names), a mix of Arabic
//! and English claim text, statuses (60% pending), and 1.3 deadlines per
//! claim on average at day, month, quarter and year precision, spread from
//! 2024 to 2028 so that a good share is overdue as of late 2026.

use std::io::{BufWriter, Write};

/// A small, fast, deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const ARABIC_WORDS: &[&str] = &[
    "انسحاب",
    "القوات",
    "التحالف",
    "الدولي",
    "قاعدة",
    "عين",
    "الأسد",
    "أربيل",
    "الكويت",
    "الحكومة",
    "المركزية",
    "شراكة",
    "أمنية",
    "ثنائية",
    "المرحلة",
    "الأولى",
    "الثانية",
    "أيلول",
    "جدول",
    "زمني",
];
const ENGLISH_WORDS: &[&str] = &[
    "withdrawal",
    "coalition",
    "forces",
    "base",
    "convoy",
    "agreement",
    "timetable",
    "phase",
    "partnership",
    "security",
    "ministry",
    "election",
    "budget",
    "reform",
    "border",
    "elections",
    "parliament",
    "government",
    "mission",
    "handover",
];
const STATUSES: &[&str] = &[
    "pending",
    "pending",
    "pending",
    "pending",
    "pending",
    "pending",
    "fulfilled",
    "partial",
    "failed",
    "retracted",
];
const KINDS: &[&str] = &["promise", "prediction", "report", "opinion"];
const SOURCE_KINDS: &[&str] = &["person", "organization", "government", "anonymous", "other"];

fn sentence(rng: &mut Rng, words: &[&str], n: usize) -> String {
    (0..n)
        .map(|_| rng.pick(words))
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count: u64 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let format = args.get(2).map(String::as_str).unwrap_or("jsonl");
    let seed: u64 = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(1);
    let mut rng = Rng(seed);
    let sources: Vec<(String, &str)> = (0..1000)
        .map(|i| {
            let name = if i % 3 == 0 {
                format!("مصدر {} رقم {i}", rng.pick(ARABIC_WORDS))
            } else {
                format!("Source {i} {}", rng.pick(ENGLISH_WORDS))
            };
            (name, rng.pick(SOURCE_KINDS))
        })
        .collect();
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    if format == "csv" {
        writeln!(out, "external_id,text,source,source_kind,reported_by,quote,lang,said_on,kind,status,deadlines,tags").unwrap();
    }
    for i in 0..count {
        // Busy sources say more: a skewed pick.
        let s = (rng.below(1000) * rng.below(1000) / 1000) as usize;
        let (source, source_kind) = &sources[s];
        let outlet = if rng.below(2) == 0 {
            "Shafaq News"
        } else {
            "Rudaw"
        };
        let words = 6 + rng.below(10) as usize;
        let text = format!("{} {i}", sentence(&mut rng, ENGLISH_WORDS, words));
        let words = 5 + rng.below(12) as usize;
        let quote = sentence(&mut rng, ARABIC_WORDS, words);
        // Said by the benchmark's as-of date (2026-11-30), so that the
        // record as of that day is the record as it stands.
        let year = 24 + rng.below(3);
        let month = 1 + rng.below(if year == 26 { 11 } else { 12 });
        let said_on = format!("20{year}-{month:02}-{:02}", 1 + rng.below(28));
        let status = rng.pick(STATUSES);
        let kind = rng.pick(KINDS);
        let deadline_count = match rng.below(10) {
            0..=1 => 0,
            2..=7 => 1,
            8 => 2,
            _ => 3,
        };
        let deadlines: Vec<(String, &str)> = (0..deadline_count)
            .map(|_| {
                let year = 2024 + rng.below(5);
                match rng.below(4) {
                    0 => (
                        format!("{year}-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28)),
                        "day",
                    ),
                    1 | 2 => (format!("{year}-{:02}", 1 + rng.below(12)), "month"),
                    _ => (format!("{year}"), "year"),
                }
            })
            .collect();
        let tags = [rng.pick(ENGLISH_WORDS), rng.pick(ENGLISH_WORDS)];
        if format == "csv" {
            let deadlines: Vec<String> = deadlines
                .iter()
                .enumerate()
                .map(|(n, (due, _))| format!("{due}|phase {}", n + 1))
                .collect();
            writeln!(
                out,
                "g-{i},{text},{source},{source_kind},{outlet},{quote},ar,{said_on},{kind},{status},{},{}",
                deadlines.join("; "),
                tags.join("; ")
            )
            .unwrap();
        } else {
            let deadlines: Vec<String> = deadlines
                .iter()
                .enumerate()
                .map(|(n, (due, _))| format!(r#"{{"due":"{due}","label":"phase {}"}}"#, n + 1))
                .collect();
            writeln!(
                out,
                r#"{{"external_id":"g-{i}","text":"{text}","source":{{"name":"{source}","kind":"{source_kind}"}},"reported_by":{{"name":"{outlet}","kind":"outlet"}},"quote":"{quote}","lang":"ar","said_on":"{said_on}","kind":"{kind}","status":"{status}","deadlines":[{}],"tags":["{}","{}"]}}"#,
                deadlines.join(","),
                tags[0],
                tags[1]
            )
            .unwrap();
        }
    }
    out.flush().unwrap();
}
