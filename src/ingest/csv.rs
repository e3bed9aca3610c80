//! CSV in UTF-8 (with or without BOM), GB18030/GBK, or UTF-16 with BOM; detected from the
//! bytes unless `--encoding` says. Records are parsed as bytes and decoded field by field, so a
//! GB18030 file is never transcoded as a whole and a stray byte costs one finding, not the file.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

use super::table::{Cell, Row};
use crate::i18n::Reason;

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
/// `limits.max_field_kib` is passed to [`read`] in [`CsvLimits`].
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// The limits a CSV file is read within, enforced while reading: a field is cut at
/// `max_field` bytes without the rest being held, and reading stops (with a reason for a
/// QD001 finding) at a row beyond `max_rows` or a value beyond column `max_columns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvLimits {
    /// The most bytes kept of one field.
    pub max_field: usize,
    /// The last row number read.
    pub max_rows: u64,
    /// The last column read; empty fields past it are ignored.
    pub max_columns: u64,
}

impl CsvLimits {
    /// The limits of a config.
    pub fn from_config(limits: &crate::config::Limits) -> CsvLimits {
        CsvLimits {
            max_field: usize::try_from(limits.max_field_kib.saturating_mul(1024)).unwrap_or(usize::MAX),
            max_rows: limits.max_rows,
            max_columns: limits.max_columns,
        }
    }

    /// The default limits with another field limit (for tests and fuzzing).
    pub fn with_field(max_field: usize) -> CsvLimits {
        CsvLimits { max_field, ..CsvLimits::from_config(&crate::config::Limits::default()) }
    }
}

/// Reads a CSV file and calls `on_row` for every record, with 1-based record numbers. A field
/// longer than `limits.max_field` bytes is cut and reported in `issues`; `Err` is why reading
/// stopped (an I/O error, or a row or column beyond the limits), after the rows before it.
pub fn read(
    path: &Path,
    forced: CsvEncoding,
    limits: &CsvLimits,
    on_row: &mut dyn FnMut(Row),
    issues: &mut Vec<CsvIssue>,
) -> Result<(), Reason> {
    read_raw(path, forced, limits, &mut |raw, decoder| on_row(decoder.decode(&raw, issues)))
}

/// One record as split from the file, its fields not yet decoded (see [`Decoder`]): splitting
/// is the only sequential part of reading a CSV file, so decoding can happen on another thread.
pub struct RawRow {
    /// The 1-based row number a person sees (blank lines counted).
    pub number: u32,
    rec: Record,
}

/// Decodes the fields of a [`RawRow`] in the file's encoding, cutting fields longer than the
/// limit (at a character boundary in UTF-8) and noting encoding problems.
#[derive(Debug, Clone, Copy)]
pub struct Decoder {
    enc: &'static Encoding,
    max_field: usize,
}

impl Decoder {
    /// The row's cells; problems with its fields are added to `issues`.
    pub fn decode(&self, raw: &RawRow, issues: &mut Vec<CsvIssue>) -> Row {
        decode_record(&raw.rec, raw.number, self.enc, self.max_field, issues)
    }
}

/// Reads a CSV file like [`read`], handing over each record undecoded with its decoder.
pub fn read_raw(path: &Path, forced: CsvEncoding, limits: &CsvLimits, on_record: &mut dyn FnMut(RawRow, Decoder)) -> Result<(), Reason> {
    let io = |e: std::io::Error| Reason::from_io(&e);
    // No BufReader: records are parsed from a buffer of our own.
    let mut file = File::open(path).map_err(io)?;
    let mut head = vec![0u8; 64 * 1024];
    let mut n = 0;
    while n < head.len() {
        let k = file.read(&mut head[n..]).map_err(io)?;
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
        // Decoded to UTF-8 as it streams, never as a whole.
        let delim = sniff_delimiter(enc.decode_without_bom_handling(&body).0.as_bytes());
        let reader = Transcoder::new(std::io::Cursor::new(body).chain(file), enc);
        return parse_raw(reader, UTF_8, delim, limits, on_record);
    }
    let delim = sniff_delimiter(&body);
    let reader = std::io::Cursor::new(body).chain(file);
    parse_raw(reader, enc, delim, limits, on_record)
}

