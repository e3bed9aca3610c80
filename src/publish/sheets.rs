//! The sheets of the publication workbook (`qingdan export`): per-level item lists, 申请材料,
//! 办事指南, 统计 (with a column chart) and 问题.
//!
//! The big sheets are written in rust_xlsxwriter's constant-memory mode: every row is flushed to
//! a temporary file as soon as a later row is written, so rows (and their heights and formats)
//! are written strictly in order, and a sheet that would pass Excel's row limit continues on a
//! numbered sheet (`县级事项目录 (2)`, `办事指南 (2)` …). Notes, column widths, freeze panes,
//! autofilters and page breaks are kept outside the row data and may be set at any time.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::print::print_setup;
use super::{Widths, field_note, header_format, wrap_format, wrapped_lines};
use crate::finding::{Finding, Severity};
use crate::i18n::{Lang, word};
use crate::model::field::{Field, Kind, MaterialField};
use crate::model::item::Item;
use crate::model::vocab::Level;
use crate::stats::{Group, Indicator, Scope, Stats};

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
    /// The printed title of every part.
    title: &'a str,
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
    fn new(wb: &'a mut Workbook, name: &'a str, title: &'a str, limit: u32, mut layout: L) -> Result<Self, XlsxError> {
        let mut ws = wb.new_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        print_setup(&mut ws, title)?;
        let first = layout.start(&mut ws)?;
        Ok(Parts { wb, name, title, limit, part: 1, ws, first, row: first, layout })
    }

    /// Reserves `n` consecutive rows and returns the first; opens the next part when the current
    /// one already has data and cannot hold them.
    fn reserve(&mut self, n: u32) -> Result<u32, XlsxError> {
        if self.row > self.first && u64::from(self.row) + u64::from(n) > u64::from(self.limit) {
            self.part += 1;
            let mut next = self.wb.new_worksheet_with_constant_memory()?;
            next.set_name(part_name(self.name, self.part))?;
            print_setup(&mut next, self.title)?;
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
        List::with_cap(headers, notes, freeze_col, super::MAX_WIDTH)
    }

    /// A list whose columns are at most `cap` wide.
    fn with_cap(headers: Vec<&'static str>, notes: bool, freeze_col: u16, cap: usize) -> List {
        let mut widths = Widths::with_cap(headers.len(), cap);
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

/// What the item sheets need besides the items: division names for items that carry only a
/// code, and the problems `check` found on each item's row (for the 状态 column).
#[derive(Debug, Default)]
pub struct Annotations {
    names: BTreeMap<String, String>,
    problems: HashMap<RowKey, Vec<(&'static str, Option<Field>)>>,
}

/// A source row: file, sheet, 1-based row.
type RowKey = (Arc<str>, Option<Arc<str>>, u32);

impl Annotations {
    /// Names by division code (config and bundled table) and the findings of the check; infos
    /// are left out of the 状态 column.
    pub fn new(names: BTreeMap<String, String>, findings: &[Finding]) -> Annotations {
        let mut problems: HashMap<_, Vec<(&'static str, Option<Field>)>> = HashMap::new();
        for f in findings.iter().filter(|f| f.severity >= Severity::Warning) {
            let (Some(file), Some(row)) = (&f.location.file, f.location.row) else { continue };
            let e = problems.entry((file.clone(), f.location.sheet.clone(), row)).or_default();
            if !e.contains(&(f.rule, f.field)) {
                e.push((f.rule, f.field));
            }
        }
        Annotations { names, problems }
    }

    /// The division name of an item: its own 行政区划, else the name of its code.
    pub fn division_name(&self, item: &Item) -> Option<String> {
        item.division_name.clone().or_else(|| self.names.get(item.division_code.as_deref()?).cloned())
    }

    /// The 状态 text of an item: `有问题：QD010 法定办结时限；QD104 承诺办结时限`, or empty.
    pub fn status(&self, item: &Item) -> String {
        let p = &item.provenance;
        let mut rows: Vec<u32> = vec![p.row];
        if p.form {
            rows.extend(p.fields.values().filter_map(|s| s.row));
            rows.sort_unstable();
            rows.dedup();
        }
        let mut parts: Vec<String> = Vec::new();
        for row in rows {
            for (rule, field) in self.problems.get(&(p.file.clone(), p.sheet.clone(), row)).into_iter().flatten() {
                let part = match field {
                    Some(f) => format!("{rule} {}", f.label()),
                    None => rule.to_string(),
                };
                if !parts.contains(&part) {
                    parts.push(part);
                }
            }
        }
        if parts.is_empty() { String::new() } else { format!("有问题：{}", parts.join("；")) }
    }

    /// The text of a field in a published cell: the read value, the division name looked up by
    /// code, or the text as written when it could not be read (`true` then).
    pub fn cell(&self, item: &Item, f: Field) -> Option<(String, bool)> {
        if let Some(v) = item.display(f) {
            return Some((v, false));
        }
        if f == Field::DivisionName
            && let Some(n) = self.division_name(item)
        {
            return Some((n, false));
        }
        item.unread.get(&f).map(|raw| (raw.clone(), true))
    }
}

/// The widest column of a data sheet: 49 columns of at most this width still print one page
/// wide within the 10 % smallest print scale of Excel and LibreOffice.
pub const DATA_WIDTH: usize = 28;
/// The widest column of the 统计 sheets (longer headers wrap).
const STATS_WIDTH: usize = 12;

/// The header of the 状态 column of item sheets.
pub const STATUS: &str = "状态";

/// The format of a cell holding text that could not be read (kept as written, marked).
fn unread_format() -> Format {
    Format::new().set_text_wrap().set_align(FormatAlign::Top).set_background_color(rust_xlsxwriter::Color::RGB(0xFFE699))
}

/// An item sheet (split into numbered parts past `limit` rows): canonical headers in
/// [`Field::ALL`] order with notes and a last 状态 column, one row per item, in the given order.
/// Numeric kinds (到现场次数, 网上办理深度) are written as numbers, everything else as strings;
/// a value that could not be read is kept as written (shaded) and named in 状态.
pub fn items_sheet<'i>(
    wb: &mut Workbook,
    name: &str,
    title: &str,
    items: impl IntoIterator<Item = &'i Item>,
    limit: u32,
    ann: &Annotations,
) -> Result<(), XlsxError> {
    let mut headers: Vec<&str> = Field::ALL.iter().map(|f| f.label()).collect();
    headers.push(STATUS);
    let status_col = Field::ALL.len();
    let mut parts = Parts::new(wb, name, title, limit, List::with_cap(headers, true, 1, DATA_WIDTH))?;
    let wrap = wrap_format();
    let unread = unread_format();
    for item in items {
        let row = parts.reserve(1)?;
        for (c, f) in Field::ALL.iter().enumerate() {
            let Some((v, raw)) = ann.cell(item, *f) else { continue };
            let number = match f.kind() {
                Kind::Visits | Kind::OnlineDepth if !raw => v.parse::<f64>().ok(),
                _ => None,
            };
            match number {
                Some(n) => {
                    parts.ws.write_number(row, c as u16, n)?;
                }
                None if raw => {
                    parts.ws.write_string_with_format(row, c as u16, &v, &unread)?;
                }
                None => write_text(&mut parts.ws, row, c as u16, &v, &wrap)?,
            }
            parts.layout.widths.see(c, &v);
        }
        let status = ann.status(item);
        if !status.is_empty() {
            parts.ws.write_string(row, status_col as u16, &status)?;
            parts.layout.widths.see(status_col, &status);
        }
    }
    parts.end()
}

/// The columns of a 公开目录 sheet: header, field (`None`: 序号), width in character units.
const PUBLIC_COLUMNS: [(&str, Option<Field>, usize); 13] = [
    ("序号", None, 5),
    ("行政区划", Some(Field::DivisionName), 10),
    ("事项名称", Some(Field::Name), 22),
    ("事项类型", Some(Field::ItemType), 9),
    ("实施主体", Some(Field::Agency), 16),
    ("设定依据", Some(Field::LegalBasis), 34),
    ("行使层级", Some(Field::Level), 7),
    ("法定办结时限", Some(Field::StatutoryLimit), 9),
    ("承诺办结时限", Some(Field::PromisedLimit), 9),
    ("是否收费", Some(Field::Fee), 6),
    ("办理地点", Some(Field::Place), 16),
    ("咨询电话", Some(Field::ConsultPhone), 12),
    ("网办地址", Some(Field::OnlineUrl), 20),
];

/// The public columns' headers (序号, 事项名称, 事项类型, 实施主体, 设定依据 …).
pub fn public_headers() -> Vec<&'static str> {
    PUBLIC_COLUMNS.iter().map(|c| c.0).collect()
}

/// Fixed-width columns, wrapped text and a header that repeats: the 公开目录 layout.
struct Public {
    head: Format,
}

impl Layout for Public {
    fn start(&mut self, ws: &mut Worksheet) -> Result<u32, XlsxError> {
        ws.set_row_height(0, 30)?;
        for (c, (h, _, w)) in PUBLIC_COLUMNS.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &self.head)?;
            ws.set_column_width(c as u16, *w as f64)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(1)
    }

    fn finish(&mut self, _ws: &mut Worksheet, _last: u32) -> Result<(), XlsxError> {
        Ok(())
    }
}

/// A 公开目录 sheet: the columns the public reads (序号, 行政区划, 事项名称, 事项类型, 实施主体,
/// 设定依据, 行使层级, 法定/承诺办结时限, 是否收费, 办理地点, 咨询电话, 网办地址), fixed widths
/// that fit one landscape A4 page, wrapped and bordered, rows as tall as their text; numbered
/// from 1 across parts. A value that could not be read is printed as written.
pub fn public_sheet<'i>(
    wb: &mut Workbook,
    name: &str,
    title: &str,
    items: impl IntoIterator<Item = &'i Item>,
    limit: u32,
    ann: &Annotations,
) -> Result<(), XlsxError> {
    let head = header_format().set_font_size(10);
    let cell = Format::new().set_font_size(10).set_text_wrap().set_align(FormatAlign::Top).set_border(FormatBorder::Thin);
    let center = cell.clone().set_align(FormatAlign::Center);
    let mut parts = Parts::new(wb, name, title, limit, Public { head })?;
    for (n, item) in items.into_iter().enumerate() {
        let row = parts.reserve(1)?;
        let texts: Vec<String> = PUBLIC_COLUMNS
            .iter()
            .map(|(_, f, _)| match f {
                None => (n + 1).to_string(),
                Some(f) => ann.cell(item, *f).map(|(v, _)| v).unwrap_or_default(),
            })
            .collect();
        let lines = texts.iter().zip(PUBLIC_COLUMNS.iter()).map(|(t, (_, _, w))| wrapped_lines(t, w.saturating_sub(1))).max().unwrap_or(1);
        parts.ws.set_row_height(row, (lines as f64 * 13.5 + 3.0).clamp(16.0, 409.0))?;
        for (c, t) in texts.iter().enumerate() {
            let f = if c == 0 || c == 3 || c == 6 || c == 9 { &center } else { &cell };
            if c == 0 {
                parts.ws.write_number_with_format(row, 0, (n + 1) as f64, f)?;
            } else {
                parts.ws.write_string_with_format(row, c as u16, t, f)?;
            }
        }
    }
    parts.end()
}

