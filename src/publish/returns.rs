//! 退回修改: the files `qingdan return` writes from one check's report.
//!
//! Under the output folder, one folder per department mirroring the input tree (the folder a
//! file lies in, relative to the input path; a file given directly, or lying at the top of an
//! input folder, is its own department, named after the file):
//! - `<原文件名>-批注.xlsx` for every input file with findings: a `问题清单` sheet first, then
//!   the file's sheets annotated ([`super::annotate`]);
//! - `问题清单.xlsx` and `问题清单.csv` (UTF-8 with BOM unless told otherwise): every finding of
//!   the department's files, with an empty 处理情况 column; with a baseline, also the
//!   baseline's findings fixed since (已整改);
//! - at the top, `汇总.xlsx`: per department the counts and a ranking, worst first, and the
//!   findings that belong to no input file.
//!
//! Counts agree with `check --format json`: accepted findings (已认可) are counted apart from
//! errors, warnings and infos.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::annotate::{Annotation, add_sheets, sheet_name};
use super::csvout::OutputEncoding;
use super::{Widths, header_format};
use crate::config::Limits;
use crate::finding::Severity;
use crate::i18n::{Lang, word};
use crate::ingest::csv::CsvEncoding;
use crate::model::field::Field;
use crate::model::provenance::column_letters;
use crate::pipeline::display_path;
use crate::report::Report;
use crate::rounds::PastFinding;

/// How to write the returns.
#[derive(Debug, Clone)]
pub struct ReturnOptions<'a> {
    /// The output folder.
    pub out: &'a Path,
    /// The input paths as given (departments are folders relative to them).
    pub roots: &'a [PathBuf],
    /// Encoding of the CSV problem lists.
    pub csv: OutputEncoding,
    /// Encoding of CSV inputs (as `check` read them).
    pub input_encoding: CsvEncoding,
    /// Reading limits (as `check` applied them).
    pub limits: Limits,
    /// Names of jurisdictions by code.
    pub jurisdictions: &'a BTreeMap<String, String>,
    /// Language of the lists and notes.
    pub lang: Lang,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// Departments with a folder.
    pub departments: usize,
    /// Annotated copies written.
    pub annotated: usize,
    /// Files whose annotated copy could not be made, with the reason (their findings are in
    /// the lists).
    pub skipped: Vec<(String, String)>,
}

/// The file names written.
pub const SUMMARY_FILE: &str = "汇总.xlsx";
/// The per-department list (xlsx; the CSV has the same stem).
pub const LIST_STEM: &str = "问题清单";

/// One department: a folder of the output.
#[derive(Debug, Default)]
struct Dept {
    /// The folder, relative to the output folder.
    folder: PathBuf,
    /// Input files (indexes into `files`).
    files: Vec<usize>,
    /// Findings (indexes into the report).
    findings: Vec<usize>,
    /// Fixed baseline findings (indexes into `report.fixed`).
    fixed: Vec<usize>,
}

/// The department folder of an input file.
fn folder_of(file: &Path, roots: &[PathBuf]) -> PathBuf {
    let stem = || PathBuf::from(file.file_stem().unwrap_or_default());
    for root in roots.iter().filter(|r| r.is_dir()) {
        if let Ok(rel) = file.strip_prefix(root) {
            return match rel.parent().filter(|p| !p.as_os_str().is_empty()) {
                Some(parent) => parent.to_path_buf(),
                None => stem(),
            };
        }
    }
    stem()
}

/// One row of a problem list.
enum Entry<'a> {
    Now(Annotation<'a>),
    Past(&'a PastFinding),
}

/// Whether the lists need the round and acceptance columns.
#[derive(Debug, Clone, Copy)]
struct Columns {
    rounds: bool,
    accepted: bool,
}

fn headers(lang: Lang, cols: Columns) -> Vec<&'static str> {
    let mut h: Vec<&'static str> =
        ["seq", "file", "sheet", "cell", "item_name", "impl_code", "element", "value", "problem", "help", "severity", "rule"]
            .iter()
            .map(|k| word(lang, k))
            .collect();
    if cols.rounds {
        h.push(word(lang, "round"));
    }
    if cols.accepted {
        h.push(word(lang, "accept_reason"));
    }
    h.push(word(lang, "handling"));
    h
}

