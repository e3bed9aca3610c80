//! Scans of the parts of a workbook whose declared counts make calamine allocate before it
//! reads anything: the shared-strings table of an xlsx (`uniqueCount`), the BIFF records of an
//! xls (DIMENSIONS and the positions of its cells) and the rows and columns an ODS sheet
//! expands to (`number-rows-repeated`, `number-columns-repeated`). Each is checked against
//! the configured [`Limits`] here, so that a file lying about its sizes costs one QD001
//! finding instead of an allocation failure (an abort no `catch_unwind` can catch).

use std::collections::HashMap;
use std::io::{BufReader, Read};

use quick_xml::events::{BytesStart, Event};

use crate::config::Limits;
use crate::i18n::Reason;

/// The most cells a sheet read through calamine's ranges (xls, ods) may span: the range is
/// allocated whole, 32 bytes a cell, so this bounds it to 256 MiB.
pub const MAX_RANGE_CELLS: u64 = 1 << 23;

/// The fewest bytes one `<si>` element of a shared-strings table takes (`<si/>`).
const MIN_SI_BYTES: u64 = 5;

/// The fewest bytes one shared-string reference takes in a sheet (`<c t="s"><v>0</v></c>`).
const MIN_REF_BYTES: u64 = 8;

/// Above this many declared unique strings the `<si>` elements are counted, not only bounded
/// by the part's declared size (which a crafted zip may also inflate).
const COUNT_SI_ABOVE: u64 = 1 << 20;

/// Checks the `count` and `uniqueCount` a shared-strings part declares in its `<sst>` tag
/// against the part's size (`size`, uncompressed) and the workbook's (`total`). calamine
/// reserves room for `uniqueCount` strings before reading one.
pub fn check_shared_strings(part: &str, head: &[u8], rest: &mut dyn Read, size: u64, total: u64) -> Result<(), Reason> {
    let Some(tag) = find_tag(head, b"sst") else { return Ok(()) };
    let unique = attr_number(tag, b"uniqueCount");
    let count = attr_number(tag, b"count");
    let unique_bound = size / MIN_SI_BYTES + 1;
    if let Some(n) = unique
        && n > unique_bound
    {
        return Err(Reason::DeclaredCount { part: part.into(), attr: "uniqueCount".into(), count: n, bound: unique_bound });
    }
    let count_bound = total / MIN_REF_BYTES + 1;
    if let Some(n) = count
        && n > count_bound
    {
        return Err(Reason::DeclaredCount { part: part.into(), attr: "count".into(), count: n, bound: count_bound });
    }
    if let Some(n) = unique
        && n > COUNT_SI_ABOVE
    {
        let found = count_si(head, rest);
        if n > found.saturating_add(1) {
            return Err(Reason::DeclaredCount { part: part.into(), attr: "uniqueCount".into(), count: n, bound: found });
        }
    }
    Ok(())
}