/// The 申请材料 sheet (split past `limit` rows): one row per material (实施编码, 事项名称, then
/// the material fields).
pub fn materials_sheet(wb: &mut Workbook, title: &str, items: &[&Item], limit: u32) -> Result<(), XlsxError> {
    let mut headers = vec![Field::ImplCode.label(), Field::Name.label()];
    headers.extend(MaterialField::ALL.iter().map(|m| m.label()));
    let mut parts = Parts::new(wb, "申请材料", title, limit, List::new(headers, false, 2))?;
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
pub fn guide_sheet(wb: &mut Workbook, title: &str, items: &[&Item], limit: u32) -> Result<(), XlsxError> {
    let title_fmt = Format::new()
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
    let mut parts = Parts::new(wb, "办事指南", title, limit, Guide { head: header_format(), breaks: Vec::new() })?;
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
        ws.write_string_with_format(row, 0, name, &title_fmt)?;
        ws.write_string_with_format(row, 1, code, &title_fmt)?;
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

/// A new sheet `name` for a table of statistics: print setup with `title`, the header row
/// (tall, for the long indicator names), and column widths capped for printing.
fn stats_table_sheet<'a>(
    wb: &'a mut Workbook,
    name: &str,
    title: &str,
    headers: &[String],
) -> Result<(&'a mut Worksheet, Widths), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    print_setup(ws, title)?;
    let mut widths = Widths::with_cap(headers.len(), STATS_WIDTH);
    write_header(ws, &headers.iter().map(String::as_str).collect::<Vec<_>>(), &mut widths)?;
    ws.set_row_height(0, 45)?;
    Ok((ws, widths))
}

/// The 统计 sheet: one row per jurisdiction (code, name, level), then per level and the 合计,
/// with the item count, every indicator of [`Indicator::ALL`] as a percentage, the target and
/// whether it is met for indicators the policy sets a target for, and the counts without a rate;
/// a column chart of the jurisdictions' rates (categories: their names) on its own printed page
/// below the table. The same [`Stats`] as `stats` renders, computed once.
pub fn stats_sheet(wb: &mut Workbook, title: &str, stats: &Stats) -> Result<(), XlsxError> {
    let headers = stats_headers();
    let (ws, mut widths) = stats_table_sheet(wb, STATS_SHEET, title, &headers)?;
    let pct = Format::new().set_num_format("0.0%");
    let target_fmt = Format::new().set_num_format("\"≥\"0%");
    let bold = Format::new().set_bold();
    let groups: Vec<(&Group, bool)> = stats
        .jurisdictions
        .iter()
        .map(|g| (g, false))
        .chain(stats.levels.iter().map(|g| (g, false)))
        .chain(std::iter::once((&stats.all, true)))
        .collect();
    let targeted = targeted();
    for (r, (g, total)) in groups.iter().enumerate() {
        let row = r as u32 + 1;
        let (code, name, level) = scope_cells(&g.scope);
        for (c, t) in [code, name, level].iter().enumerate() {
            if *total {
                ws.write_string_with_format(row, c as u16, t, &bold)?;
            } else {
                ws.write_string(row, c as u16, t)?;
            }
            widths.see(c, t);
        }
        let mut c: u16 = 3;
        ws.write_number(row, c, g.items as f64)?;
        c += 1;
        for v in &g.indicators {
            match v.value {
                Some(x) => ws.write_number_with_format(row, c, x, &pct)?,
                None => ws.write_string(row, c, "—")?,
            };
            c += 1;
        }
        for ind in &targeted {
            let v = g.get(*ind);
            match v.target {
                Some(t) => ws.write_number_with_format(row, c, t, &target_fmt)?,
                None => ws.write_string(row, c, "—")?,
            };
            ws.write_string(row, c + 1, met_word(v.met))?;
            c += 2;
        }
        let k = &g.counts;
        for n in [k.notify_commit.0, k.tolerance.0, k.cross_area.0, k.one_thing_bundles, k.one_thing_items] {
            ws.write_number(row, c, n as f64)?;
            c += 1;
        }
    }
    let last = groups.len() as u32;
    ws.set_freeze_panes(1, 2)?;
    for c in 3..headers.len() {
        widths.see(c, "100.0%");
    }
    widths.apply(ws)?;
    let rows = stats.jurisdictions.len() as u32;
    if rows > 0 {
        let mut chart = Chart::new(ChartType::Column);
        chart.title().set_name("便利化指标（按行政区划）");
        for (i, _) in Indicator::ALL.iter().enumerate() {
            let col = 4 + i as u16;
            chart.add_series().set_name((STATS_SHEET, 0, col)).set_categories((STATS_SHEET, 1, 1, rows, 1)).set_values((
                STATS_SHEET,
                1,
                col,
                rows,
                col,
            ));
        }
        chart.y_axis().set_num_format("0%").set_min(0).set_max(1);
        // Sized to print whole on one landscape A4 page, which starts at the chart.
        chart.set_width(CHART_WIDTH);
        chart.set_height(CHART_HEIGHT);
        ws.insert_chart(last + 2, 0, &chart)?;
    }
    Ok(())
}

/// The chart's size in pixels: within one landscape A4 page at 100 %.
pub const CHART_WIDTH: u32 = 900;
/// The chart's height in pixels.
pub const CHART_HEIGHT: u32 = 520;
/// The name of the 统计 sheet.
pub const STATS_SHEET: &str = "统计";
/// The name of the long-form 统计明细 sheet.
pub const STATS_DETAIL_SHEET: &str = "统计明细";

/// The indicators the policy sets a target for at some level (目标 / 达标 columns).
pub fn targeted() -> Vec<Indicator> {
    Indicator::ALL.iter().copied().filter(|i| Level::ALL.iter().any(|l| i.target(Some(*l)).is_some())).collect()
}

/// The 统计 sheet's headers.
pub fn stats_headers() -> Vec<String> {
    let mut h: Vec<String> = ["行政区划代码", "行政区划", "层级", "实施事项数"].iter().map(|s| s.to_string()).collect();
    h.extend(Indicator::ALL.iter().map(|i| i.label(Lang::Zh).to_string()));
    for i in targeted() {
        h.push(format!("{}目标", i.label(Lang::Zh)));
        h.push(format!("{}达标", i.label(Lang::Zh)));
    }
    h.extend(COUNT_LABELS.iter().map(|s| s.to_string()));
    h
}

/// The counts without a rate, as labelled in the 统计 sheets.
pub const COUNT_LABELS: [&str; 5] = ["告知承诺事项", "容缺受理事项", "全市通办事项", "一件事主题", "一件事事项"];

fn met_word(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "达标",
        Some(false) => "未达标",
        None => "—",
    }
}

