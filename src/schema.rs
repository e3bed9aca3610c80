//! The unified item schema (`schemas/item.schema.json`, JSON Schema 2020-12), embedded at
//! compile time and compiled once. Items are checked with the cheap `is_valid` first; the rich
//! `iter_errors` runs only for items that fail.

use std::sync::OnceLock;

use crate::finding::Finding;
use crate::i18n::Msg;
use crate::model::field::Field;
use crate::model::item::Item;

/// The item schema text.
pub const ITEM_SCHEMA: &str = include_str!("../schemas/item.schema.json");

fn validator() -> Option<&'static jsonschema::Validator> {
    static V: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    V.get_or_init(|| {
        let schema: serde_json::Value = serde_json::from_str(ITEM_SCHEMA).ok()?;
        jsonschema::options().should_validate_formats(false).build(&schema).ok()
    })
    .as_ref()
}

/// Validates one item, pushing QD020 findings for each violation.
///
/// Serializing every item to a `serde_json::Value` costs more than reading it, so items are
/// first screened by [`clearly_valid`], which checks directly the few constraints of the schema
/// that the typed [`Item`] does not already guarantee. Only an item it cannot clear goes through
/// the JSON Schema validator, which then produces the findings exactly as before.
pub fn check(item: &Item, out: &mut Vec<Finding>) {
    if clearly_valid(item) {
        return;
    }
    let Some(v) = validator() else { return };
    let Ok(value) = serde_json::to_value(item) else { return };
    if v.is_valid(&value) {
        return;
    }
    for e in v.iter_errors(&value) {
        let path = e.instance_path().to_string();
        let key = path.trim_start_matches('/').split('/').next().unwrap_or("");
        let field = Field::from_key(key);
        out.push(Finding::at_item("QD020", item, field, Msg::SchemaViolation { path, detail: e.to_string() }));
    }
}

