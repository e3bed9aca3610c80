//! Fee, 便利化 and material rules.

use std::collections::HashSet;

use super::ItemContext;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::model::field::Field;
use crate::model::item::Item;
use crate::normalize::materials::{material_key, material_key_hash};

/// QD107: a fee-charging item states its basis and standard.
pub fn fee_without_basis(item: &Item, _ctx: ItemContext, out: &mut Vec<Finding>) {
    if item.fee != Some(true) {
        return;
    }
    for f in [Field::FeeBasis, Field::FeeStandard] {
        if !item.has(f) {
            out.push(Finding::at_item("QD107", item, Some(f), Msg::MissingWhenFee { field: f }));
        }
    }
}

/// QD108: online depth ≥ 3 needs an online address.
pub fn online_without_url(item: &Item, _ctx: ItemContext, out: &mut Vec<Finding>) {
    if let Some(depth) = item.online_depth
        && depth >= 3
        && item.online_url.is_none()
    {
        out.push(Finding::at_item("QD108", item, Some(Field::OnlineUrl), Msg::OnlineWithoutUrl { depth }));
    }
}

/// QD109: zero visits needs full online handling or express delivery.
pub fn zero_visits_offline(item: &Item, _ctx: ItemContext, out: &mut Vec<Finding>) {
    if item.visits == Some(0) && item.online_depth != Some(4) && item.express != Some(true) {
        let depth = item.online_depth.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
        out.push(Finding::at_item("QD109", item, Some(Field::Visits), Msg::ZeroVisitsOffline { depth }));
    }
}

/// QD110: no material twice in one item.
pub fn duplicate_material(item: &Item, _ctx: ItemContext, out: &mut Vec<Finding>) {
    let Some(ms) = &item.materials else { return };
    // Distinct key hashes mean distinct keys: the common case costs no allocation.
    let mut hashes: Vec<u64> = ms.iter().map(|m| material_key_hash(&m.name)).collect();
    hashes.sort_unstable();
    if hashes.windows(2).all(|w| w[0] != w[1]) {
        return;
    }
    let mut seen = HashSet::new();
    for m in ms {
        if !seen.insert(material_key(&m.name)) {
            out.push(Finding::at_item("QD110", item, Some(Field::Materials), Msg::DuplicateMaterial { name: m.name.clone() }));
        }
    }
}
