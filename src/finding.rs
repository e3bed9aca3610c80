//! Findings: what a rule or a reader found, where, and how severe; and the sink that applies
//! the configured severity policy in one place and sorts findings once before any reporter.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::i18n::Msg;
use crate::model::field::Field;

/// How severe a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For information (an unmapped column kept under `extra`).
    Info,
    /// Should be fixed.
    Warning,
    /// Must be fixed.
    Error,
}

impl Severity {
    /// The lowercase name used in reports and config.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Where a finding points: a cell, a row, a whole file, or a jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The file.
    pub file: Option<Arc<str>>,
    /// The sheet (None for CSV).
    pub sheet: Option<Arc<str>>,
    /// 1-based row; None for a whole file or jurisdiction.
    pub row: Option<u32>,
    /// 0-based column.
    pub column: Option<u32>,
    /// The source header of the column.
    pub header: Option<String>,
}

impl Location {
    /// The location of a field's cell in an item, falling back to the item's row.
    pub fn of_field(item: &crate::model::item::Item, field: Option<Field>) -> Location {
        Location::of_provenance(&item.provenance, field)
    }

    /// The location of a field's cell from a provenance alone.
    pub fn of_provenance(p: &crate::model::provenance::Provenance, field: Option<Field>) -> Location {
        let (row, column, header) = match field.and_then(|f| p.cell(f).map(|c| (f, c))) {
            Some((f, (r, c))) => (Some(r), Some(c), p.header(f).map(str::to_string)),
            None => (Some(p.row), None, None),
        };
        Location { file: Some(p.file.clone()), sheet: p.sheet.clone(), row, column, header }
    }

    /// A whole file.
    pub fn file(file: &str) -> Location {
        Location { file: Some(file.into()), ..Default::default() }
    }

    /// Where this points, for people: `表1!F12` for a cell, `表1 第4行` (`表1 row 4`) for a row,
    /// `表1` for a sheet; the empty string for a whole file.
    pub fn cell_in(&self, lang: crate::i18n::Lang) -> String {
        match (self.row, self.column) {
            (Some(row), None) => {
                let row = crate::i18n::row_label(row, lang);
                match &self.sheet {
                    Some(s) => format!("{s} {row}"),
                    None => row,
                }
            }
            _ => self.cell_ref(),
        }
    }

    /// `file 表1!F12` (see [`Self::cell_in`]), or whichever part is known.
    pub fn place(&self, lang: crate::i18n::Lang) -> String {
        let file = self.file.as_deref().unwrap_or("");
        let cell = self.cell_in(lang);
        match (file.is_empty(), cell.is_empty()) {
            (false, false) => format!("{file} {cell}"),
            (false, true) => file.to_string(),
            (true, _) => cell,
        }
    }

    /// `表1!F12`, `表1!12`, or the empty string (machine formats).
    pub fn cell_ref(&self) -> String {
        let col = self.column.map(crate::model::provenance::column_letters).unwrap_or_default();
        let row = self.row.map(|r| r.to_string()).unwrap_or_default();
        match &self.sheet {
            Some(s) if !row.is_empty() => format!("{s}!{col}{row}"),
            Some(s) => s.to_string(),
            None if !row.is_empty() => format!("{col}{row}"),
            None => String::new(),
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The rule's stable code (`QD101`).
    pub rule: &'static str,
    /// Severity after policy.
    pub severity: Severity,
    /// The field concerned.
    pub field: Option<Field>,
    /// What is wrong, rendered per language by the message catalog.
    pub message: Msg,
    /// Where.
    pub location: Location,
    /// impl_code, else basic_code, else name.
    pub item: Option<String>,
    /// The 12-digit division code of the jurisdiction concerned.
    pub jurisdiction: Option<String>,
    /// The value as it stands in the item, when the field has one (shown under the cell).
    pub value: Option<String>,
    /// The item's name and codes, when the finding is about one item (for problem lists and
    /// accepted-problem matching).
    pub names: Option<Box<ItemNames>>,
}

/// The name and codes of the item a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemNames {
    /// 事项名称.
    pub name: Option<String>,
    /// 基本编码.
    pub basic_code: Option<String>,
    /// 实施编码.
    pub impl_code: Option<String>,
}

impl ItemNames {
    /// The names of `item`, or `None` when it has neither name nor code.
    pub fn of(item: &crate::model::item::Item) -> Option<Box<ItemNames>> {
        (item.name.is_some() || item.basic_code.is_some() || item.impl_code.is_some()).then(|| {
            Box::new(ItemNames { name: item.name.clone(), basic_code: item.basic_code.clone(), impl_code: item.impl_code.clone() })
        })
    }
}

impl Finding {
    /// How many findings this one stands for: a summary of findings left out past the cap
    /// stands for them all (so that counts stay exact), any other for itself.
    pub fn weight(&self) -> usize {
        match self.message {
            Msg::FindingsCapped { more } => usize::try_from(more).unwrap_or(usize::MAX),
            _ => 1,
        }
    }

