//! The annotated copy of a department's workbook (退回修改): the source file read again with
//! calamine (or the CSV reader), every sheet's cells written at their original positions with
//! their values (text stays text, formulas give their cached values), merged regions kept, and
//! each cell with a finding filled (error red, warning yellow, info blue, accepted grey) and
//! carrying a note with the rule, the message and the fix. Rows with findings get a status cell
//! right of the data; findings about a whole row put their note there.
//!
//! No rule runs again: the findings come from the one check. Sources over
//! [`STREAM_ABOVE_BYTES`] are written in constant-memory mode (rows go to a temporary file as
//! they are written), except sheets with merged regions, which are held in memory (merges may
//! span rows written later); smaller sources are simply held in memory. Column widths
//! are not exposed by calamine: they are fitted to the text.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, DataRef, Dimensions, Reader, Sheets, Xlsx, open_workbook_auto};
use rust_xlsxwriter::{Color, Format, Note, Workbook, Worksheet, XlsxError};

use super::Widths;
use crate::config::Limits;
use crate::finding::{Finding, Severity};
use crate::i18n::{Lang, word};
use crate::ingest::csv::CsvEncoding;
use crate::rounds::Mark;

/// Sources larger than this are copied in constant-memory mode.
pub const STREAM_ABOVE_BYTES: u64 = 8 << 20;

/// One finding to show in the copy, with its mark and, when accepted, the reason.
#[derive(Debug, Clone, Copy)]
pub struct Annotation<'a> {
    /// The finding.
    pub finding: &'a Finding,
    /// Its mark.
    pub mark: &'a Mark,
    /// The reason it was accepted (已认可).
    pub accepted: Option<&'a str>,
}

/// The fill of an error cell (Excel's "bad" red).
pub const ERROR_FILL: u32 = 0xFFC7CE;
/// The fill of a warning cell.
pub const WARNING_FILL: u32 = 0xFFEB9C;
/// The fill of an info cell.
pub const INFO_FILL: u32 = 0xDDEBF7;
/// The fill of a cell whose findings are all accepted.
pub const ACCEPTED_FILL: u32 = 0xD9D9D9;

