//! The message catalog: every sentence a person reads, in Simplified Chinese (default) and
//! English (`--lang en`). Rules and readers build a [`Msg`] with its arguments; reporters render it.

pub mod report;

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

impl Field {
    /// The label in the requested language (here, not in `model::field`, so that the field
    /// dictionary does not depend on the message catalog).
    pub fn label_in(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.label(),
            Lang::En => self.label_en(),
        }
    }
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
    /// Required fields have no column in a table; `unmapped` lists its unmapped headers
    /// (`H 实施机关统一社会信用代码`) as candidates.
    MissingColumns { fields: Vec<Field>, unmapped: Vec<String> },
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
    /// More findings of the same rule in the same file than `limits.max_findings_per_rule`:
    /// `more` of them are not listed (one summary finding stands for them).
    FindingsCapped { more: u64 },
    /// An `accept:` entry past its `until` date.
    AcceptExpired { rule: String, item: String, until: String },
    /// An `accept:` entry that matches no finding.
    AcceptUnmatched { rule: String, item: String },
}

impl Msg {
    /// The raw cell text the message quotes, for a value that could not be read as it stands.
    pub fn raw(&self) -> Option<&str> {
        use Msg::*;
        match self {
            ValueUnreadable { raw, .. } | DigitsLost { raw } | ErrorCell { raw } | DateInText { raw } => Some(raw),
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
            // A skipped file of qingdan's own says so, not "cannot read".
            FileUnreadable { reason: reason @ Reason::OwnOutput { .. } } => reason.render(lang),
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
                    format!("表头“{header}”未对应任何标准字段，该列的值原样保留")
                } else {
                    format!("header \"{header}\" maps to no field; its values are kept as they are")
                }
            }
            DuplicateHeader { header, first } => {
                if zh {
                    format!("表头“{header}”与“{first}”对应同一字段，已采用前者，本列的值原样保留")
                } else {
                    format!(
                        "header \"{header}\" maps to the same field as \"{first}\"; the first is used, this column's values are kept as they are"
                    )
                }
            }
            EmptyTable => {
                if zh {
                    "表格只有表头，没有事项行".into()
                } else {
                    "the table has a header but no item rows".into()
                }
            }
            MissingColumns { fields, unmapped } => {
                let names: Vec<String> = fields.iter().map(f).collect();
                let mut s = if zh { format!("表头中缺少：{}", join(&names)) } else { format!("no column for: {}", join(&names)) };
                if !unmapped.is_empty() {
                    s.push_str(&if zh {
                        format!("（未对应的列：{}）", join(unmapped))
                    } else {
                        format!(" (unmapped columns: {})", join(unmapped))
                    });
                }
                s
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
            FindingsCapped { more } => {
                if zh {
                    format!("另有 {more} 条同类问题未列出（limits.max_findings_per_rule）")
                } else {
                    format!("{more} more findings of this rule are not listed (limits.max_findings_per_rule)")
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

/// How to write a value of `field` that could not be read (QD010's help): the field's allowed
/// values from its vocabulary (`model::vocab`, with the other forms accepted), or the forms its
/// kind is read in. `None` for free text and codes, whose help is the rule's.
pub fn value_help(field: Field, lang: Lang) -> Option<String> {
    use crate::model::field::Kind;
    let zh = lang == Lang::Zh;
    let label = field.label_in(lang);
    if let Some((canonical, other)) = crate::model::vocab::accepted_forms(field) {
        let sep = " / ";
        let mut s =
            if zh { format!("{label}可填：{}", canonical.join(sep)) } else { format!("{label} accepts: {}", canonical.join(sep)) };
        if !other.is_empty() {
            let list = other.join(if zh { "、" } else { ", " });
            s.push_str(&if zh { format!("；也接受：{list}") } else { format!("; also accepted: {list}") });
        }
        if matches!(field.kind(), Kind::Level | Kind::ServiceObjects | Kind::SpecialProcedures) {
            s.push_str(if zh { "；多个值用“、”分隔" } else { "; separate several values with 、" });
        }
        return Some(s);
    }
    Some(match field.kind() {
        Kind::Limit => {
            pick(lang, format!("{label}写作“20个工作日”“30日”“3个月”或“即办”"), format!("write {label} as 20个工作日, 30日, 3个月 or 即办"))
        }
        Kind::Bool => pick(lang, format!("{label}填“是”或“否”"), format!("write {label} as 是 or 否")),
        Kind::Instant => {
            pick(lang, format!("{label}填“即办件”或“承诺件”（或“是/否”）"), format!("write {label} as 即办件 or 承诺件 (or 是/否)"))
        }
        Kind::Visits => pick(lang, format!("{label}填次数，如 0、1、2"), format!("write {label} as a count: 0, 1, 2")),
        Kind::OnlineDepth => {
            pick(lang, format!("{label}填 0 至 4（或“一级”至“四级”）"), format!("write {label} as 0 to 4 (or 一级 to 四级)"))
        }
        Kind::Url => {
            pick(lang, format!("{label}填以 http:// 或 https:// 开头的网址"), format!("write {label} as an http:// or https:// address"))
        }
        _ => return None,
    })
}

/// Advice for a file that could not be read, when the rule's (export again as xlsx) does not fit.
pub fn reason_help(reason: &Reason, lang: Lang) -> Option<&'static str> {
    let zh = lang == Lang::Zh;
    Some(match reason {
        Reason::NoSuchFile => {
            if zh {
                "检查路径是否写错，或文件是否已移动"
            } else {
                "check the path for typos, or whether the file was moved"
            }
        }
        Reason::PermissionDenied => {
            if zh {
                "请文件所有者开放读权限，或复制一份到有权限的位置"
            } else {
                "ask the owner for read permission, or copy the file somewhere readable"
            }
        }
        Reason::Io { kind: IoKind::Busy, .. } => {
            if zh {
                "关闭占用该文件的程序（如 Excel）后重试"
            } else {
                "close the program holding the file (Excel?) and try again"
            }
        }
        Reason::Io { .. } => {
            if zh {
                "确认文件可以打开后重试"
            } else {
                "make sure the file can be opened and try again"
            }
        }
        Reason::Encrypted | Reason::EncryptedEntry { .. } => {
            if zh {
                "在 Excel 中取消打开密码后另存"
            } else {
                "remove the password in Excel and save again"
            }
        }
        Reason::OwnOutput { .. } => {
            if zh {
                "把 qingdan 的输出写到清单文件夹之外，或在 qingdan.yaml 的 ignore 中登记"
            } else {
                "write qingdan's outputs outside the catalog folder, or list them under ignore in qingdan.yaml"
            }
        }
        Reason::SymlinkLoop => {
            if zh {
                "删除循环的符号链接"
            } else {
                "remove the looping symbolic link"
            }
        }
        _ => return None,
    })
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
    /// The file may not be read by this user.
    PermissionDenied,
    /// A workbook qingdan wrote (export, template, diff), met in an input folder: skipped.
    OwnOutput { what: crate::publish::marker::Output },
    /// Another I/O error; `kind` names it (translated), `detail` is the system's text.
    Io { kind: IoKind, detail: String },
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
    /// A part declares more entries (`attr`) than its size can hold (at most `bound`).
    DeclaredCount { part: String, attr: String, count: u64, bound: u64 },
    /// A sheet read whole spans more cells than the reader allocates.
    TooManyCells { sheet: String, cells: u64, limit: u64 },
    /// Reading stopped at `row`, beyond `limits.max_rows`.
    RowLimit { row: u64, limit: u64 },
    /// Reading stopped at a value in column `columns` (1-based) of `row`, beyond `limits.max_columns`.
    ColumnLimit { row: u64, columns: u64, limit: u64 },
    /// The path is not a regular file (a FIFO, a device, a socket).
    NotRegularFile,
    /// qingdan's own YAML format holds aliases that expand far beyond the file's size.
    YamlAliases,
    /// A text from a library (an I/O or reader error), shown as is.
    Other(String),
}

/// The kinds of I/O error people meet, translated rather than shown in the system's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoKind {
    /// A directory where a file was expected.
    IsADirectory,
    /// The file is locked or in use (Windows sharing violations).
    Busy,
    /// Interrupted or timed out (network drives).
    TimedOut,
    /// Anything else.
    Other,
}

impl Reason {
    /// The reason for an I/O error: missing and forbidden paths get their own words, the
    /// common kinds are translated, the rest keep the system's text.
    pub fn from_io(e: &std::io::Error) -> Reason {
        use std::io::ErrorKind as K;
        let kind = match e.kind() {
            K::NotFound => return Reason::NoSuchFile,
            K::PermissionDenied => return Reason::PermissionDenied,
            K::IsADirectory => IoKind::IsADirectory,
            K::ResourceBusy => IoKind::Busy,
            K::TimedOut | K::Interrupted => IoKind::TimedOut,
            _ => IoKind::Other,
        };
        Reason::Io { kind, detail: e.to_string() }
    }
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
            NoSuchFile => pick(lang, "路径不存在".into(), "no such file or directory".into()),
            PermissionDenied => pick(lang, "无权限读取".into(), "permission denied".into()),
            OwnOutput { what } => {
                use crate::publish::marker::Output;
                let (zh, en) = match what {
                    Output::Export => ("qingdan export 生成的发布工作簿", "a workbook written by qingdan export"),
                    Output::Template => ("qingdan template 生成的空白模板", "a blank template written by qingdan template"),
                    Output::Diff => ("qingdan diff 生成的差异工作簿", "a workbook written by qingdan diff"),
                    Output::Return => {
                        ("qingdan return 生成的退回材料（未经修改）", "a workbook written by qingdan return, not edited since")
                    }
                };
                pick(lang, format!("{zh}，不是报送的清单，已跳过"), format!("{en}, not a submitted catalog: skipped"))
            }
            Io { kind, detail } => match kind {
                IoKind::IsADirectory => pick(lang, "这是一个文件夹，不是文件".into(), "a directory, not a file".into()),
                IoKind::Busy => pick(lang, "文件被占用（可能正在 Excel 中打开）".into(), "the file is busy (open in Excel?)".into()),
                IoKind::TimedOut => {
                    pick(lang, "读取超时或被中断（网络盘？）".into(), "reading timed out or was interrupted (a network drive?)".into())
                }
                IoKind::Other => pick(lang, format!("读取出错（系统信息：{detail}）"), format!("read error: {detail}")),
            },
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
            DeclaredCount { part, attr, count, bound } => pick(
                lang,
                format!("{part} 声明 {attr}={count}，超出其大小所能容纳的 {bound}（文件可能被篡改）"),
                format!("{part} declares {attr}={count}, more than its size can hold ({bound}): the file may be crafted"),
            ),
            TooManyCells { sheet, cells, limit } => pick(
                lang,
                format!("{sheet} 跨越 {cells} 个单元格，超过 {limit} 个上限"),
                format!("{sheet} spans {cells} cells, beyond the limit of {limit}"),
            ),
            RowLimit { row, limit } => pick(
                lang,
                format!("第 {row} 行超过 {limit} 行上限（limits.max_rows），其后内容未读取"),
                format!("row {row} is beyond the limit of {limit} rows (limits.max_rows); the rest was not read"),
            ),
            ColumnLimit { row, columns, limit } => pick(
                lang,
                format!("第 {row} 行第 {columns} 列超过 {limit} 列上限（limits.max_columns），其后内容未读取"),
                format!("row {row}, column {columns} is beyond the limit of {limit} columns (limits.max_columns); the rest was not read"),
            ),
            NotRegularFile => pick(lang, "不是普通文件（管道、设备等）".into(), "not a regular file (a FIFO, a device, …)".into()),
            YamlAliases => pick(
                lang,
                "YAML 的锚点与别名（&、*）展开后远超文件本身大小（qingdan 的输出不含别名），拒绝读取".into(),
                "the YAML's anchors and aliases (&, *) expand far beyond the file's size (qingdan output has none): refused".into(),
            ),
            Other(text) => text.clone(),
        }
    }
}

