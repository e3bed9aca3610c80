//! Materials from one cell holding a numbered list
//! (`1.身份证（原件1份）；2.营业执照复印件1份`): split into items, numbering stripped, and the
//! counts and forms written in brackets or after the name read into the material object.

use crate::model::item::Material;
use crate::model::vocab::MaterialForm;

use super::limit::parse_number;
use super::text::says_none;

/// Parses a materials cell. `Some(vec![])` when the cell says 无; `None` for an empty cell.
pub fn parse_materials(s: &str) -> Option<Vec<Material>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if says_none(s) {
        return Some(Vec::new());
    }
    Some(MEMO.with(|memo| memo.borrow_mut().get_or_parse(s)))
}

/// Parses a non-empty cell that does not say 无.
fn parse_list(s: &str) -> Vec<Material> {
    split_items(s).into_iter().filter_map(parse_one).collect()
}

/// The most distinct cells remembered per thread before the memo starts over.
const MEMO_CELLS: usize = 4096;

/// A memo of parsed cells: one item's materials are usually listed word for word by every
/// jurisdiction that implements it (四级同源), so most cells have been parsed before, and
/// copying the parsed list costs a fraction of parsing it again. Bounded: cleared when full.
#[derive(Default)]
struct Memo(std::collections::HashMap<String, Vec<Material>>);

impl Memo {
    fn get_or_parse(&mut self, s: &str) -> Vec<Material> {
        if let Some(ms) = self.0.get(s) {
            return ms.clone();
        }
        let ms = parse_list(s);
        if self.0.len() >= MEMO_CELLS {
            self.0.clear();
        }
        self.0.insert(s.to_string(), ms.clone());
        ms
    }
}

thread_local! {
    static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::default());
}

/// Splits a list on numbering markers (`1.` `2、` `(3)` `③`) and on line breaks and semicolons.
/// Markers are dropped only where a piece starts, so every piece is a slice of `s`.
fn split_items(s: &str) -> Vec<&str> {
    let mut items = Vec::new();
    // The current piece: where it starts, and whether it holds only whitespace so far.
    let (mut start, mut blank) = (0usize, true);
    let mut prev: Option<char> = None;
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        if matches!(c, '\n' | ';' | '；') {
            items.push(&s[start..i]);
            i += c.len_utf8();
            (start, blank, prev) = (i, true, Some(c));
            continue;
        }
        // A numbering marker at the start of an item: digits followed by . 、 ) ．
        if let Some(len) = numbering_len(&s[i..]) {
            let circled = ('①'..='⑳').contains(&c);
            let prev_is_sep = circled || prev.is_none_or(|p| matches!(p, ' ' | '。' | '，' | ',' | '\n' | ';' | '；'));
            if blank || prev_is_sep {
                if !blank {
                    items.push(&s[start..i]);
                }
                // A marker after whitespace-only text: that whitespace is trimmed away anyway.
                prev = s[i..i + len].chars().next_back();
                i += len;
                (start, blank) = (i, true);
                continue;
            }
        }
        blank &= c.is_whitespace();
        prev = Some(c);
        i += c.len_utf8();
    }
    items.push(&s[start..]);
    items.into_iter().map(|p| p.trim().trim_end_matches(['。', '，', ',', '.', ' ']).trim()).filter(|p| !p.is_empty()).collect()
}

/// The byte length of a numbering marker at the start of `s`, if any.
fn numbering_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let first = s.chars().next()?;
    if ('①'..='⑳').contains(&first) {
        return Some(first.len_utf8());
    }
    let open = matches!(first, '(' | '（');
    let start = if open { first.len_utf8() } else { 0 };
    let digits = b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let next = s[start + digits..].chars().next()?;
    let ok = if open { matches!(next, ')' | '）') } else { matches!(next, '.' | '、' | ')' | '）' | '．') };
    // `1.5米` is a number, not a marker.
    if ok && next == '.' && b.get(start + digits + 1).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    ok.then_some(start + digits + next.len_utf8())
}

fn parse_one(piece: &str) -> Option<Material> {
    let mut m = Material { required: true, ..Default::default() };
    let mut name = String::new();
    let mut rest = piece;
    // Bracketed notes are read when recognized and kept in the name otherwise.
    while let Some(open) = rest.find(['(', '（']) {
        let after = &rest[open..];
        let close = after.find([')', '）']);
        let Some(close) = close else { break };
        let inner = &after[after.chars().next().map(char::len_utf8).unwrap_or(1)..close];
        name.push_str(&rest[..open]);
        if !read_notes(inner, &mut m) {
            name.push_str(&after[..close + after[close..].chars().next().map(char::len_utf8).unwrap_or(1)]);
        }
        rest = &after[close + after[close..].chars().next().map(char::len_utf8).unwrap_or(1)..];
    }
    name.push_str(rest);
    // Trailing notes outside brackets: 营业执照复印件1份.
    let mut name = name.trim().to_string();
    // Every such note ends in 件; most names (notes already read from brackets) hold none.
    let suffixes: &[&str] = if name.contains('件') { &["原件及复印件", "复印件", "原件"] } else { &[] };
    for &suffix_kind in suffixes {
        if let Some(pos) = name.rfind(suffix_kind) {
            let tail = &name[pos..];
            if tail.len() > suffix_kind.len() && read_notes(tail, &mut m) || tail == suffix_kind && pos > 0 && read_notes(tail, &mut m) {
                name.truncate(pos);
                break;
            }
        }
    }
    let name = name.trim().trim_end_matches(['，', ',', '、', ':', '：']).trim().to_string();
    if name.is_empty() {
        return None;
    }
    m.name = name;
    Some(m)
}