/// Whether `item` certainly satisfies `schemas/item.schema.json`, judged from the typed model.
///
/// Why this is equivalent to the validator on the items it clears: the schema has
/// `additionalProperties: false` and one property per [`Item`] field, and `Item` serializes
/// exactly those keys (`deny_unknown_fields`, no others), so only property values matter.
/// The typed model already guarantees every enum (`item_type`, `agency_nature`, `cross_area`,
/// the elements of `service_object` / `special_procedures` / `level`, the limit unit and the
/// material enums: each serializes as one of its canonical terms, which are the schema's enum
/// values), every boolean, every `minimum: 0` integer (`u32`), `extra` and `unread` (string maps) and
/// `provenance.file` / `sheet` / `row` / `headers`. What remains is checked here:
/// `minLength: 1` of every text field and of material names; `maxLength` of `name` and
/// material names (200) and of `department` / `agency` (100), where a value is cleared only
/// when its UTF-8 byte length is within the limit (so any way of counting characters agrees);
/// `uniqueItems` of `service_object`, `special_procedures` and a multi-valued `level` (which
/// serializes as an array; a single level serializes as one string of the enum); the 12-digit
/// `division_code` pattern; `online_depth <= 4`; and the `^[A-Z]{1,4}[0-9]+$` pattern of
/// `provenance.cells` (a column letter string is at most 4 letters below column 475254).
/// Anything not cleared goes to the validator, so a false `false` costs time, never a finding.
pub fn clearly_valid(item: &Item) -> bool {
    let texts = [
        &item.name,
        &item.basic_code,
        &item.impl_code,
        &item.handling_item,
        &item.parent_name,
        &item.department,
        &item.agency,
        &item.agency_code,
        &item.legal_basis,
        &item.division_name,
        &item.conditions,
        &item.process,
        &item.intermediary,
        &item.fee_basis,
        &item.fee_standard,
        &item.result_name,
        &item.place,
        &item.hours,
        &item.consult_phone,
        &item.complaint_phone,
        &item.audit_points,
        &item.online_url,
        &item.one_thing,
    ];
    if texts.iter().any(|t| t.as_deref().is_some_and(str::is_empty)) {
        return false;
    }
    let within = |t: &Option<String>, max: usize| t.as_deref().is_none_or(|s| s.len() <= max);
    if !within(&item.name, 200) || !within(&item.department, 100) || !within(&item.agency, 100) {
        return false;
    }
    if let Some(code) = &item.division_code
        && !(code.len() == 12 && code.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    if item.online_depth.is_some_and(|d| d > 4) {
        return false;
    }
    if !unique(&item.service_object) || !unique(&item.special_procedures) || !unique(&item.level) {
        return false;
    }
    if let Some(ms) = &item.materials
        && ms.iter().any(|m| m.name.is_empty() || m.name.len() > 200)
    {
        return false;
    }
    const MAX_FOUR_LETTER_COLUMNS: u32 = 26 + 26 * 26 + 26 * 26 * 26 + 26 * 26 * 26 * 26;
    item.provenance.fields.values().all(|s| s.column < MAX_FOUR_LETTER_COLUMNS)
}

fn unique<T: PartialEq>(v: &[T]) -> bool {
    v.iter().enumerate().all(|(i, x)| !v[..i].contains(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item the screen clears, the validator accepts.
    #[test]
    fn clearly_valid_items_are_valid() {
        use crate::ingest::table::Cell;
        use crate::model::vocab::Level;
        let v = validator().unwrap();
        let mut items = vec![Item::default(), Item { name: Some("长".repeat(66)), ..Default::default() }];
        let mut full = Item::default();
        for f in Field::ALL {
            let raw = match f.kind() {
                crate::model::field::Kind::DivisionCode => "150202000000",
                crate::model::field::Kind::Bool | crate::model::field::Kind::Instant => "是",
                crate::model::field::Kind::Limit => "20个工作日",
                crate::model::field::Kind::Level => "市级、县级",
                crate::model::field::Kind::ItemType => "行政许可",
                crate::model::field::Kind::AgencyNature => "法定机关",
                crate::model::field::Kind::ServiceObjects => "自然人^企业法人",
                crate::model::field::Kind::SpecialProcedures => "听证、公示",
                crate::model::field::Kind::Materials => "1.身份证（原件1份）；2.营业执照（复印件1份）",
                crate::model::field::Kind::OnlineDepth => "全程网办",
                crate::model::field::Kind::Visits => "0次",
                crate::model::field::Kind::CrossArea => "全市通办",
                _ => "某某",
            };
            crate::normalize::apply(&mut full, *f, &Cell::Text(raw.into()));
        }
        items.push(full.clone());
        let mut bad = full.clone();
        bad.level = vec![Level::City, Level::City];
        items.push(bad);
        let mut bad = full.clone();
        bad.online_depth = Some(7);
        items.push(bad);
        let mut bad = full.clone();
        bad.consult_phone = Some(String::new());
        items.push(bad);
        let mut bad = full.clone();
        bad.division_code = Some("15020".into());
        items.push(bad);
        let mut bad = full;
        bad.name = Some("长".repeat(201));
        items.push(bad);
        for item in &items {
            let valid = v.is_valid(&serde_json::to_value(item).unwrap());
            if clearly_valid(item) {
                assert!(valid, "{item:?}");
            }
        }
        assert!(clearly_valid(&items[2]));
        assert!(items[3..].iter().all(|i| !clearly_valid(i)));
    }

    #[test]
    fn schema_and_dictionary_name_the_same_fields() {
        let schema: serde_json::Value = serde_json::from_str(ITEM_SCHEMA).unwrap();
        let props = schema["properties"].as_object().unwrap();
        let mut keys: Vec<&str> = props.keys().map(String::as_str).filter(|k| !["provenance", "extra", "unread"].contains(k)).collect();
        keys.sort();
        let mut fields: Vec<&str> = Field::ALL.iter().map(|f| f.key()).collect();
        fields.sort();
        assert_eq!(keys, fields);
        for f in Field::ALL {
            assert_eq!(props[f.key()]["description"].as_str(), Some(f.label()), "{}", f.key());
        }
        assert!(validator().is_some());
    }

    #[test]
    fn a_long_name_violates_the_schema() {
        let item = Item { name: Some("长".repeat(201)), ..Default::default() };
        let mut out = Vec::new();
        check(&item, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].field, Some(Field::Name));
    }
}
