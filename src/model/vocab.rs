//! Closed vocabularies of fields.md: item types, levels, agency natures, service objects,
//! special procedures, cross-area scopes and the material enums. Each value serializes as its
//! canonical Chinese term; `parse` looks values up by the one folding key
//! ([`crate::normalize::text::fold_key`]), so full- and half-width brackets, punctuation, spaces
//! and line breaks never matter, then without bracketed notes, then through the vocabulary's own
//! grammar of long official forms where it has one ([`Level`]'s 旗/县/区, 苏木/乡/镇/街道,
//! 嘎查/村/社区 spellings; [`ItemType`]'s `…类` / `…事项` suffixes).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! vocab {
    ($(#[$meta:meta])* $name:ident $(via $forms:path)? { $( $variant:ident => $zh:literal, $en:literal, [$($alias:literal),*] ; )* }) => {
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

            /// Every written form the vocabulary knows (term, English name, aliases) with its value.
            pub fn forms() -> &'static [(&'static str, $name)] {
                &[$( ($zh, $name::$variant), ($en, $name::$variant), $(($alias, $name::$variant),)* )*]
            }

            /// The value whose term or alias has the folding key `key`.
            pub fn lookup(key: &str) -> Option<$name> {
                static MAP: std::sync::OnceLock<std::collections::HashMap<String, $name>> = std::sync::OnceLock::new();
                MAP.get_or_init(|| {
                    let mut m = std::collections::HashMap::new();
                    for (form, v) in $name::forms() {
                        m.entry($crate::normalize::text::fold_key(form)).or_insert(*v);
                    }
                    m
                })
                .get(key)
                .copied()
            }

            /// Reads a value in any of its written forms: the folded term or an alias, the same
            /// without a bracketed note (`企业法人（含分支机构）`), or a long official form.
            pub fn parse(s: &str) -> Option<$name> {
                // Keys are fixed points of the folding: a text that is a key needs no folding.
                if let Some(v) = $name::lookup(s) {
                    return Some(v);
                }
                let key = $crate::normalize::text::fold_key(s);
                if let Some(v) = $name::lookup(&key) {
                    return Some(v);
                }
                let (outside, notes) = $crate::normalize::text::split_brackets(s);
                if !notes.is_empty()
                    && let Some(v) = $name::lookup(&$crate::normalize::text::fold_key(&outside))
                {
                    // A note that names another value (`行政许可（02）`) contradicts the text.
                    let contradicted = notes.iter().any(|n| {
                        let n = $crate::normalize::text::fold_key(n);
                        $name::lookup(&n).or_else(|| $name::lookup(n.trim_start_matches('0'))).is_some_and(|o| o != v)
                    });
                    return (!contradicted).then_some(v);
                }
                $( if let Some(v) = $forms(&key) { return Some(v); } )?
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
    ItemType via item_type_forms {
        Licensing => "行政许可", "administrative licensing", ["许可", "01", "1", "行政审批"];
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
    Level via level_forms {
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
        NaturalPerson => "自然人", "natural person", ["个人", "公民", "居民", "群众"];
        Enterprise => "企业法人", "enterprise", ["企业", "法人", "企业法人单位"];
        PublicInstitution => "事业法人", "public institution", ["事业单位", "事业单位法人"];
        SocialOrganization => "社会组织法人", "social organization", ["社会组织", "社会团体", "社会团体法人", "民办非企业单位", "基金会"];
        UnincorporatedEnterprise => "非法人企业", "unincorporated enterprise", [];
        Government => "行政机关", "government body", ["机关", "国家机关", "机关法人", "党政机关", "政府机关"];
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

/// A field's closed vocabulary as (canonical terms, other accepted Chinese forms), for help
/// texts and config value aliases; `None` for fields without one. Long official forms read by
/// pattern (`苏木乡镇（街道）级`, `行政许可类`) are not listed one by one.
pub fn accepted_forms(field: crate::model::field::Field) -> Option<(Vec<&'static str>, Vec<&'static str>)> {
    use crate::model::field::Kind;
    fn of<T: Copy + PartialEq + 'static>(
        all: &[T],
        forms: &'static [(&'static str, T)],
        name: fn(T) -> &'static str,
        en: fn(T) -> &'static str,
    ) -> (Vec<&'static str>, Vec<&'static str>) {
        let canonical: Vec<&str> = all.iter().map(|v| name(*v)).collect();
        let mut other: Vec<&str> = Vec::new();
        for (form, v) in forms {
            if !canonical.contains(form) && *form != en(*v) && !other.contains(form) {
                other.push(form);
            }
        }
        (canonical, other)
    }
    Some(match field.kind() {
        Kind::ItemType => of(ItemType::ALL, ItemType::forms(), ItemType::as_str, ItemType::en),
        Kind::Level => of(Level::ALL, Level::forms(), Level::as_str, Level::en),
        Kind::AgencyNature => of(AgencyNature::ALL, AgencyNature::forms(), AgencyNature::as_str, AgencyNature::en),
        Kind::ServiceObjects => of(ServiceObject::ALL, ServiceObject::forms(), ServiceObject::as_str, ServiceObject::en),
        Kind::SpecialProcedures => of(SpecialProcedure::ALL, SpecialProcedure::forms(), SpecialProcedure::as_str, SpecialProcedure::en),
        Kind::CrossArea => of(CrossArea::ALL, CrossArea::forms(), CrossArea::as_str, CrossArea::en),
        _ => return None,
    })
}

