//! Time-limit rules (办结时限).

use std::cmp::Ordering;

use super::ItemContext;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::model::field::Field;
use crate::model::item::{Item, LimitUnit};

/// QD104 / QD105: the promised limit must not exceed the statutory one; units that cannot be
/// compared are said, not guessed.
pub fn promised_over_statutory(item: &Item, _ctx: ItemContext, out: &mut Vec<Finding>) {
    let (Some(p), Some(s)) = (item.promised_limit, item.statutory_limit) else { return };
    match p.partial_cmp_units(s) {
        Some(Ordering::Greater) => out.push(Finding::at_item(
            "QD104",
            item,
            Some(Field::PromisedLimit),
            Msg::PromisedOverStatutory { promised: p.display_zh(), statutory: s.display_zh() },
        )),
        Some(_) => {}
        None => out.push(Finding::at_item(
            "QD105",
            item,
            Some(Field::PromisedLimit),
            Msg::LimitUnitsDiffer { promised: p.display_zh(), statutory: s.display_zh() },
        )),
    }
}

/// QD106: a 即办件 promises an instant result.
pub fn instant_with_limit(item: &Item, _ctx: ItemContext, out: &mut Vec<Finding>) {
    if item.instant != Some(true) {
        return;
    }
    if let Some(p) = item.promised_limit
        && p.unit != LimitUnit::Instant
        && p.value > 0
    {
        out.push(Finding::at_item("QD106", item, Some(Field::PromisedLimit), Msg::InstantWithLimit { promised: p.display_zh() }));
    }
}
