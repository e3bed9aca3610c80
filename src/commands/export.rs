//! `qingdan export`: read → check → the publication workbook (per-level item sheets, 申请材料,
//! 办事指南, 统计, 问题), written atomically and never over an input.

use std::collections::BTreeMap;
use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::cli::{CheckArgs, ExportArgs};
use crate::i18n::{Failure, Lang};
use crate::model::item::Item;
use crate::model::vocab::Level;
use crate::publish::{print, sheets, xlsx_error};
use crate::stats::Stats;

/// The level of the sheet an implementation item is listed on (`None`: 其他).
fn level_of(item: &Item) -> Option<Level> {
    item.single_level()
}

/// The item sheets in order: level, data sheet, public sheet.
const SHEETS: [(Option<Level>, &str, &str); 5] = [
    (Some(Level::City), "市级事项目录", "市级公开目录"),
    (Some(Level::County), "县级事项目录", "县级公开目录"),
    (Some(Level::Township), "乡级事项目录", "乡级公开目录"),
    (Some(Level::Village), "村级事项目录", "村级公开目录"),
    (None, "其他", "其他公开目录"),
];

/// Everything the publication workbook is built from: the checked items, the check's findings,
/// the indicators (the same [`Stats`] `stats` prints) and division names.
#[derive(Debug, Clone, Copy)]
pub struct Publication<'a> {
    /// Implementation items, sorted by division and impl code.
    pub implementation: &'a [Item],
    /// Base-catalog entries, sorted by basic code.
    pub base: &'a [Item],
    /// The check's findings.
    pub findings: &'a [crate::finding::Finding],
    /// The indicators of `implementation`.
    pub stats: &'a Stats,
    /// Division names by code (config first, then the bundled table).
    pub names: &'a BTreeMap<String, String>,
}

/// Runs the export; returns the exit status.
pub fn run(args: &ExportArgs, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<i32, String> {
    let inputs = crate::pipeline::resolve(&args.input, config, lang)?;
    let mut guarded = inputs.files.clone();
    guarded.extend(args.input.paths.iter().cloned());
    crate::output::guard(&args.output, &guarded).map_err(|e| e.render(lang))?;
    if args.output.extension().and_then(|e| e.to_str()).is_none_or(|e| !e.eq_ignore_ascii_case("xlsx")) {
        return Err(Failure::OutputNotXlsx { path: args.output.display().to_string() }.render(lang));
    }

    let check_args = CheckArgs::for_publication(&args.input, None);
    // One pass: the check keeps every item it read, whole, for the sheets.
    let (report, kept) = crate::pipeline::check::build_report_keeping(&check_args, config, lang, quiet, true)?;
    // Nothing readable: exit 2 and write nothing (not an empty workbook).
    if report.summary.tables == 0 {
        return Err(crate::pipeline::nothing_readable(&args.input.paths, &report.findings, lang));
    }
    let crate::pipeline::check::Kept { implementation, mut base } = kept;
    let mut implementation = crate::model::catalog::merge_guides(implementation);
    // Sorted without cloning keys (absent codes sort as empty, as before); the sheets are
    // written in this order, row by row.
    fn key(i: &Item) -> (&str, &str) {
        (i.division_code.as_deref().unwrap_or_default(), i.impl_code.as_deref().unwrap_or_default())
    }
    implementation.sort_by(|a, b| key(a).cmp(&key(b)));
    base.sort_by(|a, b| a.basic_code.cmp(&b.basic_code));

    let names = super::stats::jurisdiction_names(&inputs.config);
    let stats = crate::stats::compute(implementation.iter(), &names);
    let publication =
        Publication { implementation: &implementation, base: &base, findings: &report.findings, stats: &stats, names: &names };
    let mut wb = build_workbook(&publication, lang).map_err(xlsx_error(lang))?;
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

/// Builds the publication workbook: per level a data sheet (every field and 状态) and a
/// 公开目录 sheet (the public columns), 基本目录, 申请材料, 办事指南, 统计, 统计明细 and 问题,
/// each with the print setup of [`crate::publish::print`]. The item, 申请材料, 办事指南 and 问题
/// sheets are written in constant-memory mode (their rows go to temporary files as they are
/// written, in the order given); sheets past Excel's row limit continue on numbered sheets. Save
/// it with [`save_atomic`].
pub fn build_workbook(p: &Publication, lang: Lang) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    build_workbook_with_limit(p, lang, sheets::EXCEL_MAX_ROWS)
}

/// [`build_workbook`] with another row limit per sheet (tests use a small one to split sheets).
pub fn build_workbook_with_limit(p: &Publication, lang: Lang, limit: u32) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    crate::publish::marker::mark(&mut wb, crate::publish::marker::Output::Export);
    let all: Vec<&Item> = p.implementation.iter().collect();
    let ann = sheets::Annotations::new(p.names.clone(), p.findings);
    let city = print::city_name(p.implementation, p.names);
    for (level, data, _) in SHEETS {
        let mut items = all.iter().copied().filter(|i| level_of(i) == level).peekable();
        if items.peek().is_some() {
            let title = print::catalog_title(&city, "目录", level.map(|l| l.as_str()));
            sheets::items_sheet(&mut wb, data, &title, items, limit, &ann)?;
        }
    }
    for (level, _, public) in SHEETS {
        let mut items = all.iter().copied().filter(|i| level_of(i) == level).peekable();
        if items.peek().is_some() {
            let title = print::catalog_title(&city, "公开目录", level.map(|l| l.as_str()));
            sheets::public_sheet(&mut wb, public, &title, items, limit, &ann)?;
        }
    }
    if !p.base.is_empty() {
        sheets::items_sheet(&mut wb, "基本目录", &print::catalog_title(&city, "基本目录", None), p.base, limit, &ann)?;
    }
    sheets::materials_sheet(&mut wb, &print::catalog_title(&city, "申请材料", None), &all, limit)?;
    sheets::guide_sheet(&mut wb, &print::catalog_title(&city, "办事指南", None), &all, limit)?;
    sheets::stats_sheet(&mut wb, &format!("{city}政务服务便利化指标统计"), p.stats)?;
    sheets::stats_detail_sheet(&mut wb, &format!("{city}政务服务便利化指标统计明细"), p.stats)?;
    sheets::findings_sheet(&mut wb, &format!("{city}政务服务事项清单检查问题"), p.findings, lang, limit)?;
    Ok(wb)
}

/// Saves a workbook atomically: zipped straight into a temporary file next to `target`, then
/// renamed into place (the workbook is never held in memory as one buffer).
pub fn save_atomic(wb: &mut Workbook, target: &Path, lang: Lang) -> Result<(), String> {
    crate::output::write_atomic(target, |w| wb.save_to_writer(w).map_err(|e| std::io::Error::other(xlsx_error(lang)(e))))
        .map_err(|e| e.render(lang))
}
