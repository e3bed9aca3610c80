//! Nothing lost, proven with properties: a CSV of random values under the canonical headers plus
//! extra columns, ingested, written as YAML and read back, gives the same items (including
//! `extra`); a required element removed or garbled yields a finding naming that field.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use proptest::prelude::*;
use qingdan::cli::IngestFormat;
use qingdan::ingest::{Event, Options, Reader};
use qingdan::model::field::{Field, Required};
use qingdan::model::item::Item;

mod common;

/// Canonical headers filled by the generator (a text or typed field each).
const FIELDS: &[Field] = common::ITEM_FIELDS;

/// Headers that map to no field, kept under `extra`.
const EXTRA: &[&str] = &["内部备用列甲", "自定义乙", "ZZ custom"];

/// Text with the characters CSV and YAML find hard: quotes, commas, newlines, colons, `#`,
/// leading spaces, YAML keywords.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z许可事项东河区局审查,\"' :#\\-\n\r\t]{1,16}",
        Just("yes".to_string()),
        Just("null".to_string()),
        Just("~".to_string()),
        Just("0123".to_string()),
        Just("- x".to_string()),
        Just("1e5".to_string()),
    ]
}

/// A value for a field: valid forms, invalid forms and free text.
fn value(f: Field) -> BoxedStrategy<String> {
    let pool: &[&str] = match f {
        Field::BasicCode => &["000172011000", "000172011", "abc"],
        Field::ImplCode => &["11150202000000000X4000172011000", "1.5E+11", ""],
        Field::ItemType => &["行政许可", "行政确认", "其他行政权力", "随便"],
        Field::AgencyCode => &["11150202MB1234567B", "11150202MB1234567X", "短"],
        Field::Level => &["区县级", "市级", "国家级,省级", "某级"],
        Field::DivisionCode => &["150202000000", "150202", "abc"],
        Field::ServiceObject => &["企业法人", "自然人；企业法人", "外星人"],
        Field::Materials => &["申请表", "1.申请表（原件1份）；2.身份证复印件", "无"],
        Field::StatutoryLimit | Field::PromisedLimit => &["20个工作日", "即办", "三个月", "尽快", "20"],
        Field::Fee => &["是", "否", "收费", "也许"],
        Field::OnlineDepth => &["一级", "四级", "全程网办", "很深"],
        Field::Visits => &["0", "1次", "零次", "多次"],
        _ => return text().boxed(),
    };
    prop_oneof![4 => proptest::sample::select(pool.to_vec()).prop_map(str::to_string), 1 => text()].boxed()
}

