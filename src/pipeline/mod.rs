//! The read pipeline every command runs: config, walking, reading options, and reading the files
//! in order with the work spread over threads ([`read_in_order`]); [`check`] adds the rules and the
//! cross-level comparison and returns the report.

pub mod check;

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
    /// In repository context: the display names of the files the user named (only their
    /// findings are reported); `None` when every file read was named.
    pub focus: Option<std::collections::HashSet<String>>,
}

/// Loads config, walks the paths and resolves reading options.
pub fn resolve(args: &InputArgs, config: Option<&Path>, lang: crate::i18n::Lang) -> Result<Inputs, String> {
    let config = Config::discover(config, &args.paths).map_err(|e| e.render(lang))?;
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
    let walk_findings = problems
        .into_iter()
        .map(|p| {
            // qingdan's own outputs are skipped with an info finding (QD016), not an error.
            let rule = if matches!(p.reason, crate::i18n::Reason::OwnOutput { .. }) { "QD016" } else { "QD001" };
            Finding::at_file(rule, &display_path(Path::new(&p.path)), None, Msg::FileUnreadable { reason: p.reason })
        })
        .collect();
    let options = Options {
        dict: Arc::new(HeaderDictionary::new(&config.aliases)),
        encoding: args.encoding,
        base: args.base.clone().or_else(|| config.base.clone()),
        layout: args.layout,
        limits: config.limits,
        values: Arc::new(config.values.clone()),
        divisions: Arc::new(crate::model::divisions::Divisions::new(&config.jurisdictions)),
    };
    Ok(Inputs { config, files, walk_findings, options, focus: None })
}

/// [`resolve`] with the repository's context: when the paths lie inside the folder of the
/// `qingdan.yaml` found for them (and are not that folder), the whole repository is read, so
/// that a file checked alone meets its base catalog and its siblings exactly as in a check of
/// the repository; [`Inputs::focus`] then names the files whose findings are reported.
pub fn resolve_in_repository(args: &InputArgs, config: Option<&Path>, lang: crate::i18n::Lang) -> Result<Inputs, String> {
    let named = resolve(args, config, lang)?;
    let Some(root) = named.config.root.as_deref().and_then(|r| r.canonicalize().ok()) else { return Ok(named) };
    let given: Vec<PathBuf> = args.paths.iter().filter_map(|p| p.canonicalize().ok()).collect();
    if given.is_empty() || given.len() != args.paths.len() || given.iter().any(|p| p == &root || !p.starts_with(&root)) {
        return Ok(named);
    }
    let mut context = args.clone();
    context.paths = vec![root.clone()];
    let mut inputs = resolve(&context, config, lang)?;
    // A named file the walk skips (ignored, hidden) is still read.
    let mut canonical: Vec<PathBuf> = inputs.files.iter().filter_map(|f| f.canonicalize().ok()).collect();
    for f in &named.files {
        if let Ok(c) = f.canonicalize()
            && !canonical.contains(&c)
        {
            inputs.files.push(f.clone());
            canonical.push(c);
        }
    }
    Reader::order(&mut inputs.files, inputs.options.base.as_deref());
    let focus = inputs
        .files
        .iter()
        .filter(|f| f.canonicalize().is_ok_and(|c| given.iter().any(|g| c.starts_with(g))))
        .map(|f| display_path(f))
        .collect();
    // Files are named as the user would name them: relative to the current directory.
    inputs.focus = Some(focus);
    Ok(inputs)
}

/// Why nothing could be read under `paths`: the failure naming the paths, then one line per
/// file that could not be opened (`错误 QD001 无法读取文件：路径不存在  青山区.csv`).
pub fn nothing_readable(paths: &[PathBuf], findings: &[Finding], lang: crate::i18n::Lang) -> String {
    let under = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" ");
    let mut s = crate::i18n::Failure::NoCatalogFiles { under: Some(under) }.render(lang);
    for f in findings.iter().filter(|f| f.rule == "QD001") {
        s.push_str("\n  ");
        s.push_str(&crate::report::human::head(f, lang));
    }
    s
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
    let mut reader = Reader::with_threads(inputs.options.clone(), crate::parallel::threads());
    for f in &inputs.files {
        reader.read_file(f, &display_path(f), emit);
    }
    reader
}

/// Files larger than this are read in order, not on a worker (which holds a file's results):
/// reading in order builds a large table's items on worker threads of its own
/// ([`crate::ingest::ordered`]), so one large file uses every core.
pub const WORKER_MAX_BYTES: u64 = 8 << 20;

/// A worker that has read more items than this from one file drops what it holds and leaves
/// the file to be read in order: a file's results wait in memory until its turn.
pub const WORKER_MAX_ITEMS: usize = 10_000;

/// Reads every file with the work on each file done on worker threads, and hands the results
/// over in file order on this thread, byte for byte what one thread would produce.
///
/// `on_worker` reads a file on the fresh reader it is given and folds its events into a
/// result, or `None` when the file is too big to hold (see [`WORKER_MAX_ITEMS`]). `in_order`
/// receives each file's result in file order, with the shared reader; `None` means the file
/// must be read here, through that reader: items join materials read before them, so a file
/// whose own reader met a materials table, and every file while materials from earlier files
/// wait to be joined, is read in order (workers skip those files). So is a file larger than
/// [`WORKER_MAX_BYTES`] or that gave a worker more than [`WORKER_MAX_ITEMS`] items: reading in
/// order streams it in constant memory, where a worker holds all of a file's results until
/// its turn. Returns the shared reader for materials bookkeeping.
pub fn read_in_order<R: Send>(
    inputs: &Inputs,
    on_worker: impl Fn(&Path, &mut Reader) -> Option<R> + Sync,
    mut in_order: impl FnMut(&Path, Option<R>, &mut Reader),
) -> Reader {
    use std::sync::atomic::{AtomicBool, Ordering};
    let threads = crate::parallel::threads();
    // A file read in order builds its items on worker threads of its own.
    let mut reader = Reader::with_threads(inputs.options.clone(), threads);
    let ordered_only = AtomicBool::new(false);
    let mut paths = inputs.files.iter();
    crate::parallel::map_ordered(
        &inputs.files,
        threads,
        threads * 2,
        |f| {
            if ordered_only.load(Ordering::Relaxed) || std::fs::metadata(f).is_ok_and(|m| m.len() > WORKER_MAX_BYTES) {
                return None;
            }
            let mut own = Reader::new(inputs.options.clone());
            let result = on_worker(f, &mut own)?;
            (!own.has_materials()).then_some(result)
        },
        |result| {
            let Some(f) = paths.next() else { return };
            let result = if reader.has_materials() { None } else { result };
            in_order(f, result, &mut reader);
            ordered_only.store(reader.has_materials(), Ordering::Relaxed);
        },
    );
    reader
}