/// What is wrong with `qingdan.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigProblem {
    /// The file could not be read.
    Unreadable(Reason),
    /// Larger than configs are.
    TooLarge { bytes: u64 },
    /// Not YAML; `detail` comes from the parser (with line and column).
    Yaml { detail: String },
    /// A key qingdan does not know; the closest known one, if any is close.
    UnknownKey { key: String, suggestion: Option<String>, known: Vec<String> },
    /// A field name that is neither a key nor a Chinese name of a field.
    UnknownField { name: String, suggestion: Option<Field> },
    /// A rule code under `rules:` that is not a rule.
    UnknownRule { code: String, suggestion: Option<String>, known: String },
    /// A rule level other than off, info, warning, error.
    BadLevel { value: String },
    /// Value aliases for a field without a vocabulary.
    NoVocabulary { field: Field },
    /// A value alias whose target is not in the field's vocabulary.
    NotInVocabulary { field: Field, value: String, allowed: Vec<String> },
    /// What the schema check says (its own words, in English).
    Schema { detail: String },
}

impl ConfigProblem {
    /// Renders the problem in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        use ConfigProblem::*;
        let zh = lang == Lang::Zh;
        let join = |v: &[String]| v.join(if zh { "、" } else { ", " });
        match self {
            Unreadable(r) => {
                pick(lang, format!("无法读取配置文件：{}", r.render(lang)), format!("cannot read the config: {}", r.render(lang)))
            }
            TooLarge { bytes } => pick(lang, format!("配置文件过大（{bytes} 字节）"), format!("config too large ({bytes} bytes)")),
            Yaml { detail } => pick(lang, format!("不是有效的 YAML（{detail}）"), format!("not valid YAML ({detail})")),
            UnknownKey { key, suggestion, known } => {
                let hint = match suggestion {
                    Some(s) => pick(lang, format!("，是否想写“{s}”？"), format!("; did you mean \"{s}\"?")),
                    None => pick(lang, "。".into(), ".".into()),
                };
                pick(
                    lang,
                    format!("未知的配置项“{key}”{hint}可用的配置项：{}", join(known)),
                    format!("unknown key \"{key}\"{hint} Known keys: {}", join(known)),
                )
            }
            UnknownField { name, suggestion } => {
                let hint = match suggestion {
                    Some(f) => pick(
                        lang,
                        format!("，是否想写“{}”（{}）？", f.label(), f.key()),
                        format!("; did you mean {} ({})?", f.key(), f.label()),
                    ),
                    None => pick(
                        lang,
                        "；字段可写键名（name）或中文名（事项名称）".into(),
                        "; name a field by its key (name) or its Chinese name (事项名称)".into(),
                    ),
                };
                pick(lang, format!("未知字段“{name}”{hint}"), format!("unknown field \"{name}\"{hint}"))
            }
            UnknownRule { code, suggestion, known } => {
                let hint = match suggestion {
                    Some(s) => pick(lang, format!("，是否想写 {s}？"), format!("; did you mean {s}?")),
                    None => String::new(),
                };
                pick(lang, format!("没有规则 {code}{hint}已知规则：{known}"), format!("no rule {code}{hint} Known rules: {known}"))
            }
            BadLevel { value } => pick(
                lang,
                format!("规则级别须为 off、info、warning、error 之一，而不是 {value}"),
                format!("a rule level is one of off, info, warning, error, not {value}"),
            ),
            NoVocabulary { field } => pick(
                lang,
                format!("{}没有固定的可填值，不能设置值的别名", field.label()),
                format!("{} has no fixed values: value aliases do not apply", field.key()),
            ),
            NotInVocabulary { field, value, allowed } => pick(
                lang,
                format!("“{value}”不是{}的可填值（{}）", field.label(), allowed.join(" / ")),
                format!("\"{value}\" is not a value of {} ({})", field.key(), allowed.join(" / ")),
            ),
            Schema { detail } => {
                pick(lang, format!("不符合配置文件的格式要求：{detail}"), format!("does not match the config schema: {detail}"))
            }
        }
    }
}

