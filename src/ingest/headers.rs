//! Header detection and mapping: finds the header row (not assumed to be row 1), joins a
//! two-row header (`办结时限` over `法定` / `承诺`), and maps each column to a [`Field`] through
//! the field dictionary plus the repository's aliases. Resolved once per table.
//!
//! A header is matched in steps, each recorded on the column ([`Matched`]): exact (by the
//! folding key, markers such as `*` and `（必填）` removed, or without a bracketed unit or note)
//! → compositional (the header holds a field's distinctive term with qualifiers before it, as
//! in `实施机关统一社会信用代码`; the longest term wins) → approximate (one character away from a
//! known header of four or more characters, when only one field is that close). Content
//! inference, the last step, needs data rows and lives with the table builder.

use std::collections::HashMap;

use crate::model::field::{Field, Kind, MaterialField};
use crate::model::item::LimitUnit;
use crate::normalize::text::{clean, fold_header, fold_key, split_brackets, strip_markers};

use super::table::Row;

/// What a header maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An item field.
    Item(Field),
    /// A field of a material row (materials sheets).
    Material(MaterialField),
}

/// How a column's header was matched to its target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matched {
    /// The folded header is the field's label or an alias (with or without a bracketed note).
    Exact,
    /// The header holds the field's distinctive term (`term`, as written in the dictionary)
    /// with qualifiers before it or a name-preserving word after it.
    Compositional {
        /// The dictionary term found in the header.
        term: &'static str,
    },
    /// The header is one character away from a known header (`known`).
    Approximate {
        /// The known header it was read as.
        known: String,
    },
    /// The header says nothing known; the column's values showed what it holds.
    Content {
        /// How many sampled values fit, and how many were sampled.
        fit: usize,
        /// Sampled non-blank values.
        sampled: usize,
    },
}

/// A header's resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// The target.
    pub target: Target,
    /// How it was matched.
    pub how: Matched,
}

/// The shortest term (in characters) matched inside a longer header: two-character words such
/// as `名称` or `层级` are too common to mean one field.
const MIN_TERM_CHARS: usize = 4;

/// Words that may follow a field's term without changing what the column holds
/// (`主管部门名称`, `受理条件内容`, `法定办结时限工作日`).
const HEAD_PRESERVING_SUFFIXES: &[&str] = &[
    "名称",
    "全称",
    "名",
    "内容",
    "信息",
    "情况",
    "明细",
    "清单",
    "目录",
    "列表",
    "一览",
    "项",
    "事项",
    "要求",
    "及要求",
    "工作日",
    "个工作日",
    "自然日",
    "日",
    "天",
    "个月",
    "月",
    "小时",
    "号",
    "号码",
    "值",
];

/// Header text → target, built once from the field dictionary and config aliases.
#[derive(Debug, Clone)]
pub struct HeaderDictionary {
    item: HashMap<String, Field>,
    material: HashMap<String, MaterialField>,
    /// Distinctive terms for compositional matching: (folded term, term as written, field),
    /// longest first.
    terms: Vec<(String, &'static str, Field)>,
}

impl HeaderDictionary {
    /// The built-in dictionary plus `aliases` (field key → extra headers) from `qingdan.yaml`.
    pub fn new(aliases: &std::collections::BTreeMap<Field, Vec<String>>) -> HeaderDictionary {
        let mut item = HashMap::new();
        let mut terms = Vec::new();
        for &f in Field::ALL {
            for h in [f.key(), f.label()].into_iter().chain(f.aliases().iter().copied()) {
                let k = fold_header(h);
                if !h.is_ascii() && k.chars().count() >= MIN_TERM_CHARS {
                    terms.push((k.clone(), h, f));
                }
                item.insert(k, f);
            }
        }
        for (f, hs) in aliases {
            for h in hs {
                item.insert(fold_header(h), *f);
            }
        }
        terms.sort_by_key(|(k, _, _)| std::cmp::Reverse(k.chars().count()));
        let mut material = HashMap::new();
        for &m in MaterialField::ALL {
            for h in std::iter::once(m.label()).chain(m.aliases().iter().copied()) {
                material.insert(fold_header(h), m);
            }
        }
        HeaderDictionary { item, material, terms }
    }