/// Long official forms of 事项类型: `行政许可类`, `公共服务事项`, `其他类`, `行政许可（01）`;
/// `key` is already folded.
fn item_type_forms(key: &str) -> Option<ItemType> {
    let mut k = key;
    loop {
        let before = k.len();
        for suffix in ["事项", "类别", "类型", "类", "项"] {
            k = k.strip_suffix(suffix).unwrap_or(k);
        }
        if let Some(v) = ItemType::lookup(k) {
            return Some(v);
        }
        if k.len() == before {
            break;
        }
    }
    // A type code written beside the name: `行政许可01`, `01行政许可`.
    let name = k.trim_matches(|c: char| c.is_ascii_digit());
    let code = k.trim_start_matches(|c: char| !c.is_ascii_digit()).trim_end_matches(|c: char| !c.is_ascii_digit());
    match (ItemType::lookup(name), ItemType::lookup(code)) {
        (Some(a), Some(b)) if a == b => Some(a),
        (Some(a), None) if code.is_empty() => Some(a),
        _ => None,
    }
}

/// The words that name a level in Inner Mongolia's official spellings, longest first at each
/// position: 旗/县/区 (and 县级市, 市辖区), 苏木/乡/镇/街道, 嘎查/村/社区, 盟/市/地区 …
const LEVEL_WORDS: &[(&str, Option<Level>)] = &[
    ("国务院", Some(Level::National)),
    ("国家", Some(Level::National)),
    ("中央", Some(Level::National)),
    ("部委", Some(Level::National)),
    ("自治区", Some(Level::Province)),
    ("省", Some(Level::Province)),
    ("地级市", Some(Level::City)),
    ("设区的市", Some(Level::City)),
    ("地市", Some(Level::City)),
    ("盟市", Some(Level::City)),
    ("市州", Some(Level::City)),
    ("地区", Some(Level::City)),
    ("市直", Some(Level::City)),
    ("盟直", Some(Level::City)),
    ("旗直", Some(Level::County)),
    ("县直", Some(Level::County)),
    ("区直", Some(Level::County)),
    ("盟", Some(Level::City)),
    ("州", Some(Level::City)),
    ("市", Some(Level::City)),
    ("县级市", Some(Level::County)),
    ("市辖区", Some(Level::County)),
    ("自治旗", Some(Level::County)),
    ("自治县", Some(Level::County)),
    ("旗", Some(Level::County)),
    ("县", Some(Level::County)),
    ("区", Some(Level::County)),
    ("苏木", Some(Level::Township)),
    ("民族乡", Some(Level::Township)),
    ("街道办事处", Some(Level::Township)),
    ("街道办", Some(Level::Township)),
    ("街道", Some(Level::Township)),
    ("乡", Some(Level::Township)),
    ("镇", Some(Level::Township)),
    ("街", Some(Level::Township)),
    ("嘎查", Some(Level::Village)),
    ("村民委员会", Some(Level::Village)),
    ("居民委员会", Some(Level::Village)),
    ("村委会", Some(Level::Village)),
    ("居委会", Some(Level::Village)),
    ("社区", Some(Level::Village)),
    ("村", Some(Level::Village)),
    ("居", Some(Level::Village)),
    // Fillers: 本级 (市本级), 级 inside a compound (旗县级区).
    ("本", None),
    ("级", None),
    ("层", None),
];

