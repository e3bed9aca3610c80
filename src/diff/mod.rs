//! Comparing two versions of a catalog (动态调整): items are matched by 实施编码, else by
//! 基本编码 + 行政区划代码, else by 事项名称 + 行政区划代码; for matched items every field is
//! compared as it reads in a cell ([`Item::display`]), and materials also as lists of names.
//!
//! Pure: no I/O. The `diff` command reads the two versions and renders a [`Diff`].

pub mod chars;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::field::Field;
use crate::model::item::Item;

/// How an item is identified across versions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Key {
    /// By 实施编码.
    ImplCode {
        /// The implementation code.
        impl_code: String,
    },
    /// By 基本编码 and 行政区划代码 (the division may be absent in a base catalog).
    BasicCode {
        /// The basic code.
        basic_code: String,
        /// The division code.
        division_code: Option<String>,
    },
    /// By 事项名称 and 行政区划代码, for items with neither code.
    Name {
        /// The item name.
        name: String,
        /// The division code.
        division_code: Option<String>,
    },
}

impl Key {
    /// The key of an item; `None` when it has no code and no name.
    pub fn of(item: &Item) -> Option<Key> {
        if let Some(c) = item.impl_code.as_deref().filter(|s| !s.is_empty()) {
            return Some(Key::ImplCode { impl_code: c.to_string() });
        }
        if let Some(c) = item.basic_code.as_deref().filter(|s| !s.is_empty()) {
            return Some(Key::BasicCode { basic_code: c.to_string(), division_code: item.division_code.clone() });
        }
        let name = item.name.as_deref().filter(|s| !s.is_empty())?;
        Some(Key::Name { name: name.to_string(), division_code: item.division_code.clone() })
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::ImplCode { impl_code } => f.write_str(impl_code),
            Key::BasicCode { basic_code, division_code: Some(d) } => write!(f, "{basic_code}@{d}"),
            Key::BasicCode { basic_code, division_code: None } => f.write_str(basic_code),
            Key::Name { name, division_code: Some(d) } => write!(f, "{name}@{d}"),
            Key::Name { name, division_code: None } => f.write_str(name),
        }
    }
}

/// An item as named in a diff: its key, name, jurisdiction and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRef {
    /// The matching key, as text (`impl_code`, or `basic_code@division_code`).
    pub key: String,
    /// 事项名称.
    pub name: Option<String>,
    /// 行政区划代码.
    pub division_code: Option<String>,
    /// The file it was read from.
    pub file: String,
    /// The sheet as a spreadsheet program names it: the sheet of a workbook, the file's stem
    /// for a CSV file (Excel names a CSV's only sheet after the file).
    pub sheet: String,
    /// Its 1-based row.
    pub row: u32,
    /// Whether it was read from a 办事指南 form only (no list row).
    pub guide_only: bool,
}

/// The sheet name a spreadsheet program shows for an item's source.
fn sheet_name(p: &crate::model::provenance::Provenance) -> String {
    match &p.sheet {
        Some(s) => s.to_string(),
        None => std::path::Path::new(&*p.file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
    }
}

/// The cell of a field as `实施清单!O6`, falling back to the item's row (`实施清单!6`).
pub fn cell_of(item: &Item, f: Field) -> String {
    let p = &item.provenance;
    match p.cell(f) {
        Some((row, col)) => format!("{}!{}{row}", sheet_name(p), crate::model::provenance::column_letters(col)),
        None => format!("{}!{}", sheet_name(p), p.row),
    }
}

impl ItemRef {
    fn of(key: &Key, item: &Item) -> ItemRef {
        ItemRef {
            key: key.to_string(),
            name: item.name.clone(),
            division_code: item.division_code.clone(),
            file: item.provenance.file.to_string(),
            sheet: sheet_name(&item.provenance),
            row: item.provenance.row,
            guide_only: item.provenance.form,
        }
    }

    /// Its row as `实施清单!6`.
    pub fn location(&self) -> String {
        format!("{}!{}", self.sheet, self.row)
    }
}

/// One changed field of a matched item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The field (serialized as its key).
    pub field: Field,
    /// The old value as it reads in a cell; `None` when absent.
    pub before: Option<String>,
    /// The new value; `None` when absent.
    pub after: Option<String>,
    /// The old cell (`实施清单!O6`).
    pub old_cell: String,
    /// The new cell.
    pub new_cell: String,
    /// Whether only separators changed (line breaks vs `；`) in a list-like field; such changes
    /// are left out unless the diff is strict.
    pub separators_only: bool,
}

