//! The conventions corpus (`tests/fixtures/conventions/`): small catalog repositories, each in one
//! department's or jurisdiction's house style (headers, titles, footers, long official value forms,
//! codes Excel mangled, CSV encodings, xls). Each folder has `repo/` (what `qingdan check` reads),
//! a README describing the convention and `expected.yaml` listing the seeded defects. Written by
//! `make_conventions.py` independently of the implementation; tests never run Python.
//!
//! The contract checked here, per repository:
//! - no error finding other than the seeded defects (a finding at a seeded defect's cell, or on its
//!   row for a row-level defect, belongs to that defect);
//! - every seeded defect is found at its file, sheet, row (and column when given) with its rule
//!   (or one of `also_accept`);
//! - no warning except at a seeded defect or listed under `allowed_warnings` (with a reason);
//! - `ingest` reads exactly the item rows written: titles, headers, notes, sign-offs, totals and
//!   stamps are not items.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use serde_json::Value;

const CORPUS: &str = "tests/fixtures/conventions";

fn qingdan() -> Command {
    Command::cargo_bin("qingdan").unwrap()
}

/// One repository of the corpus and what `check` said about it.
struct Run {
    name: String,
    /// `tests/fixtures/conventions/NAME/repo`, as passed to qingdan (file paths in reports start with it).
    repo: String,
    expected: Expected,
    findings: Vec<Finding>,
}

#[derive(Debug, Clone)]
struct Finding {
    rule: String,
    severity: String,
    file: Option<String>,
    sheet: Option<String>,
    row: Option<u64>,
    column: Option<String>,
    header: Option<String>,
    field: Option<String>,
    message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = match (&self.sheet, self.row, &self.column) {
            (Some(s), Some(r), Some(c)) => format!("{s}!{c}{r}"),
            (Some(s), Some(r), None) => format!("{s}!row {r}"),
            (None, Some(r), Some(c)) => format!("{c}{r}"),
            (None, Some(r), None) => format!("row {r}"),
            (Some(s), None, _) => format!("{s} (sheet)"),
            (None, None, _) => "(file)".to_string(),
        };
        write!(
            f,
            "{} {} {} {} [field {}, header {:?}] {}",
            self.rule,
            self.severity,
            self.file.as_deref().unwrap_or("-"),
            at,
            self.field.as_deref().unwrap_or("-"),
            self.header.as_deref().unwrap_or("-"),
            self.message
        )
    }
}

#[derive(Debug, Clone)]
struct Place {
    file: String,
    sheet: Option<String>,
    /// None: a file-level finding (allowed warnings only).
    row: Option<u64>,
    column: Option<String>,
}

impl Place {
    fn parse(v: &Value) -> Place {
        let file = v["file"].as_str().expect("file").to_string();
        let sheet = v["sheet"].as_str().map(str::to_string);
        let (row, column) = match &v["cell"] {
            Value::Null => (None, None),
            Value::Number(n) => (Some(n.as_u64().expect("row number")), None),
            Value::String(s) => {
                let col: String = s.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
                let row: u64 = s[col.len()..].parse().unwrap_or_else(|_| panic!("bad cell {s}"));
                (Some(row), if col.is_empty() { None } else { Some(col.to_ascii_uppercase()) })
            }
            other => panic!("bad cell {other}"),
        };
        Place { file, sheet, row, column }
    }

    fn show(&self) -> String {
        let cell = match (self.row, &self.column) {
            (Some(r), Some(c)) => format!("{c}{r}"),
            (Some(r), None) => format!("row {r}"),
            (None, _) => "(file)".into(),
        };
        match &self.sheet {
            Some(s) => format!("{} {s}!{cell}", self.file),
            None => format!("{} {cell}", self.file),
        }
    }

    /// Whether a finding sits here: same file and sheet, same row, and same column when the
    /// place names one. A file-level place matches only file-level findings.
    fn holds(&self, f: &Finding) -> bool {
        if f.file.as_deref() != Some(self.file.as_str()) || f.sheet != self.sheet {
            return false;
        }
        match self.row {
            None => f.row.is_none(),
            Some(r) => f.row == Some(r) && self.column.as_ref().is_none_or(|c| f.column.as_deref() == Some(c.as_str())),
        }
    }
}

#[derive(Debug, Clone)]
struct Defect {
    at: Place,
    rules: Vec<String>,
    severity: String,
}

#[derive(Debug, Clone)]
struct Allowed {
    at: Place,
    /// None: any warning rule.
    rule: Option<String>,
    reason: String,
}

#[derive(Debug, Clone)]
struct Table {
    kind: String,
    rows: Vec<u64>,
}

#[derive(Debug, Clone)]
struct Expected {
    defects: Vec<Defect>,
    allowed: Vec<Allowed>,
    /// "file" or "file!sheet" → the item rows written there.
    tables: BTreeMap<String, Table>,
}