/// Code, name and level cells of a scope (`合计` for all items).
fn scope_cells(s: &Scope) -> (String, String, String) {
    match s {
        Scope::All => (String::new(), "合计".into(), String::new()),
        Scope::Level { level } => (String::new(), format!("{}合计", level.as_str()), level.as_str().to_string()),
        Scope::Jurisdiction { code, name, level } => {
            (code.clone(), name.clone().unwrap_or_default(), level.map(|l| l.as_str().to_string()).unwrap_or_default())
        }
    }
}

/// The 统计明细 sheet: one row per scope (合计, each level, each jurisdiction) with the item
/// count, every indicator's numerator and denominator (承诺时限压缩率: the items it is the mean
/// over) and the counts with the items where they are known: every number behind the 统计
/// sheet's rates, as `stats --format json` prints them.
pub fn stats_detail_sheet(wb: &mut Workbook, title: &str, stats: &Stats) -> Result<(), XlsxError> {
    let headers = stats_detail_headers();
    let (ws, mut widths) = stats_table_sheet(wb, STATS_DETAIL_SHEET, title, &headers)?;
    let groups = std::iter::once(&stats.all).chain(&stats.levels).chain(&stats.jurisdictions);
    for (r, g) in groups.enumerate() {
        let row = r as u32 + 1;
        let (code, name, level) = scope_cells(&g.scope);
        for (c, t) in [code, name, level].iter().enumerate() {
            ws.write_string(row, c as u16, t)?;
            widths.see(c, t);
        }
        let mut numbers: Vec<Option<usize>> = vec![Some(g.items)];
        for v in &g.indicators {
            numbers.push(v.numerator);
            numbers.push(Some(v.denominator));
        }
        let k = &g.counts;
        numbers.extend([k.notify_commit.0, k.notify_commit.1, k.tolerance.0, k.tolerance.1, k.cross_area.0, k.cross_area.1].map(Some));
        numbers.extend([Some(k.one_thing_bundles), Some(k.one_thing_items)]);
        for (i, n) in numbers.into_iter().enumerate() {
            let c = 3 + i as u16;
            match n {
                Some(n) => ws.write_number(row, c, n as f64)?,
                None => ws.write_string(row, c, "—")?,
            };
        }
    }
    ws.set_freeze_panes(1, 3)?;
    for c in 3..headers.len() {
        widths.see(c, "000000");
    }
    widths.apply(ws)
}

