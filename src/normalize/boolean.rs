//! Booleans (fields.md §5): 是/否, Y/N, √/×, 有/无, 1/0, true/false, and a few longer forms
//! seen in real sheets (是否收费 → 收费 / 不收费).

/// Parses a width-folded boolean; `None` when the text is not a recognizable yes or no.
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim().trim_end_matches(['。', '.']);
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "是" | "y" | "yes" | "√" | "✓" | "✔" | "有" | "1" | "true" | "t" | "对" | "收费" | "支持" | "已进驻" | "进驻" | "可以" | "能" => {
            Some(true)
        }
        "否" | "n" | "no" | "×" | "✗" | "✘" | "x" | "无" | "0" | "false" | "f" | "不收费" | "免费" | "不支持" | "未进驻" | "不进驻"
        | "不可以" | "不能" | "不" => Some(false),
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
        for bad in ["", "可能", "是的吧", "2", "yes please"] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }
}