/// Materials compared as lists of names.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct MaterialsChange {
    /// Names only in the new version, in its order.
    pub added: Vec<String>,
    /// Names only in the old version, in its order.
    pub removed: Vec<String>,
}

impl MaterialsChange {
    /// Whether no name was added or removed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// A matched item whose fields differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// The item in the old version.
    pub old: ItemRef,
    /// The item in the new version.
    pub new: ItemRef,
    /// Changed fields, in the order of the field dictionary.
    pub fields: Vec<FieldChange>,
    /// Material names added and removed (present when the materials field changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub materials: Option<MaterialsChange>,
}

/// An item whose list row was deleted while its 办事指南 remains (or the reverse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// The item in the old version.
    pub old: ItemRef,
    /// The item in the new version.
    pub new: ItemRef,
}

/// Added, removed, changed and unchanged items of one jurisdiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Counts {
    /// Items only in the new version.
    pub added: usize,
    /// Items only in the old version.
    pub removed: usize,
    /// Matched items that differ.
    pub changed: usize,
    /// Items whose list row was deleted while the guide remains.
    pub only_in_guide: usize,
    /// Items that were only in a guide and are now in the list.
    pub back_in_list: usize,
    /// Matched items that are the same.
    pub unchanged: usize,
}

/// How strictly values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Report separator-only changes of list-like fields too.
    pub strict: bool,
}

/// The fields whose values are lists written with line breaks or `；` (a change of separators
/// only is no change by default).
pub const LIST_FIELDS: &[Field] = &[
    Field::LegalBasis,
    Field::ServiceObject,
    Field::Conditions,
    Field::Process,
    Field::Materials,
    Field::Intermediary,
    Field::FeeBasis,
    Field::FeeStandard,
    Field::SpecialProcedures,
    Field::ResultName,
    Field::AuditPoints,
];

/// What changed between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Diff {
    /// Items only in the new version, by key.
    pub added: Vec<ItemRef>,
    /// Items only in the old version, by key.
    pub removed: Vec<ItemRef>,
    /// Matched items that differ, by key.
    pub changed: Vec<ItemChange>,
    /// Matched items that are the same.
    pub unchanged: usize,
    /// Items whose list row was deleted while their 办事指南 remains: "removed from the list;
    /// now only in the guide" rather than a change emptying the list's fields.
    pub only_in_guide: Vec<Moved>,
    /// Items that were only in a 办事指南 and now have a list row.
    pub back_in_list: Vec<Moved>,
    /// Unchanged items per division code (`""` for items without one).
    pub unchanged_by_jurisdiction: BTreeMap<String, usize>,
    /// Separator-only changes left out (not strict).
    pub separator_changes_hidden: usize,
    /// Keys seen more than once in one version: only the first is compared.
    pub duplicate_keys: Vec<String>,
    /// Items with no code and no name, which cannot be matched (old, new).
    pub unkeyed: (usize, usize),
}

