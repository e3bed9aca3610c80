//! Row classification: which data rows of a table are items. Under and inside the table,
//! departments write notes (`注：1.本清单依据…`), sign-offs (`填报单位：…  填报日期：…`,
//! `审核人：`, `（单位盖章）`), totals (`合计：35项`), section titles (`一、行政许可`) and
//! repeated header rows; merged-cell filling may copy one such text into every column. A row
//! is an item only when it carries item evidence: a name that is not such a text, or a code,
//! in the mapped columns. Every other non-blank row is skipped and reported once (QD008), so
//! nothing is dropped silently.

use std::collections::HashSet;

use super::table::{Cell, Row};
pub use crate::i18n::SkipReason;
use crate::normalize::text::fold_key;

/// The columns of a table that carry item evidence.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// The 事项名称 column.
    pub name: Option<usize>,
    /// The code columns (基本编码, 实施编码).
    pub codes: Vec<usize>,
}

/// Words that open a note, when a separator, a digit or the end follows them.
const NOTE_WORDS: &[&str] =
    &["注", "注释", "附注", "备注", "说明", "特别说明", "填表说明", "填报说明", "编制说明", "提示", "温馨提示", "附", "附件", "备考"];

/// Words that open a note whatever follows them.
const NOTE_OPENERS: &[&str] = &["本清单", "本表", "本目录", "此表", "以上", "上述", "以下", "如有疑问", "数据来源", "资料来源"];

/// Words that open a total.
const TOTAL_WORDS: &[&str] = &["合计", "总计", "小计", "累计"];

/// Labels of a sign-off, when a separator or the end follows them.
const SIGN_OFF_LABELS: &[&str] = &[
    "单位",
    "填报单位",
    "填表单位",
    "报送单位",
    "制表单位",
    "编制单位",
    "审核单位",
    "填报",
    "填表",
    "制表",
    "审核",
    "审批",
    "复核",
    "核对",
    "签发",
    "日期",
    "时间",
    "电话",
    "手机",
    "邮箱",
    "盖章",
    "公章",
    "签字",
    "签名",
    "签章",
    "负责人",
    "联系人",
    "联系方式",
    "联系电话",
];

/// Endings of a sign-off label (`填报人`, `分管领导`, `填报日期`, `单位负责同志`).
const SIGN_OFF_SUFFIXES: &[&str] = &[
    "人",
    "单位",
    "日期",
    "时间",
    "电话",
    "号码",
    "邮箱",
    "传真",
    "邮编",
    "领导",
    "签字",
    "签名",
    "盖章",
    "同志",
    "负责人",
    "科室",
    "长",
    "员",
];

/// The longest label, in characters, read as a sign-off label before a colon.
const MAX_LABEL_CHARS: usize = 8;

/// What kind of non-item text `text` is, if it is one.
pub fn non_item_text(text: &str) -> Option<SkipReason> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    // A stamp or signature line in brackets: （单位盖章）, (签字).
    if t.starts_with(['(', '（', '[', '【']) && t.len() <= 60 {
        let key = fold_key(t);
        if SIGN_OFF_LABELS.iter().chain(SIGN_OFF_SUFFIXES).any(|w| key.ends_with(w)) && key.chars().count() <= 10 {
            return Some(SkipReason::SignOff);
        }
    }
    // A dated line (`某中心  2024年5月`, `2024年5月6日`): a signature, not an item name.
    if t.chars().count() <= 40 && has_date(t) {
        return Some(SkipReason::SignOff);
    }
    // Prefixes are tested on the text without whitespace: `合  计`, `注 ：`, `说 明`.
    let spaced = t;
    let compact: std::borrow::Cow<'_, str> = if t.contains(char::is_whitespace) {
        std::borrow::Cow::Owned(t.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        std::borrow::Cow::Borrowed(t)
    };
    let t = &*compact;
    // A blank date line of a form: `年  月  日`.
    if !t.is_empty() && t.chars().all(|c| matches!(c, '年' | '月' | '日')) && t.contains('月') {
        return Some(SkipReason::SignOff);
    }
    if TOTAL_WORDS.iter().any(|w| t.starts_with(w)) || counts_records(t) {
        return Some(SkipReason::Total);
    }
    if is_page_marker(t) {
        return Some(SkipReason::Note);
    }
    if NOTE_OPENERS.iter().any(|w| t.starts_with(w)) {
        return Some(SkipReason::Note);
    }
    for w in NOTE_WORDS {
        if let Some(rest) = t.strip_prefix(w)
            && (rest.is_empty()
                || rest
                    .starts_with(|c: char| is_separator(c) || c.is_ascii_digit() || c.is_whitespace() || "①②③④⑤⑥⑦⑧⑨一二三四五".contains(c)))
        {
            return Some(SkipReason::Note);
        }
    }
    // `填报单位：某局`, `审核人：`, `填报日期: 2022年6月`, `联系电话 0472-1234567`.
    let t = spaced;
    let label_end = t.find([':', '：']).map(|i| (i, true)).or_else(|| t.find(char::is_whitespace).map(|i| (i, false)));
    let label = match label_end {
        Some((i, _)) => &t[..i],
        None => t,
    };
    // Folding never lengthens a label; three bytes a character bound the labels worth folding.
    if label.len() > 3 * MAX_LABEL_CHARS + 12 {
        return None;
    }
    let label_key = fold_key(label);
    let n = label_key.chars().count();
    if n > 0
        && n <= MAX_LABEL_CHARS
        && (SIGN_OFF_LABELS.contains(&label_key.as_str())
            || (label_end.is_some_and(|(_, colon)| colon) && SIGN_OFF_SUFFIXES.iter().any(|s| label_key.ends_with(s))))
    {
        return Some(SkipReason::SignOff);
    }
    None
}

