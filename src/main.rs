//! The `qingdan` binary: parse arguments, run, exit with the status.

/// mimalloc: reading a catalog allocates and frees millions of small strings, on several
/// threads; glibc's malloc spent about a sixth of a check there (see bench/NOTES.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = qingdan::cli::parse();
    std::process::exit(qingdan::run(args));
}
