//! Reading catalogs: files → tables → header mapping → normalized items with provenance.
//! This stage owns everything about sources (formats, encodings, header rows, materials sheets)
//! and nothing about rules: it emits items and the findings of reading and normalizing.

pub mod build;
pub mod csv;
pub mod form;
pub mod headers;
pub mod limits;
pub mod rows;
pub mod spreadsheet;
pub mod table;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::finding::Finding;
use crate::i18n::{Msg, Reason};
use crate::model::item::{CatalogKind, Item};

use form::SheetBuilder;
use headers::HeaderDictionary;

/// How tables are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Layout {
    /// Detect per sheet.
    #[default]
    Auto,
    /// One row per item.
    Table,
    /// A 办事指南 form: labels down a column, values beside them.
    Form,
}

/// Reading options, resolved once from arguments and config.
#[derive(Debug, Clone)]
pub struct Options {
    /// Header dictionary (built-in plus config aliases).
    pub dict: Arc<HeaderDictionary>,
    /// CSV encoding.
    pub encoding: csv::CsvEncoding,
    /// The base catalog named by `--base` or config, if any.
    pub base: Option<PathBuf>,
    /// Layout override.
    pub layout: Layout,
    /// Resource limits checked before parsing.
    pub limits: crate::config::Limits,
    /// Value aliases from the config (`values:`), applied to whole cells before normalizing.
    pub values: Arc<crate::config::ValueAliases>,
    /// Division names (bundled table and `jurisdictions:`), to tell a list's jurisdiction from
    /// its file, folder or sheet name.
    pub divisions: Arc<crate::model::divisions::Divisions>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dict: Arc::new(HeaderDictionary::default()),
            encoding: csv::CsvEncoding::Auto,
            base: None,
            layout: Layout::Auto,
            limits: crate::config::Limits::default(),
            values: Arc::default(),
            divisions: Arc::new(crate::model::divisions::Divisions::new(&Default::default())),
        }
    }
}

/// What reading emits, in order.
// Items, the bulk of events, are boxed; findings are rare enough to travel unboxed.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Event {
    /// A table starts.
    Table { file: Arc<str>, sheet: Option<Arc<str>>, kind: CatalogKind },
    /// One item of the current table.
    Item(Box<Item>),
    /// A finding of reading or normalizing.
    Finding(Finding),
}

/// The file formats qingdan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma (or tab/semicolon) separated text.
    Csv,
    /// A workbook calamine reads.
    Workbook,
    /// qingdan's own YAML output.
    Yaml,
    /// qingdan's own JSON output.
    Json,
    /// qingdan's own NDJSON output.
    Ndjson,
}

/// The format of a path by its extension, if qingdan reads it.
pub fn format_of(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "csv" | "tsv" | "txt" => Format::Csv,
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Format::Workbook,
        "yaml" | "yml" => Format::Yaml,
        "json" => Format::Json,
        "ndjson" | "jsonl" => Format::Ndjson,
        _ => return None,
    })
}

/// Whether a file or sheet name marks a base catalog.
pub fn names_base(name: &str) -> bool {
    name.contains("基本目录")
}

/// Whether a file or sheet name suggests a separate materials table.
fn names_materials(name: &str) -> bool {
    name.contains("材料")
}

/// Reads many files; materials tables are read first so items can be joined with them.
pub struct Reader {
    opts: Options,
    index: build::MaterialsIndex,
}

impl Reader {
    /// A reader with `opts`.
    pub fn new(opts: Options) -> Reader {
        Reader { opts, index: build::MaterialsIndex::default() }
    }

