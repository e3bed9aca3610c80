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
pub fn check(item: &Item, out: &mut Vec<Finding>) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_and_dictionary_name_the_same_fields() {
        let schema: serde_json::Value = serde_json::from_str(ITEM_SCHEMA).unwrap();
        let props = schema["properties"].as_object().unwrap();
        let mut keys: Vec<&str> = props.keys().map(String::as_str).filter(|k| *k != "provenance" && *k != "extra").collect();
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
