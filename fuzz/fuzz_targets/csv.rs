//! Fuzzes CSV decoding: the bytes are written to a file and read with `ingest::csv::read`.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use qingdan::ingest::csv::{CsvEncoding, CsvLimits, read};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else { return };
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(body).unwrap();
    let enc = match mode % 3 {
        0 => CsvEncoding::Auto,
        1 => CsvEncoding::Utf8,
        _ => CsvEncoding::Gb18030,
    };
    let mut issues = Vec::new();
    let mut rows = 0usize;
    // Small limits exercise cutting fields (and inside multi-byte characters) and stopping at
    // a row or column past the limit.
    let limits = CsvLimits { max_field: 1 + (mode as usize) * 4, max_rows: 1 + u64::from(mode % 7) * 3, max_columns: 1 + u64::from(mode % 5) };
    let _ = read(f.path(), enc, &limits, &mut |_| rows += 1, &mut issues);
});
