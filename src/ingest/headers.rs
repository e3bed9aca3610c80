//! Header detection and mapping: finds the header row (not assumed to be row 1), joins a
//! two-row header (`办结时限` over `法定` / `承诺`), and maps each column to a [`Field`] through
//! the field dictionary plus the repository's aliases. Resolved once per table.

use std::collections::HashMap;

use crate::model::field::{Field, MaterialField};
use crate::normalize::text::{clean, fold_header};

use super::table::Row;

/// What a header maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// An item field.
    Item(Field),
    /// A field of a material row (materials sheets).
    Material(MaterialField),
}

/// Header text → target, built once from the field dictionary and config aliases.
#[derive(Debug, Clone)]
pub struct HeaderDictionary {
    item: HashMap<String, Field>,
    material: HashMap<String, MaterialField>,
}

impl HeaderDictionary {
    /// The built-in dictionary plus `aliases` (field key → extra headers) from `qingdan.yaml`.
    pub fn new(aliases: &std::collections::BTreeMap<Field, Vec<String>>) -> HeaderDictionary {
        let mut item = HashMap::new();
        for &f in Field::ALL {
            for h in [f.key(), f.label()].into_iter().chain(f.aliases().iter().copied()) {
                item.insert(fold_header(h), f);
            }
        }
        for (f, hs) in aliases {
            for h in hs {
                item.insert(fold_header(h), *f);
            }
        }
        let mut material = HashMap::new();
        for &m in MaterialField::ALL {
            for h in std::iter::once(m.label()).chain(m.aliases().iter().copied()) {
                material.insert(fold_header(h), m);
            }
        }
        HeaderDictionary { item, material }
    }

    /// The item field a header names.
    pub fn field(&self, header: &str) -> Option<Field> {
        let key = fold_header(header);
        self.item.get(&key).copied().or_else(|| {
            // 法定办结时限(工作日) and similar: a known header followed by a bracketed unit note.
            let cut = header.find(['(', '（'])?;
            self.item.get(&fold_header(&header[..cut])).copied()
        })
    }

    /// The material field a header names.
    pub fn material(&self, header: &str) -> Option<MaterialField> {
        self.material.get(&fold_header(header)).copied()
    }

    /// Item field, else material field.
    pub fn target(&self, header: &str) -> Option<Target> {
        self.field(header).map(Target::Item).or_else(|| self.material(header).map(Target::Material))
    }
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
        let hits = texts(row).iter().flatten().filter(|h| dict.target(h).is_some()).count();
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
        let (header, target) = match (&child, parent) {
            (Some(child), Some(parent)) => combine(parent, child, dict),
            (Some(child), None) => (child.clone(), dict.target(child)),
            (None, _) => match own {
                Some(h) => {
                    let t = dict.target(&h);
                    (h, t)
                }
                None => continue,
            },
        };
        columns.push(Column { index: c as u32, header, target });
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

/// Joins a parent and a child header: `办结时限` + `法定` → `法定办结时限`.
fn combine(parent: &str, child: &str, dict: &HeaderDictionary) -> (String, Option<Target>) {
    let shown = format!("{parent}/{child}");
    let stem = parent.trim_end_matches(['(', ')']).replace("办结时限", "").replace("时限", "");
    for candidate in
        [format!("{child}{parent}"), format!("{parent}{child}"), format!("{child}办结时限"), format!("{stem}{child}"), child.to_string()]
    {
        if let Some(t) = dict.target(&candidate) {
            return (shown, Some(t));
        }
    }
    (shown, None)
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
    fn no_header() {
        let rows = vec![row(1, &["a", "b"]), row(2, &["c", "d"])];
        assert!(detect(&rows, &dict()).is_none());
    }
}