fn severity_word(lang: Lang, s: &str) -> &'static str {
    match s {
        "error" => word(lang, "error"),
        "warning" => word(lang, "warning"),
        _ => word(lang, "info"),
    }
}

fn cell_text(lang: Lang, row: Option<u32>, column: Option<String>) -> String {
    match (row, column) {
        (Some(r), Some(c)) => format!("{c}{r}"),
        (Some(r), None) => word(lang, "row_n").replace("{}", &r.to_string()),
        _ => String::new(),
    }
}

fn field_label(lang: Lang, key: &str) -> String {
    serde_json::from_value::<Field>(serde_json::Value::String(key.to_string()))
        .map(|f| f.label_in(lang).to_string())
        .unwrap_or_else(|_| key.to_string())
}

/// The cells of one list row (without 序号 and 处理情况).
fn entry_cells(e: &Entry<'_>, lang: Lang, cols: Columns) -> Vec<String> {
    let help = |rule: &str| crate::rules::registry::find(rule).map(|r| r.help(lang).to_string()).unwrap_or_default();
    let mut v = match e {
        Entry::Now(a) => {
            let f = a.finding;
            let names = f.names.as_deref();
            vec![
                f.location.file.as_deref().unwrap_or("").to_string(),
                f.location.sheet.as_deref().unwrap_or("").to_string(),
                cell_text(lang, f.location.row, f.location.column.map(column_letters)),
                names.and_then(|n| n.name.clone()).unwrap_or_default(),
                match names {
                    Some(n) => n.impl_code.clone().unwrap_or_default(),
                    None => f.item.clone().unwrap_or_default(),
                },
                f.field.map(|x| x.label_in(lang).to_string()).or_else(|| f.location.header.clone()).unwrap_or_default(),
                f.value_shown().unwrap_or("").to_string(),
                f.message.render(lang),
                crate::rules::registry::help(f, lang).to_string(),
                severity_word(lang, f.severity.as_str()).to_string(),
                f.rule.to_string(),
            ]
        }
        Entry::Past(p) => vec![
            p.file.clone().unwrap_or_default(),
            p.sheet.clone().unwrap_or_default(),
            cell_text(lang, p.row, p.column.clone()),
            String::new(),
            p.item.clone().unwrap_or_default(),
            p.field.as_deref().map(|k| field_label(lang, k)).or_else(|| p.header.clone()).unwrap_or_default(),
            p.value.clone().unwrap_or_default(),
            p.message.clone(),
            help(&p.rule),
            severity_word(lang, &p.severity).to_string(),
            p.rule.clone(),
        ],
    };
    if cols.rounds {
        v.push(match e {
            Entry::Now(a) => a.mark.round.map(|r| word(lang, r.key())).unwrap_or("").to_string(),
            Entry::Past(_) => word(lang, "fixed").to_string(),
        });
    }
    if cols.accepted {
        v.push(match e {
            Entry::Now(a) => a.accepted.map(str::to_string).unwrap_or_default(),
            Entry::Past(_) => String::new(),
        });
    }
    v
}

/// Writes a list sheet (constant memory when long): header row, then one row per entry, numbered.
fn list_sheet(wb: &mut Workbook, name: &str, entries: &[Entry<'_>], lang: Lang, cols: Columns) -> Result<(), XlsxError> {
    let headers = headers(lang, cols);
    // Constant memory only for long lists: a temporary file per sheet costs more than it saves
    // for a department's few hundred rows.
    let mut ws = if entries.len() > 50_000 { wb.new_worksheet_with_constant_memory()? } else { rust_xlsxwriter::Worksheet::new() };
    ws.set_name(name)?;
    let head = header_format();
    let wrap = Format::new().set_text_wrap();
    let mut widths = Widths::with_cap(headers.len(), 50);
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
        widths.see(c, h);
    }
    for (i, e) in entries.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, (i + 1) as f64)?;
        for (j, v) in entry_cells(e, lang, cols).iter().enumerate() {
            let c = j + 1;
            widths.see(c, v);
            if v.contains('\n') {
                ws.write_string_with_format(r, c as u16, v, &wrap)?;
            } else {
                ws.write_string(r, c as u16, v)?;
            }
        }
    }
    widths.apply(&mut ws)?;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, entries.len() as u32, (headers.len() - 1) as u16)?;
    wb.push_worksheet(ws);
    Ok(())
}

