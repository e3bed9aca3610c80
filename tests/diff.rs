//! `qingdan diff OLD NEW` on two versions of a small catalog (tests/fixtures/diff):
//! IMPL-A changed (promised limit, materials), IMPL-B removed, IMPL-C unchanged, IMPL-D added,
//! and 老年人优待证办理 (no 实施编码: matched by 基本编码 + 行政区划代码) changed department.

use assert_cmd::Command;
use serde_json::Value;

const OLD: &str = "tests/fixtures/diff/old";
const NEW: &str = "tests/fixtures/diff/new";

fn diff(extra: &[&str]) -> (String, String, i32) {
    let mut args = vec!["diff", OLD, NEW, "--quiet"];
    args.extend_from_slice(extra);
    let out = Command::cargo_bin("qingdan").unwrap().args(&args).output().unwrap();
    (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap(), out.status.code().unwrap())
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|x| x["key"].as_str().unwrap()).collect()
}

#[test]
fn json_lists_added_removed_and_changed_fields() {
    let (out, _, code) = diff(&["--format", "json"]);
    assert_eq!(code, 0, "diff exits 0 whatever the differences");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"], serde_json::json!({"added": 1, "removed": 1, "changed": 2, "unchanged": 1}));
    assert_eq!(keys(&v["added"]), ["IMPL-D"]);
    assert_eq!(keys(&v["removed"]), ["IMPL-B"]);
    assert_eq!(keys(&v["changed"]), ["IMPL-A", "000172004000@150202000000"]);
    assert_eq!(v["added"][0]["name"], "城乡居民养老保险参保登记");
    assert_eq!(v["removed"][0]["file"], "tests/fixtures/diff/old/东河区.csv");

    let a = &v["changed"][0];
    let fields: Vec<&str> = a["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["materials", "promised_limit"]);
    let limit = &a["fields"][1];
    assert_eq!(limit["label"], "承诺办结时限");
    assert_eq!(limit["before"], "10个工作日");
    assert_eq!(limit["after"], "5个工作日");
    assert_eq!(a["materials"], serde_json::json!({"added": ["户口簿"], "removed": ["营业执照"]}));

    let e = &v["changed"][1];
    assert_eq!(e["fields"].as_array().unwrap().len(), 1);
    assert_eq!(e["fields"][0]["field"], "department");
    assert_eq!(e["fields"][0]["before"], "民政局");
    assert_eq!(e["fields"][0]["after"], "卫生健康委员会");
    assert!(e.get("materials").is_none());
}

#[test]
fn human_output() {
    let (out, _, code) = diff(&[]);
    assert_eq!(code, 0);
    assert!(out.contains("+ 新增 IMPL-D 城乡居民养老保险参保登记"));
    assert!(out.contains("- 删除 IMPL-B 公共场所卫生许可"));
    assert!(out.contains("~ 修改 IMPL-A 食品经营许可"));
    assert!(out.contains("    申请材料：增加 户口簿；删除 营业执照"));
    assert!(out.contains("    承诺办结时限：10个工作日 → 5个工作日"));
    assert!(out.contains("    主管部门：民政局 → 卫生健康委员会"));
    assert!(out.trim_end().ends_with("新增 1 项，删除 1 项，修改 2 项，未变 1 项"));
}

#[test]
fn english_output() {
    let out = Command::cargo_bin("qingdan").unwrap().args(["--lang", "en", "diff", OLD, NEW, "--quiet"]).output().unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.contains("promised time limit: 10个工作日 → 5个工作日"));
    assert!(out.contains("materials: added 户口簿; removed 营业执照"));
    assert!(out.trim_end().ends_with("1 added, 1 removed, 2 changed, 1 unchanged"));
}

#[test]
fn markdown_snapshot() {
    let (out, _, code) = diff(&["--format", "md"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("diff_md", out);
}

#[test]
fn identical_versions_have_no_changes() {
    let out = Command::cargo_bin("qingdan").unwrap().args(["diff", OLD, OLD, "--quiet", "-f", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"], serde_json::json!({"added": 0, "removed": 0, "changed": 0, "unchanged": 4}));
}

#[test]
fn files_as_well_as_directories() {
    let out = Command::cargo_bin("qingdan")
        .unwrap()
        .args(["diff", "tests/fixtures/diff/old/东河区.csv", "tests/fixtures/diff/new/东河区.csv", "--quiet", "-f", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["changed"], 2);
}

#[test]
fn xlsx_needs_an_output_file() {
    let (_, err, code) = diff(&["--format", "xlsx"]);
    assert_eq!(code, 2);
    assert!(err.contains("-o"), "{err}");
}

#[test]
fn xlsx_workbook_marks_changes() {
    use calamine::{Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("变更.xlsx");
    let (_, _, code) = diff(&["--format", "xlsx", "-o", target.to_str().unwrap()]);
    assert_eq!(code, 0);
    let mut wb: Xlsx<_> = open_workbook(&target).unwrap();
    assert_eq!(wb.sheet_names(), ["变更明细", "汇总"]);
    let range = wb.worksheet_range("变更明细").unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[0][..7], ["变更类型", "编码", "事项名称", "行政区划代码", "字段", "修改前", "修改后"]);
    // 1 added + 1 removed + 3 changed fields.
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[1][..2], ["新增", "IMPL-D"]);
    assert_eq!(rows[2][..2], ["删除", "IMPL-B"]);
    let limit = rows.iter().find(|r| r[4] == "承诺办结时限").unwrap();
    assert_eq!(limit[5..7], ["10个工作日", "5个工作日"]);
    let materials = rows.iter().find(|r| r[4] == "申请材料").unwrap();
    assert!(materials[6].contains("[增加: 户口簿]"), "{materials:?}");
    let summary = wb.worksheet_range("汇总").unwrap();
    let counts: Vec<String> = summary.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert_eq!(counts, ["1", "1", "2", "1"]);
    // Nothing but the workbook is left in the folder (written atomically).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn xlsx_refuses_to_overwrite_an_input() {
    let input = "tests/fixtures/diff/new/东河区.csv";
    let before = std::fs::read(input).unwrap();
    let (_, err, code) = diff(&["--format", "xlsx", "-o", input]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("拒绝覆盖输入文件"), "{err}");
    assert_eq!(std::fs::read(input).unwrap(), before);
    let (_, err, code) = diff(&["--format", "md", "-o", input]);
    assert_eq!(code, 2, "{err}");
}
