//! The parallel pipelines of `check` and `ingest --format ndjson` write byte for byte what one
//! thread writes, on repositories with many files (where workers finish out of order), with a
//! materials sheet (which sends later files back to the ordered thread), and on the example;
//! and on one large file, whose rows are built on the in-file workers of the ordered stream
//! (`qingdan::ingest::ordered`), in a UTF-8 with BOM and a GB18030 variant.

mod common;

use std::path::Path;

use assert_cmd::Command;

/// Runs qingdan with the given environment and returns (status, stdout, stderr).
fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, Vec<u8>, Vec<u8>) {
    let mut cmd = Command::cargo_bin("qingdan").unwrap();
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (out.status.code().unwrap_or(-1), out.stdout, out.stderr)
}

/// A generated repository (3,000 items in ten lists and a base catalog), with defects.
fn generated(dir: &Path) -> String {
    let out = dir.join("repo");
    let (code, _, err) = run(&["generate", "--items", "3000", "--format", "csv", "--seed", "7", "--out", out.to_str().unwrap()], &[]);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&err));
    out.to_str().unwrap().to_string()
}

fn assert_same_everywhere(args: &[&str]) {
    let one = run(args, &[("QINGDAN_THREADS", "1")]);
    assert!(!one.1.is_empty(), "{args:?} printed nothing: {}", String::from_utf8_lossy(&one.2));
    for env in [[("QINGDAN_THREADS", "2"), ("QINGDAN_SEQUENTIAL", "0")], [("QINGDAN_THREADS", "5"), ("QINGDAN_SEQUENTIAL", "0")]] {
        let many = run(args, &env);
        assert_eq!(one.0, many.0, "{args:?} {env:?}: exit status");
        assert!(one.1 == many.1, "{args:?} {env:?}: stdout differs");
        assert!(one.2 == many.2, "{args:?} {env:?}: stderr differs");
    }
    let sequential = run(args, &[("QINGDAN_SEQUENTIAL", "1")]);
    assert!(one.1 == sequential.1, "{args:?}: differs from QINGDAN_SEQUENTIAL=1");
    // `-j` wins over the environment.
    let flagged: Vec<&str> = ["-j", "3"].into_iter().chain(args.iter().copied()).collect();
    let j3 = run(&flagged, &[("QINGDAN_THREADS", "1")]);
    assert!(one.1 == j3.1 && one.2 == j3.2, "{args:?}: differs with -j 3");
}

#[test]
fn check_and_ndjson_are_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let repo = generated(dir.path());
    assert_same_everywhere(&["check", &repo, "--format", "json"]);
    assert_same_everywhere(&["ingest", &repo, "--format", "ndjson"]);
}

#[test]
fn example_with_materials_sheet_is_identical_across_thread_counts() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/baotou");
    let example = example.to_str().unwrap();
    assert_same_everywhere(&["check", example, "--format", "json"]);
    assert_same_everywhere(&["ingest", example, "--format", "ndjson"]);
}

/// A separate materials file is read first and its rows wait for their items: the files after
/// it go through the ordered thread (workers skip them), and the result is still the same.
#[test]
fn separate_materials_file_is_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let repo = generated(dir.path());
    // Impl codes of the last list (read last, so the materials wait for most of the run).
    let mut lists: Vec<_> = std::fs::read_dir(&repo).unwrap().map(|e| e.unwrap().path()).filter(|p| !p.ends_with("基本目录.csv")).collect();
    lists.sort();
    let last = std::fs::read_to_string(lists.last().unwrap()).unwrap();
    let mut materials = String::from("实施编码,材料名称\n");
    for line in last.lines().skip(1).take(3) {
        let code = line.split(',').nth(2).unwrap();
        materials.push_str(&format!("{code},补充材料\n"));
    }
    std::fs::write(Path::new(&repo).join("申请材料.csv"), materials).unwrap();
    assert_same_everywhere(&["check", &repo, "--format", "json"]);
    assert_same_everywhere(&["ingest", &repo, "--format", "ndjson"]);
}

