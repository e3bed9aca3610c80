//! The publication workbook as a reader and a printer see it: region names, the 统计 sheets
//! against `stats --format json`, values kept as written, print setup on every sheet (read from
//! the xlsx XML), and the page count of the example converted to PDF by LibreOffice.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::cell_text as text;

use calamine::{Data, Reader, Xlsx, open_workbook};
use quick_xml::events::Event;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const EXAMPLE: &str = "examples/baotou";

fn export(out: &Path) {
    assert_cmd::cargo::cargo_bin_cmd!("qingdan").current_dir(root()).args(["--quiet", "export", EXAMPLE, "-o"]).arg(out).assert().success();
}

fn stats_json() -> Value {
    let o = assert_cmd::cargo::cargo_bin_cmd!("qingdan")
        .current_dir(root())
        .args(["--quiet", "stats", EXAMPLE, "--format", "json"])
        .output()
        .unwrap();
    assert!(o.status.success());
    serde_json::from_slice(&o.stdout).unwrap()
}

fn number(d: Option<&Data>) -> Option<f64> {
    match d {
        Some(Data::Float(f)) => Some(*f),
        Some(Data::Int(i)) => Some(*i as f64),
        _ => None,
    }
}

fn column(range: &calamine::Range<Data>, header: &str) -> u32 {
    (0..range.width() as u32).find(|c| text(range.get_value((0, *c))) == header).unwrap_or_else(|| panic!("no column {header}"))
}

/// The exported example, once per test binary run.
fn exported() -> PathBuf {
    static ONCE: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("包头市政务服务事项目录.xlsx");
        export(&out);
        (dir, out)
    })
    .1
    .clone()
}

/// Every zip entry of the workbook as text.
fn entries(path: &Path) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            out.insert(f.name().unwrap().to_string(), s);
        }
    }
    out
}

/// Every element named `name` in `xml`: its attributes and its text (entities resolved).
fn elements(xml: &str, name: &str) -> Vec<(BTreeMap<String, String>, String)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out: Vec<(BTreeMap<String, String>, String)> = Vec::new();
    let mut inside = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == name => {
                let empty = xml.as_bytes().get(reader.buffer_position() as usize - 2) == Some(&b'/');
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (a.key.as_ref().to_string(), a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned())
                    })
                    .collect();
                out.push((attrs, String::new()));
                inside = !empty;
            }
            Event::Text(t) if inside => out.last_mut().unwrap().1.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if inside => {
                let s = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => match r.xml10_content().as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => format!("&{other};"),
                    },
                };
                out.last_mut().unwrap().1.push_str(&s);
            }
            Event::End(e) if e.name().as_ref() == name => inside = false,
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// (sheet name, worksheet XML) in workbook order.
fn sheets_xml(e: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let rels: BTreeMap<String, String> = elements(&e["xl/_rels/workbook.xml.rels"], "Relationship")
        .into_iter()
        .map(|(a, _)| (a["Id"].clone(), a["Target"].clone()))
        .collect();
    elements(&e["xl/workbook.xml"], "sheet")
        .into_iter()
        .map(|(a, _)| {
            let target = rels[&a["r:id"]].trim_start_matches('/').trim_start_matches("xl/").to_string();
            (a["name"].clone(), e[&format!("xl/{target}")].clone())
        })
        .collect()
}

