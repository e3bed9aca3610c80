//! From rows to items: buffers the first rows until the header is found, resolves the column
//! mapping once, then turns every data row into a normalized [`Item`] with provenance, keeping
//! unmapped columns under `extra`. Materials tables are indexed for joining instead.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::csv::CsvIssue;
use super::csv::{Decoder, RawRow};
use super::headers::{self, Column, Header, Matched, Target};
use super::ordered::{DataRow, Emit};
use super::rows::{self, Evidence, SkipReason};
use super::table::Row;
use super::{Event, Options};
use crate::finding::{Finding, Location};
use crate::i18n::{Msg, Reason};
use crate::model::field::{Field, MaterialField};
use crate::model::item::{CatalogKind, Item, Limit, LimitUnit, Material};
use crate::model::provenance::{FieldSource, FieldSources, Provenance};
use crate::normalize::{self, ValueProblem, text};

/// What a table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Items of a base catalog or an implementation list.
    Items(CatalogKind),
    /// One row per material, keyed by impl_code or name.
    Materials,
}

/// Materials from separate tables, by impl_code (or name), with a finding ready in case no
/// item claims them.
#[derive(Debug, Default)]
pub struct MaterialsIndex {
    by_key: HashMap<String, (Vec<Material>, Finding)>,
    used: HashSet<String>,
}

impl MaterialsIndex {
    /// Materials for an item, marking them used.
    pub fn take_for(&mut self, item: &Item) -> Option<Vec<Material>> {
        for key in [item.impl_code.as_deref(), item.name.as_deref()].into_iter().flatten() {
            if let Some((ms, _)) = self.by_key.get(key) {
                self.used.insert(key.to_string());
                return Some(ms.clone());
            }
        }
        None
    }

    /// Findings for rows no item claimed.
    pub fn orphans(&self) -> Vec<Finding> {
        let mut out: Vec<Finding> = self.by_key.iter().filter(|(k, _)| !self.used.contains(*k)).map(|(_, (_, f))| f.clone()).collect();
        out.sort_by_key(|a| (a.location.file.clone(), a.location.row));
        out
    }

    fn add(&mut self, key: String, m: Material, at: Finding) {
        self.by_key.entry(key).or_insert_with(|| (Vec::new(), at)).0.push(m);
    }

