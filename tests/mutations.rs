//! A mutation corpus: hundreds of broken files derived from a small valid xlsx and CSV (byte
//! flips, truncation at many offsets, zip entries removed, swapped, duplicated or garbled), and
//! the shapes of issue 16: shared-strings counts, xls DIMENSIONS, ODS repeats, YAML fan-out.
//! `qingdan check` must finish every one within a time bound and never panic.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use assert_cmd::Command;

/// The time bound for one file (a watchdog kills the process beyond it).
const BOUND: Duration = Duration::from_secs(10);

mod common;

use qingdan::model::field::Field;

/// The columns of the valid file the mutants derive from.
const FIELDS: [Field; 8] =
    [Field::Name, Field::BasicCode, Field::ImplCode, Field::ItemType, Field::Department, Field::Agency, Field::StatutoryLimit, Field::Fee];

/// A deterministic xorshift generator, so a failure names a reproducible mutant.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn valid_xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in common::header(&FIELDS).iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..3u32 {
        for (c, v) in common::valid_row(&FIELDS).iter().enumerate() {
            ws.write_string(r, c as u16, *v).unwrap();
        }
        ws.write_number(r, 8, 1.5e11).unwrap();
    }
    ws.merge_range(3, 0, 4, 2, "合并", &rust_xlsxwriter::Format::new()).unwrap();
    book.save_to_buffer().unwrap()
}

fn valid_csv() -> Vec<u8> {
    let mut s = common::header(&FIELDS).join(",");
    for _ in 0..3 {
        s.push('\n');
        s.push_str(&common::valid_row(&FIELDS).join(","));
    }
    s.push('\n');
    s.into_bytes()
}

