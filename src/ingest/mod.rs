//! Reading catalogs: files → tables → header mapping → normalized items with provenance.
//! This stage owns everything about sources (formats, encodings, header rows, materials sheets)
//! and nothing about rules: it emits items and the findings of reading and normalizing.

pub mod build;
pub mod csv;
pub mod form;
pub mod headers;
pub mod limits;
pub mod ordered;
pub mod rows;
pub mod scan;
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

/// What reading emits, in order. `I` is what an item became through the reader's
/// [`ordered::ItemWork`]: the item itself by default.
// Items, the bulk of events, are boxed; findings are rare enough to travel unboxed.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Event<I = Box<Item>> {
    /// A table starts.
    Table { file: Arc<str>, sheet: Option<Arc<str>>, kind: CatalogKind },
    /// One item of the current table.
    Item(I),
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
    threads: usize,
}

impl Reader {
    /// A reader with `opts`, reading each file on the calling thread.
    pub fn new(opts: Options) -> Reader {
        Reader { opts, index: build::MaterialsIndex::default(), threads: 1 }
    }

    /// A reader that builds the items of a large table on up to `threads` worker threads
    /// (emitting them in row order all the same).
    pub fn with_threads(opts: Options, threads: usize) -> Reader {
        Reader { threads: threads.max(1), ..Reader::new(opts) }
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
        self.read_file_with(path, display, &ordered::Whole, emit);
    }

    /// Reads one file, emitting events whose items went through `work` (on worker threads for
    /// a large table when the reader has more than one; the events arrive in the same order).
    pub fn read_file_with<W: ordered::ItemWork>(&mut self, path: &Path, display: &str, work: &W, emit: &mut dyn FnMut(Event<W::Out>)) {
        let (opts, index, threads) = (&self.opts, &mut self.index, self.threads);
        std::thread::scope(|scope| {
            let mut out = ordered::Ordered::new(work, index, emit, Some(scope), threads);
            read_into(opts, path, display, &mut out);
            out.flush();
        });
    }

