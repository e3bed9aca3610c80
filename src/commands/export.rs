//! `qingdan export`: read → check → the publication workbook (per-level item sheets, 申请材料,
//! 办事指南, 统计, 问题), written atomically and never over an input.

use std::collections::BTreeMap;
use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::cli::{CheckArgs, CheckFormat, ExportArgs, FailOn};
use crate::i18n::{Failure, Lang};
use crate::model::item::Item;
use crate::model::vocab::Level;
use crate::publish::{sheets, xlsx_error};

/// One jurisdiction's convenience indicators (or the 合计 over all of them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Indicators {
    /// The 12-digit division code (empty for items without one; `合计` row: empty).
    pub code: String,
    /// The division name first seen, or 合计.
    pub name: String,
    /// The level of the division code.
    pub level: String,
    /// Items.
    pub items: usize,
    /// Items in the service hall (是否进驻政务服务中心 = 是).
    pub in_hall: usize,
    /// Items accepted at one window (是否一窗受理 = 是).
    pub one_window: usize,
    /// Items with 网上办理深度 4 (全程网办).
    pub online_full: usize,
    /// Items with 网上办理深度 ≥ 3 (网上可办).
    pub online_able: usize,
    /// 即办件.
    pub instant: usize,
    /// Items needing no visit (到办事现场次数 = 0).
    pub zero_visits: usize,
}

fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl Indicators {
    /// 一窗受理率: one-window items among items in the hall.
    pub fn one_window_rate(&self) -> Option<f64> {
        ratio(self.one_window, self.in_hall)
    }
    /// 全程网办率: depth 4 among all items.
    pub fn online_full_rate(&self) -> Option<f64> {
        ratio(self.online_full, self.items)
    }
    /// 网上可办率: depth ≥ 3 among all items.
    pub fn online_able_rate(&self) -> Option<f64> {
        ratio(self.online_able, self.items)
    }
    /// 即办率: 即办件 among all items.
    pub fn instant_rate(&self) -> Option<f64> {
        ratio(self.instant, self.items)
    }
    /// 零跑腿率: zero visits among all items.
    pub fn zero_visits_rate(&self) -> Option<f64> {
        ratio(self.zero_visits, self.items)
    }

    fn add(&mut self, it: &Item) {
        self.items += 1;
        self.in_hall += usize::from(it.in_hall == Some(true));
        self.one_window += usize::from(it.one_window == Some(true) && it.in_hall == Some(true));
        self.online_full += usize::from(it.online_depth == Some(4));
        self.online_able += usize::from(it.online_depth.is_some_and(|d| d >= 3));
        self.instant += usize::from(it.instant == Some(true));
        self.zero_visits += usize::from(it.visits == Some(0));
    }
}

/// Per-jurisdiction indicators of implementation items, sorted by division code, and the total.
/// Unknown values count as "no"; 一窗受理率 counts only items that are also in the hall.
/// (Kept small and self-contained so a shared stats module can replace it.)
pub fn indicators(items: &[&Item]) -> (Vec<Indicators>, Indicators) {
    let mut by: BTreeMap<String, Indicators> = BTreeMap::new();
    let mut total = Indicators { name: "合计".into(), ..Default::default() };
    for it in items {
        let code = it.division_code.clone().unwrap_or_default();
        let e = by.entry(code.clone()).or_insert_with(|| Indicators {
            level: crate::model::codes::division_level(&code).map(|l| l.to_string()).unwrap_or_default(),
            code,
            ..Default::default()
        });
        if e.name.is_empty()
            && let Some(n) = &it.division_name
        {
            e.name = n.clone();
        }
        e.add(it);
        total.add(it);
    }
    (by.into_values().collect(), total)
}

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
    let inputs = super::load::resolve(&args.input, config)?;
    let mut guarded = inputs.files.clone();
    guarded.extend(args.input.paths.iter().cloned());
    crate::output::guard(&args.output, &guarded).map_err(|e| e.render(lang))?;
    if args.output.extension().and_then(|e| e.to_str()).is_none_or(|e| !e.eq_ignore_ascii_case("xlsx")) {
        return Err(Failure::OutputNotXlsx { path: args.output.display().to_string() }.render(lang));
    }

    let check_args = CheckArgs { input: args.input.clone(), format: CheckFormat::Json, fail_on: FailOn::Error, baseline: None };
    // One pass: the check keeps every item it read, whole, for the sheets.
    let (report, kept) = super::check::build_report_keeping(&check_args, config, lang, quiet, true)?;
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
        eprintln!(
            "已写出 {}：{} 个实施事项，{} 个基本目录事项，{} 条问题",
            args.output.display(),
            implementation.len(),
            base.len(),
            report.findings.len()
        );
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
