//! `check --format sarif|junit|github` on a small catalog: the SARIF log validates against the
//! vendored SARIF 2.1.0 schema, JUnit parses as XML, GitHub annotations are escaped.

use assert_cmd::Command;
use serde_json::Value;

const FIXTURE: &str = "tests/fixtures/ci";

fn check(format: &str) -> (String, i32) {
    let out = Command::cargo_bin("qingdan").unwrap().args(["check", FIXTURE, "--quiet", "--format", format]).output().unwrap();
    (String::from_utf8(out.stdout).unwrap(), out.status.code().unwrap())
}

fn json_report() -> Value {
    serde_json::from_str(&check("json").0).unwrap()
}

fn count(report: &Value, severity: &str) -> usize {
    report["findings"].as_array().unwrap().iter().filter(|f| f["severity"] == severity).count()
}

fn schema() -> Value {
    serde_json::from_str(&std::fs::read_to_string("tests/schemas/sarif-2.1.0.json").unwrap()).unwrap()
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema()).unwrap()
}

/// The JSON report's finding of `rule` (rows are compared with it rather than hard-coded).
fn json_finding(rule: &str) -> Value {
    json_report()["findings"].as_array().unwrap().iter().find(|f| f["rule"] == rule).unwrap().clone()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let (out, code) = check("sarif");
    assert_eq!(code, 1, "errors in the fixture fail the check");
    let log: Value = serde_json::from_str(&out).unwrap();
    let validator = validator();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
}

#[test]
fn the_schema_rejects_a_broken_log() {
    let validator = validator();
    let mut log: Value = serde_json::from_str(&check("sarif").0).unwrap();
    log["version"] = "2.0.0".into();
    assert!(!validator.is_valid(&log));
    let mut log: Value = serde_json::from_str(&check("sarif").0).unwrap();
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&log));
}

#[test]
fn sarif_content_is_what_code_scanning_needs() {
    let log: Value = serde_json::from_str(&check("sarif").0).unwrap();
    let report = json_report();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "qingdan");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), qingdan::rules::registry::RULES.len());
    for r in rules {
        for key in ["id", "name"] {
            assert!(r[key].is_string(), "{key} in {r}");
        }
        for key in ["shortDescription", "fullDescription", "help"] {
            assert!(!r[key]["text"].as_str().unwrap().is_empty(), "{key} in {r}");
        }
        assert!(["error", "warning", "note"].contains(&r["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), report["findings"].as_array().unwrap().len());
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        // GitHub rejects the whole log when any result lacks a physical location.
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.contains('\\'));
        assert!(uri.starts_with("tests/fixtures/ci/"), "{uri}");
        if let Some(line) = loc["region"]["startLine"].as_u64() {
            assert!(line >= 1);
        }
    }
    let credit = results.iter().find(|r| r["ruleId"] == "QD101").unwrap();
    assert_eq!(credit["level"], "error");
    let row = json_finding("QD101")["row"].as_u64().unwrap();
    assert_eq!(credit["locations"][0]["physicalLocation"]["region"]["startLine"], row);
    assert_eq!(credit["locations"][0]["physicalLocation"]["region"]["startColumn"], 7, "column G");
    assert_eq!(credit["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "tests/fixtures/ci/清单,第1版.csv");
    let no_base = results.iter().find(|r| r["ruleId"] == "QD200").unwrap();
    assert_eq!(no_base["level"], "warning");
    assert!(no_base["locations"][0]["physicalLocation"].get("region").is_none());
    let info = results.iter().find(|r| r["ruleId"] == "QD003").unwrap();
    assert_eq!(info["level"], "note");
}

#[test]
fn sarif_in_english() {
    let out = Command::cargo_bin("qingdan").unwrap().args(["--lang", "en", "check", FIXTURE, "--quiet", "-f", "sarif"]).output().unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
    assert!(rule["shortDescription"]["text"].as_str().unwrap().is_ascii());
}

#[test]
fn junit_is_well_formed_xml_with_one_failure_per_error() {
    use quick_xml::events::Event;
    let (out, code) = check("junit");
    assert_eq!(code, 1);
    let report = json_report();
    let mut reader = quick_xml::Reader::from_str(&out);
    let (mut suites, mut cases, mut failures, mut outs) = (0, 0, 0, 0);
    let mut failure_types = Vec::new();
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("bad XML at {}: {e}", reader.buffer_position())) {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "testsuite" => suites += 1,
                "testcase" => cases += 1,
                "failure" => {
                    failures += 1;
                    let t = e.try_get_attribute("type").unwrap().unwrap();
                    failure_types.push(t.value.to_string());
                }
                "system-out" => outs += 1,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(suites, 2, "one suite per file plus one for repository-wide findings");
    assert_eq!(cases, report["findings"].as_array().unwrap().len());
    assert_eq!(failures, count(&report, "error"));
    assert_eq!(outs, count(&report, "warning") + count(&report, "info"));
    failure_types.sort();
    assert_eq!(failure_types, ["QD101", "QD104"]);
    // The header with markup is escaped, not emitted raw.
    assert!(out.contains("备注&lt;内部&gt;&amp;说明"));
    assert!(out.contains("<testsuites name=\"qingdan\" tests=\"4\" failures=\"2\""));
}

#[test]
fn github_annotations_are_escaped() {
    let (out, code) = check("github");
    assert_eq!(code, 1);
    let report = json_report();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), report["findings"].as_array().unwrap().len());
    for l in &lines {
        assert!(l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice "), "{l}");
    }
    let row = json_finding("QD101")["row"].as_u64().unwrap();
    let expected = format!(
        "::error file=tests/fixtures/ci/清单%2C第1版.csv,line={row},col=7,title=QD101 credit-code::实施主体编码“11511301008778183A”校验位错误：应为 N，实为 A [IMPL-A]"
    );
    assert!(lines.contains(&expected.as_str()), "{out}");
    assert!(lines.iter().any(|l| l.starts_with("::warning title=QD200 no-base-catalog::")));
    let header_row = json_finding("QD003")["row"].as_u64().unwrap();
    assert!(lines.iter().any(|l| l.starts_with(&format!("::notice file=tests/fixtures/ci/清单%2C第1版.csv,line={header_row},"))));
}

#[test]
fn github_escaping_rules() {
    use qingdan::report::github::{escape_data, escape_property};
    assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
    assert_eq!(escape_property("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce");
}
