//! `qingdan ingest`: every messy shape of fields.md §3 and issue 2, read from committed fixtures
//! (tests/fixtures/ingest, written by tests/fixtures/make_fixtures.py).

use assert_cmd::Command;
use serde_json::{Value, json};

fn qingdan() -> Command {
    Command::cargo_bin("qingdan").unwrap()
}

fn ingest_json(path: &str) -> (Value, String) {
    let out = qingdan().args(["ingest", path, "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (serde_json::from_slice(&out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn title_rows_blank_rows_and_notes() {
    let (v, _) = ingest_json("tests/fixtures/ingest/title_rows.csv");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "the 注 row is not an item");
    assert_eq!(items[0]["name"], "甲事项");
    assert_eq!(items[0]["provenance"]["row"], 4);
    assert_eq!(items[1]["provenance"]["row"], 6);
    assert_eq!(items[0]["provenance"]["headers"]["agency"], "实施机关");
    assert_eq!(items[0]["provenance"]["cells"]["agency"], "F4");
    assert_eq!(items[0]["level"], "县级");
    assert_eq!(items[0]["item_type"], "行政许可");
    assert_eq!(items[0]["statutory_limit"], json!({"value": 20, "unit": "working_day"}));
    assert_eq!(
        items[0]["materials"],
        json!([{"name": "申请书", "original": 1, "required": true}, {"name": "身份证", "copies": 1, "required": true}])
    );
}

#[test]
fn gb18030_full_width_limits_and_booleans() {
    let (v, stderr) = ingest_json("tests/fixtures/ingest/gbk.csv");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items[0]["name"], "AB证明 办理");
    assert_eq!(items[0]["division_code"], "150202000000");
    assert_eq!(items[0]["statutory_limit"], json!({"value": 20, "unit": "working_day"}));
    assert_eq!(items[0]["promised_limit"], json!({"value": 0, "unit": "instant"}));
    assert_eq!(items[0]["fee"], false);
    assert_eq!(items[0]["instant"], true);
    assert_eq!(items[1]["statutory_limit"], json!({"value": 15, "unit": "natural_day"}));
    assert_eq!(items[1]["promised_limit"], json!({"value": 0, "unit": "instant"}));
    assert_eq!(items[1]["division_code"], "150202000000");
    assert_eq!(items[2]["statutory_limit"], json!({"value": 20, "unit": "working_day"}));
    assert_eq!(items[2]["promised_limit"], json!({"value": 3, "unit": "month"}));
    assert!(items[2].get("fee").is_none(), "an unreadable boolean is never defaulted");
    assert!(stderr.contains("QD010") && stderr.contains("按规定"), "{stderr}");
}

#[test]
fn two_row_header_numbers_and_materials_sheet() {
    let (v, stderr) = ingest_json("tests/fixtures/ingest/two_row_header.xlsx");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["basic_code"], "150207000001", "a code stored as a number is recovered exactly");
    assert_eq!(items[0]["division_code"], "150207000000");
    assert_eq!(items[0]["statutory_limit"], json!({"value": 20, "unit": "working_day"}));
    assert_eq!(items[0]["promised_limit"], json!({"value": 5, "unit": "working_day"}));
    assert_eq!(items[0]["provenance"]["headers"]["statutory_limit"], "办结时限/法定");
    assert_eq!(items[0]["provenance"]["row"], 4);
    assert!(items[1].get("basic_code").is_none());
    assert!(stderr.contains("QD011") && stderr.contains("1.50207E+11"), "{stderr}");
    let mats = items[1]["materials"].as_array().unwrap();
    assert_eq!(mats.len(), 2, "joined from the 申请材料 sheet by 实施编码");
    assert_eq!(mats[1], json!({"name": "委托书", "source": "申请人自备", "original": 1, "copies": 0, "form": "纸质", "required": false}));
    assert_eq!(items[2]["statutory_limit"], json!({"value": 30, "unit": "working_day"}));
    assert_eq!(items[2]["item_type"], "其他行政权力");
    assert!(stderr.contains("QD014") && stderr.contains("JY-9"), "the orphan material row is reported: {stderr}");
}

