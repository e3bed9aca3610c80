//! Hardening (issue 6): every broken input is a finding, never a panic; limits are enforced
//! before parsing; bad configs are one clear error; walking survives loops and odd names;
//! outputs never overwrite inputs and are reproducible; fuzz crashes stay fixed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken")
}

mod common;

use qingdan::model::field::Field;

/// The columns of the valid implementation row these tests start from: the required elements.
const FIELDS: &[Field] = common::ITEM_FIELDS.split_at(19).0;

/// The canonical header line.
fn header() -> String {
    common::header(FIELDS).join(",")
}

/// One valid implementation row with the given 实施编码.
fn good_row(impl_code: &str) -> Vec<&str> {
    let mut row = common::valid_row(FIELDS);
    row[2] = impl_code;
    row
}

/// The outcome of one `qingdan` run.
struct Run {
    code: i32,
    json: Value,
    stderr: String,
}

impl Run {
    /// Findings of `rule`.
    fn with_rule(&self, rule: &str) -> Vec<&Value> {
        self.json["findings"].as_array().map(|a| a.iter().filter(|f| f["rule"] == rule).collect()).unwrap_or_default()
    }

    /// The single finding of `rule` about `file`, panicking with the whole report otherwise.
    fn one(&self, rule: &str, file: &str) -> &Value {
        let hits: Vec<&Value> = self.with_rule(rule).into_iter().filter(|f| f["file"] == file).collect();
        assert_eq!(hits.len(), 1, "expected one {rule} for {file}, got: {:#}", self.json);
        hits[0]
    }
}

/// Runs `qingdan --lang en check --format json ARGS` in `dir`, bounded in time, never panicking.
/// The assertions below look for fragments of the English messages.
fn check_in(dir: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let out = Command::cargo_bin("qingdan")
        .unwrap()
        .current_dir(dir)
        .args(["--lang", "en", "check", "--format", "json"])
        .args(args)
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().expect("killed (timeout?)");
    assert!(code != 101 && !stderr.contains("panicked"), "panic on {args:?}: {stderr}");
    assert!(start.elapsed() < Duration::from_secs(30));
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    Run { code, json, stderr }
}

fn check_fixture(name: &str) -> Run {
    check_in(&fixtures(), &[name])
}

fn reason(f: &Value) -> String {
    f["message"].as_str().unwrap_or("").to_string()
}

// ---------------------------------------------------------------- broken inputs, one by one

#[test]
fn good_fixture_is_clean() {
    let r = check_fixture("good.csv");
    assert_eq!(r.code, 0, "{:#}", r.json);
    assert_eq!(r.json["summary"]["items"], 1);
}

#[test]
fn empty_file() {
    let r = check_fixture("empty.csv");
    let f = r.one("QD001", "empty.csv");
    assert!(f["row"].is_null());
    assert!(reason(f).contains("empty file"), "{f:#}");
    assert_eq!(r.code, 2, "nothing could be read");
}

#[test]
fn header_only() {
    let r = check_fixture("header_only.csv");
    r.one("QD005", "header_only.csv");
    assert_eq!(r.json["summary"]["items"], 0);
    assert_ne!(r.code, 2, "the table was read");
}

#[test]
fn no_recognizable_header() {
    let r = check_fixture("no_header.csv");
    r.one("QD002", "no_header.csv");
    assert_eq!(r.code, 2);
}

#[test]
fn text_named_xlsx() {
    let r = check_fixture("text.xlsx");
    let f = r.one("QD001", "text.xlsx");
    assert!(reason(f).contains("not a .xlsx"), "{f:#}");
    assert_eq!(r.code, 2);
}

#[test]
fn encrypted_workbook() {
    let r = check_fixture("encrypted.xlsx");
    let f = r.one("QD001", "encrypted.xlsx");
    assert!(reason(f).contains("encrypted workbook"), "{f:#}");
    assert_eq!(r.code, 2);
}

#[test]
fn html_named_xls() {
    let r = check_fixture("html.xls");
    let f = r.one("QD001", "html.xls");
    assert!(reason(f).contains("HTML"), "{f:#}");
    assert_eq!(r.code, 2);
}

#[test]
fn csv_named_xls_is_read_as_csv() {
    let r = check_fixture("csv.xls");
    assert!(r.with_rule("QD001").is_empty(), "{:#}", r.json);
    assert_eq!(r.json["summary"]["items"], 1);
    assert_eq!(r.code, 0, "{:#}", r.json);
}

