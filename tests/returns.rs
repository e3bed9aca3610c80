//! 退回修改 (issue 13): `qingdan return` on a repository of three departments (an xlsx with
//! merged title and footer rows, a GB18030 CSV, a 办事指南 form), checked against
//! `check --format json`; rounds (`check --baseline`) stable under row insertion; accepted
//! problems.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use calamine::{Data, DataType, Reader, Xlsx, open_workbook};
use quick_xml::events::Event;
use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

use common::{ITEM_FIELDS, header, valid_row};
use qingdan::model::field::Field;

fn qingdan() -> Command {
    let mut c = Command::cargo_bin("qingdan").unwrap();
    c.env("QINGDAN_TODAY", "2026-11-29");
    c
}

fn col(f: Field) -> usize {
    ITEM_FIELDS.iter().position(|x| *x == f).unwrap()
}

/// An item row with `changes` applied.
fn row(impl_code: &str, changes: &[(Field, &str)]) -> Vec<String> {
    let mut r: Vec<String> = valid_row(ITEM_FIELDS).iter().map(|s| s.to_string()).collect();
    r[col(Field::ImplCode)] = impl_code.to_string();
    for (f, v) in changes {
        r[col(*f)] = v.to_string();
    }
    r
}

const BAD_CREDIT: &str = "11150202MB12345670";

/// The rows of the 住建局 list in round 1: a valid item, a wrong credit code, a missing
/// consultation phone, a promised limit over the statutory one.
fn round1_rows() -> Vec<Vec<String>> {
    vec![
        row("11150202000000000X4000172011001", &[]),
        row("11150202000000000X4000172011002", &[(Field::AgencyCode, BAD_CREDIT)]),
        row("11150202000000000X4000172011003", &[(Field::ConsultPhone, "")]),
        row("11150202000000000X4000172011004", &[(Field::PromisedLimit, "30个工作日")]),
    ]
}

/// Writes the xlsx list: a merged title row, the header, the rows, a merged sign-off footer.
fn write_list_xlsx(path: &Path, rows: &[Vec<String>]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("实施清单").unwrap();
    let last = (ITEM_FIELDS.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last, "东河区住房和城乡建设局政务服务事项实施清单", &Format::new()).unwrap();
    for (c, h) in header(ITEM_FIELDS).iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(2 + i as u32, c as u16, v).unwrap();
            }
        }
    }
    let footer = 2 + rows.len() as u32;
    ws.merge_range(footer, 0, footer, last, "填报人：张三    审核人：李四    填报日期：2026年11月20日", &Format::new()).unwrap();
    wb.save(path).unwrap();
}

/// Builds the three departments under `dir/repo`; returns the repository.
fn build_repo(dir: &Path, rows: &[Vec<String>]) -> PathBuf {
    let repo = dir.join("repo");
    let zj = repo.join("东河区住建局");
    let mz = repo.join("青山区民政局");
    let zn = repo.join("昆都仑区政务服务局");
    for d in [&zj, &mz, &zn] {
        std::fs::create_dir_all(d).unwrap();
    }
    write_list_xlsx(&zj.join("实施清单.xlsx"), rows);

    // GB18030 CSV: a fee that cannot be read, an empty 办理地点.
    let mut text = header(ITEM_FIELDS).join(",") + "\n";
    let qs = |code: &str, changes: &[(Field, &str)]| {
        let mut r = row(code, changes);
        r[col(Field::DivisionCode)] = "150204000000".into();
        r[col(Field::Department)] = "青山区民政局".into();
        r[col(Field::Agency)] = "青山区民政局".into();
        r.join(",") + "\n"
    };
    text += &qs("11150204000000000X4000172011001", &[(Field::Fee, "看情况")]);
    text += &qs("11150204000000000X4000172011002", &[(Field::Place, "")]);
    // A formula-looking value: text in the copy, never a formula.
    text += &qs("11150204000000000X4000172011003", &[(Field::Place, "=1+1")]);
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(mz.join("民政局实施清单.csv"), &bytes).unwrap();

    // A 办事指南 form missing its 法定办结时限 and 咨询电话.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("办事指南").unwrap();
    ws.merge_range(0, 0, 0, 3, "最低生活保障审核确认办事指南", &Format::new()).unwrap();
    let pairs = [
        ("事项名称", "最低生活保障审核确认"),
        ("基本编码", "000172011000"),
        ("实施编码", "11150203000000000X4000172011009"),
        ("事项类型", "行政确认"),
        ("实施主体", "昆都仑区民政局"),
        ("行使层级", "区县级"),
        ("承诺办结时限", "5个工作日"),
    ];
    for (i, (l, v)) in pairs.iter().enumerate() {
        ws.write_string(1 + i as u32, 0, *l).unwrap();
        ws.write_string(1 + i as u32, 1, *v).unwrap();
    }
    wb.save(zn.join("办事指南.xlsx")).unwrap();
    repo
}

