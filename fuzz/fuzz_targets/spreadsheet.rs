//! Fuzzes the workbook pre-check and opener: the bytes are written to a file named by the first
//! byte's choice of extension, checked with `ingest::limits::check_workbook` and, when it
//! passes, read with `ingest::spreadsheet::read` under `ingest::limits::guarded`, as qingdan
//! does (a reader panic becomes a finding; hangs and runaway memory are still caught here).
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use qingdan::config::Limits;
use qingdan::ingest::limits::{Verdict, check_workbook, guarded};
use qingdan::ingest::spreadsheet::{SheetVisitor, read};
use qingdan::ingest::table::Row;

struct Count(usize);

impl SheetVisitor for Count {
    fn begin_sheet(&mut self, _name: &str) {}
    fn row(&mut self, row: Row) {
        self.0 += row.cells.len();
    }
    fn end_sheet(&mut self, _error: Option<qingdan::i18n::Reason>) {}
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else { return };
    let ext = ["xlsx", "xls", "ods", "xlsb"][mode as usize % 4];
    let mut f = tempfile::Builder::new().suffix(&format!(".{ext}")).tempfile().unwrap();
    f.write_all(body).unwrap();
    f.flush().unwrap();
    let limits = Limits { max_uncompressed_mib: 64, max_rows: 5000, max_columns: 200, ..Limits::default() };
    if let Ok(Verdict::Workbook { merges }) = check_workbook(f.path(), &limits) {
        let _ = guarded(|| read(f.path(), merges, &limits, &mut Count(0)).map_err(qingdan::i18n::Reason::Other));
    }
});
