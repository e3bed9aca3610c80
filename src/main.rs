//! The `qingdan` binary: parse arguments, run, exit with the status.

use clap::Parser;

fn main() {
    let args = qingdan::cli::Cli::parse();
    std::process::exit(qingdan::run(args));
}
