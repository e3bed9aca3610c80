//! Writing outputs safely: to a temporary file in the target folder, then renamed into place,
//! so an interrupted run leaves no half-written file; never over an input, a config file or a
//! file qingdan did not write. Also the one place values are made harmless on the way out:
//! cells a spreadsheet would evaluate ([`defuse`]) and control characters a terminal would
//! obey ([`visible`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::i18n::{Failure, Lang};

/// Why an output could not be written.
#[derive(Debug)]
pub enum OutputError {
    /// The target is one of the inputs.
    WouldOverwriteInput(PathBuf),
    /// An I/O error.
    Io(PathBuf, std::io::Error),
}

impl OutputError {
    /// Renders the error in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            OutputError::WouldOverwriteInput(p) => Failure::WouldOverwriteInput { path: p.display().to_string() }.render(lang),
            OutputError::Io(p, e) => format!("{}: {e}", p.display()),
        }
    }
}

impl std::fmt::Display for OutputError {
    /// Shows the error in the default language (Chinese).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

/// Refuses a target that is (or resolves to) one of `inputs`.
pub fn guard(target: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    let t = target.canonicalize().ok();
    for i in inputs {
        let same = match (&t, i.canonicalize().ok()) {
            (Some(a), Some(b)) => *a == b,
            _ => target == i,
        };
        if same {
            return Err(OutputError::WouldOverwriteInput(target.to_path_buf()));
        }
    }
    Ok(())
}

/// The writer outputs are written through: buffered, seekable and `Send` (as workbook writers need).
pub type OutputWriter<'a> = std::io::BufWriter<&'a mut std::fs::File>;

/// Writes `target` atomically with `write`, which receives a buffered writer on a temporary
/// file in the same folder.
pub fn write_atomic(target: &Path, write: impl FnOnce(&mut OutputWriter<'_>) -> std::io::Result<()>) -> Result<(), OutputError> {
    let io = |e| OutputError::Io(target.to_path_buf(), e);
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new().prefix(".qingdan-").suffix(".tmp").tempfile_in(dir).map_err(io)?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut w).map_err(io)?;
        w.flush().map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    // A temporary file is private (0600); the output gets the permissions of the file it
    // replaces, or the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(target).map(|m| m.permissions().mode() & 0o777).unwrap_or(0o644);
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode)).map_err(io)?;
    }
    tmp.persist(target).map_err(|e| io(e.error))?;
    Ok(())
}

/// Writes bytes produced elsewhere (a workbook buffer) atomically.
pub fn write_bytes_atomic(target: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic(target, |w| w.write_all(bytes))
}

/// Neutralizes a cell a spreadsheet would evaluate as a formula (`=`, `+`, `-`, `@`, tab or CR
/// first) by prefixing `'`. Every cell of every CSV qingdan writes goes through here (values,
/// headers and provenance columns alike, see [`CsvOut`]); xlsx cells are written as string
/// cells, which spreadsheets never evaluate.
pub fn defuse(v: &str) -> std::borrow::Cow<'_, str> {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { std::borrow::Cow::Owned(format!("'{v}")) } else { std::borrow::Cow::Borrowed(v) }
}

/// A CSV writer that defuses every cell it writes.
pub struct CsvOut<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> CsvOut<W> {
    /// Wraps a writer.
    pub fn new(w: W) -> CsvOut<W> {
        CsvOut { inner: csv::Writer::from_writer(w) }
    }

    /// Writes one record, each cell through [`defuse`].
    pub fn write_record<I, S>(&mut self, cells: I) -> std::io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.inner.write_record(cells.into_iter().map(|c| defuse(c.as_ref()).into_owned()))?;
        Ok(())
    }

    /// Flushes the writer.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Shows control characters that a terminal or a log viewer would act on (ESC, CR, BEL, DEL,
/// C1 controls, bidirectional overrides) as escapes (`\x1b`, `\u{202e}`); line breaks and tabs
/// stay.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !hidden(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown() {
        assert_eq!(visible("a\u{1b}[31mb\r\nc\td"), "a\\x1b[31mb\\x0d\nc\td");
        assert_eq!(visible("\u{9b}x\u{202e}"), "\\u{9b}x\\u{202e}");
        assert!(matches!(visible("事项名称"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")+1.csv"), "'=HYPERLINK(\"x\")+1.csv");
        assert_eq!(defuse("-1"), "'-1");
        assert_eq!(defuse("东河区"), "东河区");
    }
}