/// What a command did, told on stderr when it succeeded (or nearly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// `export` wrote its workbook.
    Exported { path: String, implementation: usize, base: usize, findings: usize },
    /// `diff` met read errors under one of its paths.
    ReadErrors { path: String, errors: usize },
}

impl Done {
    /// Renders the note in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            Done::Exported { path, implementation, base, findings } => pick(
                lang,
                format!("已写出 {path}：{implementation} 个实施事项，{base} 个基本目录事项，{findings} 条问题"),
                format!("wrote {path}: {implementation} implementation items, {base} base items, {findings} findings"),
            ),
            Done::ReadErrors { path, errors } => pick(
                lang,
                format!("{path} 读取时有 {errors} 个错误，相关事项未能比较（用 qingdan check 查看）"),
                format!("{path}: {errors} errors while reading; affected items were not compared (see qingdan check)"),
            ),
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
    /// The output would overwrite a config file.
    WouldOverwriteConfig { path: String },
    /// The output would overwrite a file qingdan did not write.
    WouldOverwriteForeign { path: String },
    /// `--fail-on new` without `--baseline`.
    NeedsBaseline,
    /// The baseline could not be read as a JSON report.
    BadBaseline { path: String, detail: String },
    /// The output folder of `return` lies inside an input folder (the next round would read it).
    OutputInsideInput { output: String, input: String },
    /// A format that writes a file was asked for without `-o`.
    NeedsOutput { format: String },
    /// `--select`/`--ignore` named no known rule.
    UnknownRule { given: String, known: String },
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
            NoCatalogFiles { under: None } => pick(lang, "没有找到可读取的清单文件".into(), "no readable catalog file found".into()),
            NoCatalogFiles { under: Some(p) } => {
                pick(lang, format!("{p}：没有找到可读取的清单文件"), format!("{p}: no readable catalog file found"))
            }
            WouldOverwriteInput { path } => {
                pick(lang, format!("拒绝覆盖输入文件：{path}"), format!("refusing to overwrite an input: {path}"))
            }
            OutputNotXlsx { path } => {
                pick(lang, format!("输出文件须为 .xlsx：{path}"), format!("the output must be an .xlsx file: {path}"))
            }
            Workbook { detail } => pick(lang, format!("无法生成工作簿：{detail}"), format!("cannot build the workbook: {detail}")),
            WouldOverwriteConfig { path } => {
                pick(lang, format!("拒绝覆盖配置文件：{path}"), format!("refusing to overwrite a config file: {path}"))
            }
            WouldOverwriteForeign { path } => pick(
                lang,
                format!("拒绝覆盖不是由 qingdan 写出的文件：{path}"),
                format!("refusing to overwrite a file qingdan did not write: {path}"),
            ),
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
            NeedsOutput { format } => {
                pick(lang, format!("--format {format} 需要用 -o 指定输出文件"), format!("--format {format} needs -o FILE"))
            }
            UnknownRule { given, known } => {
                pick(lang, format!("没有规则 {given}；已知规则：{known}"), format!("no rule {given}; the known rules: {known}"))
            }
        }
    }
}

