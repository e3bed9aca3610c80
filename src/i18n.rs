//! The message catalog: every sentence a person reads, in Simplified Chinese (default) and
//! English (`--lang en`). Rules and readers build a [`Msg`] with its arguments; reporters render it.

use crate::model::field::Field;

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// 简体中文.
    #[default]
    Zh,
    /// English.
    En,
}

/// A message with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    /// A file could not be read at all.
    FileUnreadable { reason: Reason },
    /// A CSV cell could not be decoded or was cut.
    CellUnreadable { field: Field, reason: Reason },
    /// No header row with known fields was found in a table.
    NoHeaderRow,
    /// A header maps to no field: kept under `extra`.
    UnmappedHeader { header: String },
    /// Two columns map to the same field: the first is used, the second kept under `extra`.
    DuplicateHeader { header: String, first: String },
    /// A table has a header but no item rows.
    EmptyTable,
    /// A value could not be read as the field's kind.
    ValueUnreadable { field: Field, raw: String },
    /// Part of a list could not be read.
    ValuePartlyUnreadable { field: Field, parts: Vec<String> },
    /// Excel kept too few digits of a code.
    DigitsLost { raw: String },
    /// An error cell.
    ErrorCell { raw: String },
    /// A date where text or a code was expected.
    DateInText { raw: String },
    /// A materials sheet row names an item that no table holds.
    OrphanMaterial { key: String },
    /// The item does not satisfy the unified schema.
    SchemaViolation { path: String, detail: String },
    /// A required element is missing.
    Missing { field: Field },
    /// A required element is missing because fee is true.
    MissingWhenFee { field: Field },
    /// A credit code has the wrong length.
    CreditLength { raw: String, len: usize },
    /// A credit code has a character outside its set.
    CreditCharset { raw: String, position: usize, ch: char },
    /// A credit code's check character is wrong.
    CreditCheck { raw: String, expected: char, actual: char },
    /// A division code is not a well-formed 12-digit code.
    DivisionMalformed { raw: String },
    /// A division code's depth disagrees with the item's level.
    DivisionLevel { code: String, code_level: String, level: String },
    /// The same impl_code twice in one catalog (or repository).
    DuplicateImplCode { code: String, first: String },
    /// 承诺时限 longer than 法定时限.
    PromisedOverStatutory { promised: String, statutory: String },
    /// The two limits have units that cannot be compared.
    LimitUnitsDiffer { promised: String, statutory: String },
    /// A 即办件 with a nonzero promised limit.
    InstantWithLimit { promised: String },
    /// 网上办理深度 ≥ 3 without 网办地址.
    OnlineWithoutUrl { depth: u8 },
    /// 到现场次数 0 while neither 全程网办 nor 物流快递.
    ZeroVisitsOffline { depth: String },
    /// The same material twice in one item.
    DuplicateMaterial { name: String },
    /// 无源事项: basic_code not in the base catalog.
    Unsourced { code: String },
    /// 四同: a field differs from the base entry.
    DiffersFromBase { field: Field, ours: String, base: String },
    /// 层级不符: level not among the base entry's levels.
    LevelNotInBase { level: String, base_levels: String },
    /// 认领缺失: a base item not claimed by a jurisdiction of a level it is exercised at.
    ClaimMissing { code: String, name: String, level: String, jurisdiction: String },
    /// 无差别受理: an element differs from the majority of sibling jurisdictions.
    NotUniform { code: String, field: Field, ours: String, majority: String, majority_jurisdictions: String },
    /// Materials differ from the majority of sibling jurisdictions.
    MaterialsNotUniform { code: String, extra: Vec<String>, missing: Vec<String>, majority_jurisdictions: String },
    /// The cross-level checks could not run: no base catalog, or the named one gave no entries.
    NoBaseCatalog { named: Option<String> },
    /// A guide form and a list row for the same item disagree.
    GuideDiffersFromList { field: Field, guide: String, list: String, list_at: String },
    /// A header one character away from a known header, read as that field.
    HeaderApproximate { header: String, field: Field, known: String },
    /// An unmapped column read as a required field because of its values.
    ColumnInferred { header: String, field: Field, evidence: Evidence, fit: usize, sampled: usize },
    /// A non-blank row that is not an item (note, sign-off, total, title, repeated header).
    RowSkipped { reason: SkipReason, text: String },
    /// A damaged code restored from evidence in the data.
    CodeRepaired { field: Field, raw: String, repaired: String, evidence: RepairEvidence },
    /// A basic code whose layout is none of the configured ones.
    BasicCodeLayout { raw: String, lengths: String },
    /// 无差别受理: two sibling jurisdictions hold different values of one element.
    SiblingsDiffer { code: String, field: Field, ours: String, theirs: String, other: String },
    /// 无差别受理: two sibling jurisdictions require different materials.
    SiblingMaterialsDiffer { code: String, extra: Vec<String>, missing: Vec<String>, other: String },
    /// An `accept:` entry past its `until` date.
    AcceptExpired { rule: String, item: String, until: String },
    /// An `accept:` entry that matches no finding.
    AcceptUnmatched { rule: String, item: String },
}

