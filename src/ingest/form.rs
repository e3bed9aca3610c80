//! Form-layout sheets (办事指南): element labels down one column, values to their right (often
//! merged across several columns), a 申请材料 sub-table inside the form, a 办结时限 block split
//! into 法定 / 承诺, and one item per sheet or several stacked down one sheet.
//!
//! A [`FormBuilder`] buffers the rows of one sheet (forms are small), classifies them into
//! label/value pairs, material blocks and title rows, splits them into items at each 事项名称
//! label, and builds each item through the same header dictionary and [`normalize::apply`] as
//! table rows. [`SheetBuilder`] decides per sheet between a form and a table.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::build::{self, TableBuilder};
use super::csv::CsvIssue;
use super::headers::HeaderDictionary;
use super::ordered::Emit;
use super::table::{Cell, Row};
use super::{Event, Layout, Options};
use crate::finding::Finding;
use crate::i18n::{Msg, Reason};
use crate::model::field::{Field, MaterialField};
use crate::model::item::{CatalogKind, Item, Material};
use crate::model::provenance::{FieldSource, Provenance, column_letters};
use crate::normalize::{self, text};

/// How many rows are looked at to decide whether a sheet is a form.
pub const FORM_SEARCH_ROWS: usize = 40;

/// How many label rows make a form.
const MIN_LABEL_ROWS: usize = 4;

/// Whether buffered first rows look like a form: at least four rows whose first non-blank cell is
/// a known field label, and no row that reads like a table header (three or more distinct field
/// headers making up most of the row).
pub fn looks_like_form(rows: &[Row], dict: &HeaderDictionary) -> bool {
    let mut label_rows = 0;
    for row in rows.iter().take(FORM_SEARCH_ROWS) {
        let texts: Vec<String> = {
            let mut seen = HashSet::new();
            row.cells.iter().filter_map(|c| text::clean(&c.as_text())).filter(|t| seen.insert(t.clone())).collect()
        };
        let mapped: Vec<Field> = texts.iter().filter_map(|t| dict.field(t)).collect();
        let distinct: HashSet<Field> = mapped.iter().copied().collect();
        if distinct.len() >= 3 && mapped.len() * 2 > texts.len() {
            return false;
        }
        let runs = runs(row);
        if runs.first().is_some_and(|r| resolve_label(dict, &r.text).is_some()) {
            label_rows += 1;
        }
    }
    label_rows >= MIN_LABEL_ROWS
}

/// Builds the items of one sheet, as a table or as a form: decided from the first rows when the
/// layout is `auto` (CSV files stay tables unless `--layout form`).
pub enum SheetBuilder {
    /// Buffering the first rows until the layout is known.
    Undecided {
        /// The file.
        file: Arc<str>,
        /// The sheet.
        sheet: Option<Arc<str>>,
        /// Base catalog or implementation list.
        catalog: CatalogKind,
        /// Reading options.
        opts: Options,
        /// The buffered rows.
        rows: Vec<Row>,
    },
    /// A table: one row per item.
    Table(Box<TableBuilder>),
    /// A form.
    Form(FormBuilder),
}

impl SheetBuilder {
    /// A builder for one sheet (or CSV file when `csv`), honouring `opts.layout`.
    pub fn new(file: Arc<str>, sheet: Option<Arc<str>>, catalog: CatalogKind, opts: &Options, csv: bool) -> SheetBuilder {
        match (opts.layout, csv) {
            (Layout::Form, _) => SheetBuilder::Form(FormBuilder::new(file, sheet, catalog, opts)),
            (Layout::Table, _) | (Layout::Auto, true) => SheetBuilder::Table(Box::new(TableBuilder::new(file, sheet, catalog, opts))),
            (Layout::Auto, false) => SheetBuilder::Undecided { file, sheet, catalog, opts: opts.clone(), rows: Vec::new() },
        }
    }

    /// The sheet name.
    pub fn sheet(&self) -> Option<&str> {
        match self {
            SheetBuilder::Undecided { sheet, .. } => sheet.as_deref(),
            SheetBuilder::Table(b) => b.sheet(),
            SheetBuilder::Form(b) => b.sheet.as_deref(),
        }
    }