/// Reads notes such as `原件1份，复印件2份`, `电子`, `非必要`, `容缺`. Returns false when the
/// text is not a note (then it stays part of the name).
fn read_notes(inner: &str, m: &mut Material) -> bool {
    let mut recognized = false;
    for part in inner.split(['，', ',', '、', ';', '；', ' ']).filter(|p| !p.is_empty()) {
        let part = part.trim();
        if let Some(n) = count_after(part, "原件及复印件各") {
            m.original = Some(n);
            m.copies = Some(n);
        } else if let Some(n) = count_after(part, "原件") {
            m.original = Some(n);
        } else if let Some(n) = count_after(part, "复印件") {
            m.copies = Some(n);
        } else if part == "原件" {
            m.original = Some(1);
        } else if part == "复印件" {
            m.copies = Some(1);
        } else if part == "原件及复印件" || part == "原件和复印件" {
            m.original = Some(1);
            m.copies = Some(1);
        } else if let Some(f) = MaterialForm::parse(part) {
            m.form = Some(f);
        } else if matches!(part, "非必要" | "非必需" | "非必须" | "选填" | "选交" | "如有" | "容缺" | "可容缺") {
            m.required = false;
        } else if matches!(part, "必要" | "必需" | "必须" | "必填" | "必交") {
            m.required = true;
        } else {
            return false;
        }
        recognized = true;
    }
    recognized
}

/// `原件1份` / `复印件两份` / `原件1` → the count.
fn count_after(part: &str, prefix: &str) -> Option<u32> {
    let rest = part.strip_prefix(prefix)?;
    let rest = rest.trim_end_matches('份').trim_end_matches('张').trim_end_matches('页');
    if rest.is_empty() {
        return None;
    }
    parse_number(rest)
}

/// Folds a material name for comparison across jurisdictions (width, spaces, punctuation).
pub fn material_key(name: &str) -> String {
    super::text::fold_key(name)
}

/// A hash of [`material_key`] computed without building the key: equal keys hash equally, so
/// comparing these first leaves the keys themselves to the rare collisions.
pub fn material_key_hash(name: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    // A fixed seed: hashes computed on different threads are compared.
    let mut h = foldhash::quality::FixedState::with_seed(0x6d61_7465_7269_616c).build_hasher();
    super::text::hash_fold_key(name, &mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        parse_materials(s).unwrap().into_iter().map(|m| m.name).collect()
    }

    #[test]
    fn memo_returns_what_parsing_returns_and_stays_bounded() {
        let cell = "1.身份证(原件1份);2.营业执照复印件1份";
        let first = parse_materials(cell).unwrap();
        assert_eq!(first, parse_list(cell));
        assert_eq!(parse_materials(cell).unwrap(), first, "second read comes from the memo");
        let mut memo = Memo::default();
        for i in 0..MEMO_CELLS + 10 {
            memo.get_or_parse(&format!("{i}号材料"));
        }
        assert!(memo.0.len() <= MEMO_CELLS);
        assert_eq!(memo.get_or_parse(cell), first);
    }

    #[test]
    fn numbered_list_in_one_cell() {
        let ms = parse_materials("1.身份证(原件1份);2.营业执照复印件1份").unwrap();
        assert_eq!(ms.len(), 2);
        assert_eq!(ms[0].name, "身份证");
        assert_eq!(ms[0].original, Some(1));
        assert_eq!(ms[1].name, "营业执照");
        assert_eq!(ms[1].copies, Some(1));
    }

    #[test]
    fn separators() {
        assert_eq!(names("1、申请书 2、身份证"), ["申请书", "身份证"]);
        assert_eq!(names("申请书\n身份证\n"), ["申请书", "身份证"]);
        assert_eq!(names("(1)申请书;(2)身份证"), ["申请书", "身份证"]);
        assert_eq!(names("①申请书②身份证"), ["申请书", "身份证"]);
        assert_eq!(names("1.5米以上建筑图纸"), ["1.5米以上建筑图纸"]);
    }

    #[test]
    fn notes_read_or_kept() {
        let ms = parse_materials("1.户口簿(或居住证)(复印件2份，电子)").unwrap();
        assert_eq!(ms[0].name, "户口簿(或居住证)");
        assert_eq!(ms[0].copies, Some(2));
        assert_eq!(ms[0].form, Some(MaterialForm::Electronic));
        let ms = parse_materials("1.委托书(非必要)").unwrap();
        assert!(!ms[0].required);
    }

    #[test]
    fn none_and_empty() {
        assert_eq!(parse_materials("无"), Some(vec![]));
        assert_eq!(parse_materials("  "), None);
        assert_eq!(parse_materials("1.;2."), Some(vec![]));
    }
}
