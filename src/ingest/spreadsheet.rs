//! Spreadsheets through calamine: xlsx/xlsm and xlsb with the streaming cell readers (memory
//! stays flat whatever the sheet's size), xls and ods through their ranges. Values of merged regions
//! are copied from the top-left cell into every cell of the region, so a department merged down
//! ten rows is read for all ten.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, DataRef, Dimensions, Reader, Sheets, Xlsb, Xlsx, open_workbook_auto};

use super::table::{Cell, Row};
use crate::config::Limits;
use crate::i18n::Reason;

/// A sheet of a workbook, streamed row by row.
pub trait SheetVisitor {
    /// Called once per sheet before its rows.
    fn begin_sheet(&mut self, name: &str);
    /// Called per non-empty row.
    fn row(&mut self, row: Row);
    /// Called once per sheet after its rows; `error` when reading stopped early.
    fn end_sheet(&mut self, error: Option<Reason>);
    /// A text cell longer than `limits.max_field_kib` was cut; `row` is 1-based, `column`
    /// 0-based, `len` its length in bytes. Called before the row holding it.
    fn cell_cut(&mut self, row: u32, column: u32, len: usize) {
        let _ = (row, column, len);
    }
}

/// Opens a workbook and streams each visible sheet to `visitor`. An error opening the
/// workbook is returned; an error inside one sheet (including a row or column beyond
/// `limits`, which stops the sheet there) is passed to `end_sheet` and the next sheet is
/// read. `merges: false` (from the limits pre-check) skips looking up merged regions of xlsx
/// sheets. xlsx and xlsb are streamed cell by cell; xls and ods come as ranges, whose size
/// the limits pre-check bounded.
pub fn read(path: &Path, merges: bool, limits: &Limits, visitor: &mut dyn SheetVisitor) -> Result<(), String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let mut bounds = Bounds::new(limits);
    if ext == "xlsx" || ext == "xlsm" {
        let mut wb: Xlsx<BufReader<File>> = calamine::open_workbook(path).map_err(|e: calamine::XlsxError| e.to_string())?;
        let names = sheet_order(wb.sheets_metadata());
        for name in names {
            visitor.begin_sheet(&name);
            // Collecting merged regions parses the whole sheet once more: skipped when the
            // limits pre-check found no `mergeCell` in any sheet.
            let regions = if merges { wb.merge_cells_by_sheet_name(&name).unwrap_or_default() } else { Vec::new() };
            let err = match wb.worksheet_cells_reader(&name) {
                Ok(mut reader) => stream(&mut || reader.next_cell().map_err(|e| e.to_string()), &regions, &mut bounds, visitor).err(),
                Err(e) => Some(Reason::Other(e.to_string())),
            };
            visitor.end_sheet(err);
        }
        return Ok(());
    }
    if ext == "xlsb" {
        let mut wb: Xlsb<BufReader<File>> = calamine::open_workbook(path).map_err(|e: calamine::XlsbError| e.to_string())?;
        let names = sheet_order(wb.sheets_metadata());
        for name in names {
            visitor.begin_sheet(&name);
            let err = match wb.worksheet_cells_reader(&name) {
                Ok(mut reader) => stream(&mut || reader.next_cell().map_err(|e| e.to_string()), &[], &mut bounds, visitor).err(),
                Err(e) => Some(Reason::Other(e.to_string())),
            };
            visitor.end_sheet(err);
        }
        return Ok(());
    }
    let mut wb: Sheets<BufReader<File>> = open_workbook_auto(path).map_err(|e| e.to_string())?;
    let names = sheet_order(wb.sheets_metadata());
    for name in names {
        visitor.begin_sheet(&name);
        let merges = match &mut wb {
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            _ => Vec::new(),
        };
        match wb.worksheet_range(&name) {
            Ok(range) => {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                let mut filler = MergeFiller::new(&merges);
                let mut error = None;
                for (i, cells) in range.rows().enumerate() {
                    let number = r0 + i as u32;
                    let last = cells.iter().rposition(|d| !matches!(d, Data::Empty)).map_or(0, |p| c0 as usize + p + 1);
                    if last > 0
                        && let Err(e) = bounds.check(number, last as u64)
                    {
                        error = Some(e);
                        break;
                    }
                    let mut row: Vec<Cell> = Vec::with_capacity(last);
                    row.resize(c0 as usize, Cell::Empty);
                    for (k, d) in cells.iter().take(last.saturating_sub(c0 as usize)).enumerate() {
                        let (cell, cut) = from_data(d, &bounds);
                        if let Some(len) = cut {
                            visitor.cell_cut(number + 1, c0 + k as u32, len);
                        }
                        row.push(cell);
                    }
                    filler.fill(number, &mut row);
                    let row = Row { number: number + 1, cells: row };
                    if !row.is_blank() {
                        visitor.row(row);
                    }
                }
                visitor.end_sheet(error);
            }
            Err(e) => visitor.end_sheet(Some(Reason::Other(e.to_string()))),
        }
    }
    Ok(())
}

