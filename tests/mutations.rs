//! A mutation corpus: hundreds of broken files derived from a small valid xlsx and CSV (byte
//! flips, truncation at many offsets, zip entries removed, swapped, duplicated or garbled).
//! `qingdan check` must finish every one within a time bound and never panic.

use std::io::{Read, Write};
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

/// The entries of a zip, in order.
fn entries(zip_bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut e = z.by_index(i).unwrap();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            (e.name().unwrap().to_string(), data)
        })
        .collect()
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
    let parts = entries(&xlsx);
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
