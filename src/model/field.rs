//! The field dictionary: the one place where canonical field keys, their Chinese labels,
//! built-in header aliases and value kinds live. Header mapping, the JSON Schema check,
//! the template, the export headers and every label in messages derive from [`Field`].
//!
//! Source: `fields.md` (canonical keys and headers) and `aliases.md` (header synonyms seen in
//! real exports) of the project's contract, copied here as code.

use serde::{Deserialize, Serialize};

/// How a field's raw cell text is normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text, width-folded and trimmed.
    Text,
    /// An identifier such as 基本编码: text, but recovered from numbers Excel mangled.
    Code,
    /// A 18-character 统一社会信用代码 (GB 32100-2015).
    CreditCode,
    /// A 12-digit division code (统计用区划代码).
    DivisionCode,
    /// One of the item types (事项类型).
    ItemType,
    /// One level, or several in a base catalog (行使层级).
    Level,
    /// One of the agency natures (实施主体性质).
    AgencyNature,
    /// A list of service objects (服务对象).
    ServiceObjects,
    /// A list of materials (申请材料).
    Materials,
    /// A time limit (办结时限).
    Limit,
    /// A boolean flag.
    Bool,
    /// 办件类型: 即办件 / 承诺件, or a boolean.
    Instant,
    /// A non-negative count (到现场次数).
    Visits,
    /// 网上办理深度 0..4.
    OnlineDepth,
    /// An address on the web.
    Url,
    /// 通办范围.
    CrossArea,
    /// A list of special procedures (特别程序).
    SpecialProcedures,
}

/// Which element group of the seed document a field belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// 基本要素.
    Basic,
    /// 一般要素 (and 特别程序).
    General,
    /// 便利化 flags.
    Convenience,
}

/// When a field is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    /// Never required.
    No,
    /// Required in implementation lists and in the base catalog.
    Always,
    /// Required in implementation lists only.
    Implementation,
    /// Required when `fee` is true.
    WhenFee,
}

macro_rules! fields {
    ($( $variant:ident => $key:literal, $label:literal, $en:literal, $kind:ident, $group:ident, $req:ident, [$($alias:literal),*] ; )*) => {
        /// A canonical item field: the key used in normalized catalogs, reports and the schema.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Field { $( #[doc = $label] $variant, )* }

        impl Field {
            /// Every field, in the order of fields.md (the order of exported columns).
            pub const ALL: &'static [Field] = &[$(Field::$variant),*];

            /// The stable key (`agency_code`).
            pub fn key(self) -> &'static str { match self { $(Field::$variant => $key,)* } }

            /// The canonical Chinese header (`实施主体编码`).
            pub fn label(self) -> &'static str { match self { $(Field::$variant => $label,)* } }

            /// An English label for `--lang en`.
            pub fn label_en(self) -> &'static str { match self { $(Field::$variant => $en,)* } }

            /// How the field's raw text is normalized.
            pub fn kind(self) -> Kind { match self { $(Field::$variant => Kind::$kind,)* } }

            /// The element group.
            pub fn group(self) -> Group { match self { $(Field::$variant => Group::$group,)* } }

            /// When the field is required.
            pub fn required(self) -> Required { match self { $(Field::$variant => Required::$req,)* } }

            /// Built-in header synonyms besides the canonical label.
            pub fn aliases(self) -> &'static [&'static str] { match self { $(Field::$variant => &[$($alias),*],)* } }
        }
    };
}

