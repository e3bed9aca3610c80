//! `qingdan export`: read → check → the publication workbook (per-level item sheets, 申请材料,
//! 办事指南, 统计, 问题), written atomically and never over an input.

use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::cli::{CheckArgs, CheckFormat, ExportArgs, FailOn};
use crate::i18n::{Failure, Lang};
use crate::model::item::Item;
use crate::model::vocab::Level;
use crate::publish::{sheets, xlsx_error};
use crate::stats::jurisdictions::indicators;

/// The sheet an implementation item is listed on.
fn sheet_of(item: &Item) -> &'static str {
    match item.single_level() {
        Some(Level::City) => "市级事项目录",
        Some(Level::County) => "县级事项目录",
        Some(Level::Township) => "乡级事项目录",
        Some(Level::Village) => "村级事项目录",
        _ => "其他",
    }
}

/// The order of the item sheets.
const SHEETS: [&str; 5] = ["市级事项目录", "县级事项目录", "乡级事项目录", "村级事项目录", "其他"];

/// Runs the export; returns the exit status.
pub fn run(args: &ExportArgs, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<i32, String> {
    let inputs = super::load::resolve(&args.input, config, lang)?;
    let mut guarded = inputs.files.clone();
    guarded.extend(args.input.paths.iter().cloned());
    crate::output::guard(&args.output, &guarded).map_err(|e| e.render(lang))?;
    if args.output.extension().and_then(|e| e.to_str()).is_none_or(|e| !e.eq_ignore_ascii_case("xlsx")) {
        return Err(Failure::OutputNotXlsx { path: args.output.display().to_string() }.render(lang));
    }

    let check_args = CheckArgs {
        input: args.input.clone(),
        format: CheckFormat::Json,
        fail_on: FailOn::Error,
        select: Vec::new(),
        ignore: Vec::new(),
        statistics: false,
    };
    // One pass: the check keeps every item it read, whole, for the sheets.
    let (report, kept) = super::check::build_report_keeping(&check_args, config, lang, quiet, true)?;
    // Nothing readable: exit 2 and write nothing (not an empty workbook).
    if report.summary.tables == 0 {
        return Err(super::load::nothing_readable(&args.input.paths, &report.findings, lang));
    }
    let crate::commands::check::Kept { implementation, mut base } = kept;
    let mut implementation = crate::model::catalog::merge_guides(implementation);
    // Sorted without cloning keys (absent codes sort as empty, as before); the sheets are
    // written in this order, row by row.
    fn key(i: &Item) -> (&str, &str) {
        (i.division_code.as_deref().unwrap_or_default(), i.impl_code.as_deref().unwrap_or_default())
    }
    implementation.sort_by(|a, b| key(a).cmp(&key(b)));
    base.sort_by(|a, b| a.basic_code.cmp(&b.basic_code));

    let mut wb = build_workbook(&implementation, &base, &report.findings, lang).map_err(xlsx_error(lang))?;
    save_atomic(&mut wb, &args.output, lang)?;
    if !quiet {
        let done = crate::i18n::Done::Exported {
            path: args.output.display().to_string(),
            implementation: implementation.len(),
            base: base.len(),
            findings: report.findings.len(),
        };
        eprintln!("{}", done.render(lang));
    }
    Ok(crate::EXIT_OK)
}

/// Builds the publication workbook. The item, 申请材料, 办事指南 and 问题 sheets are written in
/// constant-memory mode (their rows go to temporary files as they are written, in the order
/// given: `implementation` sorted by division and impl code, `base` by basic code); sheets past
/// Excel's row limit continue on numbered sheets. Save it with [`save_atomic`].
pub fn build_workbook(
    implementation: &[Item],
    base: &[Item],
    findings: &[crate::finding::Finding],
    lang: Lang,
) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    build_workbook_with_limit(implementation, base, findings, lang, sheets::EXCEL_MAX_ROWS)
}

/// [`build_workbook`] with another row limit per sheet (tests use a small one to split sheets).
pub fn build_workbook_with_limit(
    implementation: &[Item],
    base: &[Item],
    findings: &[crate::finding::Finding],
    lang: Lang,
    limit: u32,
) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    crate::publish::marker::mark(&mut wb, crate::publish::marker::Output::Export);
    let all: Vec<&Item> = implementation.iter().collect();
    for name in SHEETS {
        let mut items = all.iter().copied().filter(|i| sheet_of(i) == name).peekable();
        if items.peek().is_some() {
            sheets::items_sheet(&mut wb, name, items, limit)?;
        }
    }
    if !base.is_empty() {
        sheets::items_sheet(&mut wb, "基本目录", base, limit)?;
    }
    sheets::materials_sheet(&mut wb, &all, limit)?;
    sheets::guide_sheet(&mut wb, &all, limit)?;
    let (rows, total) = indicators(&all);
    sheets::stats_sheet(wb.add_worksheet(), &rows, &total)?;
    sheets::findings_sheet(&mut wb, findings, lang, limit)?;
    Ok(wb)
}

/// Saves a workbook atomically: zipped straight into a temporary file next to `target`, then
/// renamed into place (the workbook is never held in memory as one buffer).
pub fn save_atomic(wb: &mut Workbook, target: &Path, lang: Lang) -> Result<(), String> {
    crate::output::write_atomic(target, |w| wb.save_to_writer(w).map_err(|e| std::io::Error::other(xlsx_error(lang)(e))))
        .map_err(|e| e.render(lang))
}