fn rezip(entries: &[(String, Vec<u8>)], method: zip::CompressionMethod) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        // Duplicate names are refused by the writer; a suffix keeps the mutant going.
        if z.start_file(name.as_str(), opts).is_err() {
            z.start_file(format!("{name}.dup"), opts).unwrap();
        }
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// The corpus: (file name, bytes).
fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    let xlsx = valid_xlsx();
    let csv = valid_csv();
    let parts = common::zip_entries(&xlsx);
    let stored = rezip(&parts, zip::CompressionMethod::Stored);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // Truncation at many offsets.
    for i in 0..40 {
        let at = xlsx.len() * i / 40;
        out.push((format!("trunc-{at}.xlsx"), xlsx[..at].to_vec()));
    }
    for i in 0..20 {
        let at = stored.len() * i / 20;
        out.push((format!("trunc-stored-{at}.xlsx"), stored[..at].to_vec()));
    }
    for i in 0..12 {
        let at = csv.len() * i / 12;
        out.push((format!("trunc-{at}.csv"), csv[..at].to_vec()));
    }
    // Byte flips: single and bursts, in the deflated and the stored archive.
    for (tag, base) in [("deflated", &xlsx), ("stored", &stored)] {
        for k in 0..40 {
            let mut m = base.clone();
            let flips = if k % 4 == 0 { 8 } else { 1 };
            for _ in 0..flips {
                let at = rng.below(m.len());
                m[at] ^= 1 << rng.below(8);
            }
            out.push((format!("flip-{tag}-{k}.xlsx"), m));
        }
    }
    for k in 0..16 {
        let mut m = csv.clone();
        let at = rng.below(m.len());
        m[at] = [0x00, 0xFF, b'"', b'\r', b',', 0x80][k % 6];
        out.push((format!("flip-{k}.csv"), m));
    }
    // Stored archive with the XML text garbled at random places (calamine's parser sees it).
    for k in 0..16 {
        let mut ps = parts.clone();
        let i = rng.below(ps.len());
        let data = &mut ps[i].1;
        if !data.is_empty() {
            let at = rng.below(data.len());
            let junk: &[u8] = [&b"<"[..], b"\"", b"&#xFFFFFF;", b"<!--", b"]]>", b"\xFF\xFE", b"r=\"XFD1048577\""][k % 7];
            data.splice(at..at, junk.iter().copied());
        }
        out.push((format!("garble-{k}-{}.xlsx", ps[i].0.replace('/', "_")), rezip(&ps, zip::CompressionMethod::Stored)));
    }
    // Zip surgery: each entry removed, emptied, cut in half; neighbours swapped; duplicated.
    for i in 0..parts.len() {
        let tag = parts[i].0.replace('/', "_");
        let mut removed = parts.clone();
        removed.remove(i);
        out.push((format!("removed-{tag}.xlsx"), rezip(&removed, zip::CompressionMethod::Deflated)));
        let mut emptied = parts.clone();
        emptied[i].1.clear();
        out.push((format!("emptied-{tag}.xlsx"), rezip(&emptied, zip::CompressionMethod::Deflated)));
        let mut halved = parts.clone();
        let half = halved[i].1.len() / 2;
        halved[i].1.truncate(half);
        out.push((format!("halved-{tag}.xlsx"), rezip(&halved, zip::CompressionMethod::Deflated)));
        let j = (i + 1) % parts.len();
        let mut swapped = parts.clone();
        let (a, b) = (swapped[i].1.clone(), swapped[j].1.clone());
        swapped[i].1 = b;
        swapped[j].1 = a;
        out.push((format!("swapped-{tag}.xlsx"), rezip(&swapped, zip::CompressionMethod::Deflated)));
        let mut duplicated = parts.clone();
        duplicated.push(parts[i].clone());
        out.push((format!("dup-{tag}.xlsx"), rezip(&duplicated, zip::CompressionMethod::Deflated)));
    }
    // Legacy and open formats: an OLE .xls and an .ods from the ingest fixtures, when present.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest");
    for name in ["legacy.xls", "open.ods"] {
        let Ok(base) = std::fs::read(fixtures.join(name)) else { continue };
        for i in 0..12 {
            let at = base.len() * i / 12;
            out.push((format!("trunc-{at}-{name}"), base[..at].to_vec()));
        }
        for k in 0..24 {
            let mut m = base.clone();
            for _ in 0..(1 + k % 3) {
                let at = rng.below(m.len());
                m[at] = if k % 2 == 0 { m[at] ^ (1 << rng.below(8)) } else { [0x00, 0xFF, 0xFE, 0x01][k % 4] };
            }
            out.push((format!("flip-{k}-{name}"), m));
        }
    }
    // Declared counts calamine allocates for (issue 16): the shared-strings table's counts.
    for (k, count) in ["6000000000000", "18446744073709551616", "0", "-1", "abc", "4000", "1048577", ""].iter().enumerate() {
        let mut ps = parts.clone();
        if let Some(sst) = ps.iter_mut().find(|(n, _)| n == "xl/sharedStrings.xml") {
            let text = String::from_utf8_lossy(&sst.1).into_owned();
            let text = match (text.find("uniqueCount=\""), text.find(" count=\"")) {
                (Some(u), Some(c)) => {
                    let end = |at: usize| at + text[at..].find('"').unwrap();
                    let (u0, c0) = (u + "uniqueCount=\"".len(), c + " count=\"".len());
                    let (u1, c1) = (end(u0), end(c0));
                    let (first, second) = if c0 < u0 { ((c0, c1), (u0, u1)) } else { ((u0, u1), (c0, c1)) };
                    format!("{}{count}{}{count}{}", &text[..first.0], &text[first.1..second.0], &text[second.1..])
                }
                _ => text,
            };
            sst.1 = text.into_bytes();
        }
        out.push((format!("sst-count-{k}.xlsx"), rezip(&ps, zip::CompressionMethod::Deflated)));
    }
    // The xls DIMENSIONS record: absurd, inverted (calamine's arithmetic wraps) and short.
    if let Ok(xls) = std::fs::read(fixtures.join("legacy.xls"))
        && let Some(at) = xls.windows(4).position(|w| w == [0x00, 0x02, 0x0E, 0x00])
    {
        let shapes: [(u32, u32, u16, u16); 6] = [
            (0, u32::MAX, 0, u16::MAX),
            (10, 5, 0, 3),
            (0, 1 << 20, 0, 200),
            (0, 3, 300, 2),
            (u32::MAX, u32::MAX, 0, 0),
            (0, 65536, 0, 256),
        ];
        for (k, (rf, rl, cf, cl)) in shapes.iter().enumerate() {
            let mut m = xls.clone();
            m[at + 4..at + 8].copy_from_slice(&rf.to_le_bytes());
            m[at + 8..at + 12].copy_from_slice(&rl.to_le_bytes());
            m[at + 12..at + 14].copy_from_slice(&cf.to_le_bytes());
            m[at + 14..at + 16].copy_from_slice(&cl.to_le_bytes());
            out.push((format!("dims-{k}.xls"), m));
        }
        let mut short = xls.clone();
        short[at + 2] = 0x0A;
        out.push(("dims-short.xls".into(), short));
    }
    // ODS repetition: rows and columns repeated absurdly, in the first data row.
    if let Ok(ods) = std::fs::read(fixtures.join("open.ods")) {
        let ods_parts = common::zip_entries(&ods);
        let repeats = ["1000000", "4294967297", "99999999999999999999", "abc", "0", "-5", "1048576"];
        for (k, r) in repeats.iter().enumerate() {
            for (tag, attr, anchor) in [
                ("rows", "table:number-rows-repeated", "<table:table-row"),
                ("cols", "table:number-columns-repeated", "<table:table-cell office:value-type=\"string\""),
            ] {
                let mut ps = ods_parts.clone();
                if let Some(content) = ps.iter_mut().find(|(n, _)| n == "content.xml") {
                    let text = String::from_utf8_lossy(&content.1).into_owned();
                    // The second occurrence: a data row (or its first cell), not the header.
                    let first = text.find(anchor).map_or(0, |i| i + anchor.len());
                    if let Some(i) = text[first..].find(anchor) {
                        let at = first + i + anchor.len();
                        content.1 = format!("{} {attr}=\"{r}\"{}", &text[..at], &text[at..]).into_bytes();
                    }
                }
                out.push((format!("ods-{tag}-{k}.ods"), rezip(&ps, zip::CompressionMethod::Deflated)));
            }
        }
    }
    // Own-format YAML fan-out: anchored items aliased many times, nested, and aliased scalars.
    let item = |name: &str| format!("{{name: \"{name}\", provenance: {{file: a.csv, row: 2}}}}");
    for (k, (width, times)) in [(10_000usize, 100_000usize), (100, 20_000), (1, 200_000), (1000, 10)].iter().enumerate() {
        let mut y = format!("items:\n- &a {}\n", item(&"x".repeat(*width)));
        y.push_str(&"- *a\n".repeat(*times));
        out.push((format!("fan-{k}.yaml"), y.into_bytes()));
    }
    let mut nested = String::from("l0: &l0 [\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]\n");
    for i in 1..20 {
        nested.push_str(&format!("l{i}: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}]\n", p = i - 1));
    }
    nested.push_str("items: []\n");
    out.push(("fan-nested.yaml".into(), nested.into_bytes()));
    out.push((
        "fan-scalar.yaml".into(),
        format!("items:\n- {{name: &n \"{}\", provenance: {{file: *n, sheet: *n, row: 2}}}}\n", "y".repeat(50_000)).into_bytes(),
    ));
    // The same bytes under other workbook names.
    for (k, ext) in ["xls", "ods", "xlsb", "xlsm"].iter().enumerate() {
        out.push((format!("as-{k}.{ext}"), xlsx.clone()));
        out.push((format!("csv-as-{k}.{ext}"), csv.clone()));
        out.push((format!("trunc-as-{k}.{ext}"), xlsx[..xlsx.len() / 3].to_vec()));
    }
    out
}