/// A row of random values, one per header (FIELDS then EXTRA).
fn row() -> impl Strategy<Value = Vec<String>> {
    let mut cells: Vec<BoxedStrategy<String>> = FIELDS.iter().map(|f| value(*f)).collect();
    cells.extend(EXTRA.iter().map(|_| prop_oneof![Just(String::new()), text()].boxed()));
    cells.prop_map(|mut v| {
        // Keep every row an item row: a name that does not read as a note (注/备注/说明…).
        v[0] = format!("事项{}", v[0]);
        v
    })
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    let header: Vec<&str> = FIELDS.iter().map(|f| f.label()).chain(EXTRA.iter().copied()).collect();
    w.write_record(&header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// Reads files through the library, as the commands do.
fn read(paths: &[&Path]) -> Vec<Item> {
    let mut reader = Reader::new(Options::default());
    let mut items = Vec::new();
    for p in paths {
        reader.read_file(p, &p.file_name().unwrap().to_string_lossy(), &mut |ev| {
            if let Event::Item(item) = ev {
                items.push(*item);
            }
        });
    }
    items
}

fn to_format(items: &[Item], format: IngestFormat) -> Vec<u8> {
    let refs: Vec<&Item> = items.iter().collect();
    let mut out = Vec::new();
    qingdan::commands::ingest::write_catalog(&mut out, format, qingdan::publish::csvout::OutputEncoding::Utf8Bom, &refs).unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// ingest → YAML (and JSON) → ingest gives the same items, and no extra value is lost.
    #[test]
    fn own_output_reads_back_the_same(rows in proptest::collection::vec(row(), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src.csv");
        write_csv(&src, &rows);
        let first = read(&[&src]);
        prop_assert_eq!(first.len(), rows.len());
        for (item, r) in first.iter().zip(&rows) {
            for (i, h) in EXTRA.iter().enumerate() {
                let v = &r[FIELDS.len() + i];
                if v.trim().is_empty() {
                    prop_assert!(!item.extra.contains_key(*h));
                } else {
                    prop_assert_eq!(item.extra.get(*h), Some(v), "extra {} lost", h);
                }
            }
        }
        for (format, ext) in [(IngestFormat::Yaml, "yaml"), (IngestFormat::Json, "json"), (IngestFormat::Ndjson, "ndjson")] {
            let out = dir.path().join(format!("out.{ext}"));
            std::fs::write(&out, to_format(&first, format)).unwrap();
            let again = read(&[&out]);
            prop_assert_eq!(&again, &first, "{} round trip", ext);
            // And writing again is byte-identical.
            prop_assert_eq!(to_format(&again, format), to_format(&first, format));
        }
    }
}

/// Required fields of an implementation list among the generated headers.
fn required() -> Vec<Field> {
    FIELDS.iter().copied().filter(|f| matches!(f.required(), Required::Always | Required::Implementation)).collect()
}

/// Garbled forms of a typed field (text fields can only be removed).
fn garbled(f: Field) -> Option<&'static str> {
    Some(match f {
        Field::BasicCode => "1.5E+11",
        Field::ImplCode => "1.50202E+30",
        Field::ItemType => "随便",
        Field::Level => "某级",
        Field::DivisionCode => "abc",
        Field::ServiceObject => "外星人",
        Field::StatutoryLimit | Field::PromisedLimit => "尽快",
        Field::Fee => "也许",
        _ => return None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// A required element removed or garbled is a finding naming it, never a silent default.
    #[test]
    fn missing_or_garbled_required_field_is_named(pick in 0usize..64, garble in any::<bool>(), pad in "[ \u{3000}]{0,2}") {
        let fields = required();
        let field = fields[pick % fields.len()];
        let col = FIELDS.iter().position(|f| *f == field).unwrap();
        let mut cells: Vec<String> = common::valid_row(FIELDS).iter().map(|s| s.to_string()).collect();
        cells.extend(EXTRA.iter().map(|_| String::new()));
        let expect: &[&str] = match (garble, garbled(field)) {
            (true, Some(g)) => {
                cells[col] = format!("{pad}{g}{pad}");
                &["QD010", "QD011"]
            }
            _ => {
                cells[col] = pad.clone();
                &["QD100"]
            }
        };
        let dir = tempfile::tempdir().unwrap();
        write_csv(&dir.path().join("one.csv"), &[cells]);
        let out = Command::cargo_bin("qingdan").unwrap().current_dir(dir.path())
            .args(["check", "--format", "json", "one.csv"]).timeout(Duration::from_secs(30)).output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let hits: Vec<&serde_json::Value> = json["findings"].as_array().unwrap().iter()
            .filter(|f| f["field"] == field.key() && expect.iter().any(|r| f["rule"] == *r) && f["row"] == 2)
            .collect();
        prop_assert!(!hits.is_empty(), "{} ({}): no {:?} finding in {:#}", field.key(), if garble { "garbled" } else { "removed" }, expect, json);
        prop_assert_eq!(out.status.code(), Some(1));
    }
}

/// Every required field, removed one at a time, is reported (deterministic complement).
#[test]
fn every_required_field_removed_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let fields = required();
    let rows: Vec<Vec<String>> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut cells: Vec<String> = common::valid_row(FIELDS).iter().map(|s| s.to_string()).collect();
            cells.extend(EXTRA.iter().map(|_| String::new()));
            // Distinct impl codes so rows are not duplicates.
            if *f != Field::ImplCode {
                cells[2] = format!("11150202000000000X40001720110{i:02}");
            }
            cells[FIELDS.iter().position(|x| x == f).unwrap()] = String::new();
            cells
        })
        .collect();
    write_csv(&dir.path().join("all.csv"), &rows);
    let out =
        Command::cargo_bin("qingdan").unwrap().current_dir(dir.path()).args(["check", "--format", "json", "all.csv"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (i, f) in fields.iter().enumerate() {
        let row = i as u64 + 2;
        assert!(
            json["findings"].as_array().unwrap().iter().any(|x| x["rule"] == "QD100" && x["field"] == f.key() && x["row"] == row),
            "{} removed at row {row} not reported: {json:#}",
            f.key()
        );
    }
}

/// Found by `own_output_reads_back_the_same`: a single data row whose value folds into its
/// header (`主管部门` + `:`) was taken for a second header row and the item was lost.
#[test]
fn a_data_row_is_not_a_sub_header() {
    let dir = tempfile::tempdir().unwrap();
    let mut cells: Vec<String> = common::valid_row(FIELDS).iter().map(|s| s.to_string()).collect();
    cells.extend(EXTRA.iter().map(|_| String::new()));
    cells[4] = ":".into();
    cells[12] = ",".into();
    let src = dir.path().join("one.csv");
    write_csv(&src, &[cells]);
    let items = read(&[&src]);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].provenance.row, 2);
}
