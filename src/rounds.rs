//! Rounds of correction (退回修改) and accepted problems (已认可).
//!
//! Every finding gets a stable fingerprint: its rule, the item's identity (jurisdiction and
//! 实施编码, else 基本编码, else name) and the field, never the row, so that a department
//! inserting or deleting rows does not turn old problems into new ones. Findings about no item
//! use the file, sheet, header and English message instead. Repeats of one key are numbered
//! in report order. A previous round's JSON report (`check --baseline`) then classifies each
//! finding as new (新增) or persisting (仍存在) and lists the baseline's others as fixed (已整改).
//!
//! `accept:` entries of `qingdan.yaml` mark matching findings as accepted: still listed and
//! counted, but they no longer fail a check. An entry past its `until` date, or matching
//! nothing, is itself reported (QD030).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use crate::config::Accept;
use crate::finding::{Finding, Location, Policy, Sink};
use crate::i18n::{Lang, Msg};

/// How a finding compares with the previous round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// Not in the baseline (新增).
    New,
    /// Also in the baseline (仍存在).
    Persisting,
}

impl Round {
    /// The key of the word for people ([`crate::i18n::word`]) and the JSON value.
    pub fn key(self) -> &'static str {
        match self {
            Round::New => "new",
            Round::Persisting => "persisting",
        }
    }
}

/// What qingdan adds to one finding: its fingerprint, its round and its acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mark {
    /// The stable fingerprint (16 hex digits).
    pub fingerprint: String,
    /// New or persisting, when a baseline was given.
    pub round: Option<Round>,
    /// The index of the `accept:` entry that accepts it.
    pub accepted: Option<usize>,
}

/// A finding of a previous round's JSON report, as far as the lists need it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PastFinding {
    /// The fingerprint (computed from the other keys when the report has none).
    pub fingerprint: Option<String>,
    /// Rule code.
    pub rule: String,
    /// Severity name.
    pub severity: String,
    /// Field key.
    pub field: Option<String>,
    /// Message as rendered then.
    pub message: String,
    /// File.
    pub file: Option<String>,
    /// Sheet.
    pub sheet: Option<String>,
    /// Row.
    pub row: Option<u32>,
    /// Column letters.
    pub column: Option<String>,
    /// Header.
    pub header: Option<String>,
    /// Item identity.
    pub item: Option<String>,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// The value shown then (reports that carry one).
    pub value: Option<String>,
}

#[derive(Deserialize)]
struct PastReport {
    findings: Vec<PastFinding>,
}

/// Reads the JSON report of a previous round; the error is rendered in `lang`.
pub fn load_baseline(path: &Path, lang: Lang) -> Result<Vec<PastFinding>, String> {
    let fail = |detail: String| crate::i18n::Failure::BadBaseline { path: path.display().to_string(), detail }.render(lang);
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let report: PastReport = serde_json::from_str(&text).map_err(|e| fail(e.to_string()))?;
    let mut findings = report.findings;
    let mut seen = HashMap::new();
    for f in &mut findings {
        if f.fingerprint.is_none() {
            let base = base_key(
                &f.rule,
                f.jurisdiction.as_deref(),
                f.item.as_deref(),
                f.field.as_deref(),
                [f.file.as_deref().map(file_name), f.sheet.as_deref(), f.header.as_deref(), Some(f.message.as_str())],
            );
            f.fingerprint = Some(numbered(&base, &mut seen));
        }
    }
    Ok(findings)
}

/// A stable 64-bit FNV-1a hash of the parts, as 16 hex digits.
pub fn fnv(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{h:016x}")
}

/// The last component of a path as reports show it: rounds are usually read from another
/// folder (第二轮/…), so only the file's own name identifies it.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The key before repeats are numbered: rule, jurisdiction, item, field; for findings about
/// no item, also `place` (file, sheet, header, message).
fn base_key(rule: &str, jurisdiction: Option<&str>, item: Option<&str>, field: Option<&str>, place: [Option<&str>; 4]) -> String {
    let mut parts = vec![rule, jurisdiction.unwrap_or(""), item.unwrap_or(""), field.unwrap_or("")];
    if item.is_none() {
        parts.extend(place.iter().map(|p| p.unwrap_or("")));
    }
    parts.join("\u{1f}")
}

/// The fingerprint of the `n`-th finding with this key (`n` counted in `seen`).
fn numbered(base: &str, seen: &mut HashMap<String, u32>) -> String {
    let n = seen.entry(base.to_string()).or_insert(0);
    *n += 1;
    fnv(&[base, &n.to_string()])
}

/// The fingerprints of `findings`, in their (report) order.
pub fn fingerprints(findings: &[Finding]) -> Vec<String> {
    let mut seen = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let message = if f.item.is_none() { Some(f.message.render(Lang::En)) } else { None };
            let base = base_key(
                f.rule,
                f.jurisdiction.as_deref(),
                f.item.as_deref(),
                f.field.map(|x| x.key()),
                [f.location.file.as_deref().map(file_name), f.location.sheet.as_deref(), f.location.header.as_deref(), message.as_deref()],
            );
            numbered(&base, &mut seen)
        })
        .collect()
}