#[cfg(test)]
fn parse(
    bytes: &[u8],
    enc: &'static Encoding,
    limits: &CsvLimits,
    on_row: &mut dyn FnMut(Row),
    issues: &mut Vec<CsvIssue>,
) -> Result<(), Reason> {
    let delim = sniff_delimiter(bytes);
    parse_with(bytes, enc, delim, limits, on_row, issues)
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

/// The line breaks in the run of CR and LF bytes read last: a person sees blank lines as
/// rows, and CRLF, LF and a lone CR each end one line. Constant memory whatever the run's
/// length.
#[derive(Debug, Default, Clone, Copy)]
struct Run {
    breaks: u64,
    pending_cr: bool,
}

impl Run {
    fn push(&mut self, b: u8) {
        match b {
            b'\r' => {
                if self.pending_cr {
                    self.breaks += 1;
                }
                self.pending_cr = true;
            }
            b'\n' => {
                self.breaks += 1;
                self.pending_cr = false;
            }
            _ => *self = Run::default(),
        }
    }

    /// Feeds bytes consumed by the parser: only the CR/LF bytes after the last other byte count.
    fn feed(&mut self, bytes: &[u8]) {
        let tail = match bytes.iter().rposition(|b| !matches!(b, b'\r' | b'\n')) {
            Some(at) => {
                *self = Run::default();
                &bytes[at + 1..]
            }
            None => bytes,
        };
        for &b in tail {
            self.push(b);
        }
    }

    fn count(&self) -> u64 {
        self.breaks + u64::from(self.pending_cr)
    }
}

/// One record being read: its fields' bytes (each cut at the field limit) and their ends.
#[derive(Default)]
struct Record {
    /// The record's fields, each cut at the field limit (plus three bytes, to cut UTF-8 at a
    /// character boundary later).
    bytes: Vec<u8>,
    /// (end offset in `bytes`, the field's full length, its 0-based column).
    fields: Vec<(usize, usize, u32)>,
    /// The current field's full length so far.
    len: usize,
    /// The current field's column.
    column: u64,
}

impl Record {
    /// Takes bytes of the current field: kept up to the limit, counted beyond it. A value
    /// past the last column read stops reading.
    fn take(&mut self, seg: &[u8], max_field: usize, limits: &CsvLimits, row: u64) -> Result<(), Reason> {
        if seg.is_empty() {
            return Ok(());
        }
        if self.column >= limits.max_columns {
            return Err(Reason::ColumnLimit { row, columns: self.column + 1, limit: limits.max_columns });
        }
        let kept = self.bytes.len() - self.fields.last().map_or(0, |f| f.0);
        let room = max_field.saturating_add(3).saturating_sub(kept);
        self.bytes.extend_from_slice(&seg[..seg.len().min(room)]);
        self.len = self.len.saturating_add(seg.len());
        Ok(())
    }

    /// Ends the current field.
    fn end_field(&mut self, limits: &CsvLimits) {
        if self.column < limits.max_columns {
            self.fields.push((self.bytes.len(), self.len, self.column as u32));
        }
        self.len = 0;
        self.column += 1;
    }

    /// An empty record with room for `bytes` bytes in `fields` fields.
    fn with_room(bytes: usize, fields: usize) -> Record {
        Record { bytes: Vec::with_capacity(bytes + bytes / 4 + 64), fields: Vec::with_capacity(fields), len: 0, column: 0 }
    }
}

/// Where the splitter is inside a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field: a quote here opens a quoted field.
    StartField,
    /// In an unquoted field (quotes are plain characters), or after a quoted field's closing
    /// quote (what follows it up to the delimiter is kept as written).
    InField,
    /// In a quoted field: delimiters and line breaks are part of the value.
    InQuoted,
    /// Just after a quote in a quoted field: a second quote is one literal quote.
    QuoteInQuoted,
}

/// Splits records into fields, RFC 4180 with the csv crate's reading of irregular input
/// (CRLF, LF or a lone CR ends a record; `""` in a quoted field is one quote; text after a
/// closing quote is kept; an unterminated quote runs to the end of the file). Searches for the
/// next special byte with `memchr` instead of stepping a byte at a time, so long CJK texts
/// cost little more than copying them.
struct Splitter {
    delim: u8,
    state: State,
}

impl Splitter {
    fn new(delim: u8) -> Splitter {
        Splitter { delim, state: State::StartField }
    }

