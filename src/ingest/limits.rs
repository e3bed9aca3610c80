//! Checks before parsing a workbook: what the file really is (a zip, an OLE compound file, HTML
//! or text named `.xls`), whether it is encrypted, and whether its declared sizes stay within
//! the configured [`Limits`]. Only the zip central directory and the first few KiB of each sheet
//! are read, so a zip bomb or a sheet claiming a million columns is refused before calamine
//! allocates for it.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::config::Limits;

/// What a file named as a workbook turned out to be, when it may be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A workbook within the limits: read it with the spreadsheet reader.
    Workbook,
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
pub fn check_workbook(path: &Path, limits: &Limits) -> Result<Verdict, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let head = read_head(&mut file, SNIFF_BYTES).map_err(|e| e.to_string())?;
    if head.is_empty() {
        return Err("文件为空 / empty file".into());
    }
    let is_zip = head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06");
    let is_cfb = head.starts_with(&CFB_MAGIC);
    let zip_format = matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "ods");
    if is_cfb {
        if cfb_is_encrypted(path)? {
            return Err("工作簿已加密（设有打开密码），请另存为未加密的文件 / encrypted workbook (password protected): save an unencrypted copy".into());
        }
        if zip_format {
            return Err(format!(
                "文件是 OLE 复合文档而不是 .{ext}（可能是改了扩展名的 .xls）/ an OLE compound file, not .{ext} (perhaps a renamed .xls)"
            ));
        }
        return Ok(Verdict::Workbook);
    }
    if is_zip {
        if ext == "xls" {
            return Err("文件是 zip（xlsx）格式而不是 .xls，请改扩展名为 .xlsx / a zip (xlsx) file named .xls: rename it to .xlsx".into());
        }
        check_zip(path, limits)?;
        return Ok(Verdict::Workbook);
    }
    let sniffed = sniff_text(&head);
    if zip_format {
        return Err(match sniffed {
            Sniff::Markup(kind) => format!("文件是 {kind} 而不是 .{ext} / {kind}, not a .{ext} workbook"),
            Sniff::Text => format!("文件是文本而不是 .{ext}（zip），可改扩展名为 .csv / text, not a .{ext} (zip) workbook: rename it to .csv"),
            Sniff::Binary => format!("文件不是 .{ext}（zip）格式，可能已损坏 / not a .{ext} (zip) workbook: the file may be corrupt"),
        });
    }
    // `.xls` (or anything else calamine would sniff) that is neither CFB nor zip.
    match sniffed {
        Sniff::Markup(kind) => Err(format!(
            "文件是 {kind} 而不是 Excel 工作簿，请在 Excel 中另存为 .xlsx / {kind} named .{ext}, not an Excel workbook: save it as .xlsx"
        )),
        Sniff::Text => Ok(Verdict::Csv),
        Sniff::Binary => Err(format!("文件不是 .{ext} 格式，可能已损坏 / not a .{ext} workbook: the file may be corrupt")),
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
    for (prefix, kind) in [
        (&b"<html"[..], "HTML"),
        (b"<!doctype", "HTML"),
        (b"<table", "HTML"),
        (b"<meta", "HTML"),
        (b"<head", "HTML"),
        (b"<?xml", "XML"),
    ] {
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
fn cfb_is_encrypted(path: &Path) -> Result<bool, String> {
    let needle: Vec<u8> = "EncryptionInfo".encode_utf16().flat_map(u16::to_le_bytes).collect();
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(file).take(CFB_SCAN_BYTES);
    let mut buf = vec![0u8; 1 << 16];
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = reader.read(&mut buf).map_err(|e| e.to_string())?;
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

/// Checks a zip workbook's central directory against the limits, then the `<dimension>` of
/// each worksheet.
fn check_zip(path: &Path, limits: &Limits) -> Result<(), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| format!("zip 文件已损坏 / corrupt zip archive: {e}"))?;
    let max_total = limits.max_uncompressed_mib.saturating_mul(1 << 20);
    let mut total: u64 = 0;
    let mut sheets = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| format!("zip 文件已损坏 / corrupt zip archive: {e}"))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let (size, packed) = (entry.size(), entry.compressed_size());
        if entry.encrypted() {
            return Err(format!("zip 条目已加密 / encrypted zip entry: {name}"));
        }
        total = total.saturating_add(size);
        if total > max_total {
            return Err(format!(
                "解压后超过 {} MiB 上限 / declared uncompressed size exceeds the limit of {} MiB (limits.max_uncompressed_mib)",
                limits.max_uncompressed_mib, limits.max_uncompressed_mib
            ));
        }
        if size >= RATIO_MIN_BYTES && size / packed.max(1) > limits.max_compression_ratio {
            return Err(format!(
                "条目 {name} 压缩比 {} 超过上限 {}（疑似压缩炸弹）/ entry {name}: compression ratio {} exceeds the limit of {} (limits.max_compression_ratio)",
                size / packed.max(1),
                limits.max_compression_ratio,
                size / packed.max(1),
                limits.max_compression_ratio
            ));
        }
        if is_worksheet(&name) {
            sheets.push(i);
        }
    }
    for i in sheets {
        let Ok(entry) = zip.by_index(i) else { continue };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let mut head = Vec::new();
        // A corrupt stream is left for calamine to report with the sheet's name.
        if entry.take(DIMENSION_SCAN_BYTES).read_to_end(&mut head).is_err() && head.is_empty() {
            continue;
        }
        if let Some((rows, cols)) = declared_dimension(&head) {
            let sheet = name.rsplit('/').next().unwrap_or(&name);
            if rows > limits.max_rows {
                return Err(format!(
                    "{sheet} 声明 {rows} 行，超过 {} 行上限 / {sheet} declares {rows} rows, beyond the limit of {} (limits.max_rows)",
                    limits.max_rows, limits.max_rows
                ));
            }
            if cols > limits.max_columns {
                return Err(format!(
                    "{sheet} 声明 {cols} 列，超过 {} 列上限 / {sheet} declares {cols} columns, beyond the limit of {} (limits.max_columns)",
                    limits.max_columns, limits.max_columns
                ));
            }
        }
    }
    Ok(())
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
    fn reads_dimensions() {
        assert_eq!(declared_dimension(br#"<worksheet><dimension ref="A1:XFD1048576"/>"#), Some((1_048_576, 16_384)));
        assert_eq!(declared_dimension(br#"<x:dimension ref="B2:C3"/>"#), Some((2, 2)));
        assert_eq!(declared_dimension(br#"<dimension ref="A1"/>"#), Some((1, 1)));
        assert_eq!(declared_dimension(br#"<dimension ref="1:2"/>"#), None);
        assert_eq!(declared_dimension(br#"<sheetData/>"#), None);
    }

    #[test]
    fn sniffs() {
        assert_eq!(sniff_text(b"  <!DOCTYPE html><html>"), Sniff::Markup("HTML"));
        assert_eq!(sniff_text(b"<table><tr>"), Sniff::Markup("HTML"));
        assert_eq!(sniff_text("事项名称,实施编码\n".as_bytes()), Sniff::Text);
        assert_eq!(sniff_text(b"\x00\x01\x02garbage"), Sniff::Binary);
    }
}
