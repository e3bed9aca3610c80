//! CSV in UTF-8 (with or without BOM), GB18030/GBK, or UTF-16 with BOM; detected from the
//! bytes unless `--encoding` says. Records are parsed as bytes and decoded field by field, so a
//! GB18030 file is never transcoded as a whole and a stray byte costs one finding, not the file.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

use super::table::{Cell, Row};

/// A CSV encoding choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvEncoding {
    /// Detect from the bytes.
    Auto,
    /// UTF-8.
    Utf8,
    /// GB18030 (a superset of GBK and GB2312).
    Gb18030,
}

/// A problem with one field of a CSV record, reported as a finding by the caller.
#[derive(Debug, Clone, PartialEq)]
pub enum CsvIssue {
    /// The field was not valid in the file's encoding; decoded as GB18030 or with replacements.
    Encoding { row: u32, column: u32 },
    /// The field is longer than the limit; it was cut.
    TooLong { row: u32, column: u32, len: usize },
}

/// Detects the encoding from the first bytes.
pub fn detect(head: &[u8]) -> (&'static Encoding, usize) {
    if let Some((enc, bom)) = Encoding::for_bom(head) {
        return (enc, bom);
    }
    match std::str::from_utf8(head) {
        Ok(_) => (UTF_8, 0),
        // A valid prefix cut inside a multi-byte character at the end of the sample is UTF-8.
        Err(e) if e.error_len().is_none() => (UTF_8, 0),
        Err(_) => (GB18030, 0),
    }
}

/// The per-field limit for CSV (a longer field is cut and reported).
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// Reads a CSV file and calls `on_row` for every record, with 1-based record numbers.
pub fn read(path: &Path, forced: CsvEncoding, on_row: &mut dyn FnMut(Row), issues: &mut Vec<CsvIssue>) -> std::io::Result<()> {
    let mut file = BufReader::with_capacity(1 << 16, File::open(path)?);
    let mut head = vec![0u8; 64 * 1024];
    let mut n = 0;
    while n < head.len() {
        let k = file.read(&mut head[n..])?;
        if k == 0 {
            break;
        }
        n += k;
    }
    head.truncate(n);
    let (mut enc, bom) = detect(&head);
    match forced {
        CsvEncoding::Utf8 => enc = UTF_8,
        CsvEncoding::Gb18030 => enc = GB18030,
        CsvEncoding::Auto => {}
    }
    let body = head[bom.min(head.len())..].to_vec();
    if enc == UTF_16LE || enc == UTF_16BE {
        let mut rest = Vec::new();
        file.read_to_end(&mut rest)?;
        let mut all = body;
        all.extend_from_slice(&rest);
        let (text, _) = enc.decode_without_bom_handling(&all);
        return parse(text.as_bytes(), UTF_8, on_row, issues);
    }
    let delim = sniff_delimiter(&body);
    let reader = std::io::Cursor::new(body).chain(file);
    parse_with(reader, enc, delim, on_row, issues)
}

fn parse(bytes: &[u8], enc: &'static Encoding, on_row: &mut dyn FnMut(Row), issues: &mut Vec<CsvIssue>) -> std::io::Result<()> {
    let delim = sniff_delimiter(bytes);
    parse_with(bytes, enc, delim, on_row, issues)
}

fn sniff_delimiter(head: &[u8]) -> u8 {
    let first = head.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let count = |d: u8| first.iter().filter(|b| **b == d).count();
    let (commas, tabs, semis) = (count(b','), count(b'\t'), count(b';'));
    if tabs > commas && tabs >= semis {
        b'\t'
    } else if semis > commas {
        b';'
    } else {
        b','
    }
}

fn parse_with<R: Read>(
    reader: R,
    enc: &'static Encoding,
    delim: u8,
    on_row: &mut dyn FnMut(Row),
    issues: &mut Vec<CsvIssue>,
) -> std::io::Result<()> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).buffer_capacity(1 << 16).from_reader(reader);
    let mut rec = csv::ByteRecord::new();
    let mut number = 0u32;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(_) => return Err(std::io::Error::other(e.to_string())),
                _ => continue,
            },
        }
        number += 1;
        let mut cells = Vec::with_capacity(rec.len());
        for (col, field) in rec.iter().enumerate() {
            let field = if field.len() > MAX_FIELD_BYTES {
                issues.push(CsvIssue::TooLong { row: number, column: col as u32, len: field.len() });
                &field[..MAX_FIELD_BYTES]
            } else {
                field
            };
            if field.is_empty() {
                cells.push(Cell::Empty);
                continue;
            }
            let text = if enc == UTF_8 {
                match std::str::from_utf8(field) {
                    Ok(s) => s.to_string(),
                    Err(_) => {
                        // Mixed encodings: a GBK field inside a UTF-8 file.
                        issues.push(CsvIssue::Encoding { row: number, column: col as u32 });
                        GB18030.decode_without_bom_handling(field).0.into_owned()
                    }
                }
            } else {
                let (s, had_errors) = enc.decode_without_bom_handling(field);
                if had_errors {
                    issues.push(CsvIssue::Encoding { row: number, column: col as u32 });
                }
                s.into_owned()
            };
            cells.push(Cell::Text(text));
        }
        on_row(Row { number, cells });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_encodings() {
        assert_eq!(detect(b"\xEF\xBB\xBFa,b").0, UTF_8);
        assert_eq!(detect(b"\xEF\xBB\xBFa,b").1, 3);
        assert_eq!(detect("事项名称".as_bytes()).0, UTF_8);
        let (gbk, _, _) = GB18030.encode("事项名称,实施编码");
        assert_eq!(detect(&gbk).0, GB18030);
        // UTF-8 cut in the middle of a character at the end of the sample.
        let s = "事项名称".as_bytes();
        assert_eq!(detect(&s[..s.len() - 1]).0, UTF_8);
    }
}