/// The `<si>` elements of a shared-strings part, streamed.
fn count_si(head: &[u8], rest: &mut dyn Read) -> u64 {
    // Counts tags whose byte after `si` lies in `window[from..]`.
    let count = |window: &[u8], from: usize| -> u64 {
        let mut n = 0;
        for at in memchr::memmem::find_iter(window, b"si") {
            let after = window.get(at + 2).copied();
            if at + 2 >= from && opens_tag(window, at) && matches!(after, Some(b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n')) {
                n += 1;
            }
        }
        n
    };
    let mut n = count(head, 0);
    // Blocks overlap by three bytes (`<si` of a tag whose end comes in the next block).
    let mut buf = vec![0u8; 1 << 16];
    let mut carried = head.len().min(3);
    buf[..carried].copy_from_slice(&head[head.len() - carried..]);
    loop {
        let got = match rest.read(&mut buf[carried..]) {
            Ok(0) | Err(_) => return n,
            Ok(k) => k,
        };
        let end = carried + got;
        n += count(&buf[..end], carried);
        let keep = end.min(3);
        buf.copy_within(end - keep..end, 0);
        carried = keep;
    }
}

/// Whether the name at `at` follows `<` or `<prefix:` (a start tag, not `</…`). A prefix cut
/// off at the start of `window` counts as a start tag.
fn opens_tag(window: &[u8], at: usize) -> bool {
    match at.checked_sub(1).map(|i| window[i]) {
        Some(b'<') => true,
        Some(b':') => {
            let mut i = at - 1;
            while i > 0 && (window[i - 1].is_ascii_alphanumeric() || matches!(window[i - 1], b'_' | b'-' | b'.')) {
                i -= 1;
            }
            i == 0 || window[i - 1] == b'<'
        }
        _ => false,
    }
}

/// The bytes of the first `<name …>` or `<prefix:name …>` start tag in `xml`, up to its `>`.
fn find_tag<'a>(xml: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&xml[from..], name).map(|i| i + from) {
        from = at + 1;
        let before = at.checked_sub(1).map(|i| xml[i]);
        let after = xml.get(at + name.len()).copied();
        if !matches!(before, Some(b'<' | b':')) || !matches!(after, Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')) {
            continue;
        }
        let end = memchr::memchr(b'>', &xml[at..]).map_or(xml.len(), |e| at + e);
        return Some(&xml[at..end]);
    }
    None
}

/// The number in attribute `name="…"` of a tag (digits only; an absurd value saturates).
fn attr_number(tag: &[u8], name: &[u8]) -> Option<u64> {
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&tag[from..], name).map(|i| i + from) {
        from = at + 1;
        if !matches!(at.checked_sub(1).map(|i| tag[i]), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            continue;
        }
        let rest = &tag[at + name.len()..];
        let rest = rest.strip_prefix(b"=")?;
        let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'"))?;
        let digits: Vec<u8> = rest.iter().copied().skip_while(|b| *b == b' ').take_while(u8::is_ascii_digit).collect();
        if digits.is_empty() {
            return None;
        }
        return Some(digits.iter().fold(0u64, |acc, d| acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))));
    }
    None
}

/// The fewest bytes of XML a value cell written out takes in an ODS `content.xml`.
pub const MIN_ODS_CELL_BYTES: u64 = 20;

/// What one ODS sheet expands to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct OdsSheet {
    name: String,
    /// Rows up to the last one holding a value, repetitions expanded.
    rows: u64,
    /// Columns up to the last one holding a value, repetitions expanded.
    columns: u64,
}

