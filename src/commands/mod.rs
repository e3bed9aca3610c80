//! One module per command; each only orchestrates the stages.

pub mod check;
pub mod diff;
pub mod export;
pub mod generate;
pub mod info;
pub mod ingest;
pub mod report;
pub mod returns;
pub mod stats;
pub mod template;
pub mod template_form;

use crate::cli::{Cli, Command};

/// Runs the parsed command line.
pub fn dispatch(cli: Cli) -> i32 {
    let lang = cli.lang;
    let result = match cli.command {
        Command::Ingest(a) => ingest::run(&a, cli.config.as_deref(), lang),
        Command::Check(a) => check::run(&a, cli.config.as_deref(), lang, cli.quiet),
        Command::Explain { rule } => info::explain(&rule, lang),
        Command::Rules => info::rules(lang),
        Command::Schema { report } => info::schema(report),
        Command::Generate(a) => generate::run(&a),
        Command::Export(a) => export::run(&a, cli.config.as_deref(), lang, cli.quiet),
        Command::Return(a) => returns::run(&a, cli.config.as_deref(), lang, cli.quiet),
        Command::Template(a) => template::run(&a, lang),
        Command::Diff(a) => diff::run(&a, cli.config.as_deref(), lang, cli.quiet),
        Command::Stats(a) => stats::run(&a, cli.config.as_deref(), lang, cli.quiet),
        Command::Report(a) => report::run(&a, cli.config.as_deref(), lang, cli.quiet),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("qingdan: {message}");
            crate::EXIT_FAILURE
        }
    }
}