/// `错误 3 个，警告 1 个，提示 2 条` for one file.
pub fn counts(errors: usize, warnings: usize, infos: usize, lang: Lang) -> String {
    pick(
        lang,
        format!("错误 {errors} 个，警告 {warnings} 个，提示 {infos} 条"),
        format!("{errors} errors, {warnings} warnings, {infos} infos"),
    )
}

/// The report's last line: what was checked and the total per severity.
pub fn total(files: usize, items: usize, errors: usize, warnings: usize, infos: usize, lang: Lang) -> String {
    pick(
        lang,
        format!("共检查 {files} 个文件、{items} 个事项：{}", counts(errors, warnings, infos, lang)),
        format!("checked {files} files, {items} items: {}", counts(errors, warnings, infos, lang)),
    )
}

/// The note under the total when `--quiet` hid info findings.
pub fn hidden_infos(n: usize, lang: Lang) -> String {
    pick(lang, format!("另有 {n} 条提示未显示（--quiet）"), format!("{n} infos not shown (--quiet)"))
}

/// The line added under clap's parse error, saying in `lang` what is wrong (clap's own text
/// is English). `None` in English.
pub fn parse_error_hint(kind: clap::error::ErrorKind, lang: Lang) -> Option<&'static str> {
    use clap::error::ErrorKind as K;
    if lang != Lang::Zh {
        return None;
    }
    Some(match kind {
        K::InvalidValue | K::ValueValidation => "提示：参数值无效，可选值见上；运行 qingdan --help 查看用法",
        K::UnknownArgument => "提示：没有这个选项；运行 qingdan 命令 --help 查看可用选项",
        K::InvalidSubcommand => "提示：没有这个命令；可用命令：ingest、check、diff、stats、export、template、rules、explain、schema",
        K::MissingRequiredArgument => "提示：缺少必需的参数（见上）",
        K::MissingSubcommand | K::DisplayHelpOnMissingArgumentOrSubcommand => "提示：请给出一个命令，例如 qingdan check 清单文件夹",
        K::ArgumentConflict => "提示：这两个选项不能同时使用",
        K::TooManyValues | K::WrongNumberOfValues | K::TooFewValues => "提示：参数个数不对",
        _ => "提示：命令行有误；运行 qingdan --help 查看用法",
    })
}