#[test]
fn region_names_fill_the_statistics_the_catalog_sheets_and_the_chart_categories() {
    let out = exported();
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let stats = wb.worksheet_range("统计").unwrap();
    let jurisdictions: Vec<(String, String)> = (1..stats.height() as u32)
        .map(|r| (text(stats.get_value((r, 0))), text(stats.get_value((r, 1)))))
        .filter(|(code, _)| !code.is_empty())
        .collect();
    assert!(jurisdictions.len() >= 7, "{jurisdictions:?}");
    for (code, name) in &jurisdictions {
        assert!(!name.is_empty(), "统计: no name for {code}");
    }
    assert!(jurisdictions.iter().any(|(c, n)| c == "150202001001" && n == "和平路街道第一社区"), "config names");
    assert!(jurisdictions.iter().any(|(c, n)| c == "150207000000" && n == "九原区"), "bundled names");

    for sheet in wb.sheet_names().into_iter().filter(|s| s.ends_with("事项目录") || s.ends_with("公开目录")) {
        let r = wb.worksheet_range(&sheet).unwrap();
        let name = column(&r, "行政区划");
        let code = (0..r.width() as u32).find(|c| text(r.get_value((0, *c))) == "行政区划代码");
        for row in 1..r.height() as u32 {
            let has_code = code.is_none_or(|c| !text(r.get_value((row, c))).is_empty());
            assert!(!has_code || !text(r.get_value((row, name))).is_empty(), "{sheet} row {}: 行政区划 empty", row + 1);
        }
    }

    // The chart's categories point at the names.
    let e = entries(&out);
    let chart = e.iter().find(|(k, _)| k.starts_with("xl/charts/chart")).expect("a chart").1;
    let formulas: Vec<String> = elements(chart, "c:f").into_iter().map(|(_, t)| t).collect();
    let cats: Vec<&String> = formulas.iter().filter(|f| f.contains("$B$")).collect();
    assert!(!cats.is_empty(), "{formulas:?}");
    for f in cats {
        let (sheet, range) = f.split_once('!').unwrap();
        assert_eq!(sheet, "统计");
        let (a, b) = range.split_once(':').unwrap();
        let row = |s: &str| s.rsplit('$').next().unwrap().parse::<u32>().unwrap();
        let names: Vec<String> = (row(a)..=row(b)).map(|r| text(stats.get_value((r - 1, 1)))).collect();
        assert_eq!(names, jurisdictions.iter().map(|j| j.1.clone()).collect::<Vec<_>>(), "{f}");
    }
}

fn met_word(v: &Value) -> &'static str {
    match v.as_bool() {
        Some(true) => "达标",
        Some(false) => "未达标",
        None => "—",
    }
}

#[test]
fn statistics_sheets_carry_the_same_indicators_and_targets_as_stats_json() {
    let json = stats_json();
    let mut wb: Xlsx<_> = open_workbook(exported()).unwrap();
    let sheet = wb.worksheet_range("统计").unwrap();
    let detail = wb.worksheet_range("统计明细").unwrap();
    let headers: Vec<String> = (0..sheet.width() as u32).map(|c| text(sheet.get_value((0, c)))).collect();
    let labels: Vec<String> =
        json["all"]["indicators"].as_object().unwrap().values().map(|v| v["label"].as_str().unwrap().to_string()).collect();
    assert_eq!(labels.len(), 9);
    for l in &labels {
        assert!(headers.contains(l), "统计 lacks {l}");
    }
    let find = |range: &calamine::Range<Data>, code: &str, name: &str| {
        (1..range.height() as u32)
            .find(|r| text(range.get_value((*r, 0))) == code && (name.is_empty() || text(range.get_value((*r, 1))) == name))
            .unwrap_or_else(|| panic!("no row {code} {name}"))
    };
    let mut groups: Vec<(String, String, &Value)> =
        json["jurisdictions"].as_array().unwrap().iter().map(|g| (g["code"].as_str().unwrap().to_string(), String::new(), g)).collect();
    groups.push((String::new(), "合计".into(), &json["all"]));
    let mut targets = 0;
    for (code, name, g) in groups {
        let row = find(&sheet, &code, &name);
        let drow = find(&detail, &code, &name);
        assert_eq!(number(sheet.get_value((row, column(&sheet, "实施事项数")))), g["items"].as_f64(), "{code}{name} items");
        assert_eq!(number(detail.get_value((drow, column(&detail, "实施事项数")))), g["items"].as_f64());
        for v in g["indicators"].as_object().unwrap().values() {
            let label = v["label"].as_str().unwrap();
            let cell = sheet.get_value((row, column(&sheet, label)));
            match v["value"].as_f64() {
                Some(x) => assert!((number(cell).unwrap() - x).abs() < 1e-4, "{code}{name} {label}"),
                None => assert_eq!(text(cell), "—", "{code}{name} {label}"),
            }
            let num = number(detail.get_value((drow, column(&detail, &format!("{label}·分子")))));
            assert_eq!(num, v["numerator"].as_f64(), "{code}{name} {label} numerator");
            let den = number(detail.get_value((drow, column(&detail, &format!("{label}·分母")))));
            assert_eq!(den, v["denominator"].as_f64(), "{code}{name} {label} denominator");
            if let Some(t) = v["target"].as_f64() {
                targets += 1;
                assert_eq!(number(sheet.get_value((row, column(&sheet, &format!("{label}目标"))))), Some(t));
                assert_eq!(text(sheet.get_value((row, column(&sheet, &format!("{label}达标"))))), met_word(&v["met"]), "{code} {label}");
            }
        }
        let c = &g["counts"];
        for (label, n) in [
            ("告知承诺事项", &c["notify_commit"]["count"]),
            ("容缺受理事项", &c["tolerance"]["count"]),
            ("全市通办事项", &c["cross_area"]["count"]),
        ] {
            assert_eq!(number(sheet.get_value((row, column(&sheet, label)))), n.as_f64(), "{code} {label}");
        }
        assert_eq!(number(sheet.get_value((row, column(&sheet, "一件事主题")))), c["one_thing_bundles"].as_f64());
        assert_eq!(number(detail.get_value((drow, column(&detail, "告知承诺事项·分母")))), c["notify_commit"]["denominator"].as_f64());
    }
    assert!(targets > 0, "the example has jurisdictions with a 一窗受理率 target");
}

