//! The one list of rule codes. Codes are API: a retired code is never reused. Each entry has a
//! stable code, a slug, a default severity, the stage that emits it, a one-line summary and the
//! documentation `qingdan explain` prints, in both languages.

use crate::finding::{Finding, Location, Severity};
use crate::i18n::{Lang, Msg};
use crate::model::field::Field;
use crate::model::item::Item;

/// The stage of the pipeline that emits a rule's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading files and mapping headers.
    Read,
    /// Normalizing values.
    Normalize,
    /// Per-item checks (schema and item rules).
    Item,
    /// Per-catalog checks (uniqueness within a table).
    Catalog,
    /// Cross-level checks of a repository (四级同源).
    Consistency,
}

/// A rule's metadata.
#[derive(Debug, Clone, Copy)]
pub struct RuleMeta {
    /// Stable code.
    pub code: &'static str,
    /// Short kebab-case name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Who emits it.
    pub stage: Stage,
    /// One-line summary (zh, en).
    pub summary: (&'static str, &'static str),
    /// What the rule checks and why (zh, en).
    pub doc: (&'static str, &'static str),
    /// How to fix a finding (zh, en).
    pub help: (&'static str, &'static str),
}

impl RuleMeta {
    /// The summary in `lang`.
    pub fn summary(&self, lang: Lang) -> &'static str {
        if lang == Lang::Zh { self.summary.0 } else { self.summary.1 }
    }

    /// The documentation in `lang`.
    pub fn doc(&self, lang: Lang) -> &'static str {
        if lang == Lang::Zh { self.doc.0 } else { self.doc.1 }
    }

    /// The fix hint in `lang`.
    pub fn help(&self, lang: Lang) -> &'static str {
        if lang == Lang::Zh { self.help.0 } else { self.help.1 }
    }
}

use Severity::*;
use Stage::*;