fn run_one(dir: &Path, name: &str) -> Result<(), String> {
    let out = Command::cargo_bin("qingdan")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json", name])
        .timeout(BOUND)
        .output()
        .map_err(|e| format!("{name}: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        None => Err(format!("{name}: killed after {BOUND:?}")),
        Some(101) => Err(format!("{name}: exit 101: {stderr}")),
        Some(_) if stderr.contains("panicked") => Err(format!("{name}: panicked: {stderr}")),
        Some(c) if !(0..=2).contains(&c) => Err(format!("{name}: exit {c}")),
        Some(_) => {
            serde_json::from_slice::<serde_json::Value>(&out.stdout).map_err(|e| format!("{name}: output is not JSON: {e}"))?;
            Ok(())
        }
    }
}

#[test]
fn mutants_never_panic_or_hang() {
    let corpus = corpus();
    assert!(corpus.len() >= 200, "corpus has {} files", corpus.len());
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = corpus
        .iter()
        .map(|(name, bytes)| {
            std::fs::write(dir.path().join(name), bytes).unwrap();
            name.clone()
        })
        .collect();
    let next = Mutex::new(names.iter());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                loop {
                    let Some(name) = next.lock().unwrap().next() else { break };
                    if let Err(e) = run_one(dir.path(), name) {
                        failures.lock().unwrap().push(e);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    if !failures.is_empty() {
        // Keep the failing mutants for a look.
        let keep = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mutants");
        let _ = std::fs::create_dir_all(&keep);
        for (name, bytes) in &corpus {
            if failures.iter().any(|f| f.starts_with(&format!("{name}:"))) {
                let _ = std::fs::write(keep.join(name), bytes);
            }
        }
        panic!("{} of {} mutants failed (kept in {}):\n{}", failures.len(), corpus.len(), keep.display(), failures.join("\n"));
    }
}