    /// The item field a header names exactly: its folded form, or the same without bracketed
    /// notes and units (`法定办结时限（工作日）`).
    ///
    /// A bracketed note that itself names a field (four or more characters) says what the
    /// column is: `事项编码（基本编码）` is the basic code.
    pub fn field(&self, header: &str) -> Option<Field> {
        let (outside, notes) = match exact_or_split(&self.item, header) {
            Ok(f) => return Some(f),
            Err(split) => split?,
        };
        let named_outside = self.item.get(&fold_key(&outside)).copied();
        // The note clarifies only when it names a field of the same kind (`事项编码（基本编码）`);
        // `统一社会信用代码（实施主体）` names whose code it is, not another column.
        let named_by_note = notes
            .iter()
            .map(|n| fold_key(n))
            .filter(|n| n.chars().count() >= MIN_TERM_CHARS)
            .find_map(|n| self.item.get(&n).copied())
            .filter(|f| named_outside.is_none_or(|o| o.kind() == f.kind()));
        named_by_note.or(named_outside)
    }

    /// The material field a header names exactly.
    pub fn material(&self, header: &str) -> Option<MaterialField> {
        match exact_or_split(&self.material, header) {
            Ok(m) => Some(m),
            Err(split) => self.material.get(&fold_key(&split?.0)).copied(),
        }
    }

    /// Item field, else material field, named exactly.
    pub fn target(&self, header: &str) -> Option<Target> {
        self.field(header).map(Target::Item).or_else(|| self.material(header).map(Target::Material))
    }

    /// The item field whose distinctive term the header holds, with qualifiers before it
    /// (`实施机关统一社会信用代码`) or a name-preserving word after it (`主管部门名称`). The
    /// longest term wins; two fields with equally long terms leave the header unmatched.
    pub fn compositional(&self, header: &str) -> Option<(Field, &'static str)> {
        let (outside, _) = split_brackets(&strip_markers(header));
        let key = fold_key(&outside);
        let mut best: Option<(usize, Field, &'static str)> = None;
        let mut tie = false;
        for (term, written, f) in &self.terms {
            let len = term.chars().count();
            if best.is_some_and(|(l, _, _)| len < l) {
                break;
            }
            let Some(at) = key.rfind(term.as_str()) else { continue };
            let suffix = &key[at + term.len()..];
            if !(suffix.is_empty() || HEAD_PRESERVING_SUFFIXES.contains(&suffix)) {
                continue;
            }
            match best {
                Some((_, other, _)) if other != *f => tie = true,
                Some(_) => {}
                None => best = Some((len, *f, written)),
            }
        }
        if tie {
            return None;
        }
        best.map(|(_, f, w)| (f, w))
    }

    /// The known header one character away from `header` (four or more characters), when all
    /// such headers name one field.
    pub fn approximate(&self, header: &str) -> Option<(Field, String)> {
        let (outside, _) = split_brackets(&strip_markers(header));
        let key = fold_key(&outside);
        let n = key.chars().count();
        if n < MIN_TERM_CHARS || key.is_ascii() || self.material.contains_key(&key) {
            return None;
        }
        let mut found: Option<(Field, &str)> = None;
        for (known, f) in &self.item {
            if known.chars().count().abs_diff(n) > 1 || known.is_ascii() {
                continue;
            }
            if strsim::levenshtein(known, &key) == 1 {
                match found {
                    Some((other, _)) if other != *f => return None,
                    Some(_) => {}
                    None => found = Some((*f, known)),
                }
            }
        }
        found.map(|(f, k)| (f, k.to_string()))
    }

    /// A header resolved through every step but content inference.
    pub fn resolve(&self, header: &str) -> Option<Resolution> {
        if let Some(t) = self.target(header) {
            return Some(Resolution { target: t, how: Matched::Exact });
        }
        if let Some((f, term)) = self.compositional(header) {
            return Some(Resolution { target: Target::Item(f), how: Matched::Compositional { term } });
        }
        self.approximate(header).map(|(f, known)| Resolution { target: Target::Item(f), how: Matched::Approximate { known } })
    }
}

/// `header` looked up in `map` by its folded key; when that fails, the text outside its bracketed
/// notes and the notes, for a second try (`None` when it has no notes: nothing to retry).
fn exact_or_split<T: Copy>(map: &HashMap<String, T>, header: &str) -> Result<T, Option<(String, Vec<String>)>> {
    if let Some(v) = map.get(&fold_header(header)) {
        return Ok(*v);
    }
    let (outside, notes) = split_brackets(&strip_markers(header));
    Err((!notes.is_empty()).then_some((outside, notes)))
}

/// The unit a header gives a limit column (`法定办结时限（工作日）`, `承诺时限(天)`): values
/// written as bare numbers take it.
pub fn header_unit(header: &str, field: Field) -> Option<LimitUnit> {
    if field.kind() != Kind::Limit {
        return None;
    }
    let (outside, notes) = split_brackets(header);
    let k = fold_key(&outside);
    notes.iter().map(|n| fold_key(n)).chain([k]).find_map(|n| {
        let unit = |s: &str| match s {
            "工作日" | "个工作日" => Some(LimitUnit::WorkingDay),
            "日" | "天" | "自然日" => Some(LimitUnit::NaturalDay),
            "月" | "个月" => Some(LimitUnit::Month),
            "小时" => Some(LimitUnit::Hour),
            _ => None,
        };
        unit(&n).or_else(|| ["个工作日", "工作日", "自然日", "个月", "小时"].iter().find(|u| n.ends_with(*u)).and_then(|u| unit(u)))
    })
}

impl Default for HeaderDictionary {
    /// The built-in dictionary alone (no config aliases).
    fn default() -> Self {
        HeaderDictionary::new(&Default::default())
    }
}

/// One column of a detected header.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// 0-based column index.
    pub index: u32,
    /// The header as written (`办结时限/法定` for a two-row header).
    pub header: String,
    /// What it maps to, if anything.
    pub target: Option<Target>,
    /// How the target was matched (`Exact` when there is none).
    pub how: Matched,
}

/// A detected header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The 1-based row of the (last) header row; data starts after it.
    pub last_row: u32,
    /// The columns with a non-blank header.
    pub columns: Vec<Column>,
}