fn check_json(repo: &Path, extra: &[&str]) -> (Value, i32) {
    let out = qingdan().arg("check").arg(repo).args(["--format", "json"]).args(extra).output().unwrap();
    let code = out.status.code().unwrap();
    assert!(code <= 1, "{}", String::from_utf8_lossy(&out.stderr));
    (serde_json::from_slice(&out.stdout).unwrap(), code)
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

/// A zip entry's text.
fn entry(path: &Path, name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut f = zip.by_name(name).ok()?;
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    Some(s)
}

/// The attributes of every element named `tag` in `xml`.
fn elements(xml: &str, tag: &str) -> Vec<HashMap<String, String>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    reader.config_mut().allow_unmatched_ends = true;
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == tag => {
                out.push(
                    e.attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            (a.key.as_ref().to_string(), a.value.to_string())
                        })
                        .collect(),
                );
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The part a relationship file points at for `id` (or of `type` suffix).
fn target(rels: &str, pred: impl Fn(&HashMap<String, String>) -> bool) -> Option<String> {
    elements(rels, "Relationship")
        .into_iter()
        .find(|r| pred(r))
        .map(|r| r["Target"].trim_start_matches("/xl/").trim_start_matches("../").to_string())
}

/// Per sheet name: the cells with a note, and the cells with a fill, in an xlsx.
fn notes_and_fills(path: &Path) -> BTreeMap<String, (BTreeSet<String>, BTreeMap<String, String>)> {
    let workbook = entry(path, "xl/workbook.xml").unwrap();
    let rels = entry(path, "xl/_rels/workbook.xml.rels").unwrap();
    let styles = entry(path, "xl/styles.xml").unwrap();
    // Fills by index: the foreground colour of each pattern fill.
    let fills_xml = &styles[styles.find("<fills").unwrap()..styles.find("</fills>").unwrap()];
    let mut fill_colours = Vec::new();
    for part in fills_xml.split("<fill>").skip(1) {
        let rgb = elements(part, "fgColor").first().and_then(|a| a.get("rgb").cloned()).unwrap_or_default();
        fill_colours.push(rgb);
    }
    let xfs_xml = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    let xf_fill: Vec<usize> = elements(xfs_xml, "xf").iter().map(|a| a.get("fillId").map_or(0, |v| v.parse().unwrap())).collect();
    let mut out = BTreeMap::new();
    for sheet in elements(&workbook, "sheet") {
        let name = sheet["name"].clone();
        let id = sheet["r:id"].clone();
        let part = target(&rels, |r| r["Id"] == id).unwrap();
        let xml = entry(path, &format!("xl/{part}")).unwrap();
        let mut fills = BTreeMap::new();
        for c in elements(&xml, "c") {
            if let Some(s) = c.get("s") {
                let colour = &fill_colours[xf_fill[s.parse::<usize>().unwrap()]];
                if !colour.is_empty() {
                    fills.insert(c["r"].clone(), colour.clone());
                }
            }
        }
        let file = part.rsplit('/').next().unwrap();
        let sheet_rels = entry(path, &format!("xl/worksheets/_rels/{file}.rels"));
        let mut notes = BTreeSet::new();
        if let Some(sr) = sheet_rels
            && let Some(comments) = target(&sr, |r| r["Type"].ends_with("/comments"))
        {
            let xml = entry(path, &format!("xl/{comments}")).unwrap();
            notes = elements(&xml, "comment").into_iter().map(|c| c["ref"].clone()).collect();
        }
        out.insert(name, (notes, fills));
    }
    out
}