    /// Whether any materials are indexed.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

/// The resolved mapping of one table.
struct Mapping {
    kind: TableKind,
    /// (column, field) for item tables.
    fields: Vec<(usize, Field)>,
    /// (column, material field) for materials tables.
    material_fields: Vec<(usize, MaterialField)>,
    /// Unmapped or duplicate columns kept under extra: (column, header).
    extra: Vec<(usize, Arc<str>)>,
    sources: FieldSources,
    header_row: u32,
    /// The columns whose values show a row is an item.
    evidence: Evidence,
    /// Units limit columns take from their headers (`法定办结时限（工作日）`).
    units: Vec<(Field, LimitUnit)>,
}

/// The read-only part of one item table's data rows, shared with the worker threads that build
/// them ([`super::ordered`]): the resolved mapping and everything building a row needs.
pub struct TableRows {
    mapping: Mapping,
    file: Arc<str>,
    sheet: Option<Arc<str>>,
    /// The list's jurisdiction as its file, folder or sheet name it (code, name).
    named: Option<(String, String)>,
    /// Value aliases from the config.
    values: Arc<crate::config::ValueAliases>,
    dict: Arc<headers::HeaderDictionary>,
}

/// Builds the items of one table (a CSV file or one sheet): finds the header, resolves the
/// mapping, and hands each data row of an item table to [`Emit::data_row`], which builds it
/// (inline or on a worker) and emits it in order.
pub struct TableBuilder {
    file: Arc<str>,
    sheet: Option<Arc<str>>,
    catalog: CatalogKind,
    dict: Arc<headers::HeaderDictionary>,
    /// Value aliases from the config.
    values: Arc<crate::config::ValueAliases>,
    pending: Vec<Row>,
    table: Option<Arc<TableRows>>,
    gave_up: bool,
    /// Memo of the repeated-header lookup, for the rows of a materials table.
    memo: HeaderMemo,
    /// The list's jurisdiction as its file, folder or sheet name it.
    named: Option<(String, String)>,
}

/// Memo of the repeated-header lookup by cell text (most columns repeat a few values); a pure
/// function of the text for one dictionary, so each thread keeps its own.
pub type HeaderMemo = HashMap<String, Option<Field>>;

/// The most cell texts a [`HeaderMemo`] remembers.
const HEADER_MEMO_MAX: usize = 4096;

/// The division code every earlier row of a table had (`Err` once two differed): the list's
/// jurisdiction when its name does not say it, as evidence for repairing damaged division codes.
#[derive(Debug, Clone, Default)]
pub struct RowsJurisdiction(Option<Result<String, ()>>);

impl RowsJurisdiction {
    /// Notes one row's division code.
    pub fn observe(&mut self, code: &str) {
        match &self.0 {
            None => self.0 = Some(Ok(code.to_string())),
            Some(Ok(c)) if c != code => self.0 = Some(Err(())),
            _ => {}
        }
    }
}

/// The list's jurisdiction (code, and how to show it): named by its file, folder or sheet, else
/// the one division code its earlier rows share.
fn jurisdiction_of(named: &Option<(String, String)>, rows: &RowsJurisdiction) -> Option<(String, String)> {
    if let Some((code, name)) = named {
        return Some((code.clone(), format!("{name}({code})")));
    }
    match &rows.0 {
        Some(Ok(c)) => Some((c.clone(), c.clone())),
        _ => None,
    }
}

impl TableRows {
    /// Whether the rows' division codes are evidence of the list's jurisdiction (its name does
    /// not say it): then they are observed in row order.
    pub fn observes_rows(&self) -> bool {
        self.named.is_none()
    }
}

impl TableBuilder {
    /// A builder for a table of `file` (and `sheet`).
    pub fn new(file: Arc<str>, sheet: Option<Arc<str>>, catalog: CatalogKind, opts: &Options) -> TableBuilder {
        TableBuilder {
            file: file.clone(),
            sheet: sheet.clone(),
            catalog,
            dict: opts.dict.clone(),
            values: opts.values.clone(),
            pending: Vec::new(),
            table: None,
            gave_up: false,
            memo: HashMap::new(),
            named: opts
                .divisions
                .named_in([&*file, sheet.as_deref().unwrap_or("")])
                .map(|c| (c.to_string(), opts.divisions.name(c).unwrap_or_default().to_string())),
        }
    }

    /// The sheet name.
    pub fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }

    /// Feeds one row.
    pub fn push_row(&mut self, row: Row, out: &mut dyn Emit) {
        if self.gave_up {
            return;
        }
        if self.table.is_none() {
            self.pending.push(row);
            if self.pending.len() < headers::HEADER_SEARCH_ROWS + 1 {
                return;
            }
            self.resolve(out);
            let rows = std::mem::take(&mut self.pending);
            for r in rows {
                self.data_row(r, out);
            }
            return;
        }
        self.data_row(row, out);
    }

    /// Feeds one CSV record: once the table's items are being read, undecoded (decoded where
    /// it is built); before, decoded here, its problems added to `issues`.
    pub fn push_raw(&mut self, raw: RawRow, decoder: Decoder, issues: &mut Vec<CsvIssue>, out: &mut dyn Emit) {
        if let Some(t) = &self.table
            && matches!(t.mapping.kind, TableKind::Items(_))
        {
            if raw.number > t.mapping.header_row {
                out.data_row(t, DataRow::Raw(raw, decoder));
            }
            return;
        }
        self.push_row(decoder.decode(&raw, issues), out);
    }

