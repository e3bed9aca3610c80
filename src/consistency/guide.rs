//! QD207 guide-differs-from-list: a 办事指南 read as a form and an implementation-list row with
//! the same 实施编码 must agree on every element both give. Values are compared by
//! [`fold_key`] (width, spaces and punctuation ignored); materials by their names.
//!
//! List rows are kept small (their provenance, shared per table, and the displayed values);
//! guide items are few and kept whole. Items may arrive in any order.

use std::collections::HashMap;

use crate::finding::{Finding, Location};
use crate::i18n::Msg;
use crate::model::field::Field;
use crate::model::item::Item;
use crate::model::provenance::Provenance;
use crate::normalize::text::fold_key;

/// A list row reduced to what the comparison quotes.
#[derive(Debug, Clone)]
struct ListRow {
    provenance: Provenance,
    values: Vec<(Field, String)>,
    material_names: Option<Vec<String>>,
}

/// Collects guide (form) items and list (table) items by 实施编码 and compares them at the end.
#[derive(Debug, Default)]
pub struct GuideComparison {
    guides: Vec<Item>,
    lists: HashMap<String, ListRow>,
}

impl GuideComparison {
    /// A new, empty collector.
    pub fn new() -> GuideComparison {
        GuideComparison::default()
    }

    /// Observes one item; `from_form` when it was read from a form-layout sheet
    /// (`item.provenance.form`). Items without 实施编码 are ignored; of several list rows with
    /// the same code the first is kept.
    pub fn observe(&mut self, item: &Item, from_form: bool) {
        let Some(code) = item.impl_code.as_deref() else { return };
        if from_form {
            self.guides.push(item.clone());
            return;
        }
        if self.lists.contains_key(code) {
            return;
        }
        let values = Field::ALL.iter().filter(|f| **f != Field::ImplCode).filter_map(|f| item.display(*f).map(|v| (*f, v))).collect();
        let row = ListRow { provenance: item.provenance.clone(), values, material_names: material_names(item) };
        self.lists.insert(code.to_string(), row);
    }

    /// The findings: one per field a guide and its list row disagree on, at the guide's cell.
    pub fn finish(self) -> Vec<Finding> {
        let mut out = Vec::new();
        for guide in &self.guides {
            let Some(list) = guide.impl_code.as_deref().and_then(|c| self.lists.get(c)) else { continue };
            for (field, list_value) in &list.values {
                let Some(guide_value) = guide.display(*field) else { continue };
                let same = if *field == Field::Materials {
                    material_names(guide) == list.material_names
                } else {
                    fold_key(&guide_value) == fold_key(list_value)
                };
                if same {
                    continue;
                }
                let list_at = place(&list.provenance, *field);
                out.push(Finding::at_item(
                    "QD207",
                    guide,
                    Some(*field),
                    Msg::GuideDiffersFromList { field: *field, guide: guide_value, list: list_value.clone(), list_at },
                ));
            }
        }
        out
    }
}

/// The compared material names, sorted (their order and notes may differ between documents).
fn material_names(item: &Item) -> Option<Vec<String>> {
    let mut names: Vec<String> = item.materials.as_ref()?.iter().map(|m| fold_key(&m.name)).collect();
    names.sort();
    Some(names)
}

/// `东河区.xlsx 实施清单!F12` for a field of a list row.
fn place(p: &Provenance, field: Field) -> String {
    let (row, column) = match p.cell(field) {
        Some((r, c)) => (Some(r), Some(c)),
        None => (Some(p.row), None),
    };
    let at = Location { file: Some(p.file.clone()), sheet: p.sheet.clone(), row, column, header: None };
    format!("{} {}", p.file, at.cell_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::item::Material;
    use crate::model::provenance::FieldSource;
    use std::collections::BTreeMap;
    use std::sync::Arc;

    fn item(file: &str, form: bool, name: &str, phone: &str, materials: &[&str]) -> Item {
        let mut fields = BTreeMap::new();
        fields.insert(Field::Name, FieldSource { header: "事项名称".into(), column: 1, row: None });
        fields.insert(Field::ConsultPhone, FieldSource { header: "咨询电话".into(), column: 2, row: Some(9) });
        Item {
            name: Some(name.into()),
            impl_code: Some("X1".into()),
            consult_phone: Some(phone.into()),
            materials: Some(materials.iter().map(|n| Material { name: n.to_string(), required: true, ..Default::default() }).collect()),
            provenance: Provenance { file: file.into(), sheet: Some("表1".into()), row: 3, fields: Arc::new(fields), form },
            ..Default::default()
        }
    }

    #[test]
    fn differences_point_at_the_guide() {
        let mut g = GuideComparison::new();
        g.observe(&item("指南.xlsx", true, "某某许可", "0472-1", &["身份证", "营业执照"]), true);
        g.observe(&item("清单.xlsx", false, "某某许可。", "0472-2", &["营业执照", "身份证"]), false);
        let fs = g.finish();
        assert_eq!(fs.len(), 1);
        assert_eq!(fs[0].rule, "QD207");
        assert_eq!(fs[0].field, Some(Field::ConsultPhone));
        assert_eq!(fs[0].location.cell_ref(), "表1!C9");
        assert!(matches!(&fs[0].message, Msg::GuideDiffersFromList { list_at, .. } if list_at == "清单.xlsx 表1!C9"));
    }
}