impl Msg {
    /// The raw cell text a message quotes (unreadable values, damaged codes), if any.
    pub fn raw(&self) -> Option<&str> {
        use Msg::*;
        match self {
            ValueUnreadable { raw, .. }
            | DigitsLost { raw }
            | ErrorCell { raw }
            | DateInText { raw }
            | CreditLength { raw, .. }
            | CreditCharset { raw, .. }
            | CreditCheck { raw, .. }
            | DivisionMalformed { raw }
            | CodeRepaired { raw, .. }
            | BasicCodeLayout { raw, .. } => Some(raw),
            _ => None,
        }
    }

    /// Renders the message in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let f = |field: &Field| field.label_in(lang).to_string();
        let join = |v: &[String]| v.join(if zh { "、" } else { ", " });
        use Msg::*;
        match self {
            FileUnreadable { reason } => {
                let reason = reason.render(lang);
                if zh { format!("无法读取文件：{reason}") } else { format!("cannot read the file: {reason}") }
            }
            CellUnreadable { field, reason } => {
                let reason = reason.render(lang);
                if zh { format!("无法识别的{}：（{reason}）", f(field)) } else { format!("unreadable {}: ({reason})", f(field)) }
            }
            NoHeaderRow => {
                if zh {
                    "未找到表头行：前 30 行中没有可识别的字段名".into()
                } else {
                    "no header row: none of the first 30 rows names known fields".into()
                }
            }
            UnmappedHeader { header } => {
                if zh {
                    format!("表头“{header}”未对应任何标准字段，已保留在 extra 中")
                } else {
                    format!("header \"{header}\" maps to no field; kept under extra")
                }
            }
            DuplicateHeader { header, first } => {
                if zh {
                    format!("表头“{header}”与“{first}”对应同一字段，已采用前者，本列保留在 extra 中")
                } else {
                    format!("header \"{header}\" maps to the same field as \"{first}\"; the first is used, this column is kept under extra")
                }
            }
            EmptyTable => {
                if zh {
                    "表格只有表头，没有事项行".into()
                } else {
                    "the table has a header but no item rows".into()
                }
            }
            ValueUnreadable { field, raw } => {
                if zh {
                    format!("无法识别的{}：“{raw}”", f(field))
                } else {
                    format!("unreadable {}: \"{raw}\"", f(field))
                }
            }
            ValuePartlyUnreadable { field, parts } => {
                if zh {
                    format!("{}中有无法识别的值：{}", f(field), join(parts))
                } else {
                    format!("{} contains unreadable values: {}", f(field), join(parts))
                }
            }
            DigitsLost { raw } => {
                if zh {
                    format!("编码被 Excel 存为科学计数法“{raw}”，数字已丢失，无法还原")
                } else {
                    format!("code stored by Excel in scientific notation \"{raw}\": digits are lost")
                }
            }
            ErrorCell { raw } => {
                if zh {
                    format!("单元格是错误值 {raw}")
                } else {
                    format!("the cell holds the error value {raw}")
                }
            }
            DateInText { raw } => {
                if zh {
                    format!("单元格被存为日期“{raw}”，此处应为文本")
                } else {
                    format!("the cell is stored as a date \"{raw}\" where text was expected")
                }
            }
            OrphanMaterial { key } => {
                if zh {
                    format!("申请材料表中的“{key}”找不到对应事项")
                } else {
                    format!("materials row for \"{key}\" matches no item")
                }
            }
            SchemaViolation { path, detail } => {
                if zh {
                    format!("不符合统一事项模式（{path}）：{detail}")
                } else {
                    format!("violates the item schema ({path}): {detail}")
                }
            }
            Missing { field } => {
                if zh {
                    format!("缺少必填要素：{}", f(field))
                } else {
                    format!("missing required element: {}", f(field))
                }
            }
            MissingWhenFee { field } => {
                if zh {
                    format!("收费事项缺少{}", f(field))
                } else {
                    format!("a fee-charging item lacks {}", f(field))
                }
            }
            CreditLength { raw, len } => {
                if zh {
                    format!("实施主体编码“{raw}”长度为 {len} 位，统一社会信用代码应为 18 位")
                } else {
                    format!("agency code \"{raw}\" has {len} characters; a credit code has 18")
                }
            }
            CreditCharset { raw, position, ch } => {
                if zh {
                    format!("实施主体编码“{raw}”第 {position} 位“{ch}”不是统一社会信用代码允许的字符")
                } else {
                    format!("agency code \"{raw}\": character {position} '{ch}' is not allowed in a credit code")
                }
            }
            CreditCheck { raw, expected, actual } => {
                if zh {
                    format!("实施主体编码“{raw}”校验位错误：应为 {expected}，实为 {actual}")
                } else {
                    format!("agency code \"{raw}\": check character should be {expected}, is {actual}")
                }
            }
            DivisionMalformed { raw } => {
                if zh {
                    format!("行政区划代码“{raw}”不是有效的 12 位统计用区划代码")
                } else {
                    format!("division code \"{raw}\" is not a valid 12-digit code")
                }
            }
            DivisionLevel { code, code_level, level } => {
                if zh {
                    format!("行政区划代码 {code} 属于{code_level}，与行使层级“{level}”不符")
                } else {
                    format!("division code {code} is at {code_level} level, but the item's level is {level}")
                }
            }
            DuplicateImplCode { code, first } => {
                if zh {
                    format!("实施编码 {code} 重复，首次出现于 {first}")
                } else {
                    format!("implementation code {code} is repeated; first seen at {first}")
                }
            }
            PromisedOverStatutory { promised, statutory } => {
                if zh {
                    format!("承诺办结时限 {promised} 长于法定办结时限 {statutory}")
                } else {
                    format!("promised limit {promised} is longer than the statutory limit {statutory}")
                }
            }
            LimitUnitsDiffer { promised, statutory } => {
                if zh {
                    format!("承诺办结时限 {promised} 与法定办结时限 {statutory} 单位不同，无法比较")
                } else {
                    format!("promised limit {promised} and statutory limit {statutory} have incomparable units")
                }
            }
            InstantWithLimit { promised } => {
                if zh {
                    format!("即办件的承诺办结时限应为即办，实为 {promised}")
                } else {
                    format!("an instant item's promised limit should be instant, is {promised}")
                }
            }
            OnlineWithoutUrl { depth } => {
                if zh {
                    format!("网上办理深度为 {depth} 级，但未填写网办地址")
                } else {
                    format!("online depth {depth} but no online address")
                }
            }
            ZeroVisitsOffline { depth } => {
                if zh {
                    format!("到办事现场次数为 0，但既非全程网办（网上办理深度 {depth}）也不支持物流快递")
                } else {
                    format!("zero on-site visits, but neither fully online (depth {depth}) nor express delivery")
                }
            }
            DuplicateMaterial { name } => {
                if zh {
                    format!("申请材料“{name}”重复出现")
                } else {
                    format!("material \"{name}\" appears twice")
                }
            }
            Unsourced { code } => {
                if zh {
                    format!("无源事项：基本编码 {code} 不在基本目录中")
                } else {
                    format!("unsourced item: basic code {code} is not in the base catalog")
                }
            }
            DiffersFromBase { field, ours, base } => {
                if zh {
                    format!("{}与基本目录不一致：本清单为“{ours}”，基本目录为“{base}”", f(field))
                } else {
                    format!("{} differs from the base catalog: here \"{ours}\", base \"{base}\"", f(field))
                }
            }
            LevelNotInBase { level, base_levels } => {
                if zh {
                    format!("行使层级“{level}”不在基本目录的行使层级（{base_levels}）之中")
                } else {
                    format!("level {level} is not among the base entry's levels ({base_levels})")
                }
            }
            ClaimMissing { code, name, level, jurisdiction } => {
                if zh {
                    format!("认领缺失：{jurisdiction}（{level}）未认领基本目录事项 {code}“{name}”")
                } else {
                    format!("missing claim: {jurisdiction} ({level}) has not claimed base item {code} \"{name}\"")
                }
            }
            NotUniform { code, field, ours, majority, majority_jurisdictions } => {
                if zh {
                    format!("无差别受理：事项 {code} 的{}为“{ours}”，同级多数（{majority_jurisdictions}）为“{majority}”", f(field))
                } else {
                    format!(
                        "not uniform: item {code} has {} \"{ours}\"; the majority of siblings ({majority_jurisdictions}) has \"{majority}\"",
                        f(field)
                    )
                }
            }
            MaterialsNotUniform { code, extra, missing, majority_jurisdictions } => {
                let mut parts = Vec::new();
                if zh {
                    if !extra.is_empty() {
                        parts.push(format!("多出 {}", join(extra)));
                    }
                    if !missing.is_empty() {
                        parts.push(format!("缺少 {}", join(missing)));
                    }
                    format!("无差别受理：事项 {code} 的申请材料与同级多数（{majority_jurisdictions}）不同：{}", parts.join("；"))
                } else {
                    if !extra.is_empty() {
                        parts.push(format!("extra: {}", join(extra)));
                    }
                    if !missing.is_empty() {
                        parts.push(format!("missing: {}", join(missing)));
                    }
                    format!(
                        "not uniform: item {code}'s materials differ from the majority of siblings ({majority_jurisdictions}): {}",
                        parts.join("; ")
                    )
                }
            }
            NoBaseCatalog { named: None } => {
                if zh {
                    "未能进行四级同源检查：未找到基本目录（文件名或工作表名含“基本目录”，或用 --base 指定）".into()
                } else {
                    "cross-level checks could not run: no base catalog (a file or sheet named 基本目录, or --base)".into()
                }
            }
            NoBaseCatalog { named: Some(path) } => {
                if zh {
                    format!("未能进行四级同源检查：基本目录 {path} 无法读取或没有事项")
                } else {
                    format!("cross-level checks could not run: the base catalog {path} could not be read or has no entries")
                }
            }
            GuideDiffersFromList { field, guide, list, list_at } => {
                if zh {
                    format!("办事指南与事项清单（{list_at}）的{}不一致：指南为“{guide}”，清单为“{list}”", f(field))
                } else {
                    format!("the guide and the list ({list_at}) disagree on {}: guide \"{guide}\", list \"{list}\"", f(field))
                }
            }
            HeaderApproximate { header, field, known } => {
                if zh {
                    format!("表头“{header}”按“{known}”（{}）读取，请核对并改正表头", f(field))
                } else {
                    format!("header \"{header}\" read as \"{known}\" ({}); check and correct the header", f(field))
                }
            }
            ColumnInferred { header, field, evidence, fit, sampled } => {
                let e = evidence.render(lang);
                if zh {
                    format!("列“{header}”的表头未对应字段，但抽查的 {sampled} 个值中有 {fit} 个是{e}，按“{}”读取", f(field))
                } else {
                    format!("column \"{header}\" names no field, but {fit} of {sampled} sampled values are {e}: read as {}", f(field))
                }
            }
            RowSkipped { reason, text } => {
                let r = reason.render(lang);
                if zh {
                    format!("此行是{r}，不是事项，已跳过：“{text}”")
                } else {
                    format!("this row is {r}, not an item; skipped: \"{text}\"")
                }
            }
            CodeRepaired { field, raw, repaired, evidence } => {
                let evidence = evidence.render(lang);
                if zh {
                    format!("{}“{raw}”已按{evidence}还原为“{repaired}”，请在源表中改为文本格式", f(field))
                } else {
                    format!("{} \"{raw}\" restored as \"{repaired}\" from {evidence}; store it as text in the source", f(field))
                }
            }
            BasicCodeLayout { raw, lengths } => {
                if zh {
                    format!("基本编码“{raw}”不是 {lengths} 位数字")
                } else {
                    format!("basic code \"{raw}\" is not a {lengths}-digit code")
                }
            }
            SiblingsDiffer { code, field, ours, theirs, other } => {
                if zh {
                    format!(
                        "基本编码 {code} 的{}与同级的{other}不一致：本地区为“{ours}”，{other}为“{theirs}”（同一事项应无差别受理）",
                        f(field)
                    )
                } else {
                    format!(
                        "{} of basic code {code} differs from sibling {other}: here \"{ours}\", {other} \"{theirs}\" (one item, one standard)",
                        f(field)
                    )
                }
            }
            SiblingMaterialsDiffer { code, extra, missing, other } => {
                let none = if zh { "无" } else { "none" };
                let e = if extra.is_empty() { none.to_string() } else { join(extra) };
                let m = if missing.is_empty() { none.to_string() } else { join(missing) };
                if zh {
                    format!("基本编码 {code} 的申请材料与同级的{other}不一致：本地区多出 {e}；缺少 {m}（同一事项应无差别受理）")
                } else {
                    format!(
                        "materials of basic code {code} differ from sibling {other}: extra here {e}; missing here {m} (one item, one standard)"
                    )
                }
            }
            AcceptExpired { rule, item, until } => pick(
                lang,
                format!("认可条目（{rule}，{item}）已于 {until} 到期，相关问题不再视为已认可"),
                format!("the accepted-problem entry ({rule}, {item}) expired on {until}; its problems count again"),
            ),
            AcceptUnmatched { rule, item } => pick(
                lang,
                format!("认可条目（{rule}，{item}）未匹配任何问题：问题可能已整改，或条目有误"),
                format!("the accepted-problem entry ({rule}, {item}) matches no problem: fixed, or the entry is wrong"),
            ),
        }
    }
}

