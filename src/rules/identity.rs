//! Identity rules (基本要素): required elements, 统一社会信用代码, division codes.

use super::ItemContext;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::model::codes::{CreditCodeError, check_credit_code, division_level};
use crate::model::field::Field;
use crate::model::item::{CatalogKind, Item};

/// QD100: every required element present (fields.md "required"; fewer for a base entry).
pub fn missing_required(item: &Item, ctx: ItemContext, out: &mut Vec<Finding>) {
    for &f in Field::ALL {
        if f.required_in(ctx.kind) && !item.has(f) {
            out.push(Finding::at_item("QD100", item, Some(f), Msg::Missing { field: f }));
        }
    }
}

/// QD101: 统一社会信用代码 charset, length and check character.
pub fn credit_code(item: &Item, _ctx: ItemContext, out: &mut Vec<Finding>) {
    let Some(code) = item.agency_code.as_deref() else { return };
    let Err(e) = check_credit_code(code) else { return };
    let raw = code.to_string();
    let msg = match e {
        CreditCodeError::Length(len) => Msg::CreditLength { raw, len },
        CreditCodeError::Charset { position, ch } => Msg::CreditCharset { raw, position, ch },
        CreditCodeError::CheckChar { expected, actual } => Msg::CreditCheck { raw, expected, actual },
    };
    out.push(Finding::at_item("QD101", item, Some(Field::AgencyCode), msg));
}

/// QD102: a 12-digit code whose depth agrees with the item's level.
pub fn division_code(item: &Item, ctx: ItemContext, out: &mut Vec<Finding>) {
    let Some(code) = item.division_code.as_deref() else { return };
    let Some(code_level) = division_level(code) else {
        out.push(Finding::at_item("QD102", item, Some(Field::DivisionCode), Msg::DivisionMalformed { raw: code.into() }));
        return;
    };
    if ctx.kind == CatalogKind::Base {
        return;
    }
    if let Some(level) = item.single_level()
        && level != code_level
        && level.division_depth().is_some()
    {
        out.push(Finding::at_item(
            "QD102",
            item,
            Some(Field::DivisionCode),
            Msg::DivisionLevel { code: code.into(), code_level: code_level.to_string(), level: level.to_string() },
        ));
    }
}
