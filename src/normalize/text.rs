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

/// Folds width, trims, collapses runs of spaces and tabs inside a line, and normalizes line
/// ends to `\n`; blank lines at the ends are dropped. Returns `None` for an empty result.
pub fn clean(raw: &str) -> Option<String> {
    // Fast path: already-clean ASCII/CJK text without width variants or odd spaces.
    let needs_work = raw.chars().any(|c| matches!(c, '\u{3000}' | '\u{00A0}' | '\u{FF01}'..='\u{FF5E}' | '\r' | '\t' | '\u{0}'))
        || raw.contains("  ")
        || raw.starts_with(char::is_whitespace)
        || raw.ends_with(char::is_whitespace);
    if !needs_work {
        return if raw.is_empty() { None } else { Some(raw.to_string()) };
    }
    let folded: String = raw.chars().filter(|c| *c != '\u{0}').map(fold_char).collect();
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

/// The key a header is matched by: width folded, spaces, brackets and their contents when they
/// are a note (`（必填）`, `(选填)`, `*`), and a trailing colon removed, ASCII lower-cased.
pub fn fold_header(raw: &str) -> String {
    let folded: String = raw.chars().map(fold_char).collect();
    let mut s = folded.trim().trim_end_matches([':', '：']).to_string();
    // Drop a trailing bracketed note such as (必填) or (选填).
    for note in ["(必填)", "(选填)", "(必须)", "(可选)", "(非必填)", "*", "(必填项)", "【必填】", "[必填]"] {
        if let Some(stripped) = s.strip_suffix(note) {
            s = stripped.to_string();
        }
    }
    s.trim_start_matches('*')
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '[' | ']' | '【' | '】' | '《' | '》' | '_' | '-' | ':' | '：'))
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// The key two texts are compared by across levels: width folded, every space and punctuation
/// mark removed (so only real differences in wording remain).
pub fn compare_key(raw: &str) -> String {
    raw.chars().map(fold_char).filter(|c| !c.is_whitespace() && !is_punct(*c)).flat_map(|c| c.to_lowercase()).collect()
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '、' | '。'
                | '，'
                | '；'
                | '：'
                | '？'
                | '！'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '《'
                | '》'
                | '（'
                | '）'
                | '【'
                | '】'
                | '〔'
                | '〕'
                | '…'
                | '—'
                | '·'
                | '「'
                | '」'
                | '〈'
                | '〉'
        )
}

/// Splits a multi-valued cell on `^`, `、`, `，`, `,`, `;`, `；`, `/` and line breaks.
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(['^', '、', '，', ',', ';', '；', '\n', '/', '|']).map(str::trim).filter(|p| !p.is_empty())
}

/// Whether a value says "none" (无, 没有, /, -, 不涉及 …).
pub fn says_none(s: &str) -> bool {
    matches!(s, "无" | "没有" | "/" | "-" | "--" | "—" | "——" | "不涉及" | "暂无" | "无材料" | "无需材料" | "否" | "空")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_folds_width_and_space() {
        assert_eq!(clean("  ＡＢＣ　１２３  ").as_deref(), Some("ABC 123"));
        assert_eq!(clean("a\r\nb\rc").as_deref(), Some("a\nb\nc"));
        assert_eq!(clean("  \n  "), None);
        assert_eq!(clean(""), None);
        assert_eq!(clean("事项名称").as_deref(), Some("事项名称"));
        assert_eq!(clean("a\u{0}b").as_deref(), Some("ab"));
        assert_eq!(clean("x  y").as_deref(), Some("x y"));
    }

    #[test]
    fn header_keys() {
        assert_eq!(fold_header("事项名称（必填）"), "事项名称");
        assert_eq!(fold_header(" 事项 名称： "), "事项名称");
        assert_eq!(fold_header("*实施主体编码"), "实施主体编码");
        assert_eq!(fold_header("taskName"), "taskname");
        assert_eq!(fold_header("行政区划代码(12位)"), "行政区划代码12位");
    }

    #[test]
    fn compare_keys_ignore_punctuation() {
        assert_eq!(compare_key("《中华人民共和国行政许可法》第十二条"), compare_key("中华人民共和国行政许可法 第十二条。"));
        assert_ne!(compare_key("第十二条"), compare_key("第十三条"));
    }

    #[test]
    fn lists_split() {
        assert_eq!(split_list("自然人^企业法人").collect::<Vec<_>>(), ["自然人", "企业法人"]);
        assert_eq!(split_list("市级、县级，乡级").collect::<Vec<_>>(), ["市级", "县级", "乡级"]);
    }
}