/// Streams an ODS `content.xml` and checks every sheet's extent (rows and columns up to the
/// last value, with `number-rows-repeated` and `number-columns-repeated` expanded, as
/// calamine expands them) against the limits and [`MAX_RANGE_CELLS`]. XML errors are left
/// for calamine to report.
///
/// Repetition is also held to `limits.max_compression_ratio`, like a zip entry: the value
/// cells the repeats expand to, at [`MIN_ODS_CELL_BYTES`] each, against the part's `size`. A
/// row written once and repeated a million times is a bomb; real sheets repeat empty rows.
pub fn check_ods_content(content: &mut dyn Read, size: u64, limits: &Limits) -> Result<(), Reason> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut sheet: Option<OdsSheet> = None;
    let (mut row, mut col) = (0u64, 0u64);
    let mut row_repeat = 1u64;
    let mut row_has_value = false;
    let mut row_last_col = 0u64;
    // Value cells in the current row, and in the whole part with repeats expanded.
    let mut row_values = 0u64;
    let mut expanded = 0u64;
    let max_expanded = size.max(1 << 16).saturating_mul(limits.max_compression_ratio) / MIN_ODS_CELL_BYTES;
    // Inside a cell: its column range and whether a value was seen.
    let mut cell: Option<(u64, u64, bool)> = None;
    let mut depth_in_cell = 0usize;
    let finish_sheet = |s: &OdsSheet| -> Result<(), Reason> {
        if s.rows > limits.max_rows {
            return Err(Reason::TooManyRows { sheet: s.name.clone(), rows: s.rows, limit: limits.max_rows });
        }
        if s.columns > limits.max_columns {
            return Err(Reason::TooManyColumns { sheet: s.name.clone(), columns: s.columns, limit: limits.max_columns });
        }
        let cells = s.rows.saturating_mul(s.columns);
        if cells > MAX_RANGE_CELLS {
            return Err(Reason::TooManyCells { sheet: s.name.clone(), cells, limit: MAX_RANGE_CELLS });
        }
        Ok(())
    };
    loop {
        buf.clear();
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => return Ok(()),
        };
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Eof => return Ok(()),
            Event::Start(ref e) | Event::Empty(ref e) => {
                let local = e.local_name().into_inner();
                match local {
                    "table" if cell.is_none() => {
                        let name = attr_text(e, "table:name").unwrap_or_default();
                        sheet = Some(OdsSheet { name, ..OdsSheet::default() });
                        row = 0;
                    }
                    "table-row" if cell.is_none() => {
                        row_repeat = attr_u64(e, "table:number-rows-repeated").unwrap_or(1).max(1);
                        col = 0;
                        row_has_value = false;
                        row_last_col = 0;
                        row_values = 0;
                        if empty {
                            row = row.saturating_add(row_repeat);
                        }
                    }
                    "table-cell" | "covered-table-cell" if cell.is_none() => {
                        let repeat = attr_u64(e, "table:number-columns-repeated").unwrap_or(1).max(1);
                        let valued = attr_text(e, "office:value-type").is_some();
                        let start = col;
                        col = col.saturating_add(repeat);
                        if empty {
                            if valued {
                                row_has_value = true;
                                row_last_col = col;
                                row_values = row_values.saturating_add(repeat);
                            }
                        } else {
                            cell = Some((start, col, valued));
                            depth_in_cell = 0;
                        }
                    }
                    _ => {
                        if let Some((_, _, valued)) = &mut cell {
                            // Any element inside a cell (text:p, …) counts as a value.
                            *valued = true;
                            if !empty {
                                depth_in_cell += 1;
                            }
                        }
                    }
                }
            }
            Event::Text(_) | Event::CData(_) => {
                if let Some((_, _, valued)) = &mut cell {
                    *valued = true;
                }
            }
            Event::End(ref e) => {
                let local = e.local_name().into_inner();
                if cell.is_some() && depth_in_cell > 0 {
                    depth_in_cell -= 1;
                    continue;
                }
                match local {
                    "table-cell" | "covered-table-cell" => {
                        if let Some((start, end, valued)) = cell.take()
                            && valued
                        {
                            row_has_value = true;
                            row_last_col = end;
                            row_values = row_values.saturating_add(end - start);
                        }
                    }
                    "table-row" => {
                        row = row.saturating_add(row_repeat);
                        if row_has_value && let Some(s) = &mut sheet {
                            s.rows = s.rows.max(row);
                            s.columns = s.columns.max(row_last_col);
                            finish_sheet(s)?;
                        }
                        expanded = expanded.saturating_add(row_values.saturating_mul(row_repeat));
                        if expanded > max_expanded {
                            let ratio = expanded.saturating_mul(MIN_ODS_CELL_BYTES) / size.max(1);
                            return Err(Reason::CompressionRatio {
                                entry: "content.xml (number-rows-repeated)".into(),
                                ratio,
                                limit: limits.max_compression_ratio,
                            });
                        }
                    }
                    "table" => {
                        if let Some(s) = sheet.take() {
                            finish_sheet(&s)?;
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

fn attr_text(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.as_ref() == name).map(|a| a.value.to_string())
}

fn attr_u64(e: &BytesStart<'_>, name: &str) -> Option<u64> {
    attr_text(e, name).and_then(|v| {
        let v = v.trim();
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(v.bytes().fold(0u64, |acc, d| acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))))
    })
}

// ---------------------------------------------------------------- xls (BIFF in an OLE file)

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2).map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4).map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The bytes of the stream named one of `names` in an OLE compound file whose chains were
/// already checked (see `limits::check_cfb`); `None` when there is none. Chains are still
/// walked with a step bound, so this never loops.
pub fn cfb_stream(file: &[u8], names: &[&str]) -> Option<Vec<u8>> {
    let size: usize = match u16_at(file, 30) {
        9 => 512,
        12 => 4096,
        _ => return None,
    };
    let body = file.get(size.min(file.len())..)?;
    let sectors = body.len().div_ceil(size);
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_mul(size)?;
        body.get(start..(start + size).min(body.len()))
    };
    let words = |b: &[u8]| b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect::<Vec<u32>>();
    let mut difat = words(file.get(76..512)?);
    let mut id = u32_at(file, 68);
    let mut steps = 0;
    while id < 0xFFFF_FFFA {
        steps += 1;
        if steps > sectors + 1 {
            return None;
        }
        difat.extend(words(sector(id)?));
        id = difat.pop()?;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < 0xFFFF_FFFC) {
        fat.extend(words(sector(id)?));
    }
    // Follows a chain, gathering up to `len` bytes (the whole chain when None).
    let chain = |start: u32, table: &[u32], read: &dyn Fn(u32) -> Option<Vec<u8>>, len: Option<usize>| -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        while id != ENDOFCHAIN && len.is_none_or(|l| out.len() < l) {
            steps += 1;
            if steps > table.len() + 1 {
                return None;
            }
            out.extend(read(id)?);
            id = *table.get(id as usize)?;
        }
        if let Some(l) = len {
            out.truncate(l);
        }
        Some(out)
    };
    let big = |id: u32| sector(id).map(<[u8]>::to_vec);
    let dir = chain(u32_at(file, 48), &fat, &big, None)?;
    let entries: Vec<&[u8]> = dir.chunks_exact(128).collect();
    let root = entries.first()?;
    let name_of = |d: &[u8]| {
        let units: Vec<u16> = d[..64].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).take_while(|c| *c != 0).collect();
        String::from_utf16_lossy(&units)
    };
    let entry = entries.iter().skip(1).find(|d| d[66] == 2 && names.contains(&name_of(d).as_str()))?;
    let len = u32_at(entry, 120) as usize;
    if len < 4096 {
        let mini_stream = chain(u32_at(root, 116), &fat, &big, Some(u32_at(root, 120) as usize))?;
        let mini_fat = words(&chain(u32_at(file, 60), &fat, &big, None)?);
        let mini = |id: u32| {
            let start = (id as usize).checked_mul(64)?;
            mini_stream.get(start..(start + 64).min(mini_stream.len())).map(<[u8]>::to_vec)
        };
        chain(u32_at(entry, 116), &mini_fat, &mini, Some(len))
    } else {
        chain(u32_at(entry, 116), &fat, &big, Some(len))
    }
}