/// Every rule, ordered by code.
pub static RULES: &[RuleMeta] = &[
    RuleMeta {
        code: "QD001",
        name: "file-unreadable",
        severity: Error,
        stage: Read,
        summary: ("文件无法读取", "file cannot be read"),
        doc: (
            "文件不存在、已损坏、加密、格式与扩展名不符或超出资源限制时报告。其余文件照常检查。",
            "Reported when a file is missing, corrupt, encrypted, not of the format its extension says, or beyond the resource limits. The other files are still checked.",
        ),
        help: ("请重新导出为 xlsx 或 UTF-8 CSV 后再提交", "export the file again as xlsx or UTF-8 CSV"),
    },
    RuleMeta {
        code: "QD002",
        name: "no-header-row",
        severity: Error,
        stage: Read,
        summary: ("找不到表头行", "no header row found"),
        doc: (
            "在工作表前 30 行中查找含有至少 3 个标准字段名（或其别名）的行作为表头。找不到时，此表无法读取。",
            "The header row is the first of the first 30 rows that names at least 3 known fields (or their aliases). Without one, the table cannot be read.",
        ),
        help: (
            "在表格上方加入标准表头（可用 qingdan template 生成模板），或在 qingdan.yaml 的 aliases 中登记本地表头",
            "add the canonical headers (qingdan template writes them) or register local headers under aliases in qingdan.yaml",
        ),
    },
    RuleMeta {
        code: "QD003",
        name: "unmapped-header",
        severity: Info,
        stage: Read,
        summary: ("表头未对应标准字段", "header maps to no field"),
        doc: (
            "未对应任何标准字段的列不会丢失：其值原样保存在事项的附加列中。",
            "A column that maps to no field is not lost: its values are kept in the item's extra columns.",
        ),
        help: (
            "如该列是某标准字段的本地叫法，请在 qingdan.yaml 的 aliases 中登记",
            "if the column is a local name of a field, register it under aliases in qingdan.yaml",
        ),
    },
    RuleMeta {
        code: "QD004",
        name: "duplicate-header",
        severity: Warning,
        stage: Read,
        summary: ("两列对应同一字段", "two columns map to one field"),
        doc: (
            "两列表头对应同一标准字段时，采用第一列，后一列的值原样保存在附加列中。",
            "When two headers map to the same field, the first column is used and the second is kept under extra.",
        ),
        help: ("删除或改名重复的列", "remove or rename the repeated column"),
    },
    RuleMeta {
        code: "QD005",
        name: "empty-table",
        severity: Warning,
        stage: Read,
        summary: ("表格没有事项行", "table has no item rows"),
        doc: ("找到了表头，但其下没有任何事项行。", "A header row was found, but no item rows follow it."),
        help: ("确认是否提交了空模板", "check whether an empty template was submitted"),
    },
    RuleMeta {
        code: "QD006",
        name: "header-approximate",
        severity: Warning,
        stage: Read,
        summary: ("表头有错字，已按最接近的标准表头读取", "header misspelt; read as the nearest known header"),
        doc: (
            "四个字以上的表头与某个标准表头（或别名）只差一个字，且只接近一个字段时，按该字段读取，并提示改正。精确匹配的表头从不被覆盖。",
            "A header of four or more characters one character away from a known header (or alias), close to only one field, is read as that field, with a warning to correct it. An exact header is never overridden.",
        ),
        help: ("把表头改为提示中的标准写法", "change the header to the known form the message names"),
    },
    RuleMeta {
        code: "QD007",
        name: "column-inferred",
        severity: Info,
        stage: Read,
        summary: ("按列中的值识别了未对应的列", "column mapped by its values"),
        doc: (
            "表头未对应任何字段的列，若抽查的值中至少 90% 是有效的统一社会信用代码、12 位行政区划代码、数字编码、是/否值或办结时限，且表中恰好缺少一个该类必填字段，则按该字段读取。",
            "An unmapped column whose sampled values are at least 90 % valid credit codes, 12-digit division codes, numeric codes, yes/no values or time limits is read as the one required field of that kind the header lacks.",
        ),
        help: (
            "把表头改为标准字段名，或在 qingdan.yaml 的 aliases 中登记",
            "rename the header to the field's name, or register it under aliases in qingdan.yaml",
        ),
    },
    RuleMeta {
        code: "QD008",
        name: "row-skipped",
        severity: Info,
        stage: Read,
        summary: ("非事项行已跳过", "row that is not an item skipped"),
        doc: (
            "表内或表下的说明、注释、落款（填报单位、审核人、日期、电话、盖章）、合计、标题、重复表头，以及既无事项名称也无编码的行，不作为事项读取；每行报告一次，不会悄悄丢失。",
            "Notes, sign-offs (who filled or checked the list, dates, phones, stamps), totals, titles, repeated headers and rows with neither a name nor a code, inside or under a table, are not read as items; each is reported once, so nothing is dropped silently.",
        ),
        help: ("如果此行确是事项，请补填事项名称或编码", "if the row is an item, fill in its name or code"),
    },
    RuleMeta {
        code: "QD009",
        name: "missing-column",
        severity: Error,
        stage: Read,
        summary: ("表头缺少必填字段的列", "a required field has no column"),
        doc: (
            "表头中没有必填要素的列时，每张表报告一次（列出缺少的字段和未对应的列），不再对每一行报告缺少必填要素（QD100）。",
            "When a table has no column for a required element, this is reported once per table (naming the missing fields and the unmapped columns) instead of QD100 on every row.",
        ),
        help: (
            "补充该列，或把未对应的列改为标准表头，或在 qingdan.yaml 的 aliases 中登记本地表头",
            "add the column, rename an unmapped column to the canonical header, or register the local header under aliases in qingdan.yaml",
        ),
    },
    RuleMeta {
        code: "QD010",
        name: "unreadable-value",
        severity: Error,
        stage: Normalize,
        summary: ("要素值无法识别", "value cannot be read"),
        doc: (
            "时限、是否类、编码、次数、枚举等要素按字段字典的规范形式识别（qingdan schema 列出各字段可填的值）；无法识别时报告原值，绝不默认填充，也不再另报缺少该要素。",
            "Limits, booleans, codes, counts and enumerations are read in the field dictionary's forms (qingdan schema lists each field's values); what cannot be read is reported with its raw text, never silently defaulted, and not reported missing as well.",
        ),
        help: (
            "按该要素的规范形式填写（报告中列出该要素可填的值）",
            "write the value in the element's canonical form (the report lists the values it accepts)",
        ),
    },
    RuleMeta {
        code: "QD011",
        name: "code-digits-lost",
        severity: Error,
        stage: Normalize,
        summary: ("编码被存成科学计数法", "code stored in scientific notation"),
        doc: (
            "Excel 把长编码存为数字后显示为 1.50202E+11 时，后几位数字已经丢失，无法还原。",
            "When Excel stored a long code as a number shown as 1.50202E+11, its trailing digits are lost and cannot be recovered.",
        ),
        help: ("把该列设置为文本格式后重新填写编码", "format the column as text and enter the code again"),
    },
    RuleMeta {
        code: "QD012",
        name: "error-cell",
        severity: Error,
        stage: Normalize,
        summary: ("单元格为错误值", "error cell"),
        doc: (
            "#N/A、#REF! 等错误值通常来自失效的公式或引用。",
            "#N/A, #REF! and other error values come from broken formulas or references.",
        ),
        help: ("把公式替换为实际值", "replace the formula with its value"),
    },
    RuleMeta {
        code: "QD013",
        name: "date-in-text",
        severity: Warning,
        stage: Normalize,
        summary: ("文本被存成日期", "text stored as a date"),
        doc: (
            "文本或编码列中出现日期格式的单元格，往往是 Excel 自动转换所致。",
            "A date cell in a text or code column is usually Excel's automatic conversion.",
        ),
        help: ("把该列设置为文本格式后重新填写", "format the column as text and enter the value again"),
    },
    RuleMeta {
        code: "QD014",
        name: "orphan-material",
        severity: Warning,
        stage: Read,
        summary: ("申请材料找不到所属事项", "material matches no item"),
        doc: (
            "单独的申请材料表按实施编码（或事项名称）归属到事项；找不到对应事项的材料行在此报告。",
            "A separate materials sheet is joined to items by impl_code (or name); rows that match no item are reported.",
        ),
        help: ("核对材料表中的实施编码", "check the impl_code in the materials sheet"),
    },
    RuleMeta {
        code: "QD015",
        name: "code-repaired",
        severity: Warning,
        stage: Normalize,
        summary: ("受损的编码已按数据中的证据还原", "damaged code restored from evidence"),
        doc: (
            "Excel 损坏的编码只在数据本身提供一致证据时还原：显示为 1.50223E+11 的行政区划代码，当实施主体统一社会信用代码第 3-8 位与清单所属地区都指向同一个代码时；丢失前导零的基本编码，当补零后恰好与基本目录中的一个编码相同时。证据不一致或缺失时不猜测，仍报告 QD011 / QD201。",
            "A code Excel damaged is restored only when the data agrees on it: a division code shown as 1.50223E+11 when the agency credit code's characters 3-8 and the list's jurisdiction point to the same code; a basic code that lost its leading zeros when exactly one base-catalog code matches after left-padding. Without agreeing evidence nothing is guessed (QD011 / QD201 stay).",
        ),
        help: ("在源表中把该列设置为文本格式并填入还原后的编码", "format the column as text in the source and enter the restored code"),
    },
    RuleMeta {
        code: "QD016",
        name: "own-output",
        severity: Info,
        stage: Read,
        summary: ("跳过 qingdan 自己生成的工作簿", "qingdan's own workbook skipped"),
        doc: (
            "qingdan export、template、diff 写出的工作簿带有标记（文档属性），在输入文件夹中遇到时跳过，不当作报送的清单读取。填写后另存过的模板照常读取。",
            "Workbooks written by qingdan export, template and diff carry a mark (a document property) and are skipped when met in an input folder, never read as submitted catalogs. A template filled in and saved again is read.",
        ),
        help: (
            "把 qingdan 的输出写到清单文件夹之外，或在 qingdan.yaml 的 ignore 中登记",
            "write qingdan's outputs outside the catalog folder, or list them under ignore in qingdan.yaml",
        ),
    },
    RuleMeta {
        code: "QD020",
        name: "schema-violation",
        severity: Error,
        stage: Item,
        summary: ("不符合统一事项模式", "violates the item schema"),
        doc: (
            "每个事项按 schemas/item.schema.json（JSON Schema 2020-12）校验，例如名称长度不超过 200 字。",
            "Every item is validated against schemas/item.schema.json (JSON Schema 2020-12), e.g. a name of at most 200 characters.",
        ),
        help: ("按 qingdan schema 输出的模式修改该要素", "change the element to satisfy the schema printed by qingdan schema"),
    },
    RuleMeta {
        code: "QD030",
        name: "accept-entry-unused",
        severity: Warning,
        stage: Consistency,
        summary: ("认可条目已过期或未匹配任何问题", "an accepted-problem entry has expired or matches nothing"),
        doc: (
            "qingdan.yaml 的 accept 条目把问题列为“已认可”。条目过了 until 日期后不再生效，对应问题恢复为普通问题；条目不匹配任何问题时（问题已整改或条目写错）也报告，以免认可清单失效后无人清理。",
            "Entries under accept in qingdan.yaml list problems as accepted. Past its until date an entry no longer applies and its problems count again; an entry matching no problem (fixed, or mistyped) is reported too, so the list cannot rot.",
        ),
        help: (
            "删除该条目，或核实规则、事项编码、区划代码后更新条目及其 until 日期",
            "remove the entry, or check its rule, item and jurisdiction and update it and its until date",
        ),
    },
    RuleMeta {
        code: "QD100",
        name: "missing-required",
        severity: Error,
        stage: Item,
        summary: ("缺少必填要素", "required element missing"),
        doc: (
            "实施清单事项必须具备字段字典中标为必填的要素（qingdan template 生成的模板中标有“必填”）；整列缺少时由 QD009 每表报告一次；基本目录只要求基本编码、事项名称、事项类型、设定依据、主管部门和行使层级。",
            "An implementation-list item must have every element the field dictionary marks required (marked in qingdan template's template); a column missing from a whole table is QD009, once per table; a base entry needs only basic_code, name, item_type, legal_basis, department and level.",
        ),
        help: ("补填该要素", "fill in the element"),
    },
    RuleMeta {
        code: "QD101",
        name: "credit-code",
        severity: Error,
        stage: Item,
        summary: ("统一社会信用代码不合规", "invalid unified social credit code"),
        doc: (
            "实施主体编码应为 18 位统一社会信用代码（GB 32100-2015）：字符取自 0-9 和除 I、O、S、V、Z 外的大写字母，第 18 位为校验位。小写校验位视为同一代码。9 位组织机构代码、17 位或带后缀的值都会报告。第 3-8 位为登记时的区划，不要求与事项区划一致。",
            "The agency code is an 18-character unified social credit code (GB 32100-2015): characters 0-9 and capitals except I, O, S, V, Z, the 18th a check character. A lowercase check character is the same code. 9-character organization codes, 17-character values and suffixes are reported. Positions 3-8 are the region at registration and need not equal the item's division.",
        ),
        help: ("向实施机关核实 18 位统一社会信用代码", "ask the agency for its 18-character credit code"),
    },
    RuleMeta {
        code: "QD102",
        name: "division-code",
        severity: Error,
        stage: Item,
        summary: ("行政区划代码不合规或与层级不符", "division code malformed or disagrees with level"),
        doc: (
            "行政区划代码为 12 位统计用区划代码（6 位或 9 位输入右补 0）。代码的层级由最后一个非零段决定：150200000000 市级，150202000000 县级，150202001000 乡级，150202001001 村级，须与行使层级一致。",
            "Division codes are 12-digit statistical codes (6- or 9-digit input right-padded). A code's level is the depth of its last non-zero group and must agree with the item's level.",
        ),
        help: ("核对行政区划代码和行使层级", "check the division code and the level"),
    },
    RuleMeta {
        code: "QD103",
        name: "duplicate-impl-code",
        severity: Error,
        stage: Catalog,
        summary: ("实施编码在清单内重复", "implementation code repeated in a catalog"),
        doc: (
            "实施编码在一个清单（以及整个仓库）内必须唯一。",
            "An implementation code must be unique within a catalog (and across the repository).",
        ),
        help: ("为重复的事项分配各自的实施编码，或删除重复行", "give each item its own code, or remove the repeated row"),
    },
    RuleMeta {
        code: "QD104",
        name: "promised-over-statutory",
        severity: Error,
        stage: Item,
        summary: ("承诺时限长于法定时限", "promised limit longer than statutory"),
        doc: (
            "承诺办结时限不得长于法定办结时限。单位相同或可换算（小时、自然日、即办）时比较；工作日与自然日、月之间不换算，另由 QD105 提示。",
            "The promised limit must not exceed the statutory one. Compared when units are the same or convertible (hours, natural days, instant); working days are not converted to natural days or months (see QD105).",
        ),
        help: ("压缩承诺时限，使其不超过法定时限", "shorten the promised limit to at most the statutory one"),
    },
    RuleMeta {
        code: "QD105",
        name: "limit-units-differ",
        severity: Info,
        stage: Item,
        summary: ("承诺与法定时限单位不同", "limits in incomparable units"),
        doc: (
            "承诺与法定时限一个以工作日、一个以自然日或月计时，无法直接比较。",
            "One limit counts working days and the other natural days or months: they cannot be compared directly.",
        ),
        help: ("统一两个时限的计时单位", "use the same unit for both limits"),
    },
    RuleMeta {
        code: "QD106",
        name: "instant-with-limit",
        severity: Warning,
        stage: Item,
        summary: ("即办件承诺时限非即办", "instant item with a nonzero promised limit"),
        doc: ("办件类型为即办件的事项，承诺办结时限应为即办（0）。", "An item marked 即办件 should have an instant (0) promised limit."),
        help: ("把承诺时限改为“即办”，或把办件类型改为承诺件", "set the promised limit to 即办, or mark the item 承诺件"),
    },
    RuleMeta {
        code: "QD107",
        name: "fee-without-basis",
        severity: Error,
        stage: Item,
        summary: ("收费事项缺少收费依据或标准", "fee without basis or standard"),
        doc: ("是否收费为“是”的事项必须填写收费依据和收费标准。", "An item that charges a fee must state its fee basis and fee standard."),
        help: ("补填收费依据（文件名称及文号）和收费标准", "fill in the fee basis (document and number) and the fee standard"),
    },
    RuleMeta {
        code: "QD108",
        name: "online-without-url",
        severity: Warning,
        stage: Item,
        summary: ("可网办但无网办地址", "online item without an address"),
        doc: (
            "网上办理深度达到三级（在线办理）及以上的事项应提供网办地址。",
            "An item with online depth 3 (在线办理) or more should give its online address.",
        ),
        help: ("填写网办地址", "fill in the online address"),
    },
    RuleMeta {
        code: "QD109",
        name: "zero-visits-offline",
        severity: Warning,
        stage: Item,
        summary: ("零跑腿但既非全程网办也无快递", "zero visits but neither online nor delivery"),
        doc: (
            "到办事现场次数为 0 的事项，应当是全程网办（深度四级）或支持物流快递。",
            "An item needing zero visits should be fully online (depth 4) or support express delivery.",
        ),
        help: ("核对到现场次数、网上办理深度和是否支持物流快递", "check visits, online depth and express delivery"),
    },
    RuleMeta {
        code: "QD110",
        name: "duplicate-material",
        severity: Warning,
        stage: Item,
        summary: ("申请材料重复", "material listed twice"),
        doc: (
            "同一事项的申请材料中，名称（忽略全半角、空格和标点）相同的材料出现两次。",
            "Two materials of one item have the same name after folding width, spaces and punctuation.",
        ),
        help: ("合并重复的材料", "merge the repeated materials"),
    },
    RuleMeta {
        code: "QD111",
        name: "basic-code-layout",
        severity: Error,
        stage: Item,
        summary: ("基本编码格式不符", "basic code layout wrong"),
        doc: (
            "基本编码应为规定位数的数字（默认 12 位；各省不同，可在 qingdan.yaml 的 basic_code_lengths 中设置，如 [10, 12, 14]）。有基本目录时，不在目录中的编码另由 QD201 报告。",
            "A basic code is all digits of the configured length (12 by default; provinces differ, set basic_code_lengths in qingdan.yaml, e.g. [10, 12, 14]). With a base catalog, codes missing from it are QD201.",
        ),
        help: (
            "按基本目录核对并改正基本编码（设为文本格式，保留前导零）",
            "correct the basic code from the base catalog (as text, keeping leading zeros)",
        ),
    },
    RuleMeta {
        code: "QD200",
        name: "no-base-catalog",
        severity: Warning,
        stage: Consistency,
        summary: ("无法进行四级同源检查", "cross-level checks could not run"),
        doc: (
            "四级同源检查需要基本目录：文件名或工作表名含“基本目录”，或用 --base、qingdan.yaml 的 base 指定。缺失或无法读取时，逐项检查照常进行，并报告此项。",
            "The cross-level checks need a base catalog: a file or sheet whose name contains 基本目录, or --base, or base in qingdan.yaml. Without one the per-item checks still run and this is reported.",
        ),
        help: ("提供基本目录文件，或用 --base 指定", "provide the base catalog, or name it with --base"),
    },
    RuleMeta {
        code: "QD201",
        name: "unsourced-item",
        severity: Error,
        stage: Consistency,
        summary: ("无源事项", "item not in the base catalog"),
        doc: (
            "四级同源：每个实施清单事项的基本编码都必须出自基本目录。",
            "Every implementation item's basic code must come from the base catalog (四级同源).",
        ),
        help: ("按基本目录认领事项，或先把事项纳入基本目录", "claim the item from the base catalog, or add it there first"),
    },
    RuleMeta {
        code: "QD202",
        name: "differs-from-base",
        severity: Error,
        stage: Consistency,
        summary: ("要素与基本目录不一致（四同）", "element differs from the base catalog"),
        doc: (
            "事项名称、事项类型、设定依据须与基本目录一致（四级四同）。比较前忽略全半角、空格和标点，只报告真实的差异。",
            "Name, item type and legal basis must equal the base entry's; width, spaces and punctuation are ignored so only real differences are reported.",
        ),
        help: ("按基本目录修改该要素", "change the element to the base catalog's"),
    },
    RuleMeta {
        code: "QD203",
        name: "level-mismatch",
        severity: Error,
        stage: Consistency,
        summary: ("行使层级与基本目录不符", "level not allowed by the base catalog"),
        doc: ("事项的行使层级必须在基本目录该事项的行使层级之中。", "An item's level must be one of its base entry's levels."),
        help: ("核对事项层级，或确认基本目录是否漏列该层级", "check the item's level, or whether the base catalog omits it"),
    },
    RuleMeta {
        code: "QD204",
        name: "claim-missing",
        severity: Warning,
        stage: Consistency,
        summary: ("认领缺失", "base item not claimed"),
        doc: (
            "基本目录事项的行使层级包含某一层级时，该层级每个提交了实施清单的地区都应认领它。每个地区、每个事项一条。",
            "When a base item's levels include a level, every jurisdiction of that level that has an implementation list should claim it: one finding per jurisdiction and item.",
        ),
        help: ("在本地实施清单中认领该事项，或说明不认领的原因", "claim the item in the local list, or record why not"),
    },
    RuleMeta {
        code: "QD205",
        name: "not-uniform",
        severity: Warning,
        stage: Consistency,
        summary: ("同级地区要素不一致（无差别受理）", "siblings differ for the same item"),
        doc: (
            "同一基本编码在同一上级下的同级地区之间，申请材料（按规范化名称的集合）、受理条件、法定办结时限和是否收费应当一致。少数派地区对照多数派报告，并列出多出和缺少的材料。",
            "For the same basic code, sibling jurisdictions under one parent should ask for the same materials (as a set of normalized names), conditions, statutory limit and fee. The minority is reported against the majority, naming extra and missing materials.",
        ),
        help: ("对照多数地区的要素统一本地清单", "align the local list with the majority"),
    },
    RuleMeta {
        code: "QD206",
        name: "duplicate-impl-code-repo",
        severity: Error,
        stage: Consistency,
        summary: ("实施编码在仓库内重复", "implementation code repeated across files"),
        doc: ("实施编码在整个清单仓库内必须唯一。", "An implementation code must be unique across the whole repository."),
        help: ("为重复的事项分配各自的实施编码", "give each item its own code"),
    },
    RuleMeta {
        code: "QD207",
        name: "guide-differs-from-list",
        severity: Warning,
        stage: Consistency,
        summary: ("办事指南与事项清单不一致", "guide and list disagree"),
        doc: (
            "同一实施编码的办事指南（表单式）与事项清单行逐字段比较（忽略全半角、空格和标点）。",
            "A guide form and a list row with the same impl_code are compared field by field (width, spaces and punctuation ignored).",
        ),
        help: ("以审定的版本为准统一两处", "make both agree with the approved version"),
    },
];

