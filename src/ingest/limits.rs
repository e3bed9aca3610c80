//! Checks before parsing a workbook: what the file really is (a zip, an OLE compound file, HTML
//! or text named `.xls`), whether it is encrypted, and whether its declared sizes stay within
//! the configured [`Limits`]. Only the zip central directory and the first few KiB of each sheet
//! are read, so a zip bomb or a sheet claiming a million columns is refused before calamine
//! allocates for it.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::config::Limits;
use crate::i18n::{CfbFault, Reason};

thread_local! {
    /// Set while a [`guarded`] reader runs on this thread: its panics are reported as findings,
    /// so the panic message is not printed.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a workbook reader, turning a panic inside it (a bug in a parser meeting a corrupt
/// file, e.g. an arithmetic overflow on a garbled cell reference) into an error for a QD001
/// finding, so that the other files are still read. Panics elsewhere print as usual.
pub fn guarded<T>(read: impl FnOnce() -> Result<T, Reason>) -> Result<T, Reason> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    GUARDED.with(|g| g.set(true));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    GUARDED.with(|g| g.set(false));
    outcome.unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".into());
        Err(Reason::ReaderFailed { detail: what })
    })
}

/// What a file named as a workbook turned out to be, when it may be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A workbook within the limits: read it with the spreadsheet reader. `merges` is false
    /// when no worksheet of a zip workbook holds a `mergeCell` element, so that the reader can
    /// skip the second pass over each sheet that looking them up costs.
    Workbook {
        /// Whether any sheet may hold merged cells.
        merges: bool,
    },
    /// Delimited text named `.xls` (a common "Excel export"): read it as CSV.
    Csv,
}

/// The OLE/CFB signature (`.xls`, and encrypted `.xlsx` files).
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// How many bytes are sniffed from the start of a file.
const SNIFF_BYTES: usize = 8 * 1024;

/// How much of each sheet's XML is read looking for `<dimension>`.
const DIMENSION_SCAN_BYTES: u64 = 16 * 1024;

/// Entries smaller than this are not held to the compression-ratio limit (small, repetitive
/// parts such as styles compress well and can do no harm).
const RATIO_MIN_BYTES: u64 = 1 << 20;

/// The largest CFB file scanned whole for an `EncryptionInfo` stream name.
const CFB_SCAN_BYTES: u64 = 64 << 20;

/// Checks a file read as a workbook; `Err` is the reason it is refused, for a QD001 finding.
pub fn check_workbook(path: &Path, limits: &Limits) -> Result<Verdict, Reason> {
    let other = |e: std::io::Error| Reason::Other(e.to_string());
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let mut file = File::open(path).map_err(other)?;
    let head = read_head(&mut file, SNIFF_BYTES).map_err(other)?;
    if head.is_empty() {
        return Err(Reason::EmptyFile);
    }
    let is_zip = head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06");
    let is_cfb = head.starts_with(&CFB_MAGIC);
    let zip_format = matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "ods");
    if is_cfb {
        if cfb_is_encrypted(path)? {
            return Err(Reason::Encrypted);
        }
        if zip_format {
            return Err(Reason::OleNotZip { ext });
        }
        let size = std::fs::metadata(path).map_err(other)?.len();
        if size > limits.max_uncompressed_mib.saturating_mul(1 << 20) {
            return Err(Reason::TooLarge { mib: limits.max_uncompressed_mib });
        }
        let bytes = std::fs::read(path).map_err(other)?;
        check_cfb(&bytes).map_err(|fault| Reason::CorruptOle { fault })?;
        if let Some(stream) = super::scan::cfb_stream(&bytes, &["Workbook", "Book"]) {
            super::scan::check_biff(&stream, limits)?;
        }
        return Ok(Verdict::Workbook { merges: true });
    }
    if is_zip {
        if ext == "xls" {
            return Err(Reason::ZipNamedXls);
        }
        let merges = check_zip(path, limits, ext == "ods")?;
        return Ok(Verdict::Workbook { merges });
    }
    let sniffed = sniff_text(&head);
    if zip_format {
        return Err(match sniffed {
            Sniff::Markup(kind) => Reason::MarkupNotZip { kind: kind.into(), ext },
            Sniff::Text => Reason::TextNotZip { ext },
            Sniff::Binary => Reason::NotZip { ext },
        });
    }
    // `.xls` (or anything else calamine would sniff) that is neither CFB nor zip.
    match sniffed {
        Sniff::Markup(kind) => Err(Reason::MarkupNotExcel { kind: kind.into(), ext }),
        Sniff::Text => Ok(Verdict::Csv),
        Sniff::Binary => Err(Reason::NotWorkbook { ext }),
    }
}

