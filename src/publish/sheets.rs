//! The sheets of the publication workbook (`qingdan export`): per-level item lists, 申请材料,
//! 办事指南, 统计 (with a column chart) and 问题.
//!
//! The big sheets are written in rust_xlsxwriter's constant-memory mode: every row is flushed to
//! a temporary file as soon as a later row is written, so rows (and their heights and formats)
//! are written strictly in order, and a sheet that would pass Excel's row limit continues on a
//! numbered sheet (`县级事项目录 (2)`, `办事指南 (2)` …). Notes, column widths, freeze panes,
//! autofilters and page breaks are kept outside the row data and may be set at any time.

use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{Widths, field_note, header_format, wrap_format, wrapped_lines};
use crate::finding::Finding;
use crate::i18n::{Lang, word};
use crate::model::field::{Field, Kind, MaterialField};
use crate::model::item::Item;
use crate::stats::jurisdictions::Indicators;

/// Excel's limit on the rows of a worksheet.
pub const EXCEL_MAX_ROWS: u32 = 1_048_576;
/// Excel's limit on the manual page breaks of a worksheet.
pub const MAX_PAGE_BREAKS: usize = 1023;

/// The name of part `part` (1-based) of a sheet split over several: `name`, `name (2)`, …
pub fn part_name(name: &str, part: usize) -> String {
    if part <= 1 { name.to_string() } else { format!("{name} ({part})") }
}

/// How the parts of a (possibly split) sheet begin and end.
trait Layout {
    /// Writes the header rows of a new part; returns the first data row.
    fn start(&mut self, ws: &mut Worksheet) -> Result<u32, XlsxError>;
    /// Finishes a part whose last data row is `last` (0 when it has none).
    fn finish(&mut self, ws: &mut Worksheet, last: u32) -> Result<(), XlsxError>;
}

/// A constant-memory sheet that continues on a new numbered sheet when the next block of rows
/// would not fit within `limit` rows; finished parts are pushed into the workbook in order.
struct Parts<'a, L: Layout> {
    wb: &'a mut Workbook,
    name: &'a str,
    limit: u32,
    part: usize,
    ws: Worksheet,
    /// The first data row of every part.
    first: u32,
    /// The next free row of the current part.
    row: u32,
    layout: L,
}

impl<'a, L: Layout> Parts<'a, L> {
    fn new(wb: &'a mut Workbook, name: &'a str, limit: u32, mut layout: L) -> Result<Self, XlsxError> {
        let mut ws = wb.new_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        let first = layout.start(&mut ws)?;
        Ok(Parts { wb, name, limit, part: 1, ws, first, row: first, layout })
    }

    /// Reserves `n` consecutive rows and returns the first; opens the next part when the current
    /// one already has data and cannot hold them.
    fn reserve(&mut self, n: u32) -> Result<u32, XlsxError> {
        if self.row > self.first && u64::from(self.row) + u64::from(n) > u64::from(self.limit) {
            self.part += 1;
            let mut next = self.wb.new_worksheet_with_constant_memory()?;
            next.set_name(part_name(self.name, self.part))?;
            let done = std::mem::replace(&mut self.ws, next);
            self.push(done)?;
            self.first = self.layout.start(&mut self.ws)?;
            self.row = self.first;
        }
        let at = self.row;
        self.row += n;
        Ok(at)
    }

    fn push(&mut self, mut ws: Worksheet) -> Result<(), XlsxError> {
        let last = if self.row > self.first { self.row - 1 } else { 0 };
        self.layout.finish(&mut ws, last)?;
        self.wb.push_worksheet(ws);
        Ok(())
    }

    /// Finishes the last part and pushes it.
    fn end(mut self) -> Result<(), XlsxError> {
        let ws = std::mem::replace(&mut self.ws, Worksheet::new());
        self.push(ws)
    }
}

/// A list sheet: one header row (with notes when `notes`), frozen header (and first columns),
/// autofilter, widths fitted to the text.
struct List {
    headers: Vec<&'static str>,
    notes: bool,
    freeze_col: u16,
    widths: Widths,
    head: Format,
}

