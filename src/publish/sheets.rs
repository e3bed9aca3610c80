//! The sheets of the publication workbook (`qingdan export`): per-level item lists, 申请材料,
//! 办事指南, 统计 (with a column chart) and 问题.

use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

use super::{Widths, field_note, header_format, wrap_format, wrapped_lines};
use crate::commands::export::Indicators;
use crate::finding::Finding;
use crate::i18n::{Lang, word};
use crate::model::field::{Field, Kind, MaterialField};
use crate::model::item::Item;

/// Writes a header row, tracking widths.
fn write_header(ws: &mut Worksheet, headers: &[&str], widths: &mut Widths) -> Result<(), XlsxError> {
    let fmt = header_format();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &fmt)?;
        widths.see(c, h);
    }
    Ok(())
}

/// Writes one text cell as a string (never a formula), wrapped when it has several lines.
fn write_text(ws: &mut Worksheet, row: u32, col: u16, text: &str, wrap: &Format) -> Result<(), XlsxError> {
    if text.contains('\n') {
        ws.write_string_with_format(row, col, text, wrap)?;
    } else {
        ws.write_string(row, col, text)?;
    }
    Ok(())
}

/// Finishes a list sheet: frozen header (and first column), autofilter, widths.
fn finish_list(ws: &mut Worksheet, rows: u32, columns: usize, widths: &Widths, freeze_col: u16) -> Result<(), XlsxError> {
    ws.set_freeze_panes(1, freeze_col)?;
    ws.autofilter(0, 0, rows.max(1), columns.saturating_sub(1) as u16)?;
    widths.apply(ws)
}

/// An item sheet: canonical headers in [`Field::ALL`] order with notes, one row per item.
/// Numeric kinds (到现场次数, 网上办理深度) are written as numbers, everything else as strings.
pub fn items_sheet(ws: &mut Worksheet, name: &str, items: &[&Item]) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let headers: Vec<&str> = Field::ALL.iter().map(|f| f.label()).collect();
    let mut widths = Widths::new(headers.len());
    write_header(ws, &headers, &mut widths)?;
    for (c, f) in Field::ALL.iter().enumerate() {
        ws.insert_note(0, c as u16, &field_note(*f))?;
    }
    let wrap = wrap_format();
    for (r, item) in items.iter().enumerate() {
        let row = r as u32 + 1;
        for (c, f) in Field::ALL.iter().enumerate() {
            let Some(v) = item.display(*f) else { continue };
            let number = match f.kind() {
                Kind::Visits | Kind::OnlineDepth => v.parse::<f64>().ok(),
                _ => None,
            };
            match number {
                Some(n) => {
                    ws.write_number(row, c as u16, n)?;
                }
                None => write_text(ws, row, c as u16, &v, &wrap)?,
            }
            widths.see(c, &v);
        }
    }
    finish_list(ws, items.len() as u32, headers.len(), &widths, 1)
}

/// The 申请材料 sheet: one row per material (实施编码, 事项名称, then the material fields).
pub fn materials_sheet(ws: &mut Worksheet, items: &[&Item]) -> Result<(), XlsxError> {
    ws.set_name("申请材料")?;
    let mut headers = vec![Field::ImplCode.label(), Field::Name.label()];
    headers.extend(MaterialField::ALL.iter().map(|m| m.label()));
    let mut widths = Widths::new(headers.len());
    write_header(ws, &headers, &mut widths)?;
    let yes_no = |b: bool| if b { "是" } else { "否" };
    let mut row = 0u32;
    for item in items {
        for m in item.materials.iter().flatten() {
            row += 1;
            let mut cells: Vec<Option<String>> = vec![item.impl_code.clone(), item.name.clone()];
            for f in MaterialField::ALL {
                cells.push(match f {
                    MaterialField::Name => Some(m.name.clone()),
                    MaterialField::Source => m.source.map(|s| s.as_str().to_string()),
                    MaterialField::Original | MaterialField::Copies => None,
                    MaterialField::Form => m.form.map(|s| s.as_str().to_string()),
                    MaterialField::Required => Some(yes_no(m.required).to_string()),
                    MaterialField::ELicense => m.e_license.map(|b| yes_no(b).to_string()),
                });
            }
            for (c, v) in cells.iter().enumerate() {
                if let Some(v) = v {
                    ws.write_string(row, c as u16, v)?;
                    widths.see(c, v);
                }
            }
            let count_col = |f: MaterialField| 2 + MaterialField::ALL.iter().position(|x| *x == f).unwrap_or(0) as u16;
            if let Some(n) = m.original {
                ws.write_number(row, count_col(MaterialField::Original), n as f64)?;
            }
            if let Some(n) = m.copies {
                ws.write_number(row, count_col(MaterialField::Copies), n as f64)?;
            }
        }
    }
    finish_list(ws, row, headers.len(), &widths, 2)
}

