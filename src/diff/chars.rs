//! Character-level differences of two values, and invisible characters made visible, so that a
//! reviewer sees what changed (`1.申请[-⏎-]{+；+}2.受理`) rather than two texts that look equal.

/// A run of characters: in both values, only in the old one, or only in the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// In both.
    Same(String),
    /// Only in the old value.
    Del(String),
    /// Only in the new value.
    Ins(String),
}

/// The longest values compared character by character (longer ones: common prefix and suffix
/// only), keeping the quadratic table small.
const MAX_CELLS: usize = 4_000_000;

/// The character differences between `a` and `b` (longest common subsequence; for very long
/// values, the common prefix and suffix around one changed middle).
pub fn char_diff(a: &str, b: &str) -> Vec<Seg> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..].iter().rev().zip(b[pre..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (am, bm) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut out: Vec<Seg> = Vec::new();
    let push = |out: &mut Vec<Seg>, seg: Seg| match (out.last_mut(), &seg) {
        (Some(Seg::Same(x)), Seg::Same(y)) | (Some(Seg::Del(x)), Seg::Del(y)) | (Some(Seg::Ins(x)), Seg::Ins(y)) => x.push_str(y),
        _ => {
            let empty = matches!(&seg, Seg::Same(s) | Seg::Del(s) | Seg::Ins(s) if s.is_empty());
            if !empty {
                out.push(seg)
            }
        }
    };
    push(&mut out, Seg::Same(a[..pre].iter().collect()));
    if am.len().saturating_mul(bm.len()) > MAX_CELLS || am.is_empty() || bm.is_empty() {
        push(&mut out, Seg::Del(am.iter().collect()));
        push(&mut out, Seg::Ins(bm.iter().collect()));
    } else {
        // lcs[i][j]: the LCS length of am[i..] and bm[j..].
        let (n, m) = (am.len(), bm.len());
        let mut lcs = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * (m + 1) + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && am[i] == bm[j] {
                push(&mut out, Seg::Same(am[i].to_string()));
                i += 1;
                j += 1;
            } else if i < n && (j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1]) {
                push(&mut out, Seg::Del(am[i].to_string()));
                i += 1;
            } else {
                push(&mut out, Seg::Ins(bm[j].to_string()));
                j += 1;
            }
        }
    }
    push(&mut out, Seg::Same(a[a.len() - suf..].iter().collect()));
    out
}

/// `s` with invisible and look-alike characters shown: line break `⏎`, carriage return `␍`, tab
/// `⇥`, ideographic space `□`, no-break space `⍽`, zero-width characters as `‹200B›`.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push('⏎'),
            '\r' => out.push('␍'),
            '\t' => out.push('⇥'),
            '\u{3000}' => out.push('□'),
            '\u{a0}' => out.push('⍽'),
            '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' => out.push_str(&format!("‹{:04X}›", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The differences marked in one line: `[-deleted-]{+inserted+}`, invisibles shown.
pub fn marked(a: &str, b: &str) -> String {
    char_diff(a, b)
        .into_iter()
        .map(|s| match s {
            Seg::Same(t) => visible(&t),
            Seg::Del(t) => format!("[-{}-]", visible(&t)),
            Seg::Ins(t) => format!("{{+{}+}}", visible(&t)),
        })
        .collect()
}

/// The characters both values share.
pub fn common_chars(a: &str, b: &str) -> usize {
    char_diff(a, b).iter().map(|s| if let Seg::Same(t) = s { t.chars().count() } else { 0 }).sum()
}

/// The separators of list-like texts: line breaks, `；`, `;` and `、`.
pub fn is_list_separator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '；' | ';' | '、')
}

/// The entries of a list-like text, trimmed, empty ones dropped.
pub fn list_entries(s: &str) -> Vec<&str> {
    s.split(is_list_separator).map(str::trim).filter(|e| !e.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_changed_characters() {
        assert_eq!(marked("1.申请\n2.受理", "1.申请；2.受理"), "1.申请[-⏎-]{+；+}2.受理");
        assert_eq!(marked("10个工作日", "5个工作日"), "[-10-]{+5+}个工作日");
        assert_eq!(marked("abc", "abc"), "abc");
        assert_eq!(marked("", "x"), "{+x+}");
        assert_eq!(visible("a\u{3000}b\u{200b}"), "a□b‹200B›");
    }

    #[test]
    fn list_entries_ignore_separators() {
        assert_eq!(list_entries("1.申请\n2.受理；\n"), ["1.申请", "2.受理"]);
        assert_eq!(list_entries("1.申请；2.受理"), list_entries("1.申请\r\n2.受理"));
    }
}