fields! {
    Name => "name", "事项名称", "item name", Text, Basic, Always, ["职权名称", "权力名称", "事项目录名称", "政务服务事项名称", "task_name", "taskName", "名称"];
    BasicCode => "basic_code", "基本编码", "basic code", Code, Basic, Always, ["国家基本编码", "基本目录编码", "权力基本码", "地方基本编码", "事项目录编码", "catalog_code", "catalogCode", "jbbm", "基本目录码"];
    ImplCode => "impl_code", "实施编码", "implementation code", Code, Basic, Implementation, ["实施清单编码", "国家实施编码", "地方实施编码", "事项编码", "task_code", "taskCode", "itemCode", "ssbm"];
    HandlingItem => "handling_item", "业务办理项", "handling item", Text, Basic, No, ["业务办理项名称", "办理项名称", "具体事项"];
    ParentName => "parent_name", "主项名称", "parent item", Text, Basic, No, ["主项", "大项名称"];
    ItemType => "item_type", "事项类型", "item type", ItemType, Basic, Always, ["权力类型", "职权类型", "事项类别", "task_type", "taskType"];
    Department => "department", "主管部门", "department", Text, Basic, Always, ["业务主管部门", "行业主管部门", "部门名称"];
    Agency => "agency", "实施主体", "agency", Text, Basic, Implementation, ["实施机关", "实施部门", "实施机构", "审批部门", "办理部门", "受理机构", "行使主体", "dept_name"];
    AgencyCode => "agency_code", "实施主体编码", "agency credit code", CreditCode, Basic, Implementation, ["实施主体代码", "统一社会信用代码", "dept_code", "deptCode"];
    AgencyNature => "agency_nature", "实施主体性质", "agency nature", AgencyNature, Basic, No, ["dept_type"];
    LegalBasis => "legal_basis", "设定依据", "legal basis", Text, Basic, Always, ["法律依据", "实施依据", "设立依据", "设定和实施依据", "by_law"];
    Level => "level", "行使层级", "level", Level, Basic, Always, ["use_level", "层级"];
    DivisionCode => "division_code", "行政区划代码", "division code", DivisionCode, Basic, Implementation, ["区划代码", "行政区划编码", "areaCode", "area_code"];
    DivisionName => "division_name", "行政区划", "division", Text, Basic, No, ["区划名称", "所属区划", "region_name"];
    ServiceObject => "service_object", "服务对象", "service objects", ServiceObjects, Basic, Implementation, ["申报对象", "办理对象", "实施对象", "server_type"];
    Conditions => "conditions", "受理条件", "conditions", Text, General, Implementation, ["办理条件", "申请条件", "accept_condition"];
    Process => "process", "办理流程", "process", Text, General, Implementation, ["办理环节", "办理程序", "handle_flow"];
    Materials => "materials", "申请材料", "materials", Materials, General, Implementation, ["申报材料", "所需材料", "材料目录", "申请材料目录"];
    Intermediary => "intermediary", "中介服务", "intermediary service", Text, General, No, ["中介服务事项"];
    StatutoryLimit => "statutory_limit", "法定办结时限", "statutory time limit", Limit, General, Implementation, ["法定时限", "法定期限", "anticipate_day"];
    PromisedLimit => "promised_limit", "承诺办结时限", "promised time limit", Limit, General, Implementation, ["承诺时限", "承诺期限", "办理时限", "promise_day"];
    Fee => "fee", "是否收费", "fee charged", Bool, General, Implementation, ["收费情况", "is_fee"];
    FeeBasis => "fee_basis", "收费依据", "fee basis", Text, General, WhenFee, [];
    FeeStandard => "fee_standard", "收费标准", "fee standard", Text, General, WhenFee, ["收费项目及标准"];
    AnnualReport => "annual_report", "是否年检年报", "annual inspection", Bool, General, No, ["年检年报"];
    SpecialProcedures => "special_procedures", "特别程序", "special procedures", SpecialProcedures, General, No, ["special_procedure"];
    ResultName => "result_name", "办理结果", "result", Text, General, No, ["审批结果名称", "审批结果"];
    Place => "place", "办理地点", "place", Text, General, No, ["受理地点", "具体地址", "transact_addr"];
    Hours => "hours", "办理时间", "office hours", Text, General, No, ["工作时间", "受理时间", "transact_time"];
    ConsultPhone => "consult_phone", "咨询电话", "enquiry phone", Text, General, Implementation, ["咨询方式", "联系电话", "link_way"];
    ComplaintPhone => "complaint_phone", "监督投诉电话", "complaint phone", Text, General, Implementation, ["监督电话", "投诉电话", "监督投诉方式", "supervise_way"];
    AuditPoints => "audit_points", "审核要点", "audit points", Text, General, No, [];
    InHall => "in_hall", "是否进驻政务服务中心", "in service hall", Bool, Convenience, No, ["是否进驻政务大厅", "是否进驻大厅", "is_entry_center", "应进必进"];
    OneWindow => "one_window", "是否一窗受理", "one-window acceptance", Bool, Convenience, No, ["一窗受理", "是否综窗受理"];
    OnlineDepth => "online_depth", "网上办理深度", "online depth", OnlineDepth, Convenience, No, ["网办深度", "办理深度", "online_handle_depth"];
    OnlineUrl => "online_url", "网办地址", "online address", Url, Convenience, No, ["网上办理地址", "在线办理地址", "online_handle_url"];
    Mobile => "mobile", "是否掌上办", "mobile", Bool, Convenience, No, ["掌上办"];
    Appointment => "appointment", "是否支持预约", "appointment", Bool, Convenience, No, ["是否支持网上预约", "预约办理"];
    Express => "express", "是否支持物流快递", "express delivery", Bool, Convenience, No, ["是否支持快递", "物流快递"];
    Visits => "visits", "到办事现场次数", "on-site visits", Visits, Convenience, No, ["办事者到办事现场次数", "到现场次数", "limit_scene_num"];
    Instant => "instant", "是否即办件", "instant item", Instant, Convenience, No, ["办件类型", "办理类型", "project_type", "bjlx"];
    CrossArea => "cross_area", "通办范围", "cross-area scope", CrossArea, Convenience, No, ["是否全市通办"];
    Nearby => "nearby", "是否就近办", "nearby", Bool, Convenience, No, ["就近办"];
    CertFree => "cert_free", "是否免证办", "certificate-free", Bool, Convenience, No, ["免证办"];
    NotifyCommit => "notify_commit", "是否告知承诺", "notify-and-commit", Bool, Convenience, No, ["告知承诺", "是否告知承诺制"];
    Tolerance => "tolerance", "是否容缺受理", "tolerance acceptance", Bool, Convenience, No, ["容缺受理"];
    OneThing => "one_thing", "一件事主题", "one-thing bundle", Text, Convenience, No, ["一件事", "一件事一次办"];
    SelfService => "self_service", "是否自助办理", "self-service", Bool, Convenience, No, ["自助办理"];
}