    /// Orders files so that the base catalog comes first (the cross-level pass compares each
    /// item on arrival), then materials tables (joined to items read later); stable otherwise.
    pub fn order(files: &mut [PathBuf], base: Option<&Path>) {
        files.sort_by_key(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let is_base = names_base(name) || base.is_some_and(|b| same_file(b, p));
            (!is_base, !names_materials(name))
        });
    }

    /// Reads one file, emitting events. Never panics on content; an unreadable file is a finding.
    pub fn read_file(&mut self, path: &Path, display: &str, emit: &mut dyn FnMut(Event)) {
        let file: Arc<str> = display.into();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let is_base_file = names_base(stem) || self.opts.base.as_deref().is_some_and(|b| same_file(b, path));
        let unreadable = |reason: Reason, emit: &mut dyn FnMut(Event)| {
            emit(Event::Finding(Finding::at_file("QD001", display, None, Msg::FileUnreadable { reason })));
        };
        // One open first: a file that cannot be opened (missing, forbidden) is one finding in
        // plain words, not a reader's error after an "empty file".
        if let Err(e) = std::fs::File::open(path) {
            return unreadable(Reason::from_io(&e), emit);
        }
        let mut format = format_of(path);
        let mut merges = true;
        if format == Some(Format::Workbook) {
            match limits::check_workbook(path, &self.opts.limits) {
                Ok(limits::Verdict::Workbook { merges: m }) => merges = m,
                Ok(limits::Verdict::Csv) => format = Some(Format::Csv),
                Err(reason) => return unreadable(reason, emit),
            }
        }
        match format {
            Some(Format::Csv) => {
                let kind = if is_base_file { CatalogKind::Base } else { CatalogKind::Implementation };
                let mut b = SheetBuilder::new(file.clone(), None, kind, &self.opts, true);
                let mut issues = Vec::new();
                let idx = &mut self.index;
                let max_field = usize::try_from(self.opts.limits.max_field_kib.saturating_mul(1024)).unwrap_or(usize::MAX);
                let res = csv::read(path, self.opts.encoding, max_field, &mut |row| b.push_row(row, idx, emit), &mut issues);
                // Resolve the mapping first, so that each issue names its field.
                b.finish_sheet(&mut self.index, emit);
                for issue in issues {
                    b.csv_issue(issue, emit);
                }
                if let Err(e) = res {
                    unreadable(Reason::from_io(&e), emit);
                }
            }
            Some(Format::Workbook) => {
                let mut v = WorkbookVisitor {
                    reader_opts: &self.opts,
                    file: file.clone(),
                    base_file: is_base_file,
                    builder: None,
                    index: &mut self.index,
                    emit,
                };
                if let Err(e) = limits::guarded(|| spreadsheet::read(path, merges, &mut v).map_err(Reason::Other)) {
                    if v.builder.is_some() {
                        // Stopped inside a sheet: report it there and keep what was read.
                        v.end_sheet_with(Some(e));
                    } else {
                        unreadable(e, v.emit);
                    }
                }
            }
            Some(Format::Yaml | Format::Json | Format::Ndjson) => {
                if let Err(e) = own::read(path, display, emit) {
                    unreadable(e, emit);
                }
            }
            None => unreadable(Reason::UnsupportedType, emit),
        }
    }

    /// Whether any materials table has been read (items read later may be joined with it).
    pub fn has_materials(&self) -> bool {
        !self.index.is_empty()
    }

    /// Findings for materials rows that matched no item (call after every file is read).
    pub fn orphan_materials(&mut self) -> Vec<Finding> {
        self.index.orphans()
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

struct WorkbookVisitor<'a, 'e> {
    reader_opts: &'a Options,
    file: Arc<str>,
    base_file: bool,
    builder: Option<SheetBuilder>,
    index: &'a mut build::MaterialsIndex,
    emit: &'e mut dyn FnMut(Event),
}

impl spreadsheet::SheetVisitor for WorkbookVisitor<'_, '_> {
    fn begin_sheet(&mut self, name: &str) {
        let kind = if self.base_file || names_base(name) { CatalogKind::Base } else { CatalogKind::Implementation };
        self.builder = Some(SheetBuilder::new(self.file.clone(), Some(name.into()), kind, self.reader_opts, false));
    }

    fn row(&mut self, row: table::Row) {
        if let Some(b) = &mut self.builder {
            b.push_row(row, self.index, self.emit);
        }
    }

    fn end_sheet(&mut self, error: Option<String>) {
        self.end_sheet_with(error.map(Reason::Other));
    }
}

impl WorkbookVisitor<'_, '_> {
    /// Ends the current sheet, reporting `error` (why reading stopped early) at it.
    fn end_sheet_with(&mut self, error: Option<Reason>) {
        if let Some(mut b) = self.builder.take() {
            if let Some(e) = error {
                let sheet = b.sheet().map(|s| s.to_string());
                (self.emit)(Event::Finding(Finding::at_file("QD001", &self.file, sheet.as_deref(), Msg::FileUnreadable { reason: e })));
            }
            b.finish_sheet(self.index, self.emit);
        }
    }
}

/// Reading qingdan's own normalized output back.
mod own {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Catalog {
        items: Vec<Item>,
    }

    pub fn read(path: &Path, _display: &str, emit: &mut dyn FnMut(Event)) -> Result<(), Reason> {
        let other = |e: &dyn std::fmt::Display| Reason::Other(e.to_string());
        let text = std::fs::read_to_string(path).map_err(|e| other(&e))?;
        let items: Vec<Item> = match format_of(path) {
            Some(Format::Yaml) => serde_yaml::from_str::<Catalog>(&text).map_err(|e| other(&e))?.items,
            Some(Format::Json) => serde_json::from_str::<Catalog>(&text).map_err(|e| other(&e))?.items,
            _ => {
                let mut v = Vec::new();
                for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                    v.push(serde_json::from_str(line).map_err(|e| Reason::BadLine { line: i + 1, detail: e.to_string() })?);
                }
                v
            }
        };
        let mut current: Option<(Arc<str>, Option<Arc<str>>)> = None;
        for item in items {
            let key = (item.provenance.file.clone(), item.provenance.sheet.clone());
            if current.as_ref() != Some(&key) {
                let base = names_base(&key.0) || key.1.as_deref().is_some_and(names_base);
                emit(Event::Table {
                    file: key.0.clone(),
                    sheet: key.1.clone(),
                    kind: if base { CatalogKind::Base } else { CatalogKind::Implementation },
                });
                current = Some(key);
            }
            emit(Event::Item(Box::new(item)));
        }
        Ok(())
    }
}
