//! `claims demo`: the claims of the example report (Shafaq News, Anbar: the
//! first phase of the coalition's withdrawal from Ain al-Asad), then the report.
//!
//! Each claim keeps a short verbatim quote of the Arabic original; the claim
//! text is our English wording. The report's own date is not in the text we
//! have, so `said_on` is left empty; the spokesperson's "next September" is
//! read as September 2025, the first phase of the timetable the government
//! source describes.

use super::reports::build;
use super::{Context, Output};
use crate::domain::dates;
use crate::domain::keys::name_key;
use crate::domain::model::{ClaimKind, SourceKind};
use crate::error::{Error, Result};
use crate::store::{BundleClaim, NewClaim, NewDeadline, NewSource, Store};

const OUTLET: usize = 0;
const SECURITY_SOURCE: usize = 1;
const SPOKESPERSON: usize = 2;
const GOVERNMENT_SOURCE: usize = 3;
const COMMITTEE: usize = 4;

struct DemoSource {
    name: &'static str,
    kind: SourceKind,
    role: &'static str,
    affiliation: Option<&'static str>,
    url: Option<&'static str>,
}

const SOURCES: [DemoSource; 5] = [
    DemoSource {
        name: "Shafaq News",
        kind: SourceKind::Outlet,
        role: "Iraqi news agency (شفق نيوز)",
        affiliation: None,
        url: Some("https://shafaq.com"),
    },
    DemoSource {
        name: "مصدر أمني عراقي",
        kind: SourceKind::Anonymous,
        role: "an Iraqi security source",
        affiliation: None,
        url: None,
    },
    DemoSource {
        name: "متحدث باسم السفارة الأمريكية في بغداد",
        kind: SourceKind::Government,
        role: "spokesperson, US Embassy in Baghdad",
        affiliation: Some("US Embassy in Baghdad"),
        url: None,
    },
    DemoSource {
        name: "مصدر حكومي عراقي",
        kind: SourceKind::Anonymous,
        role: "an Iraqi government source",
        affiliation: None,
        url: None,
    },
    DemoSource {
        name: "لجنة الأمن والدفاع في البرلمان العراقي",
        kind: SourceKind::Government,
        role: "Security and Defence Committee, Iraqi parliament",
        affiliation: Some("Council of Representatives of Iraq"),
        url: None,
    },
];

struct DemoClaim {
    speaker: usize,
    kind: ClaimKind,
    text: &'static str,
    quote: &'static str,
    due: Option<(&'static str, &'static str)>,
    tags: &'static [&'static str],
}

