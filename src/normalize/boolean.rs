//! Booleans (fields.md §5): 是/否, Y/N, √/×, 有/无, 1/0, true/false, and a few longer forms
//! seen in real sheets (是否收费 → 收费 / 不收费).

/// Parses a boolean in any of its written forms; `None` when the text is not a recognizable
/// yes or no. Looked up by the folding key (so `是。`, `（是）`, `Ｙ` read), then by its leading
/// word when a note follows it (`是（收费）`, `否，不收费`).
pub fn parse_bool(s: &str) -> Option<bool> {
    // A word as it stands needs no folding (the words are fixed points of the folding key).
    if let Some(b) = bool_word(s) {
        return Some(b);
    }
    let key = crate::normalize::text::fold_key(s);
    if let Some(b) = bool_word(&key) {
        return Some(b);
    }
    // `是（按规定收费）`, `否,免费`: the word before the first bracket or separator decides,
    // when the note does not say the opposite.
    const NOTE_START: [char; 9] = ['(', '（', ',', '，', ';', '；', '、', '：', ':'];
    let lead = s.trim().split(NOTE_START).next()?;
    let lead = bool_word(&crate::normalize::text::fold_key(lead))?;
    let rest = &s.trim()[s.trim().find(NOTE_START)?..];
    match bool_word(&crate::normalize::text::fold_key(rest)) {
        Some(other) if other != lead => None,
        _ => Some(lead),
    }
}

/// The yes/no words, by folding key.
fn bool_word(key: &str) -> Option<bool> {
    match key {
        "是" | "y" | "yes" | "√" | "✓" | "✔" | "●" | "☑" | "有" | "1" | "true" | "t" | "对" | "收费" | "支持" | "已进驻" | "进驻"
        | "可以" | "能" | "需要" | "涉及" | "具备" | "开通" | "已开通" | "可" | "允许" | "实行" | "适用" | "已实现" | "实现" | "提供"
        | "已提供" | "是的" => Some(true),
        "否" | "n" | "no" | "×" | "✗" | "✘" | "○" | "☐" | "x" | "无" | "0" | "false" | "f" | "不收费" | "免费" | "免收费" | "不支持"
        | "未进驻" | "不进驻" | "不可以" | "不能" | "不" | "不需要" | "无需" | "不涉及" | "不具备" | "未开通" | "不可" | "不允许"
        | "不实行" | "不适用" | "未实现" | "不提供" | "未提供" | "没有" | "非" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_fields_md() {
        for y in ["是", "Y", "y", "√", "有", "1", "true", "TRUE", "收费", "是。"] {
            assert_eq!(parse_bool(y), Some(true), "{y}");
        }
        for n in ["否", "N", "×", "无", "0", "false", "False", "不收费", "免费"] {
            assert_eq!(parse_bool(n), Some(false), "{n}");
        }
        for y in ["是（收费）", "（是）", "Ｙ", "是,按标准收费", "涉及"] {
            assert_eq!(parse_bool(y), Some(true), "{y}");
        }
        for n in ["否（不收费）", "否，免费", "不涉及", "未开通"] {
            assert_eq!(parse_bool(n), Some(false), "{n}");
        }
        for bad in ["", "可能", "是的吧", "2", "yes please", "是（不收费）"] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }
}
