//! Normalizers: raw cells to typed field values, one module per value kind. [`apply`] is the
//! single entry point: it dispatches on the field's [`Kind`] from the field dictionary and
//! reports what it could not read, quoting the raw text; it never guesses a default.

pub mod boolean;
pub mod code;
pub mod convenience;
pub mod date;
pub mod limit;
pub mod materials;
pub mod text;

use crate::ingest::table::Cell;
use crate::model::field::{Field, Kind};
use crate::model::item::Item;
use crate::model::vocab::*;

/// What went wrong reading one value. The raw text is always kept for the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueProblem {
    /// The text is not a value of the field's kind.
    Unreadable(String),
    /// Part of a list was read; these parts were not.
    PartlyUnreadable(Vec<String>),
    /// A code Excel stored in scientific notation: digits are lost.
    DigitsLost(String),
    /// A spreadsheet error cell (`#N/A`).
    ErrorCell(String),
    /// A date cell where text or a code was expected.
    DateInText(String),
}

/// Normalizes `cell` into `item.field`. Blank cells leave the field absent. On a problem the
/// field stays absent (or holds what could be read, for lists) and the problem is returned.
pub fn apply(item: &mut Item, field: Field, cell: &Cell) -> Option<ValueProblem> {
    let raw_text = match cell {
        Cell::Empty => return None,
        Cell::Error(e) => return Some(ValueProblem::ErrorCell(e.clone())),
        Cell::Number(n) => return apply_number(item, field, *n),
        Cell::Bool(b) => {
            return match field.kind() {
                Kind::Bool => {
                    set_bool(item, field, *b);
                    None
                }
                _ => apply_text(item, field, if *b { "是" } else { "否" }),
            };
        }
        Cell::Date(d) => {
            if matches!(field.kind(), Kind::Text) {
                set_text(item, field, d.clone());
            }
            return Some(ValueProblem::DateInText(d.clone()));
        }
        Cell::Text(t) => t,
    };
    apply_text(item, field, raw_text)
}

fn apply_number(item: &mut Item, field: Field, n: f64) -> Option<ValueProblem> {
    match field.kind() {
        Kind::Code | Kind::DivisionCode | Kind::CreditCode => match code::code_from_number(n) {
            code::CodeRead::Ok(s) => apply_text(item, field, &s),
            code::CodeRead::DigitsLost(raw) => Some(ValueProblem::DigitsLost(raw)),
        },
        Kind::Limit => match limit::limit_from_number(n) {
            Some(l) => {
                set_limit(item, field, l);
                None
            }
            None => Some(ValueProblem::Unreadable(Cell::Number(n).as_text().into_owned())),
        },
        _ => apply_text(item, field, &Cell::Number(n).as_text()),
    }
}

/// [`apply`] for an owned cell: the same result, but a text cell's string is moved into the
/// item instead of copied when it is already clean (the common case when reading tables).
pub fn apply_owned(item: &mut Item, field: Field, cell: Cell) -> Option<ValueProblem> {
    match cell {
        Cell::Text(t) => {
            let t = text::clean_owned(t)?;
            apply_clean(item, field, t)
        }
        other => apply(item, field, &other),
    }
}

fn apply_text(item: &mut Item, field: Field, raw: &str) -> Option<ValueProblem> {
    let t = text::clean(raw)?;
    apply_clean(item, field, t)
}

