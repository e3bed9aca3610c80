//! The normalized item: one row of an implementation list or a base catalog, typed after
//! normalization, with its provenance. Field names equal the keys of [`Field`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::field::Field;
use super::provenance::Provenance;
use super::vocab::*;

/// The unit of a time limit (fields.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitUnit {
    /// 工作日.
    WorkingDay,
    /// 日, 天, 自然日.
    NaturalDay,
    /// 个月.
    Month,
    /// 小时.
    Hour,
    /// 即办 (value 0).
    Instant,
}

/// A normalized time limit (`{"value": 20, "unit": "working_day"}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Limit {
    /// The number of units.
    pub value: u32,
    /// The unit.
    pub unit: LimitUnit,
}

impl Limit {
    /// An instant limit (即办).
    pub const INSTANT: Limit = Limit { value: 0, unit: LimitUnit::Instant };

    /// The limit in hours when units are comparable without a calendar
    /// (hours, and days counted as 24 hours for natural days); `None` for working days and months.
    fn comparable(self, other: Limit) -> Option<(f64, f64)> {
        use LimitUnit::*;
        let scale = |u: LimitUnit| match u {
            Instant => Some(0.0),
            Hour => Some(1.0),
            NaturalDay => Some(24.0),
            WorkingDay => None,
            Month => None,
        };
        if self.unit == other.unit {
            return Some((self.value as f64, other.value as f64));
        }
        if self.unit == Instant {
            return Some((0.0, other.value as f64));
        }
        if other.unit == Instant {
            return Some((self.value as f64, 0.0));
        }
        let (a, b) = (scale(self.unit)?, scale(other.unit)?);
        Some((self.value as f64 * a, other.value as f64 * b))
    }

    /// Compares two limits when their units allow it; `None` when the units differ incomparably
    /// (working days against natural days or months).
    pub fn partial_cmp_units(self, other: Limit) -> Option<std::cmp::Ordering> {
        let (a, b) = self.comparable(other)?;
        a.partial_cmp(&b)
    }

    /// The ratio `self / other` when comparable (used for 承诺时限压缩率).
    pub fn ratio_to(self, other: Limit) -> Option<f64> {
        let (a, b) = self.comparable(other)?;
        if b == 0.0 { None } else { Some(a / b) }
    }
}

/// One application material (fields.md §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Material {
    /// 材料名称.
    pub name: String,
    /// 来源渠道.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<MaterialSource>,
    /// 原件份数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<u32>,
    /// 复印件份数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u32>,
    /// 材料形式.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<MaterialForm>,
    /// 是否必要 (default true).
    #[serde(default = "yes")]
    pub required: bool,
    /// 可用电子证照.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_license: Option<bool>,
}

fn yes() -> bool {
    true
}

/// Whether a table is the base catalog (同源 source) or an implementation list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CatalogKind {
    /// 实施清单.
    #[default]
    Implementation,
    /// 基本目录.
    Base,
}

impl Field {
    /// Whether a table of `kind` must carry this field (fields.md "required"; a base entry
    /// needs only its basic elements and 主管部门). Fee elements are QD107's.
    pub fn required_in(self, kind: CatalogKind) -> bool {
        use super::field::Required;
        match (self.required(), kind) {
            (Required::Always, _) => true,
            (Required::Implementation, CatalogKind::Implementation) => true,
            (Required::Implementation, CatalogKind::Base) => self == Field::Department,
            _ => false,
        }
    }
}