/// Whether `t` is a section title: `一、行政许可`, `（二）行政确认类`, `第三部分 公共服务`.
fn is_heading(t: &str) -> bool {
    let t = t.trim();
    let numerals = |c: char| "一二三四五六七八九十".contains(c);
    let after_numerals = t.trim_start_matches(numerals);
    if after_numerals.len() < t.len() && after_numerals.starts_with(['、', '.', '．']) {
        return true;
    }
    if let Some(rest) = t.strip_prefix(['(', '（']) {
        let inner = rest.trim_start_matches(numerals);
        if inner.len() < rest.len() && inner.starts_with([')', '）']) {
            return true;
        }
    }
    if let Some(rest) = t.strip_prefix('第') {
        let inner = rest.trim_start_matches(numerals);
        // `第一部分 行政许可`, `第二类：行政确认`; not `第一类医疗器械产品备案`.
        let after = ["部分", "部", "类", "章", "节", "篇"].iter().find_map(|w| inner.strip_prefix(w));
        return inner.len() < rest.len()
            && after.is_some_and(|a| a.is_empty() || a.starts_with(|c: char| c.is_whitespace() || is_separator(c)));
    }
    false
}

/// Whether `t` holds a calendar date: a four-digit year followed by a month (`2024年5月`,
/// `2024-05`, `2024.5.6`, `2024/5/6`).
fn has_date(t: &str) -> bool {
    let b = t.as_bytes();
    for i in 0..b.len() {
        if i + 4 > b.len() || !b[i..i + 4].iter().all(u8::is_ascii_digit) || (i > 0 && b[i - 1].is_ascii_digit()) {
            continue;
        }
        let year: u32 = t[i..i + 4].parse().unwrap_or(0);
        if !(1949..=2100).contains(&year) {
            continue;
        }
        let rest = &t[i + 4..];
        let rest = rest.strip_prefix("年").or_else(|| rest.strip_prefix(['-', '.', '/'])).unwrap_or("");
        let month: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let after = &rest[month.len()..];
        if !month.is_empty()
            && month.len() <= 2
            && (after.starts_with('月')
                || after.starts_with(['-', '.', '/'])
                || after.is_empty()
                || !after.starts_with(|c: char| c.is_ascii_digit()))
        {
            return true;
        }
    }
    false
}

/// `共 6 条记录`, `共计12项`, `总共 3 个`: a count of what the table holds.
fn counts_records(t: &str) -> bool {
    let Some(rest) = ["共计", "共有", "总共", "总数", "共"].iter().find_map(|w| t.strip_prefix(w)) else { return false };
    let rest = rest.trim_start().trim_start_matches([':', '：']).trim_start();
    let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十百千".contains(c));
    digits.len() < rest.len() && digits.trim_start().starts_with(['条', '项', '个', '件', '行', '类'])
}

/// A page marker left by printing or PDF conversion: `第 1 页，共 2 页`, `第3页/共9页`, `Page 2 of 5`.
fn is_page_marker(t: &str) -> bool {
    let k = fold_key(t);
    if k.chars().count() > 20 {
        return false;
    }
    let number = |s: &str| s.trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十百".contains(c)).len() < s.len();
    let paged = k.strip_prefix('第').is_some_and(|r| {
        number(r) && r.trim_start_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十百".contains(c)).starts_with('页')
    });
    paged || (k.starts_with("page") && k[4..].starts_with(|c: char| c.is_ascii_digit()))
}