    /// Feeds one row.
    pub fn push_row(&mut self, row: Row, out: &mut dyn Emit) {
        match self {
            SheetBuilder::Undecided { rows, .. } => {
                rows.push(row);
                if rows.len() >= FORM_SEARCH_ROWS {
                    self.decide(out);
                }
            }
            SheetBuilder::Table(b) => b.push_row(row, out),
            SheetBuilder::Form(b) => b.push_row(row),
        }
    }

    /// Feeds one CSV record (decoded where it is built when the sheet is a table being read).
    pub fn push_raw(&mut self, raw: super::csv::RawRow, decoder: super::csv::Decoder, issues: &mut Vec<CsvIssue>, out: &mut dyn Emit) {
        match self {
            SheetBuilder::Table(b) => b.push_raw(raw, decoder, issues, out),
            _ => self.push_row(decoder.decode(&raw, issues), out),
        }
    }

    /// Reports a CSV decoding issue at its cell.
    pub fn csv_issue(&self, issue: CsvIssue, out: &mut dyn Emit) {
        match self {
            SheetBuilder::Table(b) => b.csv_issue(issue, out),
            SheetBuilder::Form(b) => b.csv_issue(issue, out),
            SheetBuilder::Undecided { .. } => {}
        }
    }

    /// Ends the sheet, emitting what is still buffered.
    pub fn finish_sheet(&mut self, out: &mut dyn Emit) {
        self.decide(out);
        match self {
            SheetBuilder::Table(b) => b.finish_sheet(out),
            SheetBuilder::Form(b) => b.finish_sheet(out),
            SheetBuilder::Undecided { .. } => {}
        }
    }

    fn decide(&mut self, out: &mut dyn Emit) {
        let SheetBuilder::Undecided { file, sheet, catalog, opts, rows } = self else { return };
        let rows = std::mem::take(rows);
        if looks_like_form(&rows, &opts.dict) {
            let mut b = FormBuilder::new(file.clone(), sheet.clone(), *catalog, opts);
            b.rows = rows;
            *self = SheetBuilder::Form(b);
        } else {
            let mut b = TableBuilder::new(file.clone(), sheet.clone(), *catalog, opts);
            for r in rows {
                b.push_row(r, out);
            }
            *self = SheetBuilder::Table(Box::new(b));
        }
    }
}

/// Builds the items of one form-layout sheet.
pub struct FormBuilder {
    file: Arc<str>,
    sheet: Option<Arc<str>>,
    catalog: CatalogKind,
    dict: Arc<HeaderDictionary>,
    rows: Vec<Row>,
}

impl FormBuilder {
    /// A builder for a form sheet of `file`.
    pub fn new(file: Arc<str>, sheet: Option<Arc<str>>, catalog: CatalogKind, opts: &Options) -> FormBuilder {
        FormBuilder { file, sheet, catalog, dict: opts.dict.clone(), rows: Vec::new() }
    }