/// Picks the Chinese or the English text.
fn pick(lang: Lang, zh: String, en: String) -> String {
    if lang == Lang::Zh { zh } else { en }
}

/// What an unmapped column's values turned out to be (content inference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Valid 统一社会信用代码.
    CreditCodes,
    /// 12-digit division codes.
    DivisionCodes,
    /// All-digit codes of a basic code's length.
    BasicCodes,
    /// Yes/no values.
    YesNo,
    /// Time limits.
    Limits,
}

impl Evidence {
    /// The evidence in `lang`.
    pub fn render(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Evidence::CreditCodes => ("有效的统一社会信用代码", "valid credit codes"),
            Evidence::DivisionCodes => ("12 位行政区划代码", "12-digit division codes"),
            Evidence::BasicCodes => ("数字编码", "numeric codes"),
            Evidence::YesNo => ("是/否值", "yes/no values"),
            Evidence::Limits => ("办结时限", "time limits"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

/// What a damaged code was restored from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepairEvidence {
    /// The agency credit code's registration division and the list's jurisdiction.
    AgencyAndJurisdiction {
        /// Characters 3-8 of the agency credit code.
        agency_division: String,
        /// The list's jurisdiction, as `name(code)` or the code.
        jurisdiction: String,
    },
    /// The one base-catalog code that matches after left-padding with zeros.
    BasePadding,
}

impl RepairEvidence {
    /// The evidence in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            RepairEvidence::AgencyAndJurisdiction { agency_division, jurisdiction } => {
                if zh {
                    format!("实施主体编码第 3-8 位（{agency_division}）与清单所属地区（{jurisdiction}）")
                } else {
                    format!("the agency code's characters 3-8 ({agency_division}) and the list's jurisdiction ({jurisdiction})")
                }
            }
            RepairEvidence::BasePadding => {
                if zh {
                    "补足前导零后与基本目录中唯一的编码一致".into()
                } else {
                    "the one base-catalog code it matches once left-padded with zeros".into()
                }
            }
        }
    }
}