    /// Ends the table: resolves a short table, reports an empty one.
    pub fn finish_sheet(&mut self, out: &mut dyn Emit) {
        if self.table.is_none() && !self.gave_up {
            if self.pending.iter().all(Row::is_blank) {
                // A blank sheet (common: Sheet2, Sheet3) says nothing; a blank CSV is a finding.
                if self.sheet.is_none() {
                    out.event(Event::Finding(Finding::at_file(
                        "QD001",
                        &self.file,
                        None,
                        Msg::FileUnreadable { reason: Reason::EmptyFile },
                    )));
                }
                return;
            }
            self.resolve(out);
            let rows = std::mem::take(&mut self.pending);
            for r in rows {
                self.data_row(r, out);
            }
        }
        if let Some(t) = &self.table
            && matches!(t.mapping.kind, TableKind::Items(_))
            && out.table_items() == 0
        {
            out.event(Event::Finding(Finding::at_file("QD005", &self.file, self.sheet.as_deref(), Msg::EmptyTable)));
        }
    }

    /// Reports a CSV decoding issue at its cell.
    pub fn csv_issue(&self, issue: CsvIssue, out: &mut dyn Emit) {
        let (row, column, msg) = match issue {
            CsvIssue::Encoding { row, column } => {
                (row, column, Msg::CellUnreadable { field: self.field_at(column).unwrap_or(Field::Name), reason: Reason::InvalidEncoding })
            }
            CsvIssue::TooLong { row, column, len } => (
                row,
                column,
                Msg::CellUnreadable { field: self.field_at(column).unwrap_or(Field::Name), reason: Reason::FieldCut { bytes: len } },
            ),
        };
        let mut f = Finding::at_file("QD010", &self.file, None, msg);
        f.location.row = Some(row);
        f.location.column = Some(column);
        f.field = self.field_at(column);
        out.event(Event::Finding(f));
    }

    fn field_at(&self, column: u32) -> Option<Field> {
        self.table.as_ref()?.mapping.fields.iter().find(|(c, _)| *c as u32 == column).map(|(_, f)| *f)
    }

    fn resolve(&mut self, out: &mut dyn Emit) {
        let Some(header) = headers::detect(&self.pending, &self.dict) else {
            self.gave_up = true;
            let first_nonblank = self.pending.iter().any(|r| !r.is_blank());
            if first_nonblank {
                out.event(Event::Finding(Finding::at_file("QD002", &self.file, self.sheet.as_deref(), Msg::NoHeaderRow)));
            }
            self.pending.clear();
            return;
        };
        self.pending.retain(|r| r.number > header.last_row);
        let materials_indexed = !out.index().is_empty();
        let mapping = self.map(&header, &self.pending, materials_indexed, &mut |ev| out.event(ev));
        if let TableKind::Items(kind) = mapping.kind {
            out.event(Event::Table { file: self.file.clone(), sheet: self.sheet.clone(), kind });
        }
        self.table = Some(Arc::new(TableRows {
            mapping,
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            named: self.named.clone(),
            values: self.values.clone(),
            dict: self.dict.clone(),
        }));
    }

