//! Fuzzes header detection: the input is split into rows (newlines) and cells (tabs or `|`).
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use qingdan::ingest::headers::{HeaderDictionary, detect};
use qingdan::ingest::table::{Cell, Row};

fuzz_target!(|s: &str| {
    let rows: Vec<Row> = s
        .split('\n')
        .take(64)
        .enumerate()
        .map(|(i, line)| Row {
            number: i as u32 + 1,
            cells: line.split(['\t', '|']).take(256).map(|c| if c.is_empty() { Cell::Empty } else { Cell::Text(c.to_string()) }).collect(),
        })
        .collect();
    let dict = HeaderDictionary::new(&BTreeMap::new());
    let _ = detect(&rows, &dict);
});