/// Writes the list as CSV records (header, rows, empty 处理情况).
fn list_csv(w: &mut dyn std::io::Write, entries: &[Entry<'_>], lang: Lang, cols: Columns, encoding: OutputEncoding) -> std::io::Result<()> {
    let header: Vec<Cow<'_, str>> = headers(lang, cols).into_iter().map(Cow::Borrowed).collect();
    let rows = entries.iter().enumerate().map(|(i, e)| {
        let mut r: Vec<Cow<'_, str>> = vec![Cow::Owned((i + 1).to_string())];
        r.extend(entry_cells(e, lang, cols).into_iter().map(Cow::Owned));
        r.push(Cow::Borrowed(""));
        r
    });
    super::csvout::write_records(w, encoding, std::iter::once(header).chain(rows))
}

fn new_workbook() -> Workbook {
    let mut wb = Workbook::new();
    super::marker::mark(&mut wb, super::marker::Output::Return);
    wb
}

fn save(wb: &mut Workbook, target: &Path, inputs: &crate::output::InputGuard, lang: Lang) -> Result<(), String> {
    inputs.check(target).map_err(|e| e.render(lang))?;
    crate::output::write_atomic(target, |w| wb.save_to_writer(w).map_err(|e| std::io::Error::other(super::xlsx_error(lang)(e))))
        .map_err(|e| e.render(lang))
}

/// One department's counts for 汇总.
#[derive(Debug, Clone, Default)]
struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
    accepted: usize,
    new: usize,
    persisting: usize,
    fixed: usize,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.errors += o.errors;
        self.warnings += o.warnings;
        self.infos += o.infos;
        self.accepted += o.accepted;
        self.new += o.new;
        self.persisting += o.persisting;
        self.fixed += o.fixed;
    }
}