impl List {
    fn new(headers: Vec<&'static str>, notes: bool, freeze_col: u16) -> List {
        let mut widths = Widths::new(headers.len());
        for (c, h) in headers.iter().enumerate() {
            widths.see(c, h);
        }
        List { headers, notes, freeze_col, widths, head: header_format() }
    }
}

impl Layout for List {
    fn start(&mut self, ws: &mut Worksheet) -> Result<u32, XlsxError> {
        for (c, h) in self.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &self.head)?;
        }
        if self.notes {
            for (c, f) in Field::ALL.iter().enumerate() {
                ws.insert_note(0, c as u16, &field_note(*f))?;
            }
        }
        Ok(1)
    }

    fn finish(&mut self, ws: &mut Worksheet, last: u32) -> Result<(), XlsxError> {
        ws.set_freeze_panes(1, self.freeze_col)?;
        ws.autofilter(0, 0, last.max(1), self.headers.len().saturating_sub(1) as u16)?;
        self.widths.apply(ws)
    }
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

/// An item sheet (split into numbered parts past `limit` rows): canonical headers in
/// [`Field::ALL`] order with notes, one row per item, in the given order. Numeric kinds
/// (到现场次数, 网上办理深度) are written as numbers, everything else as strings.
pub fn items_sheet<'i>(wb: &mut Workbook, name: &str, items: impl IntoIterator<Item = &'i Item>, limit: u32) -> Result<(), XlsxError> {
    let headers: Vec<&str> = Field::ALL.iter().map(|f| f.label()).collect();
    let mut parts = Parts::new(wb, name, limit, List::new(headers, true, 1))?;
    let wrap = wrap_format();
    for item in items {
        let row = parts.reserve(1)?;
        for (c, f) in Field::ALL.iter().enumerate() {
            let Some(v) = item.display(*f) else { continue };
            let number = match f.kind() {
                Kind::Visits | Kind::OnlineDepth => v.parse::<f64>().ok(),
                _ => None,
            };
            match number {
                Some(n) => {
                    parts.ws.write_number(row, c as u16, n)?;
                }
                None => write_text(&mut parts.ws, row, c as u16, &v, &wrap)?,
            }
            parts.layout.widths.see(c, &v);
        }
    }
    parts.end()
}

/// The 申请材料 sheet (split past `limit` rows): one row per material (实施编码, 事项名称, then
/// the material fields).
pub fn materials_sheet(wb: &mut Workbook, items: &[&Item], limit: u32) -> Result<(), XlsxError> {
    let mut headers = vec![Field::ImplCode.label(), Field::Name.label()];
    headers.extend(MaterialField::ALL.iter().map(|m| m.label()));
    let mut parts = Parts::new(wb, "申请材料", limit, List::new(headers, false, 2))?;
    let yes_no = |b: bool| if b { "是" } else { "否" };
    for item in items {
        for m in item.materials.iter().flatten() {
            let row = parts.reserve(1)?;
            let ws = &mut parts.ws;
            let widths = &mut parts.layout.widths;
            let mut text = |c: usize, v: Option<&str>| -> Result<(), XlsxError> {
                if let Some(v) = v {
                    ws.write_string(row, c as u16, v)?;
                    widths.see(c, v);
                }
                Ok(())
            };
            text(0, item.impl_code.as_deref())?;
            text(1, item.name.as_deref())?;
            let mut counts: [Option<(usize, u32)>; 2] = [None; 2];
            for (i, f) in MaterialField::ALL.iter().enumerate() {
                let c = 2 + i;
                match f {
                    MaterialField::Name => text(c, Some(&m.name))?,
                    MaterialField::Source => text(c, m.source.map(|s| s.as_str()))?,
                    MaterialField::Original => counts[0] = m.original.map(|n| (c, n)),
                    MaterialField::Copies => counts[1] = m.copies.map(|n| (c, n)),
                    MaterialField::Form => text(c, m.form.map(|s| s.as_str()))?,
                    MaterialField::Required => text(c, Some(yes_no(m.required)))?,
                    MaterialField::ELicense => text(c, m.e_license.map(yes_no))?,
                }
            }
            for (c, n) in counts.into_iter().flatten() {
                parts.ws.write_number(row, c as u16, n as f64)?;
            }
        }
    }
    parts.end()
}