const CLAIMS: [DemoClaim; 8] = [
    DemoClaim {
        speaker: SECURITY_SOURCE,
        kind: ClaimKind::Report,
        text: "The first phase of the US withdrawal has begun: a convoy of trucks carrying military vehicles left Ain al-Asad air base.",
        quote: "بالمباشرة بتحرك او رتل امريكي خرج من قاعدة عين الاسد يضم شاحنات تحمل مركبات عسكرية",
        due: None,
        tags: &["withdrawal", "ain-al-asad"],
    },
    DemoClaim {
        speaker: SECURITY_SOURCE,
        kind: ClaimKind::Prediction,
        text: "The convoy is believed to be heading for Syrian territory.",
        quote: "ويعتقد أنه ستكون وجهته باتجاه الأراضي السورية",
        due: None,
        tags: &["withdrawal", "syria"],
    },
    DemoClaim {
        speaker: SPOKESPERSON,
        kind: ClaimKind::Promise,
        text: "A \"civil\" partnership between the international coalition and Iraq will be signed soon, alongside the military withdrawal planned for next September.",
        quote: "قرب توقيع شراكة \"مدنية\" بين التحالف الدولي والعراق، تزامناً مع الانسحاب \"العسكري\" المخطط له بحلول أيلول/ سبتمبر المقبل",
        due: Some(("أيلول 2025", "next September (أيلول/ سبتمبر المقبل)")),
        tags: &["withdrawal", "partnership"],
    },
    DemoClaim {
        speaker: SPOKESPERSON,
        kind: ClaimKind::Promise,
        text: "The coalition against ISIS (Operation Inherent Resolve) will move from its military mission in Iraq to a more traditional bilateral security partnership; its civilian work continues.",
        quote: "سينتقل من مهامه العسكرية في العراق إلى شراكة أمنية ثنائية أكثر تقليدية",
        due: None,
        tags: &["partnership"],
    },
    DemoClaim {
        speaker: GOVERNMENT_SOURCE,
        kind: ClaimKind::Promise,
        text: "Iraq and the coalition states, led by the US, agreed a timetable to end the coalition's mission by September 2026.",
        quote: "اتفقت مع دول التحالف الدولي، وعلى رأسها الولايات المتحدة، على تحديد جدول زمني لبدء سحب القوات العسكرية وإنهاء مهام التحالف بحلول شهر أيلول 2026",
        due: Some(("أيلول 2026", "end of the coalition's mission")),
        tags: &["withdrawal", "timetable"],
    },
    DemoClaim {
        speaker: GOVERNMENT_SOURCE,
        kind: ClaimKind::Promise,
        text: "Phase one ends the coalition's mission with the central government in September 2025, including withdrawal from Ain al-Asad and the coalition HQ in Baghdad; part of the forces move to Erbil, part to Kuwait.",
        quote: "المرحلة الأولى من الاتفاق تنص على إنهاء مهام التحالف لدى الحكومة المركزية في شهر أيلول 2025",
        due: Some(("أيلول 2025", "phase 1")),
        tags: &["withdrawal", "timetable", "ain-al-asad"],
    },
    DemoClaim {
        speaker: GOVERNMENT_SOURCE,
        kind: ClaimKind::Promise,
        text: "Phase two schedules the coalition's full military withdrawal in September 2026; its numbers fall from about 2,000 to under 500, confined to Erbil, the rest moving to Kuwait.",
        quote: "المرحلة الثانية من الاتفاق تتضمن جدولة الانسحاب العسكري الكامل للتحالف الدولي في أيلول 2026",
        due: Some(("أيلول 2026", "phase 2")),
        tags: &["withdrawal", "timetable", "erbil"],
    },
    DemoClaim {
        speaker: COMMITTEE,
        kind: ClaimKind::Opinion,
        text: "The withdrawal may destabilise security inside Iraq and on the Syrian border.",
        quote: "قد يمهد لزعزعة الوضع الأمني داخل البلاد وعلى الحدود مع سوريا",
        due: None,
        tags: &["security", "syria"],
    },
];

/// Loads the demo claims unless they are there already, then builds the
/// report. A database holding anything but the demo is a conflict unless
/// `force` is given.
pub async fn demo<S: Store>(ctx: &Context<S>, force: bool) -> Result<Output> {
    let existing = ctx.store.sources().await?;
    let foreign = existing.iter().find(|s| {
        !SOURCES
            .iter()
            .any(|d| name_key(d.name) == name_key(&s.name))
    });
    if let (Some(other), false) = (foreign, force) {
        return Err(Error::Conflict(format!(
            "`{}` already holds other data (source `{}`)",
            ctx.store.location(),
            other.name
        )));
    }
    let sources: Vec<NewSource> = SOURCES
        .iter()
        .map(|s| NewSource {
            name: s.name.to_string(),
            kind: s.kind,
            role: Some(s.role.to_string()),
            affiliation: s.affiliation.map(str::to_string),
            url: s.url.map(str::to_string),
            notes: None,
            reliability: None,
        })
        .collect();
    let claims = CLAIMS
        .iter()
        .map(|c| {
            let deadlines = match c.due {
                Some((due, label)) => {
                    let period = dates::parse(due, ctx.as_of).map_err(Error::Corrupt)?;
                    vec![NewDeadline {
                        due: period.end,
                        precision: period.precision,
                        label: Some(label.to_string()),
                        met_on: None,
                        as_written: Some(due.to_string()),
                    }]
                }
                None => Vec::new(),
            };
            let claim = NewClaim {
                text: c.text.to_string(),
                speaker_id: 0,
                other_speakers: Vec::new(),
                reported_by_id: None,
                quote: Some(c.quote.to_string()),
                lang: Some("ar".to_string()),
                url: None,
                said_on: None,
                kind: c.kind,
                credibility: None,
                tags: c.tags.iter().map(|t| t.to_string()).collect(),
                deadlines,
            };
            Ok(BundleClaim {
                claim,
                speaker: c.speaker,
                outlet: Some(OUTLET),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let added = ctx
        .store
        .insert_bundle(&sources, &claims, ctx.as_of)
        .await?;
    let until = dates::span_end("30d", ctx.as_of).map_err(Error::Corrupt)?;
    Ok(Output::Demo {
        added,
        report: Box::new(build(ctx, until, 50, 0).await?),
    })
}