/// How many rows are searched for a header.
pub const HEADER_SEARCH_ROWS: usize = 30;

/// Finds the header among the first rows of a table. `rows` are the buffered first rows.
pub fn detect(rows: &[Row], dict: &HeaderDictionary) -> Option<Header> {
    let texts = |r: &Row| -> Vec<Option<String>> { r.cells.iter().map(|c| clean(&c.as_text())).collect() };
    let mut best: Option<(usize, usize)> = None;
    for (i, row) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let hits = texts(row)
            .iter()
            .flatten()
            .filter(|h| dict.target(h).is_some() || (h.chars().count() <= 40 && dict.compositional(h).is_some()))
            .count();
        let nonblank = row.cells.iter().filter(|c| !c.is_blank()).count();
        let enough = hits >= 3 || (hits >= 2 && hits * 2 >= nonblank);
        if enough {
            best = Some((i, hits));
            break;
        }
    }
    let (i, _) = best?;
    let top = texts(&rows[i]);
    let next = rows.get(i + 1).map(texts);
    // Parent text carried right across blank cells of the top row (merged or not), for two-row headers.
    let width = top.len().max(next.as_ref().map_or(0, |n| n.len()));
    let mut parents: Vec<Option<String>> = Vec::with_capacity(width);
    let mut carry: Option<String> = None;
    for c in 0..width {
        match top.get(c).cloned().flatten() {
            Some(t) => {
                carry = Some(t.clone());
                parents.push(Some(t));
            }
            None => parents.push(carry.clone()),
        }
    }
    let sub = next.filter(|n| is_sub_header(&top, n, &parents, dict));
    let mut columns = Vec::new();
    for (c, parent) in parents.iter().enumerate() {
        let own = top.get(c).cloned().flatten();
        let child = sub.as_ref().and_then(|s| s.get(c).cloned().flatten());
        let (header, resolution) = match (&child, parent) {
            (Some(child), Some(parent)) => {
                let (shown, target) = combine(parent, child, dict);
                (shown, target.map(|target| Resolution { target, how: Matched::Exact }).or_else(|| dict.resolve(child)))
            }
            (Some(child), None) => (child.clone(), dict.resolve(child)),
            (None, _) => match own {
                Some(h) => {
                    let r = dict.resolve(&h);
                    (h, r)
                }
                None => continue,
            },
        };
        let (target, how) = match resolution {
            Some(r) => (Some(r.target), r.how),
            None => (None, Matched::Exact),
        };
        columns.push(Column { index: c as u32, header, target, how });
    }
    let last_row = if sub.is_some() { rows[i + 1].number } else { rows[i].number };
    Some(Header { last_row, columns })
}