fn a1(row: u32, col: u32) -> String {
    format!("{}{row}", qingdan::model::provenance::column_letters(col))
}

/// The column of the status title (检查结果) in a sheet of the copy.
fn status_column(range: &calamine::Range<Data>) -> u32 {
    let (_, c0) = range.start().unwrap();
    for r in range.rows() {
        for (j, v) in r.iter().enumerate() {
            if *v == "检查结果" {
                return c0 + j as u32;
            }
        }
    }
    panic!("no status column")
}

/// Every non-empty cell of a range by (row, col), as text (numbers as calamine shows them).
fn cells(range: &calamine::Range<Data>) -> BTreeMap<(u32, u32), Data> {
    let mut out = BTreeMap::new();
    if let Some((r0, c0)) = range.start() {
        for (i, r) in range.rows().enumerate() {
            for (j, v) in r.iter().enumerate() {
                if *v != Data::Empty {
                    out.insert((r0 + i as u32, c0 + j as u32), v.clone());
                }
            }
        }
    }
    out
}

/// Checks one annotated copy against its source cells and the JSON findings of its file.
fn check_copy(copy: &Path, sheet: &str, source: &BTreeMap<(u32, u32), Data>, file_findings: &[&Value]) {
    let mut wb: Xlsx<_> = open_workbook(copy).unwrap();
    assert_eq!(wb.sheet_names()[0], "问题清单", "{}", copy.display());
    let list = wb.worksheet_range("问题清单").unwrap();
    assert_eq!(list.height() - 1, file_findings.len(), "{}: one list row per finding", copy.display());
    let range = wb.worksheet_range(sheet).unwrap();
    let got = cells(&range);
    let status = status_column(&range);
    // Every source value sits at its original cell; nothing else but the status column.
    for (pos, v) in source {
        assert_eq!(got.get(pos), Some(v), "{}: cell {}", copy.display(), a1(pos.0 + 1, pos.1));
    }
    for pos in got.keys() {
        assert!(source.contains_key(pos) || pos.1 == status, "{}: extra cell {}", copy.display(), a1(pos.0 + 1, pos.1));
    }
    // Notes: on each finding's cell, or for a finding about a whole row, on the row's status cell.
    let mut want_notes = BTreeSet::new();
    let mut want_fills = BTreeSet::new();
    for f in file_findings {
        let Some(row) = f["row"].as_u64() else { continue };
        let row = row as u32;
        match f["column"].as_str() {
            Some(c) => {
                want_notes.insert(format!("{c}{row}"));
                want_fills.insert(format!("{c}{row}"));
            }
            None => {
                want_notes.insert(a1(row, status));
            }
        }
        want_fills.insert(a1(row, status));
    }
    let nf = notes_and_fills(copy);
    let (notes, fills) = &nf[sheet];
    assert_eq!(notes, &want_notes, "{}: notes", copy.display());
    let filled: BTreeSet<String> = fills.keys().cloned().collect();
    assert_eq!(filled, want_fills, "{}: fills", copy.display());
    // Errors red, warnings yellow (a cell with both: red).
    for f in file_findings {
        if let (Some(c), Some(r)) = (f["column"].as_str(), f["row"].as_u64()) {
            let colour = &fills[&format!("{c}{r}")];
            let worst = file_findings
                .iter()
                .filter(|g| g["column"].as_str() == Some(c) && g["row"].as_u64() == Some(r))
                .map(|g| match g["severity"].as_str().unwrap() {
                    "error" => 3,
                    "warning" => 2,
                    _ => 1,
                })
                .max()
                .unwrap();
            let want = match worst {
                3 => "FFFFC7CE",
                2 => "FFFFEB9C",
                _ => "FFDDEBF7",
            };
            assert_eq!(colour, want, "{}: fill of {c}{r}", copy.display());
        }
    }
    // The list sheet has no notes.
    assert!(nf["问题清单"].0.is_empty());
}

fn xlsx_cells(path: &Path, sheet: &str) -> BTreeMap<(u32, u32), Data> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    cells(&wb.worksheet_range(sheet).unwrap())
}