/// The fill colour of a group of annotations: the worst severity not accepted, else grey.
pub fn fill_of(notes: &[Annotation<'_>]) -> u32 {
    match notes.iter().filter(|a| a.accepted.is_none()).map(|a| a.finding.severity).max() {
        Some(Severity::Error) => ERROR_FILL,
        Some(Severity::Warning) => WARNING_FILL,
        Some(Severity::Info) => INFO_FILL,
        None => ACCEPTED_FILL,
    }
}

/// The note text of a group of annotations: per finding its level, rule, message, fix, round
/// and acceptance.
pub fn note_text(notes: &[Annotation<'_>], lang: Lang) -> String {
    let mut parts = Vec::new();
    for a in notes {
        let f = a.finding;
        let mut s = format!("【{}】{} {}", word(lang, f.severity.as_str()), f.rule, f.message.render(lang));
        let help = crate::rules::registry::help(f, lang);
        if !help.is_empty() {
            let sep = if lang == Lang::Zh { "：" } else { ": " };
            s.push_str(&format!("\n{}{sep}{help}", word(lang, "help")));
        }
        if let Some(r) = a.mark.round {
            s.push_str(&format!("\n[{}]", word(lang, r.key())));
        }
        if let Some(reason) = a.accepted {
            s.push_str(&format!("\n[{}] {reason}", word(lang, "accepted")));
        }
        parts.push(s);
    }
    super::clip_utf16(&parts.join("\n\n"), 30_000)
}

/// The status text of a row: counts per level.
fn status_text(notes: &[Annotation<'_>], lang: Lang) -> String {
    let mut out = Vec::new();
    for (sev, key) in [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Info, "info")] {
        let n = notes.iter().filter(|a| a.accepted.is_none() && a.finding.severity == sev).count();
        if n > 0 {
            out.push(format!("{} {n}", word(lang, key)));
        }
    }
    let accepted = notes.iter().filter(|a| a.accepted.is_some()).count();
    if accepted > 0 {
        out.push(format!("{} {accepted}", word(lang, "accepted")));
    }
    out.join(if lang == Lang::Zh { "，" } else { ", " })
}

/// A cell value as read.
enum Value<'a> {
    Text(std::borrow::Cow<'a, str>),
    Number(f64),
    Bool(bool),
    Date(f64),
}

fn from_ref<'a>(d: &'a DataRef<'_>) -> Option<Value<'a>> {
    Some(match d {
        DataRef::Empty => return None,
        DataRef::String(s) => Value::Text(s.as_str().into()),
        DataRef::SharedString(s) => Value::Text((*s).into()),
        DataRef::Float(f) => Value::Number(*f),
        DataRef::Int(i) => Value::Number(*i as f64),
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(dt) => Value::Date(dt.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Text(s.as_str().into()),
        DataRef::Error(e) => Value::Text(e.to_string().into()),
    })
}

fn from_data(d: &Data) -> Option<Value<'_>> {
    Some(match d {
        Data::Empty => return None,
        Data::String(s) => Value::Text(s.as_str().into()),
        Data::Float(f) => Value::Number(*f),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => Value::Date(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.as_str().into()),
        Data::Error(e) => Value::Text(e.to_string().into()),
    })
}

/// The annotations of one sheet, by 0-based row, then by column (`None`: the whole row).
type SheetNotes<'a> = BTreeMap<u32, BTreeMap<Option<u32>, Vec<Annotation<'a>>>>;

/// Writes one sheet of the copy, row by row.
struct SheetOut<'a, 'n> {
    ws: Worksheet,
    notes: SheetNotes<'n>,
    lang: Lang,
    /// The column of status cells (right of the data).
    status_col: u32,
    /// The row being written and the columns written in it.
    current: Option<u32>,
    written: BTreeSet<u32>,
    /// The last column written in the current row.
    row_end: u32,
    title_written: bool,
    widths: Widths,
    fills: &'a Fills,
}

/// One format per fill colour, plus the date format.
struct Fills {
    date: Format,
    by_colour: BTreeMap<u32, (Format, Format)>,
}

impl Fills {
    fn new() -> Fills {
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let by_colour = [ERROR_FILL, WARNING_FILL, INFO_FILL, ACCEPTED_FILL]
            .into_iter()
            .map(|c| {
                (
                    c,
                    (
                        Format::new().set_background_color(Color::RGB(c)),
                        Format::new().set_background_color(Color::RGB(c)).set_num_format("yyyy-mm-dd"),
                    ),
                )
            })
            .collect();
        Fills { date, by_colour }
    }

    fn get(&self, colour: Option<u32>, date: bool) -> Option<&Format> {
        match colour {
            Some(c) => self.by_colour.get(&c).map(|(plain, d)| if date { d } else { plain }),
            None => date.then_some(&self.date),
        }
    }
}

impl<'a, 'n> SheetOut<'a, 'n> {
    fn new(ws: Worksheet, notes: SheetNotes<'n>, width: u32, lang: Lang, fills: &'a Fills) -> SheetOut<'a, 'n> {
        let marked = notes.values().flat_map(|m| m.keys().flatten().copied()).max().map_or(0, |c| c + 1);
        let status_col = width.max(marked);
        SheetOut {
            ws,
            notes,
            lang,
            status_col,
            current: None,
            written: BTreeSet::new(),
            row_end: 0,
            title_written: false,
            widths: Widths::new(status_col as usize + 1),
            fills,
        }
    }

    fn note(&self, group: &[Annotation<'_>]) -> Note {
        Note::new(note_text(group, self.lang)).set_author("qingdan").add_author_prefix(false).set_width(360).set_height(160)
    }

    /// Writes one non-empty cell (cells come in row order).
    fn cell(&mut self, r: u32, c: u32, v: Value<'_>) -> Result<(), XlsxError> {
        if c > 16_383 || r > 1_048_575 {
            return Ok(());
        }
        self.go_to(r)?;
        let group = self.notes.get(&r).and_then(|m| m.get(&Some(c)));
        let colour = group.map(|g| fill_of(g));
        let col = c as u16;
        match v {
            Value::Text(s) => {
                self.widths.see(col as usize, &s);
                match self.fills.get(colour, false) {
                    Some(f) => self.ws.write_string_with_format(r, col, s.as_ref(), f)?,
                    None => self.ws.write_string(r, col, s.as_ref())?,
                };
            }
            Value::Number(n) => match self.fills.get(colour, false) {
                Some(f) => self.ws.write_number_with_format(r, col, n, f).map(|_| ())?,
                None => self.ws.write_number(r, col, n).map(|_| ())?,
            },
            Value::Bool(b) => match self.fills.get(colour, false) {
                Some(f) => self.ws.write_boolean_with_format(r, col, b, f).map(|_| ())?,
                None => self.ws.write_boolean(r, col, b).map(|_| ())?,
            },
            Value::Date(d) => {
                if let Some(f) = self.fills.get(colour, true) {
                    self.ws.write_number_with_format(r, col, d, f)?;
                }
            }
        }
        if let Some(g) = group {
            let note = self.note(g);
            self.ws.insert_note(r, col, &note)?;
        }
        self.written.insert(c);
        self.row_end = self.row_end.max(c + 1);
        Ok(())
    }

    /// Moves to row `r`: finishes the current row and any annotated rows before `r`.
    fn go_to(&mut self, r: u32) -> Result<(), XlsxError> {
        if self.current == Some(r) {
            return Ok(());
        }
        if let Some(cur) = self.current {
            self.end_row(cur)?;
        }
        let pending: Vec<u32> = self.notes.range(..r).map(|(k, _)| *k).collect();
        for p in pending {
            self.end_row(p)?;
        }
        self.current = Some(r);
        if !self.title_written {
            self.title_written = true;
            let title = word(self.lang, "status_column");
            self.widths.see(self.status_col as usize, title);
            if !self.notes.contains_key(&r) {
                self.ws.write_string(r, self.status_col as u16, title)?;
            }
        }
        Ok(())
    }

    /// Finishes row `r`: fills annotated empty cells, writes the status cell.
    fn end_row(&mut self, r: u32) -> Result<(), XlsxError> {
        let Some(row) = self.notes.remove(&r) else {
            self.written.clear();
            self.row_end = 0;
            return Ok(());
        };
        for (col, group) in &row {
            let Some(c) = col else { continue };
            if self.written.contains(c) || *c > 16_383 {
                continue;
            }
            let format = self.fills.get(Some(fill_of(group)), false).cloned().unwrap_or_default();
            self.ws.write_blank(r, *c as u16, &format)?;
            let note = self.note(group);
            self.ws.insert_note(r, *c as u16, &note)?;
        }
        let all: Vec<Annotation<'_>> = row.values().flatten().copied().collect();
        let status = status_text(&all, self.lang);
        let col = self.status_col.max(self.row_end).min(16_383) as u16;
        self.widths.see(col as usize, &status);
        let format = self.fills.get(Some(fill_of(&all)), false).cloned().unwrap_or_default();
        self.ws.write_string_with_format(r, col, &status, &format)?;
        if let Some(whole) = row.get(&None) {
            let note = self.note(whole);
            self.ws.insert_note(r, col, &note)?;
        }
        self.written.clear();
        self.row_end = 0;
        Ok(())
    }

    /// Finishes the sheet: the last row, annotated rows after the data, column widths.
    fn finish(mut self) -> Result<Worksheet, XlsxError> {
        if let Some(cur) = self.current {
            self.end_row(cur)?;
        }
        let rest: Vec<u32> = self.notes.keys().copied().collect();
        for r in rest {
            self.end_row(r)?;
        }
        self.widths.apply(&mut self.ws)?;
        Ok(self.ws)
    }
}

/// A sheet name Excel accepts (31 characters, none of `[]:*?/\`), not among `used`.
pub fn sheet_name(wanted: &str, used: &mut BTreeSet<String>) -> String {
    let clean: String = wanted.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).collect();
    let clean = clean.trim_matches('\'');
    let base: String = clean.chars().take(31).collect();
    let base = if base.is_empty() { "Sheet".to_string() } else { base };
    let mut name = base.clone();
    let mut n = 1;
    while used.contains(&name.to_lowercase()) {
        n += 1;
        let suffix = format!(" ({n})");
        name = format!("{}{suffix}", base.chars().take(31 - suffix.chars().count()).collect::<String>());
    }
    used.insert(name.to_lowercase());
    name
}

/// Splits a file's annotations by sheet (`None` for CSV) into per-sheet notes.
fn by_sheet<'n>(notes: &[Annotation<'n>]) -> BTreeMap<Option<String>, SheetNotes<'n>> {
    let mut out: BTreeMap<Option<String>, SheetNotes<'n>> = BTreeMap::new();
    for a in notes {
        let loc = &a.finding.location;
        let Some(row) = loc.row.filter(|r| *r >= 1) else { continue };
        out.entry(loc.sheet.as_deref().map(str::to_string))
            .or_default()
            .entry(row - 1)
            .or_default()
            .entry(loc.column)
            .or_default()
            .push(*a);
    }
    out
}