#[test]
fn invalid_utf8_field() {
    let r = check_fixture("invalid_utf8.csv");
    let f = r.one("QD010", "invalid_utf8.csv");
    assert_eq!(f["row"], 3);
    assert_eq!(f["column"], "A");
    assert_eq!(r.json["summary"]["items"], 2);
}

#[test]
fn mixed_encodings_decode_the_gbk_field() {
    let r = check_fixture("mixed_encoding.csv");
    let f = r.one("QD010", "mixed_encoding.csv");
    assert_eq!(f["row"], 3);
    assert_eq!(r.json["summary"]["items"], 2);
    // The GBK field was decoded, so the item is named by its code, and no name is missing.
    assert!(r.with_rule("QD100").is_empty(), "{:#}", r.json);
}

#[test]
fn nul_bytes() {
    let r = check_fixture("nul_bytes.csv");
    assert_eq!(r.json["summary"]["items"], 2, "{:#}", r.json);
    // A name of NUL bytes is no name: reported at its row, never silently accepted.
    let hits: Vec<_> = r.with_rule("QD100").into_iter().filter(|f| f["field"] == "name").collect();
    assert_eq!(hits.len(), 1, "{:#}", r.json);
    assert_eq!(hits[0]["row"], 3);
}

#[test]
fn cr_only_and_crlf_line_ends() {
    for name in ["cr_only.csv", "crlf.csv"] {
        let r = check_fixture(name);
        assert_eq!(r.json["summary"]["items"], 2, "{name}: {:#}", r.json);
        assert_eq!(r.code, 0, "{name}: {:#}", r.json);
    }
}

#[test]
fn ragged_rows() {
    let r = check_fixture("ragged.csv");
    assert_eq!(r.json["summary"]["items"], 3);
    // The short row lacks required elements, each reported at row 3.
    let missing: Vec<_> = r.with_rule("QD100").into_iter().filter(|f| f["row"] == 3).collect();
    assert!(missing.iter().any(|f| f["field"] == "agency_code"), "{:#}", r.json);
    assert!(r.with_rule("QD100").iter().all(|f| f["row"] == 3), "{:#}", r.json);
    assert_eq!(r.code, 1);
}

#[test]
fn duplicate_headers() {
    let r = check_fixture("duplicate_headers.csv");
    let f = r.one("QD004", "duplicate_headers.csv");
    assert_eq!(f["row"], 1);
    assert_eq!(f["column"], "T");
}

#[test]
fn garbled_limit_is_named() {
    let r = check_fixture("garbled_limit.csv");
    let f = r.one("QD010", "garbled_limit.csv");
    assert_eq!(f["field"], "statutory_limit");
    assert_eq!(f["row"], 2);
}

// ---------------------------------------------------------------- generated workbooks

/// A valid xlsx with the canonical header and `rows` item rows (row 1 is the header).
fn write_xlsx(path: &Path, rows: usize, tweak: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("实施清单").unwrap();
    for (c, h) in header().split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    for r in 0..rows {
        let code = format!("11150202000000000X400017201100{r}");
        for (c, v) in good_row(&code).iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    tweak(ws);
    book.save(path).unwrap();
}

#[test]
fn error_cells_and_formulas() {
    let dir = tempfile::tempdir().unwrap();
    write_xlsx(&dir.path().join("formulas.xlsx"), 3, |ws| {
        // Row 2: the name is #N/A; row 3: the department is #REF!; row 4: a formula with a text result.
        ws.write_formula(1, 0, rust_xlsxwriter::Formula::new("=NA()").set_result("#N/A")).unwrap();
        ws.write_formula(2, 4, rust_xlsxwriter::Formula::new("=#REF!").set_result("#REF!")).unwrap();
        ws.write_formula(3, 0, rust_xlsxwriter::Formula::new("=\"许可\"&\"事项\"").set_result("许可事项")).unwrap();
    });
    let r = check_in(dir.path(), &["formulas.xlsx"]);
    let errors = r.with_rule("QD012");
    assert_eq!(errors.len(), 2, "{:#}", r.json);
    assert!(errors.iter().any(|f| f["row"] == 2 && f["field"] == "name" && reason(f).contains("#N/A")), "{:#}", r.json);
    assert!(errors.iter().any(|f| f["row"] == 3 && f["field"] == "department" && reason(f).contains("#REF!")), "{:#}", r.json);
    assert_eq!(r.json["summary"]["items"], 3);
    assert_eq!(r.code, 1);
}

#[test]
fn date_where_text_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    write_xlsx(&dir.path().join("dates.xlsx"), 1, |ws| {
        let fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2023, 1, 5).unwrap();
        ws.write_datetime_with_format(1, 11, &date, &fmt).unwrap();
    });
    let r = check_in(dir.path(), &["dates.xlsx"]);
    let f = r.one("QD013", "dates.xlsx");
    assert_eq!(f["row"], 2);
    assert_eq!(f["field"], "conditions");
}