/// Why a non-blank row of a table is not an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// A note or explanation (`注：`, `说明：`, `本清单…`).
    Note,
    /// A sign-off: who filled, checked or approved the list, when, how to reach them, a stamp.
    SignOff,
    /// A total (`合计`, `共计 35 项`).
    Total,
    /// A section title, or one text merged across the row.
    Title,
    /// The header row repeated (page-break headers in exports).
    RepeatedHeader,
    /// Neither a name nor a code in the mapped columns.
    NoEvidence,
}

impl SkipReason {
    /// The reason in `lang`.
    pub fn render(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            SkipReason::Note => ("说明或注释", "a note"),
            SkipReason::SignOff => {
                ("落款（填报、审核、日期、联系方式或盖章）", "a sign-off (who filled or checked the list, when, contact, stamp)")
            }
            SkipReason::Total => ("合计行", "a total"),
            SkipReason::Title => ("标题或跨列合并的文字", "a title or a text merged across the row"),
            SkipReason::RepeatedHeader => ("重复的表头", "a repeated header"),
            SkipReason::NoEvidence => ("既无事项名称也无编码的行", "a row with neither a name nor a code"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

/// Why a file (or a cell) could not be read: carried inside findings, rendered in either language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The file is empty.
    EmptyFile,
    /// The path does not exist.
    NoSuchFile,
    /// Walking the folders met a symbolic link loop.
    SymlinkLoop,
    /// The file name is not valid UTF-8.
    NotUtf8Name,
    /// An OLE compound file holding an encrypted (password-protected) workbook.
    Encrypted,
    /// A zip entry is encrypted.
    EncryptedEntry { name: String },
    /// The workbook reader panicked; `detail` is its message.
    ReaderFailed { detail: String },
    /// An OLE compound file named as a zip workbook (`.xlsx` etc.).
    OleNotZip { ext: String },
    /// The file is larger than `limits.max_uncompressed_mib`.
    TooLarge { mib: u64 },
    /// The zip entries' declared uncompressed size exceeds `limits.max_uncompressed_mib`.
    UncompressedTooLarge { mib: u64 },
    /// The OLE compound file is corrupt.
    CorruptOle { fault: CfbFault },
    /// A zip (xlsx) file named `.xls`.
    ZipNamedXls,
    /// HTML or XML named as a zip workbook.
    MarkupNotZip { kind: String, ext: String },
    /// Plain text named as a zip workbook.
    TextNotZip { ext: String },
    /// Binary data that is not a zip workbook.
    NotZip { ext: String },
    /// HTML or XML named `.xls`.
    MarkupNotExcel { kind: String, ext: String },
    /// Binary data that is not a workbook of its extension.
    NotWorkbook { ext: String },
    /// The zip archive is corrupt; `detail` comes from the zip library.
    CorruptZip { detail: String },
    /// A zip entry's compression ratio exceeds `limits.max_compression_ratio`.
    CompressionRatio { entry: String, ratio: u64, limit: u64 },
    /// A sheet declares more rows than `limits.max_rows`.
    TooManyRows { sheet: String, rows: u64, limit: u64 },
    /// A sheet declares more columns than `limits.max_columns`.
    TooManyColumns { sheet: String, columns: u64, limit: u64 },
    /// A CSV cell's bytes are in no known encoding.
    InvalidEncoding,
    /// A CSV field longer than `limits.max_field_kib` was cut; `bytes` is its length.
    FieldCut { bytes: usize },
    /// The file's type is not one qingdan reads.
    UnsupportedType,
    /// A line of an NDJSON file is not a valid item; `detail` comes from the parser.
    BadLine { line: usize, detail: String },
    /// A text from a library (an I/O or reader error), shown as is.
    Other(String),
}

/// What is wrong in a corrupt OLE compound file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CfbFault {
    /// Shorter than its header.
    TooShort,
    /// The header's sector shift is neither 9 nor 12.
    SectorShift(u16),
    /// A sector starts beyond the end of the file.
    SectorBeyondEnd(u32),
    /// The DIFAT chain loops.
    DifatLoops,
    /// The DIFAT is empty.
    EmptyDifat,
    /// A chain of stream `what` names a sector out of range.
    OutOfRange { what: String, id: u32 },
    /// A chain of stream `what` loops.
    ChainLoops { what: String },
    /// A chain of stream `what` names a sector outside the allocation table.
    OutsideTable { what: String, id: u32 },
}

impl CfbFault {
    /// Renders the fault in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        use CfbFault::*;
        match self {
            TooShort => pick(lang, "文件过短".into(), "too short".into()),
            SectorShift(s) => pick(lang, format!("扇区大小无效 {s}"), format!("invalid sector shift {s}")),
            SectorBeyondEnd(id) => pick(lang, format!("扇区 {id} 超出文件"), format!("sector {id} beyond the end of the file")),
            DifatLoops => pick(lang, "DIFAT 链循环".into(), "DIFAT chain loops".into()),
            EmptyDifat => pick(lang, "DIFAT 为空".into(), "empty DIFAT".into()),
            OutOfRange { what, id } => pick(lang, format!("{what}：扇区 {id} 超出范围"), format!("{what}: sector {id} out of range")),
            ChainLoops { what } => pick(lang, format!("{what}：扇区链循环"), format!("{what}: sector chain loops")),
            OutsideTable { what, id } => {
                pick(lang, format!("{what}：扇区 {id} 不在分配表中"), format!("{what}: sector {id} outside the allocation table"))
            }
        }
    }
}