/// Adds the annotated copies of `source`'s sheets to `wb` (after whatever it already holds).
/// `used` holds the sheet names already taken. Errors name the file.
pub fn add_sheets(
    wb: &mut Workbook,
    source: &Path,
    notes: &[Annotation<'_>],
    limits: &Limits,
    encoding: CsvEncoding,
    lang: Lang,
    used: &mut BTreeSet<String>,
) -> Result<(), String> {
    let mut sheets = by_sheet(notes);
    let fills = Fills::new();
    // Large sources are written in constant-memory mode (a temporary file per sheet); the many
    // small departmental files are cheaper in memory.
    // QINGDAN_STREAM_ABOVE_BYTES overrides the threshold (tests exercise both modes).
    let above = std::env::var("QINGDAN_STREAM_ABOVE_BYTES").ok().and_then(|v| v.parse().ok()).unwrap_or(STREAM_ABOVE_BYTES);
    let stream = std::fs::metadata(source).map_or(true, |m| m.len() > above);
    let xlsx = |e: XlsxError| e.to_string();
    let mut format = crate::ingest::format_of(source);
    if format == Some(crate::ingest::Format::Workbook) {
        match crate::ingest::limits::check_workbook(source, limits) {
            Ok(crate::ingest::limits::Verdict::Csv) => format = Some(crate::ingest::Format::Csv),
            Ok(_) => {}
            Err(reason) => return Err(reason.render(lang)),
        }
    }
    if format == Some(crate::ingest::Format::Csv) {
        let stem = source.file_stem().and_then(|s| s.to_str()).unwrap_or("Sheet1");
        let name = sheet_name(stem, used);
        let notes = sheets.remove(&None).unwrap_or_default();
        // The width of the data is known only after reading: the first rows are held to find it.
        let mut held: Vec<crate::ingest::table::Row> = Vec::new();
        let mut out: Option<SheetOut<'_, '_>> = None;
        let mut notes = Some(notes);
        let mut error: Option<XlsxError> = None;
        let mut issues = Vec::new();
        let csv_limits = crate::ingest::csv::CsvLimits::from_config(limits);
        let write_row = |out: &mut SheetOut<'_, '_>, row: crate::ingest::table::Row| -> Result<(), XlsxError> {
            for (c, cell) in row.cells.into_iter().enumerate() {
                if let crate::ingest::table::Cell::Text(t) = cell
                    && !t.is_empty()
                {
                    out.cell(row.number - 1, c as u32, Value::Text(t.into()))?;
                }
            }
            Ok(())
        };
        let read = crate::ingest::csv::read(
            source,
            encoding,
            &csv_limits,
            &mut |row| {
                if error.is_some() {
                    return;
                }
                if out.is_none() && held.len() < 1000 {
                    held.push(row);
                    return;
                }
                if out.is_none() {
                    match start_csv(wb, stream, &held, notes.take().unwrap_or_default(), lang, &fills) {
                        Ok(o) => out = Some(o),
                        Err(e) => {
                            error = Some(e);
                            return;
                        }
                    }
                }
                let Some(o) = out.as_mut() else { return };
                let mut res = Ok(());
                for h in held.drain(..) {
                    res = res.and_then(|_| write_row(o, h));
                }
                if let Err(e) = res.and_then(|_| write_row(o, row)) {
                    error = Some(e);
                }
            },
            &mut issues,
        );
        read.map_err(|e| e.render(lang))?;
        if let Some(e) = error {
            return Err(e.to_string());
        }
        let mut o = match out {
            Some(o) => o,
            None => start_csv(wb, stream, &held, notes.take().unwrap_or_default(), lang, &fills).map_err(xlsx)?,
        };
        for h in held.drain(..) {
            write_row(&mut o, h).map_err(xlsx)?;
        }
        let mut ws = o.finish().map_err(xlsx)?;
        ws.set_name(&name).map_err(xlsx)?;
        wb.push_worksheet(ws);
        return Ok(());
    }
    let ext = source.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext == "xlsx" || ext == "xlsm" {
        let mut book: Xlsx<BufReader<File>> = calamine::open_workbook(source).map_err(|e: calamine::XlsxError| e.to_string())?;
        let metas: Vec<calamine::Sheet> = book.sheets_metadata().to_vec();
        for meta in metas.iter().filter(|s| s.typ == calamine::SheetType::WorkSheet) {
            let merges = book.merge_cells_by_sheet_name(&meta.name).unwrap_or_default();
            let notes = sheets.remove(&Some(meta.name.clone())).unwrap_or_default();
            let mut reader = book.worksheet_cells_reader(&meta.name).map_err(|e| e.to_string())?;
            let width = reader.dimensions().end.1 + 1;
            let mut out = SheetOut::new(new_sheet(wb, stream, &merges)?, notes, width, lang, &fills);
            merge(&mut out.ws, &merges)?;
            while let Some(cell) = reader.next_cell().map_err(|e| e.to_string())? {
                let (r, c) = cell.get_position();
                if let Some(v) = from_ref(cell.get_value()) {
                    out.cell(r, c, v).map_err(xlsx)?;
                }
            }
            drop(reader);
            push_sheet(wb, out, meta, used)?;
        }
        return Ok(());
    }
    let mut book: Sheets<BufReader<File>> = open_workbook_auto(source).map_err(|e| e.to_string())?;
    let metas: Vec<calamine::Sheet> = book.sheets_metadata().to_vec();
    for meta in metas.iter().filter(|s| s.typ == calamine::SheetType::WorkSheet) {
        let merges = match &mut book {
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&meta.name).unwrap_or_default(),
            _ => Vec::new(),
        };
        let notes = sheets.remove(&Some(meta.name.clone())).unwrap_or_default();
        let range = book.worksheet_range(&meta.name).map_err(|e| e.to_string())?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let width = range.end().map_or(0, |e| e.1 + 1);
        let mut out = SheetOut::new(new_sheet(wb, stream, &merges)?, notes, width, lang, &fills);
        merge(&mut out.ws, &merges)?;
        for (i, cells) in range.rows().enumerate() {
            for (j, d) in cells.iter().enumerate() {
                if let Some(v) = from_data(d) {
                    out.cell(r0 + i as u32, c0 + j as u32, v).map_err(xlsx)?;
                }
            }
        }
        push_sheet(wb, out, meta, used)?;
    }
    Ok(())
}