#[test]
fn unmapped_columns_are_kept_under_extra() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.csv");
    std::fs::write(&p, "事项名称,实施编码,办理机关,内部备注\n甲,A1,东河区某局,见附件\n").unwrap();
    let (v, stderr) = ingest_json(p.to_str().unwrap());
    assert_eq!(v["items"][0]["extra"], json!({"办理机关": "东河区某局", "内部备注": "见附件"}));
    assert!(stderr.contains("QD003"));
    // With an alias in qingdan.yaml the column maps to agency.
    std::fs::write(dir.path().join("qingdan.yaml"), "aliases:\n  agency: [办理机关]\n").unwrap();
    let out = qingdan().current_dir(dir.path()).args(["ingest", "x.csv", "--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["items"][0]["agency"], "东河区某局");
    assert_eq!(v["items"][0]["extra"], json!({"内部备注": "见附件"}));
}

#[test]
fn own_output_reads_back_to_the_same_items() {
    let dir = tempfile::tempdir().unwrap();
    for (fmt, ext) in [("json", "json"), ("yaml", "yaml"), ("ndjson", "ndjson")] {
        let out = qingdan()
            .args(["ingest", "tests/fixtures/ingest/two_row_header.xlsx", "tests/fixtures/ingest/gbk.csv", "--format", fmt])
            .output()
            .unwrap();
        let path = dir.path().join(format!("catalog.{ext}"));
        std::fs::write(&path, &out.stdout).unwrap();
        let again = qingdan().args(["ingest", path.to_str().unwrap(), "--format", "json"]).output().unwrap();
        let first = qingdan()
            .args(["ingest", "tests/fixtures/ingest/two_row_header.xlsx", "tests/fixtures/ingest/gbk.csv", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&again.stdout), String::from_utf8_lossy(&first.stdout), "{fmt}");
    }
}

#[test]
fn output_directory_one_file_per_table_and_csv_defused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    qingdan().args(["ingest", "tests/fixtures/ingest", "-o", out.to_str().unwrap(), "--format", "csv"]).assert().success();
    let mut names: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        ["gbk.csv", "legacy-固阳县.csv", "macro-实施清单.csv", "open-达茂旗.csv", "title_rows.csv", "two_row_header-实施清单.csv"]
    );
    let src = dir.path().join("f.csv");
    std::fs::write(&src, "事项名称,实施编码,受理条件\n=HYPERLINK(\"x\"),A1,@SUM(1)\n").unwrap();
    let o = qingdan().args(["ingest", src.to_str().unwrap(), "--format", "csv"]).output().unwrap();
    let s = String::from_utf8(o.stdout).unwrap();
    assert!(s.contains("'=HYPERLINK") && s.contains("'@SUM(1)"), "{s}");
}

#[test]
fn normalized_output_snapshot() {
    let out = qingdan().args(["ingest", "tests/fixtures/ingest/title_rows.csv", "--format", "yaml"]).output().unwrap();
    insta::assert_snapshot!("title_rows_yaml", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn bundled_catalog_is_not_stale() {
    // catalogs/baotou is regenerated by: cargo run --release -- ingest examples/baotou -o catalogs/baotou
    let dir = tempfile::tempdir().unwrap();
    qingdan().args(["ingest", "examples/baotou", "-o", dir.path().to_str().unwrap()]).assert().success();
    let mut fresh: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    fresh.sort();
    let mut committed: Vec<_> = std::fs::read_dir("catalogs/baotou")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    committed.sort();
    assert_eq!(fresh.len(), committed.len(), "catalogs/baotou is stale: regenerate it (see README)");
    for (f, c) in fresh.iter().zip(&committed) {
        assert_eq!(f.file_name(), c.file_name());
        assert_eq!(
            std::fs::read_to_string(f).unwrap(),
            std::fs::read_to_string(c).unwrap(),
            "{} is stale: regenerate catalogs/baotou (see README)",
            c.display()
        );
    }
}

#[test]
fn xls_ods_and_xlsm() {
    for (file, sheet) in [("legacy.xls", "固阳县"), ("open.ods", "达茂旗")] {
        let (v, _) = ingest_json(&format!("tests/fixtures/ingest/{file}"));
        let items = v["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{file}");
        assert_eq!(items[0]["division_code"], "150222000000", "{file}: a numeric code recovered");
        assert_eq!(items[1]["division_code"], "150222000000", "{file}: a 6-digit code padded");
        assert_eq!(items[1]["statutory_limit"], json!({"value": 0, "unit": "instant"}));
        assert_eq!(items[1]["fee"], true);
        assert_eq!(items[0]["provenance"]["sheet"], sheet);
        assert_eq!(items[0]["provenance"]["row"], 2);
    }
    let (v, _) = ingest_json("tests/fixtures/ingest/macro.xlsm");
    assert_eq!(v["items"].as_array().unwrap().len(), 3);
}

#[test]
fn two_tables_with_the_same_name_do_not_overwrite_each_other() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("清单.csv"), format!("事项名称,实施编码,法定办结时限\n{sub},X-{sub},5\n")).unwrap();
    }
    let out = dir.path().join("out");
    qingdan().args(["ingest", dir.path().to_str().unwrap(), "-o", out.to_str().unwrap()]).assert().success();
    let mut names: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["清单-2.yaml", "清单.yaml"]);
}
