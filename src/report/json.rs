//! The JSON report: `{"findings": [...], "summary": {...}}`, plus `"consistency"` when a base
//! catalog was present, as `schemas/report.schema.json` describes ([`REPORT_SCHEMA`], printed by
//! `qingdan schema --report`). Keys in a stable order; output is byte-identical for the same input.

use serde::Serialize;

use super::Report;
use crate::finding::Finding;
use crate::i18n::Lang;
use crate::model::provenance::column_letters;
use crate::rounds::Mark;

/// The JSON Schema of the report, embedded at compile time.
pub const REPORT_SCHEMA: &str = include_str!("../../schemas/report.schema.json");

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    field: Option<&'a str>,
    message: String,
    file: Option<&'a str>,
    sheet: Option<&'a str>,
    row: Option<u32>,
    column: Option<String>,
    header: Option<&'a str>,
    value: Option<&'a str>,
    help: String,
    item: Option<&'a str>,
    jurisdiction: Option<&'a str>,
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    round: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<JsonAccepted<'a>>,
}

#[derive(Serialize)]
struct JsonAccepted<'a> {
    reason: &'a str,
    until: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    items: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    accepted: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    persisting: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<usize>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    findings: Findings<'a>,
    summary: JsonSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    consistency: Option<&'a crate::consistency::Matrix>,
    /// With a baseline: its findings not found any more (已整改), as the baseline had them.
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<Vec<JsonPast<'a>>>,
}

#[derive(Serialize)]
struct JsonPast<'a> {
    rule: &'a str,
    severity: &'a str,
    field: Option<&'a str>,
    message: &'a str,
    file: Option<&'a str>,
    sheet: Option<&'a str>,
    row: Option<u32>,
    column: Option<&'a str>,
    item: Option<&'a str>,
    jurisdiction: Option<&'a str>,
    value: Option<&'a str>,
    fingerprint: Option<&'a str>,
}

/// The findings, each rendered as it is serialized: a large report is never held a second
/// time as JSON values.
struct Findings<'a> {
    report: &'a Report,
    lang: Lang,
}

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.report.marked().map(|(f, m)| finding(f, m, self.report, self.lang)))
    }
}

/// One finding as JSON, shared with other machine formats.
fn finding<'a>(f: &'a Finding, mark: &'a Mark, report: &'a Report, lang: Lang) -> JsonFinding<'a> {
    JsonFinding {
        rule: f.rule,
        severity: f.severity.as_str(),
        field: f.field.map(|x| x.key()),
        message: f.message.render(lang),
        file: f.location.file.as_deref(),
        sheet: f.location.sheet.as_deref(),
        row: f.location.row,
        column: f.location.column.map(column_letters),
        header: f.location.header.as_deref(),
        value: f.value_shown(),
        help: crate::rules::registry::help(f, lang),
        item: f.item.as_deref(),
        jurisdiction: f.jurisdiction.as_deref(),
        fingerprint: &mark.fingerprint,
        round: mark.round.map(|r| r.key()),
        accepted: report.accept_of(mark).map(|a| JsonAccepted { reason: &a.reason, until: a.until.as_deref() }),
    }
}

/// Renders the report as pretty JSON with a trailing newline.
pub fn render(report: &Report, lang: Lang) -> String {
    let mut out = Vec::new();
    match write(report, lang, &mut out) {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}

/// Writes the report as pretty JSON with a trailing newline to `out`, as it is rendered.
pub fn write(report: &Report, lang: Lang, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let r = JsonReport {
        findings: Findings { report, lang },
        summary: JsonSummary {
            files: report.summary.files,
            items: report.summary.items,
            errors: report.summary.errors,
            warnings: report.summary.warnings,
            infos: report.summary.infos,
            accepted: report.summary.accepted,
            new: report.summary.rounds.map(|r| r.new),
            persisting: report.summary.rounds.map(|r| r.persisting),
            fixed: report.summary.rounds.map(|r| r.fixed),
        },
        consistency: report.consistency.as_ref(),
        fixed: report.fixed.as_ref().map(|past| {
            past.iter()
                .map(|p| JsonPast {
                    rule: &p.rule,
                    severity: &p.severity,
                    field: p.field.as_deref(),
                    message: &p.message,
                    file: p.file.as_deref(),
                    sheet: p.sheet.as_deref(),
                    row: p.row,
                    column: p.column.as_deref(),
                    item: p.item.as_deref(),
                    jurisdiction: p.jurisdiction.as_deref(),
                    value: p.value.as_deref(),
                    fingerprint: p.fingerprint.as_deref(),
                })
                .collect()
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &r).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}