#[test]
fn return_writes_annotated_copies_lists_and_ranking() {
    return_writes_annotated_copies(None);
}

#[test]
fn return_in_constant_memory_mode_writes_the_same() {
    return_writes_annotated_copies(Some("0"));
}

/// The return test; `stream_above` sets QINGDAN_STREAM_ABOVE_BYTES (0: every copy streams).
fn return_writes_annotated_copies(stream_above: Option<&str>) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_repo(tmp.path(), &round1_rows());
    let (report, _) = check_json(&repo, &[]);
    let all = findings(&report);
    let out = tmp.path().join("退回");
    let mut cmd = qingdan();
    if let Some(v) = stream_above {
        cmd.env("QINGDAN_STREAM_ABOVE_BYTES", v);
    }
    cmd.arg("return").arg(&repo).arg("-o").arg(&out).assert().success();

    let of_file = |name: &str| -> Vec<&Value> { all.iter().filter(|f| f["file"].as_str().is_some_and(|p| p.ends_with(name))).collect() };

    // 住建局: the xlsx, with merged title and footer reproduced.
    let src = repo.join("东河区住建局/实施清单.xlsx");
    let copy = out.join("东河区住建局/实施清单-批注.xlsx");
    let zj = of_file("实施清单.xlsx");
    assert!(zj.iter().any(|f| f["column"].is_string()), "{zj:?}");
    check_copy(&copy, "实施清单", &xlsx_cells(&src, "实施清单"), &zj);
    let mut wb: Xlsx<_> = open_workbook(&copy).unwrap();
    let merges = wb.merge_cells_by_sheet_name("实施清单").unwrap();
    assert_eq!(merges.len(), 2, "title and footer merged");
    let range = wb.worksheet_range("实施清单").unwrap();
    // Leading zeros kept: 基本编码 is text.
    assert_eq!(range.get_value((2, col(Field::BasicCode) as u32)), Some(&Data::String("000172011000".into())));

    // 民政局: the GB18030 CSV, every field text at its position.
    let csv_src = repo.join("青山区民政局/民政局实施清单.csv");
    let bytes = std::fs::read(&csv_src).unwrap();
    let (text, _, _) = encoding_rs::GB18030.decode(&bytes);
    let mut source = BTreeMap::new();
    for (r, line) in text.lines().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            if !v.is_empty() {
                source.insert((r as u32, c as u32), Data::String(v.to_string()));
            }
        }
    }
    let mz = of_file("民政局实施清单.csv");
    assert!(!mz.is_empty());
    assert!(source.values().any(|v| *v == "=1+1"), "the formula-looking value is compared as text");
    check_copy(&out.join("青山区民政局/民政局实施清单-批注.xlsx"), "民政局实施清单", &source, &mz);

    // 办事指南 form.
    let guide = repo.join("昆都仑区政务服务局/办事指南.xlsx");
    let zn = of_file("办事指南.xlsx");
    assert!(!zn.is_empty());
    check_copy(&out.join("昆都仑区政务服务局/办事指南-批注.xlsx"), "办事指南", &xlsx_cells(&guide, "办事指南"), &zn);

    // Per-department lists count what check counts; the CSV has a BOM and the same rows.
    for (dept, n) in [("东河区住建局", zj.len()), ("青山区民政局", mz.len()), ("昆都仑区政务服务局", zn.len())] {
        let mut wb: Xlsx<_> = open_workbook(out.join(dept).join("问题清单.xlsx")).unwrap();
        let list = wb.worksheet_range("问题清单").unwrap();
        assert_eq!(list.height() - 1, n, "{dept}");
        let headers: Vec<String> = list.rows().next().unwrap().iter().map(|d| d.to_string()).collect();
        assert_eq!(headers.first().map(String::as_str), Some("序号"));
        assert_eq!(headers.last().map(String::as_str), Some("处理情况"));
        for h in ["文件", "工作表", "单元格", "事项名称", "实施编码", "要素", "原值", "问题", "修改建议", "级别", "规则"]
        {
            assert!(headers.iter().any(|x| x == h), "{dept}: {h}");
        }
        let csv = std::fs::read(out.join(dept).join("问题清单.csv")).unwrap();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"), "{dept}: BOM");
        let mut rdr = csv::Reader::from_reader(&csv[3..]);
        assert_eq!(rdr.records().count(), n, "{dept}: CSV rows");
    }
    // The unreadable fee's raw text is the 原值.
    let mut wb: Xlsx<_> = open_workbook(out.join("青山区民政局/问题清单.xlsx")).unwrap();
    let list = wb.worksheet_range("问题清单").unwrap();
    assert!(list.rows().any(|r| r.iter().any(|d| *d == "看情况")), "原值 of the unreadable fee");

    // 汇总: the 合计 row equals the JSON summary; the ranking is worst first.
    let mut wb: Xlsx<_> = open_workbook(out.join("汇总.xlsx")).unwrap();
    let ranking = wb.worksheet_range("部门排名").unwrap();
    let rows: Vec<Vec<Data>> = ranking.rows().map(|r| r.to_vec()).collect();
    let headers: Vec<String> = rows[0].iter().map(|d| d.to_string()).collect();
    let at = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let total = rows.iter().find(|r| r[1] == "合计").unwrap();
    let num = |d: &Data| d.as_f64().unwrap() as u64;
    let s = &report["summary"];
    assert_eq!(num(&total[at("错误数")]), s["errors"].as_u64().unwrap());
    assert_eq!(num(&total[at("警告数")]), s["warnings"].as_u64().unwrap());
    assert_eq!(num(&total[at("提示数")]), s["infos"].as_u64().unwrap());
    let depts: Vec<&Vec<Data>> = rows[1..].iter().filter(|r| r[0] != Data::Empty).collect();
    assert_eq!(depts.len(), 3);
    let errors: Vec<u64> = depts.iter().map(|r| num(&r[at("错误数")])).collect();
    assert!(errors.windows(2).all(|w| w[0] >= w[1]), "worst first: {errors:?}");
    for (dept, n) in [("东河区住建局", &zj), ("青山区民政局", &mz), ("昆都仑区政务服务局", &zn)] {
        let r = depts.iter().find(|r| r[1] == *dept).unwrap();
        let e = n.iter().filter(|f| f["severity"] == "error").count() as u64;
        assert_eq!(num(&r[at("错误数")]), e, "{dept}");
    }
    // The outputs carry the qingdan marker.
    let custom = entry(&out.join("汇总.xlsx"), "docProps/custom.xml").unwrap();
    assert!(custom.contains("name=\"qingdan-output\"") && custom.contains(">return<"));
    // Nothing was written into the inputs, and an output inside the inputs is refused.
    qingdan().arg("return").arg(&repo).arg("-o").arg(repo.join("out")).assert().code(2);
}

