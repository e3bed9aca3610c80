//! Hostile inputs, round two (issue 16): declared counts that made the process abort, inputs
//! that passed every limit and took gigabytes, and outputs that could be turned against the
//! user. Large fixtures are generated here (never committed); the memory-cap tests run the
//! binary under `ulimit -v`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;

use qingdan::model::field::Field;

/// The columns of the valid implementation row: the required elements.
const FIELDS: &[Field] = common::ITEM_FIELDS.split_at(19).0;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_qingdan")
}

/// A valid list whose two rows share a 实施编码: readable, with one known finding (QD103).
fn valid_list() -> String {
    valid_rows(2)
}

/// The canonical header and `n` copies of the valid row.
fn valid_rows(n: usize) -> String {
    let mut s = common::header(FIELDS).join(",");
    s.push('\n');
    for _ in 0..n {
        s.push_str(&common::valid_row(FIELDS).join(","));
        s.push('\n');
    }
    s
}

/// The outcome of one run.
struct Run {
    code: i32,
    json: Value,
    stdout: String,
    stderr: String,
}

impl Run {
    fn of(out: Output) -> Run {
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let code = out.status.code().unwrap_or_else(|| panic!("killed by a signal: {:?}\n{stderr}", out.status));
        assert!(code != 101 && code != 134 && !stderr.contains("panicked"), "crash ({code}): {stderr}");
        assert!(!stderr.contains("memory allocation"), "allocation failure: {stderr}");
        let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
        Run { code, json, stdout, stderr }
    }

    fn findings(&self) -> Vec<&Value> {
        self.json["findings"].as_array().map(|a| a.iter().collect()).unwrap_or_default()
    }

    fn of_rule_in(&self, rule: &str, file: &str) -> Vec<&Value> {
        self.findings().into_iter().filter(|f| f["rule"] == rule && f["file"] == file).collect()
    }

    /// The one finding of `rule` about `file`.
    fn one(&self, rule: &str, file: &str) -> &Value {
        let hits = self.of_rule_in(rule, file);
        let about: Vec<&Value> = self.findings().into_iter().filter(|f| f["file"] == file || f["rule"] == "QD001").collect();
        assert_eq!(hits.len(), 1, "expected one {rule} for {file}, got: {about:#?}\n{}\n{}", self.json["summary"], self.stderr);
        hits[0]
    }
}

fn message(f: &Value) -> String {
    f["message"].as_str().unwrap_or("").to_string()
}

/// `qingdan --lang en ARGS` in `dir`, optionally under a virtual-memory cap (KiB), within
/// `secs` seconds.
fn run_capped(dir: &Path, args: &[&str], cap_kib: Option<u64>, secs: u64) -> Run {
    let start = Instant::now();
    let mut cmd = match cap_kib {
        Some(kib) => {
            let mut c = Command::new("sh");
            c.arg("-c").arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\"")).arg(bin());
            c
        }
        None => Command::new(bin()),
    };
    let child = cmd
        .current_dir(dir)
        .arg("--lang")
        .arg("en")
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("{args:?} took longer than {secs} s");
        }
    };
    let run = Run::of(out);
    eprintln!("{args:?}: {:?}", start.elapsed());
    run
}

fn check(dir: &Path, args: &[&str]) -> Run {
    let mut a = vec!["check", "--format", "json"];
    a.extend_from_slice(args);
    run_capped(dir, &a, None, 60)
}

// ---------------------------------------------------------------- hostile fixtures

/// A CSV of 10M short item rows (99 MB), far past `max_rows`.
fn rows_bomb(path: &Path) {
    write_repeated(
        path,
        "事项名称,实施编码,实施主体\n".as_bytes(),
        "许可,11150202000000000X4000172011000,东河区住房和城乡建设局\n".as_bytes(),
        10_000_000,
        b"",
    );
}

/// A CSV whose one row has 1,000,001 columns (4 MB), far past `max_columns`.
fn columns_bomb(path: &Path) {
    let mut wide = "事项名称,".to_string();
    wide.push_str(&"x,".repeat(1_000_000));
    wide.push('\n');
    std::fs::write(path, wide).unwrap();
}

