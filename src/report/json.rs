//! The JSON report: `{"findings": [...], "summary": {...}}`, plus `"consistency"` when a base
//! catalog was present, as `schemas/report.schema.json` describes ([`REPORT_SCHEMA`], printed by
//! `qingdan schema --report`). Keys in a stable order; output is byte-identical for the same input.

use serde::Serialize;

use super::Report;
use crate::finding::Finding;
use crate::i18n::Lang;
use crate::model::provenance::column_letters;

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
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    items: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    consistency: Option<&'a crate::consistency::Matrix>,
}

/// One finding as JSON, shared with other machine formats.
fn finding(f: &Finding, lang: Lang) -> JsonFinding<'_> {
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
    }
}

/// Renders the report as pretty JSON with a trailing newline.
pub fn render(report: &Report, lang: Lang) -> String {
    let r = JsonReport {
        findings: report.findings.iter().map(|f| finding(f, lang)).collect(),
        summary: JsonSummary {
            files: report.summary.files,
            items: report.summary.items,
            errors: report.summary.errors,
            warnings: report.summary.warnings,
            infos: report.summary.infos,
        },
        consistency: report.consistency.as_ref(),
    };
    let mut s = serde_json::to_string_pretty(&r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