    /// Reads `input` into `rec` until the record ends (`true`, with the bytes consumed,
    /// including the byte that ended it) or the input runs out (`false`, all consumed).
    fn split(&mut self, input: &[u8], rec: &mut Record, limits: &CsvLimits, row: u64) -> Result<(usize, bool), Reason> {
        let max_field = limits.max_field;
        let mut i = 0;
        while i < input.len() {
            match self.state {
                State::StartField => {
                    if input[i] == b'"' {
                        i += 1;
                        self.state = State::InQuoted;
                    } else {
                        self.state = State::InField;
                    }
                }
                State::InField => match memchr::memchr3(self.delim, b'\n', b'\r', &input[i..]) {
                    None => {
                        rec.take(&input[i..], max_field, limits, row)?;
                        i = input.len();
                    }
                    Some(k) => {
                        rec.take(&input[i..i + k], max_field, limits, row)?;
                        let b = input[i + k];
                        i += k + 1;
                        rec.end_field(limits);
                        self.state = State::StartField;
                        if b != self.delim {
                            return Ok((i, true));
                        }
                    }
                },
                State::InQuoted => match memchr::memchr(b'"', &input[i..]) {
                    None => {
                        rec.take(&input[i..], max_field, limits, row)?;
                        i = input.len();
                    }
                    Some(k) => {
                        rec.take(&input[i..i + k], max_field, limits, row)?;
                        i += k + 1;
                        self.state = State::QuoteInQuoted;
                    }
                },
                State::QuoteInQuoted => {
                    if input[i] == b'"' {
                        rec.take(b"\"", max_field, limits, row)?;
                        i += 1;
                        self.state = State::InQuoted;
                    } else {
                        self.state = State::InField;
                    }
                }
            }
        }
        Ok((i, false))
    }

    /// Ends the record at the end of the file.
    fn finish(&mut self, rec: &mut Record, limits: &CsvLimits) {
        rec.end_field(limits);
        self.state = State::StartField;
    }
}

#[cfg(test)]
fn parse_with<R: Read>(
    reader: R,
    enc: &'static Encoding,
    delim: u8,
    limits: &CsvLimits,
    on_row: &mut dyn FnMut(Row),
    issues: &mut Vec<CsvIssue>,
) -> Result<(), Reason> {
    parse_raw(reader, enc, delim, limits, &mut |raw, decoder| on_row(decoder.decode(&raw, issues)))
}

fn parse_raw<R: Read>(
    mut reader: R,
    enc: &'static Encoding,
    delim: u8,
    limits: &CsvLimits,
    on_record: &mut dyn FnMut(RawRow, Decoder),
) -> Result<(), Reason> {
    let decoder = Decoder { enc, max_field: limits.max_field };
    // Each record is handed over whole; the next one starts with room for as much.
    let mut hand_over = |rec: &mut Record, number: u64| {
        let room = Record::with_room(rec.bytes.len(), rec.fields.len());
        on_record(RawRow { number: u32::try_from(number).unwrap_or(u32::MAX), rec: std::mem::replace(rec, room) }, decoder);
    };
    let io = |e: std::io::Error| Reason::from_io(&e);
    let mut splitter = Splitter::new(delim);
    let mut input = vec![0u8; 1 << 16];
    let (mut start, mut end, mut eof) = (0usize, 0usize, false);
    let mut run = Run::default();
    let mut number = 0u64;
    let mut at_record_start = true;
    let mut rec = Record::default();
    loop {
        if start == end && !eof {
            end = loop {
                match reader.read(&mut input) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(io(e)),
                }
            };
            start = 0;
            eof = end == 0;
        }
        if at_record_start {
            // Blank lines (and the previous record's line end) before the record: counted here,
            // never handed to the splitter, never held.
            while start < end && matches!(input[start], b'\r' | b'\n') {
                run.push(input[start]);
                start += 1;
            }
            if start == end {
                if eof {
                    return Ok(());
                }
                continue;
            }
            let gap = run.count();
            number = if number == 0 { 1 + gap } else { number.saturating_add(gap.max(1)) };
            if number > limits.max_rows {
                return Err(Reason::RowLimit { row: number, limit: limits.max_rows });
            }
            at_record_start = false;
        }
        if start == end && eof {
            // The last record has no line end.
            splitter.finish(&mut rec, limits);
            hand_over(&mut rec, number);
            return Ok(());
        }
        let (used, ended) = splitter.split(&input[start..end], &mut rec, limits, number)?;
        run.feed(&input[start..start + used]);
        start += used;
        if ended {
            hand_over(&mut rec, number);
            at_record_start = true;
        }
    }
}