fn is_separator(c: char) -> bool {
    matches!(c, ':' | '：' | '.' | '．' | '、' | ',' | '，' | '(' | '（' | '。' | ';' | '；')
}

/// Whether a cell holds something shaped like a code: letters, digits and `-`, six or more,
/// or a number.
fn looks_like_code(cell: &Cell) -> bool {
    match cell {
        Cell::Number(_) => true,
        Cell::Text(s) => {
            let t = s.trim();
            t.len() >= 6
                && t.bytes().filter(u8::is_ascii_alphanumeric).count() >= 6
                && t.chars().all(|c| {
                    c.is_ascii_alphanumeric() || "-_.+ ".contains(c) || c.is_whitespace() || ('\u{FF10}'..='\u{FF5A}').contains(&c)
                })
        }
        _ => false,
    }
}

/// [`Cell::is_blank`], answered from the first byte for the common text cells: one that starts
/// with a printable ASCII character or a CJK ideograph (lead bytes E4..E9) is not blank.
#[inline]
fn is_blank(c: &Cell) -> bool {
    match c {
        Cell::Text(s) if matches!(s.as_bytes().first(), Some(0x21..=0x7E | 0xE4..=0xE9)) => false,
        _ => c.is_blank(),
    }
}

/// Classifies a non-blank data row: `None` for an item, else why it is skipped.
pub fn classify(row: &Row, evidence: &Evidence) -> Option<SkipReason> {
    let mut nonblank = row.cells.iter().enumerate().filter(|(_, c)| !is_blank(c));
    let (first_col, first_cell) = nonblank.next()?;
    let first = first_cell.as_text();
    let first_trimmed = first.trim();
    // Up to three distinct texts (trimmed as written: merged-cell filling copies one text exactly).
    let mut distinct: Vec<std::borrow::Cow<'_, str>> = vec![std::borrow::Cow::Borrowed(first_trimmed)];
    let mut count = 1;
    for (_, c) in nonblank {
        count += 1;
        if distinct.len() < 3 {
            let t = c.as_text();
            if !distinct.iter().any(|d| **d == *t.trim()) {
                distinct.push(std::borrow::Cow::Owned(t.trim().to_string()));
            }
        }
    }
    let first_kind = || non_item_text(first_trimmed).or_else(|| is_heading(first_trimmed).then_some(SkipReason::Title));
    // One text copied across the row by merged-cell filling, or written once.
    if distinct.len() == 1 {
        if count == 1 && Some(first_col) == evidence.name && first_kind().is_none() {
            return None;
        }
        if count == 1 && evidence.codes.contains(&first_col) && looks_like_code(row.get(first_col)) {
            return None;
        }
        return Some(first_kind().unwrap_or(if count > 1 { SkipReason::Title } else { SkipReason::NoEvidence }));
    }
    // A code is the cheaper evidence to look for (most rows have one), so it is looked at first.
    if evidence.codes.iter().any(|c| looks_like_code(row.get(*c))) {
        return None;
    }
    let name = evidence.name.map(|c| row.get(c)).filter(|c| !c.is_blank());
    let name_is_text = name.is_some_and(|c| {
        let t = c.as_text();
        non_item_text(&t).is_none() && !(distinct.len() <= 2 && is_heading(&t))
    });
    if name_is_text {
        return None;
    }
    // Every text of the row is a note or sign-off (`填报单位：…` … `填报日期：…`).
    if let Some(kind) = first_kind() {
        return Some(kind);
    }
    if row.cells.iter().filter(|c| !c.is_blank()).all(|c| non_item_text(&c.as_text()).is_some()) {
        return Some(SkipReason::SignOff);
    }
    Some(SkipReason::NoEvidence)
}