impl Reason {
    /// Renders the reason in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        use Reason::*;
        match self {
            EmptyFile => pick(lang, "文件为空".into(), "empty file".into()),
            NoSuchFile => pick(lang, "文件不存在".into(), "no such file".into()),
            SymlinkLoop => pick(lang, "符号链接循环".into(), "symlink loop".into()),
            NotUtf8Name => pick(lang, "文件名不是 UTF-8 编码".into(), "file name is not UTF-8".into()),
            Encrypted => pick(
                lang,
                "工作簿已加密（设有打开密码），请另存为未加密的文件".into(),
                "encrypted workbook (password protected): save an unencrypted copy".into(),
            ),
            EncryptedEntry { name } => pick(lang, format!("zip 条目已加密：{name}"), format!("encrypted zip entry: {name}")),
            ReaderFailed { detail } => pick(
                lang,
                format!("读取器内部错误，文件可能已损坏：{detail}"),
                format!("the workbook reader failed, the file may be corrupt: {detail}"),
            ),
            OleNotZip { ext } => pick(
                lang,
                format!("文件是 OLE 复合文档而不是 .{ext}（可能是改了扩展名的 .xls）"),
                format!("an OLE compound file, not .{ext} (perhaps a renamed .xls)"),
            ),
            TooLarge { mib } => pick(
                lang,
                format!("文件超过 {mib} MiB 上限（limits.max_uncompressed_mib）"),
                format!("file larger than the limit of {mib} MiB (limits.max_uncompressed_mib)"),
            ),
            UncompressedTooLarge { mib } => pick(
                lang,
                format!("解压后超过 {mib} MiB 上限（limits.max_uncompressed_mib）"),
                format!("declared uncompressed size exceeds the limit of {mib} MiB (limits.max_uncompressed_mib)"),
            ),
            CorruptOle { fault } => {
                let fault = fault.render(lang);
                pick(lang, format!("OLE 复合文档已损坏：{fault}"), format!("corrupt OLE compound file: {fault}"))
            }
            ZipNamedXls => pick(
                lang,
                "文件是 zip（xlsx）格式而不是 .xls，请改扩展名为 .xlsx".into(),
                "a zip (xlsx) file named .xls: rename it to .xlsx".into(),
            ),
            MarkupNotZip { kind, ext } => pick(lang, format!("文件是 {kind} 而不是 .{ext}"), format!("{kind}, not a .{ext} workbook")),
            TextNotZip { ext } => pick(
                lang,
                format!("文件是文本而不是 .{ext}（zip），可改扩展名为 .csv"),
                format!("text, not a .{ext} (zip) workbook: rename it to .csv"),
            ),
            NotZip { ext } => pick(
                lang,
                format!("文件不是 .{ext}（zip）格式，可能已损坏"),
                format!("not a .{ext} (zip) workbook: the file may be corrupt"),
            ),
            MarkupNotExcel { kind, ext } => pick(
                lang,
                format!("文件是 {kind} 而不是 Excel 工作簿，请在 Excel 中另存为 .xlsx"),
                format!("{kind} named .{ext}, not an Excel workbook: save it as .xlsx"),
            ),
            NotWorkbook { ext } => {
                pick(lang, format!("文件不是 .{ext} 格式，可能已损坏"), format!("not a .{ext} workbook: the file may be corrupt"))
            }
            CorruptZip { detail } => pick(lang, format!("zip 文件已损坏：{detail}"), format!("corrupt zip archive: {detail}")),
            CompressionRatio { entry, ratio, limit } => pick(
                lang,
                format!("条目 {entry} 压缩比 {ratio} 超过上限 {limit}（疑似压缩炸弹，limits.max_compression_ratio）"),
                format!("entry {entry}: compression ratio {ratio} exceeds the limit of {limit} (limits.max_compression_ratio)"),
            ),
            TooManyRows { sheet, rows, limit } => pick(
                lang,
                format!("{sheet} 声明 {rows} 行，超过 {limit} 行上限（limits.max_rows）"),
                format!("{sheet} declares {rows} rows, beyond the limit of {limit} (limits.max_rows)"),
            ),
            TooManyColumns { sheet, columns, limit } => pick(
                lang,
                format!("{sheet} 声明 {columns} 列，超过 {limit} 列上限（limits.max_columns）"),
                format!("{sheet} declares {columns} columns, beyond the limit of {limit} (limits.max_columns)"),
            ),
            InvalidEncoding => pick(lang, "编码无法识别".into(), "invalid encoding".into()),
            FieldCut { bytes } => pick(lang, format!("{bytes} 字节，已截断"), format!("{bytes} bytes, cut")),
            UnsupportedType => pick(lang, "不支持的文件类型".into(), "unsupported file type".into()),
            BadLine { line, detail } => pick(lang, format!("第 {line} 行：{detail}"), format!("line {line}: {detail}")),
            Other(text) => text.clone(),
        }
    }
}