fn count(report: &Report, findings: &[usize], fixed: usize) -> Counts {
    let mut c = Counts { fixed, ..Default::default() };
    for &k in findings {
        let (f, m) = (&report.findings[k], &report.marks[k]);
        if m.accepted.is_some() {
            c.accepted += 1;
        } else {
            match f.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        match m.round {
            Some(crate::rounds::Round::New) => c.new += 1,
            Some(crate::rounds::Round::Persisting) => c.persisting += 1,
            None => {}
        }
    }
    c
}

/// Writes every department's folder and 汇总.xlsx. `files` are the input files the check read.
pub fn write(report: &Report, files: &[PathBuf], opts: &ReturnOptions<'_>) -> Result<Written, String> {
    let lang = opts.lang;
    let cols = Columns { rounds: report.fixed.is_some(), accepted: report.marks.iter().any(|m| m.accepted.is_some()) };
    let annotation = |k: usize| Annotation {
        finding: &report.findings[k],
        mark: &report.marks[k],
        accepted: report.accept_of(&report.marks[k]).map(|a| a.reason.as_str()),
    };
    // Departments by folder, input files by the name reports give them.
    let guard = crate::output::InputGuard::new(files);
    let shown: Vec<String> = files.iter().map(|f| display_path(f)).collect();
    let mut depts: BTreeMap<PathBuf, Dept> = BTreeMap::new();
    let mut by_display: HashMap<String, usize> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        let folder = folder_of(f, opts.roots);
        let d = depts.entry(folder.clone()).or_insert_with(|| Dept { folder, ..Default::default() });
        d.files.push(i);
        by_display.insert(shown[i].clone(), i);
    }
    let folder_by_file: Vec<PathBuf> = files.iter().map(|f| folder_of(f, opts.roots)).collect();
    let mut unplaced: Vec<usize> = Vec::new();
    let mut unplaced_fixed: Vec<usize> = Vec::new();
    for (k, f) in report.findings.iter().enumerate() {
        match f.location.file.as_deref().and_then(|p| by_display.get(p)) {
            Some(&i) => depts.get_mut(&folder_by_file[i]).map(|d| d.findings.push(k)).unwrap_or_default(),
            None => unplaced.push(k),
        }
    }
    // A baseline is usually another folder (第一轮/…): its files are matched by the longest
    // common tail of their paths with a file of this round.
    let mut by_tail: HashMap<String, usize> = HashMap::new();
    for (i, shown) in shown.iter().enumerate() {
        let parts: Vec<&str> = shown.split('/').collect();
        for k in 0..parts.len() {
            by_tail.entry(parts[k..].join("/")).or_insert(i);
        }
    }
    let tail_of = |p: &str| {
        let p = p.replace('\\', "/");
        let parts: Vec<&str> = p.split('/').collect();
        (0..parts.len()).find_map(|k| by_tail.get(&parts[k..].join("/")).copied())
    };
    for (k, p) in report.fixed.iter().flatten().enumerate() {
        match p.file.as_deref().and_then(tail_of) {
            Some(i) => depts.get_mut(&folder_by_file[i]).map(|d| d.fixed.push(k)).unwrap_or_default(),
            None => unplaced_fixed.push(k),
        }
    }
    let fixed_all: Vec<PastFinding> = report.fixed.clone().unwrap_or_default();
    let mut written = Written::default();
    let list_name = word(lang, "problems_sheet");
    let mut copies: Vec<Copy> = Vec::new();
    for d in depts.values() {
        if d.findings.is_empty() && d.fixed.is_empty() {
            continue;
        }
        written.departments += 1;
        let dir = opts.out.join(&d.folder);
        // Annotated copies, one per file with findings: collected here, written below in parallel.
        let mut used_names = BTreeSet::new();
        for &i in &d.files {
            let display = &shown[i];
            let own: Vec<usize> =
                d.findings.iter().copied().filter(|&k| report.findings[k].location.file.as_deref() == Some(display.as_str())).collect();
            if own.is_empty() {
                continue;
            }
            let source = &files[i];
            let stem = source.file_stem().and_then(|s| s.to_str()).unwrap_or("file");
            let mut name = format!("{stem}-批注.xlsx");
            if !used_names.insert(name.clone()) {
                let ext = source.extension().and_then(|s| s.to_str()).unwrap_or("");
                name = format!("{stem}-{ext}-批注.xlsx");
                used_names.insert(name.clone());
            }
            copies.push(Copy { file: i, target: dir.join(&name), findings: own });
        }
        // The department's list: its findings, then what the baseline had and is fixed now.
        let mut entries: Vec<Entry<'_>> = d.findings.iter().map(|&k| Entry::Now(annotation(k))).collect();
        entries.extend(d.fixed.iter().map(|&k| Entry::Past(&fixed_all[k])));
        let mut wb = new_workbook();
        list_sheet(&mut wb, list_name, &entries, lang, cols).map_err(super::xlsx_error(lang))?;
        save(&mut wb, &dir.join(format!("{LIST_STEM}.xlsx")), &guard, lang)?;
        let csv_target = dir.join(format!("{LIST_STEM}.csv"));
        guard.check(&csv_target).map_err(|e| e.render(lang))?;
        crate::output::write_atomic(&csv_target, |w| list_csv(w, &entries, lang, cols, opts.csv)).map_err(|e| e.render(lang))?;
    }
    // The copies: each file read again and written on a worker thread (files are independent).
    let threads = crate::parallel::threads();
    let mut failure: Option<String> = None;
    crate::parallel::map_ordered(
        &copies,
        threads,
        threads * 2,
        |c| {
            let own: Vec<Annotation<'_>> = c.findings.iter().map(|&k| annotation(k)).collect();
            annotated_copy(&files[c.file], &c.target, &own, &guard, opts, cols)
        },
        |result| match result {
            Ok(None) => written.annotated += 1,
            Ok(Some(skipped)) => written.skipped.push(skipped),
            Err(e) => {
                failure.get_or_insert(e);
            }
        },
    );
    if let Some(e) = failure {
        return Err(e);
    }
    // 汇总.xlsx
    let mut wb = new_workbook();
    summary_sheet(&mut wb, report, &depts, files.len(), opts, cols).map_err(super::xlsx_error(lang))?;
    if !unplaced.is_empty() || !unplaced_fixed.is_empty() {
        let mut entries: Vec<Entry<'_>> = unplaced.iter().map(|&k| Entry::Now(annotation(k))).collect();
        entries.extend(unplaced_fixed.iter().map(|&k| Entry::Past(&fixed_all[k])));
        list_sheet(&mut wb, word(lang, "unplaced_sheet"), &entries, lang, cols).map_err(super::xlsx_error(lang))?;
    }
    save(&mut wb, &opts.out.join(SUMMARY_FILE), &guard, lang)?;
    Ok(written)
}

