//! `qingdan template`: the blank departmental template read back with calamine, and filled.

use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};
use qingdan::model::field::Field;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn template(out: &Path) {
    assert_cmd::cargo::cargo_bin_cmd!("qingdan").current_dir(root()).arg("template").arg("-o").arg(out).assert().success();
}

fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) if f.fract() == 0.0 => format!("{}", *f as i64),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => format!("{other:?}"),
    }
}

fn check_json(path: &Path) -> serde_json::Value {
    let out =
        assert_cmd::cargo::cargo_bin_cmd!("qingdan").current_dir(root()).args(["check", "--format", "json"]).arg(path).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn findings(v: &serde_json::Value) -> Vec<serde_json::Value> {
    v["findings"].as_array().unwrap().clone()
}

#[test]
fn template_has_canonical_headers_example_and_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("模板.xlsx");
    template(&out);
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let names = wb.sheet_names();
    for s in ["实施清单", "申请材料", "填写说明"] {
        assert!(names.iter().any(|n| n == s), "missing sheet {s}: {names:?}");
    }
    let items = wb.worksheet_range("实施清单").unwrap();
    let headers: Vec<String> = (0..items.width() as u32).map(|c| text(items.get_value((0, c)))).collect();
    let labels: Vec<String> = Field::ALL.iter().map(|f| f.label().to_string()).collect();
    assert_eq!(headers, labels);
    let col = |f: Field| Field::ALL.iter().position(|x| *x == f).unwrap() as u32;
    assert_eq!(text(items.get_value((1, col(Field::DivisionCode)))), "150202000000");
    assert_eq!(text(items.get_value((1, col(Field::Level)))), "县级");

    let materials = wb.worksheet_range("申请材料").unwrap();
    let mh: Vec<String> = (0..materials.width() as u32).map(|c| text(materials.get_value((0, c)))).collect();
    assert_eq!(mh, ["实施编码", "材料名称", "来源渠道", "原件份数", "复印件份数", "材料形式", "是否必要"]);
}

#[test]
fn the_template_itself_checks_clean_on_its_data_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("模板.xlsx");
    template(&out);
    let report = check_json(&out);
    assert_eq!(report["summary"]["items"], 1, "the example row");
    for f in findings(&report) {
        let sheet = f["sheet"].as_str().unwrap_or("");
        assert!(sheet != "实施清单" && sheet != "申请材料", "finding on a data sheet: {f}");
    }
}

#[test]
fn a_filled_copy_maps_every_header() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("模板.xlsx");
    template(&out);
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let items = wb.worksheet_range("实施清单").unwrap();
    let headers: Vec<String> = (0..items.width() as u32).map(|c| text(items.get_value((0, c)))).collect();
    let mut row: Vec<String> = (0..items.width() as u32).map(|c| text(items.get_value((1, c)))).collect();
    // A department fills materials in the cell instead of the materials sheet.
    let m = headers.iter().position(|h| h == "申请材料").unwrap();
    row[m] = "1.食品经营许可申请书（原件1份）\n2.营业执照（复印件1份）".into();
    let csv_path = dir.path().join("东河区实施清单.csv");
    let mut w = csv::Writer::from_path(&csv_path).unwrap();
    w.write_record(&headers).unwrap();
    w.write_record(&row).unwrap();
    w.flush().unwrap();
    drop(w);

    let report = check_json(&csv_path);
    assert_eq!(report["summary"]["items"], 1);
    let all = findings(&report);
    for f in &all {
        let rule = f["rule"].as_str().unwrap();
        assert!(!matches!(rule, "QD002" | "QD003" | "QD004"), "mapping finding: {f}");
        assert_ne!(f["severity"], "error", "the example row should be valid: {f}");
    }

    let ingested = assert_cmd::cargo::cargo_bin_cmd!("qingdan")
        .current_dir(root())
        .args(["ingest", "--format", "json"])
        .arg(&csv_path)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&ingested.stdout).unwrap();
    let item = &v["items"][0];
    assert_eq!(item["division_code"], "150202000000");
    assert_eq!(item["level"], "县级");
    assert_eq!(item["instant"], false);
    assert_eq!(item["materials"].as_array().unwrap().len(), 2);
    assert!(item.get("extra").is_none_or(|e| e.as_object().is_none_or(|o| o.is_empty())), "unmapped columns: {item}");
}

#[test]
fn form_layout_is_handed_to_the_form_template() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("表单.xlsx");
    let status = assert_cmd::cargo::cargo_bin_cmd!("qingdan")
        .current_dir(root())
        .args(["template", "--layout", "form", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    // Either the form template exists (success) or it reports it is not built yet (exit 2).
    assert!(status.status.code() == Some(0) || status.status.code() == Some(2));
}
