//! Spreadsheets through calamine: xlsx/xlsm with the streaming cell reader (memory stays flat
//! whatever the sheet's size), xls, xlsb and ods through their ranges. Values of merged regions
//! are copied from the top-left cell into every cell of the region, so a department merged down
//! ten rows is read for all ten.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, DataRef, Dimensions, Reader, Sheets, Xlsx, open_workbook_auto};

use super::table::{Cell, Row};

/// A sheet of a workbook, streamed row by row.
pub trait SheetVisitor {
    /// Called once per sheet before its rows.
    fn begin_sheet(&mut self, name: &str);
    /// Called per non-empty row.
    fn row(&mut self, row: Row);
    /// Called once per sheet after its rows; `error` when reading stopped early.
    fn end_sheet(&mut self, error: Option<String>);
}

/// Opens a workbook and streams each visible sheet to `visitor`. An error opening the
/// workbook is returned; an error inside one sheet is passed to `end_sheet` and the next
/// sheet is read. `merges: false` (from the limits pre-check) skips looking up merged regions
/// of xlsx sheets.
pub fn read(path: &Path, merges: bool, visitor: &mut dyn SheetVisitor) -> Result<(), String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext == "xlsx" || ext == "xlsm" {
        let mut wb: Xlsx<BufReader<File>> = calamine::open_workbook(path).map_err(|e: calamine::XlsxError| e.to_string())?;
        let names = sheet_order(wb.sheets_metadata());
        for name in names {
            visitor.begin_sheet(&name);
            // Collecting merged regions parses the whole sheet once more: skipped when the
            // limits pre-check found no `mergeCell` in any sheet.
            let regions = if merges { wb.merge_cells_by_sheet_name(&name).unwrap_or_default() } else { Vec::new() };
            let err = stream_xlsx(&mut wb, &name, &regions, visitor).err();
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
                for (i, cells) in range.rows().enumerate() {
                    let number = r0 + i as u32;
                    let mut row: Vec<Cell> = Vec::with_capacity(c0 as usize + cells.len());
                    row.resize(c0 as usize, Cell::Empty);
                    row.extend(cells.iter().map(from_data));
                    filler.fill(number, &mut row);
                    let row = Row { number: number + 1, cells: row };
                    if !row.is_blank() {
                        visitor.row(row);
                    }
                }
                visitor.end_sheet(None);
            }
            Err(e) => visitor.end_sheet(Some(e.to_string())),
        }
    }
    Ok(())
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

fn stream_xlsx(wb: &mut Xlsx<BufReader<File>>, name: &str, merges: &[Dimensions], visitor: &mut dyn SheetVisitor) -> Result<(), String> {
    let mut reader = wb.worksheet_cells_reader(name).map_err(|e| e.to_string())?;
    let mut filler = MergeFiller::new(merges);
    let mut current: Option<u32> = None;
    let mut cells: Vec<Cell> = Vec::new();
    let mut flush = |r: u32, cells: &mut Vec<Cell>, filler: &mut MergeFiller| {
        filler.fill(r, cells);
        let row = Row { number: r + 1, cells: std::mem::take(cells) };
        if !row.is_blank() {
            visitor.row(row);
        }
    };
    while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(prev) = current {
                flush(prev, &mut cells, &mut filler);
            }
            current = Some(r);
        }
        let value = from_ref(cell.get_value());
        if value == Cell::Empty {
            continue;
        }
        if c as usize >= cells.len() {
            // Guard against a claimed column far to the right: cap the row width.
            if c > 16_384 {
                continue;
            }
            cells.resize(c as usize + 1, Cell::Empty);
        }
        cells[c as usize] = value;
    }
    if let Some(prev) = current {
        flush(prev, &mut cells, &mut filler);
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

fn from_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => Cell::Date(date_text(dt)),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Date(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    }
}

fn from_data(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => Cell::Date(date_text(dt)),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Date(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
    }
}

/// An Excel serial date (1900 system) as `YYYY-MM-DD`.
fn date_text(dt: &calamine::ExcelDateTime) -> String {
    let serial = dt.as_f64();
    if !(1.0..=2_958_465.0).contains(&serial) {
        return serial.to_string();
    }
    // Days since 1970-01-01; serial 25569 is 1970-01-01 (Excel's leap-year bug only shifts dates before March 1900).
    let z = serial.floor() as i64 - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