    /// Buffers one row.
    pub fn push_row(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// Reports a CSV decoding issue at its cell.
    pub fn csv_issue(&self, issue: CsvIssue, out: &mut dyn Emit) {
        let (row, column, reason) = match issue {
            CsvIssue::Encoding { row, column } => (row, column, Reason::InvalidEncoding),
            CsvIssue::TooLong { row, column, len } => (row, column, Reason::FieldCut { bytes: len }),
        };
        let mut f = Finding::at_file("QD010", &self.file, None, Msg::CellUnreadable { field: Field::Name, reason });
        f.location.row = Some(row);
        f.location.column = Some(column);
        out.event(Event::Finding(f));
    }

    /// Reads the buffered sheet and emits its table, items and findings.
    pub fn finish_sheet(&mut self, out: &mut dyn Emit) {
        let rows = std::mem::take(&mut self.rows);
        if rows.iter().all(Row::is_blank) {
            if self.sheet.is_none() {
                out.event(Event::Finding(Finding::at_file("QD001", &self.file, None, Msg::FileUnreadable { reason: Reason::EmptyFile })));
            }
            return;
        }
        out.event(Event::Table { file: self.file.clone(), sheet: self.sheet.clone(), kind: self.catalog });
        let lines = classify(&rows, &self.dict);
        let mut count = 0;
        for block in split_items(&lines) {
            let Some((mut item, findings)) = self.build_item(block) else { continue };
            let index = out.index();
            if item.materials.is_none()
                && !index.is_empty()
                && let Some(ms) = index.take_for(&item)
            {
                item.materials = Some(ms);
            }
            count += 1;
            out.event(Event::Item(Box::new(item)));
            for f in findings {
                out.event(Event::Finding(f));
            }
        }
        if count == 0 {
            out.event(Event::Finding(Finding::at_file("QD005", &self.file, self.sheet.as_deref(), Msg::EmptyTable)));
        }
    }

    /// Builds one item from its lines; `None` when they hold no label at all.
    fn build_item(&self, lines: &[Line]) -> Option<(Item, Vec<Finding>)> {
        let pairs: Vec<&Pair> =
            lines.iter().filter_map(|l| if let Kind::Pairs(ps) = &l.kind { Some(ps) } else { None }).flatten().collect();
        let blocks: Vec<&MaterialsBlock> =
            lines.iter().filter_map(|l| if let Kind::Materials(b) = &l.kind { Some(b) } else { None }).collect();
        let item_row = pairs
            .iter()
            .find(|p| p.field == Some(Field::Name))
            .or_else(|| pairs.iter().find(|p| p.field.is_some()))
            .map(|p| p.label_at.0)
            .or_else(|| blocks.first().map(|b| b.header_row))?;
        let mut sources: BTreeMap<Field, FieldSource> = BTreeMap::new();
        let mut values: Vec<(Field, &Cell)> = Vec::new();
        let mut extra: BTreeMap<String, String> = BTreeMap::new();
        let mut reading: Vec<Finding> = Vec::new();
        let at_label = |p: &Pair, rule: &'static str, msg: Msg| {
            let mut f = Finding::at_file(rule, &self.file, self.sheet.as_deref(), msg);
            f.location.row = Some(p.label_at.0);
            f.location.column = Some(p.label_at.1);
            f.location.header = Some(p.label.clone());
            f
        };
        let source = |header: &str, (row, column): (u32, u32)| FieldSource {
            header: header.to_string(),
            column,
            row: (row != item_row).then_some(row),
        };
        for p in &pairs {
            let shown = if p.cell.is_blank() { None } else { Some(p.cell.as_text().into_owned()) };
            match p.field {
                None => {
                    if let Some(v) = shown {
                        extra.insert(p.label.clone(), v);
                    }
                    if !p.label.starts_with('#') && !build::is_sequence_header(&p.label) {
                        reading.push(at_label(p, "QD003", Msg::UnmappedHeader { header: p.label.clone() }));
                    }
                }
                Some(Field::Materials) if !blocks.is_empty() => {
                    if let Some(v) = shown {
                        extra.insert(p.label.clone(), v);
                    }
                }
                Some(f) => {
                    if let Some(first) = sources.get(&f) {
                        let first = first.header.clone();
                        reading.push(at_label(p, "QD004", Msg::DuplicateHeader { header: p.label.clone(), first }));
                        if let Some(v) = shown {
                            extra.insert(p.label.clone(), v);
                        }
                        continue;
                    }
                    sources.insert(f, source(&p.label, p.value_at));
                    values.push((f, &p.cell));
                }
            }
        }
        let mut materials: Option<Vec<Material>> = None;
        if let Some(first) = blocks.first() {
            let label = pairs.iter().find(|p| p.field == Some(Field::Materials)).map_or(first.label.as_str(), |p| p.label.as_str());
            sources.insert(Field::Materials, source(label, (first.first_row.unwrap_or(first.header_row), first.name_col)));
            let all: Vec<Material> = blocks.iter().flat_map(|b| b.materials.iter().cloned()).collect();
            if !all.is_empty() {
                materials = Some(all);
            }
        }
        let mut item = Item {
            provenance: Provenance {
                file: self.file.clone(),
                sheet: self.sheet.clone(),
                row: item_row,
                fields: Arc::new(sources),
                form: true,
            },
            materials,
            extra,
            ..Default::default()
        };
        let mut problems = Vec::new();
        for (f, cell) in values {
            if let Some(p) = normalize::apply(&mut item, f, cell) {
                if let normalize::ValueProblem::Unreadable(raw) = &p {
                    item.unread.insert(f, raw.clone());
                }
                problems.push((f, p));
            }
        }
        let label = item.label().map(str::to_string);
        let mut findings: Vec<Finding> = reading
            .into_iter()
            .map(|mut f| {
                f.item = label.clone();
                f
            })
            .collect();
        for (f, p) in problems {
            let (rule, msg) = build::problem_message(f, p);
            findings.push(Finding::at_item(rule, &item, Some(f), msg));
        }
        Some((item, findings))
    }
}