#[test]
fn values_that_could_not_be_read_are_kept_as_written_with_a_status() {
    let mut wb: Xlsx<_> = open_workbook(exported()).unwrap();
    let county = wb.worksheet_range("县级事项目录").unwrap();
    let limit = column(&county, "法定办结时限");
    let status = column(&county, "状态");
    let row = (1..county.height() as u32).find(|r| text(county.get_value((*r, limit))) == "按规定时限").expect("raw text kept");
    let s = text(county.get_value((row, status)));
    assert!(s.starts_with("有问题：") && s.contains("QD010 法定办结时限"), "{s}");
    // Clean rows have an empty status.
    assert!((1..county.height() as u32).any(|r| text(county.get_value((r, status))).is_empty()));
    let public = wb.worksheet_range("县级公开目录").unwrap();
    let limit = column(&public, "法定办结时限");
    assert!((1..public.height() as u32).any(|r| text(public.get_value((r, limit))) == "按规定时限"));
}

#[test]
fn public_catalog_sheets_have_the_public_columns_numbered_from_one() {
    let mut wb: Xlsx<_> = open_workbook(exported()).unwrap();
    let names = wb.sheet_names();
    for level in ["市级", "县级", "乡级", "村级"] {
        assert!(names.contains(&format!("{level}公开目录")), "{names:?}");
        let p = wb.worksheet_range(&format!("{level}公开目录")).unwrap();
        let data = wb.worksheet_range(&format!("{level}事项目录")).unwrap();
        let headers: Vec<String> = (0..p.width() as u32).map(|c| text(p.get_value((0, c)))).collect();
        for h in
            ["序号", "事项名称", "事项类型", "实施主体", "设定依据", "行使层级", "法定办结时限", "承诺办结时限", "是否收费", "网办地址"]
        {
            assert!(headers.iter().any(|x| x == h), "{level}: no {h}");
        }
        assert!(headers.len() <= 13, "prints legibly: few columns");
        assert_eq!(p.height(), data.height(), "{level}: every item listed");
        let serial: Vec<f64> = (1..p.height() as u32).map(|r| number(p.get_value((r, 0))).unwrap()).collect();
        assert_eq!(serial, (1..p.height()).map(|n| n as f64).collect::<Vec<_>>());
    }
}