fn load_expected(dir: &Path) -> Expected {
    let path = dir.join("expected.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let defects = v["defects"]
        .as_array()
        .expect("defects")
        .iter()
        .map(|d| {
            let mut rules = vec![d["rule"].as_str().expect("rule").to_string()];
            if let Some(also) = d["also_accept"].as_array() {
                rules.extend(also.iter().map(|r| r.as_str().unwrap().to_string()));
            }
            Defect { at: Place::parse(d), rules, severity: d["severity"].as_str().expect("severity").to_string() }
        })
        .collect();
    let allowed = v["allowed_warnings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|w| Allowed {
                    at: Place::parse(w),
                    rule: w["rule"].as_str().map(str::to_string),
                    reason: w["reason"].as_str().expect("every allowed warning has a reason").to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let tables = v["items"]
        .as_object()
        .expect("items")
        .iter()
        .map(|(k, t)| {
            let rows = t["at"].as_array().expect("at").iter().map(|r| r.as_u64().unwrap()).collect::<Vec<_>>();
            assert_eq!(rows.len() as u64, t["rows"].as_u64().unwrap(), "{}: {k}", path.display());
            (k.clone(), Table { kind: t["kind"].as_str().unwrap().to_string(), rows })
        })
        .collect();
    Expected { defects, allowed, tables }
}

fn repositories() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("corpus folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.yaml").is_file())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 5, "the corpus has at least five repositories, found {}", dirs.len());
    dirs
}

fn opt_str(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// Runs `check` once per repository (shared by the tests of this file).
fn runs() -> &'static [Run] {
    static RUNS: OnceLock<Vec<Run>> = OnceLock::new();
    RUNS.get_or_init(|| {
        repositories()
            .into_iter()
            .map(|dir| {
                let name = dir.file_name().unwrap().to_string_lossy().into_owned();
                let repo = format!("{CORPUS}/{name}/repo");
                let out = qingdan().args(["--quiet", "check", &repo, "--format", "json"]).output().unwrap();
                let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                    panic!(
                        "{name}: check did not print JSON ({e}); exit {:?}\nstdout: {}\nstderr: {}",
                        out.status.code(),
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    )
                });
                let prefix = format!("{repo}/");
                let findings = v["findings"]
                    .as_array()
                    .expect("findings")
                    .iter()
                    .map(|f| Finding {
                        rule: f["rule"].as_str().unwrap().to_string(),
                        severity: f["severity"].as_str().unwrap().to_string(),
                        file: f["file"].as_str().map(|s| s.strip_prefix(&prefix).unwrap_or(s).to_string()),
                        sheet: opt_str(&f["sheet"]),
                        row: f["row"].as_u64(),
                        column: opt_str(&f["column"]),
                        header: opt_str(&f["header"]),
                        field: opt_str(&f["field"]),
                        message: f["message"].as_str().unwrap_or("").to_string(),
                    })
                    .collect();
                Run { name, repo, expected: load_expected(&dir), findings }
            })
            .collect()
    })
}

/// A finding that belongs to a seeded defect: at its cell (or row, for a row-level defect).
fn at_seeded_defect(run: &Run, f: &Finding) -> bool {
    run.expected.defects.iter().any(|d| d.at.holds(f))
}

/// Groups unexpected findings by (rule, header, message with quoted values elided) so that each
/// class of failure shows once with its count, then lists every one.
fn report(title: &str, bad: &[(&str, &Finding)]) -> String {
    let mut classes: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for (_, f) in bad {
        let mut shape = String::new();
        let mut quoted = false;
        for c in f.message.chars() {
            match c {
                '“' => {
                    quoted = true;
                    shape.push_str("“…");
                }
                '”' => {
                    quoted = false;
                    shape.push('”');
                }
                _ if !quoted => shape.push(c),
                _ => {}
            }
        }
        *classes.entry((f.rule.clone(), f.header.clone().unwrap_or("-".into()), shape)).or_default() += 1;
    }
    let mut s = format!("{title}: {} finding(s)\n\nby class (rule, header, message shape):\n", bad.len());
    for ((rule, header, shape), n) in &classes {
        s.push_str(&format!("  {n:>4} × {rule} header {header:?}: {shape}\n"));
    }
    s.push_str("\nevery one (repository: rule severity file cell [field, header] message):\n");
    for (repo, f) in bad {
        s.push_str(&format!("  {repo}: {f}\n"));
    }
    s
}

#[test]
fn clean_rows_have_no_error() {
    let mut bad = Vec::new();
    for run in runs() {
        for f in &run.findings {
            if f.severity == "error" && !at_seeded_defect(run, f) {
                bad.push((run.name.as_str(), f));
            }
        }
    }
    assert!(bad.is_empty(), "{}", report("errors on clean rows of the conventions corpus", &bad));
}