    fn map(&self, header: &Header, sample: &[Row], materials_indexed: bool, emit: &mut dyn FnMut(Event)) -> Mapping {
        let is_materials = header.columns.iter().any(|c| c.target == Some(Target::Material(MaterialField::Name)))
            && !header.columns.iter().any(|c| c.target == Some(Target::Item(Field::Materials)));
        let kind = if is_materials { TableKind::Materials } else { TableKind::Items(self.catalog) };
        let mut fields = Vec::new();
        let mut material_fields = Vec::new();
        let mut extra = Vec::new();
        let mut sources = BTreeMap::new();
        let mut first_header: HashMap<Field, String> = HashMap::new();
        let at_header = |c: &Column, rule: &'static str, msg: Msg| {
            let mut f = Finding::at_file(rule, &self.file, self.sheet.as_deref(), msg);
            f.location.row = Some(header.last_row);
            f.location.column = Some(c.index);
            f.location.header = Some(c.header.clone());
            f
        };
        // A header matched exactly is never overridden by a looser match of another column.
        let exact: HashSet<Field> = header
            .columns
            .iter()
            .filter_map(|c| match (c.target, &c.how) {
                (Some(Target::Item(f)), Matched::Exact) => Some(f),
                _ => None,
            })
            .collect();
        let mut unmapped: Vec<&Column> = Vec::new();
        for c in &header.columns {
            match (c.target, kind) {
                (Some(Target::Item(f)), _) if c.how != Matched::Exact && exact.contains(&f) => unmapped.push(c),
                (Some(Target::Item(f)), _) => {
                    if let Some(first) = first_header.get(&f) {
                        emit(Event::Finding(at_header(
                            c,
                            "QD004",
                            Msg::DuplicateHeader { header: c.header.clone(), first: first.clone() },
                        )));
                        extra.push((c.index as usize, c.header.as_str().into()));
                        continue;
                    }
                    if let Matched::Approximate { known } = &c.how {
                        emit(Event::Finding(at_header(
                            c,
                            "QD006",
                            Msg::HeaderApproximate { header: c.header.clone(), field: f, known: known.clone() },
                        )));
                    }
                    first_header.insert(f, c.header.clone());
                    fields.push((c.index as usize, f));
                    sources.insert(f, FieldSource { header: c.header.clone(), column: c.index, row: None });
                }
                (Some(Target::Material(m)), TableKind::Materials) => material_fields.push((c.index as usize, m)),
                _ => unmapped.push(c),
            }
        }
        for c in unmapped {
            let inferred = if kind == TableKind::Materials {
                None
            } else {
                infer_from_content(c.index as usize, sample, self.catalog, &|f| first_header.contains_key(&f))
            };
            match inferred {
                Some((f, evidence, fit, sampled)) => {
                    emit(Event::Finding(at_header(
                        c,
                        "QD007",
                        Msg::ColumnInferred { header: c.header.clone(), field: f, evidence, fit, sampled },
                    )));
                    first_header.insert(f, c.header.clone());
                    fields.push((c.index as usize, f));
                    sources.insert(f, FieldSource { header: c.header.clone(), column: c.index, row: None });
                }
                None => {
                    if kind != TableKind::Materials && !is_sequence_header(&c.header) {
                        emit(Event::Finding(at_header(c, "QD003", Msg::UnmappedHeader { header: c.header.clone() })));
                    }
                    extra.push((c.index as usize, c.header.as_str().into()));
                }
            }
        }
        if let TableKind::Items(catalog) = kind
            && let Some(f) = missing_columns(&self.file, self.sheet.as_deref(), header, catalog, &sources, materials_indexed)
        {
            emit(Event::Finding(f));
        }
        fields.sort_unstable();
        extra.sort_by_key(|(c, _)| *c);
        let column_of = |f: Field| fields.iter().find(|(_, g)| *g == f).map(|(c, _)| *c);
        let evidence = Evidence {
            name: column_of(Field::Name),
            codes: [Field::BasicCode, Field::ImplCode].into_iter().filter_map(column_of).collect(),
        };
        let units = fields.iter().filter_map(|(_, f)| headers::header_unit(&sources.get(f)?.header, *f).map(|u| (*f, u))).collect();
        Mapping { kind, fields, material_fields, extra, sources: Arc::new(sources), header_row: header.last_row, evidence, units }
    }

    fn data_row(&mut self, row: Row, out: &mut dyn Emit) {
        let Some(t) = &self.table else { return };
        if row.is_blank() || row.number <= t.mapping.header_row {
            return;
        }
        match t.mapping.kind {
            TableKind::Items(_) => out.data_row(t, DataRow::Row(row)),
            TableKind::Materials => match screen(t, row, &mut self.memo) {
                Err(skipped) => out.event(Event::Finding(*skipped)),
                Ok(row) => material_row(t, &row, out.index()),
            },
        }
    }
}