/// Normalizes text already passed through [`text::clean`].
fn apply_clean(item: &mut Item, field: Field, t: String) -> Option<ValueProblem> {
    let bad = || Some(ValueProblem::Unreadable(t.clone()));
    match field.kind() {
        Kind::Text | Kind::Url => {
            if field == Field::Intermediary && text::says_none(&t) {
                return None;
            }
            let t = if field == Field::LegalBasis { text::fold_all(&t) } else { t };
            set_text(item, field, t);
            None
        }
        Kind::Code => match code::code_from_owned(t) {
            code::CodeRead::Ok(s) => {
                set_text(item, field, s);
                None
            }
            code::CodeRead::DigitsLost(raw) => Some(ValueProblem::DigitsLost(raw)),
        },
        Kind::CreditCode => match code::code_from_owned(t) {
            code::CodeRead::Ok(mut s) => {
                s.make_ascii_uppercase();
                item.agency_code = Some(s);
                None
            }
            code::CodeRead::DigitsLost(raw) => Some(ValueProblem::DigitsLost(raw)),
        },
        Kind::DivisionCode => match code::code_from_text(&t) {
            code::CodeRead::Ok(s) if s.bytes().all(|b| b.is_ascii_digit()) && matches!(s.len(), 6 | 9 | 12) => {
                item.division_code = Some(format!("{s:0<12}"));
                None
            }
            code::CodeRead::Ok(_) => bad(),
            code::CodeRead::DigitsLost(raw) => Some(ValueProblem::DigitsLost(raw)),
        },
        Kind::ItemType => match ItemType::parse(&t) {
            Some(v) => {
                item.item_type = Some(v);
                None
            }
            None => bad(),
        },
        Kind::AgencyNature => match AgencyNature::parse(&t) {
            Some(v) => {
                item.agency_nature = Some(v);
                None
            }
            None => bad(),
        },
        Kind::CrossArea => match CrossArea::parse(&t) {
            Some(v) => {
                item.cross_area = Some(v);
                None
            }
            None => match boolean::parse_bool(&t) {
                // 是否全市通办: 是 / 否.
                Some(true) => {
                    item.cross_area = Some(CrossArea::City);
                    None
                }
                Some(false) => {
                    item.cross_area = Some(CrossArea::None);
                    None
                }
                None => bad(),
            },
        },
        Kind::Level => list(&t, levels, &mut item.level),
        Kind::ServiceObjects => list(&t, service_objects, &mut item.service_object),
        Kind::SpecialProcedures => {
            if text::says_none(&t) {
                return None;
            }
            list(&t, SpecialProcedure::parse, &mut item.special_procedures)
        }
        Kind::Materials => match materials::parse_materials(&t) {
            Some(ms) if ms.is_empty() && !text::says_none(&t) => bad(),
            Some(ms) => {
                item.materials = Some(ms);
                None
            }
            None => None,
        },
        Kind::Limit => match limit::parse_limit(&t) {
            Some(l) => {
                set_limit(item, field, l);
                None
            }
            None => bad(),
        },
        Kind::Bool => match boolean::parse_bool(&t) {
            Some(b) => {
                set_bool(item, field, b);
                None
            }
            None => bad(),
        },
        Kind::Instant => match convenience::parse_instant(&t) {
            Some(b) => {
                item.instant = Some(b);
                None
            }
            None => bad(),
        },
        Kind::Visits => match convenience::parse_visits(&t) {
            Some(v) => {
                item.visits = Some(v);
                None
            }
            None => bad(),
        },
        Kind::OnlineDepth => match convenience::parse_online_depth(&t) {
            Some(v) => {
                item.online_depth = Some(v);
                None
            }
            None => bad(),
        },
    }
}

/// One part of a 行使层级 list: one level (`旗县区级`), or several written as one
/// (`市县两级`, in base catalogs).
fn levels(part: &str) -> Option<Vec<Level>> {
    Level::parse(part).map(|l| vec![l]).or_else(|| crate::model::vocab::level_list(part))
}

/// One part of a 服务对象 list: a term, or terms joined by 或 / 和 / 及 / 与 (`法人或其他组织`).
fn service_objects(part: &str) -> Option<Vec<ServiceObject>> {
    use ServiceObject::*;
    if let Some(v) = ServiceObject::parse(part) {
        return Some(vec![v]);
    }
    // Contracted compounds: 企事业单位 is 企业 and 事业单位.
    match text::fold_key(part).as_str() {
        "企事业单位" | "企事业法人" => return Some(vec![Enterprise, PublicInstitution]),
        "机关企事业单位" | "机关企事业法人" => return Some(vec![Government, Enterprise, PublicInstitution]),
        "机关事业单位" => return Some(vec![Government, PublicInstitution]),
        _ => {}
    }
    let part = part.replace("或者", "或").replace("以及", "及");
    let words: Vec<&str> = part.split(['或', '和', '及', '与']).filter(|w| !w.trim().is_empty()).collect();
    if words.len() < 2 {
        return None;
    }
    words.into_iter().map(ServiceObject::parse).collect()
}

