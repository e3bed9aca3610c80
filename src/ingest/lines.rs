//! Blank lines kept as rows. The csv crate skips empty lines, but a person opening the file in
//! a spreadsheet sees each as a row, and findings must name the row they see. This reader marks
//! every blank line with a lone NUL byte so that it parses as a record of one `"\0"` field,
//! which the CSV reader turns into a blank row. NUL never occurs in real text, and NUL bytes
//! are stripped from every field anyway.

use std::io::{self, Read};

/// Wraps a byte stream, inserting `\0` at the start of every blank line (`\n`, `\r\n` or `\r`
/// terminators).
pub struct BlankLines<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    at_line_start: bool,
    prev_cr: bool,
}

impl<R: Read> BlankLines<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> BlankLines<R> {
        BlankLines { inner, buf: Vec::with_capacity(1 << 16), pos: 0, at_line_start: true, prev_cr: false }
    }

    fn fill(&mut self) -> io::Result<usize> {
        let mut raw = [0u8; 1 << 16];
        let n = self.inner.read(&mut raw)?;
        self.buf.clear();
        self.pos = 0;
        let raw = &raw[..n];
        let mut last = 0;
        // Only bytes right after a terminator need looking at: scan terminators with memchr.
        for i in memchr::memchr2_iter(b'\n', b'\r', raw) {
            let b = raw[i];
            // Bytes since the last terminator: a non-empty run means the line was not blank.
            if i > last {
                self.at_line_start = false;
                self.prev_cr = false;
            }
            let continues_crlf = b == b'\n' && self.prev_cr;
            self.buf.extend_from_slice(&raw[last..i]);
            if self.at_line_start && !continues_crlf {
                self.buf.push(0);
            }
            self.buf.push(b);
            self.at_line_start = true;
            self.prev_cr = b == b'\r';
            last = i + 1;
        }
        if last < n {
            self.at_line_start = false;
            self.prev_cr = false;
            self.buf.extend_from_slice(&raw[last..]);
        }
        Ok(n)
    }
}

impl<R: Read> Read for BlankLines<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.buf.len() {
            if self.fill()? == 0 {
                return Ok(0);
            }
        }
        let k = out.len().min(self.buf.len() - self.pos);
        out[..k].copy_from_slice(&self.buf[self.pos..self.pos + k]);
        self.pos += k;
        Ok(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        BlankLines::new(s).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn marks_blank_lines_in_every_line_ending() {
        assert_eq!(marked(b"a\n\nb\n"), b"a\n\0\nb\n");
        assert_eq!(marked(b"a\r\n\r\nb\r\n"), b"a\r\n\0\r\nb\r\n");
        assert_eq!(marked(b"a\r\rb"), b"a\r\0\rb");
        assert_eq!(marked(b"\na"), b"\0\na");
        assert_eq!(marked(b"a,b\n1,2\n"), b"a,b\n1,2\n");
    }

    #[test]
    fn terminators_split_across_reads() {
        struct Chunks(Vec<Vec<u8>>);
        impl Read for Chunks {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() {
                    return Ok(0);
                }
                let c = self.0.remove(0);
                out[..c.len()].copy_from_slice(&c);
                Ok(c.len())
            }
        }
        let mut out = Vec::new();
        BlankLines::new(Chunks(vec![b"a\r".to_vec(), b"\n\r".to_vec(), b"\nb".to_vec()])).read_to_end(&mut out).unwrap();
        assert_eq!(out, b"a\r\n\0\r\nb");
    }
}