/// Walks the BIFF records of an xls workbook stream and checks, per sheet, the DIMENSIONS
/// record (calamine reserves rows × columns cells from it) and the extent of the cells
/// calamine keeps (it allocates their bounding box) against the limits.
pub fn check_biff(stream: &[u8], limits: &Limits) -> Result<(), Reason> {
    // Sheet names by the stream offset of their BOF (BOUNDSHEET records in the globals).
    let mut names: HashMap<usize, String> = HashMap::new();
    let mut sheet: Option<String> = None;
    let mut extent: Option<(u32, u32, u32, u32)> = None;
    let mut at = 0usize;
    let mut index = 0usize;
    let check_extent = |sheet: &Option<String>, extent: Option<(u32, u32, u32, u32)>| -> Result<(), Reason> {
        let Some((r0, r1, c0, c1)) = extent else { return Ok(()) };
        let name = sheet.clone().unwrap_or_default();
        let rows = u64::from(r1 - r0) + 1;
        let cols = u64::from(c1 - c0) + 1;
        if u64::from(r1) + 1 > limits.max_rows {
            return Err(Reason::TooManyRows { sheet: name, rows: u64::from(r1) + 1, limit: limits.max_rows });
        }
        if u64::from(c1) + 1 > limits.max_columns {
            return Err(Reason::TooManyColumns { sheet: name, columns: u64::from(c1) + 1, limit: limits.max_columns });
        }
        if rows * cols > MAX_RANGE_CELLS {
            return Err(Reason::TooManyCells { sheet: name, cells: rows * cols, limit: MAX_RANGE_CELLS });
        }
        Ok(())
    };
    while at + 4 <= stream.len() {
        let typ = u16_at(stream, at);
        let len = u16_at(stream, at + 2) as usize;
        let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
        let offset = at;
        at += 4 + len;
        let mut see = |row: u32, col_first: u32, col_last: u32| {
            let (r0, r1, c0, c1) = extent.unwrap_or((row, row, col_first, col_last));
            extent = Some((r0.min(row), r1.max(row), c0.min(col_first), c1.max(col_last.max(col_first))));
        };
        match typ {
            // BOUNDSHEET: the sheet's BOF offset, state, type, name.
            0x0085 if data.len() >= 8 => {
                let pos = u32_at(data, 0) as usize;
                let cch = data[6] as usize;
                let high = data[7] & 1 == 1;
                let raw = &data[8..];
                let name = if high {
                    let units: Vec<u16> = raw.chunks_exact(2).take(cch).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
                    String::from_utf16_lossy(&units)
                } else {
                    raw.iter().take(cch).map(|b| char::from(*b)).collect()
                };
                names.insert(pos, name);
            }
            // BOF: a sheet substream starts (the globals' own BOF has no BOUNDSHEET entry).
            0x0809 => {
                check_extent(&sheet, extent.take())?;
                index += 1;
                sheet = Some(names.get(&offset).cloned().unwrap_or_else(|| format!("#{index}")));
            }
            // DIMENSIONS, the way calamine reads it (rows computed with its wrapping).
            0x0200 => {
                let (rf, rl, mut cf, cl) = match data.len() {
                    10 => (u32::from(u16_at(data, 0)), u32::from(u16_at(data, 2)), u32::from(u16_at(data, 4)), u32::from(u16_at(data, 6))),
                    14 | 16 => (u32_at(data, 0), u32_at(data, 4), u32::from(u16_at(data, 8)), u32::from(u16_at(data, 10))),
                    _ => continue,
                };
                if 0xFF < cf || cl < cf {
                    cf = 0;
                }
                if rl >= 1 && cl >= 1 {
                    let rows = u64::from((rl - 1).wrapping_sub(rf).wrapping_add(1));
                    let cols = u64::from((cl - 1).wrapping_sub(cf).wrapping_add(1));
                    let name = sheet.clone().unwrap_or_default();
                    if rows > limits.max_rows {
                        return Err(Reason::TooManyRows { sheet: name, rows, limit: limits.max_rows });
                    }
                    if cols > limits.max_columns {
                        return Err(Reason::TooManyColumns { sheet: name, columns: cols, limit: limits.max_columns });
                    }
                    if rows.saturating_mul(cols) > MAX_RANGE_CELLS {
                        return Err(Reason::TooManyCells { sheet: name, cells: rows.saturating_mul(cols), limit: MAX_RANGE_CELLS });
                    }
                }
            }
            // Cells calamine keeps: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if data.len() >= 4 => {
                let col = u32::from(u16_at(data, 2));
                see(u32::from(u16_at(data, 0)), col, col);
            }
            // MULRK: row, first column, …, last column.
            0x00BD if data.len() >= 6 => {
                see(u32::from(u16_at(data, 0)), u32::from(u16_at(data, 2)), u32::from(u16_at(data, data.len() - 2)));
            }
            _ => {}
        }
    }
    check_extent(&sheet, extent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::default()
    }

    #[test]
    fn shared_strings_counts() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="6000000000000" uniqueCount="6000000000000"><si><t>a</t></si></sst>"#;
        let r = check_shared_strings("xl/sharedStrings.xml", head, &mut &b""[..], head.len() as u64, 2000);
        assert!(matches!(r, Err(Reason::DeclaredCount { count: 6_000_000_000_000, .. })), "{r:?}");
        let ok = br#"<sst count="3" uniqueCount="1"><si><t>a</t></si></sst>"#;
        assert_eq!(check_shared_strings("s", ok, &mut &b""[..], ok.len() as u64, 2000), Ok(()));
        // A declared size that lies is caught by counting when the count is large.
        let big = br#"<x:sst uniqueCount="2000000"><x:si><x:t>a</x:t></x:si>"#;
        let r = check_shared_strings("s", big, &mut &b"<x:si/><x:si/></x:sst>"[..], 1 << 30, 1 << 31);
        assert!(matches!(r, Err(Reason::DeclaredCount { bound: 3, .. })), "{r:?}");
        assert_eq!(attr_number(br#"sst count="12" uniqueCount='7'"#, b"count"), Some(12));
        assert_eq!(attr_number(br#"sst count="12" uniqueCount='7'"#, b"uniqueCount"), Some(7));
    }

    #[test]
    fn counts_si_across_blocks() {
        let mut rest = Vec::new();
        for _ in 0..30_000 {
            rest.extend_from_slice(b"<si><t>x</t></si>");
        }
        assert_eq!(count_si(b"<sst>", &mut &rest[..]), 30_000);
    }

    fn ods(body: &str) -> Result<(), Reason> {
        let xml = format!(
            r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="S">{body}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        check_ods_content(&mut xml.as_bytes(), xml.len() as u64, &Limits { max_rows: 1000, ..limits() })
    }

    #[test]
    fn ods_repeats() {
        let row = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#;
        assert!(matches!(ods(row), Err(Reason::TooManyRows { rows: 1_000_000, .. })));
        // Trailing empty rows and columns, as LibreOffice writes them, are fine.
        let tail = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16383"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
        assert_eq!(ods(tail), Ok(()));
        let wide = r#"<table:table-row><table:table-cell table:number-columns-repeated="5000"><text:p>x</text:p></table:table-cell></table:table-row>"#;
        assert!(matches!(ods(wide), Err(Reason::TooManyColumns { columns: 5000, .. })));
        // Within the row limit, a row repeated far beyond the part's size is refused as a bomb.
        let bomb = r#"<table:table-row table:number-rows-repeated="900"><table:table-cell office:value-type="string" table:number-columns-repeated="900"><text:p>x</text:p></table:table-cell></table:table-row>"#;
        assert!(matches!(ods(bomb), Err(Reason::CompressionRatio { .. })), "{:?}", ods(bomb));
        let few = r#"<table:table-row table:number-rows-repeated="3"><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#;
        assert_eq!(ods(few), Ok(()));
    }

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend_from_slice(data);
        r
    }

    #[test]
    fn biff_dimensions_and_cells() {
        let mut dims = Vec::new();
        dims.extend(0u32.to_le_bytes());
        dims.extend(0xFFFF_FFFFu32.to_le_bytes());
        dims.extend(0u16.to_le_bytes());
        dims.extend(0xFFFFu16.to_le_bytes());
        dims.extend(0u16.to_le_bytes());
        let mut s = record(0x0809, &[0; 16]);
        s.extend(record(0x0809, &[0; 16]));
        s.extend(record(0x0200, &dims));
        assert!(matches!(check_biff(&s, &limits()), Err(Reason::TooManyRows { .. })));
        // rl < rf wraps in calamine: caught as well.
        let mut wrap = Vec::new();
        wrap.extend(10u32.to_le_bytes());
        wrap.extend(5u32.to_le_bytes());
        wrap.extend([0, 0, 1, 0, 0, 0]);
        let mut s = record(0x0809, &[0; 16]);
        s.extend(record(0x0200, &wrap));
        assert!(check_biff(&s, &limits()).is_err());
        // Two cells far apart span too many cells.
        let mut s = record(0x0809, &[0; 16]);
        for (r, c) in [(0u16, 0u16), (65535, 200)] {
            let mut d = r.to_le_bytes().to_vec();
            d.extend(c.to_le_bytes());
            d.extend([0u8; 10]);
            s.extend(record(0x0203, &d));
        }
        assert!(matches!(check_biff(&s, &limits()), Err(Reason::TooManyCells { .. })));
    }
}