fn list<T: PartialEq + Copy, P: ParsedParts<T>>(t: &str, parse: fn(&str) -> P, out: &mut Vec<T>) -> Option<ValueProblem> {
    let mut unknown = Vec::new();
    for part in text::split_list(t) {
        match parse(part).parts() {
            Some(vs) => {
                for v in vs {
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
            }
            None => unknown.push(part.to_string()),
        }
    }
    if unknown.is_empty() {
        None
    } else if out.is_empty() {
        Some(ValueProblem::Unreadable(t.to_string()))
    } else {
        Some(ValueProblem::PartlyUnreadable(unknown))
    }
}

/// What a list part parser returns: one value or several, or nothing.
trait ParsedParts<T> {
    /// The values read, `None` when the part was not readable.
    fn parts(self) -> Option<Vec<T>>;
}

impl<T> ParsedParts<T> for Option<T> {
    fn parts(self) -> Option<Vec<T>> {
        self.map(|v| vec![v])
    }
}

impl<T> ParsedParts<T> for Option<Vec<T>> {
    fn parts(self) -> Option<Vec<T>> {
        self
    }
}

fn set_text(item: &mut Item, field: Field, v: String) {
    // Not a text field: the dispatcher never sends one here.
    if let Some(slot) = item.text_mut(field) {
        *slot = Some(v);
    }
}

fn set_bool(item: &mut Item, field: Field, v: bool) {
    if let Some(slot) = item.flag_mut(field) {
        *slot = Some(v);
    }
}

fn set_limit(item: &mut Item, field: Field, v: crate::model::item::Limit) {
    match field {
        Field::StatutoryLimit => item.statutory_limit = Some(v),
        Field::PromisedLimit => item.promised_limit = Some(v),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::item::{Limit, LimitUnit};

    fn t(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn every_kind_dispatches() {
        let mut it = Item::default();
        assert_eq!(apply(&mut it, Field::DivisionCode, &Cell::Number(150202000000.0)), None);
        assert_eq!(it.division_code.as_deref(), Some("150202000000"));
        assert_eq!(apply(&mut it, Field::DivisionCode, &t("150202")), None);
        assert_eq!(it.division_code.as_deref(), Some("150202000000"));
        assert_eq!(apply(&mut it, Field::BasicCode, &t("1.50202E+11")), Some(ValueProblem::DigitsLost("1.50202E+11".into())));
        assert_eq!(apply(&mut it, Field::AgencyCode, &t("11150200mb1234567x")), None);
        assert_eq!(it.agency_code.as_deref(), Some("11150200MB1234567X"));
        assert_eq!(apply(&mut it, Field::ItemType, &t("许可")), None);
        assert_eq!(it.item_type, Some(ItemType::Licensing));
        assert_eq!(apply(&mut it, Field::Level, &t("旗县区级")), None);
        assert_eq!(it.level, vec![Level::County]);
        assert_eq!(apply(&mut it, Field::StatutoryLimit, &t("二十个工作日")), None);
        assert_eq!(it.statutory_limit, Some(Limit { value: 20, unit: LimitUnit::WorkingDay }));
        assert_eq!(apply(&mut it, Field::PromisedLimit, &t("按规定")), Some(ValueProblem::Unreadable("按规定".into())));
        assert_eq!(apply(&mut it, Field::Fee, &t("否")), None);
        assert_eq!(it.fee, Some(false));
        assert_eq!(apply(&mut it, Field::Instant, &t("即办件")), None);
        assert_eq!(it.instant, Some(true));
        assert_eq!(apply(&mut it, Field::ServiceObject, &t("自然人^外星人")), Some(ValueProblem::PartlyUnreadable(vec!["外星人".into()])));
        let mut so = Item::default();
        assert_eq!(apply(&mut so, Field::ServiceObject, &t("公民、法人或者其他组织")), None);
        assert_eq!(so.service_object, vec![ServiceObject::NaturalPerson, ServiceObject::Enterprise, ServiceObject::OtherOrganization]);
        let mut so = Item::default();
        assert_eq!(apply(&mut so, Field::ServiceObject, &t("企事业单位")), None);
        assert_eq!(so.service_object, vec![ServiceObject::Enterprise, ServiceObject::PublicInstitution]);
        assert_eq!(it.service_object, vec![ServiceObject::NaturalPerson]);
        assert_eq!(apply(&mut it, Field::Name, &t("  ＡＢＣ证明　")), None);
        assert_eq!(it.name.as_deref(), Some("ABC证明"));
        assert_eq!(apply(&mut it, Field::Name, &Cell::Error("#N/A".into())), Some(ValueProblem::ErrorCell("#N/A".into())));
        assert_eq!(
            apply(&mut it, Field::Conditions, &Cell::Date("2022-01-01".into())),
            Some(ValueProblem::DateInText("2022-01-01".into()))
        );
        assert_eq!(apply(&mut it, Field::Materials, &t("无")), None);
        assert_eq!(it.materials, Some(vec![]));
        assert_eq!(apply(&mut it, Field::CrossArea, &t("是")), None);
        assert_eq!(it.cross_area, Some(CrossArea::City));
        assert_eq!(apply(&mut it, Field::Intermediary, &t("无")), None);
        assert_eq!(it.intermediary, None);
        assert_eq!(apply(&mut it, Field::DivisionCode, &t("15020")), Some(ValueProblem::Unreadable("15020".into())));
        assert_eq!(apply(&mut it, Field::StatutoryLimit, &Cell::Number(15.0)), None);
        assert_eq!(apply(&mut it, Field::Visits, &t("")), None);
        assert_eq!(apply(&mut it, Field::Fee, &Cell::Bool(true)), None);
        assert_eq!(it.fee, Some(true));
    }

    #[test]
    fn every_text_and_bool_field_has_a_slot() {
        for f in Field::ALL {
            let mut it = Item::default();
            match f.kind() {
                Kind::Text | Kind::Url | Kind::Code => {
                    apply(&mut it, *f, &t("X1"));
                    assert!(it.has(*f), "{f:?}");
                }
                Kind::Bool => {
                    apply(&mut it, *f, &t("是"));
                    assert!(it.has(*f), "{f:?}");
                }
                _ => {}
            }
        }
    }
}