fn read_head(file: &mut File, n: usize) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n);
    file.by_ref().take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// What the first bytes of a file that is neither zip nor CFB look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniff {
    /// HTML or XML (an "Excel" export from a web system, or XML Spreadsheet 2003).
    Markup(&'static str),
    /// Plain text (CSV or TSV).
    Text,
    /// Anything else.
    Binary,
}

fn sniff_text(head: &[u8]) -> Sniff {
    let body = head.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(head);
    let trimmed: &[u8] = {
        let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
        &body[start..]
    };
    let lower: Vec<u8> = trimmed.iter().take(64).map(u8::to_ascii_lowercase).collect();
    for (prefix, kind) in
        [(&b"<html"[..], "HTML"), (b"<!doctype", "HTML"), (b"<table", "HTML"), (b"<meta", "HTML"), (b"<head", "HTML"), (b"<?xml", "XML")]
    {
        if lower.starts_with(prefix) {
            return Sniff::Markup(kind);
        }
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Sniff::Text;
    }
    let valid_text = match std::str::from_utf8(body) {
        Ok(_) => true,
        Err(e) if e.error_len().is_none() => true,
        Err(_) => !encoding_rs::GB18030.decode_without_bom_handling(body).1,
    };
    let control = body.iter().any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n' | 0x0C));
    if valid_text && !control { Sniff::Text } else { Sniff::Binary }
}

