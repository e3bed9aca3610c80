//! `qingdan return`: one check, then per department an annotated copy of each file with
//! findings and a problem list, and 汇总.xlsx (see [`crate::publish::returns`]).

use std::path::Path;

use crate::cli::{CheckArgs, ReturnArgs};
use crate::i18n::{Failure, Lang};
use crate::publish::returns::{ReturnOptions, write};

/// Runs the return; returns the exit status.
pub fn run(args: &ReturnArgs, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<i32, String> {
    let out_abs = std::path::absolute(&args.output).unwrap_or_else(|_| args.output.clone());
    for p in args.input.paths.iter().filter(|p| p.is_dir()) {
        let input = p.canonicalize().unwrap_or_else(|_| p.clone());
        let out = out_abs.canonicalize().unwrap_or_else(|_| out_abs.clone());
        if out.starts_with(&input) {
            return Err(
                Failure::OutputInsideInput { output: args.output.display().to_string(), input: p.display().to_string() }.render(lang)
            );
        }
    }
    let check_args = CheckArgs::for_publication(&args.input, args.baseline.clone());
    let report = crate::pipeline::check::build_report(&check_args, config, lang, quiet)?;
    // The same resolution as the check (a second walk of the folders; no file is read).
    let inputs = crate::pipeline::resolve(&args.input, config, lang)?;
    let opts = ReturnOptions {
        out: &args.output,
        roots: &args.input.paths,
        csv: args.output_encoding,
        input_encoding: args.input.encoding,
        limits: inputs.config.limits,
        jurisdictions: &inputs.config.jurisdictions,
        lang,
    };
    let written = write(&report, &inputs.files, &opts)?;
    for (file, reason) in &written.skipped {
        eprintln!("qingdan: {}", crate::i18n::not_annotated(lang, file, reason));
    }
    if !quiet {
        eprintln!("{}", crate::i18n::returned(lang, written.departments, written.annotated, &args.output.display().to_string()));
    }
    // As check: nothing readable at all is a failure.
    Ok(if report.summary.tables == 0 { crate::EXIT_FAILURE } else { crate::EXIT_OK })
}
