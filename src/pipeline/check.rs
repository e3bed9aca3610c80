//! The check pipeline: read → normalize → schema and item rules → 四级同源 → findings, in the
//! library so that every command that checks (`check`, `export`, `report`, `return`) runs the
//! same one; the commands only render what it returns.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::cli::{CheckArgs, FailOn};
use crate::consistency::guide::GuideComparison;
use crate::consistency::{Consistency, Prepared};
use crate::finding::{Finding, Location, Severity, Sink};
use crate::i18n::{Failure, Lang, Msg};

use crate::ingest::ordered::ItemWork;
use crate::ingest::{Event, Reader};
use crate::model::field::Field;
use crate::model::item::{CatalogKind, Item};
use crate::report::{Report, RoundCounts, Summary};
use crate::rounds::Round;
use crate::rules::{self, ItemContext};

/// Reads and checks everything, returning the report every renderer consumes.
///
/// Files are read, normalized and item-checked (schema and item rules) in parallel, a window
/// of files at a time; the per-file results are then consumed strictly in file order by the
/// order-dependent stages (duplicate codes, 四级同源, the sink), so the report is identical to
/// a single-threaded run. Materials tables break file independence (items are joined with
/// materials read earlier), so once one has been seen, the remaining files are re-read in order
/// on this thread exactly as a sequential run would.
pub fn build_report(args: &CheckArgs, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<Report, String> {
    build_report_keeping(args, config, lang, quiet, false).map(|(report, _)| report)
}

/// Every item read, in file order, split by catalog kind (for `export`, which publishes the
/// items it checked without reading the inputs twice).
#[derive(Debug, Default)]
pub struct Kept {
    /// Items of implementation lists (and 办事指南).
    pub implementation: Vec<Item>,
    /// Items of base catalogs.
    pub base: Vec<Item>,
}

/// [`build_report`], also returning every item whole when `keep` is set (empty otherwise).
pub fn build_report_keeping(
    args: &CheckArgs,
    config: Option<&Path>,
    lang: Lang,
    quiet: bool,
    keep: bool,
) -> Result<(Report, Kept), String> {
    if args.fail_on == FailOn::New && args.baseline.is_none() {
        return Err(Failure::NeedsBaseline.render(lang));
    }
    // `export` (keep) publishes what it was given; a check reads in the repository's context.
    let inputs = if keep { super::resolve(&args.input, config, lang)? } else { super::resolve_in_repository(&args.input, config, lang)? };
    if inputs.files.is_empty() && inputs.walk_findings.is_empty() {
        return Err(super::nothing_readable(&args.input.paths, &[], lang));
    }
    let mut policy = inputs.config.policy();
    policy.select = rule_prefixes(&args.select, lang)?;
    policy.ignore = rule_prefixes(&args.ignore, lang)?;
    let mut sink = Sink::new(policy.clone());
    sink.extend(inputs.walk_findings.iter().cloned());
    let base_named = inputs.options.base.as_deref().map(super::display_path);
    let mut state = State {
        consistency: Consistency::new(inputs.config.jurisdictions.clone(), base_named)
            .with_basic_code_lengths(&inputs.config.basic_code_lengths),
        guide_codes: (!policy.is_off("QD207")).then(HashSet::new),
        kind: CatalogKind::Implementation,
        table_codes: HashMap::new(),
        items: 0,
        tables: 0,
        focus: inputs.focus.clone(),
        focus_jurisdictions: HashSet::new(),
        sink,
        kept: keep.then(Kept::default),
    };
    let enabled = |code: &str| !policy.is_off(code);
    let files = &inputs.files;
    // A bar on stderr only when it is a terminal and not --quiet.
    let progress = crate::progress::Progress::new(files.len(), quiet);
    let mut scratch = Vec::new();
    // QINGDAN_SEQUENTIAL=1: the plain single-threaded pipeline (the reference for equivalence tests).
    let mut reader = if std::env::var_os("QINGDAN_SEQUENTIAL").is_some_and(|v| v == "1") {
        let mut reader = Reader::new(inputs.options.clone());
        for f in files {
            progress.start(&super::display_path(f));
            state.read(&mut reader, f, &enabled, keep, &mut scratch);
            progress.done();
        }
        reader
    } else {
        super::read_in_order(
            &inputs,
            |f, own| read_checked(own, f, &enabled, keep),
            |f, events, reader| {
                progress.start(&super::display_path(f));
                match events {
                    Some(events) => {
                        for ev in events {
                            state.consume(ev, &mut scratch);
                        }
                    }
                    None => state.read(reader, f, &enabled, keep, &mut scratch),
                }
                progress.done();
            },
        )
    };
    progress.finish();
    let State { consistency, guide_codes, items, tables, mut sink, kept, focus_jurisdictions, .. } = state;
    sink.extend(reader.orphan_materials());
    let (cross, mut matrix) = consistency.finish(&policy);
    if let Some(codes) = guide_codes.filter(|c| !c.is_empty()) {
        sink.extend(compare_guides(&inputs, &codes));
    }
    sink.extend(cross);
    let mut findings = sink.finish();
    crate::rules::registry::apply_precedence(&mut findings);
    let mut files = inputs.files.len();
    if let Some(focus) = &inputs.focus {
        // Only the named files' findings (and their jurisdictions' rows) are reported.
        findings.retain(|f| match f.location.file.as_deref() {
            Some(file) => focus.contains(file),
            None => f.jurisdiction.as_ref().is_some_and(|j| focus_jurisdictions.contains(j)),
        });
        if let Some(m) = &mut matrix {
            m.jurisdictions.retain(|j| focus_jurisdictions.contains(&j.code));
            for row in &mut m.items {
                row.cells.retain(|code, _| focus_jurisdictions.contains(code));
            }
        }
        files = focus.len();
    }
    let baseline = args.baseline.as_deref().map(|p| crate::rounds::load_baseline(p, lang)).transpose()?;
    let marked =
        crate::rounds::mark(findings, &inputs.config.accept, inputs.config.root.as_deref(), &crate::rounds::today(), baseline, &policy);
    let crate::rounds::Marked { findings, marks, fixed } = marked;
    // A summary of findings left out past the cap counts for them all.
    let count =
        |s: Severity| findings.iter().zip(&marks).filter(|(f, m)| f.severity == s && m.accepted.is_none()).map(|(f, _)| f.weight()).sum();
    let rounds = fixed.as_ref().map(|fixed| RoundCounts {
        new: marks.iter().filter(|m| m.round == Some(Round::New)).count(),
        persisting: marks.iter().filter(|m| m.round == Some(Round::Persisting)).count(),
        fixed: fixed.len(),
    });
    let summary = Summary {
        files,
        tables,
        items,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        accepted: marks.iter().filter(|m| m.accepted.is_some()).count(),
        rounds,
    };
    let report = Report { findings, summary, consistency: matrix, hidden_infos: 0, marks, fixed, accepts: inputs.config.accept.clone() };
    Ok((report, kept.unwrap_or_default()))
}

/// `--select`/`--ignore` values, upper-cased; each must be the prefix of a known code.
fn rule_prefixes(given: &[String], lang: Lang) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for g in given {
        let p = g.trim().to_ascii_uppercase();
        if p.is_empty() {
            continue;
        }
        if !crate::rules::registry::RULES.iter().any(|r| r.code.starts_with(&p)) {
            return Err(Failure::UnknownRule { given: g.clone(), known: crate::rules::registry::codes() }.render(lang));
        }
        out.push(p);
    }
    Ok(out)
}

