//! `qingdan check`: runs the check pipeline ([`crate::pipeline::check`]) and renders its report.

use std::path::Path;

use crate::cli::{CheckArgs, CheckFormat, FailOn};
use crate::finding::Severity;
use crate::i18n::Lang;
use crate::report::Report;
use crate::rounds::Round;

/// Runs the check and renders the report; returns the exit status.
pub fn run(args: &CheckArgs, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<i32, String> {
    let mut report = crate::pipeline::check::build_report(args, config, lang, quiet)?;
    let failed = failing(&report, args.fail_on);
    // --quiet lists no info finding in the report for people (machine formats keep them all).
    if quiet && args.format == CheckFormat::Human {
        report.hidden_infos = report.retain(|f| f.severity != Severity::Info);
    }
    let layout = crate::report::human::Layout { width: crate::report::human::terminal_width(), statistics: args.statistics };
    if args.format == CheckFormat::Json {
        // Written as it is rendered: the report of a large catalog is not held again as text.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let written = crate::report::json::write(&report, lang, &mut out).and_then(|()| std::io::Write::flush(&mut out));
        if let Err(e) = written
            && e.kind() != std::io::ErrorKind::BrokenPipe
        {
            return Err(e.to_string());
        }
        return Ok(exit_status(&report, failed));
    }
    let rendered = match args.format {
        CheckFormat::Human => crate::report::human::render(&report, lang, layout),
        CheckFormat::Json => crate::report::json::render(&report, lang),
        CheckFormat::Sarif => crate::report::sarif::render(&report, lang, crate::report::sarif::anchor(&args.input.paths).as_deref()),
        CheckFormat::Junit => crate::report::junit::render(&report, lang),
        CheckFormat::Github => crate::report::github::render(&report, lang),
    };
    print!("{rendered}");
    Ok(exit_status(&report, failed))
}

/// The exit status of a check: nothing read is a failure; otherwise findings per `--fail-on`.
fn exit_status(report: &Report, failed: bool) -> i32 {
    if report.summary.tables == 0 {
        return crate::EXIT_FAILURE;
    }
    if failed { crate::EXIT_FINDINGS } else { crate::EXIT_OK }
}

/// Whether the report fails `--fail-on`: a finding at or above the threshold that is not
/// accepted (with `new`: that is also new).
pub fn failing(report: &Report, fail_on: FailOn) -> bool {
    let threshold = fail_on.severity();
    report.marked().any(|(f, m)| f.severity >= threshold && m.accepted.is_none() && (fail_on != FailOn::New || m.round == Some(Round::New)))
}
