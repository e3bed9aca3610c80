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
    assert_eq!(
        v["summary"],
        serde_json::json!({"added": 1, "removed": 1, "changed": 2, "unchanged": 1, "only_in_guide": 0, "back_in_list": 0})
    );
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
    assert_eq!(
        v["summary"],
        serde_json::json!({"added": 0, "removed": 0, "changed": 0, "unchanged": 4, "only_in_guide": 0, "back_in_list": 0})
    );
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
    assert_eq!(wb.sheet_names(), ["变更明细", "汇总", "按地区"]);
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
    assert_eq!(counts, ["1", "1", "2", "1", "0", "0"]);
    // The changed characters are marked inside the cells: "10" struck through in the old value.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&target).unwrap()).unwrap();
    let mut strings = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").unwrap(), &mut strings).unwrap();
    let struck = strings.find("<strike/>").expect("a struck-through run");
    assert!(strings[struck..].starts_with("<strike/>") && strings[struck..struck + 200].contains("<t>10</t>"), "{strings}");
    assert!(strings.contains("<u/>"), "inserted characters underlined");
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

/// Two versions of 东河区's list (canonical CSV from the example) with its 办事指南 beside:
/// the new one deletes the list row of a guided item, writes one process with line breaks
/// instead of `；`, and changes one promised limit. Returns (dir, impl codes: guided, process,
/// limit, and the limit's expected cell).
fn guided_versions() -> (tempfile::TempDir, [String; 4]) {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let o = Command::cargo_bin("qingdan")
        .unwrap()
        .args(["--quiet", "ingest", "examples/baotou/东河区.xlsx", "--format", "csv", "-o"])
        .arg(&src)
        .output()
        .unwrap();
    assert!(o.status.success());
    let csv_path = src.join("东河区-实施清单.csv");
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let col = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let (code, process, limit) = (col("实施编码"), col("办理流程"), col("承诺办结时限"));
    let guided = "001104001000-150202000000-000-11150202000000022N-1-00".to_string();
    let others: Vec<usize> = (0..rows.len()).filter(|i| rows[*i][code] != guided).collect();
    let (p_row, l_row) = (others[0], others[1]);
    let write = |dir: &std::path::Path, new: bool| {
        std::fs::create_dir_all(dir.join("办事指南")).unwrap();
        std::fs::copy("examples/baotou/办事指南/东河区-办事指南.xlsx", dir.join("办事指南/东河区-办事指南.xlsx")).unwrap();
        let mut w = csv::Writer::from_path(dir.join("东河区.csv")).unwrap();
        w.write_record(&headers).unwrap();
        for (i, r) in rows.iter().enumerate() {
            if new && r[code] == guided {
                continue;
            }
            let mut r: Vec<String> = r.iter().map(str::to_string).collect();
            if i == p_row {
                r[process] = if new { "1.申请\n2.受理\n3.决定".into() } else { "1.申请；2.受理；3.决定".into() };
            }
            if i == l_row && new {
                r[limit] = "3个工作日".into();
            }
            w.write_record(&r).unwrap();
        }
        w.flush().unwrap();
    };
    write(&dir.path().join("old"), false);
    write(&dir.path().join("new"), true);
    // The limit's cell in the new file: its column, and its row (header row 1, one row deleted before it or not).
    let new_row = others.iter().position(|i| *i == l_row).unwrap() + 2;
    let cell = format!("东河区!{}{new_row}", (b'A' + limit as u8) as char);
    (dir, [guided, rows[p_row][code].to_string(), rows[l_row][code].to_string(), cell])
}

