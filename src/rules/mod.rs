//! Per-item rules, one file per family. Each rule reads a normalized item and pushes findings;
//! rules never print and never re-read inputs. Metadata lives in [`registry`].

pub mod convenience;
pub mod identity;
pub mod limits;
pub mod registry;

use crate::finding::Finding;
use crate::model::item::{CatalogKind, Item};

/// What an item rule knows besides the item.
#[derive(Debug, Clone, Copy)]
pub struct ItemContext {
    /// Base catalog entry or implementation-list row.
    pub kind: CatalogKind,
}

/// An item rule: reads one item, pushes findings.
pub type ItemRule = fn(&Item, ItemContext, &mut Vec<Finding>);

/// Every item rule, in code order.
pub static ITEM_RULES: &[(&str, ItemRule)] = &[
    ("QD100", identity::missing_required),
    ("QD101", identity::credit_code),
    ("QD102", identity::division_code),
    ("QD104", limits::promised_over_statutory),
    ("QD106", limits::instant_with_limit),
    ("QD107", convenience::fee_without_basis),
    ("QD108", convenience::online_without_url),
    ("QD109", convenience::zero_visits_offline),
    ("QD110", convenience::duplicate_material),
];

/// Runs every enabled item rule on `item`.
pub fn check_item(item: &Item, ctx: ItemContext, enabled: impl Fn(&str) -> bool, out: &mut Vec<Finding>) {
    for (code, rule) in ITEM_RULES {
        if enabled(code) {
            rule(item, ctx, out);
        }
    }
}