    /// The value to show under the cell reference, if any.
    pub fn value_shown(&self) -> Option<&str> {
        self.value.as_deref().or_else(|| self.message.raw()).filter(|v| !v.is_empty())
    }
}

/// `s` cut to `max` characters, with an ellipsis when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_string() } else { format!("{}…", s.chars().take(max).collect::<String>()) }
}

/// Severity overrides from `qingdan.yaml` (`rules: {QD101: off|info|warning|error}`), the
/// rules `--select`/`--ignore` let run, and the most findings listed per rule per file
/// (`limits.max_findings_per_rule`).
#[derive(Debug, Clone)]
pub struct Policy {
    /// Per-rule override; `None` switches the rule off.
    pub overrides: BTreeMap<String, Option<Severity>>,
    /// `--select`: when not empty, only codes starting with one of these run.
    pub select: Vec<String>,
    /// `--ignore`: codes starting with one of these do not run.
    pub ignore: Vec<String>,
    /// Most findings listed per rule per file.
    pub cap: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            overrides: BTreeMap::new(),
            select: Vec::new(),
            ignore: Vec::new(),
            cap: crate::config::Limits::default().max_findings_per_rule,
        }
    }
}

impl Policy {
    /// Applies the policy: drops switched-off rules, sets overridden severities.
    pub fn apply(&self, mut f: Finding) -> Option<Finding> {
        if !self.selected(f.rule) {
            return None;
        }
        match self.overrides.get(f.rule) {
            Some(None) => None,
            Some(Some(s)) => {
                f.severity = *s;
                Some(f)
            }
            None => Some(f),
        }
    }

    /// Whether a rule is switched off (so it need not run at all).
    pub fn is_off(&self, rule: &str) -> bool {
        !self.selected(rule) || matches!(self.overrides.get(rule), Some(None))
    }

    /// Whether `--select` and `--ignore` let the rule run.
    fn selected(&self, rule: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|p| rule.starts_with(p.as_str())))
            && !self.ignore.iter().any(|p| rule.starts_with(p.as_str()))
    }
}

/// Keeps at most `limit` findings per rule per file, in arrival order, and counts the others,
/// so that a file of garbage rows costs bounded memory. A summary finding
/// ([`Msg::FindingsCapped`]) stands for the findings left out; one passed to [`Cap::admit`]
/// (from a worker that capped a file already) adds its count instead of being listed.
#[derive(Debug)]
pub struct Cap {
    limit: u64,
    listed: std::collections::HashMap<CapKey, u64>,
    left_out: BTreeMap<CapKey, (u64, Severity)>,
}

