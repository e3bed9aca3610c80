//! 办事指南 laid out as forms (issue 7): labels down a column, values beside them (merged or
//! not), a 申请材料 sub-table, a 办结时限 法定/承诺 block, one item per sheet or several stacked
//! down one sheet. Fixtures are built here with rust_xlsxwriter into a temporary directory
//! ([`build_fixtures`]); the binary reads them.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde_json::{Value, json};

use qingdan::cli::TemplateArgs;
use qingdan::consistency::guide::GuideComparison;
use qingdan::ingest::{Event, Layout, Options, Reader};
use qingdan::model::field::Field;
use qingdan::model::item::Item;

fn qingdan() -> Command {
    Command::cargo_bin("qingdan").unwrap()
}

/// A valid 统一社会信用代码 (check character computed).
fn credit_code() -> String {
    let first17 = "11150202MB1234567";
    format!("{first17}{}", qingdan::model::codes::credit_check_char(first17).unwrap())
}

/// The fixture workbooks of this file.
pub struct Fixtures {
    /// Two sheets, one item each, each sheet named after its item (labels with 冒号 and （必填）,
    /// row numbers before the labels on the second sheet).
    pub per_sheet: PathBuf,
    /// One sheet of three items stacked down, each under a title row, separated by blank rows.
    pub stacked: PathBuf,
    /// Labels merged A:B, values merged C:F, a 办结时限 label merged down two rows, a malformed
    /// 实施主体编码 at C7.
    pub merged: PathBuf,
    /// A 申请材料 sub-table of six materials under a label merged down the sub-table.
    pub materials: PathBuf,
    /// An implementation list (CSV) sharing 实施编码 with `merged`, disagreeing on 咨询电话.
    pub list: PathBuf,
    /// The same list as a workbook (sheet 实施清单).
    pub list_xlsx: PathBuf,
}

/// Writes label/value rows from `first_row` (0-based): label in column A, value in B.
fn pairs(ws: &mut Worksheet, first_row: u32, rows: &[(&str, &str)]) -> Result<u32, XlsxError> {
    for (i, (label, value)) in rows.iter().enumerate() {
        let r = first_row + i as u32;
        ws.write_string(r, 0, *label)?;
        if !value.is_empty() {
            ws.write_string(r, 1, *value)?;
        }
    }
    Ok(first_row + rows.len() as u32)
}