fn zip_bytes(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        z.start_file(name.as_str(), opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// A valid xlsx of `rows` item rows (canonical header), with `tweak` applied to the sheet.
fn xlsx(rows: usize, tweak: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("实施清单").unwrap();
    for (c, h) in common::header(FIELDS).iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 0..rows {
        let code = format!("11150202000000000X4{r:012}");
        for (c, v) in common::valid_row(FIELDS).iter().enumerate() {
            let v = if FIELDS[c] == Field::ImplCode { code.as_str() } else { v };
            ws.write_string(r as u32 + 1, c as u16, v).unwrap();
        }
    }
    tweak(ws);
    book.save_to_buffer().unwrap()
}

/// Point 1: a 2 KB xlsx whose shared-strings table declares six trillion strings.
fn shared_strings_bomb() -> Vec<u8> {
    let entries: Vec<(String, Vec<u8>)> = common::zip_entries(&xlsx(2, |_| {}))
        .into_iter()
        .map(|(name, data)| {
            if name == "xl/sharedStrings.xml" {
                let text = String::from_utf8(data).unwrap();
                let at = text.find("<sst").unwrap();
                let end = at + text[at..].find('>').unwrap();
                let patched = format!(
                    "{}<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"6000000000000\" uniqueCount=\"6000000000000\"{}",
                    &text[..at],
                    &text[end..]
                );
                (name, patched.into_bytes())
            } else {
                (name, data)
            }
        })
        .collect();
    zip_bytes(&entries)
}

/// Point 2: an .xls whose DIMENSIONS record declares 0xFFFFFFFF rows × 0xFFFF columns.
fn dimensions_bomb() -> Vec<u8> {
    let mut b = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/legacy.xls")).unwrap();
    let at = b.windows(4).position(|w| w == [0x00, 0x02, 0x0E, 0x00]).expect("a DIMENSIONS record");
    b[at + 8..at + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    b[at + 14..at + 16].copy_from_slice(&u16::MAX.to_le_bytes());
    b
}

/// Point 3: a 1 KB ODS whose one item row is repeated `repeat` times.
fn ods_repeats(repeat: u64) -> Vec<u8> {
    let cell = |v: &str| format!(r#"<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>"#);
    let header: String = common::header(FIELDS).iter().map(|h| cell(h)).collect();
    let row: String = common::valid_row(FIELDS).iter().map(|v| cell(v)).collect();
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="实施清单"><table:table-row>{header}</table:table-row><table:table-row table:number-rows-repeated="{repeat}">{row}</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip_bytes(&[
        ("mimetype".into(), b"application/vnd.oasis.opendocument.spreadsheet".to_vec()),
        ("content.xml".into(), content.into_bytes()),
        ("META-INF/manifest.xml".into(), manifest.as_bytes().to_vec()),
    ])
}

/// Writes `lines` copies of `line` after `head`, in blocks (fast, bounded memory).
fn write_repeated(path: &Path, head: &[u8], line: &[u8], lines: usize, tail: &[u8]) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(head).unwrap();
    let block: Vec<u8> = line.repeat(65_536 / line.len().max(1) + 1);
    let per_block = block.len() / line.len();
    let mut left = lines;
    while left > 0 {
        let n = left.min(per_block);
        f.write_all(&block[..n * line.len()]).unwrap();
        left -= n;
    }
    f.write_all(tail).unwrap();
    f.flush().unwrap();
}

/// Point 6: one 10k-character anchored item aliased 100,000 times (own-format YAML).
fn yaml_fan_out() -> String {
    let mut s = format!("items:\n- &a\n  name: \"{}\"\n", "事".repeat(10_000));
    s.push_str(&"- *a\n".repeat(100_000));
    s
}

/// The header then `rows` rows of garbage: every required element missing or unreadable.
fn garbage_rows(path: &Path, rows: usize) {
    let head = format!("{}\n", common::header(FIELDS).join(","));
    let line = format!("{}\n", vec!["?"; FIELDS.len()].join(","));
    write_repeated(path, head.as_bytes(), line.as_bytes(), rows, b"");
}

// ---------------------------------------------------------------- aborts (points 1 and 2)

#[test]
fn shared_strings_count_is_checked_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = shared_strings_bomb();
    assert!(bomb.len() < 8 * 1024, "{}", bomb.len());
    std::fs::write(dir.path().join("sst.xlsx"), bomb).unwrap();
    std::fs::write(dir.path().join("valid.csv"), valid_list()).unwrap();
    for cmd in ["check", "ingest"] {
        let args: &[&str] = if cmd == "check" { &["check", "--format", "json", "."] } else { &["ingest", "--format", "ndjson", "."] };
        let r = run_capped(dir.path(), args, None, 60);
        if cmd == "check" {
            let f = r.one("QD001", "sst.xlsx");
            assert!(message(f).contains("uniqueCount=6000000000000"), "{f:#}");
            r.one("QD103", "valid.csv");
            assert_eq!(r.code, 1);
        } else {
            assert!(r.stderr.contains("sst.xlsx") && r.stderr.contains("uniqueCount"), "{}", r.stderr);
            assert_eq!(r.stdout.lines().count(), 2, "the valid list's items");
            assert_eq!(r.code, 0);
        }
    }
}

#[test]
fn xls_dimensions_are_checked_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dims.xls"), dimensions_bomb()).unwrap();
    std::fs::write(dir.path().join("valid.csv"), valid_list()).unwrap();
    let r = check(dir.path(), &["."]);
    let f = r.one("QD001", "dims.xls");
    assert!(message(f).contains("max_rows"), "{f:#}");
    r.one("QD103", "valid.csv");
    assert_eq!(r.code, 1);
    let r = run_capped(dir.path(), &["ingest", "--format", "ndjson", "."], None, 60);
    assert!(r.stderr.contains("dims.xls"), "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 2);
}

// ---------------------------------------------------------------- limits (points 3, 4, 5, 9)

#[test]
fn ods_row_repetition_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = ods_repeats(1_000_000);
    assert!(bomb.len() < 4096, "{}", bomb.len());
    std::fs::write(dir.path().join("repeat.ods"), &bomb).unwrap();
    // With the default limits: more cells than a range may span, or (within that) a
    // repetition far beyond the part's size, which is a bomb like a zip bomb.
    std::fs::write(dir.path().join("repeat400k.ods"), ods_repeats(400_000)).unwrap();
    let r = check(dir.path(), &["repeat.ods", "repeat400k.ods"]);
    let f = r.one("QD001", "repeat.ods");
    assert!(message(f).contains("spans 19000019 cells"), "{f:#}");
    let f = r.one("QD001", "repeat400k.ods");
    assert!(message(f).contains("max_compression_ratio"), "{f:#}");
    assert_eq!(r.json["summary"]["items"], 0);
    // max_rows applies to the rows the repetition expands to.
    std::fs::write(dir.path().join("few.ods"), ods_repeats(50)).unwrap();
    std::fs::write(dir.path().join("qingdan.yaml"), "limits:\n  max_rows: 10\n").unwrap();
    let r = check(dir.path(), &["few.ods"]);
    let f = r.one("QD001", "few.ods");
    assert!(message(f).contains("51 rows") && message(f).contains("max_rows"), "{f:#}");
    std::fs::remove_file(dir.path().join("qingdan.yaml")).unwrap();
    let r = check(dir.path(), &["few.ods"]);
    assert_eq!(r.json["summary"]["items"], 50, "{:#}", r.json);
}

#[test]
fn csv_rows_and_columns_are_limited_while_reading() {
    let dir = tempfile::tempdir().unwrap();
    // 10M two-column rows (99 MB): reading stops past max_rows.
    rows_bomb(&dir.path().join("rows.csv"));
    // 1,000,001 columns (4 MB).
    columns_bomb(&dir.path().join("columns.csv"));
    std::fs::write(dir.path().join("qingdan.yaml"), "limits:\n  max_rows: 1000\n").unwrap();
    let r = check(dir.path(), &["."]);
    let f = r.one("QD001", "rows.csv");
    assert!(message(f).contains("row 1001") && message(f).contains("max_rows"), "{f:#}");
    let f = r.one("QD001", "columns.csv");
    assert!(message(f).contains("column 1001") && message(f).contains("max_columns"), "{f:#}");
    assert!(r.of_rule_in("QD003", "columns.csv").len() <= 1, "no million unmapped-header findings");
    assert_eq!(r.json["summary"]["items"], 999, "the rows before the limit are read");
}

/// Points 5 and 9: blank lines, line breaks inside a quoted field, and one huge field, under
/// a cap far below what holding them would take.
#[test]
fn line_breaks_and_huge_fields_take_constant_memory() {
    let dir = tempfile::tempdir().unwrap();
    let head = format!("{}\n", common::header(FIELDS).join(","));
    let row = format!("{}\n", common::valid_row(FIELDS).join(","));
    // 40 MB of blank lines, then a row (row 40,000,002: past the default max_rows).
    write_repeated(&dir.path().join("blank.csv"), head.as_bytes(), b"\n", 40_000_000, row.as_bytes());
    // 40 MB of line breaks inside one quoted field.
    let mut quoted = head.clone().into_bytes();
    quoted.extend_from_slice("建筑工程施工许可证核发,000172011000,\"".as_bytes());
    write_repeated(&dir.path().join("quoted.csv"), &quoted, b"\r\n", 20_000_000, b"\"\n");
    // A 300 MB field.
    let mut big = head.clone().into_bytes();
    big.extend_from_slice("建筑工程施工许可证核发,000172011000,\"".as_bytes());
    write_repeated(&dir.path().join("field.csv"), &big, b"0123456789abcdef", 300 << 16, b"\"\n");
    // The old reader held 16 bytes per line break and every field whole: 600 MB and more for
    // each file. Each is read alone under a 256 MiB cap (one file needs under 128 MiB).
    let capped = |name: &str| run_capped(dir.path(), &["check", "--format", "json", name], Some(256 << 10), 120);
    let r = capped("blank.csv");
    let f = r.one("QD001", "blank.csv");
    assert!(message(f).contains("row 40000002"), "{f:#}");
    let r = capped("quoted.csv");
    let cut = r.of_rule_in("QD010", "quoted.csv");
    assert!(cut.iter().any(|f| message(f).contains("40000000 bytes")), "{:#}", r.json);
    let r = capped("field.csv");
    let cut = r.of_rule_in("QD010", "field.csv");
    assert!(cut.iter().any(|f| message(f).contains(&format!("{} bytes", 300u64 << 20))), "{:#}", r.json);
}

#[test]
fn workbooks_are_limited_while_reading_whatever_they_declare() {
    let dir = tempfile::tempdir().unwrap();
    // An xlsx of 30 rows whose <dimension> claims two.
    let entries: Vec<(String, Vec<u8>)> = common::zip_entries(&xlsx(30, |_| {}))
        .into_iter()
        .map(|(name, data)| {
            if name.starts_with("xl/worksheets/sheet") {
                let text = String::from_utf8(data).unwrap();
                let at = text.find("<dimension ref=\"").unwrap() + "<dimension ref=\"".len();
                let end = at + text[at..].find('"').unwrap();
                (name, format!("{}A1:B2{}", &text[..at], &text[end..]).into_bytes())
            } else {
                (name, data)
            }
        })
        .collect();
    std::fs::write(dir.path().join("lying.xlsx"), zip_bytes(&entries)).unwrap();
    // An xlsx without any <dimension>.
    let entries: Vec<(String, Vec<u8>)> = common::zip_entries(&xlsx(30, |_| {}))
        .into_iter()
        .map(|(name, data)| {
            if name.starts_with("xl/worksheets/sheet") {
                let text = String::from_utf8(data).unwrap();
                let at = text.find("<dimension").unwrap();
                let end = at + text[at..].find("/>").unwrap() + 2;
                (name, format!("{}{}", &text[..at], &text[end..]).into_bytes())
            } else {
                (name, data)
            }
        })
        .collect();
    std::fs::write(dir.path().join("nodim.xlsx"), zip_bytes(&entries)).unwrap();
    // An xls and an ODS with more rows than the limit, and own-format NDJSON with more items.
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest/legacy.xls"), dir.path().join("legacy.xls")).unwrap();
    std::fs::write(dir.path().join("rows.ods"), ods_repeats(30)).unwrap();
    std::fs::write(dir.path().join("six.csv"), valid_rows(6)).unwrap();
    let out = Command::new(bin()).current_dir(dir.path()).args(["ingest", "--format", "ndjson", "six.csv"]).output().unwrap();
    std::fs::write(dir.path().join("own.ndjson"), &out.stdout).unwrap();
    std::fs::write(dir.path().join("qingdan.yaml"), "limits:\n  max_rows: 2\n  max_columns: 30\n").unwrap();
    let r = check(dir.path(), &["lying.xlsx", "nodim.xlsx", "legacy.xls", "rows.ods", "own.ndjson"]);
    for name in ["lying.xlsx", "nodim.xlsx"] {
        let f = r.one("QD001", name);
        assert!(message(f).contains("row 3 is beyond the limit of 2 rows"), "{f:#}");
    }
    for name in ["legacy.xls", "rows.ods"] {
        let f = r.one("QD001", name);
        assert!(message(f).contains("max_rows"), "{f:#}");
    }
    let f = r.one("QD001", "own.ndjson");
    assert!(message(f).contains("max_rows"), "{f:#}");
    // Columns: the header has 19 columns, over a limit of 10.
    std::fs::write(dir.path().join("qingdan.yaml"), "limits:\n  max_columns: 10\n").unwrap();
    let r = check(dir.path(), &["nodim.xlsx", "rows.ods"]);
    let f = r.one("QD001", "nodim.xlsx");
    assert!(message(f).contains("column 11") && message(f).contains("max_columns"), "{f:#}");
    let f = r.one("QD001", "rows.ods");
    assert!(message(f).contains("19 columns") && message(f).contains("max_columns"), "{f:#}");
}

// ---------------------------------------------------------------- YAML fan-out (point 6)

#[test]
fn own_yaml_alias_fan_out_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = yaml_fan_out();
    assert!(bomb.len() < 600_000);
    std::fs::write(dir.path().join("fan.yaml"), bomb).unwrap();
    std::fs::write(dir.path().join("valid.csv"), valid_list()).unwrap();
    let r = run_capped(dir.path(), &["check", "--format", "json", "."], Some(1 << 20), 60);
    let f = r.one("QD001", "fan.yaml");
    assert!(message(f).contains("aliases"), "{f:#}");
    r.one("QD103", "valid.csv");
    // A YAML output of qingdan itself (no aliases) still reads back.
    let out = Command::new(bin()).current_dir(dir.path()).args(["ingest", "--format", "yaml", "valid.csv"]).output().unwrap();
    std::fs::write(dir.path().join("own.yaml"), &out.stdout).unwrap();
    let r = check(dir.path(), &["own.yaml"]);
    assert_eq!(r.json["summary"]["items"], 2, "{:#}", r.json);
}