/// Width of the 办事指南 value column, in character units.
const GUIDE_VALUE_WIDTH: usize = 100;
/// Width of the 办事指南 label column.
const GUIDE_LABEL_WIDTH: usize = 24;
/// Points per text line.
const LINE_HEIGHT: f64 = 15.0;

/// The parts of the 办事指南 sheet: header row, column widths, print setup, and the page breaks
/// collected while writing.
struct Guide {
    head: Format,
    breaks: Vec<u32>,
}

impl Layout for Guide {
    fn start(&mut self, ws: &mut Worksheet) -> Result<u32, XlsxError> {
        ws.write_string_with_format(0, 0, "要素", &self.head)?;
        ws.write_string_with_format(0, 1, "内容", &self.head)?;
        ws.set_column_width(0, GUIDE_LABEL_WIDTH as f64)?;
        ws.set_column_width(1, GUIDE_VALUE_WIDTH as f64)?;
        ws.set_freeze_panes(1, 0)?;
        ws.set_landscape();
        ws.set_paper_size(9);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(0, 0)?;
        self.breaks.clear();
        Ok(1)
    }

    fn finish(&mut self, ws: &mut Worksheet, _last: u32) -> Result<(), XlsxError> {
        if !self.breaks.is_empty() {
            ws.set_page_breaks(&self.breaks)?;
        }
        Ok(())
    }
}

/// The 办事指南 sheet: per item a title row and one label/value row per element it has,
/// wrapped, with row heights fitted to the text, and a blank row; printed A4 landscape, one page
/// wide, with the header row repeated on every page.
///
/// An item's block is never split: when it would pass `limit` rows the guide continues on
/// `办事指南 (2)` and so on. Each item starts on a new printed page through a manual page break,
/// but Excel allows at most [`MAX_PAGE_BREAKS`] (1023) per sheet: past that, the items of the
/// same sheet get no further breaks and simply follow on (the sheet still prints one page wide).
/// Splitting sheets at 1024 items instead would turn a large catalog into dozens of sheets.
pub fn guide_sheet(wb: &mut Workbook, items: &[&Item], limit: u32) -> Result<(), XlsxError> {
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
    let mut parts = Parts::new(wb, "办事指南", limit, Guide { head: header_format(), breaks: Vec::new() })?;
    let mut values: Vec<(Field, String)> = Vec::with_capacity(Field::ALL.len());
    for item in items {
        values.clear();
        values.extend(Field::ALL.iter().filter_map(|f| item.display(*f).map(|v| (*f, v))));
        // Title row, one row per element, one blank row.
        let mut row = parts.reserve(values.len() as u32 + 2)?;
        if row > parts.first && parts.layout.breaks.len() < MAX_PAGE_BREAKS {
            parts.layout.breaks.push(row);
        }
        let ws = &mut parts.ws;
        // Title row: name and impl_code side by side (no merged cells: merges cost quadratic time
        // in the writer for large catalogs).
        let fallback;
        let name = match &item.name {
            Some(n) => n.as_str(),
            None => {
                fallback = format!("第{}行事项", item.provenance.row);
                fallback.as_str()
            }
        };
        let code = item.impl_code.as_deref().or(item.basic_code.as_deref()).unwrap_or_default();
        let lines = wrapped_lines(name, GUIDE_LABEL_WIDTH - 2).max(wrapped_lines(code, GUIDE_VALUE_WIDTH - 2));
        ws.set_row_height(row, (lines as f64 * 18.0).clamp(20.0, 409.0))?;
        ws.write_string_with_format(row, 0, name, &title)?;
        ws.write_string_with_format(row, 1, code, &title)?;
        row += 1;
        for (f, v) in &values {
            let lines = wrapped_lines(v, GUIDE_VALUE_WIDTH - 2).max(wrapped_lines(f.label(), GUIDE_LABEL_WIDTH - 2));
            if lines > 1 {
                ws.set_row_height(row, (lines as f64 * LINE_HEIGHT).min(409.0))?;
            }
            ws.write_string_with_format(row, 0, f.label(), &label)?;
            ws.write_string_with_format(row, 1, v, &value)?;
            row += 1;
        }
    }
    parts.end()
}

/// Writes a header row, tracking widths.
fn write_header(ws: &mut Worksheet, headers: &[&str], widths: &mut Widths) -> Result<(), XlsxError> {
    let fmt = header_format();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &fmt)?;
        widths.see(c, h);
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

