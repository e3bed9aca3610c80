//! qingdan (清单): reads government-service item catalogs from departmental spreadsheets,
//! normalizes every element to one field dictionary, checks them item by item and across the
//! four levels (四级同源), and publishes them.
//!
//! Data flows one way: [`ingest`] (tables → header mapping → typed items with provenance) →
//! [`rules`] and [`consistency`] (findings) → [`report`] (renderers). Commands in [`commands`]
//! only orchestrate.

pub mod cli;
pub mod commands;
pub mod config;
pub mod consistency;
pub mod diff;
pub mod finding;
pub mod i18n;
pub mod ingest;
pub mod model;
pub mod normalize;
pub mod output;
pub mod parallel;
pub mod pipeline;
pub mod progress;
pub mod publish;
pub mod report;
pub mod rounds;
pub mod rules;
pub mod schema;
pub mod stats;
pub mod walk;

/// Exit status: nothing at or above `--fail-on`.
pub const EXIT_OK: i32 = 0;
/// Exit status: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit status: the command could not do its work.
pub const EXIT_FAILURE: i32 = 2;

/// Runs the command line and returns the exit status.
pub fn run(args: cli::Cli) -> i32 {
    if let Some(n) = args.threads {
        parallel::set_threads(usize::from(n));
    }
    commands::dispatch(args)
}