/// Whether an OLE compound file holds an `EncryptionInfo` stream (an encrypted OOXML workbook).
fn cfb_is_encrypted(path: &Path) -> Result<bool, Reason> {
    let other = |e: std::io::Error| Reason::Other(e.to_string());
    let needle: Vec<u8> = "EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let file = File::open(path).map_err(other)?;
    let mut reader = BufReader::new(file).take(CFB_SCAN_BYTES);
    let mut buf = vec![0u8; 1 << 16];
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = reader.read(&mut buf).map_err(other)?;
        if n == 0 {
            return Ok(false);
        }
        carry.extend_from_slice(&buf[..n]);
        if carry.windows(needle.len()).any(|w| w == needle.as_slice()) {
            return Ok(true);
        }
        let keep = needle.len() - 1;
        let cut = carry.len().saturating_sub(keep);
        carry.drain(..cut);
    }
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4).map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Walks the sector chains an OLE compound file reader follows (directory, mini stream, mini
/// FAT and every stream) the way calamine does, and refuses a chain that loops or points
/// outside its table: calamine follows those without a bound (memory grows until the process
/// dies) or indexes past the table (a panic).
fn check_cfb(file: &[u8]) -> Result<(), CfbFault> {
    if file.len() < 512 {
        return Err(CfbFault::TooShort);
    }
    let size: usize = match u16::from_le_bytes([file[30], file[31]]) {
        9 => 512,
        12 => 4096,
        s => return Err(CfbFault::SectorShift(s)),
    };
    // Sector `id` starts after the header, which fills one sector. calamine slices past its
    // buffer (a panic) when asked for a sector that starts beyond the end, so those are refused.
    let body = file.get(size.min(file.len())..).unwrap_or(&[]);
    let sectors = body.len().div_ceil(size);
    let unit = |id: u32| (body.len().saturating_sub(id as usize * size)).min(size);
    let sector = |id: u32| -> Result<&[u8], CfbFault> {
        if id as usize >= sectors {
            return Err(CfbFault::SectorBeyondEnd(id));
        }
        let start = id as usize * size;
        Ok(&body[start..(start + size).min(body.len())])
    };
    let words = |b: &[u8]| b.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect::<Vec<u32>>();
    // DIFAT: the header's 109 entries, then a chain of DIFAT sectors (bounded, as in calamine).
    let mut difat = words(&file[76..512]);
    let mut id = u32_at(file, 68);
    let mut steps = 0usize;
    while id < RESERVED_SECTORS {
        steps += 1;
        if steps > sectors + 1 {
            return Err(CfbFault::DifatLoops);
        }
        difat.extend(words(sector(id)?));
        id = difat.pop().ok_or(CfbFault::EmptyDifat)?;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        fat.extend(words(sector(id)?));
    }
    // Follows a chain through `table` until `len` bytes (None: its end); `count` sectors exist,
    // `unit_of` is each one's length. Returns the bytes gathered.
    let walk = |start: u32, table: &[u32], count: usize, unit_of: &dyn Fn(u32) -> usize, len: Option<usize>, what: &str| {
        let mut id = start;
        let mut have = 0usize;
        let mut steps = 0usize;
        while id != ENDOFCHAIN {
            if id as usize >= count {
                return Err(CfbFault::OutOfRange { what: what.into(), id });
            }
            have = have.saturating_add(unit_of(id));
            if let Some(l) = len
                && have >= l
            {
                return Ok(l);
            }
            steps += 1;
            if steps > count + 1 {
                return Err(CfbFault::ChainLoops { what: what.into() });
            }
            id = *table.get(id as usize).ok_or_else(|| CfbFault::OutsideTable { what: what.into(), id })?;
        }
        Ok(have)
    };
    walk(u32_at(file, 48), &fat, sectors, &unit, None, "directory")?;
    // The directory entries, read along the (now known finite) chain.
    let mut dirs: Vec<&[u8]> = Vec::new();
    let mut id = u32_at(file, 48);
    while id != ENDOFCHAIN && (id as usize) < fat.len() {
        dirs.extend(sector(id)?.chunks_exact(128));
        id = fat[id as usize];
    }
    let Some(root) = dirs.first() else { return Ok(()) };
    let entry_len = |d: &[u8]| -> usize {
        if size == 512 {
            u32_at(d, 120) as usize
        } else {
            usize::try_from(u64::from(u32_at(d, 120)) | (u64::from(u32_at(d, 124)) << 32)).unwrap_or(usize::MAX)
        }
    };
    let mini_fat_len = u32_at(file, 64) as usize;
    let mut mini_fat = Vec::new();
    let mut mini_sectors = 0usize;
    if mini_fat_len > 0 {
        mini_sectors = walk(u32_at(root, 116), &fat, sectors, &unit, Some(entry_len(root)), "mini stream")? / 64;
        let minifat_bytes = mini_fat_len.saturating_mul(size);
        walk(u32_at(file, 60), &fat, sectors, &unit, Some(minifat_bytes), "mini FAT")?;
        let mut id = u32_at(file, 60);
        while id != ENDOFCHAIN && (id as usize) < fat.len() && mini_fat.len() * 4 < minifat_bytes {
            mini_fat.extend(words(sector(id)?));
            id = fat[id as usize];
        }
    }
    for d in dirs.iter().skip(1) {
        let (kind, len) = (d[66], entry_len(d));
        if !matches!(kind, 1 | 2) || len == 0 {
            continue;
        }
        let units: Vec<u16> = d[..64].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).take_while(|c| *c != 0).collect();
        let name = String::from_utf16_lossy(&units);
        if len < 4096 {
            walk(u32_at(d, 116), &mini_fat, mini_sectors, &|_| 64, Some(len), &name)?;
        } else {
            walk(u32_at(d, 116), &fat, sectors, &unit, Some(len), &name)?;
        }
    }
    Ok(())
}

