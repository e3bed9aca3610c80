//! The JSON report's schema (`schemas/report.schema.json`, printed by `qingdan schema --report`):
//! every report validates against it, and the README's JSON example is the output of the command
//! it names, so neither can drift.

use assert_cmd::Command;
use serde_json::Value;

fn qingdan() -> Command {
    Command::cargo_bin("qingdan").unwrap()
}

fn report_schema() -> jsonschema::Validator {
    let out = qingdan().args(["schema", "--report"]).output().unwrap();
    assert!(out.status.success());
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn every_report_validates_against_the_schema() {
    let validator = report_schema();
    let cases: &[&[&str]] = &[
        &["tests/fixtures/repos/clean"],
        &["tests/fixtures/repos/unsourced"],
        &["tests/fixtures/repos/not_uniform"],
        &["tests/fixtures/repos/claim_missing", "--lang", "en"],
        &["tests/fixtures/broken"],
        &["examples/baotou"],
        &["examples/baotou", "--select", "QD1", "--ignore", "QD105"],
    ];
    for args in cases {
        let out = qingdan().arg("check").args(*args).args(["--format", "json"]).output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let errors: Vec<String> = validator.iter_errors(&v).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:?}");
        assert!(!v["findings"].as_array().unwrap().is_empty() || args[0].ends_with("clean"), "{args:?} found nothing");
    }
    // A finding about a cell carries its raw text and the fix.
    let out = qingdan().args(["check", "tests/fixtures/repos/unsourced", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["value"], "199999999999");
    assert!(v["findings"][0]["help"].as_str().unwrap().contains("基本目录"));
}

/// The README shows the JSON report of this command, verbatim.
const README_EXAMPLE: &[&str] = &["check", "tests/fixtures/repos/unsourced", "--format", "json"];

#[test]
fn readme_json_example_is_the_real_output() {
    let out = qingdan().args(README_EXAMPLE).output().unwrap();
    let json = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("readme_json_example", json);
    let readme = std::fs::read_to_string("README.md").unwrap();
    let marker = "<!-- json-example: qingdan check tests/fixtures/repos/unsourced --format json -->";
    let start = readme.find(marker).expect("README marks its JSON example") + marker.len();
    let block = &readme[start..];
    let block = block.trim_start().strip_prefix("```json\n").expect("a json block follows the marker");
    let block = &block[..block.find("```").unwrap()];
    assert_eq!(block, json, "README's JSON example differs from the command's output: copy it from the snapshot");
}