impl Diff {
    /// Whether the versions hold the same items with the same values.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.only_in_guide.is_empty()
            && self.back_in_list.is_empty()
    }

    /// Counts per division code (`""` for items without one), by code.
    pub fn by_jurisdiction(&self) -> BTreeMap<String, Counts> {
        let mut out: BTreeMap<String, Counts> = BTreeMap::new();
        let code = |r: &ItemRef| r.division_code.clone().unwrap_or_default();
        for r in &self.added {
            out.entry(code(r)).or_default().added += 1;
        }
        for r in &self.removed {
            out.entry(code(r)).or_default().removed += 1;
        }
        for c in &self.changed {
            out.entry(code(&c.new)).or_default().changed += 1;
        }
        for m in &self.only_in_guide {
            out.entry(code(&m.old)).or_default().only_in_guide += 1;
        }
        for m in &self.back_in_list {
            out.entry(code(&m.new)).or_default().back_in_list += 1;
        }
        for (c, n) in &self.unchanged_by_jurisdiction {
            out.entry(c.clone()).or_default().unchanged += n;
        }
        out
    }
}

fn index<'a>(items: &'a [Item], dups: &mut BTreeSet<String>, unkeyed: &mut usize) -> BTreeMap<Key, &'a Item> {
    let mut map = BTreeMap::new();
    for item in items {
        match Key::of(item) {
            Some(k) => match map.entry(k) {
                std::collections::btree_map::Entry::Occupied(e) => {
                    dups.insert(e.key().to_string());
                }
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(item);
                }
            },
            None => *unkeyed += 1,
        }
    }
    map
}

fn material_names(item: &Item) -> Vec<String> {
    item.materials.iter().flatten().map(|m| m.name.clone()).collect()
}

/// Compares the materials of two items as lists of names.
pub fn compare_materials(old: &Item, new: &Item) -> MaterialsChange {
    let (a, b) = (material_names(old), material_names(new));
    let (sa, sb): (BTreeSet<&String>, BTreeSet<&String>) = (a.iter().collect(), b.iter().collect());
    MaterialsChange {
        added: b.iter().filter(|n| !sa.contains(n)).cloned().collect(),
        removed: a.iter().filter(|n| !sb.contains(n)).cloned().collect(),
    }
}

/// The fields whose cell rendering differs between two items, separator-only changes of
/// [`LIST_FIELDS`] included and marked.
pub fn compare_items(old: &Item, new: &Item) -> Vec<FieldChange> {
    Field::ALL
        .iter()
        .filter_map(|&f| {
            let (before, after) = (old.display(f), new.display(f));
            (before != after).then(|| {
                let separators_only = LIST_FIELDS.contains(&f)
                    && matches!((&before, &after), (Some(a), Some(b)) if chars::list_entries(a) == chars::list_entries(b));
                FieldChange { field: f, before, after, old_cell: cell_of(old, f), new_cell: cell_of(new, f), separators_only }
            })
        })
        .collect()
}

/// Compares two versions of a catalog; separator-only changes of list fields are no change.
pub fn diff(old: &[Item], new: &[Item]) -> Diff {
    diff_with(old, new, Options::default())
}

