//! Workbook-writing helpers shared by `export` and `template`: CJK-aware column widths, the
//! Chinese definition of every field (header notes, input hints, 填写说明), dropdown choices,
//! list validations that fall back to a hidden sheet range, and common cell formats.

pub mod annotate;
pub mod csvout;
pub mod marker;
pub mod print;
pub mod returns;
pub mod sheets;

use rust_xlsxwriter::{Color, DataValidation, Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError};

use crate::model::field::{Field, Group, Kind, Required};
use crate::model::vocab::{AgencyNature, CrossArea, ItemType, Level, MaterialForm, MaterialSource, ServiceObject, SpecialProcedure};

/// The widest a column gets, in Excel character units.
pub const MAX_WIDTH: usize = 60;
/// The narrowest a column gets.
pub const MIN_WIDTH: usize = 6;
/// Excel's limit on an inline validation list (the characters between the quotes).
pub const INLINE_LIST_LIMIT: usize = 255;

/// Whether a character is displayed double-width (CJK ideographs, kana, hangul, full-width forms).
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// The display width of a text: CJK characters count 2, others 1; for several lines, the widest.
pub fn text_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum::<usize>()).max().unwrap_or(0)
}

/// The number of display lines a text needs in a column `width` units wide.
pub fn wrapped_lines(s: &str, width: usize) -> usize {
    let width = width.max(1);
    s.lines().map(|l| text_width(l).div_ceil(width).max(1)).sum::<usize>().max(1)
}

/// Tracks the widest text seen per column and sets the column widths at the end.
#[derive(Debug, Clone)]
pub struct Widths {
    widths: Vec<usize>,
    cap: usize,
}

impl Widths {
    /// A tracker for `columns` columns, capped at [`MAX_WIDTH`].
    pub fn new(columns: usize) -> Widths {
        Widths { widths: vec![MIN_WIDTH; columns], cap: MAX_WIDTH }
    }

    /// A tracker with another cap.
    pub fn with_cap(columns: usize, cap: usize) -> Widths {
        Widths { widths: vec![MIN_WIDTH; columns], cap }
    }

    /// Records a text written to column `col`.
    pub fn see(&mut self, col: usize, text: &str) {
        if let Some(w) = self.widths.get_mut(col) {
            *w = (*w).max(text_width(text) + 2);
        }
    }

    /// The width of a column, capped.
    pub fn width(&self, col: usize) -> usize {
        self.widths.get(col).copied().unwrap_or(MIN_WIDTH).min(self.cap)
    }

    /// Sets every tracked column's width on `ws`.
    pub fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for col in 0..self.widths.len() {
            ws.set_column_width(col as u16, self.width(col) as f64)?;
        }
        Ok(())
    }
}

/// The Chinese description of a value kind.
pub fn kind_zh(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "文本",
        Kind::Code => "编码（按文本填写，勿存成数字）",
        Kind::CreditCode => "18位统一社会信用代码",
        Kind::DivisionCode => "12位统计用区划代码（6位或9位会右补0）",
        Kind::ItemType => "事项类型，从下拉列表选择",
        Kind::Level => "行使层级，从下拉列表选择",
        Kind::AgencyNature => "实施主体性质，从下拉列表选择",
        Kind::ServiceObjects => "服务对象，可多个，用“、”分隔",
        Kind::Materials => "申请材料：编号列表，如“1.身份证（原件1份）”，每条一行；也可在“申请材料”工作表逐条填写",
        Kind::Limit => "办结时限，如“20个工作日”“5日”“即办”",
        Kind::Bool => "是/否",
        Kind::Instant => "即办件/承诺件",
        Kind::Visits => "到办事现场次数，非负整数",
        Kind::OnlineDepth => "网上办理深度 0–4（0 不能网办，4 全程网办）",
        Kind::Url => "网址，以 http:// 或 https:// 开头",
        Kind::CrossArea => "通办范围，从下拉列表选择",
        Kind::SpecialProcedures => "特别程序，可多个，用“、”分隔",
    }
}

/// The key name of a kind, for header notes.
pub fn kind_key(kind: Kind) -> String {
    format!("{kind:?}")
}

