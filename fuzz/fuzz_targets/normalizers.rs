//! Fuzzes the boolean, enumeration, code and text normalizers, and `normalize::apply` for every field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qingdan::ingest::table::Cell;
use qingdan::model::field::Field;
use qingdan::model::item::Item;
use qingdan::model::vocab::*;
use qingdan::normalize::{self, boolean, code, convenience, text};

fuzz_target!(|s: &str| {
    let _ = boolean::parse_bool(s);
    let _ = convenience::parse_online_depth(s);
    let _ = convenience::parse_visits(s);
    let _ = convenience::parse_instant(s);
    let _ = code::code_from_text(s);
    let _ = text::clean(s);
    let _ = text::fold_header(s);
    let _ = text::fold_key(s);
    let _ = text::fold_all(s);
    let _ = text::strip_markers(s);
    let _ = text::split_brackets(s);
    let _ = text::split_list(s).count();
    let _ = text::says_none(s);
    let _ = ItemType::parse(s);
    let _ = Level::parse(s);
    let _ = AgencyNature::parse(s);
    let _ = ServiceObject::parse(s);
    let _ = SpecialProcedure::parse(s);
    let _ = CrossArea::parse(s);
    let _ = MaterialSource::parse(s);
    let _ = MaterialForm::parse(s);
    if let Ok(n) = s.trim().parse::<f64>() {
        let _ = code::code_from_number(n);
    }
    let mut item = Item::default();
    for &f in Field::ALL {
        let _ = normalize::apply(&mut item, f, &Cell::Text(s.to_string()));
        let _ = normalize::apply(&mut item, f, &Cell::Date(s.to_string()));
        if let Ok(n) = s.trim().parse::<f64>() {
            let _ = normalize::apply(&mut item, f, &Cell::Number(n));
        }
    }
});