/// Why a command failed as a whole: printed by `qingdan` before it exits with a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No readable catalog file under the inputs; `under` names the path when there are several.
    NoCatalogFiles { under: Option<String> },
    /// The output would overwrite one of the inputs.
    WouldOverwriteInput { path: String },
    /// The output must be an `.xlsx` file.
    OutputNotXlsx { path: String },
    /// The workbook could not be built; `detail` comes from the workbook library.
    Workbook { detail: String },
    /// `--fail-on new` without `--baseline`.
    NeedsBaseline,
    /// The baseline could not be read as a JSON report.
    BadBaseline { path: String, detail: String },
    /// The output folder of `return` lies inside an input folder (the next round would read it).
    OutputInsideInput { output: String, input: String },
}

/// What `qingdan return` wrote (printed on stderr).
pub fn returned(lang: Lang, departments: usize, annotated: usize, dir: &str) -> String {
    pick(
        lang,
        format!("已写出 {departments} 个部门的退回材料（{annotated} 个批注工作簿）和汇总.xlsx 到 {dir}"),
        format!("wrote the returns of {departments} departments ({annotated} annotated workbooks) and 汇总.xlsx to {dir}"),
    )
}

/// A file whose annotated copy could not be made (its problems are still listed).
pub fn not_annotated(lang: Lang, file: &str, reason: &str) -> String {
    pick(
        lang,
        format!("{file}：未能生成批注工作簿（{reason}），其问题已列入问题清单"),
        format!("{file}: no annotated copy ({reason}); its problems are in the list"),
    )
}