/// How to fix one finding: for a file that could not be opened, advice for its reason
/// ([`crate::i18n::reason_help`]); for a value that could not be read (QD010), the field's
/// allowed values ([`crate::i18n::value_help`]); otherwise the rule's help.
pub fn help(f: &Finding, lang: Lang) -> String {
    if let Msg::FileUnreadable { reason } = &f.message
        && let Some(h) = crate::i18n::reason_help(reason, lang)
    {
        return h.to_string();
    }
    if f.rule == "QD010"
        && let Some(h) = f.field.and_then(|field| crate::i18n::value_help(field, lang))
    {
        return h;
    }
    find(f.rule).map(|r| r.help(lang).to_string()).unwrap_or_default()
}

/// How far a winning finding hides a losing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The same cell: file, sheet, row and field.
    Cell,
    /// The same table (file and sheet), for the fields the winner names (QD009).
    Table,
}

/// One problem, one finding: when `winner` is reported, `losers` are not reported for the same
/// scope. A value that could not be read (QD010-QD012) is not also missing (QD100), does not
/// also violate the schema (QD020) and is not also unsourced or different from the base catalog
/// (QD201-QD203); a column missing from a table (QD009) is not also missing on every row (QD100);
/// a malformed code (QD020 on the basic code) is not also unsourced (QD201).
pub static PRECEDENCE: &[(&str, &[&str], Scope)] = &[
    ("QD009", &["QD100"], Scope::Table),
    ("QD010", &["QD100", "QD020", "QD201", "QD202", "QD203"], Scope::Cell),
    ("QD011", &["QD100", "QD020", "QD201", "QD202", "QD203"], Scope::Cell),
    ("QD012", &["QD100", "QD020", "QD201", "QD202", "QD203"], Scope::Cell),
    ("QD020", &["QD201"], Scope::Cell),
];