/// Compares two versions of a catalog with `options`.
pub fn diff_with(old: &[Item], new: &[Item], options: Options) -> Diff {
    let mut dups = BTreeSet::new();
    let mut out = Diff::default();
    let a = index(old, &mut dups, &mut out.unkeyed.0);
    let b = index(new, &mut dups, &mut out.unkeyed.1);
    for (k, o) in &a {
        match b.get(k) {
            None => out.removed.push(ItemRef::of(k, o)),
            Some(n) if !o.provenance.form && n.provenance.form => {
                out.only_in_guide.push(Moved { old: ItemRef::of(k, o), new: ItemRef::of(k, n) });
            }
            Some(n) if o.provenance.form && !n.provenance.form => {
                out.back_in_list.push(Moved { old: ItemRef::of(k, o), new: ItemRef::of(k, n) });
            }
            Some(n) => {
                let mut fields = compare_items(o, n);
                if !options.strict {
                    let before = fields.len();
                    fields.retain(|f| !f.separators_only);
                    out.separator_changes_hidden += before - fields.len();
                }
                if fields.is_empty() {
                    out.unchanged += 1;
                    *out.unchanged_by_jurisdiction.entry(n.division_code.clone().unwrap_or_default()).or_default() += 1;
                } else {
                    let materials = fields.iter().any(|c| c.field == Field::Materials).then(|| compare_materials(o, n));
                    out.changed.push(ItemChange { old: ItemRef::of(k, o), new: ItemRef::of(k, n), fields, materials });
                }
            }
        }
    }
    for (k, n) in &b {
        if !a.contains_key(k) {
            out.added.push(ItemRef::of(k, n));
        }
    }
    out.duplicate_keys = dups.into_iter().collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::item::{Limit, LimitUnit, Material};

    fn item(code: &str, name: &str) -> Item {
        Item { impl_code: Some(code.into()), name: Some(name.into()), ..Default::default() }
    }

    #[test]
    fn added_removed_changed() {
        let mut a1 = item("A", "甲");
        a1.promised_limit = Some(Limit { value: 10, unit: LimitUnit::WorkingDay });
        a1.materials = Some(vec![Material { name: "身份证".into(), required: true, ..Default::default() }]);
        let mut a2 = a1.clone();
        a2.promised_limit = Some(Limit { value: 5, unit: LimitUnit::WorkingDay });
        a2.materials = Some(vec![Material { name: "户口簿".into(), required: true, ..Default::default() }]);
        let d = diff(&[a1, item("B", "乙"), item("C", "丙")], &[a2, item("C", "丙"), item("D", "丁")]);
        assert_eq!(d.added.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["D"]);
        assert_eq!(d.removed.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["B"]);
        assert_eq!(d.unchanged, 1);
        assert_eq!(d.changed.len(), 1);
        let c = &d.changed[0];
        assert_eq!(c.fields.iter().map(|f| f.field).collect::<Vec<_>>(), [Field::Materials, Field::PromisedLimit]);
        assert_eq!(c.fields[1].before.as_deref(), Some("10个工作日"));
        assert_eq!(c.fields[1].after.as_deref(), Some("5个工作日"));
        let m = c.materials.as_ref().unwrap();
        assert_eq!(m.added, ["户口簿"]);
        assert_eq!(m.removed, ["身份证"]);
    }

    #[test]
    fn keys_fall_back_to_basic_code_and_division() {
        let i = Item { basic_code: Some("B1".into()), division_code: Some("150202000000".into()), ..Default::default() };
        assert_eq!(Key::of(&i).unwrap().to_string(), "B1@150202000000");
        assert_eq!(Key::of(&Item::default()), None);
    }

    #[test]
    fn duplicates_are_reported() {
        let d = diff(&[item("A", "甲"), item("A", "甲2")], &[item("A", "甲")]);
        assert_eq!(d.duplicate_keys, ["A"]);
        assert!(d.is_empty());
    }

    #[test]
    fn separators_only_are_no_change_unless_strict() {
        let mut a = item("A", "甲");
        a.process = Some("1.申请；2.受理".into());
        let mut b = a.clone();
        b.process = Some("1.申请\n2.受理".into());
        let d = diff(std::slice::from_ref(&a), std::slice::from_ref(&b));
        assert!(d.is_empty());
        assert_eq!((d.unchanged, d.separator_changes_hidden), (1, 1));
        let d = diff_with(&[a], &[b], Options { strict: true });
        assert_eq!(d.changed.len(), 1);
        assert!(d.changed[0].fields[0].separators_only);
        assert_eq!(d.changed[0].fields[0].new_cell, "!0", "no provenance: sheet and row only");
    }

    #[test]
    fn moves_between_list_and_guide() {
        let list = item("A", "甲");
        let mut guide = item("A", "甲");
        guide.provenance.form = true;
        let d = diff(std::slice::from_ref(&list), std::slice::from_ref(&guide));
        assert_eq!((d.only_in_guide.len(), d.changed.len(), d.removed.len()), (1, 0, 0));
        let d = diff(&[guide], &[list]);
        assert_eq!((d.back_in_list.len(), d.changed.len(), d.added.len()), (1, 0, 0));
        assert_eq!(d.by_jurisdiction()[""].back_in_list, 1);
    }
}