/// The screen every data row passes before it is built: a repeated header row (page-break
/// headers in exports) or, in an item table, a row that is not an item (a note, a sign-off, a
/// total: [`rows::classify`]) is a QD008 finding instead.
pub fn screen(t: &TableRows, row: Row, memo: &mut HeaderMemo) -> Result<Row, Box<Finding>> {
    let m = &t.mapping;
    // When the table has a name column, a repeated header names that field there: one lookup
    // rules most rows out.
    let name_col = m.evidence.name;
    let name_says_header = name_col.is_none_or(|c| names_field(&t.dict, memo, row.get(c)) == Some(Field::Name));
    let repeated = name_says_header && m.fields.iter().filter(|(c, f)| names_field(&t.dict, memo, row.get(*c)) == Some(*f)).count() >= 3;
    let skipped = if repeated {
        Some(SkipReason::RepeatedHeader)
    } else if m.kind == TableKind::Materials {
        None
    } else {
        rows::classify(&row, &m.evidence)
    };
    match skipped {
        Some(reason) => {
            let mut f = Finding::at_file("QD008", &t.file, t.sheet.as_deref(), Msg::RowSkipped { reason, text: rows::excerpt(&row, 40) });
            f.location.row = Some(row.number);
            Err(Box::new(f))
        }
        None => Ok(row),
    }
}

/// Indexes one row of a materials table by the 实施编码 (or name) of its item.
fn material_row(t: &TableRows, row: &Row, index: &mut MaterialsIndex) {
    let m = &t.mapping;
    let mut key_item = Item::default();
    for (c, f) in &m.fields {
        if matches!(f, Field::ImplCode | Field::Name) {
            normalize::apply(&mut key_item, *f, row.get(*c));
        }
    }
    let Some(key) = key_item.impl_code.clone().or(key_item.name.clone()) else { return };
    let mut mat = Material { required: true, ..Default::default() };
    for (c, mf) in &m.material_fields {
        let Some(t) = text::clean(&row.get(*c).as_text()) else { continue };
        set_material_field(&mut mat, *mf, t);
    }
    if mat.name.is_empty() {
        return;
    }
    let mut at = Finding::at_file("QD014", &t.file, t.sheet.as_deref(), Msg::OrphanMaterial { key: key.clone() });
    at.location.row = Some(row.number);
    index.add(key, mat, at);
}

/// Reads one cleaned cell of a materials row into `mat` (shared by materials tables and the
/// 申请材料 sub-table of a form).
pub fn set_material_field(mat: &mut Material, mf: MaterialField, t: String) {
    match mf {
        MaterialField::Name => mat.name = t,
        MaterialField::Source => mat.source = crate::model::vocab::MaterialSource::parse(&t),
        MaterialField::Original => mat.original = normalize::limit::parse_number(t.trim_end_matches('份')),
        MaterialField::Copies => mat.copies = normalize::limit::parse_number(t.trim_end_matches('份')),
        MaterialField::Form => mat.form = crate::model::vocab::MaterialForm::parse(&t),
        MaterialField::Required => mat.required = normalize::boolean::parse_bool(&t).or_else(|| Some(!t.contains("非"))).unwrap_or(true),
        MaterialField::ELicense => mat.e_license = normalize::boolean::parse_bool(&t),
    }
}

/// QD009: one finding per table naming every required field without a column, with the
/// table's unmapped headers as candidates (so a 500-row sheet without 主管部门 gives one finding,
/// not 500 QD100; the registry's precedence drops those).
fn missing_columns(
    file: &str,
    sheet: Option<&str>,
    header: &Header,
    catalog: CatalogKind,
    sources: &BTreeMap<Field, FieldSource>,
    materials_indexed: bool,
) -> Option<Finding> {
    // 申请材料 may come from a separate materials table read earlier and joined by code: then
    // QD100 judges each item. Without one, a table with no materials column is one finding.
    let fields: Vec<Field> = Field::ALL
        .iter()
        .copied()
        .filter(|f| f.required_in(catalog) && !(*f == Field::Materials && materials_indexed) && !sources.contains_key(f))
        .collect();
    if fields.is_empty() {
        return None;
    }
    let unmapped = header
        .columns
        .iter()
        .filter(|c| c.target.is_none() && !c.header.trim().is_empty() && !is_sequence_header(&c.header))
        .map(|c| format!("{} {}", crate::model::provenance::column_letters(c.index), c.header))
        .collect();
    let mut f = Finding::at_file("QD009", file, sheet, Msg::MissingColumns { fields, unmapped });
    f.location.row = Some(header.last_row);
    Some(f)
}