/// The row, column and cell-size limits, checked while reading.
struct Bounds {
    rows: u64,
    columns: u64,
    field: usize,
}

impl Bounds {
    fn new(limits: &Limits) -> Bounds {
        let field = usize::try_from(limits.max_field_kib.saturating_mul(1024)).unwrap_or(usize::MAX);
        Bounds { rows: limits.max_rows, columns: limits.max_columns, field }
    }

    /// Cuts a text longer than the field limit at a character boundary; returns its length
    /// when it was cut.
    fn cut(&self, text: &str) -> (String, Option<usize>) {
        if text.len() <= self.field {
            return (text.to_string(), None);
        }
        let mut end = self.field;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        (text[..end].to_string(), Some(text.len()))
    }

    /// Checks a row (0-based `r`) whose last value is in column `width` (1-based).
    fn check(&self, r: u32, width: u64) -> Result<(), Reason> {
        let row = u64::from(r) + 1;
        if row > self.rows {
            return Err(Reason::RowLimit { row, limit: self.rows });
        }
        if width > self.columns {
            return Err(Reason::ColumnLimit { row, columns: width, limit: self.columns });
        }
        Ok(())
    }
}

/// The sheets to read, in reading order: base catalogs first (the cross-level pass compares
/// items on arrival), then materials sheets (joined to items read later). Hidden sheets (lookup
/// lists behind dropdowns), instruction sheets (填写说明) and the 问题清单 sheet of an annotated
/// copy (`qingdan return`) hold no items and are skipped.
fn sheet_order(sheets: &[calamine::Sheet]) -> Vec<String> {
    let mut names: Vec<String> = sheets
        .iter()
        .filter(|s| s.visible == calamine::SheetVisible::Visible && s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .filter(|n| !matches!(n.trim(), "说明" | "填写说明" | "填表说明" | "填报说明" | "使用说明" | "下拉选项" | "问题清单"))
        .collect();
    names.sort_by_key(|n| (!n.contains("基本目录"), !n.contains("材料")));
    names
}

/// A cell as a streaming reader yields it, or the end of the sheet.
type NextCell<'a, 'r> = dyn FnMut() -> Result<Option<calamine::Cell<DataRef<'r>>>, String> + 'a;

/// Streams a sheet cell by cell into rows, checking the limits as rows and columns arrive
/// (whatever the sheet's `<dimension>` declared).
fn stream(next: &mut NextCell<'_, '_>, merges: &[Dimensions], bounds: &mut Bounds, visitor: &mut dyn SheetVisitor) -> Result<(), Reason> {
    let mut filler = MergeFiller::new(merges);
    let mut current: Option<u32> = None;
    let mut cells: Vec<Cell> = Vec::new();
    // Cells cut in the current row, reported before it.
    let mut cuts: Vec<(u32, u32, usize)> = Vec::new();
    let mut flush = |r: u32, cells: &mut Vec<Cell>, filler: &mut MergeFiller, cuts: &mut Vec<(u32, u32, usize)>| {
        for (row, column, len) in cuts.drain(..) {
            visitor.cell_cut(row, column, len);
        }
        filler.fill(r, cells);
        let row = Row { number: r + 1, cells: std::mem::take(cells) };
        if !row.is_blank() {
            visitor.row(row);
        }
    };
    while let Some(cell) = next().map_err(Reason::Other)? {
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(prev) = current {
                flush(prev, &mut cells, &mut filler, &mut cuts);
            }
            current = Some(r);
        }
        let (value, cut) = from_ref(cell.get_value(), bounds);
        if value == Cell::Empty {
            continue;
        }
        bounds.check(r, u64::from(c) + 1)?;
        if let Some(len) = cut {
            cuts.push((r + 1, c, len));
        }
        if c as usize >= cells.len() {
            cells.resize(c as usize + 1, Cell::Empty);
        }
        cells[c as usize] = value;
    }
    if let Some(prev) = current {
        flush(prev, &mut cells, &mut filler, &mut cuts);
    }
    Ok(())
}