/// When a field must be filled, in Chinese.
pub fn required_zh(r: Required) -> &'static str {
    match r {
        Required::No => "选填",
        Required::Always => "必填",
        Required::Implementation => "实施清单必填",
        Required::WhenFee => "收费时必填",
    }
}

/// The element group, in Chinese.
pub fn group_zh(g: Group) -> &'static str {
    match g {
        Group::Basic => "基本要素",
        Group::General => "一般要素",
        Group::Convenience => "便利化要素",
    }
}

/// The closed set of values a single-valued field takes (dropdown choices), if it has one.
pub fn choices(f: Field) -> Option<Vec<&'static str>> {
    Some(match f.kind() {
        Kind::ItemType => ItemType::ALL.iter().map(|v| v.as_str()).collect(),
        Kind::Level => Level::ALL.iter().map(|v| v.as_str()).collect(),
        Kind::AgencyNature => AgencyNature::ALL.iter().map(|v| v.as_str()).collect(),
        Kind::CrossArea => CrossArea::ALL.iter().map(|v| v.as_str()).collect(),
        Kind::Bool => vec!["是", "否"],
        Kind::Instant => vec!["即办件", "承诺件"],
        _ => return None,
    })
}

/// The allowed words of a multi-valued field (shown in hints, not as a dropdown).
pub fn multi_choices(f: Field) -> Option<Vec<&'static str>> {
    Some(match f.kind() {
        Kind::ServiceObjects => ServiceObject::ALL.iter().map(|v| v.as_str()).collect(),
        Kind::SpecialProcedures => SpecialProcedure::ALL.iter().map(|v| v.as_str()).collect(),
        _ => return None,
    })
}

/// Dropdown choices of a material column, by its header.
pub fn material_choices(label: &str) -> Option<Vec<&'static str>> {
    Some(match label {
        "来源渠道" => MaterialSource::ALL.iter().map(|v| v.as_str()).collect(),
        "材料形式" => MaterialForm::ALL.iter().map(|v| v.as_str()).collect(),
        "是否必要" | "可用电子证照" => vec!["是", "否"],
        _ => return None,
    })
}

/// A field's definition for people: label, key, kind, requirement and allowed values.
pub fn field_definition(f: Field) -> String {
    let mut s = format!(
        "{}（{}）\n类型：{}（{}）\n{}：{}",
        f.label(),
        f.key(),
        kind_zh(f.kind()),
        kind_key(f.kind()),
        group_zh(f.group()),
        required_zh(f.required())
    );
    if let Some(c) = choices(f).or_else(|| multi_choices(f)) {
        s.push_str("\n可选值：");
        s.push_str(&c.join("、"));
    }
    s
}

/// Cuts a text to at most `max` UTF-16 units (Excel's limits on hints and titles).
pub fn clip_utf16(s: &str, max: usize) -> String {
    let mut n = 0;
    let mut out = String::new();
    for c in s.chars() {
        n += c.len_utf16();
        if n > max {
            break;
        }
        out.push(c);
    }
    out
}

/// A header-cell note with the field's definition.
pub fn field_note(f: Field) -> Note {
    Note::new(field_definition(f)).set_author("qingdan").add_author_prefix(false).set_width(300).set_height(140)
}

/// The bold, shaded, bordered, wrapped format of header rows.
pub fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
}

/// The format of cells holding several lines.
pub fn wrap_format() -> Format {
    Format::new().set_text_wrap().set_align(FormatAlign::Top)
}

/// Hidden sheet ranges backing dropdown lists too long to write inline.
#[derive(Debug, Default)]
pub struct ListSheet {
    columns: Vec<Vec<String>>,
}

/// The name of the hidden sheet holding long dropdown lists.
pub const LIST_SHEET: &str = "下拉选项";

