//! Issue 12, "one problem, one finding": a missing column is one finding per table, a value
//! that could not be read is not also missing, help fits the field, and the human report's
//! layout (one head line per finding, wrapped to the width, summary last).

mod common;

use assert_cmd::Command;
use common::{ITEM_FIELDS, header, valid_row};
use qingdan::model::field::Field;
use serde_json::Value;

fn qingdan() -> Command {
    Command::cargo_bin("qingdan").unwrap()
}

/// Writes a CSV of `rows` (a header first) to `dir/name`.
fn write_csv(dir: &std::path::Path, name: &str, rows: &[Vec<String>]) -> std::path::PathBuf {
    let p = dir.join(name);
    let text: String = rows.iter().map(|r| r.join(",") + "\n").collect();
    std::fs::write(&p, text).unwrap();
    p
}

fn strings(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(str::to_string).collect()
}

fn check_json(args: &[&str]) -> (i32, Value) {
    let out = qingdan().arg("check").args(args).args(["--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), v)
}

fn rules_of(v: &Value) -> Vec<String> {
    v["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_missing_column_is_one_finding_per_table() {
    let dir = tempfile::tempdir().unwrap();
    let fields: Vec<Field> = ITEM_FIELDS.iter().copied().filter(|f| *f != Field::Department).collect();
    let mut head = strings(header(&fields));
    head.push("实施机关统一社会信用代码X".into());
    let mut rows = vec![head];
    let impl_col = fields.iter().position(|f| *f == Field::ImplCode).unwrap();
    for i in 0..500 {
        let mut r = strings(valid_row(&fields));
        r[impl_col] = format!("{}{i}", r[impl_col]);
        r.push("x".into());
        rows.push(r);
    }
    let p = write_csv(dir.path(), "东河区.csv", &rows);
    let (_, v) = check_json(&[p.to_str().unwrap()]);
    let rules = rules_of(&v);
    assert_eq!(rules.iter().filter(|r| *r == "QD006").count(), 1, "{rules:?}");
    assert_eq!(rules.iter().filter(|r| *r == "QD100").count(), 0, "{rules:?}");
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "QD006").unwrap();
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("表头中缺少：主管部门"), "{msg}");
    assert!(msg.contains("未对应的列：") && msg.contains("实施机关统一社会信用代码X"), "{msg}");
    assert_eq!(v["summary"]["errors"], 1);
}

#[test]
fn an_unreadable_value_is_not_also_missing() {
    let dir = tempfile::tempdir().unwrap();
    let mut row = strings(valid_row(ITEM_FIELDS));
    let level = ITEM_FIELDS.iter().position(|f| *f == Field::Level).unwrap();
    row[level] = "区级以上".into();
    let p = write_csv(dir.path(), "a.csv", &[strings(header(ITEM_FIELDS)), row]);
    let (_, v) = check_json(&[p.to_str().unwrap()]);
    let rules = rules_of(&v);
    assert!(rules.contains(&"QD010".to_string()), "{rules:?}");
    assert!(!rules.contains(&"QD100".to_string()), "{rules:?}");
}