// ---------------------------------------------------------------------------------------------
// One large file: its data rows are built in batches on the in-file workers.
// ---------------------------------------------------------------------------------------------
//
// Files up to `WORKER_MAX_BYTES` (8 MiB) are read whole on a per-file worker, without in-file
// workers. A file reaches the in-file workers in one of two ways: it is over 8 MiB (read in
// order from the start), or it gives a per-file worker more than `WORKER_MAX_ITEMS` (10,000)
// items (the worker drops them and the file is read again, in order). The first is the cheaper
// one in a debug build: a run over the 9 MB list here (2,600 rows of about 3.5 KB, long
// multi-line quoted cells) takes about 1.7 s, where 10,500 short rows (read twice, the second
// time in order) took about 5.5 s per run, too slow for the eight runs a variant needs; so
// there is no xlsx variant either (an xlsx file stays small, and only more than 10,000 rows
// would send it to the in-file workers). Past the first 1,024 data rows (`INLINE_ROWS` in
// `ordered.rs`) the rows go to the workers in batches of 256: with `-j 2` and `-j 8` about six
// batches, finished out of order.

use common::ITEM_FIELDS;
use qingdan::model::field::Field;
use qingdan::pipeline::WORKER_MAX_BYTES;

/// Data rows of the generated list, each an item (some with defects); the title, blank lines,
/// the note, the repeated header and the footer come on top.
const BIG_ROWS: usize = 2_600;
/// The row (1-based, among the data rows) that belongs to another county: from it on, the
/// rows no longer agree on one jurisdiction, so damaged division codes are no longer restored.
/// It lies past the inline rows, so the rows around it are built on the workers.
const OTHER_COUNTY: usize = 1_900;

// Several batches past the inline rows, the other county's row among them.
const _: () = assert!(BIG_ROWS >= 2 * 1024 && OTHER_COUNTY > 1024 + 256 && OTHER_COUNTY + 1 < BIG_ROWS);

/// Agency credit codes (valid check characters) of 东河区 (150202), from examples/baotou.
const DONGHE_AGENCIES: [&str; 2] = ["11150202000000022N", "11150202000000023R"];
/// An agency credit code of 东河区 with a wrong check character (should end in K).
const BAD_CREDIT_CODE: &str = "11150202000000021A";
/// A valid agency credit code of 昆都仑区 (150203), from examples/baotou.
const KUNDULUN_AGENCY: &str = "111502030000000326";

/// What [`big_list`] planted, by row number as reports give it (rows of the file, blank lines
/// counted, a quoted multi-line cell one row), for asserting that a run found it.
#[derive(Debug, Default)]
struct Planted {
    /// The paragraphs of each row's 受理条件 ([`long_conditions`]).
    paragraphs: usize,
    /// The rows read as items, in order.
    items: Vec<usize>,
    /// Rows not read as items (QD008): the note, the repeated header, the two footer rows.
    skipped: Vec<usize>,
    /// Division codes shown as 1.50202E+11, restored from the rows before (QD015).
    repaired: Vec<usize>,
    /// Division codes shown as 1.50202E+11 without evidence to restore them (QD011): the first
    /// row (no rows before) and rows after the other county's row.
    damaged: Vec<usize>,
    /// Rows without 事项名称 (QD100).
    unnamed: Vec<usize>,
    /// Rows whose agency credit code has a wrong check character (QD101).
    bad_credit: Vec<usize>,
    /// Rows whose 行使层级 cannot be read (QD010).
    bad_level: Vec<usize>,
    /// Rows repeating the 实施编码 of the row before (QD103).
    duplicate_impl: Vec<usize>,
}

/// Quotes a CSV field when it needs it (a comma, a quote or a line break), doubling quotes.
fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_string() }
}