/// A second header row: it fills columns under a parent that maps to nothing alone, with
/// short labels that combine with the parent into known fields, and holds no long text.
fn is_sub_header(top: &[Option<String>], next: &[Option<String>], parents: &[Option<String>], dict: &HeaderDictionary) -> bool {
    if next.iter().flatten().any(|t| t.chars().count() > 20) {
        return false;
    }
    let mut combined = 0;
    for (c, child) in next.iter().enumerate() {
        let Some(child) = child else { continue };
        let Some(parent) = parents.get(c).cloned().flatten() else { continue };
        let under_blank_or_group = top.get(c).cloned().flatten().is_none() || dict.target(&parent).is_none() || child.chars().count() <= 4;
        // A child must change what its parent means (实施主体 + 编码): a value that folds away
        // (主管部门 + `:`) is data, not a sub-header.
        let joined = combine(&parent, child, dict).1;
        if under_blank_or_group && joined.is_some() && joined != dict.target(&parent) && dict.target(child).is_none() {
            combined += 1;
        }
    }
    combined > 0
}

/// Joins a parent and a child header: `办结时限` + `法定` → `法定办结时限`, `实施主体` + `名称`
/// → the agency (the child qualifies its parent: tried before the child alone, which may be a
/// field of its own, as `名称` is). A bracketed unit on the child (`法定（工作日）`) stays in the
/// shown header, where the column's unit is read from.
fn combine(parent: &str, child: &str, dict: &HeaderDictionary) -> (String, Option<Target>) {
    let shown = format!("{parent}/{child}");
    let (bare_child, _) = split_brackets(&strip_markers(child));
    let (bare_parent, _) = split_brackets(&strip_markers(parent));
    let child = bare_child.as_str();
    let parent = bare_parent.as_str();
    let stem = parent.replace("办结时限", "").replace("时限", "");
    for candidate in [format!("{child}{parent}"), format!("{parent}{child}"), format!("{child}办结时限"), format!("{stem}{child}")] {
        if let Some(t) = dict.target(&candidate) {
            return (shown, Some(t));
        }
    }
    if let Some((f, _)) = dict.compositional(&format!("{parent}{child}")) {
        return (shown, Some(Target::Item(f)));
    }
    (shown, dict.target(child))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: u32, cells: &[&str]) -> Row {
        Row::from_texts(n, cells)
    }

    fn dict() -> HeaderDictionary {
        HeaderDictionary::default()
    }

    #[test]
    fn finds_header_below_title_rows() {
        let rows = vec![
            row(1, &["东河区政务服务事项实施清单（2022年版）"]),
            row(2, &[""]),
            row(3, &["序号", "事项名称", "实施编码", "实施机关", "备注"]),
            row(4, &["1", "某某许可", "X1", "东河区局", ""]),
        ];
        let h = detect(&rows, &dict()).unwrap();
        assert_eq!(h.last_row, 3);
        let targets: Vec<_> = h.columns.iter().map(|c| c.target).collect();
        assert_eq!(
            targets,
            vec![None, Some(Target::Item(Field::Name)), Some(Target::Item(Field::ImplCode)), Some(Target::Item(Field::Agency)), None]
        );
    }

    #[test]
    fn two_row_limit_header() {
        let rows = vec![
            row(1, &["事项名称", "实施编码", "办结时限", "", "是否收费"]),
            row(2, &["", "", "法定", "承诺", ""]),
            row(3, &["某某许可", "X1", "20个工作日", "10个工作日", "否"]),
        ];
        let h = detect(&rows, &dict()).unwrap();
        assert_eq!(h.last_row, 2);
        let t: Vec<_> = h.columns.iter().map(|c| (c.header.as_str(), c.target)).collect();
        assert_eq!(t[2], ("办结时限/法定", Some(Target::Item(Field::StatutoryLimit))));
        assert_eq!(t[3], ("办结时限/承诺", Some(Target::Item(Field::PromisedLimit))));
        assert_eq!(t[4].1, Some(Target::Item(Field::Fee)));
    }

    #[test]
    fn grouped_two_row_header() {
        let rows = vec![
            row(1, &["★事项名称", "实施主体", "", "办结时限", "", "联系方式", ""]),
            row(2, &["★事项名称", "名称", "统一社会信用代码", "法定（工作日）", "承诺（工作日）", "咨询电话", "监督投诉电话"]),
            row(3, &["某某许可", "某局", "11150200MB1234567X", "20", "10", "0472-1", "12345"]),
        ];
        let h = detect(&rows, &dict()).unwrap();
        assert_eq!(h.last_row, 2);
        let t: Vec<_> = h.columns.iter().map(|c| c.target).collect();
        use Field::*;
        let want = [Name, Agency, AgencyCode, StatutoryLimit, PromisedLimit, ConsultPhone, ComplaintPhone];
        assert_eq!(t, want.iter().map(|f| Some(Target::Item(*f))).collect::<Vec<_>>());
        assert_eq!(header_unit(&h.columns[3].header, StatutoryLimit), Some(LimitUnit::WorkingDay));
    }

    #[test]
    fn data_row_is_not_a_sub_header() {
        let rows = vec![row(1, &["事项名称", "实施编码", "法定时限"]), row(2, &["某某许可", "X1", "20"])];
        assert_eq!(detect(&rows, &dict()).unwrap().last_row, 1);
    }

    #[test]
    fn synonyms_and_notes() {
        let d = dict();
        assert_eq!(d.field("实施机关"), Some(Field::Agency));
        assert_eq!(d.field("法定期限"), Some(Field::StatutoryLimit));
        assert_eq!(d.field("申报材料"), Some(Field::Materials));
        assert_eq!(d.field("设定和实施依据"), Some(Field::LegalBasis));
        assert_eq!(d.field("办件类型"), Some(Field::Instant));
        assert_eq!(d.field("事项名称（必填）"), Some(Field::Name));
        assert_eq!(d.field("法定办结时限（工作日）"), Some(Field::StatutoryLimit));
        assert_eq!(d.field("taskName"), Some(Field::Name));
        assert_eq!(d.material("材料名称"), Some(MaterialField::Name));
    }

    #[test]
    fn compositional_and_approximate() {
        let d = dict();
        assert_eq!(d.compositional("实施机关统一社会信用代码"), Some((Field::AgencyCode, "统一社会信用代码")));
        assert_eq!(d.compositional("主管部门名称").map(|x| x.0), Some(Field::Department));
        assert_eq!(d.compositional("本级实施主体").map(|x| x.0), Some(Field::Agency));
        assert_eq!(d.compositional("受理条件说明"), None, "a qualifier after the term changes the meaning");
        assert_eq!(d.compositional("办理流程图"), None);
        assert_eq!(d.approximate("事项明称").map(|x| x.0), Some(Field::Name));
        assert_eq!(d.approximate("受理时限"), None, "near 受理时间 and 办理时限: ambiguous");
        assert_eq!(d.field("事项\n名称"), Some(Field::Name));
        assert_eq!(d.field("事项编码（基本编码）"), Some(Field::BasicCode));
        assert_eq!(d.field("申请材料（名称）"), Some(Field::Materials));
        assert_eq!(d.field("统一社会信用代码（实施主体）"), Some(Field::AgencyCode));
        assert_eq!(d.field("办理时限（承诺时限）"), Some(Field::PromisedLimit));
        assert_eq!(d.field("★事项名称【必填】"), Some(Field::Name));
        assert_eq!(header_unit("法定办结时限（天）", Field::StatutoryLimit), Some(LimitUnit::NaturalDay));
        assert_eq!(header_unit("承诺时限(工作日)", Field::PromisedLimit), Some(LimitUnit::WorkingDay));
        assert_eq!(header_unit("承诺时限", Field::PromisedLimit), None);
    }

    #[test]
    fn no_header() {
        let rows = vec![row(1, &["a", "b"]), row(2, &["c", "d"])];
        assert!(detect(&rows, &dict()).is_none());
    }
}