/// A field of a material object (fields.md §3), with its own header dictionary for material sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MaterialField {
    /// 材料名称.
    Name,
    /// 来源渠道.
    Source,
    /// 原件份数.
    Original,
    /// 复印件份数.
    Copies,
    /// 材料形式.
    Form,
    /// 是否必要.
    Required,
    /// 可用电子证照.
    ELicense,
}

impl MaterialField {
    /// Every material field, in export order.
    pub const ALL: &'static [MaterialField] = &[
        MaterialField::Name,
        MaterialField::Source,
        MaterialField::Original,
        MaterialField::Copies,
        MaterialField::Form,
        MaterialField::Required,
        MaterialField::ELicense,
    ];

    /// The stable key inside a material object.
    pub fn key(self) -> &'static str {
        match self {
            MaterialField::Name => "name",
            MaterialField::Source => "source",
            MaterialField::Original => "original",
            MaterialField::Copies => "copies",
            MaterialField::Form => "form",
            MaterialField::Required => "required",
            MaterialField::ELicense => "e_license",
        }
    }

    /// The canonical Chinese header.
    pub fn label(self) -> &'static str {
        match self {
            MaterialField::Name => "材料名称",
            MaterialField::Source => "来源渠道",
            MaterialField::Original => "原件份数",
            MaterialField::Copies => "复印件份数",
            MaterialField::Form => "材料形式",
            MaterialField::Required => "是否必要",
            MaterialField::ELicense => "可用电子证照",
        }
    }

    /// Header synonyms seen in material sheets.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            MaterialField::Name => &["材料", "申请材料名称"],
            MaterialField::Source => &["材料来源", "来源"],
            MaterialField::Original => &["纸质材料份数", "原件数", "份数"],
            MaterialField::Copies => &["复印件数"],
            MaterialField::Form => &["材料类型"],
            MaterialField::Required => &["材料必要性", "必要性", "是否必须", "是否必需"],
            MaterialField::ELicense => &["电子证照", "是否可用电子证照"],
        }
    }
}

impl Field {
    /// Looks a field up by its stable key.
    pub fn from_key(key: &str) -> Option<Field> {
        Field::ALL.iter().copied().find(|f| f.key() == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_labels_and_aliases_are_unique() {
        let mut seen = HashSet::new();
        for f in Field::ALL {
            assert!(seen.insert(f.key()), "duplicate key {}", f.key());
        }
        let mut headers = std::collections::HashMap::new();
        for f in Field::ALL {
            for h in [f.key(), f.label()].into_iter().chain(f.aliases().iter().copied()) {
                let folded = crate::normalize::text::fold_header(h);
                if let Some(other) = headers.insert(folded, *f) {
                    assert_eq!(other, *f, "header {h} maps to two fields");
                }
            }
        }
    }

    #[test]
    fn serde_name_equals_key() {
        for f in Field::ALL {
            let s = serde_json::to_string(f).unwrap();
            assert_eq!(s, format!("\"{}\"", f.key()));
        }
    }
}