/// The first `n` characters of a row's texts joined, for the skipped-row message.
pub fn excerpt(row: &Row, n: usize) -> String {
    let mut seen = HashSet::new();
    let joined: Vec<String> = row
        .cells
        .iter()
        .filter(|c| !c.is_blank())
        .map(|c| c.as_text().split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| seen.insert(t.clone()))
        .collect();
    let all = joined.join(" | ");
    let mut out: String = all.chars().take(n).collect();
    if all.chars().count() > n {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev() -> Evidence {
        Evidence { name: Some(1), codes: vec![2, 3] }
    }

    fn row(cells: &[&str]) -> Row {
        Row::from_texts(9, cells)
    }

    #[test]
    fn notes_sign_offs_totals() {
        for (t, r) in [
            ("注：1.本清单依据《行政许可法》编制", SkipReason::Note),
            ("注1.以上事项", SkipReason::Note),
            ("说明：", SkipReason::Note),
            ("备注", SkipReason::Note),
            ("本清单自公布之日起施行", SkipReason::Note),
            ("填报单位：包头市某局", SkipReason::SignOff),
            ("填报单位（盖章）：", SkipReason::SignOff),
            ("审核人：张三", SkipReason::SignOff),
            ("填表人:", SkipReason::SignOff),
            ("分管领导：李四", SkipReason::SignOff),
            ("联系电话 0472-1234567", SkipReason::SignOff),
            ("（单位盖章）", SkipReason::SignOff),
            ("合计：35项", SkipReason::Total),
            ("共计 12 项", SkipReason::Total),
            ("土默特右旗政务服务中心  2024年5月", SkipReason::SignOff),
            ("2024年5月6日", SkipReason::SignOff),
            ("2024-05-06", SkipReason::SignOff),
            ("共 6 条记录", SkipReason::Total),
            ("共12项", SkipReason::Total),
            ("共计：12项", SkipReason::Total),
            ("合  计", SkipReason::Total),
            ("注 ：以上", SkipReason::Note),
            ("年    月    日", SkipReason::SignOff),
            ("电子邮箱：a@b.cn", SkipReason::SignOff),
            ("总数 3 个", SkipReason::Total),
            ("第 1 页，共 2 页", SkipReason::Note),
            ("第3页/共9页", SkipReason::Note),
            ("Page 2 of 5", SkipReason::Note),
        ] {
            assert_eq!(non_item_text(t), Some(r), "{t}");
        }
        for t in [
            "注销登记",
            "说明书备案",
            "单位内部设立印刷厂登记",
            "电话亭设置许可",
            "审核转报",
            "日期证明",
            "2024年度企业年报公示",
            "GB 12345-2008 检验",
            "共有产权住房申请",
            "第一类医疗器械产品备案",
            "页岩气开采许可",
            "合并",
        ] {
            assert_eq!(non_item_text(t), None, "{t}");
        }
    }

    #[test]
    fn rows() {
        // A footer in column A only.
        assert_eq!(classify(&row(&["注：1.本清单依据…", "", "", ""]), &ev()), Some(SkipReason::Note));
        // Merged across the row: the same text in every column.
        let merged = "填报单位：某局      填报日期：2022年6月";
        assert_eq!(classify(&row(&[merged, merged, merged, merged]), &ev()), Some(SkipReason::SignOff));
        // Merged across part of the row, a date beside it.
        assert_eq!(classify(&row(&["填报单位：某局", "填报单位：某局", "", "", "填报日期：2022年6月"]), &ev()), Some(SkipReason::SignOff));
        // Sign-offs in separate cells.
        assert_eq!(classify(&row(&["填表人：张三", "", "审核人：李四", "", "联系电话：0472-1"]), &ev()), Some(SkipReason::SignOff));
        assert_eq!(classify(&row(&["合计", "", "", "", "35"]), &ev()), Some(SkipReason::Total));
        assert_eq!(classify(&row(&["", "一、行政许可", "", ""]), &ev()), Some(SkipReason::Title));
        // Items: a name, a code, or only a name.
        assert_eq!(classify(&row(&["1", "某某许可", "", "", "行政许可"]), &ev()), None);
        assert_eq!(classify(&row(&["1", "", "000117002000", "", "行政许可"]), &ev()), None);
        assert_eq!(classify(&row(&["", "注销登记", "", ""]), &ev()), None);
        assert_eq!(classify(&row(&["", "第一类医疗器械产品备案", "", ""]), &ev()), None);
        assert_eq!(classify(&row(&["", "第二部分", "", ""]), &ev()), Some(SkipReason::Title));
        // No evidence: neither a name nor a code.
        assert_eq!(classify(&row(&["3", "", "", "", "行政许可", "某局"]), &ev()), Some(SkipReason::NoEvidence));
    }

    #[test]
    fn excerpt_is_short() {
        let r = row(&["注：本清单", "注：本清单", "x"]);
        assert_eq!(excerpt(&r, 40), "注：本清单 | x");
        assert_eq!(excerpt(&r, 3), "注：本…");
    }
}