/// Checks a zip workbook's central directory against the limits, then the `<dimension>` of
/// each worksheet; returns whether any worksheet holds merged cells (or could not be scanned).
/// Scanning the inflated bytes for `mergeCell` costs a fraction of what parsing the sheet's
/// XML a second time to collect the merged regions does.
fn check_zip(path: &Path, limits: &Limits, ods: bool) -> Result<bool, Reason> {
    let file = File::open(path).map_err(|e| Reason::Other(e.to_string()))?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| Reason::CorruptZip { detail: e.to_string() })?;
    let max_total = limits.max_uncompressed_mib.saturating_mul(1 << 20);
    let mut total: u64 = 0;
    let mut sheets = Vec::new();
    let mut parts_to_scan = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| Reason::CorruptZip { detail: e.to_string() })?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let (size, packed) = (entry.size(), entry.compressed_size());
        if entry.encrypted() {
            return Err(Reason::EncryptedEntry { name });
        }
        total = total.saturating_add(size);
        if total > max_total {
            return Err(Reason::UncompressedTooLarge { mib: limits.max_uncompressed_mib });
        }
        if size >= RATIO_MIN_BYTES && size / packed.max(1) > limits.max_compression_ratio {
            return Err(Reason::CompressionRatio { entry: name, ratio: size / packed.max(1), limit: limits.max_compression_ratio });
        }
        if is_worksheet(&name) {
            sheets.push(i);
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("sharedstrings.xml") || (ods && lower == "content.xml") {
            parts_to_scan.push((i, size));
        }
    }
    // Declared counts calamine allocates for before reading: shared strings, ODS repeats.
    for (i, size) in parts_to_scan {
        let Ok(mut entry) = zip.by_index(i) else { continue };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            let mut head = Vec::new();
            if Read::by_ref(&mut entry).take(DIMENSION_SCAN_BYTES).read_to_end(&mut head).is_ok() {
                super::scan::check_shared_strings(&name, &head, &mut entry, size, total)?;
            }
        } else {
            super::scan::check_ods_content(&mut entry, size, limits)?;
        }
    }
    let mut merges = false;
    for i in sheets {
        let Ok(mut entry) = zip.by_index(i) else {
            merges = true;
            continue;
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let mut head = Vec::new();
        // A corrupt stream is left for calamine to report with the sheet's name.
        if Read::by_ref(&mut entry).take(DIMENSION_SCAN_BYTES).read_to_end(&mut head).is_err() && head.is_empty() {
            merges = true;
            continue;
        }
        if !merges {
            merges = mentions_merges(&head, &mut entry);
        }
        if let Some((rows, cols)) = declared_dimension(&head) {
            let sheet = name.rsplit('/').next().unwrap_or(&name);
            if rows > limits.max_rows {
                return Err(Reason::TooManyRows { sheet: sheet.into(), rows, limit: limits.max_rows });
            }
            if cols > limits.max_columns {
                return Err(Reason::TooManyColumns { sheet: sheet.into(), columns: cols, limit: limits.max_columns });
            }
        }
    }
    Ok(merges)
}

/// Whether a worksheet's XML (`head`, then the rest of `rest`) contains `mergeCell`; a read
/// error counts as yes, so the reader looks for itself.
fn mentions_merges(head: &[u8], rest: &mut impl Read) -> bool {
    const NEEDLE: &[u8] = b"mergeCell";
    let finder = memchr::memmem::Finder::new(NEEDLE);
    if finder.find(head).is_some() {
        return true;
    }
    // Stream the rest, keeping the last bytes of each block so a needle across blocks is found.
    let keep = NEEDLE.len() - 1;
    let mut buf = vec![0u8; 1 << 16];
    let mut carried = head.len().min(keep);
    buf[..carried].copy_from_slice(&head[head.len() - carried..]);
    loop {
        let n = match rest.read(&mut buf[carried..]) {
            Ok(0) => return false,
            Ok(n) => n,
            Err(_) => return true,
        };
        let end = carried + n;
        if finder.find(&buf[..end]).is_some() {
            return true;
        }
        carried = end.min(keep);
        buf.copy_within(end - carried..end, 0);
    }
}

fn is_worksheet(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("xl/worksheets/") && lower.ends_with(".xml") && !lower.contains("/_rels/")
}

/// The (rows, columns) a sheet's `<dimension ref="A1:XFD1048576"/>` declares, if present.
pub fn declared_dimension(xml: &[u8]) -> Option<(u64, u64)> {
    let text = String::from_utf8_lossy(xml);
    let at = text.find("dimension ref=\"")? + "dimension ref=\"".len();
    let reference = &text[at..];
    let reference = &reference[..reference.find('"')?];
    let (start, end) = match reference.split_once(':') {
        Some((a, b)) => (a, b),
        None => (reference, reference),
    };
    let (r0, c0) = cell_ref(start)?;
    let (r1, c1) = cell_ref(end)?;
    Some((r1.max(r0) - r0.min(r1) + 1, c1.max(c0) - c0.min(c1) + 1))
}