/// A normalized government service item: an implementation-list row, or a base-catalog entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// 事项名称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 基本编码.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_code: Option<String>,
    /// 实施编码.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impl_code: Option<String>,
    /// 业务办理项.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handling_item: Option<String>,
    /// 主项名称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_name: Option<String>,
    /// 事项类型.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_type: Option<ItemType>,
    /// 主管部门.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// 实施主体.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// 实施主体编码.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_code: Option<String>,
    /// 实施主体性质.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_nature: Option<AgencyNature>,
    /// 设定依据.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// 行使层级: one level, or several in a base catalog.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "levels")]
    pub level: Vec<Level>,
    /// 行政区划代码 (12 digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_code: Option<String>,
    /// 行政区划.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_name: Option<String>,
    /// 服务对象.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_object: Vec<ServiceObject>,
    /// 受理条件.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<String>,
    /// 办理流程.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// 申请材料; `None` when the source gives none, `Some([])` when it says 无.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub materials: Option<Vec<Material>>,
    /// 中介服务.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediary: Option<String>,
    /// 法定办结时限.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statutory_limit: Option<Limit>,
    /// 承诺办结时限.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised_limit: Option<Limit>,
    /// 是否收费.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<bool>,
    /// 收费依据.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_basis: Option<String>,
    /// 收费标准.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_standard: Option<String>,
    /// 是否年检年报.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_report: Option<bool>,
    /// 特别程序.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub special_procedures: Vec<SpecialProcedure>,
    /// 办理结果.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_name: Option<String>,
    /// 办理地点.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// 办理时间.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// 咨询电话.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consult_phone: Option<String>,
    /// 监督投诉电话.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint_phone: Option<String>,
    /// 审核要点.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_points: Option<String>,
    /// 是否进驻政务服务中心.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_hall: Option<bool>,
    /// 是否一窗受理.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_window: Option<bool>,
    /// 网上办理深度 0..4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_depth: Option<u8>,
    /// 网办地址.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
    /// 是否掌上办.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<bool>,
    /// 是否支持预约.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appointment: Option<bool>,
    /// 是否支持物流快递.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub express: Option<bool>,
    /// 到办事现场次数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visits: Option<u32>,
    /// 是否即办件.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instant: Option<bool>,
    /// 通办范围.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_area: Option<CrossArea>,
    /// 是否就近办.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearby: Option<bool>,
    /// 是否免证办.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_free: Option<bool>,
    /// 是否告知承诺.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_commit: Option<bool>,
    /// 是否容缺受理.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<bool>,
    /// 一件事主题.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_thing: Option<String>,
    /// 是否自助办理.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_service: Option<bool>,
    /// Where the item came from.
    pub provenance: Provenance,
    /// Columns that map to no field, by original header.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
    /// The text as written of each value that could not be read (QD010), by field, so that
    /// publications show what the department wrote instead of a blank.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unread: BTreeMap<Field, String>,
}

/// Serializes `level` as one string, or an array when a base entry names several levels.
mod levels {
    use super::Level;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Level),
        Many(Vec<Level>),
    }

    pub fn serialize<S: Serializer>(v: &[Level], s: S) -> Result<S::Ok, S::Error> {
        if v.len() == 1 { v[0].serialize(s) } else { v.serialize(s) }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Level>, D::Error> {
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(l) => vec![l],
            OneOrMany::Many(v) => v,
        })
    }
}

/// The one mapping from text and code fields to their slots, shared by `text` and `text_mut`.
macro_rules! text_slot {
    ($item:expr, $f:expr, $($r:tt)+) => {
        Some(match $f {
            Field::Name => $($r)+ $item.name,
            Field::BasicCode => $($r)+ $item.basic_code,
            Field::ImplCode => $($r)+ $item.impl_code,
            Field::HandlingItem => $($r)+ $item.handling_item,
            Field::ParentName => $($r)+ $item.parent_name,
            Field::Department => $($r)+ $item.department,
            Field::Agency => $($r)+ $item.agency,
            Field::AgencyCode => $($r)+ $item.agency_code,
            Field::LegalBasis => $($r)+ $item.legal_basis,
            Field::DivisionCode => $($r)+ $item.division_code,
            Field::DivisionName => $($r)+ $item.division_name,
            Field::Conditions => $($r)+ $item.conditions,
            Field::Process => $($r)+ $item.process,
            Field::Intermediary => $($r)+ $item.intermediary,
            Field::FeeBasis => $($r)+ $item.fee_basis,
            Field::FeeStandard => $($r)+ $item.fee_standard,
            Field::ResultName => $($r)+ $item.result_name,
            Field::Place => $($r)+ $item.place,
            Field::Hours => $($r)+ $item.hours,
            Field::ConsultPhone => $($r)+ $item.consult_phone,
            Field::ComplaintPhone => $($r)+ $item.complaint_phone,
            Field::AuditPoints => $($r)+ $item.audit_points,
            Field::OnlineUrl => $($r)+ $item.online_url,
            Field::OneThing => $($r)+ $item.one_thing,
            _ => return None,
        })
    };
}

