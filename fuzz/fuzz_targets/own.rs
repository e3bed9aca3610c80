//! Fuzzes reading qingdan's own format back (YAML, JSON, NDJSON) through `ingest::Reader`, as
//! `check` does: the bytes are written to a temporary file named by the first byte's choice of
//! extension. Alias fan-out, deep nesting and absurd sizes must cost a finding, not memory.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use qingdan::config::Limits;
use qingdan::ingest::{Options, Reader};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else { return };
    let ext = ["yaml", "json", "ndjson"][mode as usize % 3];
    let mut f = tempfile::Builder::new().suffix(&format!(".{ext}")).tempfile().unwrap();
    f.write_all(body).unwrap();
    f.flush().unwrap();
    let opts = Options { limits: Limits { max_uncompressed_mib: 16, max_rows: 1000, ..Limits::default() }, ..Options::default() };
    let mut reader = Reader::new(opts);
    let mut events = 0usize;
    reader.read_file(f.path(), "fuzz", &mut |_| events += 1);
});