    /// The resource limits reading applies.
    pub fn limits(&self) -> &crate::config::Limits {
        &self.opts.limits
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

/// Reads one file into `out`.
fn read_into(opts: &Options, path: &Path, display: &str, out: &mut dyn ordered::Emit) {
    let file: Arc<str> = display.into();
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let is_base_file = names_base(stem) || opts.base.as_deref().is_some_and(|b| same_file(b, path));
    let unreadable = |reason: Reason, out: &mut dyn ordered::Emit| {
        out.event(Event::Finding(Finding::at_file("QD001", display, None, Msg::FileUnreadable { reason })));
    };
    // The walk refuses what is not a regular file; this holds for any other caller too
    // (opening a FIFO would block, reading a device would never end).
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return unreadable(Reason::NotRegularFile, out);
    }
    // One open first: a file that cannot be opened (missing, forbidden) is one finding in
    // plain words, not a reader's error after an "empty file".
    if let Err(e) = std::fs::File::open(path) {
        return unreadable(Reason::from_io(&e), out);
    }
    let mut format = format_of(path);
    let mut merges = true;
    if format == Some(Format::Workbook) {
        match limits::check_workbook(path, &opts.limits) {
            Ok(limits::Verdict::Workbook { merges: m }) => merges = m,
            Ok(limits::Verdict::Csv) => format = Some(Format::Csv),
            Err(reason) => return unreadable(reason, out),
        }
    }
    match format {
        Some(Format::Csv) => {
            let kind = if is_base_file { CatalogKind::Base } else { CatalogKind::Implementation };
            let mut b = SheetBuilder::new(file.clone(), None, kind, opts, true);
            let mut issues = Vec::new();
            let limits = csv::CsvLimits::from_config(&opts.limits);
            let mut rows = 0usize;
            let res = csv::read_raw(path, opts.encoding, &limits, &mut |raw, decoder| {
                rows += 1;
                b.push_raw(raw, decoder, &mut issues, out)
            });
            // Resolve the mapping first, so that each issue names its field. A file that
            // stopped before its first row is only the reason it stopped, not also empty.
            if rows > 0 || res.is_ok() {
                b.finish_sheet(out);
            }
            // Rows decoded where they were built come after those decoded before the header
            // was known.
            issues.extend(out.take_csv_issues());
            for issue in issues {
                b.csv_issue(issue, out);
            }
            if let Err(reason) = res {
                unreadable(reason, out);
            }
        }
        Some(Format::Workbook) => {
            let mut v =
                WorkbookVisitor { reader_opts: opts, file: file.clone(), base_file: is_base_file, builder: None, out, cuts: Vec::new() };
            if let Err(e) = limits::guarded(|| spreadsheet::read(path, merges, &opts.limits, &mut v).map_err(Reason::Other)) {
                if v.builder.is_some() {
                    // Stopped inside a sheet: report it there and keep what was read.
                    v.end_sheet_with(Some(e));
                } else {
                    unreadable(e, v.out);
                }
            }
        }
        Some(Format::Yaml | Format::Json | Format::Ndjson) => {
            if let Err(e) = own::read(path, &opts.limits, &mut |ev| out.event(ev)) {
                unreadable(e, out);
            }
        }
        None => unreadable(Reason::UnsupportedType, out),
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

struct WorkbookVisitor<'a, 'o> {
    reader_opts: &'a Options,
    file: Arc<str>,
    base_file: bool,
    builder: Option<SheetBuilder>,
    out: &'o mut dyn ordered::Emit,
    /// Text cells of the current sheet cut at `limits.max_field_kib`.
    cuts: Vec<csv::CsvIssue>,
}

impl spreadsheet::SheetVisitor for WorkbookVisitor<'_, '_> {
    fn begin_sheet(&mut self, name: &str) {
        let kind = if self.base_file || names_base(name) { CatalogKind::Base } else { CatalogKind::Implementation };
        self.builder = Some(SheetBuilder::new(self.file.clone(), Some(name.into()), kind, self.reader_opts, false));
    }

    fn row(&mut self, row: table::Row) {
        if let Some(b) = &mut self.builder {
            b.push_row(row, self.out);
        }
    }

    fn end_sheet(&mut self, error: Option<Reason>) {
        self.end_sheet_with(error);
    }

    fn cell_cut(&mut self, row: u32, column: u32, len: usize) {
        self.cuts.push(csv::CsvIssue::TooLong { row, column, len });
    }
}

impl WorkbookVisitor<'_, '_> {
    /// Ends the current sheet, reporting `error` (why reading stopped early) at it.
    fn end_sheet_with(&mut self, error: Option<Reason>) {
        if let Some(mut b) = self.builder.take() {
            if let Some(e) = error {
                let sheet = b.sheet().map(|s| s.to_string());
                self.out.event(Event::Finding(Finding::at_file("QD001", &self.file, sheet.as_deref(), Msg::FileUnreadable { reason: e })));
            }
            b.finish_sheet(self.out);
            // Cut cells are reported once the mapping names their fields, as for CSV, at
            // their sheet.
            let sheet: Option<Arc<str>> = b.sheet().map(Into::into);
            let mut at_sheet = AtSheet { out: &mut *self.out, sheet };
            for cut in std::mem::take(&mut self.cuts) {
                b.csv_issue(cut, &mut at_sheet);
            }
        }
    }
}

/// An [`ordered::Emit`] that places findings at a sheet (cut cells are found by the workbook
/// reader, which names no sheet).
struct AtSheet<'o> {
    out: &'o mut dyn ordered::Emit,
    sheet: Option<Arc<str>>,
}

impl ordered::Emit for AtSheet<'_> {
    fn event(&mut self, ev: Event) {
        match ev {
            Event::Finding(mut f) => {
                f.location.sheet = self.sheet.clone();
                self.out.event(Event::Finding(f));
            }
            other => self.out.event(other),
        }
    }
    fn data_row(&mut self, table: &Arc<build::TableRows>, row: ordered::DataRow) {
        self.out.data_row(table, row);
    }
    fn take_csv_issues(&mut self) -> Vec<csv::CsvIssue> {
        self.out.take_csv_issues()
    }
    fn table_items(&mut self) -> usize {
        self.out.table_items()
    }
    fn index(&mut self) -> &mut build::MaterialsIndex {
        self.out.index()
    }
}

/// Reading qingdan's own normalized output back, within the limits: the file's size is bounded
/// by `limits.max_uncompressed_mib`, its items by `limits.max_rows`, and YAML whose anchors
/// and aliases expand far beyond the file's own size is refused before it is built.
mod own {
    use std::cell::Cell;
    use std::io::BufRead;

    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

    use super::*;

    #[derive(serde::Deserialize)]
    struct Catalog {
        items: Vec<Item>,
    }