/// The one mapping from yes/no flags to their slots, shared by `flag` and `flag_mut`.
macro_rules! flag_slot {
    ($item:expr, $f:expr, $($r:tt)+) => {
        Some(match $f {
            Field::Fee => $($r)+ $item.fee,
            Field::AnnualReport => $($r)+ $item.annual_report,
            Field::InHall => $($r)+ $item.in_hall,
            Field::OneWindow => $($r)+ $item.one_window,
            Field::Mobile => $($r)+ $item.mobile,
            Field::Appointment => $($r)+ $item.appointment,
            Field::Express => $($r)+ $item.express,
            Field::Instant => $($r)+ $item.instant,
            Field::Nearby => $($r)+ $item.nearby,
            Field::CertFree => $($r)+ $item.cert_free,
            Field::NotifyCommit => $($r)+ $item.notify_commit,
            Field::Tolerance => $($r)+ $item.tolerance,
            Field::SelfService => $($r)+ $item.self_service,
            _ => return None,
        })
    };
}

fn join<T: std::fmt::Display>(v: &[T]) -> String {
    v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join("、")
}

fn yes_no(b: bool) -> String {
    if b { "是".into() } else { "否".into() }
}

impl Limit {
    /// The limit as a person writes it (`20个工作日`, `即办`).
    pub fn display_zh(self) -> String {
        match self.unit {
            LimitUnit::Instant => "即办".into(),
            LimitUnit::WorkingDay => format!("{}个工作日", self.value),
            LimitUnit::NaturalDay => format!("{}日", self.value),
            LimitUnit::Month => format!("{}个月", self.value),
            LimitUnit::Hour => format!("{}小时", self.value),
        }
    }
}

impl Material {
    /// The material as one line of a numbered list (`身份证（原件1份，复印件1份）`).
    pub fn display_zh(&self) -> String {
        let mut notes = Vec::new();
        if let Some(n) = self.original {
            notes.push(format!("原件{n}份"));
        }
        if let Some(n) = self.copies {
            notes.push(format!("复印件{n}份"));
        }
        if let Some(f) = self.form {
            notes.push(f.as_str().to_string());
        }
        if let Some(s) = self.source {
            notes.push(s.as_str().to_string());
        }
        if !self.required {
            notes.push("非必要".into());
        }
        if notes.is_empty() { self.name.clone() } else { format!("{}（{}）", self.name, notes.join("，")) }
    }
}

impl Item {
    /// The identifier findings name the item by: impl_code, else basic_code, else name.
    pub fn label(&self) -> Option<&str> {
        self.impl_code.as_deref().or(self.basic_code.as_deref()).or(self.name.as_deref())
    }

    /// Whether the field holds a value.
    pub fn has(&self, f: Field) -> bool {
        match f {
            Field::Level => !self.level.is_empty(),
            Field::ServiceObject => !self.service_object.is_empty(),
            Field::SpecialProcedures => !self.special_procedures.is_empty(),
            Field::ItemType => self.item_type.is_some(),
            Field::AgencyNature => self.agency_nature.is_some(),
            Field::Materials => self.materials.is_some(),
            Field::StatutoryLimit => self.statutory_limit.is_some(),
            Field::PromisedLimit => self.promised_limit.is_some(),
            Field::OnlineDepth => self.online_depth.is_some(),
            Field::Visits => self.visits.is_some(),
            Field::Instant => self.instant.is_some(),
            Field::CrossArea => self.cross_area.is_some(),
            _ => match self.text(f) {
                Some(slot) => slot.is_some(),
                None => self.flag(f).is_some_and(|v| v.is_some()),
            },
        }
    }

    /// The slot of a yes/no flag (`None` for fields of other kinds).
    pub fn flag(&self, f: Field) -> Option<&Option<bool>> {
        flag_slot!(self, f, &)
    }