/// One file read, normalized and item-checked on a worker: its events in order, each item
/// reduced by [`Prepared::take`] (unless kept whole) and paired with its schema and item-rule
/// findings and its prepared comparison.
type FileEvents = Vec<Event<Checked>>;

/// An item after the per-item checks: reduced by [`Prepared::take`] (unless kept whole), with
/// its schema and item-rule findings and its prepared comparison.
struct Checked {
    item: Box<Item>,
    found: Vec<Finding>,
    prepared: Prepared,
}

/// The per-item checks, run where the item is built (on a worker thread for a large table).
struct CheckWork<'a> {
    enabled: &'a (dyn Fn(&str) -> bool + Sync),
    /// Keep items whole (for `export`) instead of reducing them.
    keep: bool,
}

impl ItemWork for CheckWork<'_> {
    type Out = Checked;
    fn work(&self, item: Box<Item>, kind: CatalogKind) -> Checked {
        let mut found = Vec::new();
        item_findings(&item, kind, self.enabled, &mut found);
        if self.keep {
            let prepared = Prepared::of(&item);
            Checked { item, found, prepared }
        } else {
            let (slim, prepared) = Prepared::take(*item);
            Checked { item: Box::new(slim), found, prepared }
        }
    }
}

/// Reads one file on the worker's own reader and runs the per-item checks. Items are reduced
/// by [`Prepared::take`] unless `keep` asks for them whole.
/// `None` when the file gave more than [`super::WORKER_MAX_ITEMS`] items: it is then
/// read in order instead of being held.
fn read_checked(reader: &mut Reader, path: &Path, enabled: &(dyn Fn(&str) -> bool + Sync), keep: bool) -> Option<FileEvents> {
    let mut events = Vec::new();
    let mut items = 0usize;
    // Capped here already, so that a file of garbage rows holds few findings; the sink adds
    // the counts of the summaries.
    let mut cap = crate::finding::Cap::new(reader.limits().max_findings_per_rule);
    reader.read_file_with(path, &super::display_path(path), &CheckWork { enabled, keep }, &mut |ev| {
        if items > super::WORKER_MAX_ITEMS {
            return;
        }
        match ev {
            Event::Item(mut checked) => {
                items += 1;
                if items > super::WORKER_MAX_ITEMS {
                    events = Vec::new();
                    return;
                }
                checked.found.retain(|f| cap.admit(f));
                events.push(Event::Item(checked));
            }
            Event::Finding(f) => {
                if cap.admit(&f) {
                    events.push(Event::Finding(f));
                }
            }
            table => events.push(table),
        }
    });
    if items > super::WORKER_MAX_ITEMS {
        return None;
    }
    events.extend(cap.summaries().into_iter().map(Event::Finding));
    Some(events)
}

