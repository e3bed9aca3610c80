//! `qingdan check`: the JSON report contract, exit codes, the per-rule repository fixtures of
//! 四级同源 and the bundled example.

use assert_cmd::Command;
use serde_json::Value;

fn qingdan() -> Command {
    Command::cargo_bin("qingdan").unwrap()
}

fn check_json(args: &[&str]) -> (i32, Value) {
    let out = qingdan().arg("check").args(args).args(["--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), v)
}

/// `rule file-name row column jurisdiction` per finding, for exact comparisons.
fn brief(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap_or("").rsplit('/').next().unwrap().to_string();
            format!(
                "{} {} {} {} {}",
                f["rule"].as_str().unwrap(),
                file,
                f["row"].as_u64().map(|r| r.to_string()).unwrap_or("-".into()),
                f["column"].as_str().unwrap_or("-"),
                f["jurisdiction"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

fn repo(name: &str) -> String {
    format!("tests/fixtures/repos/{name}")
}

#[test]
fn clean_repository_has_no_finding() {
    let (code, v) = check_json(&[&repo("clean")]);
    assert_eq!(brief(&v), Vec::<String>::new());
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["items"], 8, "base entries are items too");
    assert_eq!(v["summary"]["files"], 4);
    let m = &v["consistency"];
    assert_eq!(m["jurisdictions"].as_array().unwrap().len(), 3);
    assert_eq!(m["items"][0]["cells"]["150202000000"], "claimed");
}

#[test]
fn unsourced_item() {
    let (code, v) = check_json(&[&repo("unsourced")]);
    assert_eq!(brief(&v), ["QD201 a.csv 4 B 150202000000"]);
    assert_eq!(code, 1);
    assert!(v["findings"][0]["message"].as_str().unwrap().contains("199999999999"));
}

#[test]
fn four_same_compares_after_folding() {
    let (_, v) = check_json(&[&repo("four_same")]);
    // The legal basis differs only in spaces and punctuation: not reported.
    assert_eq!(brief(&v), ["QD202 a.csv 2 A 150202000000", "QD202 a.csv 3 D 150202000000"]);
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(msg.contains("甲许可（新）") && msg.contains("“甲许可”"), "{msg}");
}

#[test]
fn level_not_in_base_and_missing_claims() {
    let (_, v) = check_json(&[&repo("level")]);
    assert_eq!(brief(&v), ["QD203 a.csv 3 I 150202001000", "QD204 a.csv - - 150202000000", "QD204 a.csv - - 150202001000"]);
    assert_eq!(v["findings"][1]["row"], Value::Null);
}

#[test]
fn claim_missing_one_per_jurisdiction_and_item() {
    let (code, v) = check_json(&[&repo("claim_missing")]);
    assert_eq!(brief(&v), ["QD204 a.csv - - 150202000000"]);
    assert_eq!(v["findings"][0]["severity"], "warning");
    assert_eq!(code, 0, "warnings do not fail by default");
    let (code, _) = {
        let out = qingdan().args(["check", &repo("claim_missing"), "--format", "json", "--fail-on", "warning"]).output().unwrap();
        (out.status.code().unwrap(), ())
    };
    assert_eq!(code, 1);
}

#[test]
fn not_uniform_names_the_majority_and_the_materials() {
    let (_, v) = check_json(&[&repo("not_uniform")]);
    assert_eq!(brief(&v), ["QD205 a.csv 2 N 150202000000", "QD205 a.csv 2 O 150202000000"]);
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(msg.contains("多出 收入证明") && msg.contains("150203000000") && msg.contains("150204000000"), "{msg}");
}

#[test]
fn implementation_codes_unique_across_the_repository() {
    let (_, v) = check_json(&[&repo("impl_code")]);
    assert_eq!(brief(&v), ["QD206 b.csv 4 C 150204000000"]);
}

#[test]
fn missing_base_catalog_still_checks_items() {
    let (_, v) = check_json(&["tests/fixtures/repos/clean/150202000000.csv"]);
    assert_eq!(brief(&v), ["QD200  - - -"]);
    let (_, v) = check_json(&["tests/fixtures/repos/unsourced/a.csv", "--base", "tests/fixtures/repos/no-such-base.csv"]);
    let rules: Vec<String> = brief(&v).into_iter().map(|b| b[..5].to_string()).collect();
    assert!(rules.contains(&"QD001".to_string()) && rules.contains(&"QD200".to_string()), "{rules:?}");
}

#[test]
fn severity_overrides_from_config() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("qingdan.yaml");
    std::fs::write(&cfg, "rules:\n  QD201: off\n").unwrap();
    let (code, v) = check_json(&[&repo("unsourced"), "--config", cfg.to_str().unwrap()]);
    assert_eq!(brief(&v), Vec::<String>::new());
    assert_eq!(code, 0);
    std::fs::write(&cfg, "rules:\n  QD201: bogus\n").unwrap();
    let out = qingdan().args(["check", &repo("unsourced"), "--config", cfg.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/rules/QD201"));
}

#[test]
fn example_repository_report_snapshot() {
    let (code, v) = check_json(&["examples/baotou"]);
    assert_eq!(code, 1);
    insta::assert_json_snapshot!("baotou_check", v);
    // Every rule the example README promises is present (QD100 no longer: the example's missing
    // values are unreadable ones, reported as QD010/QD011 only).
    let rules: std::collections::BTreeSet<&str> = v["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    for r in [
        "QD010", "QD011", "QD101", "QD102", "QD104", "QD106", "QD107", "QD108", "QD109", "QD110", "QD201", "QD202", "QD203", "QD204",
        "QD205", "QD206",
    ] {
        assert!(rules.contains(r), "{r} missing from the example");
    }
}

#[test]
fn human_report_points_at_cells_and_summarizes() {
    let out = qingdan().args(["check", "examples/baotou"]).output().unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("examples/baotou/东河区.xlsx 实施清单!H5"), "{s}");
    assert!(s.contains("校验位错误"));
    assert!(s.contains("共检查 9 个文件、36 个事项"));
    assert!(s.contains("四级同源"));
    assert!(!s.contains('\u{1b}'), "no colors when stdout is not a terminal");
    let out = qingdan().args(["--lang", "en", "check", "examples/baotou"]).output().unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("check character should be"), "{s}");
}

#[test]
fn no_input_exits_2() {
    let out = qingdan().args(["check", "tests/fixtures/does-not-exist.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_and_explain() {
    let out = qingdan().arg("rules").output().unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("QD101") && s.contains("QD205"));
    let out = qingdan().args(["explain", "QD101"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("GB 32100-2015"));
    let out = qingdan().args(["explain", "credit-code", "--lang", "en"]).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("check character"));
    assert_eq!(qingdan().args(["explain", "QD999"]).output().unwrap().status.code(), Some(2));
}

#[test]
fn schema_command_prints_the_embedded_schema() {
    let out = qingdan().arg("schema").output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert!(v["properties"]["agency_code"].is_object());
}