fn valid_xlsx_bytes() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.xlsx");
    write_xlsx(&p, 2, |_| {});
    std::fs::read(p).unwrap()
}

#[test]
fn truncated_and_corrupt_zip() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = valid_xlsx_bytes();
    std::fs::write(dir.path().join("truncated.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
    let mut corrupt = bytes.clone();
    // Overwrite the end of central directory record's offsets.
    let n = corrupt.len();
    for b in &mut corrupt[n - 10..n - 2] {
        *b = 0xEE;
    }
    std::fs::write(dir.path().join("corrupt.xlsx"), &corrupt).unwrap();
    for name in ["truncated.xlsx", "corrupt.xlsx"] {
        let r = check_in(dir.path(), &[name]);
        let f = r.one("QD001", name);
        assert!(reason(f).contains("corrupt zip"), "{f:#}");
        assert_eq!(r.code, 2);
    }
}

/// Writes a zip workbook by hand: `entries` as (name, bytes), deflated.
fn write_zip(path: &Path, entries: &[(&str, Vec<u8>)]) {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn compression_bomb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write_zip(
        &dir.path().join("bomb.xlsx"),
        &[("[Content_Types].xml", b"<Types/>".to_vec()), ("xl/worksheets/sheet1.xml", vec![b' '; 4 << 20])],
    );
    let r = check_in(dir.path(), &["bomb.xlsx"]);
    let f = r.one("QD001", "bomb.xlsx");
    assert!(reason(f).contains("max_compression_ratio"), "{f:#}");
    assert_eq!(r.code, 2);
}

#[test]
fn total_uncompressed_size_limit_from_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.xlsx"), valid_xlsx_bytes()).unwrap();
    std::fs::write(dir.path().join("qingdan.yaml"), "limits:\n  max_uncompressed_mib: 1\n").unwrap();
    // Under 1 MiB: read.
    let r = check_in(dir.path(), &["."]);
    assert_eq!(r.json["summary"]["items"], 2, "{:#}", r.json);
    // Over 1 MiB (a big, well-compressible part): refused before parsing.
    let mut noise = Vec::with_capacity(2 << 20);
    let mut x: u32 = 1;
    while noise.len() < (2 << 20) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        noise.push(b'a' + (x % 26) as u8);
    }
    write_zip(&dir.path().join("big.xlsx"), &[("xl/media/image1.bin", noise)]);
    let r = check_in(dir.path(), &["."]);
    let f = r.one("QD001", "big.xlsx");
    assert!(reason(f).contains("max_uncompressed_mib"), "{f:#}");
}

#[test]
fn declared_dimension_beyond_limits() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("wide.xlsx");
    write_xlsx(&p, 1, |ws| {
        ws.write_string(0, 16_383, "远在右边").unwrap();
    });
    let r = check_in(dir.path(), &["wide.xlsx"]);
    let f = r.one("QD001", "wide.xlsx");
    assert!(reason(f).contains("16384 columns") && reason(f).contains("max_columns"), "{f:#}");
    // max_rows from the config.
    write_xlsx(&p, 3, |_| {});
    std::fs::write(dir.path().join("qingdan.yaml"), "limits:\n  max_rows: 2\n").unwrap();
    let r = check_in(dir.path(), &["."]);
    let f = r.one("QD001", "wide.xlsx");
    assert!(reason(f).contains("4 rows") && reason(f).contains("max_rows"), "{f:#}");
}

#[test]
fn csv_field_limit_from_config() {
    let dir = tempfile::tempdir().unwrap();
    let mut row = good_row("11150202000000000X4000172011000");
    let long = "很长的受理条件".repeat(200);
    row[11] = &long;
    std::fs::write(dir.path().join("long.csv"), format!("{}\n{}\n", header(), row.join(","))).unwrap();
    std::fs::write(dir.path().join("qingdan.yaml"), "limits:\n  max_field_kib: 1\n").unwrap();
    let r = check_in(dir.path(), &["."]);
    let cut: Vec<_> = r.with_rule("QD010").into_iter().filter(|f| f["field"] == "conditions").collect();
    assert_eq!(cut.len(), 1, "{:#}", r.json);
    assert_eq!(cut[0]["row"], 2);
}