/// A CSV record of `values`, ended by CRLF as Excel writes it.
fn csv_record<S: AsRef<str>>(values: &[S]) -> String {
    let mut line = values.iter().map(|v| csv_field(v.as_ref())).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// The long 受理条件 of data row `i`: `paragraphs` paragraphs of about 90 characters whose
/// line breaks alternate `\n` and `\r\n`, with ASCII and full-width commas and quotes (`"` and
/// `""`) in the text.
fn long_conditions(i: usize, paragraphs: usize) -> String {
    let mut s = format!("申请第{i}项应当具备下列条件：");
    for p in 1..=paragraphs {
        s.push_str(if p % 2 == 0 { "\r\n" } else { "\n" });
        s.push_str(&format!(
            "{p}. 申请人具有与申请事项相适应的\"专业技术人员\"和管理制度, 场所、设备符合《建设工程质量管理条例》第{p}条, \
             已取得\"\"营业执照\"\"（副本）及相关资质证书，近三年内无重大违法违规记录；"
        ));
    }
    s
}

/// The text of a large implementation list of 东河区 whose file name will not say so (its
/// jurisdiction is learnt from its rows): a title row, the canonical header (with 序号),
/// [`BIG_ROWS`] data rows with long multi-line quoted cells ([`long_conditions`] of
/// `paragraphs` paragraphs: the file's size) and a blank line after every ninth,
/// a note row and a repeated header among them, a two-row footer; and planted defects,
/// including division codes Excel damaged (`Built::awaits_rows`: settled on the reading
/// thread in row order). Returns the text and what was planted.
fn big_list(paragraphs: usize) -> (String, Planted) {
    let mut p = Planted { paragraphs, ..Planted::default() };
    let mut header = vec!["序号"];
    header.extend(common::header(ITEM_FIELDS));
    let mut out = csv_record(&["政务服务事项实施清单（2024年版）"]);
    out.push_str(&csv_record(&header));
    // The row number of the next record: the title and the header are rows 1 and 2.
    let mut row_no = 3;
    let col = |f: Field| 1 + ITEM_FIELDS.iter().position(|x| *x == f).unwrap();
    let mut previous_impl = String::new();
    for i in 1..=BIG_ROWS {
        let agency = DONGHE_AGENCIES[i % 2];
        let basic = format!("{:09}000", 201_001 + i);
        let mut row: Vec<String> = vec![i.to_string()];
        for f in ITEM_FIELDS {
            row.push(match f {
                Field::Name => format!("第{i}项建设工程规划许可证核发"),
                Field::BasicCode => basic.clone(),
                Field::ImplCode => format!("{basic}-150202000000-000-{agency}-1-00"),
                Field::Department | Field::Agency => "东河区住房和城乡建设局".to_string(),
                Field::AgencyCode => agency.to_string(),
                Field::Conditions => long_conditions(i, paragraphs),
                Field::Process => "1.申请,\n2.受理,\r\n3.审查,\n4.决定".to_string(),
                _ => common::valid_value(*f).unwrap_or("").to_string(),
            });
        }
        // One defect of each kind every 400 rows.
        match i % 400 {
            3 => {
                row[col(Field::Name)].clear();
                p.unnamed.push(row_no);
            }
            7 => {
                row[col(Field::AgencyCode)] = BAD_CREDIT_CODE.to_string();
                p.bad_credit.push(row_no);
            }
            11 => {
                row[col(Field::Level)] = "片区".to_string();
                p.bad_level.push(row_no);
            }
            13 => {
                row[col(Field::ImplCode)] = previous_impl.clone();
                p.duplicate_impl.push(row_no);
            }
            _ => {}
        }
        if i == OTHER_COUNTY {
            row[col(Field::DivisionCode)] = "150203000000".to_string();
            row[col(Field::AgencyCode)] = KUNDULUN_AGENCY.to_string();
            row[col(Field::Department)] = "昆都仑区住房和城乡建设局".to_string();
            row[col(Field::Agency)] = "昆都仑区住房和城乡建设局".to_string();
        }
        // Excel's 1.50202E+11, on rows without another defect: restored while the rows before
        // agree on 150202000000 (the one just before the other county's row too), left damaged
        // on the first row (nothing before it) and after the other county's row (the one just
        // after it too).
        let other_defect = matches!(i % 400, 3 | 7 | 11 | 13);
        if i == 1 || (i % 97 == 5 && !other_defect) || i == OTHER_COUNTY - 1 || i == OTHER_COUNTY + 1 {
            row[col(Field::DivisionCode)] = "1.50202E+11".to_string();
            if i == 1 || i > OTHER_COUNTY { p.damaged.push(row_no) } else { p.repaired.push(row_no) }
        }
        previous_impl = row[col(Field::ImplCode)].clone();
        out.push_str(&csv_record(&row));
        p.items.push(row_no);
        row_no += 1;
        if i % 9 == 0 {
            out.push_str("\r\n");
            row_no += 1;
        }
        if i == 1_500 {
            out.push_str(&csv_record(&["注：带*号的为必填项，\"行使层级\"按实际填写", "", "", ""]));
            p.skipped.push(row_no);
            row_no += 1;
        }
        if i == 2_300 {
            out.push_str(&csv_record(&header));
            p.skipped.push(row_no);
            row_no += 1;
        }
    }
    out.push_str(&csv_record(&[format!("合计：共 {BIG_ROWS} 项")]));
    out.push_str(&csv_record(&["填报单位：某某局", "", "", "填报人：张三", "", "联系电话：0472-1234567"]));
    p.skipped.extend([row_no, row_no + 1]);
    (out, p)
}

/// `text` in GB18030. encoding_rs encodes CJK slowly without optimization (about 20 s for this
/// list in a debug build), so each distinct run of non-ASCII characters is encoded once:
/// GB18030 encodes character by character and leaves ASCII as it is, so the bytes are those
/// of encoding the whole text.
fn gb18030(text: &str) -> Vec<u8> {
    let mut cache: std::collections::HashMap<&str, Vec<u8>> = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        out.extend_from_slice(&rest.as_bytes()[..ascii]);
        let wide = rest[ascii..].bytes().position(|b| b.is_ascii()).map_or(rest.len(), |n| ascii + n);
        let run = &rest[ascii..wide];
        if !run.is_empty() {
            out.extend_from_slice(cache.entry(run).or_insert_with(|| {
                let (bytes, _, unmappable) = encoding_rs::GB18030.encode(run);
                assert!(!unmappable, "{run} has no GB18030 form");
                bytes.into_owned()
            }));
        }
        rest = &rest[wide..];
    }
    out
}