    /// The mutable slot of a yes/no flag (`None` for fields of other kinds).
    pub fn flag_mut(&mut self, f: Field) -> Option<&mut Option<bool>> {
        flag_slot!(self, f, &mut)
    }

    /// The slot of a free-text or code field (`None` for fields of other kinds).
    pub fn text(&self, f: Field) -> Option<&Option<String>> {
        text_slot!(self, f, &)
    }

    /// The mutable slot of a free-text or code field (`None` for fields of other kinds).
    pub fn text_mut(&mut self, f: Field) -> Option<&mut Option<String>> {
        text_slot!(self, f, &mut)
    }

    /// The field's value as a person reads it in a spreadsheet cell, or `None` when absent.
    /// Exports, diffs and form comparisons use this one rendering.
    pub fn display(&self, f: Field) -> Option<String> {
        let text = |v: &Option<String>| v.clone();
        let flag = |v: Option<bool>| v.map(yes_no);
        Some(match f {
            Field::Name => return text(&self.name),
            Field::BasicCode => return text(&self.basic_code),
            Field::ImplCode => return text(&self.impl_code),
            Field::HandlingItem => return text(&self.handling_item),
            Field::ParentName => return text(&self.parent_name),
            Field::ItemType => self.item_type?.to_string(),
            Field::Department => return text(&self.department),
            Field::Agency => return text(&self.agency),
            Field::AgencyCode => return text(&self.agency_code),
            Field::AgencyNature => self.agency_nature?.to_string(),
            Field::LegalBasis => return text(&self.legal_basis),
            Field::Level if self.level.is_empty() => return None,
            Field::Level => join(&self.level),
            Field::DivisionCode => return text(&self.division_code),
            Field::DivisionName => return text(&self.division_name),
            Field::ServiceObject if self.service_object.is_empty() => return None,
            Field::ServiceObject => join(&self.service_object),
            Field::Conditions => return text(&self.conditions),
            Field::Process => return text(&self.process),
            Field::Materials => {
                let m = self.materials.as_ref()?;
                if m.is_empty() {
                    "无".into()
                } else {
                    m.iter().enumerate().map(|(i, m)| format!("{}.{}", i + 1, m.display_zh())).collect::<Vec<_>>().join("\n")
                }
            }
            Field::Intermediary => return text(&self.intermediary),
            Field::StatutoryLimit => self.statutory_limit?.display_zh(),
            Field::PromisedLimit => self.promised_limit?.display_zh(),
            Field::Fee => return flag(self.fee),
            Field::FeeBasis => return text(&self.fee_basis),
            Field::FeeStandard => return text(&self.fee_standard),
            Field::AnnualReport => return flag(self.annual_report),
            Field::SpecialProcedures if self.special_procedures.is_empty() => return None,
            Field::SpecialProcedures => join(&self.special_procedures),
            Field::ResultName => return text(&self.result_name),
            Field::Place => return text(&self.place),
            Field::Hours => return text(&self.hours),
            Field::ConsultPhone => return text(&self.consult_phone),
            Field::ComplaintPhone => return text(&self.complaint_phone),
            Field::AuditPoints => return text(&self.audit_points),
            Field::InHall => return flag(self.in_hall),
            Field::OneWindow => return flag(self.one_window),
            Field::OnlineDepth => self.online_depth?.to_string(),
            Field::OnlineUrl => return text(&self.online_url),
            Field::Mobile => return flag(self.mobile),
            Field::Appointment => return flag(self.appointment),
            Field::Express => return flag(self.express),
            Field::Visits => self.visits?.to_string(),
            Field::Instant => self.instant.map(|b| if b { "即办件" } else { "承诺件" })?.to_string(),
            Field::CrossArea => self.cross_area?.to_string(),
            Field::Nearby => return flag(self.nearby),
            Field::CertFree => return flag(self.cert_free),
            Field::NotifyCommit => return flag(self.notify_commit),
            Field::Tolerance => return flag(self.tolerance),
            Field::OneThing => return text(&self.one_thing),
            Field::SelfService => return flag(self.self_service),
        })
    }

    /// The single level of an implementation item (the first named).
    pub fn single_level(&self) -> Option<Level> {
        self.level.first().copied()
    }
}