    pub fn read(path: &Path, limits: &crate::config::Limits, emit: &mut dyn FnMut(Event)) -> Result<(), Reason> {
        let other = |e: &dyn std::fmt::Display| Reason::Other(e.to_string());
        let size = std::fs::metadata(path).map_err(|e| other(&e))?.len();
        let max_bytes = limits.max_uncompressed_mib.saturating_mul(1 << 20);
        if size > max_bytes {
            return Err(Reason::TooLarge { mib: limits.max_uncompressed_mib });
        }
        let file = std::fs::File::open(path).map_err(|e| other(&e))?;
        let mut items: Vec<Item> = Vec::new();
        let mut stopped = None;
        match format_of(path) {
            Some(Format::Yaml) => {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::Read::take(file, max_bytes), &mut text).map_err(|e| other(&e))?;
                check_yaml_expansion(&text)?;
                items = serde_yaml::from_str::<Catalog>(&text).map_err(|e| other(&e))?.items;
            }
            Some(Format::Json) => {
                let reader = std::io::BufReader::new(std::io::Read::take(file, max_bytes));
                items = serde_json::from_reader::<_, Catalog>(reader).map_err(|e| other(&e))?.items;
            }
            _ => {
                let reader = std::io::BufReader::new(std::io::Read::take(file, max_bytes));
                for (i, line) in reader.split(b'\n').enumerate() {
                    let line = line.map_err(|e| other(&e))?;
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    if items.len() as u64 >= limits.max_rows {
                        stopped = Some(Reason::RowLimit { row: i as u64 + 1, limit: limits.max_rows });
                        break;
                    }
                    items.push(serde_json::from_slice(&line).map_err(|e| Reason::BadLine { line: i + 1, detail: e.to_string() })?);
                }
            }
        }
        if items.len() as u64 > limits.max_rows {
            items.truncate(usize::try_from(limits.max_rows).unwrap_or(usize::MAX));
            stopped = Some(Reason::RowLimit { row: limits.max_rows + 1, limit: limits.max_rows });
        }
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
        stopped.map_or(Ok(()), Err)
    }

    /// Walks the YAML once without building anything, counting the bytes of every scalar as
    /// aliases expand them; refuses the text when they exceed a few times its own size (an
    /// anchored item aliased a hundred thousand times). qingdan never writes aliases, so text
    /// without `*` is not walked.
    pub fn check_yaml_expansion(text: &str) -> Result<(), Reason> {
        if !text.contains('*') {
            return Ok(());
        }
        let budget = Cell::new((text.len() as u64).saturating_mul(2).saturating_add(1 << 20));
        let over = Cell::new(false);
        let walk = Walk { budget: &budget, over: &over };
        let result = walk.deserialize(serde_yaml::Deserializer::from_str(text));
        if over.get() {
            return Err(Reason::YamlAliases);
        }
        // Syntax errors are reported by the real parse.
        let _ = result;
        Ok(())
    }

    /// A visitor that accepts any YAML and spends the budget on what it sees.
    #[derive(Clone, Copy)]
    struct Walk<'a> {
        budget: &'a Cell<u64>,
        over: &'a Cell<bool>,
    }

    impl Walk<'_> {
        fn spend<E: serde::de::Error>(&self, n: usize) -> Result<(), E> {
            let left = self.budget.get();
            let n = n as u64 + 1;
            if n > left {
                self.over.set(true);
                return Err(E::custom("expansion budget exhausted"));
            }
            self.budget.set(left - n);
            Ok(())
        }
    }

    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any YAML")
        }

        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
            self.spend(1)
        }

        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
            self.spend(8)
        }

        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
            self.spend(8)
        }

        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
            self.spend(8)
        }

        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
            self.spend(s.len())
        }

        fn visit_bytes<E: serde::de::Error>(self, b: &[u8]) -> Result<(), E> {
            self.spend(b.len())
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
            self.spend(1)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
            self.spend(1)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            self.deserialize(d)
        }

        fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            self.deserialize(d)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            self.spend(8)?;
            while seq.next_element_seed(self)?.is_some() {}
            Ok(())
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            self.spend(8)?;
            while map.next_key_seed(self)?.is_some() {
                map.next_value_seed(self)?;
            }
            Ok(())
        }

        fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
            use serde::de::VariantAccess;
            let ((), variant) = data.variant_seed(self)?;
            variant.newtype_variant_seed(self)
        }
    }
}