/// One annotated copy to write.
struct Copy {
    /// The input file (index into `files`).
    file: usize,
    /// Where the copy goes.
    target: PathBuf,
    /// Its findings (indexes into the report).
    findings: Vec<usize>,
}

/// Writes the annotated copy of `source` to `target`: the 问题清单 sheet, then the annotated
/// sheets. `Ok(Some((file, reason)))` when the source cannot be read again (its findings are
/// still in the lists); `Err` when the copy cannot be written.
fn annotated_copy(
    source: &Path,
    target: &Path,
    own: &[Annotation<'_>],
    guard: &crate::output::InputGuard,
    opts: &ReturnOptions<'_>,
    cols: Columns,
) -> Result<Option<(String, String)>, String> {
    let lang = opts.lang;
    let mut wb = new_workbook();
    let mut sheets = BTreeSet::new();
    // The sheet names of the source are kept; the list takes another name if one is 问题清单.
    let source_names = sheet_names(source);
    for n in &source_names {
        sheets.insert(n.to_lowercase());
    }
    let list = sheet_name(word(lang, "problems_sheet"), &mut sheets);
    for n in &source_names {
        sheets.remove(&n.to_lowercase());
    }
    let entries: Vec<Entry<'_>> = own.iter().map(|a| Entry::Now(*a)).collect();
    list_sheet(&mut wb, &list, &entries, lang, cols).map_err(super::xlsx_error(lang))?;
    match add_sheets(&mut wb, source, own, &opts.limits, opts.input_encoding, lang, &mut sheets) {
        Ok(()) => {
            save(&mut wb, target, guard, lang)?;
            Ok(None)
        }
        Err(reason) => Ok(Some((display_path(source), reason))),
    }
}

/// The sheet names of a workbook (empty for CSV or an unreadable file).
fn sheet_names(source: &Path) -> Vec<String> {
    if crate::ingest::format_of(source) != Some(crate::ingest::Format::Workbook) {
        return Vec::new();
    }
    use calamine::Reader;
    match calamine::open_workbook_auto(source) {
        Ok(wb) => wb.sheet_names(),
        Err(_) => Vec::new(),
    }
}

/// The ranking sheet of 汇总.xlsx: one row per department with findings (worst first by
/// errors, then warnings), a 合计 row, and the findings that belong to no input file.
fn summary_sheet(
    wb: &mut Workbook,
    report: &Report,
    depts: &BTreeMap<PathBuf, Dept>,
    files: usize,
    opts: &ReturnOptions<'_>,
    cols: Columns,
) -> Result<(), XlsxError> {
    let lang = opts.lang;
    let mut keys = vec!["rank", "department", "jurisdiction", "files", "file_list", "errors", "warnings", "infos", "accepted"];
    if cols.rounds {
        keys.extend(["new", "persisting", "fixed"]);
    }
    keys.push("total");
    let headers: Vec<&str> = keys.iter().map(|k| word(lang, k)).collect();
    let ws = wb.add_worksheet();
    ws.set_name(word(lang, "ranking_sheet"))?;
    let head = header_format();
    let bold = Format::new().set_bold();
    let mut widths = Widths::new(headers.len());
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
        widths.see(c, h);
    }
    let mut rows: Vec<(String, String, usize, usize, Counts)> = Vec::new();
    for d in depts.values() {
        let c = count(report, &d.findings, d.fixed.len());
        let with_findings: BTreeSet<&str> = d.findings.iter().filter_map(|&k| report.findings[k].location.file.as_deref()).collect();
        let mut by_j: BTreeMap<&str, usize> = BTreeMap::new();
        for &k in &d.findings {
            if let Some(j) = report.findings[k].jurisdiction.as_deref() {
                *by_j.entry(j).or_default() += 1;
            }
        }
        let j = by_j.iter().max_by_key(|(code, n)| (**n, std::cmp::Reverse(**code))).map(|(code, _)| *code).unwrap_or("");
        let j = match opts.jurisdictions.get(j) {
            Some(name) => format!("{name} {j}"),
            None => j.to_string(),
        };
        rows.push((d.folder.to_string_lossy().replace('\\', "/"), j, d.files.len(), with_findings.len(), c));
    }
    rows.sort_by(|a, b| {
        (b.4.errors, b.4.warnings, b.4.infos, b.4.accepted).cmp(&(a.4.errors, a.4.warnings, a.4.infos, a.4.accepted)).then(a.0.cmp(&b.0))
    });
    let mut total = Counts::default();
    let mut r = 1u32;
    let write_counts = |ws: &mut rust_xlsxwriter::Worksheet, r: u32, c: &Counts, fmt: Option<&Format>| -> Result<(), XlsxError> {
        let mut values = vec![c.errors, c.warnings, c.infos, c.accepted];
        if cols.rounds {
            values.extend([c.new, c.persisting, c.fixed]);
        }
        values.push(c.errors + c.warnings);
        for (j, v) in values.into_iter().enumerate() {
            match fmt {
                Some(f) => ws.write_number_with_format(r, (5 + j) as u16, v as f64, f)?,
                None => ws.write_number(r, (5 + j) as u16, v as f64)?,
            };
        }
        Ok(())
    };
    for (i, (name, j, nfiles, nwith, c)) in rows.iter().enumerate() {
        ws.write_number(r, 0, (i + 1) as f64)?;
        ws.write_string(r, 1, name)?;
        ws.write_string(r, 2, j)?;
        ws.write_number(r, 3, *nfiles as f64)?;
        ws.write_number(r, 4, *nwith as f64)?;
        widths.see(1, name);
        widths.see(2, j);
        write_counts(ws, r, c, None)?;
        total.add(c);
        r += 1;
    }
    // Findings that belong to no input file count in the 合计 row (so it equals the report's).
    let placed: BTreeSet<usize> = depts.values().flat_map(|d| d.findings.iter().copied()).collect();
    let rest: Vec<usize> = (0..report.findings.len()).filter(|k| !placed.contains(k)).collect();
    let placed_fixed: usize = depts.values().map(|d| d.fixed.len()).sum();
    let rest_fixed = report.fixed.as_ref().map_or(0, Vec::len) - placed_fixed;
    if !rest.is_empty() || rest_fixed > 0 {
        let c = count(report, &rest, rest_fixed);
        ws.write_string(r, 1, word(lang, "unplaced_sheet"))?;
        widths.see(1, word(lang, "unplaced_sheet"));
        write_counts(ws, r, &c, None)?;
        total.add(&c);
        r += 1;
    }
    ws.write_string_with_format(r, 1, word(lang, "total"), &bold)?;
    ws.write_number_with_format(r, 3, files as f64, &bold)?;
    ws.write_number_with_format(r, 4, rows.iter().map(|x| x.3).sum::<usize>() as f64, &bold)?;
    write_counts(ws, r, &total, Some(&bold))?;
    widths.apply(ws)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}