#[test]
fn every_sheet_prints_a4_landscape_one_page_wide_with_title_footer_and_repeated_header() {
    let e = entries(&exported());
    let sheets = sheets_xml(&e);
    assert!(sheets.len() >= 10);
    let titles: BTreeMap<String, String> = elements(&e["xl/workbook.xml"], "definedName")
        .into_iter()
        .filter(|(a, _)| a["name"] == "_xlnm.Print_Titles")
        .map(|(a, t)| (a["localSheetId"].clone(), t))
        .collect();
    for (i, (name, xml)) in sheets.iter().enumerate() {
        let setup = elements(xml, "pageSetup");
        let setup = &setup.first().unwrap_or_else(|| panic!("{name}: no pageSetup")).0;
        assert_eq!(setup.get("orientation").map(String::as_str), Some("landscape"), "{name}");
        assert_eq!(setup.get("paperSize").map(String::as_str), Some("9"), "{name}: A4");
        assert_eq!(setup.get("fitToWidth").map(String::as_str).unwrap_or("1"), "1", "{name}: one page wide");
        assert_eq!(setup.get("fitToHeight").map(String::as_str), Some("0"), "{name}: as many pages tall as needed");
        let fit = elements(xml, "pageSetUpPr");
        assert_eq!(fit.first().and_then(|(a, _)| a.get("fitToPage")).map(String::as_str), Some("1"), "{name}: fit to page on");
        let header = elements(xml, "oddHeader").pop().unwrap_or_else(|| panic!("{name}: no header")).1;
        assert!(header.starts_with("&C") && header.contains("包头市政务服务"), "{name}: {header}");
        let footer = elements(xml, "oddFooter").pop().unwrap_or_else(|| panic!("{name}: no footer")).1;
        assert_eq!(footer, "&C第 &P 页 共 &N 页", "{name}");
        assert_eq!(titles.get(&i.to_string()).map(String::as_str), Some(format!("{name}!$1:$1").as_str()), "{name}: header row repeated");
    }
    let catalog = &sheets.iter().find(|(n, _)| n == "市级事项目录").unwrap().1;
    assert!(elements(catalog, "oddHeader")[0].1.ends_with("包头市政务服务事项目录（市级）"));
}

/// LibreOffice's `soffice`, when installed; a missing one fails under CI (`CI` set) and skips
/// the test with a message elsewhere.
fn soffice() -> Option<&'static str> {
    for cmd in ["soffice", "libreoffice"] {
        if Command::new(cmd).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return Some(cmd);
        }
    }
    assert!(std::env::var_os("CI").is_none(), "CI: soffice (libreoffice-calc-nogui) is required; .ci/run installs it");
    eprintln!("SKIPPED: soffice not found (install libreoffice-calc-nogui to run the PDF page-count test)");
    None
}

/// The pages of a PDF in order (object numbers), and per outline entry (LibreOffice writes one
/// per sheet) its title and first page object.
fn pdf_pages_and_outline(pdf: &[u8]) -> (Vec<u32>, Vec<(String, u32)>) {
    let text = String::from_utf8_lossy(pdf);
    let numbers = |s: &str| -> Vec<u32> {
        let parts: Vec<&str> = s.split_whitespace().collect();
        parts.windows(3).filter(|w| w[1] == "0" && w[2] == "R").filter_map(|w| w[0].parse().ok()).collect()
    };
    let pages_at = text.find("/Type/Pages").expect("a page tree");
    let kids_at = pages_at + text[pages_at..].find("/Kids[").unwrap() + 6;
    let kids_end = kids_at + text[kids_at..].find(']').unwrap();
    let pages = numbers(&text[kids_at..kids_end].replace('R', " R "));
    let mut outline = Vec::new();
    let mut rest = &text[..];
    while let Some(i) = rest.find("/Title<") {
        rest = &rest[i + 7..];
        let hex_end = rest.find('>').unwrap();
        let hex = &rest[..hex_end];
        let units: Vec<u16> = (0..hex.len() / 4).map(|k| u16::from_str_radix(&hex[k * 4..k * 4 + 4], 16).unwrap()).collect();
        let title = String::from_utf16_lossy(&units).trim_start_matches('\u{feff}').to_string();
        let dest = rest.find("/Dest[").unwrap() + 6;
        let page: u32 = rest[dest..].split_whitespace().next().unwrap().parse().unwrap();
        outline.push((title, page));
    }
    (pages, outline)
}

