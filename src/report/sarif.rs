//! SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps): one run whose driver lists
//! every rule of the registry, and one result per finding pointing at the file and row.
//!
//! Built as a small serde model of the parts of SARIF that qingdan fills in; the output is
//! validated against the official 2.1.0 schema in `tests/ci_formats.rs`.

use std::path::PathBuf;

use serde::Serialize;

use super::Report;
use crate::finding::{Finding, Severity};
use crate::i18n::Lang;
use crate::pipeline::display_path;
use crate::rules::registry::RULES;

/// The `$schema` of the log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where the tool is documented: the crate's repository or homepage when Cargo.toml names one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")].into_iter().find(|s| !s.is_empty())
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

fn text(s: impl Into<String>) -> Text {
    Text { text: s.into() }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: DefaultConfiguration,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "qingdanFinding/v2")]
    finding: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    kind: &'static str,
}

/// The SARIF level of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file path as a relative URI reference: forward slashes, spaces and `%` escaped.
/// Non-ASCII characters (Chinese file names) are kept: IRIs are valid SARIF URIs.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for ch in path.replace('\\', "/").chars() {
        match ch {
            '%' => out.push_str("%25"),
            ' ' => out.push_str("%20"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}

/// The file that findings about no file in particular (a missing base catalog, a jurisdiction's
/// missing claim) are anchored to: GitHub code scanning rejects a whole log when any result lacks
/// a physical location. The first file under the first input path, else that path itself.
pub fn anchor(paths: &[PathBuf]) -> Option<String> {
    let first = paths.first()?;
    if first.is_dir() {
        let (mut files, _) = crate::walk::collect(&paths[..1], &[], None);
        files.sort();
        if let Some(f) = files.first() {
            return Some(display_path(f));
        }
    }
    Some(display_path(first))
}

fn result(
    f: &Finding,
    mark: &crate::rounds::Mark,
    accept: Option<&crate::config::Accept>,
    lang: Lang,
    anchor: Option<&str>,
) -> SarifResult {
    let rule_index = RULES.iter().position(|r| r.code == f.rule);
    let mut message = f.message.render(lang);
    let cell = f.location.cell_in(lang);
    if f.location.sheet.is_some() && !cell.is_empty() {
        message = format!("{message} ({cell})");
    }
    if let Some(item) = &f.item {
        message = format!("{message} [{item}]");
    }
    let mut locations = Vec::new();
    let logical: Vec<LogicalLocation> =
        f.jurisdiction.iter().filter(|_| f.location.file.is_none()).map(|j| LogicalLocation { name: j.clone(), kind: "module" }).collect();
    if f.location.file.is_none()
        && let Some(j) = &f.jurisdiction
    {
        message = format!("{message} [{j}]");
    }
    let physical = f.location.file.as_deref().filter(|s| !s.is_empty()).or(anchor).map(|file| PhysicalLocation {
        artifact_location: ArtifactLocation { uri: uri(file) },
        region: f
            .location
            .row
            .filter(|r| *r >= 1 && f.location.file.is_some())
            .map(|r| Region { start_line: r, start_column: f.location.column.map(|c| c + 1) }),
    });
    if physical.is_some() || !logical.is_empty() {
        locations.push(Location { physical_location: physical, logical_locations: logical });
    }
    SarifResult {
        rule_id: f.rule,
        rule_index,
        level: level(f.severity),
        message: text(message),
        locations,
        // The same key as `check --baseline`: rule, item identity and field, never the row.
        partial_fingerprints: Fingerprints { finding: mark.fingerprint.clone() },
        baseline_state: mark.round.map(|r| match r {
            crate::rounds::Round::New => "new",
            crate::rounds::Round::Persisting => "unchanged",
        }),
        suppressions: accept
            .map(|a| Suppression {
                kind: "external",
                justification: match &a.until {
                    Some(u) => format!("{} (until {u})", a.reason),
                    None => a.reason.clone(),
                },
            })
            .into_iter()
            .collect(),
    }
}

/// Renders the report as a SARIF 2.1.0 log (pretty JSON with a trailing newline). Findings
/// about no file are anchored to `anchor` (see [`anchor`]); without one they carry only a
/// logical location, which SARIF allows but GitHub code scanning rejects.
pub fn render(report: &Report, lang: Lang, anchor: Option<&str>) -> String {
    let rules = RULES
        .iter()
        .map(|r| Rule {
            id: r.code,
            name: r.name,
            short_description: text(r.summary(lang)),
            full_description: text(r.doc(lang)),
            help: text(r.help(lang)),
            default_configuration: DefaultConfiguration { level: level(r.severity) },
        })
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "qingdan",
                    information_uri: information_uri(),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results: report.marked().map(|(f, m)| result(f, m, report.accept_of(m), lang, anchor)).collect(),
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_use_forward_slashes() {
        assert_eq!(uri("a\\b c.xlsx"), "a/b%20c.xlsx");
        assert_eq!(uri("清单/东河区.csv"), "清单/东河区.csv");
    }

    #[test]
    fn levels() {
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(level(Severity::Error), "error");
    }
}