/// The schema and item-rule findings of one item (order-independent, so run on workers).
fn item_findings(item: &Item, kind: CatalogKind, enabled: &dyn Fn(&str) -> bool, out: &mut Vec<Finding>) {
    if enabled("QD020") {
        crate::schema::check(item, out);
    }
    rules::check_item(item, ItemContext { kind }, enabled, out);
}

/// QD207: 办事指南 against their list rows. Holding every list row until the end (a guide may
/// come after its row) would keep the whole catalog in memory, and guides are rare; so the
/// first pass only collects the guides' 实施编码, and when there are any, this second pass
/// re-reads the files in the same order and feeds [`GuideComparison`] the guides and the list
/// rows with those codes. Its findings depend only on the guides (in order) and the first list
/// row of each guide's code, which this pass observes exactly as a full observation would.
fn compare_guides(inputs: &super::Inputs, codes: &HashSet<String>) -> Vec<Finding> {
    let mut guides = GuideComparison::new();
    let mut reader = Reader::new(inputs.options.clone());
    for f in &inputs.files {
        reader.read_file(f, &super::display_path(f), &mut |ev| {
            if let Event::Item(item) = ev
                && let Some(code) = &item.impl_code
                && (item.provenance.form || codes.contains(code))
            {
                guides.observe(&item, item.provenance.form);
            }
        });
    }
    guides.finish()
}

/// The order-dependent stages, fed events in file order.
struct State {
    consistency: Consistency,
    /// 实施编码 of the 办事指南 read (QD207); `None` when the rule is off.
    guide_codes: Option<HashSet<String>>,
    kind: CatalogKind,
    /// The 实施编码 of the current table (by [`crate::consistency::code_hash`]) and where each
    /// was first seen (row, column): a few bytes per row of a table of a million rows.
    table_codes: HashMap<u64, (u32, Option<u32>)>,
    items: usize,
    tables: usize,
    /// In repository context, the files whose items are counted ([`super::Inputs::focus`]).
    focus: Option<HashSet<String>>,
    /// The division codes of the focused files' items.
    focus_jurisdictions: HashSet<String>,
    sink: Sink,
    /// Every item whole, when the caller asked to keep them.
    kept: Option<Kept>,
}

impl State {
    /// Reads one file on this (the ordered) thread through `reader`, checking and consuming
    /// each event as it comes.
    fn read(&mut self, reader: &mut Reader, path: &Path, enabled: &(dyn Fn(&str) -> bool + Sync), keep: bool, scratch: &mut Vec<Finding>) {
        reader.read_file_with(path, &super::display_path(path), &CheckWork { enabled, keep }, &mut |ev| self.consume(ev, scratch));
    }

    /// Consumes one event. An item arrives checked: reduced by [`Prepared::take`] unless kept
    /// whole; this stage reads only its identity, type, basis, level, division and provenance.
    fn consume(&mut self, ev: Event<Checked>, scratch: &mut Vec<Finding>) {
        match ev {
            Event::Table { kind: k, .. } => {
                self.kind = k;
                self.tables += 1;
                self.table_codes.clear();
            }
            Event::Item(Checked { mut item, mut found, prepared }) => {
                match &self.focus {
                    None => self.items += 1,
                    Some(focus) if focus.contains(&*item.provenance.file) => {
                        self.items += 1;
                        if let Some(code) = &item.division_code {
                            self.focus_jurisdictions.insert(code.clone());
                        }
                    }
                    Some(_) => {}
                }
                scratch.clear();
                scratch.append(&mut found);
                if let Some(code) = &item.impl_code {
                    match self.table_codes.entry(crate::consistency::code_hash(code)) {
                        std::collections::hash_map::Entry::Occupied(first) => {
                            // The first row is in the same table: its sheet is this item's.
                            let (row, column) = *first.get();
                            let first = Location { sheet: item.provenance.sheet.clone(), row: Some(row), column, ..Default::default() };
                            scratch.push(Finding::at_item(
                                "QD103",
                                &item,
                                Some(Field::ImplCode),
                                Msg::DuplicateImplCode { code: code.clone(), first: first.cell_ref() },
                            ));
                        }
                        std::collections::hash_map::Entry::Vacant(e) => {
                            let at = Location::of_field(&item, Some(Field::ImplCode));
                            e.insert((at.row.unwrap_or(item.provenance.row), at.column));
                        }
                    }
                }
                self.consistency.observe(&mut item, self.kind, Some(prepared));
                if let Some(codes) = &mut self.guide_codes
                    && item.provenance.form
                    && let Some(code) = &item.impl_code
                {
                    codes.insert(code.clone());
                }
                self.sink.extend(scratch.drain(..));
                if let Some(kept) = &mut self.kept {
                    match self.kind {
                        CatalogKind::Implementation => kept.implementation.push(*item),
                        CatalogKind::Base => kept.base.push(*item),
                    }
                }
            }
            Event::Finding(f) => self.sink.push(f),
        }
    }
}