/// Whether a header only numbers rows (序号).
pub(crate) fn is_sequence_header(h: &str) -> bool {
    matches!(text::fold_header(h).as_str(), "序号" | "编号" | "no" | "序" | "行号")
}

/// The longest text, in significant characters before its first bracket, that the
/// repeated-header test looks up (see [`may_name_field`]).
const HEADER_MAX_SIGNIFICANT: usize = 64;

/// Whether a cell could name a field, for the repeated-header test; a cheap screen before the
/// dictionary lookup, which cleans, folds and allocates. Before its first `(`/`（`, a text keeps
/// through `clean` and `fold_header` every character except whitespace, `\0`, brackets,
/// `_ - : ： *` and `《》【】`, losing at most a 2-character `【必填】`/`[必填]` note, and
/// lower-casing never shortens; `HeaderDictionary::field` looks up the whole text and the text
/// before its first bracket. So a text with more than [`HEADER_MAX_SIGNIFICANT`] such
/// characters before its first bracket folds to keys of over 62 characters, longer than any
/// built-in header (the longest is under 20) or any plausible configured alias: it names no field.
fn may_name_field(cell: &super::table::Cell) -> bool {
    let super::table::Cell::Text(s) = cell else { return true };
    if s.len() <= HEADER_MAX_SIGNIFICANT {
        return true;
    }
    let mut kept = 0;
    for c in s.chars() {
        if matches!(c, '(' | '（') {
            break;
        }
        let c = text::fold_char(c);
        if c.is_whitespace() || matches!(c, '\0' | '(' | ')' | '[' | ']' | '【' | '】' | '《' | '》' | '_' | '-' | ':' | '：' | '*') {
            continue;
        }
        kept += 1;
        if kept > HEADER_MAX_SIGNIFICANT {
            return false;
        }
    }
    true
}

/// The field a cell names as a header (`HeaderDictionary::field` of its cleaned text), screened
/// by [`may_name_field`] and memoized by text: a pure function of the text for one dictionary.
fn names_field(dict: &headers::HeaderDictionary, memo: &mut HashMap<String, Option<Field>>, cell: &super::table::Cell) -> Option<Field> {
    if !may_name_field(cell) {
        return None;
    }
    let super::table::Cell::Text(s) = cell else {
        return text::clean(&cell.as_text()).and_then(|t| dict.field(&t));
    };
    if let Some(known) = memo.get(s.as_str()) {
        return *known;
    }
    let found = text::clean_cow(s).and_then(|t| dict.field(&t));
    if memo.len() < HEADER_MEMO_MAX && s.len() <= HEADER_MAX_SIGNIFICANT {
        memo.insert(s.clone(), found);
    }
    found
}

/// An item built from a data row, with the problems of its values, before the settling that may
/// need the rows read before it ([`Built::settle`]).
#[derive(Debug)]
pub struct Built {
    item: Box<Item>,
    problems: Vec<(Field, ValueProblem)>,
}

