//! Text folding: full-width letters, digits, spaces and punctuation to their half-width forms,
//! whitespace trimmed and collapsed. Also the looser keys used to match headers and to compare
//! texts across levels.

/// Folds one full-width character (U+FF01..U+FF5E, U+3000) to its half-width form.
#[inline]
pub fn fold_char(c: char) -> char {
    match c {
        '\u{3000}' | '\u{00A0}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Folds a full-width letter, digit or space to half width, leaving punctuation alone.
#[inline]
pub fn fold_alnum_char(c: char) -> char {
    match c {
        '\u{3000}' | '\u{00A0}' => ' ',
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Folds the width of every character, punctuation included (for 设定依据, fields.md §1).
pub fn fold_all(s: &str) -> String {
    // Only U+00A0, U+3000 and U+FF01..U+FF5E change: the runs between them are copied whole,
    // and CJK ideographs (lead bytes E4..E9) are stepped over a character at a time.
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let (mut last, mut i) = (0, 0);
    while i < b.len() {
        let lead = b[i];
        if lead.wrapping_sub(0xE4) < 6 {
            i += 3;
            continue;
        }
        let folded = match lead {
            0xC2 if b.get(i + 1) == Some(&0xA0) => Some((2, ' ')),
            0xE3 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80) => Some((3, ' ')),
            0xEF => match (b.get(i + 1), b.get(i + 2)) {
                (Some(&b1 @ 0xBC..=0xBD), Some(&b2)) => {
                    let cp = 0xF000 | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
                    char::from_u32(cp).filter(|c| ('\u{FF01}'..='\u{FF5E}').contains(c)).map(|c| (3, fold_char(c)))
                }
                _ => None,
            },
            _ => None,
        };
        match folded {
            Some((len, c)) => {
                out.push_str(&s[last..i]);
                out.push(c);
                i += len;
                last = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&s[last..]);
    out
}

/// `s` without its whitespace, borrowed when it has none (the common case).
pub fn without_whitespace(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(char::is_whitespace) {
        std::borrow::Cow::Owned(s.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Folds width, trims, collapses runs of spaces and tabs inside a line, and normalizes line
/// ends to `\n`; blank lines at the ends are dropped. Returns `None` for an empty result.
pub fn clean(raw: &str) -> Option<String> {
    if !needs_cleaning(raw) {
        return if raw.is_empty() { None } else { Some(raw.to_string()) };
    }
    clean_slow(raw)
}

/// The slow path of [`clean`].
fn clean_slow(raw: &str) -> Option<String> {
    // Full-width letters, digits and spaces are folded; Chinese punctuation (，；：（）) is kept,
    // as published text needs it (comparisons fold it with `fold_key`).
    let folded: String = raw.chars().filter(|c| *c != '\u{0}').map(fold_alnum_char).collect();
    let folded = folded.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<String> =
        folded.split('\n').map(|l| l.split([' ', '\t']).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")).collect();
    let start = lines.iter().position(|l| !l.is_empty());
    let end = lines.iter().rposition(|l| !l.is_empty());
    match (start, end) {
        (Some(s), Some(e)) => Some(lines[s..=e].join("\n")),
        _ => None,
    }
}

/// [`clean`] without an allocation when the text is already clean.
pub fn clean_cow(raw: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !needs_cleaning(raw) {
        return if raw.is_empty() { None } else { Some(std::borrow::Cow::Borrowed(raw)) };
    }
    clean_slow(raw).map(std::borrow::Cow::Owned)
}

/// [`clean`] for an owned string: returns the same result, reusing `raw` when it is already
/// clean (the common case), so that reading a cell costs no second allocation.
pub fn clean_owned(raw: String) -> Option<String> {
    if !needs_cleaning(&raw) {
        return if raw.is_empty() { None } else { Some(raw) };
    }
    clean_slow(&raw)
}

/// Whether [`clean`] must run its slow path. The historical screen (width variants, odd spaces,
/// whitespace at the ends) sends any text with full-width punctuation there, though the slow
/// path keeps punctuation; so the slow path runs only when the screen says so *and* it could
/// change the text: a character it folds or drops (`\0`, `\r`, tabs, whatever
/// `fold_alnum_char` changes), a run of spaces, a space beside a line break, or a space or line
/// break at either end. Without any of those every line is already trimmed and collapsed and
/// no blank line sits at an end, so the slow path would return the text unchanged.
fn needs_cleaning(raw: &str) -> bool {
    let b = raw.as_bytes();
    // Whether the historical screen takes the text for its ends is only asked at the end, and
    // only when the spaces or line ends would change.
    let mut screen = Screen { screened: false, changes: matches!(b.first(), Some(b' ' | b'\n')) || matches!(b.last(), Some(b' ' | b'\n')) };
    let mut j = 0;
    while j < b.len() {
        let c = b[j];
        // Every other character is stepped over whole: CJK ideographs make most of a Chinese
        // text, and none of them is ever changed.
        let step = STEP[usize::from(c)];
        if step != 0 {
            j += usize::from(step);
            continue;
        }
        if screen.hit(b, j) {
            return true;
        }
        j += match c {
            0xC2 => 2,
            0xE3 | 0xEF => 3,
            _ => 1,
        };
    }
    screen.changes && (screen.screened || raw.starts_with(char::is_whitespace) || raw.ends_with(char::is_whitespace))
}

/// How [`needs_cleaning`] steps over a text: the length of the UTF-8 character a byte starts,
/// or 0 for the bytes [`Screen::hit`] must look at (`\0 \t \r`, space, C2, E3, EF).
const STEP: [u8; 256] = {
    let mut t = [1u8; 256];
    let mut i = 0xC0;
    while i < 0x100 {
        t[i] = if i < 0xE0 {
            2
        } else if i < 0xF0 {
            3
        } else {
            4
        };
        i += 1;
    }
    t[0] = 0;
    t[b'\t' as usize] = 0;
    t[b'\r' as usize] = 0;
    t[b' ' as usize] = 0;
    t[0xC2] = 0;
    t[0xE3] = 0;
    t[0xEF] = 0;
    t
};

/// What [`needs_cleaning`] has learnt so far: whether the historical screen would send the
/// text to the slow path, and whether the slow path would change its spaces or line ends.
struct Screen {
    screened: bool,
    changes: bool,
}

impl Screen {
    /// Looks at the byte at `j` (one of `\0 \t \r`, space, C2, E3, EF); true when the slow
    /// path must run whatever else the text holds.
    #[inline]
    fn hit(&mut self, b: &[u8], j: usize) -> bool {
        match b[j] {
            0 | b'\t' | b'\r' => true,
            0xC2 => b.get(j + 1) == Some(&0xA0),
            0xE3 => b.get(j + 1) == Some(&0x80) && b.get(j + 2) == Some(&0x80),
            b' ' => match (j.checked_sub(1).map(|p| b[p]), b.get(j + 1)) {
                (Some(b' '), _) => true,
                (Some(b'\n'), _) | (_, Some(b'\n')) => {
                    self.changes = true;
                    false
                }
                _ => false,
            },
            _ => {
                let (Some(&b1 @ 0xBC..=0xBD), Some(&b2)) = (b.get(j + 1), b.get(j + 2)) else { return false };
                let cp = 0xF000 | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
                if !(0xFF01..=0xFF5E).contains(&cp) {
                    return false;
                }
                self.screened = true;
                let ch = char::from_u32(cp).unwrap_or(' ');
                fold_alnum_char(ch) != ch
            }
        }
    }
}

/// Characters without case in the CJK blocks (U+2E80..U+9FFF, Hangul, compatibility ideographs):
/// `to_lowercase` maps each to itself, so it can be skipped.
#[inline]
fn is_caseless(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}')
}

/// Calls `f` with the NFKC compatibility form of `c` (full-width forms, circled digits,
/// compatibility ideographs and the like folded); ASCII and CJK unified ideographs, which NFKC
/// leaves alone, skip the tables.
#[inline]
fn for_nfkc(c: char, mut f: impl FnMut(char)) {
    if c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        f(c);
        return;
    }
    match c {
        '\u{3000}' | '\u{00A0}' => f(' '),
        '\u{FF01}'..='\u{FF5E}' => f(fold_char(c)),
        _ => {
            use unicode_normalization::UnicodeNormalization;
            for d in std::iter::once(c).nfkc() {
                f(d);
            }
        }
    }
}

/// Calls `f` with each character [`fold_key`] keeps of `c`: NFKC-folded, lower-cased, with
/// whitespace and punctuation (brackets, quotes, separators, `*`, `:`) dropped.
#[inline]
fn for_key_chars(c: char, mut f: impl FnMut(char)) {
    // Fast paths: CJK ideographs are kept as they are; ASCII needs no table.
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        f(c);
        return;
    }
    if c.is_ascii() {
        if !c.is_whitespace() && !c.is_ascii_punctuation() {
            f(c.to_ascii_lowercase());
        }
        return;
    }
    if plain_punct(c) {
        return;
    }
    for_nfkc(c, |d| {
        if d.is_whitespace() || is_punct(d) {
            return;
        }
        if d.is_ascii() {
            f(d.to_ascii_lowercase());
        } else if is_caseless(d) {
            f(d);
        } else {
            for l in d.to_lowercase() {
                f(l);
            }
        }
    });
}

/// Common punctuation of Chinese text that [`fold_key`] drops whatever NFKC makes of it (CJK
/// brackets, `、。`, quotes, dashes, `…`, `·`, full-width `，；：（）`), so the normalization
/// tables need not be consulted.
#[inline]
fn plain_punct(c: char) -> bool {
    matches!(
        c,
        '\u{3001}'..='\u{3003}'
            | '\u{3008}'..='\u{3011}'
            | '\u{3014}'..='\u{301F}'
            | '\u{2010}'..='\u{2016}'
            | '\u{2018}'..='\u{2027}'
            | '\u{FF01}'..='\u{FF0F}'
            | '\u{FF1A}'..='\u{FF20}'
            | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF5E}'
            | '·'
    )
}

/// Marks written around a header or value that say "required" or decorate it: leading or
/// trailing `*` `★` `※` `▲` `●`, a trailing colon, and a trailing bracketed note such as
/// `（必填）`, `【必填项】`, `(选填)`, `(如有)`.
pub fn strip_markers(raw: &str) -> String {
    const MARKS: &[char] = &['*', '＊', '★', '☆', '※', '▲', '△', '●', '◆', '■', '#', '＃', '√'];
    const NOTE_WORDS: &[&str] = &["必填", "选填", "必须", "必需", "可选", "必选", "非必", "如有", "若有", "可不填", "可空", "填写"];
    let mut s = raw.trim().to_string();
    loop {
        let before = s.len();
        s = s.trim_matches(|c: char| c.is_whitespace() || MARKS.contains(&c)).trim_end_matches([':', '：']).to_string();
        if let Some((open, close)) = trailing_bracket(&s) {
            let inner = &s[open..close];
            if NOTE_WORDS.iter().any(|w| inner.contains(w)) {
                s.truncate(open_start(&s, open));
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// Byte range of the content of a bracketed segment that ends `s` (`(…)`, `（…）`, `[…]`,
/// `【…】`, `〔…〕`), if any.
fn trailing_bracket(s: &str) -> Option<(usize, usize)> {
    let last = s.chars().next_back()?;
    let open = match last {
        ')' => '(',
        '）' => '（',
        ']' => '[',
        '】' => '【',
        '〕' => '〔',
        '］' => '［',
        _ => return None,
    };
    let close_at = s.len() - last.len_utf8();
    let open_at = s[..close_at].rfind([open, '(', '（'])?;
    let open_len = s[open_at..].chars().next().map_or(1, char::len_utf8);
    Some((open_at + open_len, close_at))
}

/// The byte index of the opening bracket whose content starts at `content_start`.
fn open_start(s: &str, content_start: usize) -> usize {
    s[..content_start].char_indices().next_back().map_or(0, |(i, _)| i)
}

/// Whether `c` opens a bracketed segment.
fn is_open_bracket(c: char) -> bool {
    matches!(c, '(' | '（' | '[' | '［' | '【' | '〔' | '〖' | '<' | '〈' | '《' | '{')
}

/// Whether `c` closes a bracketed segment.
fn is_close_bracket(c: char) -> bool {
    matches!(c, ')' | '）' | ']' | '］' | '】' | '〕' | '〗' | '>' | '〉' | '》' | '}')
}

/// Splits `raw` into the text outside brackets and the contents of its bracketed segments:
/// `法定办结时限（工作日）` → (`法定办结时限`, [`工作日`]). Unbalanced brackets are kept as text.
pub fn split_brackets(raw: &str) -> (String, Vec<String>) {
    let mut outside = String::with_capacity(raw.len());
    let mut inside = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in raw.chars() {
        if is_open_bracket(c) {
            if depth > 0 {
                current.push(c);
            }
            depth += 1;
        } else if is_close_bracket(c) && depth > 0 {
            depth -= 1;
            if depth == 0 {
                inside.push(std::mem::take(&mut current));
            } else {
                current.push(c);
            }
        } else if depth > 0 {
            current.push(c);
        } else {
            outside.push(c);
        }
    }
    if depth > 0 {
        // An unclosed bracket: its text was never a note.
        outside.push_str(&current);
    }
    (outside, inside)
}

/// A character [`fold_header`] leaves unchanged wherever it stands: an ASCII lower-case letter
/// or digit, or a CJK ideograph.
#[inline]
fn plain_header_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// The key a header is matched by: the [`fold_key`] of the header without its markers
/// ([`strip_markers`]): `*事项名称（必填）：` and `事项 名称` both give `事项名称`.
pub fn fold_header(raw: &str) -> String {
    // Fast path: nothing to fold, trim, strip or lower-case.
    if raw.chars().all(plain_header_char) {
        return raw.to_string();
    }
    fold_key(&strip_markers(raw))
}

/// The one folding key of qingdan, used for every lookup (headers, closed vocabularies) and for
/// comparing texts across levels: Unicode NFKC (full-width letters, digits, brackets and
/// punctuation to their plain forms), whitespace and line breaks removed, punctuation and
/// brackets removed (their contents kept), ASCII and other cased letters lower-cased. Only real
/// differences in wording remain: `苏木乡镇（街道）级` and `苏木乡镇(街道)级` have one key.
pub fn fold_key(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        for_key_chars(c, |k| out.push(k));
    }
    out
}

/// Feeds the characters of [`fold_key`] to `h` without building the key: equal keys hash
/// equally, so fingerprints of long texts cost no allocation.
pub fn hash_fold_key<H: std::hash::Hasher>(raw: &str, h: &mut H) {
    // Key bytes go to the hasher in blocks of exactly `KEY_BLOCK` bytes from a stack buffer (and
    // the rest last): where the blocks end depends on the key alone, so equal keys make equal
    // `write` calls whatever hasher is used.
    let mut sink = KeySink { buf: [0; KEY_BLOCK], n: 0 };
    let b = raw.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Fast path: lead bytes E4..E9 start U+4000..U+9FFF (CJK ideographs and extension A),
        // which the key keeps as they are (no width variant, no space, no punctuation, no case):
        // a run of them is copied at once.
        let run = i;
        while i < b.len() && b[i].wrapping_sub(0xE4) < 6 {
            i += 3;
        }
        if i > run {
            sink.push(&b[run..i], h);
            continue;
        }
        let Some(c) = raw[i..].chars().next() else { break };
        i += c.len_utf8();
        for_key_chars(c, |k| sink.push_char(k, h));
    }
    h.write(&sink.buf[..sink.n]);
}

/// The block size of [`hash_fold_key`].
const KEY_BLOCK: usize = 256;

/// The buffer of [`hash_fold_key`]: bytes are written to the hasher a full block at a time.
struct KeySink {
    buf: [u8; KEY_BLOCK],
    n: usize,
}

impl KeySink {
    /// Appends `bytes`, writing each block to `h` as it fills.
    #[inline]
    fn push<H: std::hash::Hasher>(&mut self, mut bytes: &[u8], h: &mut H) {
        loop {
            let room = KEY_BLOCK - self.n;
            if bytes.len() <= room {
                self.buf[self.n..self.n + bytes.len()].copy_from_slice(bytes);
                self.n += bytes.len();
                return;
            }
            self.buf[self.n..].copy_from_slice(&bytes[..room]);
            h.write(&self.buf);
            self.n = 0;
            bytes = &bytes[room..];
        }
    }

    /// Appends one character, encoded in place when it fits.
    #[inline]
    fn push_char<H: std::hash::Hasher>(&mut self, c: char, h: &mut H) {
        let len = c.len_utf8();
        if self.n + len <= KEY_BLOCK {
            c.encode_utf8(&mut self.buf[self.n..]);
            self.n += len;
        } else {
            let mut tmp = [0u8; 4];
            self.push(c.encode_utf8(&mut tmp).as_bytes(), h);
        }
    }
}

/// Punctuation for [`fold_key`]: ASCII punctuation, general punctuation (dashes, quotes, `…`,
/// `※`), CJK symbols and punctuation (`、。` and the CJK brackets), vertical and small forms,
/// and the middle dots. Not `×` or `√`, which are values.
fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '\u{2010}'..='\u{2027}'
                | '\u{2030}'..='\u{205E}'
                | '\u{3001}'..='\u{3003}'
                | '\u{3008}'..='\u{3011}'
                | '\u{3014}'..='\u{301F}'
                | '\u{FE10}'..='\u{FE19}'
                | '\u{FE30}'..='\u{FE6B}'
                | '\u{FF01}'..='\u{FF0F}'
                | '\u{FF1A}'..='\u{FF20}'
                | '\u{FF3B}'..='\u{FF40}'
                | '\u{FF5B}'..='\u{FF65}'
                | '·'
                | '・'
                | '¨'
                | '´'
        )
}

/// Splits a multi-valued cell on `^`, `、`, `，`, `,`, `;`, `；`, `/`, `|` and line breaks, but not
/// inside brackets: `县（市、区）级` is one value, `市级、县级` two.
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if is_open_bracket(c) {
            depth += 1;
        } else if is_close_bracket(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && matches!(c, '^' | '、' | '，' | ',' | ';' | '；' | '\n' | '/' | '|') {
            parts.push(&s[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&s[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty())
}

/// Whether a value says "none" (无, 没有, /, -, 不涉及 …).
pub fn says_none(s: &str) -> bool {
    // Long texts are never "none"; short ones are folded (`/`, `-`, `——` fold to nothing).
    if s.len() > 48 {
        return false;
    }
    let k = fold_key(s);
    k.is_empty()
        || matches!(
            k.as_str(),
            "无" | "没有" | "不涉及" | "暂无" | "无材料" | "无需材料" | "无需提供材料" | "否" | "空" | "不需要" | "无需"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The fast path returns exactly what the historical screen-then-slow-path returned.
        #[test]
        fn fast_clean_matches_the_screened_slow_path(v in proptest::collection::vec(0usize..18, 0..40)) {
            const CHARS: [char; 18] = [' ', '\n', '\r', '\t', 'a', '，', 'Ａ', '\u{3000}', '中', '\u{0}', '\u{2003}', '（', '\u{A0}', '１', '～', 'é', '𠀀', '、'];
            let raw: String = v.into_iter().map(|i| CHARS[i]).collect();
            let screened = raw.chars().any(|c| matches!(c, '\u{3000}' | '\u{00A0}' | '\u{FF01}'..='\u{FF5E}' | '\r' | '\t' | '\u{0}'))
                || raw.contains("  ")
                || raw.starts_with(char::is_whitespace)
                || raw.ends_with(char::is_whitespace);
            let expected = if screened { clean_slow(&raw) } else if raw.is_empty() { None } else { Some(raw.clone()) };
            proptest::prop_assert_eq!(clean(&raw), expected.clone());
            proptest::prop_assert_eq!(clean_owned(raw), expected);
        }

        /// The fast path of `fold_header` agrees with its definition, and `fold_key` with the
        /// plain per-character definition.
        #[test]
        fn fast_keys_match(v in proptest::collection::vec(0usize..16, 0..10)) {
            const CHARS: [char; 16] = [' ', 'A', 'a', '事', '（', '(', '*', '：', ':', '-', '，', 'Ａ', 'İ', '【', '１', '\n'];
            let raw: String = v.into_iter().map(|i| CHARS[i]).collect();
            let plain: String = raw.chars().map(fold_char).filter(|c| !c.is_whitespace() && !is_punct(*c)).flat_map(|c| c.to_lowercase()).collect();
            proptest::prop_assert_eq!(fold_key(&raw), plain);
            proptest::prop_assert_eq!(fold_header(&raw), fold_key(&strip_markers(&raw)));
        }
    }

    proptest::proptest! {
        /// Hashing the key in blocks equals hashing the built key, across block boundaries.
        #[test]
        fn key_hash_is_the_hash_of_the_key(v in proptest::collection::vec(0usize..14, 0..300)) {
            use std::hash::Hasher;
            const CHARS: [char; 14] = ['A', 'b', '事', '，', ' ', 'Ａ', 'İ', '１', '\u{3000}', '、', '𠀀', '\u{4000}', 'é', '\u{9FFF}'];
            let raw: String = v.into_iter().map(|i| CHARS[i]).collect();
            let mut streamed = std::collections::hash_map::DefaultHasher::new();
            hash_fold_key(&raw, &mut streamed);
            let mut whole = std::collections::hash_map::DefaultHasher::new();
            whole.write(fold_key(&raw).as_bytes());
            proptest::prop_assert_eq!(streamed.finish(), whole.finish());
        }
    }

    proptest::proptest! {
        /// The run-copying `fold_all` folds exactly what folding each character does.
        #[test]
        fn fold_all_folds_each_character(v in proptest::collection::vec(0usize..16, 0..60)) {
            const CHARS: [char; 16] = ['a', ' ', '，', 'Ａ', '\u{3000}', '\u{A0}', '中', '、', '～', '｟', '\u{FF00}', '\u{FF5F}', 'é', '𠀀', '\u{3001}', '\u{9FFF}'];
            let raw: String = v.into_iter().map(|i| CHARS[i]).collect();
            proptest::prop_assert_eq!(fold_all(&raw), raw.chars().map(fold_char).collect::<String>());
        }
    }

    #[test]
    fn plain_punctuation_folds_to_nothing() {
        // The fast path of `for_key_chars` drops these without NFKC: NFKC must give nothing kept.
        for c in (0..=0x10FFFF).filter_map(char::from_u32).filter(|c| plain_punct(*c)) {
            let mut kept = Vec::new();
            for_nfkc(c, |d| {
                if !(d.is_whitespace() || is_punct(d)) {
                    kept.push(d);
                }
            });
            assert!(kept.is_empty(), "{c:?} keeps {kept:?}");
        }
    }

    #[test]
    fn clean_folds_width_and_space() {
        assert_eq!(clean("  ＡＢＣ　１２３  ").as_deref(), Some("ABC 123"));
        assert_eq!(clean("a\r\nb\rc").as_deref(), Some("a\nb\nc"));
        assert_eq!(clean("  \n  "), None);
        assert_eq!(clean(""), None);
        assert_eq!(clean("事项名称").as_deref(), Some("事项名称"));
        assert_eq!(clean("a\u{0}b").as_deref(), Some("ab"));
        assert_eq!(clean("x  y").as_deref(), Some("x y"));
        assert_eq!(clean("条件：一、具有营业执照；（二）").as_deref(), Some("条件：一、具有营业执照；（二）"), "Chinese punctuation kept");
    }

    #[test]
    fn brackets_split() {
        assert_eq!(split_brackets("法定办结时限（工作日）"), ("法定办结时限".to_string(), vec!["工作日".to_string()]));
        assert_eq!(split_brackets("a(b(c)d)e"), ("ae".to_string(), vec!["b(c)d".to_string()]));
        assert_eq!(split_brackets("a（b"), ("ab".to_string(), vec![]));
    }

    #[test]
    fn header_keys() {
        assert_eq!(fold_header("事项名称（必填）"), "事项名称");
        assert_eq!(fold_header(" 事项 名称： "), "事项名称");
        assert_eq!(fold_header("*实施主体编码"), "实施主体编码");
        assert_eq!(fold_header("taskName"), "taskname");
        assert_eq!(fold_header("行政区划代码(12位)"), "行政区划代码12位");
        assert_eq!(fold_header("★事项名称【必填项】"), "事项名称");
        assert_eq!(fold_header("事项\n名称（如有请填写）："), "事项名称");
        assert_eq!(fold_key("苏木乡镇（街道）级"), fold_key("苏木乡镇(街道)级"));
        assert_eq!(fold_key("①事项"), "1事项");
    }

    #[test]
    fn fold_keys_ignore_punctuation() {
        assert_eq!(fold_key("《中华人民共和国行政许可法》第十二条"), fold_key("中华人民共和国行政许可法 第十二条。"));
        assert_ne!(fold_key("第十二条"), fold_key("第十三条"));
    }

    #[test]
    fn lists_split() {
        assert_eq!(split_list("自然人^企业法人").collect::<Vec<_>>(), ["自然人", "企业法人"]);
        assert_eq!(split_list("市级、县级，乡级").collect::<Vec<_>>(), ["市级", "县级", "乡级"]);
        assert_eq!(split_list("县（市、区）级、乡（镇、街道）级").collect::<Vec<_>>(), ["县（市、区）级", "乡（镇、街道）级"]);
        assert_eq!(split_list("a)b、c").collect::<Vec<_>>(), ["a)b", "c"]);
    }
}