impl Failure {
    /// Renders the failure in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        use Failure::*;
        match self {
            NoCatalogFiles { under: None } => pick(lang, "没有找到可读取的清单文件".into(), "no catalog files found".into()),
            NoCatalogFiles { under: Some(p) } => {
                pick(lang, format!("{p}：没有找到可读取的清单文件"), format!("{p}: no catalog files found"))
            }
            WouldOverwriteInput { path } => {
                pick(lang, format!("拒绝覆盖输入文件：{path}"), format!("refusing to overwrite an input: {path}"))
            }
            OutputNotXlsx { path } => {
                pick(lang, format!("输出文件须为 .xlsx：{path}"), format!("the output must be an .xlsx file: {path}"))
            }
            Workbook { detail } => pick(lang, format!("无法生成工作簿：{detail}"), format!("cannot build the workbook: {detail}")),
            OutputInsideInput { output, input } => pick(
                lang,
                format!("输出目录 {output} 位于输入目录 {input} 之内，下一轮检查会读到它：请换一个目录"),
                format!(
                    "the output folder {output} lies inside the input folder {input}, where the next round would read it: choose another"
                ),
            ),
            BadBaseline { path, detail } => pick(
                lang,
                format!("无法读取基线 {path}（应为上一轮 check --format json 的输出）：{detail}"),
                format!("cannot read the baseline {path} (expected the previous round's check --format json output): {detail}"),
            ),
            NeedsBaseline => pick(
                lang,
                "--fail-on new 需要用 --baseline 指定上一轮的 JSON 报告".into(),
                "--fail-on new needs --baseline with the previous round's JSON report".into(),
            ),
        }
    }
}