/// Drops the findings [`PRECEDENCE`] says another finding already covers, keeping the order.
pub fn apply_precedence(findings: &mut Vec<Finding>) {
    use std::collections::HashSet;
    type CellKey = (Option<std::sync::Arc<str>>, Option<std::sync::Arc<str>>, Option<u32>, Field, &'static str);
    type TableKey = (Option<std::sync::Arc<str>>, Option<std::sync::Arc<str>>, Field, &'static str);
    let mut cells: HashSet<CellKey> = HashSet::new();
    let mut tables: HashSet<TableKey> = HashSet::new();
    for f in findings.iter() {
        for (winner, losers, scope) in PRECEDENCE {
            if f.rule != *winner {
                continue;
            }
            let loc = &f.location;
            match scope {
                Scope::Cell => {
                    if let Some(field) = f.field {
                        for l in *losers {
                            cells.insert((loc.file.clone(), loc.sheet.clone(), loc.row, field, l));
                        }
                    }
                }
                Scope::Table => {
                    if let Msg::MissingColumns { fields, .. } = &f.message {
                        for (field, l) in fields.iter().flat_map(|x| losers.iter().map(move |l| (*x, *l))) {
                            tables.insert((loc.file.clone(), loc.sheet.clone(), field, l));
                        }
                    }
                }
            }
        }
    }
    if cells.is_empty() && tables.is_empty() {
        return;
    }
    findings.retain(|f| {
        let Some(field) = f.field else { return true };
        let loc = &f.location;
        !cells.contains(&(loc.file.clone(), loc.sheet.clone(), loc.row, field, f.rule))
            && !tables.contains(&(loc.file.clone(), loc.sheet.clone(), field, f.rule))
    });
}

/// Every code, comma-separated (for messages naming the known codes).
pub fn codes() -> String {
    RULES.iter().map(|r| r.code).collect::<Vec<_>>().join(", ")
}

/// Looks a rule up by code (case-insensitive) or name.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// The default severity of a code (Error for an unknown code, which tests forbid).
pub fn default_severity(code: &str) -> Severity {
    find(code).map(|r| r.severity).unwrap_or(Severity::Error)
}

/// Findings are made here, where each code's default severity is known, so that `finding`
/// (the home of [`Severity`]) does not depend on the registry.
impl Finding {
    /// A finding about an item's field (its cell when known).
    pub fn at_item(rule: &'static str, item: &Item, field: Option<Field>, message: Msg) -> Finding {
        Finding {
            rule,
            severity: default_severity(rule),
            field,
            message,
            location: Location::of_field(item, field),
            item: item.label().map(str::to_string),
            jurisdiction: item.division_code.clone(),
            value: field.and_then(|f| item.display(f)).map(|v| crate::finding::truncate(&v, 300)),
            names: crate::finding::ItemNames::of(item),
        }
    }

    /// A finding about a whole file (unreadable, no header).
    pub fn at_file(rule: &'static str, file: &str, sheet: Option<&str>, message: Msg) -> Finding {
        let mut location = Location::file(file);
        location.sheet = sheet.map(Into::into);
        Finding {
            rule,
            severity: default_severity(rule),
            field: None,
            message,
            location,
            item: None,
            jurisdiction: None,
            value: None,
            names: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn at(rule: &'static str, row: u32, field: Option<Field>, message: Msg) -> Finding {
        let mut f = Finding::at_file(rule, "a.csv", None, message);
        f.location.row = Some(row);
        f.field = field;
        f
    }

    #[test]
    fn precedence_keeps_one_finding_per_problem() {
        let missing = |row| at("QD100", row, Some(Field::Department), Msg::Missing { field: Field::Department });
        let mut fs = vec![
            at("QD009", 1, None, Msg::MissingColumns { fields: vec![Field::Department], unmapped: vec![] }),
            missing(2),
            missing(3),
            at("QD010", 4, Some(Field::Level), Msg::ValueUnreadable { field: Field::Level, raw: "片区".into() }),
            at("QD100", 4, Some(Field::Level), Msg::Missing { field: Field::Level }),
            at("QD020", 5, Some(Field::BasicCode), Msg::SchemaViolation { path: "/basic_code".into(), detail: String::new() }),
            at("QD201", 5, Some(Field::BasicCode), Msg::Unsourced { code: "1".into() }),
            // Another row's level, and another file's department, are not covered.
            at("QD100", 6, Some(Field::Level), Msg::Missing { field: Field::Level }),
        ];
        let mut other = missing(2);
        other.location.file = Some("b.csv".into());
        fs.push(other);
        apply_precedence(&mut fs);
        let kept: Vec<String> =
            fs.iter().map(|f| format!("{} {} {}", f.rule, f.location.file.as_deref().unwrap(), f.location.row.unwrap())).collect();
        assert_eq!(kept, ["QD009 a.csv 1", "QD010 a.csv 4", "QD020 a.csv 5", "QD100 a.csv 6", "QD100 b.csv 2"]);
        // Every code in the table is a rule.
        for (winner, losers, _) in PRECEDENCE {
            assert!(find(winner).is_some(), "{winner}");
            assert!(losers.iter().all(|l| find(l).is_some()), "{losers:?}");
        }
    }

    #[test]
    fn codes_and_names_unique_sorted_documented() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for w in RULES.windows(2) {
            assert!(w[0].code < w[1].code, "{} before {}", w[0].code, w[1].code);
        }
        for r in RULES {
            assert!(codes.insert(r.code));
            assert!(names.insert(r.name));
            assert!(r.code.starts_with("QD") && r.code.len() == 5);
            for s in [r.summary.0, r.summary.1, r.doc.0, r.doc.1, r.help.0, r.help.1] {
                assert!(!s.is_empty(), "{} undocumented", r.code);
            }
        }
    }
}