/// Builds one item from a data row through the resolved mapping. Mapped cells are moved into
/// the item (each column maps to at most one field, and mapped columns are not extra).
pub fn build(t: &TableRows, mut row: Row) -> Built {
    let m = &t.mapping;
    let mut item = Box::new(Item {
        provenance: Provenance { file: t.file.clone(), sheet: t.sheet.clone(), row: row.number, fields: m.sources.clone(), form: false },
        ..Default::default()
    });
    let mut problems: Vec<(Field, ValueProblem)> = Vec::new();
    for (c, f) in &m.fields {
        let mut cell = row.cells.get_mut(*c).map(std::mem::take).unwrap_or_default();
        if let Some(aliases) = t.values.get(f) {
            alias_value(&mut cell, aliases);
        }
        // A bare number under a header that names the unit (`承诺时限（天）`) takes that unit.
        if let Some((_, unit)) = m.units.iter().find(|(g, _)| g == f)
            && let Some(value) = bare_number(&cell)
        {
            let limit = if value == 0 { Limit::INSTANT } else { Limit { value, unit: *unit } };
            match f {
                Field::StatutoryLimit => item.statutory_limit = Some(limit),
                _ => item.promised_limit = Some(limit),
            }
            continue;
        }
        if let Some(p) = normalize::apply_owned(&mut item, *f, cell) {
            if let ValueProblem::Unreadable(raw) = &p {
                item.unread.insert(*f, raw.clone());
            }
            problems.push((*f, p));
        }
    }
    for (c, h) in &m.extra {
        let cell = row.get(*c);
        if !cell.is_blank() {
            item.extra.insert(h.to_string(), cell.as_text().into_owned());
        }
    }
    // Cells beyond the last header column are kept too, so nothing is lost.
    let width = m.fields.iter().map(|(c, _)| *c).chain(m.extra.iter().map(|(c, _)| *c)).max().map_or(0, |c| c + 1);
    for (c, cell) in row.cells.iter().enumerate().skip(width) {
        if !cell.is_blank() {
            item.extra.insert(format!("#{}", crate::model::provenance::column_letters(c as u32)), cell.as_text().into_owned());
        }
    }
    Built { item, problems }
}

impl Built {
    /// Whether settling needs the division codes of the rows before this one: its division
    /// code lost digits and the table's name does not say its jurisdiction.
    pub fn awaits_rows(&self, t: &TableRows) -> bool {
        t.named.is_none() && self.problems.iter().any(|(f, p)| *f == Field::DivisionCode && matches!(p, ValueProblem::DigitsLost(_)))
    }

    /// The item and the findings of its values. A division code Excel showed as 1.50223E+11
    /// is restored when the agency code and the list's jurisdiction (its name, else `rows`:
    /// the one code the rows before share) agree on it.
    pub fn settle(self, t: &TableRows, rows: &RowsJurisdiction) -> (Box<Item>, Vec<Finding>) {
        let Built { mut item, mut problems } = self;
        let mut repaired = Vec::new();
        problems.retain(|(f, p)| {
            let (Field::DivisionCode, ValueProblem::DigitsLost(raw)) = (f, p) else { return true };
            let Some((code, shown)) = jurisdiction_of(&t.named, rows) else { return true };
            match crate::normalize::code::repair_division(raw, item.agency_code.as_deref(), Some(&code)) {
                Some(fixed) => {
                    let agency_division = item.agency_code.as_deref().and_then(|a| a.get(2..8)).unwrap_or_default().to_string();
                    let evidence = crate::i18n::RepairEvidence::AgencyAndJurisdiction { agency_division, jurisdiction: shown };
                    repaired.push(Msg::CodeRepaired { field: Field::DivisionCode, raw: raw.clone(), repaired: fixed.clone(), evidence });
                    item.division_code = Some(fixed);
                    false
                }
                None => true,
            }
        });
        let mut findings: Vec<Finding> = problems
            .into_iter()
            .map(|(f, p)| {
                let (rule, msg) = problem_message(f, p);
                Finding::at_item(rule, &item, Some(f), msg)
            })
            .collect();
        findings.extend(repaired.into_iter().map(|msg| Finding::at_item("QD015", &item, Some(Field::DivisionCode), msg)));
        (item, findings)
    }
}

/// Replaces a whole cell that is a configured value alias (`values: {level: {区级: 县级}}`)
/// by the vocabulary's term it stands for.
fn alias_value(cell: &mut super::table::Cell, aliases: &std::collections::BTreeMap<String, String>) {
    if let super::table::Cell::Text(t) = cell
        && let Some(to) = aliases.get(t.trim())
    {
        *t = to.clone();
    }
}

