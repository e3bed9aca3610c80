//! One module per command; each only orchestrates the stages.

pub mod check;
pub mod info;
pub mod ingest;
pub mod load;

use crate::cli::{Cli, Command};

/// Runs the parsed command line.
pub fn dispatch(cli: Cli) -> i32 {
    let lang = cli.lang;
    let result = match cli.command {
        Command::Ingest(a) => ingest::run(&a, cli.config.as_deref(), lang),
        Command::Check(a) => check::run(&a, cli.config.as_deref(), lang, cli.quiet),
        Command::Explain { rule } => info::explain(&rule, lang),
        Command::Rules => info::rules(lang),
        Command::Schema => info::schema(),
        Command::Diff(_) | Command::Stats(_) | Command::Export(_) | Command::Template(_) | Command::Generate(_) => {
            Err("not built yet".to_string())
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("qingdan: {message}");
            crate::EXIT_FAILURE
        }
    }
}