/// Where two outputs first differ: the line number and both lines (for a failure message).
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let (mut la, mut lb) = (a.lines(), b.lines());
    for n in 1.. {
        match (la.next(), lb.next()) {
            (None, None) => return "same lines (line endings differ)".to_string(),
            (x, y) if x != y => return format!("line {n}:\n  {x:?}\n  {y:?}"),
            _ => {}
        }
    }
    unreachable!()
}

/// Runs `args` with `-j 1`, `-j 2`, `-j 8` and with `QINGDAN_SEQUENTIAL=1` (for `check` the
/// plain single-threaded pipeline; `ingest` does not read it, so that run uses the default
/// thread count), and asserts the same exit status, stdout and stderr byte for byte. Returns
/// the `-j 1` run.
fn assert_same_for_every_thread_count(args: &[&str]) -> (i32, Vec<u8>, Vec<u8>) {
    let no_env = [("QINGDAN_SEQUENTIAL", "0")];
    let one = run(&[&["-j", "1"], args].concat(), &no_env);
    let others = [
        ("-j 2", run(&[&["-j", "2"], args].concat(), &no_env)),
        ("-j 8", run(&[&["-j", "8"], args].concat(), &no_env)),
        ("QINGDAN_SEQUENTIAL=1", run(args, &[("QINGDAN_SEQUENTIAL", "1")])),
    ];
    for (how, other) in others {
        assert_eq!(one.0, other.0, "{args:?} {how}: exit status differs from -j 1");
        assert!(one.1 == other.1, "{args:?} {how}: stdout differs from -j 1 at {}", first_difference(&one.1, &other.1));
        assert!(one.2 == other.2, "{args:?} {how}: stderr differs from -j 1 at {}", first_difference(&one.2, &other.2));
    }
    one
}

/// The rows of the findings of `rule` (on `field` when given) in a `check --format json` report.
fn rows_of(report: &serde_json::Value, rule: &str, field: Option<&str>) -> Vec<usize> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule && field.is_none_or(|field| f["field"] == field))
        .map(|f| f["row"].as_u64().unwrap() as usize)
        .collect()
}