#[cfg(test)]
mod folding_properties {
    //! Every header alias and every vocabulary form resolves to the same field or value in
    //! whatever width, spacing, line breaks and required-markers a department writes it.

    use super::*;
    use crate::model::vocab::*;
    use proptest::prelude::*;

    /// A written variant of `s`: half-width brackets and punctuation turned full-width (or the
    /// reverse), spaces or line breaks inserted between characters, and a marker around it.
    fn variant(s: &str, widen: bool, breaks: &[usize], space: char, marker: usize) -> String {
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if breaks.contains(&i) && i > 0 {
                out.push(space);
            }
            let c = match (widen, c) {
                (true, '(') => '（',
                (true, ')') => '）',
                (true, ',') => '，',
                (true, ':') => '：',
                (true, c) if c.is_ascii_alphanumeric() => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                (false, '（') => '(',
                (false, '）') => ')',
                (false, c) => c,
                (_, c) => c,
            };
            out.push(c);
        }
        match marker {
            1 => format!("*{out}"),
            2 => format!("{out}（必填）"),
            3 => format!("{out}："),
            4 => format!("★{out}【必填项】"),
            5 => format!(" {out} \n"),
            _ => out,
        }
    }

    proptest! {
        #[test]
        fn every_header_alias_in_any_spelling(
            widen in any::<bool>(),
            breaks in proptest::collection::vec(0usize..12, 0..3),
            space in prop::sample::select(vec![' ', '\n', '\u{3000}', '\t']),
            marker in 0usize..6,
        ) {
            let dict = HeaderDictionary::default();
            for &f in Field::ALL {
                for h in [f.label()].into_iter().chain(f.aliases().iter().copied()) {
                    let v = variant(h, widen, &breaks, space, marker);
                    prop_assert_eq!(dict.field(&v), Some(f), "{:?} from {:?}", v, h);
                }
            }
        }

        #[test]
        fn every_vocabulary_form_in_any_spelling(
            widen in any::<bool>(),
            breaks in proptest::collection::vec(0usize..12, 0..3),
            space in prop::sample::select(vec![' ', '\n', '\u{3000}']),
        ) {
            fn each<T: Copy + PartialEq + std::fmt::Debug>(forms: &[(&str, T)], parse: fn(&str) -> Option<T>, widen: bool, breaks: &[usize], space: char) -> Result<(), TestCaseError> {
                for (form, value) in forms {
                    let v = variant(form, widen, breaks, space, 0);
                    prop_assert_eq!(parse(&v), Some(*value), "{:?} from {:?}", v, form);
                }
                Ok(())
            }
            each(ItemType::forms(), ItemType::parse, widen, &breaks, space)?;
            each(Level::forms(), Level::parse, widen, &breaks, space)?;
            each(AgencyNature::forms(), AgencyNature::parse, widen, &breaks, space)?;
            each(ServiceObject::forms(), ServiceObject::parse, widen, &breaks, space)?;
            each(SpecialProcedure::forms(), SpecialProcedure::parse, widen, &breaks, space)?;
            each(CrossArea::forms(), CrossArea::parse, widen, &breaks, space)?;
            each(MaterialSource::forms(), MaterialSource::parse, widen, &breaks, space)?;
            each(MaterialForm::forms(), MaterialForm::parse, widen, &breaks, space)?;
        }
    }
}