/// Builds every fixture workbook under `dir`.
pub fn build_fixtures(dir: &Path) -> Result<Fixtures, XlsxError> {
    let plain = Format::new();
    let code = credit_code();

    // One item per sheet.
    let per_sheet = dir.join("一事一表.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("食品经营许可")?;
    ws.merge_range(0, 0, 0, 3, "食品经营许可办事指南", &plain)?;
    pairs(
        ws,
        1,
        &[
            ("事项名称（必填）", "食品经营许可"),
            ("实施编码：", "000115002000-150202000000-000-X-1-00"),
            ("事项类型", "行政许可"),
            ("实施主体", "包头市东河区市场监督管理局"),
            ("实施主体编码", &code),
            ("服务对象", "企业法人、自然人"),
            ("受理条件", "1.具有营业执照；\n2.有与经营品种相适应的场所。"),
            ("法定办结时限", "20个工作日"),
            ("承诺办结时限：", "5个工作日"),
            ("是否收费", "否"),
            ("到办事现场次数", "1次"),
        ],
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("药品经营许可")?;
    ws.merge_range(0, 0, 0, 3, "药品经营许可办事指南", &plain)?;
    for (i, (label, value)) in [
        ("事项名称", "药品经营许可"),
        ("实施编码", "000115003000-150202000000-000-X-1-00"),
        ("实施主体", "包头市东河区市场监督管理局"),
        ("承诺时限", "10个工作日"),
        ("是否收费", "是"),
        ("收费标准", "不收费"),
    ]
    .iter()
    .enumerate()
    {
        let r = 1 + i as u32;
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, *label)?;
        ws.write_string(r, 2, *value)?;
    }
    wb.save(&per_sheet)?;

    // Three items stacked down one sheet.
    let stacked = dir.join("汇总指南.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("指南")?;
    let mut r = 0;
    for (title, name, code, limits) in [
        ("甲事项办事指南", "甲事项", "X-1", "法定：10个工作日\n承诺：3个工作日"),
        ("乙事项办事指南", "乙事项", "X-2", "法定办结时限：15个工作日；承诺办结时限：即办"),
        ("丙事项办事指南", "丙事项", "X-3", "法定：1个月\n承诺：20日"),
    ] {
        ws.merge_range(r, 0, r, 3, title, &plain)?;
        r = pairs(ws, r + 1, &[("事项名称", name), ("实施编码", code), ("办结时限", limits), ("实施主体", "东河区某局")])?;
        r += 1; // a blank row between items
    }
    wb.save(&stacked)?;

    // Values in merged cells.
    let merged = dir.join("合并单元格.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("指南")?;
    ws.merge_range(0, 0, 0, 5, "东河区食品经营许可办事指南", &plain)?;
    ws.merge_range(1, 0, 1, 5, "基本信息", &plain)?;
    let rows: [(&str, &str); 5] = [
        ("事项名称（必填）", "食品经营许可"),
        ("实施编码：", "000115002000-150202000000-000-11150202MB1234567X-1-00"),
        ("事项类型", "行政许可"),
        ("实施主体", "包头市东河区市场监督管理局"),
        ("实施主体编码", "1115020MB12345"),
    ];
    for (i, (label, value)) in rows.iter().enumerate() {
        let r = 2 + i as u32;
        ws.merge_range(r, 0, r, 1, label, &plain)?;
        ws.merge_range(r, 2, r, 5, value, &plain)?;
    }
    ws.merge_range(7, 0, 8, 0, "办结时限", &plain)?;
    ws.write_string(7, 1, "法定")?;
    ws.write_string(8, 1, "承诺")?;
    ws.merge_range(7, 2, 7, 5, "20个工作日", &plain)?;
    ws.merge_range(8, 2, 8, 5, "5个工作日", &plain)?;
    ws.merge_range(9, 0, 9, 1, "受理条件", &plain)?;
    ws.merge_range(9, 2, 9, 5, "1.具有营业执照；\n2.有经营场所。", &plain)?;
    ws.merge_range(10, 0, 10, 1, "是否收费", &plain)?;
    ws.merge_range(10, 2, 10, 5, "否", &plain)?;
    ws.merge_range(11, 0, 11, 1, "咨询电话", &plain)?;
    ws.merge_range(11, 2, 11, 5, "0472-4123456", &plain)?;
    wb.save(&merged)?;

    // A 申请材料 sub-table of six materials.
    let materials = dir.join("申请材料子表.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("办事指南")?;
    ws.merge_range(0, 0, 0, 7, "食品经营许可办事指南", &plain)?;
    let r = pairs(ws, 1, &[("事项名称", "食品经营许可"), ("实施编码", "X-9"), ("实施主体", "东河区市场监督管理局")])?;
    let header = ["序号", "材料名称", "来源渠道", "原件份数", "复印件份数", "材料形式", "是否必要"];
    let list = [
        ["1", "食品经营许可申请书", "申请人自备", "1", "0", "纸质", "是"],
        ["2", "营业执照", "政府部门核发", "0", "1", "纸质", "是"],
        ["3", "法定代表人身份证", "政府部门核发", "0", "1", "纸质", "是"],
        ["4", "食品安全管理制度", "申请人自备", "1", "0", "纸质", "是"],
        ["5", "经营场所平面图", "申请人自备", "1", "0", "电子", "是"],
        ["6", "委托书", "申请人自备", "1", "0", "纸质", "否"],
    ];
    ws.merge_range(r, 0, r + list.len() as u32, 0, "申请材料", &plain)?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string(r, 1 + c as u16, *h)?;
    }
    for (k, m) in list.iter().enumerate() {
        for (c, v) in m.iter().enumerate() {
            ws.write_string(r + 1 + k as u32, 1 + c as u16, *v)?;
        }
    }
    pairs(ws, r + 1 + list.len() as u32, &[("中介服务", "无"), ("是否收费", "否")])?;
    wb.save(&materials)?;

    let list = dir.join("实施清单.csv");
    std::fs::write(
        &list,
        "事项名称,实施编码,事项类型,实施主体,咨询电话\n食品经营许可,000115002000-150202000000-000-11150202MB1234567X-1-00,行政许可,包头市东河区市场监督管理局,0472-4999999\n",
    )
    .unwrap();
    let list_xlsx = dir.join("实施清单.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("实施清单")?;
    let text = std::fs::read_to_string(&list).unwrap();
    for (r, line) in text.lines().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            ws.write_string(r as u32, c as u16, v)?;
        }
    }
    wb.save(&list_xlsx)?;
    Ok(Fixtures { per_sheet, stacked, merged, materials, list, list_xlsx })
}

fn fixtures() -> (tempfile::TempDir, Fixtures) {
    let dir = tempfile::tempdir().unwrap();
    let f = build_fixtures(dir.path()).unwrap();
    (dir, f)
}

fn ingest(path: &Path, extra: &[&str]) -> (Vec<Value>, String) {
    let out = qingdan().arg("ingest").arg(path).args(["--format", "json"]).args(extra).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (v["items"].as_array().unwrap().clone(), String::from_utf8(out.stderr).unwrap())
}

fn check(path: &Path) -> Vec<Value> {
    let out = qingdan().arg("check").arg(path).args(["--format", "json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    v["findings"].as_array().unwrap().clone()
}

fn wd(n: u32) -> Value {
    json!({"value": n, "unit": "working_day"})
}

#[test]
fn one_item_per_sheet() {
    let (_d, f) = fixtures();
    let (items, stderr) = ingest(&f.per_sheet, &[]);
    assert!(!stderr.contains("QD00"), "no reading findings: {stderr}");
    assert_eq!(items.len(), 2);
    let food = items.iter().find(|i| i["name"] == "食品经营许可").unwrap();
    assert_eq!(food["provenance"]["sheet"], "食品经营许可");
    assert_eq!(food["provenance"]["row"], 2);
    assert_eq!(food["provenance"]["layout"], "form");
    assert_eq!(food["provenance"]["headers"]["name"], "事项名称（必填）");
    assert_eq!(food["provenance"]["headers"]["promised_limit"], "承诺办结时限：");
    assert_eq!(food["provenance"]["cells"]["agency_code"], "B6");
    assert_eq!(food["item_type"], "行政许可");
    assert_eq!(food["agency_code"], credit_code());
    assert_eq!(food["service_object"], json!(["企业法人", "自然人"]));
    assert_eq!(food["conditions"], "1.具有营业执照；\n2.有与经营品种相适应的场所。", "Chinese punctuation kept by the one normalizer");
    assert_eq!(food["statutory_limit"], wd(20));
    assert_eq!(food["promised_limit"], wd(5));
    assert_eq!(food["fee"], false);
    assert_eq!(food["visits"], 1);
    let drug = items.iter().find(|i| i["name"] == "药品经营许可").unwrap();
    assert_eq!(drug["promised_limit"], wd(10));
    assert_eq!(drug["fee_standard"], "不收费");
    assert_eq!(drug["provenance"]["cells"]["name"], "C2", "row numbers before the labels are skipped");
}

#[test]
fn three_items_stacked_down_one_sheet() {
    let (_d, f) = fixtures();
    let (items, stderr) = ingest(&f.stacked, &[]);
    assert!(!stderr.contains("QD00"), "{stderr}");
    let got: Vec<_> = items
        .iter()
        .map(|i| (i["name"].as_str().unwrap(), i["impl_code"].as_str().unwrap(), i["provenance"]["row"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, [("甲事项", "X-1", 2), ("乙事项", "X-2", 8), ("丙事项", "X-3", 14)]);
    assert_eq!(items[0]["statutory_limit"], wd(10));
    assert_eq!(items[0]["promised_limit"], wd(3));
    assert_eq!(items[1]["statutory_limit"], wd(15));
    assert_eq!(items[1]["promised_limit"], json!({"value": 0, "unit": "instant"}));
    assert_eq!(items[2]["statutory_limit"], json!({"value": 1, "unit": "month"}));
    assert_eq!(items[2]["promised_limit"], json!({"value": 20, "unit": "natural_day"}));
    assert_eq!(items[2]["provenance"]["cells"]["promised_limit"], "B16");
    assert_eq!(items[2]["provenance"]["headers"]["promised_limit"], "办结时限/承诺");
}

#[test]
fn merged_values_and_findings_at_value_cells() {
    let (_d, f) = fixtures();
    let (items, _) = ingest(&f.merged, &[]);
    assert_eq!(items.len(), 1);
    let it = &items[0];
    assert_eq!(it["name"], "食品经营许可");
    assert_eq!(it["provenance"]["row"], 3);
    assert_eq!(it["statutory_limit"], wd(20));
    assert_eq!(it["promised_limit"], wd(5));
    assert_eq!(it["provenance"]["cells"]["statutory_limit"], "C8");
    assert_eq!(it["provenance"]["cells"]["promised_limit"], "C9");
    assert_eq!(it["provenance"]["headers"]["statutory_limit"], "办结时限/法定");
    assert_eq!(it["conditions"], "1.具有营业执照；\n2.有经营场所。");
    assert_eq!(it["fee"], false);
    assert_eq!(it["consult_phone"], "0472-4123456");
    let findings = check(&f.merged);
    let credit = findings.iter().find(|f| f["rule"] == "QD101").unwrap_or_else(|| panic!("{findings:#?}"));
    assert_eq!((credit["sheet"].as_str(), credit["row"].as_u64(), credit["column"].as_str()), (Some("指南"), Some(7), Some("C")));
    assert_eq!(credit["header"], "实施主体编码");
    assert!(!findings.iter().any(|f| f["rule"] == "QD003" || f["rule"] == "QD004"), "{findings:#?}");
}

#[test]
fn materials_sub_table() {
    let (_d, f) = fixtures();
    let (items, stderr) = ingest(&f.materials, &[]);
    assert!(!stderr.contains("QD00"), "{stderr}");
    assert_eq!(items.len(), 1);
    let ms = items[0]["materials"].as_array().unwrap();
    let names: Vec<_> = ms.iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["食品经营许可申请书", "营业执照", "法定代表人身份证", "食品安全管理制度", "经营场所平面图", "委托书"]);
    assert_eq!(ms[1], json!({"name": "营业执照", "source": "政府部门核发", "original": 0, "copies": 1, "form": "纸质", "required": true}));
    assert_eq!(ms[5]["required"], false);
    assert_eq!(items[0]["provenance"]["cells"]["materials"], "C6");
    assert_eq!(items[0]["provenance"]["headers"]["materials"], "申请材料");
    assert!(items[0].get("intermediary").is_none(), "中介服务 无 is absent");
    assert_eq!(items[0]["fee"], false);
}

#[test]
fn layout_override() {
    let (_d, f) = fixtures();
    let out = qingdan().arg("ingest").arg(&f.merged).args(["--format", "json", "--layout", "table"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(json!({"items": []}));
    assert!(v["items"].as_array().unwrap().iter().all(|i| i["provenance"].get("layout").is_none()), "--layout table never reads a form");
    let (items, _) = ingest(&f.list, &["--layout", "form"]);
    assert!(items.iter().all(|i| i["provenance"]["layout"] == "form"));
    let (items, _) = ingest(&f.list, &[]);
    assert_eq!(items.len(), 1);
    assert!(items[0]["provenance"].get("layout").is_none(), "CSV files stay tables");
}

/// Reads files through the library, as `check` does.
fn read_items(paths: &[&Path]) -> Vec<Item> {
    let mut reader = Reader::new(Options::default());
    let mut items = Vec::new();
    for p in paths {
        reader.read_file(p, &p.file_name().unwrap().to_string_lossy(), &mut |e| {
            if let Event::Item(i) = e {
                items.push(*i);
            }
        });
    }
    items
}

#[test]
fn guide_differs_from_list() {
    let (_d, f) = fixtures();
    let mut cmp = GuideComparison::new();
    for item in read_items(&[&f.list_xlsx, &f.merged]) {
        cmp.observe(&item, item.provenance.form);
    }
    let found = cmp.finish();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, "QD207");
    assert_eq!(found[0].field, Some(Field::ConsultPhone));
    assert_eq!(found[0].location.cell_ref(), "指南!C12");
    let text = found[0].message.render(qingdan::i18n::Lang::Zh);
    assert!(text.contains("0472-4123456") && text.contains("0472-4999999") && text.contains("实施清单.xlsx 实施清单!E2"), "{text}");
}

/// A value for every field of a filled form.
fn sample(f: Field) -> Option<String> {
    let s = |v: &str| Some(v.to_string());
    match f {
        Field::Name => s("食品经营许可"),
        Field::BasicCode => s("000115002000"),
        Field::ImplCode => s("000115002000-150202000000-000-X-1-00"),
        Field::AgencyCode => Some(credit_code()),
        Field::ItemType => s("行政许可"),
        Field::AgencyNature => s("法定机关"),
        Field::Level => s("县级"),
        Field::DivisionCode => s("150202000000"),
        Field::ServiceObject => s("企业法人、自然人"),
        Field::StatutoryLimit => s("20个工作日"),
        Field::PromisedLimit => s("5个工作日"),
        Field::SpecialProcedures => s("现场勘验"),
        Field::OnlineDepth => s("4"),
        Field::OnlineUrl => s("https://zwfw.nmg.gov.cn/"),
        Field::Visits => s("0"),
        Field::Instant => s("承诺件"),
        Field::CrossArea => s("全市通办"),
        f if f.kind() == qingdan::model::field::Kind::Bool => s("是"),
        f => Some(format!("{}示例", f.label())),
    }
}

#[test]
fn form_template_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("模板.xlsx");
    let code =
        qingdan::commands::template_form::run(&TemplateArgs { output: blank.clone(), layout: Layout::Form }, qingdan::i18n::Lang::Zh)
            .unwrap();
    assert_eq!(code, 0);
    let (items, stderr) = ingest(&blank, &[]);
    assert!(!stderr.contains("QD00") && !stderr.contains("QD01"), "a blank form reads cleanly: {stderr}");
    assert_eq!(items.len(), 1);

    let filled = dir.path().join("填写.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("办事指南").unwrap();
    let mats: Vec<Vec<String>> =
        [["申请书", "申请人自备", "1", "0", "纸质", "是", "否"], ["营业执照", "政府部门核发", "0", "1", "电子", "是", "是"]]
            .iter()
            .map(|m| m.iter().map(|s| s.to_string()).collect())
            .collect();
    qingdan::commands::template_form::write_form(ws, 0, "食品经营许可办事指南", &sample, &mats).unwrap();
    wb.save(&filled).unwrap();
    let (items, stderr) = ingest(&filled, &[]);
    assert!(!stderr.contains("QD00") && !stderr.contains("QD01"), "no mapping or value findings: {stderr}");
    assert_eq!(items.len(), 1);
    let item: Item = serde_json::from_value(items[0].clone()).unwrap();
    assert!(item.provenance.form, "\"layout\": \"form\" reads back");
    for f in Field::ALL {
        assert!(item.has(*f), "{f:?} read back");
    }
    assert_eq!(item.materials.as_ref().unwrap().len(), 2);
    assert_eq!(item.materials.as_ref().unwrap()[1].e_license, Some(true));
    assert_eq!(items[0]["statutory_limit"], wd(20));
    assert_eq!(items[0]["promised_limit"], wd(5));
}
