//! `qingdan report -o 报告.html`: read → check → the indicators → one self-contained HTML page
//! (see [`crate::report::html`]), written atomically and never over an input.

use std::io::Write;
use std::path::Path;

use crate::cli::{CheckArgs, ReportArgs};
use crate::i18n::Lang;
use crate::report::html;

/// Runs `report`; exits 0 whatever the findings (the page shows them).
pub fn run(args: &ReportArgs, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<i32, String> {
    let inputs = crate::pipeline::resolve(&args.input, config, lang)?;
    let mut guarded = inputs.files.clone();
    guarded.extend(args.input.paths.iter().cloned());
    crate::output::guard(&args.output, &guarded).map_err(|e| e.render(lang))?;
    if args.output.extension().and_then(|e| e.to_str()).is_none_or(|e| !e.eq_ignore_ascii_case("html") && !e.eq_ignore_ascii_case("htm")) {
        return Err(crate::i18n::report::output_not_html(lang, &args.output.display().to_string()));
    }
    let check_args = CheckArgs::for_publication(&args.input, None);
    let (report, kept) = crate::pipeline::check::build_report_keeping(&check_args, config, lang, quiet, true)?;
    // Nothing readable: exit 2 and write nothing.
    if report.summary.tables == 0 {
        return Err(crate::pipeline::nothing_readable(&args.input.paths, &report.findings, lang));
    }
    let implementation = crate::model::catalog::merge_guides(kept.implementation);
    let names = super::stats::jurisdiction_names(&inputs.config);
    let stats = crate::stats::compute(implementation.iter(), &names);
    let page = html::render(&html::Inputs { report: &report, stats: &stats, names: &names }, lang);
    crate::output::write_atomic(&args.output, |w| w.write_all(page.as_bytes())).map_err(|e| e.render(lang))?;
    if !quiet {
        eprintln!("{}", crate::i18n::report::report_written(lang, &args.output.display().to_string(), report.findings.len()));
    }
    Ok(crate::EXIT_OK)
}