/// A run of equal cells side by side (a merged region read as copies), or one cell.
#[derive(Debug, Clone)]
struct Run {
    col: u32,
    end: u32,
    text: String,
    cell: Cell,
}

/// The non-blank runs of a row, left to right, leading row numbers (`1`, `一、`) dropped when a
/// label follows them.
fn runs(row: &Row) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for (c, cell) in row.cells.iter().enumerate() {
        let Some(t) = text::clean(&cell.as_text()) else { continue };
        let c = c as u32;
        if let Some(last) = out.last_mut()
            && last.end + 1 == c
            && last.text == t
        {
            last.end = c;
            continue;
        }
        out.push(Run { col: c, end: c, text: t, cell: cell.clone() });
    }
    if out.len() > 1 && is_row_number(&out[0].text) {
        out.remove(0);
    }
    out
}

fn is_row_number(t: &str) -> bool {
    let t = t.trim_end_matches(['、', '.', '．', ')', '）']);
    !t.is_empty() && t.chars().count() <= 3 && t.chars().all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
}

/// What a label cell names.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Label {
    /// A field.
    Field(Field),
    /// 办结时限 (or any 时限 / 期限 label no field claims): split into 法定 / 承诺.
    LimitParent,
}

fn resolve_label(dict: &HeaderDictionary, t: &str) -> Option<Label> {
    if t.contains('\n') || t.chars().count() > 30 {
        return None;
    }
    if let Some(f) = dict.field(t).or_else(|| dict.compositional(t).map(|(f, _)| f)) {
        return Some(Label::Field(f));
    }
    let k = text::fold_header(t);
    (k.ends_with("时限") || k.ends_with("期限")).then_some(Label::LimitParent)
}

/// The limit a sub-label (`法定`, `承诺办结时限`) names under a 办结时限 parent.
fn limit_sub(dict: &HeaderDictionary, parent: &str, sub: &str) -> Option<Field> {
    [format!("{sub}{parent}"), format!("{sub}办结时限"), sub.to_string()]
        .iter()
        .find_map(|c| dict.field(c))
        .filter(|f| matches!(f, Field::StatutoryLimit | Field::PromisedLimit))
}