/// What findings are capped by: their file and rule.
type CapKey = (Option<Arc<str>>, &'static str);

impl Cap {
    /// A cap of `limit` findings per rule per file.
    pub fn new(limit: u64) -> Cap {
        Cap { limit, listed: std::collections::HashMap::new(), left_out: BTreeMap::new() }
    }

    /// Whether to keep `f`; a finding not kept is counted.
    pub fn admit(&mut self, f: &Finding) -> bool {
        let key = (f.location.file.clone(), f.rule);
        if let Msg::FindingsCapped { more } = f.message {
            self.leave_out(key, more, f.severity);
            return false;
        }
        let listed = self.listed.entry(key.clone()).or_default();
        if *listed < self.limit {
            *listed += 1;
            return true;
        }
        self.leave_out(key, 1, f.severity);
        false
    }

    fn leave_out(&mut self, key: CapKey, n: u64, severity: Severity) {
        let e = self.left_out.entry(key).or_insert((0, severity));
        e.0 += n;
        e.1 = e.1.max(severity);
    }

    /// One summary finding per rule and file with findings left out.
    pub fn summaries(self) -> Vec<Finding> {
        self.left_out
            .into_iter()
            .map(|((file, rule), (more, severity))| {
                let mut f = Finding::at_file(rule, file.as_deref().unwrap_or(""), None, Msg::FindingsCapped { more });
                f.location.file = file;
                f.severity = severity;
                f
            })
            .collect()
    }
}

/// Collects findings through the policy.
#[derive(Debug)]
pub struct Sink {
    policy: Policy,
    cap: Cap,
    findings: Vec<Finding>,
}

impl Default for Sink {
    fn default() -> Self {
        Sink::new(Policy::default())
    }
}

impl Sink {
    /// A sink applying `policy`.
    pub fn new(policy: Policy) -> Sink {
        let cap = Cap::new(policy.cap);
        Sink { policy, cap, findings: Vec::new() }
    }

    /// Adds one finding (or counts it, past the cap).
    pub fn push(&mut self, f: Finding) {
        if let Some(f) = self.policy.apply(f)
            && self.cap.admit(&f)
        {
            self.findings.push(f);
        }
    }

    /// Adds many.
    pub fn extend(&mut self, fs: impl IntoIterator<Item = Finding>) {
        for f in fs {
            self.push(f);
        }
    }

    /// Whether the rule is off.
    pub fn is_off(&self, rule: &str) -> bool {
        self.policy.is_off(rule)
    }

    /// The findings, with one summary per rule and file past the cap, sorted once by file,
    /// sheet, row, column and code.
    pub fn finish(mut self) -> Vec<Finding> {
        let cap = std::mem::replace(&mut self.cap, Cap::new(0));
        self.findings.extend(cap.summaries());
        self.findings.sort_by(|a, b| {
            let key = |f: &Finding| {
                (
                    f.location.file.clone(),
                    f.location.sheet.clone(),
                    f.location.row.unwrap_or(u32::MAX),
                    f.location.column.unwrap_or(u32::MAX),
                    f.rule,
                    f.jurisdiction.clone(),
                    f.item.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        self.findings
    }
}

#[cfg(test)]
mod cap_tests {
    use super::*;

    #[test]
    fn cap_keeps_the_first_and_counts_the_rest() {
        let mut sink = Sink::new(Policy { cap: 2, ..Policy::default() });
        for _ in 0..5 {
            sink.push(Finding::at_file("QD001", "a.csv", None, Msg::NoHeaderRow));
        }
        sink.push(Finding::at_file("QD001", "b.csv", None, Msg::NoHeaderRow));
        // A worker's summary adds its count.
        sink.push(Finding::at_file("QD001", "a.csv", None, Msg::FindingsCapped { more: 10 }));
        let out = sink.finish();
        assert_eq!(out.len(), 4);
        let summary: Vec<_> = out.iter().filter(|f| matches!(f.message, Msg::FindingsCapped { .. })).collect();
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].message, Msg::FindingsCapped { more: 13 });
        assert_eq!(out.iter().map(Finding::weight).sum::<usize>(), 16);
    }
}