/// The Chinese help of a command-line option, by its id (the English is in `cli.rs`).
pub fn arg_help(id: &str) -> Option<&'static str> {
    Some(match id {
        "lang" => "信息的语言：zh（简体中文，默认）或 en",
        "config" => "配置文件（默认：从第一个路径向上查找最近的 qingdan.yaml，其次从当前目录向上查找）",
        "quiet" => "安静：不显示进度条；check 的报告不列出提示级问题（仍计入汇总）",
        "threads" => "读取文件的线程数（默认为 CPU 核数，或环境变量 QINGDAN_THREADS）",
        "paths" => "文件或文件夹（递归查找）",
        "encoding" => "CSV 编码（auto 为自动识别）",
        "base" => "基本目录文件（文件名不含“基本目录”时指定）",
        "layout" => "工作表版式：auto 自动识别，table 每行一个事项，form 办事指南表单",
        "format" => "输出格式",
        "fail_on" => "有此级别及以上的问题时退出码为 1",
        "select" => "只运行这些规则：代码或代码前缀，逗号分隔（--select QD1,QD201）",
        "ignore" => "不运行这些规则：代码或代码前缀，逗号分隔（--ignore QD003）",
        "statistics" => "按规则、按文件统计问题数，不逐条列出（人读格式）",
        "output" => "输出文件",
        "old" => "旧版本（文件或文件夹）",
        "new" => "新版本（文件或文件夹）",
        "rule" => "规则代码（QD101）或名称（credit-code）",
        "report" => "输出检查报告（check --format json）的 JSON Schema，而不是事项的",
        _ => return None,
    })
}