impl ListSheet {
    /// A validation allowing one of `values`: inline when short enough, else a reference to a
    /// column of the hidden [`LIST_SHEET`] (written later by [`ListSheet::write`]).
    pub fn list(&mut self, values: &[&str]) -> Result<DataValidation, XlsxError> {
        let inline: usize =
            values.iter().map(|v| v.encode_utf16().count() + v.matches('"').count()).sum::<usize>() + values.len().saturating_sub(1);
        if inline <= INLINE_LIST_LIMIT {
            return DataValidation::new().allow_list_strings(values);
        }
        let col = self.columns.len() as u32;
        self.columns.push(values.iter().map(|s| s.to_string()).collect());
        let letters = crate::model::provenance::column_letters(col);
        let range = format!("='{LIST_SHEET}'!${letters}$1:${letters}${}", values.len());
        Ok(DataValidation::new().allow_list_formula(range.as_str().into()))
    }

    /// Whether any list needed the hidden sheet.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Adds the hidden sheet with the long lists (nothing when none was needed).
    pub fn write(&self, wb: &mut Workbook) -> Result<(), XlsxError> {
        if self.columns.is_empty() {
            return Ok(());
        }
        let ws = wb.add_worksheet();
        ws.set_name(LIST_SHEET)?;
        for (c, values) in self.columns.iter().enumerate() {
            for (r, v) in values.iter().enumerate() {
                ws.write_string(r as u32, c as u16, v)?;
            }
        }
        ws.set_hidden(true);
        Ok(())
    }
}

/// Turns a workbook error into a message for people in `lang` (use as `.map_err(xlsx_error(lang))`).
pub fn xlsx_error(lang: crate::i18n::Lang) -> impl Fn(XlsxError) -> String {
    move |e| crate::i18n::Failure::Workbook { detail: e.to_string() }.render(lang)
}

/// The number rule of a count field (网上办理深度 0..4, 到办事现场次数 ≥ 0), if it has one.
pub fn number_rule(f: Field) -> Result<Option<DataValidation>, XlsxError> {
    use rust_xlsxwriter::{DataValidationErrorStyle, DataValidationRule};
    Ok(Some(match f.kind() {
        Kind::OnlineDepth => DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(0, 4))
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_message("网上办理深度应为0至4的整数")?,
        Kind::Visits => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_message("到办事现场次数应为非负整数")?,
        _ => return Ok(None),
    }))
}

/// Adds the input hint of a field: its label as title, its definition as message.
pub fn with_hint(dv: DataValidation, f: Field) -> Result<DataValidation, XlsxError> {
    dv.set_input_title(clip_utf16(f.label(), 32))?.set_input_message(clip_utf16(&field_definition(f), 255))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_cjk_double() {
        assert_eq!(text_width("abc"), 3);
        assert_eq!(text_width("事项名称"), 8);
        assert_eq!(text_width("ab\n事项名称x"), 9);
        assert_eq!(wrapped_lines("事项名称", 4), 2);
        assert_eq!(wrapped_lines("a\nb", 10), 2);
        let mut w = Widths::new(2);
        w.see(0, &"长".repeat(100));
        assert_eq!(w.width(0), MAX_WIDTH);
        assert_eq!(w.width(1), MIN_WIDTH);
    }

    #[test]
    fn long_lists_go_to_hidden_sheet() {
        let mut l = ListSheet::default();
        l.list(&["是", "否"]).unwrap();
        assert!(l.is_empty());
        let long: Vec<String> = (0..100).map(|i| format!("选项{i}")).collect();
        let refs: Vec<&str> = long.iter().map(String::as_str).collect();
        l.list(&refs).unwrap();
        assert!(!l.is_empty());
        let mut wb = Workbook::new();
        wb.add_worksheet().add_data_validation(0, 0, 10, 0, &l.list(&refs).unwrap()).unwrap();
        l.write(&mut wb).unwrap();
        assert!(wb.save_to_buffer().is_ok());
    }

    #[test]
    fn every_enum_field_has_choices_and_fits_inline() {
        for f in Field::ALL {
            if matches!(f.kind(), Kind::Bool | Kind::Instant | Kind::ItemType | Kind::Level | Kind::AgencyNature | Kind::CrossArea) {
                let c = choices(*f).unwrap();
                assert!(c.join(",").encode_utf16().count() <= INLINE_LIST_LIMIT);
            }
            assert!(field_definition(*f).encode_utf16().count() <= 255, "{}", f.key());
        }
    }
}