/// Starts the sheet of a CSV, as wide as the widest of the rows held (CSV has no merged
/// regions: constant memory).
fn start_csv<'a, 'n>(
    wb: &mut Workbook,
    stream: bool,
    held: &[crate::ingest::table::Row],
    notes: SheetNotes<'n>,
    lang: Lang,
    fills: &'a Fills,
) -> Result<SheetOut<'a, 'n>, XlsxError> {
    let width = held.iter().map(|r| r.cells.len() as u32).max().unwrap_or(0);
    let ws = if stream { wb.new_worksheet_with_constant_memory()? } else { Worksheet::new() };
    Ok(SheetOut::new(ws, notes, width, lang, fills))
}

/// A constant-memory sheet when `stream` (a large source) unless there are merged regions.
fn new_sheet(wb: &mut Workbook, stream: bool, merges: &[Dimensions]) -> Result<Worksheet, String> {
    if stream && merges.is_empty() { wb.new_worksheet_with_constant_memory().map_err(|e| e.to_string()) } else { Ok(Worksheet::new()) }
}

/// Reproduces merged regions (before any cell is written, so values land in them).
fn merge(ws: &mut Worksheet, merges: &[Dimensions]) -> Result<(), String> {
    for d in merges {
        if d.start.0 > d.end.0 || d.start.1 > d.end.1 || d.end.1 > 16_383 || (d.start == d.end) {
            continue;
        }
        // Overlapping or absurd regions are skipped rather than failing the copy.
        let _ = ws.merge_range(d.start.0, d.start.1 as u16, d.end.0, d.end.1 as u16, "", &Format::new());
    }
    Ok(())
}

fn push_sheet(wb: &mut Workbook, out: SheetOut<'_, '_>, meta: &calamine::Sheet, used: &mut BTreeSet<String>) -> Result<(), String> {
    let mut ws = out.finish().map_err(|e| e.to_string())?;
    let name = sheet_name(&meta.name, used);
    ws.set_name(&name).map_err(|e| e.to_string())?;
    if meta.visible != calamine::SheetVisible::Visible {
        ws.set_hidden(true);
    }
    wb.push_worksheet(ws);
    Ok(())
}