/// Splits a 办结时限 value written as lines (`法定：20个工作日` / `承诺：10个工作日`).
fn limit_lines(dict: &HeaderDictionary, parent: &str, value: &str) -> Vec<(Field, String, String)> {
    let mut out = Vec::new();
    for part in value.split(['\n', ';', '；', '，', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        let (sub, v) = match part.find([':', '：']) {
            Some(i) => (part[..i].trim(), part[i..].trim_start_matches([':', '：']).trim()),
            None => {
                let cut = ["法定办结时限", "承诺办结时限", "法定时限", "承诺时限", "法定", "承诺"].iter().find(|p| part.starts_with(**p));
                match cut {
                    Some(p) => (*p, part[p.len()..].trim()),
                    None => continue,
                }
            }
        };
        if let Some(f) = limit_sub(dict, parent, sub) {
            out.push((f, format!("{parent}/{sub}"), v.to_string()));
        }
    }
    out
}

/// One label and its value.
#[derive(Debug, Clone)]
struct Pair {
    /// The field; `None` for a label the dictionary does not know (kept under `extra`).
    field: Option<Field>,
    /// The label as written (`办结时限/法定` for a block).
    label: String,
    /// (1-based row, 0-based column) of the label.
    label_at: (u32, u32),
    /// (1-based row, 0-based column) of the value cell.
    value_at: (u32, u32),
    /// The value cell (Empty when the label has no value).
    cell: Cell,
}

/// A 申请材料 sub-table.
#[derive(Debug, Clone)]
struct MaterialsBlock {
    label: String,
    header_row: u32,
    name_col: u32,
    first_row: Option<u32>,
    materials: Vec<Material>,
}

#[derive(Debug, Clone)]
enum Kind {
    Pairs(Vec<Pair>),
    Materials(MaterialsBlock),
    /// A title or heading row (one text across the row).
    Title,
}

#[derive(Debug, Clone)]
struct Line {
    /// Blank rows precede this one.
    gap_before: bool,
    kind: Kind,
}

/// A materials sub-table header: (column, material field) when the row names 材料名称 and at
/// least one other material column.
fn materials_header(row: &Row, dict: &HeaderDictionary) -> Option<Vec<(u32, MaterialField)>> {
    let mut cols: Vec<(u32, MaterialField)> = Vec::new();
    for (c, cell) in row.cells.iter().enumerate() {
        let Some(t) = text::clean(&cell.as_text()) else { continue };
        if let Some(m) = dict.material(&t)
            && !cols.iter().any(|(_, x)| *x == m)
        {
            cols.push((c as u32, m));
        }
    }
    (cols.len() >= 2 && cols.iter().any(|(_, m)| *m == MaterialField::Name)).then_some(cols)
}

/// Classifies the rows of a form sheet into lines.
fn classify(rows: &[Row], dict: &HeaderDictionary) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut prev_row: Option<u32> = None;
    // The open materials sub-table: its columns and the line holding it.
    let mut open: Option<(Vec<(u32, MaterialField)>, usize)> = None;
    // The 办结时限 parent of the previous row, for a sub-row without its own label.
    let mut limit_parent: Option<String> = None;
    for row in rows.iter().filter(|r| !r.is_blank()) {
        let gap = prev_row.is_some_and(|p| row.number > p + 1);
        prev_row = Some(row.number);
        let rs = runs(row);
        if rs.is_empty() {
            continue;
        }
        if gap {
            open = None;
            limit_parent = None;
        }
        if let Some((cols, at)) = &open {
            let min_col = cols.iter().map(|(c, _)| *c).min().unwrap_or(0);
            let first = &rs[0];
            let first_label = resolve_label(dict, &first.text);
            let ends = if first.col < min_col {
                first_label.is_some_and(|l| l != Label::Field(Field::Materials))
                    || (first_label.is_none() && rs.len() == 1 && !is_row_number(&first.text))
            } else {
                first_label.is_some() && rs.len() >= 2
            };
            if !ends {
                let mut m = Material { required: true, ..Default::default() };
                for (c, mf) in cols {
                    if let Some(t) = text::clean(&row.get(*c as usize).as_text()) {
                        build::set_material_field(&mut m, *mf, t);
                    }
                }
                if !m.name.is_empty()
                    && let Kind::Materials(b) = &mut lines[*at].kind
                {
                    b.first_row.get_or_insert(row.number);
                    b.materials.push(m);
                }
                continue;
            }
            open = None;
        }
        if let Some(cols) = materials_header(row, dict) {
            let name_col = cols.iter().find(|(_, m)| *m == MaterialField::Name).map_or(0, |(c, _)| *c);
            let min_col = cols.iter().map(|(c, _)| *c).min().unwrap_or(0);
            let label = rs
                .iter()
                .find(|r| r.col < min_col && resolve_label(dict, &r.text) == Some(Label::Field(Field::Materials)))
                .map_or_else(|| Field::Materials.label().to_string(), |r| r.text.clone());
            lines.push(Line {
                gap_before: gap,
                kind: Kind::Materials(MaterialsBlock { label, header_row: row.number, name_col, first_row: None, materials: Vec::new() }),
            });
            open = Some((cols, lines.len() - 1));
            limit_parent = None;
            continue;
        }
        let kind = pairs_of(row.number, &rs, dict, limit_parent.as_deref());
        // A value continued on the next row, under the value cell, without a label.
        if rs.len() == 1
            && matches!(kind, Kind::Title)
            && !gap
            && let Some(Line { kind: Kind::Pairs(ps), .. }) = lines.last_mut()
            && let Some(last) = ps.last_mut()
            && last.value_at.1 == rs[0].col
            && last.value_at.1 > last.label_at.1
        {
            let joined = match text::clean(&last.cell.as_text()) {
                Some(t) => format!("{t}\n{}", rs[0].text),
                None => rs[0].text.clone(),
            };
            last.cell = Cell::Text(joined);
            continue;
        }
        limit_parent = match &kind {
            Kind::Pairs(_) if resolve_label(dict, &rs[0].text) == Some(Label::LimitParent) => Some(rs[0].text.clone()),
            Kind::Pairs(ps) if ps.iter().all(|p| matches!(p.field, Some(Field::StatutoryLimit | Field::PromisedLimit))) => {
                limit_parent.clone()
            }
            _ => None,
        };
        lines.push(Line { gap_before: gap, kind });
    }
    lines
}

