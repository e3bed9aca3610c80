//! `qingdan export`: the publication workbook read back with calamine.

use std::path::{Path, PathBuf};

mod common;
use common::cell_text as text;

use calamine::{Data, Reader, Xlsx, open_workbook};
use qingdan::model::field::Field;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> PathBuf {
    root().join("tests/fixtures/export")
}

fn export(out: &Path) {
    assert_cmd::cargo::cargo_bin_cmd!("qingdan").current_dir(root()).arg("export").arg(fixture()).arg("-o").arg(out).assert().success();
}

fn column(range: &calamine::Range<Data>, header: &str) -> u32 {
    (0..range.width() as u32).find(|c| text(range.get_value((0, *c))) == header).unwrap_or_else(|| panic!("no column {header}"))
}

#[test]
fn export_writes_level_sheets_materials_guide_stats_and_findings() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("发布.xlsx");
    export(&out);
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["县级事项目录", "乡级事项目录", "县级公开目录", "乡级公开目录", "申请材料", "办事指南", "统计", "统计明细", "问题"]
    );

    let county = wb.worksheet_range("县级事项目录").unwrap();
    let headers: Vec<String> = (0..county.width() as u32).map(|c| text(county.get_value((0, c)))).collect();
    let mut labels: Vec<String> = Field::ALL.iter().map(|f| f.label().to_string()).collect();
    labels.push("状态".into());
    assert_eq!(headers, labels);
    assert_eq!(county.height(), 4, "three county items and the header");

    // Sorted by division code, then impl_code.
    let impl_col = column(&county, "实施编码");
    let codes: Vec<String> = (1..4).map(|r| text(county.get_value((r, impl_col)))).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);

    // The value starting with '=' comes back as the same string, not as a formula.
    let name_col = column(&county, "事项名称");
    let cond_col = column(&county, "受理条件");
    let row = (1..4).find(|r| text(county.get_value((*r, name_col))) == "食品经营许可").unwrap();
    assert_eq!(county.get_value((row, cond_col)), Some(&Data::String("=符合条件的申请人均可申请".into())));
    let formulas = wb.worksheet_formula("县级事项目录").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formulas written");

    let town = wb.worksheet_range("乡级事项目录").unwrap();
    assert_eq!(town.height(), 3);

    let materials = wb.worksheet_range("申请材料").unwrap();
    assert_eq!(text(materials.get_value((0, 0))), "实施编码");
    assert_eq!(text(materials.get_value((0, 1))), "事项名称");
    assert_eq!(text(materials.get_value((0, 2))), "材料名称");
    assert_eq!(materials.height(), 1 + 6, "six materials");

    let guide = wb.worksheet_range("办事指南").unwrap();
    assert_eq!(text(guide.get_value((0, 0))), "要素");
    assert!(guide.rows().any(|r| text(r.first()) == "受理条件" && text(r.get(1)) == "=符合条件的申请人均可申请"));

    let stats = wb.worksheet_range("统计").unwrap();
    let count_col = column(&stats, "实施事项数");
    let rate_col = column(&stats, "全程网办率");
    let find = |code: &str| (1..stats.height() as u32).find(|r| text(stats.get_value((*r, 0))) == code).unwrap();
    let county_row = find("150202000000");
    assert_eq!(stats.get_value((county_row, count_col)), Some(&Data::Float(3.0)));
    assert_eq!(stats.get_value((county_row, rate_col)), Some(&Data::Float(2.0 / 3.0)));
    assert_eq!(stats.get_value((find("150202001000"), count_col)), Some(&Data::Float(2.0)));
    let total = (1..stats.height() as u32).find(|r| text(stats.get_value((*r, 1))) == "合计").unwrap();
    assert_eq!(stats.get_value((total, count_col)), Some(&Data::Float(5.0)));

    let problems = wb.worksheet_range("问题").unwrap();
    let header: Vec<String> = (0..problems.width() as u32).map(|c| text(problems.get_value((0, c)))).collect();
    for h in ["规则", "级别", "文件", "单元格", "字段", "问题说明"] {
        assert!(header.iter().any(|x| x == h), "问题 sheet lacks {h}");
    }
}

#[test]
fn export_refuses_to_overwrite_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("清单.xlsx");
    export(&input);
    let before = std::fs::read(&input).unwrap();
    assert_cmd::cargo::cargo_bin_cmd!("qingdan")
        .current_dir(root())
        .arg("export")
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("拒绝覆盖"));
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn exported_workbook_reads_back_with_the_same_items() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("发布.xlsx");
    export(&out);
    let ingest = |path: &Path| {
        let o = assert_cmd::cargo::cargo_bin_cmd!("qingdan")
            .current_dir(root())
            .args(["ingest", "--format", "json"])
            .arg(path)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let mut items: Vec<(String, String, String)> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["provenance"]["sheet"].as_str().is_none_or(|s| s.ends_with("事项目录")))
            .map(|i| {
                let s = |k: &str| i[k].as_str().unwrap_or("").to_string();
                (s("impl_code"), s("name"), s("conditions"))
            })
            .collect();
        items.sort();
        items
    };
    assert_eq!(ingest(&out), ingest(&fixture()));
}