/// Copies each merged region's top-left value into the region's other cells, row by row.
struct MergeFiller {
    /// Regions by their first row.
    by_top: HashMap<u32, Vec<Dimensions>>,
    /// Regions in progress: (region, value).
    active: Vec<(Dimensions, Cell)>,
}

impl MergeFiller {
    fn new(merges: &[Dimensions]) -> MergeFiller {
        let mut by_top: HashMap<u32, Vec<Dimensions>> = HashMap::new();
        for d in merges {
            // Ignore absurd regions rather than allocating for them.
            if d.end.1.saturating_sub(d.start.1) > 1000 {
                continue;
            }
            by_top.entry(d.start.0).or_default().push(*d);
        }
        MergeFiller { by_top, active: Vec::new() }
    }

    /// `r` is the 0-based row of `cells`.
    fn fill(&mut self, r: u32, cells: &mut Vec<Cell>) {
        if self.by_top.is_empty() && self.active.is_empty() {
            return;
        }
        self.active.retain(|(d, _)| d.end.0 >= r);
        if let Some(starting) = self.by_top.remove(&r) {
            for d in starting {
                let v = cells.get(d.start.1 as usize).cloned().unwrap_or_default();
                self.active.push((d, v));
            }
        }
        for (d, v) in &self.active {
            if *v == Cell::Empty {
                continue;
            }
            let end = d.end.1 as usize;
            if cells.len() <= end {
                cells.resize(end + 1, Cell::Empty);
            }
            for cell in &mut cells[d.start.1 as usize..=end] {
                if *cell == Cell::Empty {
                    *cell = v.clone();
                }
            }
        }
    }
}

/// A streamed cell as a table cell, text cut at the field limit (with its length when cut).
fn from_ref(d: &DataRef<'_>, bounds: &Bounds) -> (Cell, Option<usize>) {
    let text = |s: &str| {
        let (t, cut) = bounds.cut(s);
        (Cell::Text(t), cut)
    };
    let cell = match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => return text(s),
        // A shared string may be referenced by a million cells: only its kept part is copied.
        DataRef::SharedString(s) => return text(s),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => Cell::Date(date_text(dt)),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Date(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    };
    (cell, None)
}

/// A range cell as a table cell, text cut at the field limit (with its length when cut).
fn from_data(d: &Data, bounds: &Bounds) -> (Cell, Option<usize>) {
    let cell = match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => {
            let (t, cut) = bounds.cut(s);
            return (Cell::Text(t), cut);
        }
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => Cell::Date(date_text(dt)),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Date(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    };
    (cell, None)
}

/// An Excel serial date (1900 system) as `YYYY-MM-DD`.
fn date_text(dt: &calamine::ExcelDateTime) -> String {
    let serial = dt.as_f64();
    if !(1.0..=2_958_465.0).contains(&serial) {
        return serial.to_string();
    }
    // Serial 25569 is 1970-01-01 (Excel's leap-year bug only shifts dates before March 1900).
    crate::normalize::date::civil_date(serial.floor() as i64 - 25569)
}