/// Decodes a record's fields into a row, cutting fields longer than `max_field` (at a
/// character boundary in UTF-8) and noting encoding problems.
fn decode_record(rec: &Record, number: u32, enc: &'static Encoding, max_field: usize, issues: &mut Vec<CsvIssue>) -> Row {
    let mut cells = Vec::with_capacity(rec.fields.len());
    // When the record's bytes are UTF-8 as a whole, no field was cut and every field starts
    // at a character boundary, every field is UTF-8: one validation for the record instead of
    // one per field (most fields are short, where a validation costs most per byte).
    let whole = if enc == UTF_8 && rec.fields.iter().all(|&(_, len, _)| len <= max_field) {
        simdutf8::basic::from_utf8(&rec.bytes).ok().filter(|w| rec.fields.iter().all(|&(to, _, _)| w.is_char_boundary(to)))
    } else {
        None
    };
    let mut from = 0;
    for &(to, len, col) in &rec.fields {
        let start = from;
        let field = &rec.bytes[from..to];
        from = to;
        let field = if len > max_field {
            issues.push(CsvIssue::TooLong { row: number, column: col, len });
            // Cut UTF-8 at a character boundary, so the cut alone is no encoding issue.
            let mut end = max_field.min(field.len());
            while enc == UTF_8 && end > 0 && max_field - end < 3 && end < field.len() && (field[end] & 0xC0) == 0x80 {
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
        let text = if let Some(w) = whole {
            w[start..to].to_string()
        } else if enc == UTF_8 {
            match simdutf8::basic::from_utf8(field) {
                Ok(s) => s.to_string(),
                Err(_) => {
                    // Mixed encodings: a GBK field inside a UTF-8 file.
                    issues.push(CsvIssue::Encoding { row: number, column: col });
                    GB18030.decode_without_bom_handling(field).0.into_owned()
                }
            }
        } else {
            let (s, had_errors) = enc.decode_without_bom_handling(field);
            if had_errors {
                issues.push(CsvIssue::Encoding { row: number, column: col });
            }
            s.into_owned()
        };
        // NUL bytes (garbage from broken exports) never reach a value.
        let text = if memchr::memchr(0, text.as_bytes()).is_some() { text.replace('\0', "") } else { text };
        cells.push(Cell::Text(text));
    }
    Row { number, cells }
}

/// A reader decoding UTF-16 to UTF-8 as it streams.
struct Transcoder<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    raw: Vec<u8>,
    decoded: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> Transcoder<R> {
    fn new(inner: R, enc: &'static Encoding) -> Transcoder<R> {
        Transcoder {
            inner,
            decoder: enc.new_decoder_without_bom_handling(),
            raw: vec![0; 1 << 16],
            decoded: Vec::new(),
            pos: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for Transcoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.decoded.len() {
            if self.done {
                return Ok(0);
            }
            let n = self.inner.read(&mut self.raw)?;
            let last = n == 0;
            let room = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 3 + 16);
            self.decoded.resize(room, 0);
            let (_, _, written, _) = self.decoder.decode_to_utf8(&self.raw[..n], &mut self.decoded, last);
            self.decoded.truncate(written);
            self.pos = 0;
            self.done = last;
        }
        let n = buf.len().min(self.decoded.len() - self.pos);
        buf[..n].copy_from_slice(&self.decoded[self.pos..self.pos + n]);
        self.pos += n;
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

    /// The fields as the csv crate reads them (blank lines skipped), for comparison.
    fn reference(data: &[u8]) -> Vec<Vec<String>> {
        let mut r = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(data);
        r.byte_records().map(|rec| rec.unwrap().iter().map(|f| String::from_utf8_lossy(f).replace('\0', "")).collect()).collect()
    }

    #[test]
    fn fields_match_the_csv_crate() {
        let cases: &[&[u8]] = &[
            b"a,b,c\n1,2,3\n",
            b"a,b\r\n\"x,y\",\"q\"\"q\"\r\n,\r\n",
            b"a,\"multi\nline\r\nfield\",z\n\n\nlast,row",
            b"\"unterminated,field\nand more",
            b",,,\n,,\n",
            "事项名称,实施编码\n许可,\"1,2\"\n".as_bytes(),
            b"a\rb\rc",
            b"x,\"\"\n\"\",y\n",
        ];
        for data in cases {
            let mut got = Vec::new();
            parse(data, UTF_8, &CsvLimits::with_field(MAX_FIELD_BYTES), &mut |r| got.push(r), &mut Vec::new()).unwrap();
            let got: Vec<Vec<String>> = got.iter().map(|r| r.cells.iter().map(|c| c.as_text().into_owned()).collect()).collect();
            assert_eq!(got, reference(data), "{:?}", String::from_utf8_lossy(data));
        }
    }

    /// A reader handing out a few bytes at a time, so that records and quotes straddle reads.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn random_fields_match_the_csv_crate_whatever_the_reads() {
        // A small deterministic generator: texts of the bytes that matter to the splitter.
        let alphabet: [&[u8]; 8] = [b"a", b",", b"\"", b"\n", b"\r", "许".as_bytes(), b" ", b"\"\""];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for case in 0..3000 {
            let len = (next() % 40) as usize;
            let mut data = Vec::new();
            for _ in 0..len {
                data.extend_from_slice(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            let step = 1 + (case % 7);
            let mut got = Vec::new();
            parse_with(
                Trickle { data: &data, step },
                UTF_8,
                b',',
                &CsvLimits::with_field(MAX_FIELD_BYTES),
                &mut |r| got.push(r),
                &mut Vec::new(),
            )
            .unwrap();
            let got: Vec<Vec<String>> = got.iter().map(|r| r.cells.iter().map(|c| c.as_text().into_owned()).collect()).collect();
            assert_eq!(got, reference(&data), "{:?} read {step} bytes at a time", String::from_utf8_lossy(&data));
        }
    }

    #[test]
    fn fields_are_checked_as_fields_not_as_the_record_they_make() {
        // The two halves of 耀 (E8 80 80) on either side of a comma: the record's bytes without
        // the comma are UTF-8, each field is not.
        let mut issues = Vec::new();
        let mut rows = Vec::new();
        parse(b"a,b\n\xE8,\x80\x80\n", UTF_8, &CsvLimits::with_field(MAX_FIELD_BYTES), &mut |r| rows.push(r), &mut issues).unwrap();
        assert_eq!(issues, vec![CsvIssue::Encoding { row: 2, column: 0 }, CsvIssue::Encoding { row: 2, column: 1 }]);
        assert_ne!(rows[1].cells[0].as_text(), "耀");
    }

    #[test]
    fn limits_hold_while_reading() {
        let read = |data: &[u8], limits: CsvLimits| {
            let (mut rows, mut issues) = (Vec::new(), Vec::new());
            let res = parse(data, UTF_8, &limits, &mut |r| rows.push(r), &mut issues);
            (rows, issues, res)
        };
        // A field cut at the limit (at a character boundary), the next field intact.
        let mut data = "h1,h2\n\"".as_bytes().to_vec();
        data.extend("许".repeat(100_000).as_bytes());
        data.extend_from_slice(b"\",tail\n");
        let (rows, issues, res) = read(&data, CsvLimits::with_field(1000));
        assert!(res.is_ok());
        assert_eq!(rows[1].cells[0].as_text(), "许".repeat(333));
        assert_eq!(rows[1].cells[1].as_text(), "tail");
        assert_eq!(issues, vec![CsvIssue::TooLong { row: 2, column: 0, len: 300_000 }]);
        // Rows and columns past the limits stop reading there.
        let limits = CsvLimits { max_rows: 3, max_columns: 2, ..CsvLimits::with_field(100) };
        let (rows, _, res) = read(b"a,b\n1,2\n\n3,4\n", limits);
        assert_eq!(rows.len(), 2);
        assert_eq!(res, Err(Reason::RowLimit { row: 4, limit: 3 }));
        let (rows, _, res) = read(b"a,b,,,\n1,2,3\n", limits);
        assert_eq!(rows.len(), 1, "empty fields past the limit are ignored");
        assert_eq!(res, Err(Reason::ColumnLimit { row: 2, columns: 3, limit: 2 }));
    }

    #[test]
    fn rows_count_blank_lines_whatever_the_line_ends() {
        let rows = |data: &[u8]| {
            let mut v = Vec::new();
            parse(data, UTF_8, &CsvLimits::with_field(MAX_FIELD_BYTES), &mut |r| v.push(r.number), &mut Vec::new()).unwrap();
            v
        };
        for data in [&b"h\na\n\nb\n"[..], b"h\r\na\r\n\r\nb\r\n", b"h\ra\r\rb\r", b"h\na\n\nb"] {
            assert_eq!(rows(data), [1, 2, 4], "{data:?}");
        }
        assert_eq!(rows(b"\n\nh\n\"a\nx\"\n\nb\n"), [3, 4, 6]);
        assert_eq!(rows(b"h\n\"a\r\n\r\nx\"\r\nb"), [1, 2, 3]);
    }
}