#[test]
fn clean_rows_have_no_unlisted_warning() {
    let mut bad = Vec::new();
    for run in runs() {
        for f in &run.findings {
            if f.severity != "warning" || at_seeded_defect(run, f) {
                continue;
            }
            let allowed = run.expected.allowed.iter().any(|a| a.at.holds(f) && a.rule.as_ref().is_none_or(|r| *r == f.rule));
            if !allowed {
                bad.push((run.name.as_str(), f));
            }
        }
    }
    assert!(bad.is_empty(), "{}", report("warnings not listed in expected.yaml (allowed_warnings)", &bad));
}

#[test]
fn allowed_warnings_have_reasons() {
    for run in runs() {
        for a in &run.expected.allowed {
            assert!(a.reason.chars().count() >= 10, "{}: {} needs a reason", run.name, a.at.show());
        }
    }
}

#[test]
fn every_seeded_defect_is_found_at_its_cell() {
    let mut missed = Vec::new();
    for run in runs() {
        for d in &run.expected.defects {
            let found = run.findings.iter().any(|f| d.at.holds(f) && d.rules.contains(&f.rule));
            if !found {
                let near: Vec<String> = run
                    .findings
                    .iter()
                    .filter(|f| f.file.as_deref() == Some(d.at.file.as_str()) && f.sheet == d.at.sheet && f.row == d.at.row)
                    .map(|f| format!("      on that row: {f}"))
                    .collect();
                missed.push(format!(
                    "  {}: {} {} ({}) not found at {}\n{}",
                    run.name,
                    d.rules.join("/"),
                    d.severity,
                    d.rules[0],
                    d.at.show(),
                    if near.is_empty() { "      nothing reported on that row".to_string() } else { near.join("\n") }
                ));
            }
        }
    }
    assert!(missed.is_empty(), "seeded defects missed: {}\n{}", missed.len(), missed.join("\n"));
}

#[test]
fn seeded_severities_match_the_rules() {
    // A seeded defect found with its rule must carry the severity expected.yaml gives it.
    let mut wrong = Vec::new();
    for run in runs() {
        for d in &run.expected.defects {
            for f in run.findings.iter().filter(|f| d.at.holds(f) && f.rule == d.rules[0]) {
                if f.severity != d.severity {
                    wrong.push(format!("  {}: {} expected {}, got {f}", run.name, d.at.show(), d.severity));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn ingest_reads_exactly_the_item_rows() {
    let mut problems = Vec::new();
    let mut total_expected = 0;
    let mut total_read = 0;
    for run in runs() {
        let out = qingdan().args(["--quiet", "ingest", &run.repo, "--format", "json"]).output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{}: ingest did not print JSON ({e})\nstderr: {}", run.name, String::from_utf8_lossy(&out.stderr)));
        let prefix = format!("{}/", run.repo);
        // table key → rows read (with the item's name, to show what a stray row was)
        let mut read: BTreeMap<String, BTreeMap<u64, String>> = BTreeMap::new();
        for item in v["items"].as_array().expect("items") {
            let p = &item["provenance"];
            let file = p["file"].as_str().unwrap();
            let file = file.strip_prefix(&prefix).unwrap_or(file);
            let key = match p["sheet"].as_str() {
                Some(s) => format!("{file}!{s}"),
                None => file.to_string(),
            };
            let row = p["row"].as_u64().unwrap_or(0);
            let label = item["name"].as_str().or(item["basic_code"].as_str()).unwrap_or("（无名称）");
            read.entry(key).or_default().insert(row, label.chars().take(40).collect());
        }
        let keys: BTreeSet<&String> = read.keys().chain(run.expected.tables.keys()).collect();
        for key in keys {
            let want: BTreeSet<u64> = run.expected.tables.get(key).map(|t| t.rows.iter().copied().collect()).unwrap_or_default();
            let kind = run.expected.tables.get(key).map_or("?", |t| t.kind.as_str());
            let got = read.get(key).cloned().unwrap_or_default();
            total_expected += want.len();
            total_read += got.len();
            for (row, label) in &got {
                if !want.contains(row) {
                    problems.push(format!("  {}: {key} row {row} read as an item ({kind} table) but is not one: {label:?}", run.name));
                }
            }
            for row in &want {
                if !got.contains_key(row) {
                    problems.push(format!("  {}: {key} row {row} is an item ({kind} table) but was not read", run.name));
                }
            }
        }
    }
    assert!(problems.is_empty(), "ingest read {total_read} items, the corpus has {total_expected} item rows:\n{}", problems.join("\n"));
    assert_eq!(total_read, total_expected);
}