/// Width of the 办事指南 value column, in character units.
const GUIDE_VALUE_WIDTH: usize = 100;
/// Width of the 办事指南 label column.
const GUIDE_LABEL_WIDTH: usize = 24;
/// Points per text line.
const LINE_HEIGHT: f64 = 15.0;

/// The 办事指南 sheet: per item a title row and one label/value row per element it has,
/// wrapped, with row heights fitted to the text; printed A4 landscape, one page wide, with the
/// header row repeated on every page.
pub fn guide_sheet(ws: &mut Worksheet, items: &[&Item]) -> Result<(), XlsxError> {
    ws.set_name("办事指南")?;
    let head = header_format();
    let title = Format::new()
        .set_bold()
        .set_font_size(13)
        .set_background_color(rust_xlsxwriter::Color::RGB(0xFFF2CC))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let label = Format::new()
        .set_bold()
        .set_background_color(rust_xlsxwriter::Color::RGB(0xF2F2F2))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let value = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    ws.write_string_with_format(0, 0, "要素", &head)?;
    ws.write_string_with_format(0, 1, "内容", &head)?;
    ws.set_column_width(0, GUIDE_LABEL_WIDTH as f64)?;
    ws.set_column_width(1, GUIDE_VALUE_WIDTH as f64)?;
    let mut row = 1u32;
    let mut breaks = Vec::new();
    for item in items {
        if row > 1 {
            breaks.push(row);
        }
        // Title row: name and impl_code side by side (no merged cells: merges cost quadratic time
        // in the writer for large catalogs).
        let name = item.name.clone().unwrap_or_else(|| format!("第{}行事项", item.provenance.row));
        let code = item.impl_code.clone().or_else(|| item.basic_code.clone()).unwrap_or_default();
        ws.write_string_with_format(row, 0, &name, &title)?;
        ws.write_string_with_format(row, 1, &code, &title)?;
        let lines = wrapped_lines(&name, GUIDE_LABEL_WIDTH - 2).max(wrapped_lines(&code, GUIDE_VALUE_WIDTH - 2));
        ws.set_row_height(row, (lines as f64 * 18.0).clamp(20.0, 409.0))?;
        row += 1;
        for f in Field::ALL {
            let Some(v) = item.display(*f) else { continue };
            ws.write_string_with_format(row, 0, f.label(), &label)?;
            ws.write_string_with_format(row, 1, &v, &value)?;
            let lines = wrapped_lines(&v, GUIDE_VALUE_WIDTH - 2).max(wrapped_lines(f.label(), GUIDE_LABEL_WIDTH - 2));
            if lines > 1 {
                ws.set_row_height(row, (lines as f64 * LINE_HEIGHT).min(409.0))?;
            }
            row += 1;
        }
        row += 1;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    breaks.truncate(1023);
    if !breaks.is_empty() {
        ws.set_page_breaks(&breaks)?;
    }
    Ok(())
}

/// The 统计 sheet: per-jurisdiction counts and rates, a 合计 row, and a column chart of the rates.
pub fn stats_sheet(ws: &mut Worksheet, rows: &[Indicators], total: &Indicators) -> Result<(), XlsxError> {
    const NAME: &str = "统计";
    ws.set_name(NAME)?;
    let headers = [
        "行政区划代码",
        "行政区划",
        "层级",
        "事项数",
        "进驻大厅数",
        "一窗受理数",
        "一窗受理率",
        "全程网办数",
        "全程网办率",
        "网上可办数",
        "网上可办率",
        "即办件数",
        "即办率",
        "零跑腿数",
        "零跑腿率",
    ];
    let mut widths = Widths::new(headers.len());
    write_header(ws, &headers, &mut widths)?;
    let pct = Format::new().set_num_format("0.0%");
    let bold = Format::new().set_bold();
    let bold_pct = Format::new().set_bold().set_num_format("0.0%");
    let all = rows.iter().chain(std::iter::once(total));
    for (r, s) in all.enumerate() {
        let row = r as u32 + 1;
        let is_total = r == rows.len();
        let (tf, pf) = if is_total { (Some(&bold), &bold_pct) } else { (None, &pct) };
        let texts = [s.code.as_str(), s.name.as_str(), s.level.as_str()];
        for (c, t) in texts.iter().enumerate() {
            match tf {
                Some(f) => ws.write_string_with_format(row, c as u16, *t, f)?,
                None => ws.write_string(row, c as u16, *t)?,
            };
            widths.see(c, t);
        }
        let counts = [
            (3, s.items, None),
            (4, s.in_hall, None),
            (5, s.one_window, Some(s.one_window_rate())),
            (7, s.online_full, Some(s.online_full_rate())),
            (9, s.online_able, Some(s.online_able_rate())),
            (11, s.instant, Some(s.instant_rate())),
            (13, s.zero_visits, Some(s.zero_visits_rate())),
        ];
        for (c, n, rate) in counts {
            ws.write_number(row, c, n as f64)?;
            if let Some(Some(rate)) = rate {
                ws.write_number_with_format(row, c + 1, rate, pf)?;
            }
        }
    }
    let last = rows.len() as u32 + 1;
    ws.set_freeze_panes(1, 2)?;
    ws.autofilter(0, 0, rows.len().max(1) as u32, headers.len() as u16 - 1)?;
    widths.apply(ws)?;
    if !rows.is_empty() {
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name("便利化指标（按行政区划）");
        for col in [6u16, 8, 10, 12, 14] {
            chart.add_series().set_name((NAME, 0, col)).set_categories((NAME, 1, 1, rows.len() as u32, 1)).set_values((
                NAME,
                1,
                col,
                rows.len() as u32,
                col,
            ));
        }
        chart.y_axis().set_num_format("0%").set_min(0).set_max(1);
        chart.set_width((480 + rows.len() as u32 * 60).min(2000));
        chart.set_height(360);
        ws.insert_chart(last + 2, 0, &chart)?;
    }
    Ok(())
}

/// The 问题 sheet: every finding of `check` (rule, severity, file, cell, field, item, message, value).
pub fn findings_sheet(ws: &mut Worksheet, findings: &[Finding], lang: Lang) -> Result<(), XlsxError> {
    ws.set_name("问题")?;
    let headers = ["规则", "级别", "文件", "单元格", "字段", "事项", "行政区划代码", "问题说明", "原值"];
    let mut widths = Widths::new(headers.len());
    write_header(ws, &headers, &mut widths)?;
    let wrap = wrap_format();
    for (r, f) in findings.iter().enumerate() {
        let row = r as u32 + 1;
        let cells = [
            f.rule.to_string(),
            word(lang, f.severity.as_str()).to_string(),
            f.location.file.as_deref().unwrap_or("").to_string(),
            f.location.cell_ref(),
            f.field.map(|x| x.label_in(lang).to_string()).unwrap_or_default(),
            f.item.clone().unwrap_or_default(),
            f.jurisdiction.clone().unwrap_or_default(),
            f.message.render(lang),
            f.value.clone().unwrap_or_default(),
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                write_text(ws, row, c as u16, v, &wrap)?;
                widths.see(c, v);
            }
        }
    }
    finish_list(ws, findings.len() as u32, headers.len(), &widths, 0)
}