#[test]
fn a_broken_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["good.csv", "empty.csv", "text.xlsx", "encrypted.xlsx", "html.xls"] {
        std::fs::copy(fixtures().join(name), dir.path().join(name)).unwrap();
    }
    let r = check_in(dir.path(), &["."]);
    for name in ["empty.csv", "text.xlsx", "encrypted.xlsx", "html.xls"] {
        r.one("QD001", name);
    }
    assert_eq!(r.json["summary"]["items"], 1);
    assert_eq!(r.code, 1, "exit by findings, not 2: {:#}", r.json);
    // Only warnings besides the broken ones: --fail-on error still fails on QD001.
    assert!(r.with_rule("QD001").iter().all(|f| f["severity"] == "error"));
}

// ---------------------------------------------------------------- config

fn config_error(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join("good.csv"), dir.path().join("good.csv")).unwrap();
    std::fs::write(dir.path().join("qingdan.yaml"), text).unwrap();
    let start = Instant::now();
    let r = check_in(dir.path(), &["."]);
    assert!(start.elapsed() < Duration::from_secs(10), "config took {:?}", start.elapsed());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("qingdan.yaml"), "{}", r.stderr);
    assert_eq!(r.stderr.trim().lines().count(), 1, "one clear error: {}", r.stderr);
    r.stderr
}

#[test]
fn config_alias_bomb() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..16 {
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 9].join(", ")));
    }
    config_error(&bomb);
}

#[test]
fn config_deep_nesting() {
    config_error(&"[".repeat(10_000));
    config_error(&format!("rules: {}", "{a: ".repeat(10_000)));
}

#[test]
fn config_unknown_key_and_wrong_type() {
    let e = config_error("colour: red\n");
    assert!(e.contains("colour"), "{e}");
    let e = config_error("limits:\n  max_rows: many\n");
    assert!(e.contains("/limits/max_rows"), "{e}");
    let e = config_error("limits:\n  max_row: 5\n");
    assert!(e.contains("max_row"), "{e}");
    let e = config_error("rules:\n  QD101: loud\n");
    assert!(e.contains("/rules/QD101"), "{e}");
    let e = config_error("ignore: 5\n");
    assert!(e.contains("/ignore"), "{e}");
}

// ---------------------------------------------------------------- walking

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join("good.csv"), dir.path().join("good.csv")).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/loop")).unwrap();
    let r = check_in(dir.path(), &["."]);
    let loops: Vec<_> = r.with_rule("QD001").into_iter().filter(|f| reason(f).contains("symlink loop")).collect();
    assert_eq!(loops.len(), 1, "{:#}", r.json);
    assert_eq!(r.json["summary"]["items"], 1);
}

#[cfg(unix)]
#[test]
fn non_utf8_file_name_is_reported_and_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"\xca\xc2\xcf\xee.csv");
    std::fs::copy(fixtures().join("good.csv"), dir.path().join(name)).unwrap();
    let r = check_in(dir.path(), &["."]);
    let hits: Vec<_> = r.with_rule("QD001").into_iter().filter(|f| reason(f).contains("not UTF-8")).collect();
    assert_eq!(hits.len(), 1, "{:#}", r.json);
    assert_eq!(r.json["summary"]["items"], 1, "the file is still read");
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixtures().join("good.csv"), dir.path().join("good.csv")).unwrap();
    let locked = dir.path().join("locked.csv");
    std::fs::copy(fixtures().join("good.csv"), &locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!("skipped: running as root, chmod 000 does not stop reading");
        return;
    }
    let r = check_in(dir.path(), &["."]);
    r.one("QD001", "locked.csv");
    assert_eq!(r.json["summary"]["items"], 1);
    assert_eq!(r.code, 1);
}

// ---------------------------------------------------------------- outputs

fn ingest(dir: &Path, args: &[&str]) -> std::process::Output {
    let out =
        Command::cargo_bin("qingdan").unwrap().current_dir(dir).arg("ingest").args(args).timeout(Duration::from_secs(30)).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    out
}