/// A cell holding only a whole number (a number cell, or digits as text).
fn bare_number(cell: &super::table::Cell) -> Option<u32> {
    match cell {
        super::table::Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= f64::from(u32::MAX) => Some(*n as u32),
        super::table::Cell::Text(t) => {
            let t = text::fold_key(t);
            (!t.is_empty() && t.len() <= 6 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten()
        }
        _ => None,
    }
}

/// A test of one cell's text.
type ValueTest = dyn Fn(&str) -> bool;

/// The least share of sampled values that must fit a kind for a column to be read by content.
const INFER_MIN_SHARE: f64 = 0.9;
/// The fewest non-blank sampled values content inference decides on.
const INFER_MIN_VALUES: usize = 3;

/// Content inference for an unmapped column: when at least 90 % of its sampled non-blank
/// values are valid credit codes, 12-digit division codes, basic codes, yes/no values or time
/// limits, and exactly one required field of that kind is not mapped yet, the column holds
/// that field. Returns (field, what the values are, how many fit, how many were sampled).
fn infer_from_content(
    column: usize,
    sample: &[Row],
    catalog: CatalogKind,
    mapped: &dyn Fn(Field) -> bool,
) -> Option<(Field, crate::i18n::Evidence, usize, usize)> {
    use crate::i18n::Evidence as E;
    use crate::model::field::Required;
    let values: Vec<String> =
        sample.iter().map(|r| r.get(column)).filter(|c| !c.is_blank()).map(|c| c.as_text().trim().to_string()).collect();
    if values.len() < INFER_MIN_VALUES {
        return None;
    }
    let share = |pred: &dyn Fn(&str) -> bool| {
        let fit = values.iter().filter(|v| pred(v)).count();
        (fit as f64 >= INFER_MIN_SHARE * values.len() as f64).then_some(fit)
    };
    let required = |f: Field| match f.required() {
        Required::Always => true,
        Required::Implementation => catalog == CatalogKind::Implementation,
        _ => false,
    };
    let free = |f: Field| required(f) && !mapped(f);
    let credit = |v: &str| crate::model::codes::check_credit_code(&v.to_ascii_uppercase()).is_ok();
    let division = |v: &str| {
        v.len() == 12
            && v.bytes().all(|b| b.is_ascii_digit())
            && crate::model::codes::division_depth(v).is_some()
            && matches!(&v[..1], "1" | "2" | "3" | "4" | "5" | "6")
    };
    let digits = |v: &str| (9..=14).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit());
    let yes_no = |v: &str| crate::normalize::boolean::parse_bool(v).is_some() && !v.bytes().all(|b| b.is_ascii_digit());
    let limit = |v: &str| crate::normalize::limit::parse_limit(v).is_some() && !v.bytes().all(|b| b.is_ascii_digit());
    let candidates: [(E, &ValueTest, &[Field]); 5] = [
        (E::CreditCodes, &credit, &[Field::AgencyCode]),
        (E::DivisionCodes, &division, &[Field::DivisionCode]),
        (E::BasicCodes, &digits, &[Field::BasicCode]),
        (E::YesNo, &yes_no, &[Field::Fee]),
        (E::Limits, &limit, &[Field::StatutoryLimit, Field::PromisedLimit]),
    ];
    for (evidence, pred, fields) in candidates {
        let Some(fit) = share(pred) else { continue };
        let open: Vec<Field> = fields.iter().copied().filter(|f| free(*f)).collect();
        return match open.as_slice() {
            [f] => Some((*f, evidence, fit, values.len())),
            _ => None,
        };
    }
    None
}

/// The rule and message for a value problem.
pub fn problem_message(field: Field, p: ValueProblem) -> (&'static str, Msg) {
    match p {
        ValueProblem::Unreadable(raw) => ("QD010", Msg::ValueUnreadable { field, raw }),
        ValueProblem::PartlyUnreadable(parts) => ("QD010", Msg::ValuePartlyUnreadable { field, parts }),
        ValueProblem::DigitsLost(raw) => ("QD011", Msg::DigitsLost { raw }),
        ValueProblem::ErrorCell(raw) => ("QD012", Msg::ErrorCell { raw }),
        ValueProblem::DateInText(raw) => ("QD013", Msg::DateInText { raw }),
    }
}

/// A location for a cell (used by form readers).
pub fn cell_location(file: &Arc<str>, sheet: &Option<Arc<str>>, row: u32, column: u32) -> Location {
    Location { file: Some(file.clone()), sheet: sheet.clone(), row: Some(row), column: Some(column), header: None }
}
