//! CSV in UTF-8 (with or without BOM), GB18030/GBK, or UTF-16 with BOM; detected from the
//! bytes unless `--encoding` says. Records are parsed as bytes and decoded field by field, so a
//! GB18030 file is never transcoded as a whole and a stray byte costs one finding, not the file.

use std::fs::File;
use std::io::Read;
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
    if utf8_dominates(head) { (UTF_8, 0) } else { (GB18030, 0) }
}

/// Whether the sample reads as UTF-8, allowing a few stray fields in another encoding: valid
/// multi-byte characters must outnumber invalid sequences (a GBK file has almost none of the
/// former). A sample cut inside a character at its end is not held against it. Mixed files are
/// read as UTF-8 because a GBK field in UTF-8 is detected and decoded field by field, whereas
/// UTF-8 read as GB18030 turns silently into other characters.
fn utf8_dominates(mut s: &[u8]) -> bool {
    // Valid throughout, or cut inside a character at the end: UTF-8, without counting.
    match simdutf8::compat::from_utf8(s) {
        Ok(_) => return true,
        Err(e) if e.error_len().is_none() => return true,
        Err(_) => {}
    }
    let non_ascii = |v: &[u8]| std::str::from_utf8(v).map_or(0, |t| t.chars().filter(|c| !c.is_ascii()).count());
    let (mut good, mut bad) = (0usize, 0usize);
    loop {
        match std::str::from_utf8(s) {
            Ok(t) => {
                good += t.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (valid, rest) = s.split_at(e.valid_up_to());
                good += non_ascii(valid);
                match e.error_len() {
                    None => break,
                    Some(n) => {
                        bad += 1;
                        s = &rest[n.min(rest.len())..];
                    }
                }
            }
        }
    }
    bad == 0 || good > bad
}

/// The default per-field limit for CSV (a longer field is cut and reported); the configured
/// `limits.max_field_kib` is passed to [`read`].
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// Reads a CSV file and calls `on_row` for every record, with 1-based record numbers. A field
/// longer than `max_field` bytes is cut and reported.
pub fn read(
    path: &Path,
    forced: CsvEncoding,
    max_field: usize,
    on_row: &mut dyn FnMut(Row),
    issues: &mut Vec<CsvIssue>,
) -> std::io::Result<()> {
    // No BufReader: the csv reader has its own buffer, and a second one only copies bytes twice.
    let mut file = File::open(path)?;
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
        return parse(text.as_bytes(), UTF_8, max_field, on_row, issues);
    }
    let delim = sniff_delimiter(&body);
    let reader = std::io::Cursor::new(body).chain(file);
    parse_with(reader, enc, delim, max_field, on_row, issues)
}

fn parse(
    bytes: &[u8],
    enc: &'static Encoding,
    max_field: usize,
    on_row: &mut dyn FnMut(Row),
    issues: &mut Vec<CsvIssue>,
) -> std::io::Result<()> {
    let delim = sniff_delimiter(bytes);
    parse_with(bytes, enc, delim, max_field, on_row, issues)
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
    max_field: usize,
    on_row: &mut dyn FnMut(Row),
    issues: &mut Vec<CsvIssue>,
) -> std::io::Result<()> {
    let breaks = LineBreaks::default();
    let tap = Tap { inner: reader, offset: 0, seen: breaks.clone() };
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).buffer_capacity(1 << 16).from_reader(tap);
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
        // The csv crate skips blank lines, and its line count differs between LF, CRLF and CR
        // files; a person sees blank lines as rows and a quoted multi-line field as one row, so
        // the row advances by the line breaks just before the record (its predecessor's end and
        // any blank lines).
        let start = rec.position().map_or(0, |p| p.byte());
        let gap = breaks.gap_before(start);
        number = if number == 0 { 1 + gap } else { number.saturating_add(gap.max(1)) };
        let mut cells = Vec::with_capacity(rec.len());
        for (col, field) in rec.iter().enumerate() {
            let field = if field.len() > max_field {
                issues.push(CsvIssue::TooLong { row: number, column: col as u32, len: field.len() });
                // Cut UTF-8 at a character boundary, so the cut alone is no encoding issue.
                let mut end = max_field;
                while enc == UTF_8 && end > 0 && max_field - end < 3 && (field[end] & 0xC0) == 0x80 {
                    end -= 1;
                }
                &field[..end]
            } else {
                field
            };
            if field.is_empty() || field == b"\0" {
                cells.push(Cell::Empty);
                continue;
            }
            let text = if enc == UTF_8 {
                match simdutf8::basic::from_utf8(field) {
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
            // NUL bytes (garbage from broken exports) never reach a value.
            let text = if memchr::memchr(0, text.as_bytes()).is_some() { text.replace('\0', "") } else { text };
            cells.push(Cell::Text(text));
        }
        on_row(Row { number, cells });
    }
    Ok(())
}