#[test]
fn ingest_never_overwrites_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("东河区.csv");
    std::fs::copy(fixtures().join("good.csv"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    // `-o` at the input's own directory, CSV output: the target name is the input's name.
    let out = ingest(dir.path(), &["东河区.csv", "-o", ".", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("拒绝覆盖输入文件"));
    let out = ingest(dir.path(), &["东河区.csv", "-o", ".", "--format", "csv", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to overwrite"));
    assert_eq!(std::fs::read(&input).unwrap(), before);
    // Through a different spelling of the same directory.
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let out = ingest(dir.path(), &["东河区.csv", "-o", "sub/..", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&input).unwrap(), before);
    // Own YAML read back and written to the same name.
    let out = ingest(dir.path(), &["东河区.csv", "-o", "sub", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let yaml = sub.join("东河区.yaml");
    let yaml_before = std::fs::read(&yaml).unwrap();
    let out = ingest(dir.path(), &["sub/东河区.yaml", "-o", "sub", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read(&yaml).unwrap(), yaml_before);
}

#[test]
fn outputs_are_byte_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["good.csv", "ragged.csv", "crlf.csv", "duplicate_headers.csv"] {
        std::fs::copy(fixtures().join(name), dir.path().join(name)).unwrap();
    }
    for format in ["json", "yaml", "csv", "ndjson"] {
        let a = ingest(dir.path(), &[".", "--format", format]);
        let b = ingest(dir.path(), &[".", "--format", format]);
        assert!(!a.stdout.is_empty(), "{format}");
        assert_eq!(a.stdout, b.stdout, "{format} differs between runs");
        let (oa, ob) = (dir.path().join(format!("out-a-{format}")), dir.path().join(format!("out-b-{format}")));
        ingest(dir.path(), &["good.csv", "ragged.csv", "crlf.csv", "-o", oa.to_str().unwrap(), "--format", format]);
        ingest(dir.path(), &["good.csv", "ragged.csv", "crlf.csv", "-o", ob.to_str().unwrap(), "--format", format]);
        let list = |d: &Path| {
            let mut v: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
            v.sort();
            v
        };
        assert_eq!(list(&oa), list(&ob));
        assert_eq!(list(&oa).len(), 3, "{format}");
        for f in list(&oa) {
            assert_eq!(std::fs::read(oa.join(&f)).unwrap(), std::fs::read(ob.join(&f)).unwrap(), "{format}: {f:?}");
        }
    }
}

// ---------------------------------------------------------------- fuzz regressions

/// Every file under tests/fixtures/fuzz/ (crashes found by fuzzing) is read without a panic.
#[test]
fn fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    for e in entries {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            continue;
        }
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let r = check_in(&dir, &[&name]);
        // Each is a broken file: a finding says so (check_in asserts there was no panic).
        assert!(r.with_rule("QD001").iter().any(|f| f["file"] == name.as_str()), "{name}: {:#}", r.json);
    }
}

/// A garbled cell reference made calamine overflow (a panic in debug builds): the sheet is a
/// finding, the rest of the workbook and other files are still read, stderr stays clean.
#[test]
#[cfg_attr(not(debug_assertions), ignore = "calamine overflows (and panics) only with debug assertions")]
fn workbook_reader_panic_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    std::fs::copy(fuzz.join("panic-xlsx-cell-ref-overflow.xlsx"), dir.path().join("a.xlsx")).unwrap();
    std::fs::copy(fixtures().join("good.csv"), dir.path().join("b.csv")).unwrap();
    let r = check_in(dir.path(), &["."]);
    assert!(r.stderr.trim().is_empty(), "{}", r.stderr);
    let hits: Vec<_> = r.with_rule("QD001").into_iter().filter(|f| reason(f).contains("the workbook reader failed")).collect();
    assert_eq!(hits.len(), 1, "{:#}", r.json);
    assert_eq!(hits[0]["file"], "a.xlsx");
    assert_eq!(hits[0]["sheet"], "实施清单");
    assert_eq!(r.json["summary"]["items"], 1, "b.csv still read");
    assert_eq!(r.code, 1);
}

/// The CFB directory chain that loops on itself (calamine grew memory without bound).
#[test]
fn cfb_directory_loop_is_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let r = check_in(&dir, &["oom-cfb-directory-loop.xls"]);
    let f = r.one("QD001", "oom-cfb-directory-loop.xls");
    assert!(reason(f).contains("corrupt OLE compound file") && reason(f).contains("loops"), "{f:#}");
}