// ---------------------------------------------------------------- findings cap (point 7)

#[test]
fn findings_are_capped_per_rule_per_file_with_exact_counts() {
    let dir = tempfile::tempdir().unwrap();
    garbage_rows(&dir.path().join("garbage.csv"), 3000);
    std::fs::write(dir.path().join("qingdan.yaml"), "limits:\n  max_findings_per_rule: 100\n").unwrap();
    let capped = check(dir.path(), &["garbage.csv"]);
    std::fs::write(dir.path().join("qingdan.yaml"), "limits:\n  max_findings_per_rule: 1000000\n").unwrap();
    let full = check(dir.path(), &["garbage.csv"]);
    assert_eq!(capped.json["summary"], full.json["summary"], "counts are exact");
    let mut per_rule: std::collections::BTreeMap<String, (usize, u64)> = Default::default();
    for f in capped.findings() {
        let e = per_rule.entry(f["rule"].as_str().unwrap().to_string()).or_default();
        if message(f).contains("more findings of this rule are not listed") {
            let n: u64 = message(f).split_whitespace().next().unwrap().parse().unwrap();
            e.1 += n;
        } else {
            e.0 += 1;
        }
    }
    let full_counts = full.findings().iter().fold(std::collections::BTreeMap::<String, u64>::new(), |mut m, f| {
        *m.entry(f["rule"].as_str().unwrap().to_string()).or_default() += 1;
        m
    });
    assert!(per_rule.values().any(|(_, more)| *more > 0), "{per_rule:?}");
    for (rule, (listed, more)) in &per_rule {
        assert!(*listed <= 100, "{rule}: {listed}");
        assert_eq!(*listed as u64 + more, full_counts[rule], "{rule}");
    }
    // The summary finding, in Chinese.
    std::fs::write(dir.path().join("qingdan.yaml"), "limits:\n  max_findings_per_rule: 100\n").unwrap();
    let out = Command::new(bin()).current_dir(dir.path()).args(["check", "garbage.csv"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("另有 ") && text.contains(" 条同类问题未列出"), "{text}");
}

// ---------------------------------------------------------------- non-regular files (point 8)

#[cfg(unix)]
#[test]
fn non_regular_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.csv")).unwrap();
    std::fs::write(dir.path().join("valid.csv"), valid_list()).unwrap();
    let r = run_capped(dir.path(), &["check", "--format", "json", "pipe.csv", "zero.csv", "/dev/zero", "valid.csv"], None, 20);
    for name in ["pipe.csv", "zero.csv", "/dev/zero"] {
        let f = r.one("QD001", name);
        assert!(message(f).contains("not a regular file"), "{f:#}");
    }
    r.one("QD103", "valid.csv");
    assert_eq!(r.code, 1);
    // The folder walk skips them without reading.
    let r = run_capped(dir.path(), &["check", "--format", "json", "."], None, 20);
    assert_eq!(r.json["summary"]["items"], 2);
    // `--config /dev/null` still means "no config".
    let r = run_capped(dir.path(), &["--config", "/dev/null", "check", "--format", "json", "valid.csv"], None, 20);
    r.one("QD103", "valid.csv");
    // --config naming a device, a symlink to one, or a FIFO: one clear error.
    for config in ["/dev/zero", "zero.csv", "pipe.csv"] {
        let r = run_capped(dir.path(), &["--config", config, "check", "valid.csv"], None, 20);
        assert_eq!(r.code, 2, "{config}: {}", r.stderr);
        assert!(r.stderr.contains("not a regular file"), "{config}: {}", r.stderr);
    }
}