/// The 统计明细 sheet's headers: 行政区划代码, 行政区划, 层级, 实施事项数, then per indicator
/// `一窗受理率·分子` and `一窗受理率·分母`, then the counts and their denominators.
pub fn stats_detail_headers() -> Vec<String> {
    let mut h: Vec<String> = ["行政区划代码", "行政区划", "层级", "实施事项数"].iter().map(|s| s.to_string()).collect();
    for i in Indicator::ALL {
        h.push(format!("{}·分子", i.label(Lang::Zh)));
        h.push(format!("{}·分母", i.label(Lang::Zh)));
    }
    for l in &COUNT_LABELS[..3] {
        h.push(l.to_string());
        h.push(format!("{l}·分母"));
    }
    h.extend(COUNT_LABELS[3..].iter().map(|s| s.to_string()));
    h
}

/// The 问题 sheet (split past `limit` rows): every finding of `check` (rule, severity, file,
/// cell, field, item, message, value).
pub fn findings_sheet(wb: &mut Workbook, title: &str, findings: &[Finding], lang: Lang, limit: u32) -> Result<(), XlsxError> {
    let headers = vec!["规则", "级别", "文件", "单元格", "字段", "事项", "行政区划代码", "问题说明", "原值"];
    let mut parts = Parts::new(wb, "问题", title, limit, List::new(headers, false, 0))?;
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
        items_sheet(&mut wb, "县级事项目录", "目录", &items, 3, &Annotations::default()).unwrap();
        // Each guide block: title, 3 elements, blank = 5 rows; header plus two blocks per sheet.
        guide_sheet(&mut wb, "办事指南", &refs, 11).unwrap();
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
        guide_sheet(&mut wb, "办事指南", &refs, EXCEL_MAX_ROWS).unwrap();
        let bytes = save(&mut wb);
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
        assert_eq!(xml.matches("<brk ").count(), MAX_PAGE_BREAKS);
    }
}