/// Fixed UI words used by reporters.
pub fn word(lang: Lang, key: &'static str) -> &'static str {
    let zh = lang == Lang::Zh;
    match key {
        "error" => {
            if zh {
                "错误"
            } else {
                "error"
            }
        }
        "warning" => {
            if zh {
                "警告"
            } else {
                "warning"
            }
        }
        "info" => {
            if zh {
                "提示"
            } else {
                "info"
            }
        }
        "help" => {
            if zh {
                "修改建议"
            } else {
                "help"
            }
        }
        "header" => {
            if zh {
                "表头"
            } else {
                "header"
            }
        }
        "value" => {
            if zh {
                "原值"
            } else {
                "value"
            }
        }
        _ => return_word(zh, key),
    }
}

/// Words of rounds, accepted problems and the returned problem lists (退回修改).
fn return_word(zh: bool, key: &'static str) -> &'static str {
    let (z, e) = match key {
        "new" => ("新增", "new"),
        "persisting" => ("仍存在", "persisting"),
        "fixed" => ("已整改", "fixed"),
        "accepted" => ("已认可", "accepted"),
        "round" => ("整改情况", "round"),
        "accept_reason" => ("认可理由", "reason accepted"),
        "seq" => ("序号", "no."),
        "file" => ("文件", "file"),
        "sheet" => ("工作表", "sheet"),
        "cell" => ("单元格", "cell"),
        "item_name" => ("事项名称", "item name"),
        "impl_code" => ("实施编码", "impl code"),
        "element" => ("要素", "element"),
        "problem" => ("问题", "problem"),
        "severity" => ("级别", "severity"),
        "rule" => ("规则", "rule"),
        "handling" => ("处理情况", "handling"),
        "problems_sheet" => ("问题清单", "problems"),
        "status_column" => ("检查结果", "check result"),
        "department" => ("部门", "department"),
        "jurisdiction" => ("行政区划", "jurisdiction"),
        "files" => ("文件数", "files"),
        "errors" => ("错误数", "errors"),
        "warnings" => ("警告数", "warnings"),
        "infos" => ("提示数", "infos"),
        "total" => ("合计", "total"),
        "rank" => ("排名", "rank"),
        "ranking_sheet" => ("部门排名", "ranking"),
        "unplaced_sheet" => ("未定位问题", "repository problems"),
        "fixed_sheet" => ("已整改问题", "fixed problems"),
        "row_n" => ("第{}行", "row {}"),
        "file_list" => ("问题文件", "files with problems"),
        _ => return key,
    };
    if zh { z } else { e }
}