/// The 问题 sheet (split past `limit` rows): every finding of `check` (rule, severity, file,
/// cell, field, item, message, value).
pub fn findings_sheet(wb: &mut Workbook, findings: &[Finding], lang: Lang, limit: u32) -> Result<(), XlsxError> {
    let headers = vec!["规则", "级别", "文件", "单元格", "字段", "事项", "行政区划代码", "问题说明", "原值"];
    let mut parts = Parts::new(wb, "问题", limit, List::new(headers, false, 0))?;
    let wrap = wrap_format();
    for f in findings {
        let row = parts.reserve(1)?;
        let rule = f.rule.to_string();
        let cell = f.location.cell_in(lang);
        let message = f.message.render(lang);
        let cells: [&str; 9] = [
            &rule,
            word(lang, f.severity.as_str()),
            f.location.file.as_deref().unwrap_or(""),
            &cell,
            f.field.map(|x| x.label_in(lang)).unwrap_or(""),
            f.item.as_deref().unwrap_or(""),
            f.jurisdiction.as_deref().unwrap_or(""),
            &message,
            f.value.as_deref().unwrap_or(""),
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                write_text(&mut parts.ws, row, c as u16, v, &wrap)?;
                parts.layout.widths.see(c, v);
            }
        }
    }
    parts.end()
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use calamine::{Reader, Xlsx};

    use super::*;

    fn item(i: usize) -> Item {
        Item {
            name: Some(format!("事项{i}")),
            impl_code: Some(format!("{i:04}")),
            department: Some("市场监督管理局".into()),
            ..Default::default()
        }
    }

    fn save(wb: &mut Workbook) -> Vec<u8> {
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn part_names_are_numbered_after_the_first() {
        assert_eq!(part_name("办事指南", 1), "办事指南");
        assert_eq!(part_name("办事指南", 2), "办事指南 (2)");
    }

    #[test]
    fn sheets_past_the_row_limit_continue_on_numbered_sheets() {
        let items: Vec<Item> = (0..5).map(item).collect();
        let refs: Vec<&Item> = items.iter().collect();
        let mut wb = Workbook::new();
        // Header plus two items per sheet.
        items_sheet(&mut wb, "县级事项目录", &items, 3).unwrap();
        // Each guide block: title, 3 elements, blank = 5 rows; header plus two blocks per sheet.
        guide_sheet(&mut wb, &refs, 11).unwrap();
        let bytes = save(&mut wb);
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(x.sheet_names(), ["县级事项目录", "县级事项目录 (2)", "县级事项目录 (3)", "办事指南", "办事指南 (2)", "办事指南 (3)"]);
        let name_col = Field::ALL.iter().position(|f| *f == Field::Name).unwrap() as u32;
        let mut names = Vec::new();
        for (s, rows) in [("县级事项目录", 3), ("县级事项目录 (2)", 3), ("县级事项目录 (3)", 2)] {
            let r = x.worksheet_range(s).unwrap();
            assert_eq!(r.height(), rows, "{s}");
            assert_eq!(r.get_value((0, name_col)).map(|d| d.to_string()), Some("事项名称".into()), "{s} has the header");
            names.extend((1..rows as u32).map(|row| r.get_value((row, name_col)).unwrap().to_string()));
        }
        assert_eq!(names, (0..5).map(|i| format!("事项{i}")).collect::<Vec<_>>(), "in order, none lost");
        let g = x.worksheet_range("办事指南 (3)").unwrap();
        assert_eq!(g.get_value((0, 0)).map(|d| d.to_string()), Some("要素".into()));
        assert_eq!(g.get_value((1, 0)).map(|d| d.to_string()), Some("事项4".into()));
    }

    #[test]
    fn page_breaks_stop_at_excels_limit() {
        let items: Vec<Item> = (0..MAX_PAGE_BREAKS + 10).map(item).collect();
        let refs: Vec<&Item> = items.iter().collect();
        let mut wb = Workbook::new();
        guide_sheet(&mut wb, &refs, EXCEL_MAX_ROWS).unwrap();
        let bytes = save(&mut wb);
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
        assert_eq!(xml.matches("<brk ").count(), MAX_PAGE_BREAKS);
    }
}
