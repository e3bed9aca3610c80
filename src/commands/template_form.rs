//! `qingdan template --layout form`: a blank 办事指南 form workbook. Labels run down column A
//! (every field of the dictionary, grouped 基本要素 / 一般要素 / 便利化要素), values sit in cells
//! merged across B:D with the same dropdowns as the table template, 申请材料 is a sub-table and
//! 办结时限 a two-row 法定 / 承诺 block. The layout is exactly what the form reader reads back;
//! [`write_form`] also writes filled forms (tests, examples).

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::i18n::{Failure, Lang};
use crate::model::field::{Field, Group, MaterialField};
use crate::publish::{choices, group_zh, material_choices, xlsx_error};

/// The name of the form sheet.
pub const FORM_SHEET: &str = "办事指南";

/// Blank material rows under the 申请材料 sub-table header.
pub const MATERIAL_ROWS: usize = 8;

/// The last 0-based column of the form (the 申请材料 sub-table spans B:H).
const LAST_COL: u16 = 7;

/// Runs `template --layout form`; returns the exit status.
pub fn run(args: &crate::cli::TemplateArgs, lang: Lang) -> Result<i32, String> {
    if args.output.extension().and_then(|e| e.to_str()).is_none_or(|e| !e.eq_ignore_ascii_case("xlsx")) {
        return Err(Failure::OutputNotXlsx { path: args.output.display().to_string() }.render(lang));
    }
    let mut wb = Workbook::new();
    crate::publish::marker::mark(&mut wb, crate::publish::marker::Output::Template);
    let ws = wb.add_worksheet();
    ws.set_name(FORM_SHEET).map_err(xlsx_error(lang))?;
    write_form(ws, 0, "政务服务事项办事指南", &|_| None, &[]).map_err(xlsx_error(lang))?;
    let bytes = wb.save_to_buffer().map_err(xlsx_error(lang))?;
    crate::output::write_bytes_atomic(&args.output, &bytes).map_err(|e| e.render(lang))?;
    Ok(crate::EXIT_OK)
}

/// Writes one form starting at 0-based `first_row`: a title row, then every field under its
/// group heading. `value` gives a field's text (`None` leaves the cell blank); `materials` are
/// the sub-table's rows in [`MaterialField::ALL`] order (at least [`MATERIAL_ROWS`] rows are
/// laid out). Returns the first row after the form, so forms can be stacked down one sheet.
pub fn write_form(
    ws: &mut Worksheet,
    first_row: u32,
    title: &str,
    value: &dyn Fn(Field) -> Option<String>,
    materials: &[Vec<String>],
) -> Result<u32, XlsxError> {
    let title_fmt = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center).set_align(FormatAlign::VerticalCenter);
    let group_fmt = Format::new().set_bold().set_background_color(Color::RGB(0xBDD7EE)).set_border(FormatBorder::Thin);
    let label_fmt = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let value_fmt = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 40)?;
    for c in 2..=LAST_COL {
        ws.set_column_width(c, 14)?;
    }
    let mut r = first_row;
    ws.merge_range(r, 0, r, LAST_COL, title, &title_fmt)?;
    ws.set_row_height(r, 28)?;
    r += 1;
    for group in [Group::Basic, Group::General, Group::Convenience] {
        ws.merge_range(r, 0, r, LAST_COL, group_zh(group), &group_fmt)?;
        r += 1;
        for &f in Field::ALL.iter().filter(|f| f.group() == group) {
            match f {
                Field::PromisedLimit => {}
                Field::StatutoryLimit => {
                    ws.merge_range(r, 0, r + 1, 0, "办结时限", &label_fmt)?;
                    for (i, (sub, field)) in [("法定", Field::StatutoryLimit), ("承诺", Field::PromisedLimit)].into_iter().enumerate() {
                        let row = r + i as u32;
                        ws.write_string_with_format(row, 1, sub, &label_fmt)?;
                        ws.merge_range(row, 2, row, 3, &value(field).unwrap_or_default(), &value_fmt)?;
                        ws.add_data_validation(
                            row,
                            2,
                            row,
                            3,
                            &crate::publish::with_hint(DataValidation::new().allow_any_value(), field)?,
                        )?;
                    }
                    r += 2;
                }
                Field::Materials => {
                    let rows = materials.len().max(MATERIAL_ROWS) as u32;
                    ws.merge_range(r, 0, r + rows, 0, f.label(), &label_fmt)?;
                    for (i, m) in MaterialField::ALL.iter().enumerate() {
                        let c = 1 + i as u16;
                        ws.write_string_with_format(r, c, m.label(), &label_fmt)?;
                        let dv = match (material_choices(m.label()), m) {
                            (Some(list), _) => DataValidation::new().allow_list_strings(&list)?,
                            (None, MaterialField::Original | MaterialField::Copies) => DataValidation::new()
                                .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
                                .set_error_style(DataValidationErrorStyle::Warning),
                            _ => DataValidation::new().allow_any_value(),
                        };
                        ws.add_data_validation(r + 1, c, r + rows, c, &dv)?;
                    }
                    for k in 0..rows {
                        let row = r + 1 + k;
                        for c in 1..=MaterialField::ALL.len() as u16 {
                            let text = materials.get(k as usize).and_then(|m| m.get(c as usize - 1)).map_or("", String::as_str);
                            ws.write_string_with_format(row, c, text, &value_fmt)?;
                        }
                    }
                    r += rows + 1;
                }
                _ => {
                    ws.write_string_with_format(r, 0, f.label(), &label_fmt)?;
                    ws.merge_range(r, 1, r, 3, &value(f).unwrap_or_default(), &value_fmt)?;
                    ws.add_data_validation(r, 1, r, 3, &validation(f)?)?;
                    r += 1;
                }
            }
        }
    }
    Ok(r)
}

/// The dropdown or number rule of a value cell, with the field's label as input hint.
fn validation(f: Field) -> Result<DataValidation, XlsxError> {
    let dv = match choices(f) {
        Some(list) => DataValidation::new().allow_list_strings(&list)?,
        None => crate::publish::number_rule(f)?.unwrap_or_else(|| DataValidation::new().allow_any_value()),
    };
    crate::publish::with_hint(dv, f)
}