/// Today as `YYYY-MM-DD` (UTC), or `QINGDAN_TODAY` when set (for tests and reruns of a past day).
pub fn today() -> String {
    if let Ok(t) = std::env::var("QINGDAN_TODAY")
        && !t.is_empty()
    {
        return t;
    }
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    crate::normalize::date::civil_date(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// Whether an entry accepts a finding (rule, item, and jurisdiction and field when given).
fn accepts(a: &Accept, f: &Finding) -> bool {
    if !a.rule.eq_ignore_ascii_case(f.rule) {
        return false;
    }
    if a.jurisdiction.as_deref().is_some_and(|j| f.jurisdiction.as_deref() != Some(j)) {
        return false;
    }
    if a.field.is_some() && a.field != f.field {
        return false;
    }
    let item = a.item.trim();
    f.item.as_deref() == Some(item)
        || f.names.as_deref().is_some_and(|n| [&n.impl_code, &n.basic_code, &n.name].iter().any(|v| v.as_deref() == Some(item)))
}

/// Where findings about `qingdan.yaml` point.
fn config_location(root: Option<&Path>) -> Location {
    let path = root.map(|r| r.join(crate::config::FILE_NAME)).unwrap_or_else(|| crate::config::FILE_NAME.into());
    Location::file(&crate::pipeline::display_path(&path))
}

/// Findings, sorted, with their marks; and the baseline's findings no longer found.
#[derive(Debug, Clone, Default)]
pub struct Marked {
    /// The findings in report order (QD030 findings about `accept:` entries included).
    pub findings: Vec<Finding>,
    /// One mark per finding.
    pub marks: Vec<Mark>,
    /// With a baseline: its findings not found any more (已整改).
    pub fixed: Option<Vec<PastFinding>>,
}

/// Applies `accept:` entries (valid on `today`) and the baseline to sorted findings. QD030
/// findings for expired and unmatched entries go through `policy` and the sort again.
pub fn mark(
    findings: Vec<Finding>,
    accept: &[Accept],
    config_root: Option<&Path>,
    today: &str,
    baseline: Option<Vec<PastFinding>>,
    policy: &Policy,
) -> Marked {
    let mut findings = findings;
    if !accept.is_empty() {
        let mut used = vec![false; accept.len()];
        let mut extra = Vec::new();
        for (i, a) in accept.iter().enumerate() {
            if let Some(until) = a.until.as_deref().filter(|u| *u < today) {
                used[i] = true;
                extra.push(Msg::AcceptExpired { rule: a.rule.clone(), item: a.item.clone(), until: until.to_string() });
            }
        }
        for f in &findings {
            if let Some(i) = accept.iter().position(|a| !expired(a, today) && accepts(a, f)) {
                used[i] = true;
            }
        }
        for (i, a) in accept.iter().enumerate() {
            if !used[i] {
                extra.push(Msg::AcceptUnmatched { rule: a.rule.clone(), item: a.item.clone() });
            }
        }
        if !extra.is_empty() {
            let mut sink = Sink::new(policy.clone());
            sink.extend(findings);
            for m in extra {
                let mut f = Finding::at_file("QD030", "", None, m);
                f.location = config_location(config_root);
                sink.push(f);
            }
            findings = sink.finish();
        }
    }
    let prints = fingerprints(&findings);
    let mut marks: Vec<Mark> = prints
        .into_iter()
        .zip(&findings)
        .map(|(fingerprint, f)| Mark {
            fingerprint,
            round: None,
            accepted: accept.iter().position(|a| !expired(a, today) && accepts(a, f)),
        })
        .collect();
    let fixed = baseline.map(|past| {
        let before: HashSet<&str> = past.iter().filter_map(|p| p.fingerprint.as_deref()).collect();
        let now: HashSet<String> = marks.iter().map(|m| m.fingerprint.clone()).collect();
        for m in &mut marks {
            m.round = Some(if before.contains(m.fingerprint.as_str()) { Round::Persisting } else { Round::New });
        }
        past.into_iter().filter(|p| p.fingerprint.as_deref().is_none_or(|fp| !now.contains(fp))).collect()
    });
    Marked { findings, marks, fixed }
}

fn expired(a: &Accept, today: &str) -> bool {
    a.until.as_deref().is_some_and(|u| u < today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::ItemNames;
    use crate::model::field::Field;

    fn finding(row: u32, item: &str) -> Finding {
        let mut f = Finding::at_file("QD100", "a.xlsx", Some("表1"), Msg::Missing { field: Field::Place });
        f.location.row = Some(row);
        f.item = Some(item.into());
        f.field = Some(Field::Place);
        f.jurisdiction = Some("150202000000".into());
        f.names = Some(Box::new(ItemNames { basic_code: Some("000172011000".into()), ..Default::default() }));
        f
    }

    #[test]
    fn fingerprints_ignore_rows_and_number_repeats() {
        let a = fingerprints(&[finding(3, "X"), finding(9, "Y")]);
        let b = fingerprints(&[finding(30, "X"), finding(90, "Y")]);
        assert_eq!(a, b);
        let c = fingerprints(&[finding(3, "X"), finding(4, "X")]);
        assert_ne!(c[0], c[1]);
    }

    #[test]
    fn dates() {
        assert_eq!(crate::normalize::date::civil_date(0), "1970-01-01");
        assert_eq!(crate::normalize::date::civil_date(20_454), "2026-01-01");
    }

    #[test]
    fn accept_by_basic_code_expiry_and_unmatched() {
        let entry = |item: &str, until: Option<&str>| Accept {
            rule: "qd100".into(),
            item: item.into(),
            jurisdiction: Some("150202000000".into()),
            field: None,
            reason: "r".into(),
            until: until.map(Into::into),
        };
        let accept = vec![entry("000172011000", Some("2027-06-30")), entry("nothing", None), entry("X", Some("2020-01-01"))];
        let m = mark(vec![finding(3, "X")], &accept, None, "2026-11-29", None, &Policy::default());
        let rules: Vec<&str> = m.findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules.iter().filter(|r| **r == "QD030").count(), 2);
        let i = m.findings.iter().position(|f| f.rule == "QD100").unwrap();
        assert_eq!(m.marks[i].accepted, Some(0));
    }
}