/// Writes the list as `事项清单.csv` in its own folder under `dir` (a name that names no
/// jurisdiction), checks it and ingests it as NDJSON with every thread count, and asserts
/// that the outputs are identical and hold what was planted.
fn one_large_file_is_identical(dir: &Path, bytes: &[u8], planted: &Planted) {
    assert!(bytes.len() as u64 > WORKER_MAX_BYTES, "{} bytes: the file would be read on a per-file worker", bytes.len());
    let lists = dir.join("lists");
    std::fs::create_dir(&lists).unwrap();
    std::fs::write(lists.join("事项清单.csv"), bytes).unwrap();
    let lists = lists.to_str().unwrap();

    let (status, stdout, stderr) = assert_same_for_every_thread_count(&["check", lists, "--format", "json"]);
    assert_eq!(status, 1, "errors were planted: {}", String::from_utf8_lossy(&stderr));
    let report: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(report["summary"]["items"], planted.items.len(), "{:?}", report["summary"]);
    assert_eq!(rows_of(&report, "QD008", None), planted.skipped, "footer, note and repeated header skipped");
    assert_eq!(rows_of(&report, "QD015", Some("division_code")), planted.repaired, "damaged codes restored");
    assert_eq!(rows_of(&report, "QD011", Some("division_code")), planted.damaged, "damaged codes left");
    assert_eq!(rows_of(&report, "QD100", Some("name")), planted.unnamed);
    assert_eq!(rows_of(&report, "QD101", Some("agency_code")), planted.bad_credit);
    assert_eq!(rows_of(&report, "QD010", Some("level")), planted.bad_level);
    assert_eq!(rows_of(&report, "QD103", Some("impl_code")), planted.duplicate_impl);

    let (status, stdout, _) = assert_same_for_every_thread_count(&["ingest", lists, "--format", "ndjson"]);
    assert_eq!(status, 0);
    let items: Vec<serde_json::Value> =
        stdout.split(|b| *b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
    let rows: Vec<usize> = items.iter().map(|it| it["provenance"]["row"].as_u64().unwrap() as usize).collect();
    assert_eq!(rows, planted.items, "items in row order");
    for (i, item) in items.iter().enumerate() {
        let i = i + 1;
        // The multi-line quoted cell read whole, its CRLF breaks as LF.
        assert_eq!(item["conditions"], long_conditions(i, planted.paragraphs).replace("\r\n", "\n"), "row {}", rows[i - 1]);
        let restored = planted.repaired.contains(&rows[i - 1]);
        let expected = if planted.damaged.contains(&rows[i - 1]) {
            serde_json::Value::Null
        } else if i == OTHER_COUNTY {
            "150203000000".into()
        } else {
            "150202000000".into()
        };
        assert_eq!(item["division_code"], expected, "row {} (restored: {restored})", rows[i - 1]);
    }
}

/// The large list in UTF-8 with a BOM (about 9.3 MB).
#[test]
fn one_large_utf8_file_is_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (text, planted) = big_list(12);
    let bytes = [&[0xEF, 0xBB, 0xBF][..], text.as_bytes()].concat();
    one_large_file_is_identical(dir.path(), &bytes, &planted);
}

/// The large list in GB18030, read by detection, no `--encoding` (about 8.9 MB: two bytes a
/// character, so more paragraphs than in UTF-8).
#[test]
fn one_large_gb18030_file_is_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (text, planted) = big_list(17);
    one_large_file_is_identical(dir.path(), &gb18030(&text), &planted);
}

/// The shortcut in [`gb18030`] gives the bytes of encoding the whole text (checked on a small
/// text: encoding the large list whole takes about 20 s in a debug build).
#[test]
fn gb18030_by_runs_is_gb18030() {
    let text = "序号,事项名称\r\n1,\"第1项\n“许可”, 核发；€ 𠀀\"\r\n注：abc，def\r\n";
    assert_eq!(gb18030(text), encoding_rs::GB18030.encode(text).0.into_owned());
}

/// The large list in UTF-8 with two 事项名称 cells written in GBK (a department's stray field):
/// one among the first rows, decoded on the reading thread, one far past them, decoded on a
/// worker. Each is one QD010 at its cell, reported the same whatever the thread count.
#[test]
fn stray_gbk_fields_are_found_at_their_cells_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (text, planted) = big_list(12);
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    let mut rest = text.as_str();
    for i in [100, 1_700] {
        let name = format!("第{i}项建设工程规划许可证核发");
        let at = rest.find(&name).unwrap();
        bytes.extend_from_slice(&rest.as_bytes()[..at]);
        bytes.extend_from_slice(&encoding_rs::GB18030.encode(&name).0);
        rest = &rest[at + name.len()..];
    }
    bytes.extend_from_slice(rest.as_bytes());
    let lists = dir.path().join("lists");
    std::fs::create_dir(&lists).unwrap();
    std::fs::write(lists.join("事项清单.csv"), &bytes).unwrap();
    let (_, stdout, _) = assert_same_for_every_thread_count(&["check", lists.to_str().unwrap(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(rows_of(&report, "QD010", Some("name")), vec![planted.items[99], planted.items[1_699]]);
    assert_eq!(report["summary"]["items"], planted.items.len());
}
