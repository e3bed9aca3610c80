//! Shared front half of the commands that read catalogs: config, walking, reading options.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::InputArgs;
use crate::config::Config;
use crate::finding::Finding;
use crate::i18n::Msg;
use crate::ingest::headers::HeaderDictionary;
use crate::ingest::{Event, Options, Reader};

/// Inputs resolved from arguments and config.
pub struct Inputs {
    /// The config.
    pub config: Config,
    /// Files to read, materials tables first.
    pub files: Vec<PathBuf>,
    /// Findings from walking (unreadable entries, loops).
    pub walk_findings: Vec<Finding>,
    /// Reading options.
    pub options: Options,
}

/// Loads config, walks the paths and resolves reading options.
pub fn resolve(args: &InputArgs, config: Option<&Path>) -> Result<Inputs, String> {
    let config = Config::discover(config, &args.paths).map_err(|e| e.to_string())?;
    let base = args.base.clone().or_else(|| config.base.clone());
    let mut paths = args.paths.clone();
    // The named base catalog is read even when it lies outside the given paths.
    if let Some(b) = &base
        && !args.paths.iter().any(|p| b.starts_with(p) || p == b)
    {
        paths.insert(0, b.clone());
    }
    let (mut files, problems) = crate::walk::collect(&paths, &config.ignore, config.root.as_deref());
    Reader::order(&mut files, base.as_deref());
    let walk_findings =
        problems.into_iter().map(|p| Finding::at_file("QD001", &p.path, None, Msg::FileUnreadable { reason: p.reason })).collect();
    let options = Options {
        dict: Arc::new(HeaderDictionary::new(&config.aliases)),
        encoding: args.encoding,
        base: args.base.clone().or_else(|| config.base.clone()),
        layout: args.layout,
        limits: config.limits,
    };
    Ok(Inputs { config, files, walk_findings, options })
}

/// How a file is named in reports: relative to the current directory when under it.
pub fn display_path(p: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = match (&cwd, p.canonicalize()) {
        (Some(c), Ok(abs)) => abs.strip_prefix(c).map(Path::to_path_buf).unwrap_or_else(|_| p.to_path_buf()),
        _ => p.to_path_buf(),
    };
    shown.to_string_lossy().replace('\\', "/")
}

/// Reads every file, passing events on; returns the reader for materials bookkeeping.
pub fn read_all(inputs: &Inputs, emit: &mut dyn FnMut(Event)) -> Reader {
    let mut reader = Reader::new(inputs.options.clone());
    for f in &inputs.files {
        reader.read_file(f, &display_path(f), emit);
    }
    reader
}