/// Fingerprints of the findings with a given rule and item suffix.
fn prints<'a>(report: &'a Value, rule: &str, item_end: &str) -> Vec<&'a str> {
    findings(report)
        .iter()
        .filter(|f| f["rule"] == rule && f["item"].as_str().is_some_and(|i| i.ends_with(item_end)))
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect()
}

#[test]
fn second_round_classifies_fixed_new_and_persisting_under_row_insertion() {
    let tmp = tempfile::tempdir().unwrap();
    let round1 = tmp.path().join("r1");
    let repo1 = build_repo(&round1, &round1_rows());
    let (before, _) = check_json(&repo1, &[]);
    let baseline = tmp.path().join("round1.json");
    std::fs::write(&baseline, serde_json::to_vec(&before).unwrap()).unwrap();

    // Round 2: the credit code and the phone fixed, a new problem on the first item, and two
    // new valid items inserted above the others (every old row moves down by two).
    let inserted = [(Field::BasicCode, "000172012000"), (Field::OnlineDepth, "二级"), (Field::Visits, "1")];
    let mut rows = vec![row("11150202000000000X4000172012007", &inserted), row("11150202000000000X4000172012008", &inserted)];
    let mut old = round1_rows();
    old[0][col(Field::PromisedLimit)] = "40个工作日".into();
    old[1][col(Field::AgencyCode)] = common::valid_value(Field::AgencyCode).unwrap().into();
    old[2][col(Field::ConsultPhone)] = common::valid_value(Field::ConsultPhone).unwrap().into();
    rows.extend(old);
    let repo2 = build_repo(&tmp.path().join("r2"), &rows);
    let baseline_arg = baseline.to_str().unwrap();
    let (after, code) = check_json(&repo2, &["--baseline", baseline_arg, "--fail-on", "new"]);
    assert_eq!(code, 1, "a new error fails --fail-on new");

    let zj = |r: &Value| -> Vec<Value> {
        findings(r).iter().filter(|f| f["file"].as_str().unwrap_or("").ends_with("实施清单.xlsx")).cloned().collect()
    };
    let new: Vec<&Value> = findings(&after).iter().filter(|f| f["round"] == "new").collect();
    assert_eq!(new.len(), 1, "{new:#?}");
    assert!(new[0]["item"].as_str().unwrap().ends_with("001"));
    let fixed = after["fixed"].as_array().unwrap();
    let fixed_items: BTreeSet<&str> = fixed.iter().map(|f| f["item"].as_str().unwrap()).collect();
    assert_eq!(fixed_items, BTreeSet::from(["11150202000000000X4000172011002", "11150202000000000X4000172011003"]), "{fixed:#?}");
    // Everything else persists, under the same fingerprint though two rows down.
    let s = &after["summary"];
    assert_eq!(s["new"], 1);
    assert_eq!(s["fixed"].as_u64().unwrap() as usize, fixed.len());
    assert_eq!(s["persisting"].as_u64().unwrap() as usize, findings(&after).len() - 1);
    let p1 = prints(&before, "QD104", "004");
    let p2 = prints(&after, "QD104", "004");
    assert_eq!(p1.len(), 1);
    assert_eq!(p1, p2);
    let row_of = |r: &Value| {
        zj(r).iter().find(|f| f["rule"] == "QD104" && f["item"].as_str().unwrap().ends_with("004")).unwrap()["row"].as_u64().unwrap()
    };
    assert_eq!(row_of(&after), row_of(&before) + 2);

    // Against itself, nothing is new: --fail-on new passes although errors remain.
    let again = tmp.path().join("round2.json");
    let (r2, _) = check_json(&repo2, &[]);
    std::fs::write(&again, serde_json::to_vec(&r2).unwrap()).unwrap();
    let (_, code) = check_json(&repo2, &["--baseline", again.to_str().unwrap(), "--fail-on", "new"]);
    assert_eq!(code, 0);

    // The returned lists show the class of each problem, fixed ones included.
    let out = tmp.path().join("退回2");
    qingdan().arg("return").arg(&repo2).arg("-o").arg(&out).args(["--baseline", baseline_arg]).assert().success();
    let mut wb: Xlsx<_> = open_workbook(out.join("东河区住建局/问题清单.xlsx")).unwrap();
    let list = wb.worksheet_range("问题清单").unwrap();
    let headers: Vec<String> = list.rows().next().unwrap().iter().map(|d| d.to_string()).collect();
    let at = headers.iter().position(|h| h == "整改情况").unwrap();
    let classes: Vec<String> = list.rows().skip(1).map(|r| r[at].to_string()).collect();
    assert_eq!(classes.iter().filter(|c| *c == "新增").count(), 1);
    assert_eq!(
        classes.iter().filter(|c| *c == "已整改").count(),
        fixed.iter().filter(|f| f["file"].as_str().unwrap_or("").ends_with("实施清单.xlsx")).count()
    );
    assert!(classes.iter().any(|c| c == "仍存在"));

    // SARIF uses the same fingerprints.
    let sarif = qingdan().arg("check").arg(&repo2).args(["--format", "sarif", "--baseline", baseline_arg]).output().unwrap();
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let sarif_prints: BTreeSet<&str> = results.iter().map(|r| r["partialFingerprints"]["qingdanFinding/v2"].as_str().unwrap()).collect();
    let json_prints: BTreeSet<&str> = findings(&after).iter().map(|f| f["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(sarif_prints, json_prints);
    assert_eq!(results.iter().filter(|r| r["baselineState"] == "new").count(), 1);
}

#[test]
fn accepted_problems_are_listed_counted_and_expire() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_repo(tmp.path(), &round1_rows());
    std::fs::write(
        repo.join("qingdan.yaml"),
        "accept:\n  - rule: QD104\n    item: '11150202000000000X4000172011004'\n    jurisdiction: '150202000000'\n    reason: 法定时限调整待省厅发布\n    until: 2027-06-30\n  - rule: QD100\n    item: '11150202000000000X4000172011003'\n    reason: 已过期\n    until: 2026-01-01\n  - rule: QD101\n    item: 不存在的事项\n    reason: 写错了\n",
    )
    .unwrap();
    let (plain, _) = check_json(&tmp.path().join("repo"), &["--config", "/dev/null"]);
    let (report, _) = check_json(&repo, &[]);
    let accepted: Vec<&Value> = findings(&report).iter().filter(|f| f["accepted"].is_object()).collect();
    assert_eq!(accepted.len(), 1, "{accepted:#?}");
    assert_eq!(accepted[0]["rule"], "QD104");
    assert_eq!(accepted[0]["accepted"]["reason"], "法定时限调整待省厅发布");
    let s = &report["summary"];
    assert_eq!(s["accepted"], 1);
    assert_eq!(s["errors"].as_u64().unwrap() + 1, plain["summary"]["errors"].as_u64().unwrap());
    let qd009: Vec<&Value> = findings(&report).iter().filter(|f| f["rule"] == "QD030").collect();
    assert_eq!(qd009.len(), 2, "one expired, one unmatched: {qd009:#?}");
    // CI formats: an accepted problem is a notice (GitHub) and no failure (JUnit).
    let gh = qingdan().arg("check").arg(&repo).args(["--format", "github"]).output().unwrap();
    let gh = String::from_utf8(gh.stdout).unwrap();
    let line = gh.lines().find(|l| l.contains("QD104") && l.contains("172011004")).unwrap();
    assert!(line.starts_with("::notice") && line.contains("法定时限调整待省厅发布"), "{line}");
    let junit = qingdan().arg("check").arg(&repo).args(["--format", "junit"]).output().unwrap();
    let junit = String::from_utf8(junit.stdout).unwrap();
    assert!(junit.contains(&format!("failures=\"{}\"", s["errors"])), "{}", &junit[..300]);
    // The expired entry accepts nothing: its QD100 is an ordinary finding.
    assert!(
        findings(&report)
            .iter()
            .any(|f| f["rule"] == "QD100" && f["item"].as_str().unwrap_or("").ends_with("003") && f["accepted"].is_null())
    );
}

#[test]
fn ingest_csv_has_a_bom_or_is_gb18030() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = build_repo(tmp.path(), &round1_rows());
    let out = qingdan().arg("ingest").arg(repo.join("东河区住建局")).args(["--format", "csv"]).output().unwrap();
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"));
    let out =
        qingdan().arg("ingest").arg(repo.join("东河区住建局")).args(["--format", "csv", "--output-encoding", "gb18030"]).output().unwrap();
    let (text, _, bad) = encoding_rs::GB18030.decode(&out.stdout);
    assert!(!bad && text.starts_with("事项名称"));
}

#[test]
fn second_round_problem_list_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    build_repo(&tmp.path().join("第一轮"), &round1_rows());
    let mut rows = round1_rows();
    rows[1][col(Field::AgencyCode)] = common::valid_value(Field::AgencyCode).unwrap().into();
    rows.insert(
        0,
        row("11150202000000000X4000172012007", &[(Field::BasicCode, "000172012000"), (Field::OnlineDepth, "二级"), (Field::Visits, "1")]),
    );
    build_repo(&tmp.path().join("第二轮"), &rows);
    let json = qingdan().current_dir(tmp.path()).args(["check", "第一轮/repo", "--format", "json"]).output().unwrap();
    std::fs::write(tmp.path().join("第一轮.json"), &json.stdout).unwrap();
    qingdan().current_dir(tmp.path()).args(["return", "第二轮/repo", "-o", "退回", "--baseline", "第一轮.json"]).assert().success();
    let csv = std::fs::read(tmp.path().join("退回/东河区住建局/问题清单.csv")).unwrap();
    insta::assert_snapshot!("return_list_round2", String::from_utf8(csv[3..].to_vec()).unwrap());
}