/// The columns of the human report's consistency table.
pub fn consistency_headers(lang: Lang) -> [&'static str; 5] {
    if lang == Lang::Zh {
        ["地区", "层级", "事项", "已认领", "缺失/偏离"]
    } else {
        ["jurisdiction", "level", "items", "claimed", "missing/deviating"]
    }
}

/// A row as people name it: `第4行`, `row 4`.
pub fn row_label(row: u32, lang: Lang) -> String {
    pick(lang, format!("第{row}行"), format!("row {row}"))
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
        "help_prefix" => {
            if zh {
                "修改建议："
            } else {
                "help: "
            }
        }
        "by_rule" => {
            if zh {
                "按规则统计："
            } else {
                "By rule:"
            }
        }
        "by_file" => {
            if zh {
                "按文件统计："
            } else {
                "By file:"
            }
        }
        "repository" => {
            if zh {
                "（整个仓库）"
            } else {
                "(repository)"
            }
        }
        "consistency_title" => {
            if zh {
                "四级同源（按地区）："
            } else {
                "Cross-level consistency by jurisdiction:"
            }
        }
        "explain_what" => {
            if zh {
                "说明"
            } else {
                "What it checks"
            }
        }
        "explain_severity" => {
            if zh {
                "默认级别"
            } else {
                "Default severity"
            }
        }
        "explain_fix" => {
            if zh {
                "修改建议"
            } else {
                "How to fix"
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_in_plain_words() {
        let denied = Reason::from_io(&std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        assert_eq!(denied, Reason::PermissionDenied);
        assert_eq!(denied.render(Lang::Zh), "无权限读取");
        assert_eq!(Reason::from_io(&std::io::Error::from(std::io::ErrorKind::NotFound)).render(Lang::Zh), "路径不存在");
        let busy = Reason::from_io(&std::io::Error::from(std::io::ErrorKind::ResourceBusy)).render(Lang::Zh);
        assert!(busy.contains("占用") && !busy.is_ascii(), "{busy}");
        assert!(reason_help(&Reason::NoSuchFile, Lang::Zh).is_some_and(|h| !h.contains("xlsx")));
    }
}
