//! Closed vocabularies of fields.md: item types, levels, agency natures, service objects,
//! special procedures, cross-area scopes and the material enums. Each value serializes as its
//! canonical Chinese term; `parse` accepts the term and its aliases after width folding.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! vocab {
    ($(#[$meta:meta])* $name:ident { $( $variant:ident => $zh:literal, $en:literal, [$($alias:literal),*] ; )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( #[doc = $zh] $variant, )* }

        impl $name {
            /// Every value, in canonical order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The canonical Chinese term.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $zh,)* } }

            /// An English name for `--lang en`.
            pub fn en(self) -> &'static str { match self { $($name::$variant => $en,)* } }

            /// The other forms [`Self::parse`] accepts for this value (help lists them).
            pub fn aliases(self) -> &'static [&'static str] { match self { $($name::$variant => &[$($alias),*],)* } }

            /// Reads the term or one of its aliases; `s` must already be width-folded and trimmed.
            pub fn parse(s: &str) -> Option<$name> {
                $( if s == $zh $(|| s == $alias)* { return Some($name::$variant); } )*
                None
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown {}: {s}", stringify!($name))))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

vocab! {
    /// 事项类型 (GB/T 39046 A.1 type codes as aliases).
    ItemType {
        Licensing => "行政许可", "administrative licensing", ["许可", "01", "1"];
        Penalty => "行政处罚", "administrative penalty", ["处罚", "02", "2"];
        Enforcement => "行政强制", "administrative enforcement", ["强制", "03", "3"];
        Levy => "行政征收", "administrative levy", ["征收", "04", "4"];
        Benefit => "行政给付", "administrative benefit", ["给付", "05", "5"];
        Inspection => "行政检查", "administrative inspection", ["检查", "06", "6"];
        Confirmation => "行政确认", "administrative confirmation", ["确认", "07", "7"];
        Reward => "行政奖励", "administrative reward", ["奖励", "08", "8"];
        Adjudication => "行政裁决", "administrative adjudication", ["裁决", "09", "9"];
        OtherPower => "其他行政权力", "other administrative power", ["其他", "其他权力", "其他职权", "10"];
        PublicService => "公共服务", "public service", ["公共服务事项", "20"];
    }
}

vocab! {
    /// 行使层级.
    Level {
        National => "国家级", "national", ["国家", "中央"];
        Province => "省级", "province", ["省", "自治区级", "自治区", "省(自治区)级"];
        City => "市级", "city", ["市", "地市级", "盟市级", "市本级"];
        County => "县级", "county", ["县", "旗县区级", "旗县级", "县区级", "区县级", "旗(县、区)级", "旗县(区)级", "县(市、区)级", "旗(县、区)"];
        Township => "乡级", "township", ["乡", "乡镇级", "苏木乡镇(街道)级", "苏木乡镇级", "乡镇(街道)级", "街道级", "苏木乡镇(街道)"];
        Village => "村级", "village", ["村", "村(社区)级", "嘎查村(社区)级", "嘎查村级", "社区级", "嘎查村(社区)"];
    }
}

vocab! {
    /// 实施主体性质.
    AgencyNature {
        Statutory => "法定机关", "statutory authority", ["法定"];
        Authorized => "授权组织", "authorized organization", ["法律法规授权组织", "授权"];
        Entrusted => "受委托组织", "entrusted organization", ["委托", "受委托"];
        Other => "其他", "other", [];
    }
}

vocab! {
    /// 服务对象.
    ServiceObject {
        NaturalPerson => "自然人", "natural person", ["个人", "公民"];
        Enterprise => "企业法人", "enterprise", ["企业", "法人"];
        PublicInstitution => "事业法人", "public institution", ["事业单位", "事业单位法人"];
        SocialOrganization => "社会组织法人", "social organization", ["社会组织"];
        UnincorporatedEnterprise => "非法人企业", "unincorporated enterprise", [];
        Government => "行政机关", "government body", ["机关"];
        OtherOrganization => "其他组织", "other organization", ["其他"];
    }
}

vocab! {
    /// 特别程序.
    SpecialProcedure {
        SiteInspection => "现场勘验", "site inspection", ["现场勘察", "现场核查"];
        Hearing => "听证", "hearing", [];
        Tender => "招标", "tender", [];
        Auction => "拍卖", "auction", [];
        Examination => "检验", "examination", [];
        Testing => "检测", "testing", [];
        Quarantine => "检疫", "quarantine", [];
        Appraisal => "鉴定", "appraisal", [];
        ExpertReview => "专家评审", "expert review", ["专家评审论证"];
        Publicity => "公示", "public notice", [];
    }
}

vocab! {
    /// 通办范围.
    CrossArea {
        CrossProvince => "跨省通办", "cross-province", ["全国通办"];
        Region => "全区通办", "region-wide", ["全自治区通办", "全省通办"];
        City => "全市通办", "city-wide", ["市内通办"];
        None => "无", "none", ["否", "不通办"];
    }
}

vocab! {
    /// 来源渠道 of a material.
    MaterialSource {
        Applicant => "申请人自备", "applicant", ["申请人", "自备", "申请人提供"];
        Government => "政府部门核发", "government issued", ["政府部门", "部门核发", "政府核发"];
        Intermediary => "中介机构出具", "intermediary", ["中介机构", "中介"];
        Other => "其他", "other", [];
    }
}

vocab! {
    /// 材料形式.
    MaterialForm {
        Paper => "纸质", "paper", ["纸质材料", "纸质版"];
        Electronic => "电子", "electronic", ["电子材料", "电子版"];
        Either => "纸质或电子", "paper or electronic", ["纸质/电子", "纸质、电子", "纸质和电子", "电子或纸质"];
    }
}

impl Level {
    /// The depth of a division code at this level (1 = province … 5 = village); `None` for 国家级.
    pub fn division_depth(self) -> Option<u8> {
        match self {
            Level::National => None,
            Level::Province => Some(1),
            Level::City => Some(2),
            Level::County => Some(3),
            Level::Township => Some(4),
            Level::Village => Some(5),
        }
    }

    /// The level whose division codes have this depth.
    pub fn from_depth(depth: u8) -> Option<Level> {
        match depth {
            1 => Some(Level::Province),
            2 => Some(Level::City),
            3 => Some(Level::County),
            4 => Some(Level::Township),
            5 => Some(Level::Village),
            _ => None,
        }
    }
}

/// A field's closed vocabulary as (canonical terms, other accepted forms), for help texts and
/// config value aliases; `None` for fields without one.
pub fn accepted_forms(field: crate::model::field::Field) -> Option<(Vec<&'static str>, Vec<&'static str>)> {
    use crate::model::field::Kind;
    fn of<T: Copy>(
        all: &[T],
        name: fn(T) -> &'static str,
        aliases: fn(T) -> &'static [&'static str],
    ) -> (Vec<&'static str>, Vec<&'static str>) {
        (all.iter().map(|v| name(*v)).collect(), all.iter().flat_map(|v| aliases(*v).iter().copied()).collect())
    }
    Some(match field.kind() {
        Kind::ItemType => of(ItemType::ALL, ItemType::as_str, ItemType::aliases),
        Kind::Level => of(Level::ALL, Level::as_str, Level::aliases),
        Kind::AgencyNature => of(AgencyNature::ALL, AgencyNature::as_str, AgencyNature::aliases),
        Kind::ServiceObjects => of(ServiceObject::ALL, ServiceObject::as_str, ServiceObject::aliases),
        Kind::SpecialProcedures => of(SpecialProcedure::ALL, SpecialProcedure::as_str, SpecialProcedure::aliases),
        Kind::CrossArea => of(CrossArea::ALL, CrossArea::as_str, CrossArea::aliases),
        _ => return None,
    })
}