#[test]
fn the_example_export_prints_on_few_landscape_pages() {
    let Some(soffice) = soffice() else { return };
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("目录.xlsx");
    std::fs::copy(exported(), &xlsx).unwrap();
    let profile = dir.path().join("profile");
    let status = Command::new(soffice)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&xlsx)
        .output()
        .unwrap();
    let pdf_path = dir.path().join("目录.pdf");
    assert!(pdf_path.exists(), "soffice wrote no PDF: {}", String::from_utf8_lossy(&status.stderr));
    let pdf = std::fs::read(&pdf_path).unwrap();
    let (pages, outline) = pdf_pages_and_outline(&pdf);
    let text = String::from_utf8_lossy(&pdf);
    let page_objects = text.match_indices("/Type/Page").filter(|(i, _)| text.as_bytes().get(i + 10) != Some(&b's')).count();
    assert_eq!(page_objects, pages.len(), "/Type /Page objects and the page tree agree");

    // Pages per sheet, from where each sheet's outline entry starts.
    let starts: Vec<(String, usize)> =
        outline.iter().map(|(t, p)| (t.clone(), pages.iter().position(|x| x == p).expect("outline points at a page"))).collect();
    let mut per_sheet: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (name, start)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(pages.len(), |s| s.1);
        per_sheet.insert(name.clone(), end - start);
    }
    let mut wb: Xlsx<_> = open_workbook(exported()).unwrap();
    let items: usize =
        wb.sheet_names().iter().filter(|s| s.ends_with("事项目录")).map(|s| wb.worksheet_range(s).unwrap().height() - 1).sum();
    for sheet in wb.sheet_names() {
        assert!(per_sheet.get(&sheet).is_some_and(|n| *n >= 1), "{sheet} prints: {per_sheet:?}");
    }
    // Every page is A4 landscape.
    let media = &text[text.find("/MediaBox[").unwrap() + 10..];
    let dims: Vec<f64> = media[..media.find(']').unwrap()].split_whitespace().map(|x| x.parse().unwrap()).collect();
    assert!((dims[2] - 841.9).abs() < 1.0 && (dims[3] - 595.3).abs() < 1.0, "A4 landscape: {dims:?}");

    // The 办事指南 prints one page per item by design; everything else is the catalog.
    let guide = per_sheet["办事指南"];
    assert!(guide >= items && guide <= items + items / 2, "each 办事指南 item starts a page ({items} items): {per_sheet:?}");
    let catalog = pages.len() - guide;
    eprintln!("PDF pages: {} ({catalog} catalog + {guide} 办事指南): {per_sheet:?}", pages.len());
    assert!(catalog <= 15, "the catalog prints on at most 15 pages, not {catalog}: {per_sheet:?}");
    for (sheet, n) in &per_sheet {
        if sheet.ends_with("目录") || sheet.starts_with("统计") {
            assert_eq!(*n, 1, "{sheet} fits one page for the example: {per_sheet:?}");
        }
    }
}

#[test]
fn an_unreadable_level_is_kept_as_written_on_the_other_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("清单");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("东河区.csv"), "事项名称,实施编码,行使层级,行政区划代码,事项类型\n测试事项,X1,省部级,150202000000,行政许可\n")
        .unwrap();
    let out = dir.path().join("目录.xlsx");
    assert_cmd::cargo::cargo_bin_cmd!("qingdan").args(["--quiet", "export"]).arg(&repo).arg("-o").arg(&out).assert().success();
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let other = wb.worksheet_range("其他").unwrap();
    let (level, status, name) = (column(&other, "行使层级"), column(&other, "状态"), column(&other, "行政区划"));
    assert_eq!(text(other.get_value((1, level))), "省部级", "the department's text, not a blank");
    assert_eq!(text(other.get_value((1, status))), "有问题：QD010 行使层级");
    assert_eq!(text(other.get_value((1, name))), "东河区", "name from the bundled division table");
}