/// Reads a row's label/value pairs (several per row allowed); a row with no label is a title.
fn pairs_of(row: u32, rs: &[Run], dict: &HeaderDictionary, limit_parent: Option<&str>) -> Kind {
    let mut pairs = Vec::new();
    let is_label = |r: &Run| resolve_label(dict, &r.text).is_some();
    let mut i = 0;
    while i < rs.len() {
        let r = &rs[i];
        // The value: the next run, unless it is itself a label followed by more.
        let value = |j: usize| rs.get(j).filter(|v| !(is_label(v) && j + 1 < rs.len()));
        let pair = |field, label: String, value: Option<&Run>, after: &Run| Pair {
            field,
            label,
            label_at: (row, r.col),
            value_at: value.map_or((row, after.end + 1), |v| (row, v.col)),
            cell: value.map_or(Cell::Empty, |v| v.cell.clone()),
        };
        match resolve_label(dict, &r.text) {
            Some(Label::Field(f)) => {
                let v = value(i + 1);
                pairs.push(pair(Some(f), r.text.clone(), v, r));
                i += if v.is_some() { 2 } else { 1 };
            }
            Some(Label::LimitParent) => {
                let Some(next) = rs.get(i + 1) else {
                    pairs.push(pair(None, r.text.clone(), None, r));
                    i += 1;
                    continue;
                };
                if let Some(f) = limit_sub(dict, &r.text, &next.text) {
                    let v = rs.get(i + 2);
                    pairs.push(pair(Some(f), format!("{}/{}", r.text, next.text), v, next));
                    i += if v.is_some() { 3 } else { 2 };
                } else {
                    let parts = limit_lines(dict, &r.text, &next.text);
                    if parts.is_empty() {
                        pairs.push(pair(None, r.text.clone(), Some(next), r));
                    }
                    for (f, label, v) in parts {
                        let mut p = pair(Some(f), label, Some(next), r);
                        p.cell = Cell::Text(v);
                        pairs.push(p);
                    }
                    i += 2;
                }
            }
            None if i == 0 => {
                if let Some(parent) = limit_parent
                    && let Some(f) = limit_sub(dict, parent, &r.text)
                {
                    let v = rs.get(1);
                    pairs.push(pair(Some(f), format!("{parent}/{}", r.text), v, r));
                    i = 2;
                } else if rs.len() >= 2 && r.text.chars().count() <= 20 {
                    pairs.push(pair(None, r.text.clone(), rs.get(1), r));
                    i = 2;
                } else {
                    return Kind::Title;
                }
            }
            None => {
                let mut p = pair(None, format!("#{}{}", column_letters(r.col), row), None, r);
                p.value_at = (row, r.col);
                p.cell = r.cell.clone();
                pairs.push(p);
                i += 1;
            }
        }
    }
    if pairs.is_empty() { Kind::Title } else { Kind::Pairs(pairs) }
}