/// The CR and LF bytes read so far, by offset, shared between [`Tap`] and the record loop.
#[derive(Debug, Default, Clone)]
struct LineBreaks(std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<(u64, u8)>>>);

impl LineBreaks {
    /// The line breaks in the run of CR/LF bytes that ends where the record starting at (or
    /// after the CR/LF bytes at) `start` has its first byte; earlier entries are dropped.
    fn gap_before(&self, start: u64) -> u32 {
        let mut seen = self.0.borrow_mut();
        let mut run: Vec<u8> = Vec::new();
        let mut last: Option<u64> = None;
        let mut cursor = start;
        while let Some(&(offset, byte)) = seen.front() {
            if offset < start || offset == cursor {
                if offset == cursor {
                    cursor += 1;
                }
                if last.is_none_or(|l| l + 1 != offset) {
                    run.clear();
                }
                run.push(byte);
                last = Some(offset);
                seen.pop_front();
            } else {
                break;
            }
        }
        // Only a run that touches the record's first byte separates it from its predecessor.
        if last.is_none_or(|l| l + 1 != cursor) {
            return 0;
        }
        let lone_cr = |i: usize| run[i] == b'\r' && run.get(i + 1) != Some(&b'\n');
        (0..run.len()).filter(|&i| run[i] == b'\n' || lone_cr(i)).count().min(u32::MAX as usize) as u32
    }
}

/// A reader that notes the offset of every CR and LF byte passing through.
struct Tap<R> {
    inner: R,
    offset: u64,
    seen: LineBreaks,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut seen = self.seen.0.borrow_mut();
        for i in memchr::memchr2_iter(b'\r', b'\n', &buf[..n]) {
            seen.push_back((self.offset + i as u64, buf[i]));
        }
        self.offset += n as u64;
        Ok(n)
    }
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
        // A UTF-8 file with one GBK field is UTF-8 (the field is decoded on its own).
        let mut mixed = "事项名称,实施编码,主管部门\n".as_bytes().to_vec();
        mixed.extend_from_slice(&GB18030.encode("许可").0);
        assert_eq!(detect(&mixed).0, UTF_8);
        let (long_gbk, _, _) = GB18030.encode("建筑工程施工许可证核发,东河区住房和城乡建设局,行政许可,受理条件");
        assert_eq!(detect(&long_gbk).0, GB18030);
    }

    #[test]
    fn rows_count_blank_lines_whatever_the_line_ends() {
        let rows = |data: &[u8]| {
            let mut v = Vec::new();
            parse(data, UTF_8, MAX_FIELD_BYTES, &mut |r| v.push(r.number), &mut Vec::new()).unwrap();
            v
        };
        for data in [&b"h\na\n\nb\n"[..], b"h\r\na\r\n\r\nb\r\n", b"h\ra\r\rb\r", b"h\na\n\nb"] {
            assert_eq!(rows(data), [1, 2, 4], "{data:?}");
        }
        assert_eq!(rows(b"\n\nh\n\"a\nx\"\n\nb\n"), [3, 4, 6]);
        assert_eq!(rows(b"h\n\"a\r\n\r\nx\"\r\nb"), [1, 2, 3]);
    }
}
