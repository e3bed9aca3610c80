//! CSV that Excel opens: every CSV qingdan writes starts with a UTF-8 byte-order mark by
//! default (Chinese Excel reads a CSV without one as GBK), or is GB18030 for offices whose tools
//! want it; values a spreadsheet would evaluate are defused in one place.

use std::io::Write;

use encoding_rs::GB18030;

/// The encoding of CSV outputs (`--output-encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputEncoding {
    /// UTF-8 with a byte-order mark (what Excel needs to show Chinese).
    #[default]
    Utf8Bom,
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// GB18030.
    Gb18030,
}

/// Neutralizes a value a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR first) with a
/// leading apostrophe.
pub fn defuse(v: &str) -> std::borrow::Cow<'_, str> {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) { std::borrow::Cow::Owned(format!("'{v}")) } else { std::borrow::Cow::Borrowed(v) }
}

/// A writer taking UTF-8 and writing it in an [`OutputEncoding`]: the BOM before the first
/// byte, or GB18030 (characters split across writes are carried to the next write).
pub struct EncodedWriter<W: Write> {
    inner: W,
    encoding: OutputEncoding,
    started: bool,
    carry: Vec<u8>,
}

impl<W: Write> EncodedWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W, encoding: OutputEncoding) -> EncodedWriter<W> {
        EncodedWriter { inner, encoding, started: false, carry: Vec::new() }
    }

    /// Writes any carried bytes and returns the inner writer.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.flush()?;
        if !self.carry.is_empty() {
            let rest = String::from_utf8_lossy(&self.carry).into_owned();
            self.carry.clear();
            self.write_gb(&rest)?;
        }
        Ok(self.inner)
    }

    fn write_gb(&mut self, text: &str) -> std::io::Result<()> {
        let (bytes, _, _) = GB18030.encode(text);
        self.inner.write_all(&bytes)
    }
}

impl<W: Write> Write for EncodedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.started {
            self.started = true;
            if self.encoding == OutputEncoding::Utf8Bom {
                self.inner.write_all(b"\xEF\xBB\xBF")?;
            }
        }
        if self.encoding != OutputEncoding::Gb18030 {
            return self.inner.write(buf);
        }
        self.carry.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.carry) {
            Ok(_) => self.carry.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            // Invalid bytes in the middle cannot come from qingdan's own strings: replace them.
            Err(_) => self.carry.len(),
        };
        let head: Vec<u8> = self.carry.drain(..valid).collect();
        let text = String::from_utf8_lossy(&head).into_owned();
        self.write_gb(&text)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes CSV records (UTF-8 strings, defused) in `encoding` to `w`.
pub fn write_records<'a>(
    w: &mut dyn Write,
    encoding: OutputEncoding,
    records: impl IntoIterator<Item = Vec<std::borrow::Cow<'a, str>>>,
) -> std::io::Result<()> {
    let enc = EncodedWriter::new(w, encoding);
    let mut csv = csv::Writer::from_writer(enc);
    for r in records {
        csv.write_record(r.iter().map(|v| defuse(v).into_owned()))?;
    }
    csv.flush()?;
    let enc = csv.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?;
    enc.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_gb18030() {
        let mut out = Vec::new();
        write_records(&mut out, OutputEncoding::Utf8Bom, [vec!["事项".into(), "=1+1".into()]]).unwrap();
        assert_eq!(out, "\u{feff}事项,'=1+1\n".as_bytes());
        let mut out = Vec::new();
        {
            let mut w = EncodedWriter::new(&mut out, OutputEncoding::Gb18030);
            let bytes = "事项名称".as_bytes();
            // Split inside a character.
            w.write_all(&bytes[..4]).unwrap();
            w.write_all(&bytes[4..]).unwrap();
            w.finish().unwrap();
        }
        let (text, _, bad) = GB18030.decode(&out);
        assert!(!bad);
        assert_eq!(text, "事项名称");
    }
}