/// Splits a sheet's lines into items: a new item starts at each 事项名称 label, together with
/// the labels between the last blank or title row before it and the label itself.
fn split_items(lines: &[Line]) -> Vec<&[Line]> {
    let names: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(&l.kind, Kind::Pairs(ps) if ps.iter().any(|p| p.field == Some(Field::Name))))
        .map(|(i, _)| i)
        .collect();
    if names.len() <= 1 {
        return vec![lines];
    }
    let mut starts = vec![0];
    for w in names.windows(2) {
        let (prev, here) = (w[0], w[1]);
        // The latest separator (blank rows before a line, or a title line) before the label wins.
        let latest = (prev + 1..=here)
            .filter_map(|j| {
                if matches!(lines[j].kind, Kind::Title) && j < here {
                    Some(j + 1)
                } else if lines[j].gap_before {
                    Some(j)
                } else {
                    None
                }
            })
            .max();
        starts.push(latest.unwrap_or(here));
    }
    let mut out = Vec::new();
    for (k, s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(lines.len());
        out.push(&lines[*s..e]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: u32, cells: &[&str]) -> Row {
        Row::from_texts(n, cells)
    }

    fn dict() -> HeaderDictionary {
        HeaderDictionary::default()
    }

    fn read(rows: Vec<Row>) -> (Vec<Item>, Vec<Finding>) {
        let opts = Options::default();
        let mut b = FormBuilder::new("指南.xlsx".into(), Some("指南".into()), CatalogKind::Implementation, &opts);
        for r in rows {
            b.push_row(r);
        }
        let mut items = Vec::new();
        let mut findings = Vec::new();
        let mut index = crate::ingest::build::MaterialsIndex::default();
        let mut emit = |e: Event| match e {
            Event::Item(i) => items.push(*i),
            Event::Finding(f) => findings.push(f),
            Event::Table { .. } => {}
        };
        let mut out = crate::ingest::ordered::Ordered::new(&crate::ingest::ordered::Whole, &mut index, &mut emit, None, 1);
        b.finish_sheet(&mut out);
        out.flush();
        (items, findings)
    }

    #[test]
    fn detects_forms_not_tables() {
        let form = vec![
            row(1, &["某某许可办事指南"]),
            row(2, &["事项名称：", "某某许可", "某某许可"]),
            row(3, &["实施编码（必填）", "X1"]),
            row(4, &["实施主体", "东河区局"]),
            row(5, &["是否收费", "否"]),
        ];
        assert!(looks_like_form(&form, &dict()));
        let table = vec![row(1, &["事项名称", "实施编码", "实施主体"]), row(2, &["某某许可", "X1", "东河区局"])];
        assert!(!looks_like_form(&table, &dict()));
    }

    #[test]
    fn reads_pairs_limits_and_materials() {
        let rows = vec![
            row(1, &["某某许可办事指南"]),
            row(2, &["事项名称", "某某许可", "某某许可"]),
            row(3, &["实施编码", "X1"]),
            row(4, &["办结时限", "法定", "20个工作日"]),
            row(5, &["办结时限", "承诺", "10个工作日"]),
            row(6, &["申请材料", "材料名称", "来源渠道", "原件份数"]),
            row(7, &["申请材料", "身份证", "申请人自备", "1"]),
            row(8, &["申请材料", "营业执照", "政府部门核发", "1份"]),
            row(9, &["受理条件", "第一行"]),
            row(10, &["", "第二行"]),
            row(11, &["咨询电话", "0472-1234567", "监督投诉电话", "12345"]),
        ];
        let (items, findings) = read(rows);
        assert_eq!(findings, vec![]);
        assert_eq!(items.len(), 1);
        let it = &items[0];
        assert_eq!(it.name.as_deref(), Some("某某许可"));
        assert_eq!(it.provenance.row, 2);
        assert_eq!(it.statutory_limit.map(|l| l.value), Some(20));
        assert_eq!(it.promised_limit.map(|l| l.value), Some(10));
        assert_eq!(it.provenance.cell(Field::PromisedLimit), Some((5, 2)));
        assert_eq!(it.provenance.header(Field::PromisedLimit), Some("办结时限/承诺"));
        let ms = it.materials.as_ref().unwrap();
        assert_eq!(ms.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["身份证", "营业执照"]);
        assert_eq!(it.conditions.as_deref(), Some("第一行\n第二行"));
        assert_eq!(it.complaint_phone.as_deref(), Some("12345"));
        assert_eq!(it.provenance.cell(Field::ComplaintPhone), Some((11, 3)));
        assert!(it.provenance.form);
    }

    #[test]
    fn limit_lines_in_one_cell() {
        let rows = vec![
            row(1, &["事项名称", "甲"]),
            row(2, &["办结时限", "法定办结时限：20个工作日\n承诺办结时限：5个工作日"]),
            row(3, &["实施编码", "X1"]),
            row(4, &["实施主体", "局"]),
        ];
        let (items, _) = read(rows);
        assert_eq!(items[0].statutory_limit.map(|l| l.value), Some(20));
        assert_eq!(items[0].promised_limit.map(|l| l.value), Some(5));
    }

    #[test]
    fn stacked_items_split_at_names() {
        let rows = vec![
            row(1, &["甲事项办事指南"]),
            row(2, &["事项名称", "甲"]),
            row(3, &["实施编码", "X1"]),
            row(5, &["乙事项办事指南"]),
            row(6, &["实施编码", "X2"]),
            row(7, &["事项名称", "乙"]),
            row(9, &["事项名称", "丙"]),
            row(10, &["实施编码", "X3"]),
        ];
        let (items, findings) = read(rows);
        assert_eq!(findings, vec![]);
        let got: Vec<_> = items.iter().map(|i| (i.name.clone().unwrap(), i.impl_code.clone().unwrap(), i.provenance.row)).collect();
        assert_eq!(got, vec![("甲".into(), "X1".into(), 2), ("乙".into(), "X2".into(), 7), ("丙".into(), "X3".into(), 9)]);
    }
}