fn diff_dirs(dir: &std::path::Path, extra: &[&str]) -> String {
    let out = Command::cargo_bin("qingdan")
        .unwrap()
        .arg("--quiet")
        .arg("diff")
        .arg(dir.join("old"))
        .arg(dir.join("new"))
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_list_row_deleted_while_its_guide_remains_is_reported_as_only_in_the_guide() {
    let (dir, [guided, _, _, _]) = guided_versions();
    let v: Value = serde_json::from_str(&diff_dirs(dir.path(), &["-f", "json"])).unwrap();
    assert_eq!(keys(&v["only_in_guide"].as_array().unwrap().iter().map(|m| m["new"].clone()).collect()), [guided.as_str()]);
    assert!(!keys(&v["changed"]).contains(&guided.as_str()), "not a change emptying the list's fields");
    assert!(!keys(&v["removed"]).contains(&guided.as_str()));
    let m = &v["only_in_guide"][0];
    assert!(m["old"]["location"].as_str().unwrap().starts_with("东河区!"), "{m}");
    assert_eq!(m["new"]["file"], dir.path().join("new/办事指南/东河区-办事指南.xlsx").display().to_string());
    let human = diff_dirs(dir.path(), &[]);
    assert!(human.contains(&format!("> 移出清单 {guided} 最低生活保障对象认定：已从实施清单删除，现仅见于办事指南")), "{human}");
}

#[test]
fn separator_only_changes_are_no_change_unless_strict_and_then_marked() {
    let (dir, [_, process, _, _]) = guided_versions();
    let v: Value = serde_json::from_str(&diff_dirs(dir.path(), &["-f", "json"])).unwrap();
    assert!(!keys(&v["changed"]).contains(&process.as_str()), "line breaks vs ； are no change by default");
    assert_eq!(v["separator_changes_hidden"], 1);
    let human = diff_dirs(dir.path(), &[]);
    assert!(human.contains("1 处仅分隔符不同"), "{human}");

    let v: Value = serde_json::from_str(&diff_dirs(dir.path(), &["-f", "json", "--strict"])).unwrap();
    let c = v["changed"].as_array().unwrap().iter().find(|c| c["key"] == process.as_str()).expect("--strict shows it");
    let f = &c["fields"][0];
    assert_eq!((f["field"].as_str(), f["separators_only"].as_bool()), (Some("process"), Some(true)));
    assert_eq!(f["marked"], "1.申请[-；-]{+⏎+}2.受理[-；-]{+⏎+}3.决定");
    let human = diff_dirs(dir.path(), &["--strict"]);
    assert!(human.contains("差异：1.申请[-；-]{+⏎+}2.受理[-；-]{+⏎+}3.决定"), "{human}");
    assert!(human.contains("（仅分隔符不同）"), "{human}");
}

#[test]
fn locations_are_cells_and_every_format_summarises_per_jurisdiction() {
    let (dir, [_, _, limit, cell]) = guided_versions();
    let v: Value = serde_json::from_str(&diff_dirs(dir.path(), &["-f", "json"])).unwrap();
    let c = v["changed"].as_array().unwrap().iter().find(|c| c["key"] == limit.as_str()).unwrap();
    let f = c["fields"].as_array().unwrap().iter().find(|f| f["field"] == "promised_limit").unwrap();
    assert_eq!(f["new_cell"], cell.as_str());
    assert_eq!(v["by_jurisdiction"]["150202000000"]["only_in_guide"], 1);
    let human = diff_dirs(dir.path(), &[]);
    assert!(human.contains(&format!(" → {cell}]")), "{human}");
    assert!(!human.contains(".csv:"), "no file:row locations");
    let row = human.lines().find(|l| l.trim_start().starts_with("东河区 150202000000")).expect("per-jurisdiction row");
    let counts: Vec<&str> = row.split_whitespace().skip(2).collect();
    assert_eq!(counts.len(), 6, "{row}");
    assert_eq!(counts[3], "1", "移出清单: {row}");
    let md = diff_dirs(dir.path(), &["-f", "md"]);
    assert!(md.contains("## 按地区") && md.contains("| 东河区 150202000000 |"), "{md}");
    assert!(md.contains(&format!(" → {cell}]")), "{md}");

    use calamine::{Reader, Xlsx, open_workbook};
    let target = dir.path().join("变更.xlsx");
    diff_dirs(dir.path(), &["-f", "xlsx", "-o", target.to_str().unwrap()]);
    let mut wb: Xlsx<_> = open_workbook(&target).unwrap();
    let by = wb.worksheet_range("按地区").unwrap();
    assert_eq!(by.get_value((1, 0)).map(|d| d.to_string()), Some("东河区 150202000000".into()));
    let changes = wb.worksheet_range("变更明细").unwrap();
    assert!(changes.rows().any(|r| r.get(9).map(|d| d.to_string()) == Some(cell.clone())), "新版位置 {cell}");
    assert!(changes.rows().any(|r| r[0] == "移出清单"));
}