/// A1-style reference → (1-based row, 1-based column); `$` signs are ignored.
fn cell_ref(s: &str) -> Option<(u64, u64)> {
    let s = s.trim().replace('$', "");
    let letters = s.chars().take_while(|c| c.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 4 || letters == s.len() {
        return None;
    }
    let col = s[..letters].chars().try_fold(0u64, |acc, ch| Some(acc * 26 + (ch.to_ascii_uppercase() as u64 - 'A' as u64 + 1)))?;
    let row: u64 = s[letters..].parse().ok()?;
    (row > 0).then_some((row, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_merged_cells_anywhere_in_the_sheet() {
        let needle = b"<mergeCells count=\"1\"><mergeCell ref=\"A1:B2\"/></mergeCells>";
        // In the head, just after it, across a 64 KiB block boundary, and absent.
        assert!(mentions_merges(needle, &mut &b""[..]));
        assert!(mentions_merges(b"<sheetData/>", &mut &needle[..]));
        for cut in [(1 << 16) - 4, (1 << 16) - 9, 1 << 16] {
            let mut body = vec![b' '; cut];
            body.extend_from_slice(needle);
            assert!(mentions_merges(b"<worksheet>", &mut &body[..]), "cut at {cut}");
            assert!(mentions_merges(&body[..5], &mut &body[5..]), "cut at {cut}, split head");
        }
        assert!(!mentions_merges(b"<worksheet>", &mut &vec![b'x'; 200_000][..]));
        assert!(!mentions_merges(b"merge", &mut &b"Cel"[..]));
    }

    #[test]
    fn reads_dimensions() {
        assert_eq!(declared_dimension(br#"<worksheet><dimension ref="A1:XFD1048576"/>"#), Some((1_048_576, 16_384)));
        assert_eq!(declared_dimension(br#"<x:dimension ref="B2:C3"/>"#), Some((2, 2)));
        assert_eq!(declared_dimension(br#"<dimension ref="A1"/>"#), Some((1, 1)));
        assert_eq!(declared_dimension(br#"<dimension ref="1:2"/>"#), None);
        assert_eq!(declared_dimension(br#"<sheetData/>"#), None);
    }

    /// A minimal CFB: header, one FAT sector (id 0), one directory sector (id 1) with a root
    /// and one empty stream; `dir_next` is the FAT entry after the directory sector.
    fn cfb(dir_next: u32) -> Vec<u8> {
        let mut f = vec![0u8; 512 * 3];
        f[..8].copy_from_slice(&CFB_MAGIC);
        for (at, v) in [(24usize, 0x3Eu16), (26, 3), (28, 0xFFFE), (30, 9), (32, 6)] {
            f[at..at + 2].copy_from_slice(&v.to_le_bytes());
        }
        for (at, v) in [(44usize, 1u32), (48, 1), (56, 4096), (60, ENDOFCHAIN), (68, ENDOFCHAIN), (76, 0)] {
            f[at..at + 4].copy_from_slice(&v.to_le_bytes());
        }
        for i in 1..109 {
            f[76 + 4 * i..80 + 4 * i].copy_from_slice(&u32::MAX.to_le_bytes());
        }
        for (i, v) in [0xFFFF_FFFDu32, dir_next].into_iter().chain(std::iter::repeat_n(u32::MAX, 126)).enumerate() {
            f[512 + 4 * i..516 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        for (k, name) in ["Root Entry", "Workbook"].iter().enumerate() {
            let e = 1024 + 128 * k;
            for (i, u) in name.encode_utf16().enumerate() {
                f[e + 2 * i..e + 2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
            f[e + 66] = if k == 0 { 5 } else { 2 };
            f[e + 116..e + 120].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        }
        f
    }

    #[test]
    fn cfb_chains() {
        assert_eq!(check_cfb(&cfb(ENDOFCHAIN)), Ok(()));
        assert!(matches!(check_cfb(&cfb(1)), Err(CfbFault::ChainLoops { .. })));
        assert!(matches!(check_cfb(&cfb(7)), Err(CfbFault::OutOfRange { id: 7, .. })));
        assert!(check_cfb(&cfb(ENDOFCHAIN)[..700]).is_err());
    }

    #[test]
    fn sniffs() {
        assert_eq!(sniff_text(b"  <!DOCTYPE html><html>"), Sniff::Markup("HTML"));
        assert_eq!(sniff_text(b"<table><tr>"), Sniff::Markup("HTML"));
        assert_eq!(sniff_text("事项名称,实施编码\n".as_bytes()), Sniff::Text);
        assert_eq!(sniff_text(b"\x00\x01\x02garbage"), Sniff::Binary);
    }
}