/// Long official forms of 行使层级 (`key` already folded, so brackets and separators are gone):
/// every word names the same level (`苏木乡镇街道级`, `嘎查村社区`, `旗级`, `区级`), or a county
/// word comes first and `市` follows it as a county-level city (`县市区级`, `旗县市区`).
/// Anything else (`市县两级`, `乡村`) is not one level.
fn level_forms(key: &str) -> Option<Level> {
    match level_words(key)?.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Several levels written as one word, for a base catalog: `市县两级`, `市县乡村四级`
/// (each word a different level, an optional count at the end).
pub fn level_list(text: &str) -> Option<Vec<Level>> {
    let key = crate::normalize::text::fold_key(text);
    // The count is required and must match: `省市级` is not read as two levels.
    let (key, count) =
        [("两级", 2), ("二级", 2), ("三级", 3), ("四级", 4), ("五级", 5)].iter().find_map(|(c, n)| key.strip_suffix(c).map(|k| (k, *n)))?;
    let mut rest = key;
    let mut seen: Vec<Level> = Vec::new();
    while !rest.is_empty() {
        let (word, level) = LEVEL_WORDS.iter().filter(|(w, _)| rest.starts_with(w)).max_by_key(|(w, _)| w.len()).copied()?;
        rest = &rest[word.len()..];
        if let Some(l) = level
            && !seen.contains(&l)
        {
            seen.push(l);
        }
    }
    (seen.len() == count).then_some(seen)
}

/// The level the words of `key` name: all words of one level, or a county word followed by
/// `市` (a county-level city); `None` when a word is not a level word or they name several.
fn level_words(key: &str) -> Option<Vec<Level>> {
    let mut rest = key;
    let mut seen: Vec<Level> = Vec::new();
    while !rest.is_empty() {
        let (word, level) = LEVEL_WORDS.iter().filter(|(w, _)| rest.starts_with(w)).max_by_key(|(w, _)| w.len()).copied()?;
        rest = &rest[word.len()..];
        if let Some(l) = level {
            seen.push(l);
        }
    }
    let first = *seen.first()?;
    let all_first = seen.iter().all(|l| *l == first);
    if all_first {
        return Some(vec![first]);
    }
    // 县（市、区）级: 市 after a county word is a county-level city.
    (first == Level::County && seen.iter().all(|l| matches!(l, Level::County | Level::City))).then(|| vec![Level::County])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_spellings() {
        for (s, l) in [
            ("苏木乡镇（街道）级", Level::Township),
            ("苏木乡镇(街道)级", Level::Township),
            ("旗级", Level::County),
            ("苏木级", Level::Township),
            ("区级", Level::County),
            ("县（区）级", Level::County),
            ("村（社区）级", Level::Village),
            ("乡（镇、街道）级", Level::Township),
            ("旗县区级", Level::County),
            ("旗（县、市、区）级", Level::County),
            ("县（市、区）", Level::County),
            ("嘎查村（社区）", Level::Village),
            ("嘎查级", Level::Village),
            ("镇级", Level::Township),
            ("街道", Level::Township),
            ("社区级", Level::Village),
            ("市本级", Level::City),
            ("盟市级", Level::City),
            ("自治区级", Level::Province),
            ("国家级", Level::National),
            ("市 级", Level::City),
            ("县级市", Level::County),
        ] {
            assert_eq!(Level::parse(s), Some(l), "{s}");
        }
        for s in ["市县两级", "乡村", "省市级", "本级", "级", "城区", ""] {
            assert_eq!(Level::parse(s), None, "{s}");
        }
        assert_eq!(Level::parse("市直"), Some(Level::City));
        assert_eq!(Level::parse("旗县（市区）级"), Some(Level::County));
        use Level::*;
        assert_eq!(level_list("市县两级"), Some(vec![City, County]));
        assert_eq!(level_list("市县乡村四级"), Some(vec![City, County, Township, Village]));
        assert_eq!(level_list("旗县"), None, "one level");
        assert_eq!(level_list("省市级"), None, "no count");
        assert_eq!(level_list("市县三级"), None, "the count disagrees");
        assert_eq!(level_list("市县医院"), None);
    }

    #[test]
    fn item_type_long_forms() {
        for (s, t) in [
            ("行政许可类", ItemType::Licensing),
            ("行政许可事项", ItemType::Licensing),
            ("公共服务类事项", ItemType::PublicService),
            ("其他行政权力事项", ItemType::OtherPower),
            ("其他类", ItemType::OtherPower),
            ("行政许可（01）", ItemType::Licensing),
            ("01", ItemType::Licensing),
            ("许可类", ItemType::Licensing),
            ("行 政 确 认", ItemType::Confirmation),
        ] {
            assert_eq!(ItemType::parse(s), Some(t), "{s}");
        }
        for s in ["行政许可（02）", "许可证", "行政", "类"] {
            assert_eq!(ItemType::parse(s), None, "{s}");
        }
    }

    #[test]
    fn bracketed_notes_and_widths() {
        assert_eq!(ServiceObject::parse("企业法人（含分支机构）"), Some(ServiceObject::Enterprise));
        assert_eq!(MaterialForm::parse("纸质／电子"), Some(MaterialForm::Either));
        assert_eq!(CrossArea::parse("全市 通办"), Some(CrossArea::City));
    }
}