// ---------------------------------------------------------------- globs (point 10)

#[test]
fn repeated_double_star_globs_are_linear() {
    let dir = tempfile::tempdir().unwrap();
    let deep: PathBuf = (0..40).fold(dir.path().to_path_buf(), |p, i| p.join(format!("d{i}")));
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("valid.csv"), valid_list()).unwrap();
    std::fs::write(deep.join("skip.csv"), valid_list()).unwrap();
    std::fs::write(dir.path().join("qingdan.yaml"), "ignore: ['**/**/**/**/**/**/**/*.none', '**/**/**/**/**/**/**/skip.csv']\n").unwrap();
    let start = Instant::now();
    let r = check(dir.path(), &["."]);
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(r.json["summary"]["items"], 2, "skip.csv ignored, valid.csv read: {:#}", r.json);
}

// ---------------------------------------------------------------- outputs (points 11-15, 17)

#[test]
fn every_csv_cell_is_defused_including_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let name = "=HYPERLINK(\"http:__x\")+1.csv";
    std::fs::write(dir.path().join(name), valid_list()).unwrap();
    // Excel refuses such a sheet name; a hostile file has it all the same.
    let entries: Vec<(String, Vec<u8>)> = common::zip_entries(&xlsx(1, |_| {}))
        .into_iter()
        .map(|(name, data)| {
            if name == "xl/workbook.xml" {
                let text = String::from_utf8(data).unwrap().replace("name=\"实施清单\"", "name=\"=cmd|&apos; /C calc&apos;!A0\"");
                (name, text.into_bytes())
            } else {
                (name, data)
            }
        })
        .collect();
    std::fs::write(dir.path().join("book.xlsx"), zip_bytes(&entries)).unwrap();
    let out = Command::new(bin()).current_dir(dir.path()).args(["ingest", "--format", "csv", name, "book.xlsx"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(&out.stdout[..]);
    let headers = rdr.headers().unwrap().clone();
    let col = |h: &str| headers.iter().position(|x| x == h).unwrap();
    let records: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    assert_eq!(&records[0][col("来源文件")], format!("'{name}"));
    assert_eq!(&records[2][col("来源工作表")], "'=cmd|' /C calc'!A0");
    for r in &records {
        for cell in r.iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
    }
}

#[test]
fn control_characters_are_escaped_in_human_and_github_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut row = common::valid_row(FIELDS);
    // A credit code holding ESC sequences: shown as the finding's value.
    let hostile = "11150202MB\u{1b}[2J\u{1b}]0;pwned\u{7}";
    let at = FIELDS.iter().position(|f| *f == Field::AgencyCode).unwrap();
    row[at] = hostile;
    let name_at = FIELDS.iter().position(|f| *f == Field::Name).unwrap();
    let name = "许可\u{1b}[31m\u{202e}事项";
    row[name_at] = name;
    std::fs::write(dir.path().join("esc.csv"), format!("{}\n{}\n", common::header(FIELDS).join(","), row.join(","))).unwrap();
    for format in ["human", "github"] {
        let out = Command::new(bin())
            .current_dir(dir.path())
            .args(["check", "--format", format, "esc.csv"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("QD"), "{format}: {text}");
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202e}'), "{format}: {text:?}");
        assert!(text.contains("\\x1b"), "{format}: {text}");
    }
    let out = Command::new(bin()).current_dir(dir.path()).args(["ingest", "--format", "ndjson", "esc.csv"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    // stats and diff print values to the terminal too.
    std::fs::write(dir.path().join("old.csv"), valid_list()).unwrap();
    for args in [&["stats", "esc.csv"][..], &["diff", "old.csv", "esc.csv"]] {
        let out = Command::new(bin()).current_dir(dir.path()).args(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "{args:?}: {text:?}");
    }
}

/// Own-format YAML with the given provenance file and sheet.
fn own_yaml(file: &str, sheet: Option<&str>) -> String {
    let item = serde_json::json!({"name": "许可", "provenance": {"file": file, "sheet": sheet, "row": 2}});
    format!("items:\n- {}\n", serde_json::to_string(&item).unwrap())
}

#[test]
fn ingest_output_names_are_portable_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let long = "事".repeat(90);
    let cases = [
        ("a.yaml", own_yaml(&format!("{long}.xlsx"), Some(&long))),
        ("b.yaml", own_yaml(&format!("{long}.xlsx"), Some(&format!("{long}乙")))),
        ("c.yaml", own_yaml("nul.xlsx", Some("a\u{0}b"))),
        ("d.yaml", own_yaml("CON.xlsx", None)),
        ("e.yaml", own_yaml("Dup.csv", Some("S"))),
        ("f.yaml", own_yaml("dup.csv", Some("s"))),
    ];
    for (name, text) in &cases {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = Command::new(bin()).current_dir(dir.path()).args(["ingest", ".", "-o", "out", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path().join("out")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names.len(), 6, "{names:?}");
    let lower: std::collections::HashSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(lower.len(), 6, "distinct up to case: {names:?}");
    for n in &names {
        assert!(n.len() <= 255 && !n.contains('\0') && !n.to_uppercase().starts_with("CON."), "{n}");
    }
    assert!(names.contains(&"nul-a_b.json".to_string()), "{names:?}");
    assert!(names.contains(&"_CON.json".to_string()), "{names:?}");
}

#[test]
fn ingest_never_writes_over_a_config_or_a_foreign_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = "limits:\n  max_rows: 1000\n";
    std::fs::write(dir.path().join("qingdan.yaml"), config).unwrap();
    std::fs::write(dir.path().join("qingdan.csv"), valid_list()).unwrap();
    let out = Command::new(bin()).current_dir(dir.path()).args(["ingest", "qingdan.csv", "-o", "."]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(dir.path().join("qingdan.yaml")).unwrap(), config);
    assert!(std::fs::read_to_string(dir.path().join("qingdan-2.yaml")).unwrap().starts_with("items:"));
    // A file of the target's name that qingdan did not write: refused, nothing written.
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(dir.path().join("东河区.csv"), valid_list()).unwrap();
    std::fs::write(out_dir.join("东河区.yaml"), "notes: mine\n").unwrap();
    let out = Command::new(bin())
        .current_dir(dir.path())
        .args(["--lang", "en", "ingest", "东河区.csv", "qingdan.csv", "-o", "out"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not write"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(out_dir.join("东河区.yaml")).unwrap(), "notes: mine\n");
    assert!(!out_dir.join("qingdan.yaml").exists() && !out_dir.join("qingdan-2.yaml").exists(), "nothing written");
    // A previous output of qingdan is replaced, whatever its format and encoding.
    std::fs::remove_file(out_dir.join("东河区.yaml")).unwrap();
    for args in
        [&["--format", "yaml"][..], &["--format", "csv"], &["--format", "csv", "--output-encoding", "gb18030"], &["--format", "json"]]
    {
        for _ in 0..2 {
            let out = Command::new(bin()).current_dir(dir.path()).args(["ingest", "东河区.csv", "-o", "out"]).args(args).output().unwrap();
            assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

#[cfg(unix)]
#[test]
fn temporary_files_are_removed_on_sigterm_and_after_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("valid.csv"), valid_list()).unwrap();
    let temps = |d: &Path| -> Vec<String> {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with(".qingdan-"))
            .collect()
    };
    for signal in ["TERM", "INT", "KILL"] {
        let mut child = Command::new(bin())
            .current_dir(dir.path())
            .args(["--quiet", "export", "valid.csv", "-o", "out/发布.xlsx"])
            .env("QINGDAN_TEST_WRITE_PAUSE_MS", "20000")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !dir.path().join("out").exists() || temps(&dir.path().join("out")).is_empty() {
            assert!(start.elapsed() < Duration::from_secs(20), "no temporary file appeared");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(Command::new("kill").arg(format!("-{signal}")).arg(child.id().to_string()).status().unwrap().success());
        let status = child.wait().unwrap();
        assert!(start.elapsed() < Duration::from_secs(15), "{signal}: the pause was not interrupted");
        if signal == "KILL" {
            assert_eq!(temps(&dir.path().join("out")).len(), 1, "SIGKILL leaves the file");
            // The next run removes it: its writer is dead.
            let out = Command::new(bin())
                .current_dir(dir.path())
                .args(["--quiet", "export", "valid.csv", "-o", "out/发布.xlsx"])
                .output()
                .unwrap();
            assert!(out.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&out.stderr));
        } else {
            assert!(!status.success(), "{signal}");
        }
        assert!(temps(&dir.path().join("out")).is_empty(), "{signal}: {:?}", temps(&dir.path().join("out")));
    }
}

#[test]
fn ingest_applies_rule_overrides_like_check() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = valid_list();
    text = text.replacen('\n', ",自定义列甲\n", 1);
    std::fs::write(dir.path().join("x.csv"), text).unwrap();
    let stderr = |config: &str| {
        std::fs::write(dir.path().join("qingdan.yaml"), config).unwrap();
        let out = Command::new(bin()).current_dir(dir.path()).args(["--lang", "en", "ingest", "x.csv"]).output().unwrap();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let base = stderr("");
    assert!(base.lines().any(|l| l.starts_with("info QD003")), "{base}");
    let off = stderr("rules:\n  QD003: off\n");
    assert!(!off.contains("QD003"), "{off}");
    let raised = stderr("rules:\n  QD003: error\n");
    assert!(raised.lines().any(|l| l.starts_with("error QD003")), "{raised}");
}

// ---------------------------------------------------------------- everything at once

/// Every hostile fixture in one folder with a valid list, under a 2 GiB address-space cap:
/// the run completes, the valid list's finding is there, and each hostile file costs one
/// finding naming it.
#[cfg(unix)]
#[test]
fn every_hostile_file_at_once_under_a_memory_cap() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("valid.csv"), valid_list()).unwrap();
    std::fs::write(d.join("sst.xlsx"), shared_strings_bomb()).unwrap();
    std::fs::write(d.join("dims.xls"), dimensions_bomb()).unwrap();
    std::fs::write(d.join("repeat.ods"), ods_repeats(1_000_000)).unwrap();
    rows_bomb(&d.join("rows.csv"));
    columns_bomb(&d.join("columns.csv"));
    let head = format!("{}\n", common::header(FIELDS).join(","));
    let row = format!("{}\n", common::valid_row(FIELDS).join(","));
    write_repeated(&d.join("blank.csv"), head.as_bytes(), b"\n", 100_000_000, row.as_bytes());
    let mut quoted = head.clone().into_bytes();
    quoted.extend_from_slice("许可,000172011000,\"".as_bytes());
    write_repeated(&d.join("quoted.csv"), &quoted, b"\n", 100_000_000, b"\"\n");
    std::fs::write(d.join("fan.yaml"), yaml_fan_out()).unwrap();
    garbage_rows(&d.join("garbage.csv"), 30_000);
    // The config's glob is a bomb for a backtracking matcher on this path.
    let deep: PathBuf = (0..40).fold(d.to_path_buf(), |p, i| p.join(format!("d{i}")));
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("deep.csv"), valid_list()).unwrap();
    std::fs::write(d.join("qingdan.yaml"), "ignore: ['**/**/**/**/**/**/**/*.none']\nlimits:\n  max_rows: 20000\n").unwrap();
    let r = run_capped(d, &["check", "--format", "json", "."], Some(2 << 20), 180);
    assert_eq!(r.code, 1, "{}", r.stderr);
    r.one("QD103", "valid.csv");
    let deep_name = format!("{}/deep.csv", (0..40).map(|i| format!("d{i}")).collect::<Vec<_>>().join("/"));
    r.one("QD103", &deep_name);
    for name in ["sst.xlsx", "dims.xls", "repeat.ods", "rows.csv", "columns.csv", "blank.csv", "fan.yaml"] {
        r.one("QD001", name);
    }
    // The quoted field of line breaks is cut (QD010); the garbage rows are capped.
    assert!(r.of_rule_in("QD010", "quoted.csv").iter().any(|f| message(f).contains("100000000 bytes")), "{:#}", r.json);
    let garbage = r.findings().into_iter().filter(|f| f["file"] == "garbage.csv").count();
    assert!(garbage < 30 * 1001, "{garbage}");
    assert!(r.findings().iter().any(|f| f["file"] == "garbage.csv" && message(f).contains("not listed")));
}

/// Point 9: `max_field_kib` holds for workbook cells too, shared strings included (one long
/// shared string referenced by many cells is copied only up to the limit).
#[test]
fn workbook_cells_are_cut_at_the_field_limit() {
    let dir = tempfile::tempdir().unwrap();
    let long = "许".repeat(1000);
    let at = FIELDS.iter().position(|f| *f == Field::Conditions).unwrap() as u16;
    let book = xlsx(3, |ws| {
        for r in 1..4 {
            ws.write_string(r, at, &long).unwrap();
        }
    });
    std::fs::write(dir.path().join("long.xlsx"), book).unwrap();
    std::fs::write(dir.path().join("qingdan.yaml"), "limits:\n  max_field_kib: 1\n").unwrap();
    let r = check(dir.path(), &["long.xlsx"]);
    let cut = r.of_rule_in("QD010", "long.xlsx");
    assert_eq!(cut.len(), 3, "{:#}", r.json);
    for f in cut {
        assert!(message(f).contains("3000 bytes"), "{f:#}");
        assert_eq!(f["sheet"], "实施清单");
        assert_eq!(f["field"], "conditions");
    }
    assert_eq!(r.json["summary"]["items"], 3);
}
