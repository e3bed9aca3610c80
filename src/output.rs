//! Writing outputs safely: to a temporary file in the target folder, then renamed into place,
//! so an interrupted run leaves no half-written file; never over an input, a config file or a
//! file qingdan did not write. Also the one place values are made harmless on the way out:
//! cells a spreadsheet would evaluate ([`defuse`]) and control characters a terminal would
//! obey ([`visible`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::i18n::{Failure, Lang};

/// Why an output could not be written.
#[derive(Debug)]
pub enum OutputError {
    /// The target is one of the inputs.
    WouldOverwriteInput(PathBuf),
    /// The target is a config file.
    WouldOverwriteConfig(PathBuf),
    /// The target exists and was not written by qingdan.
    WouldOverwriteForeign(PathBuf),
    /// An I/O error.
    Io(PathBuf, std::io::Error),
}

impl OutputError {
    /// Renders the error in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            OutputError::WouldOverwriteInput(p) => Failure::WouldOverwriteInput { path: p.display().to_string() }.render(lang),
            OutputError::WouldOverwriteConfig(p) => Failure::WouldOverwriteConfig { path: p.display().to_string() }.render(lang),
            OutputError::WouldOverwriteForeign(p) => Failure::WouldOverwriteForeign { path: p.display().to_string() }.render(lang),
            OutputError::Io(p, e) => format!("{}: {e}", p.display()),
        }
    }
}

impl std::fmt::Display for OutputError {
    /// Shows the error in the default language (Chinese).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::default()))
    }
}

/// Refuses a target that is (or resolves to) one of `inputs`, or is a config file.
pub fn guard(target: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
    if target.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.eq_ignore_ascii_case(crate::config::FILE_NAME)) {
        return Err(OutputError::WouldOverwriteConfig(target.to_path_buf()));
    }
    let t = target.canonicalize().ok();
    for i in inputs {
        let same = match (&t, i.canonicalize().ok()) {
            (Some(a), Some(b)) => *a == b,
            _ => target == i,
        };
        if same {
            return Err(OutputError::WouldOverwriteInput(target.to_path_buf()));
        }
    }
    Ok(())
}

/// Refuses to replace an existing file that qingdan did not write: a catalog output of
/// `ingest` is recognised by its start (`items:` for YAML, `{"items"` for JSON, an item with
/// `provenance` per NDJSON line, the canonical header for CSV). A missing file is fine.
pub fn guard_foreign(target: &Path) -> Result<(), OutputError> {
    match std::fs::symlink_metadata(target) {
        Err(_) => Ok(()),
        Ok(m) if m.is_file() && written_by_qingdan(target) => Ok(()),
        Ok(_) => Err(OutputError::WouldOverwriteForeign(target.to_path_buf())),
    }
}

/// Whether a file looks like an `ingest` output of its extension.
fn written_by_qingdan(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::new();
    let Ok(file) = std::fs::File::open(path) else { return false };
    if file.take(1 << 20).read_to_end(&mut head).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&head);
    let text = text.trim_start_matches('\u{feff}');
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "yaml" | "yml" => text.starts_with("items:"),
        "json" => text.trim_start().strip_prefix('{').is_some_and(|t| t.trim_start().starts_with("\"items\"")),
        "ndjson" | "jsonl" => {
            let first = text.lines().next().unwrap_or("");
            text.is_empty() || (first.starts_with('{') && first.contains("\"provenance\""))
        }
        "csv" => {
            // UTF-8 (with or without BOM) or GB18030, as `--output-encoding` writes it.
            let header = crate::model::field::Field::ALL.iter().map(|f| f.label()).collect::<Vec<_>>().join(",");
            let gb = encoding_rs::GB18030.decode_without_bom_handling(&head).0.into_owned();
            [text, gb.as_str()].iter().any(|t| t.lines().next().is_some_and(|l| l.starts_with(&header)))
        }
        _ => false,
    }
}

/// The longest output file name `ingest -o` makes, in bytes (file systems allow 255; room is
/// left for a `-N` suffix).
const MAX_NAME_BYTES: usize = 200;

/// A portable file name for a table's output: `东河区.xlsx` + sheet `实施清单` →
/// `东河区-实施清单.yaml`. Characters no file system takes (`/ \ : * ? " < > |`, control
/// characters, NUL) become `_`, a leading dot and trailing dots or spaces are replaced, Windows
/// device names (`CON`, `NUL`, `COM1` …) get a `_` prefix, names longer than 200 bytes are cut
/// and given a hash of the whole name, and a name equal to one already `used` up to letter
/// case gets `-2`, `-3` … so that no table overwrites another on any file system.
pub fn portable_name(file: &str, sheet: Option<&str>, ext: &str, used: &mut std::collections::HashSet<String>) -> String {
    let stem = Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("table");
    let full = match sheet {
        Some(s) => format!("{stem}-{s}"),
        None => stem.to_string(),
    };
    let mut base: String = full
        .chars()
        .map(|c| if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c })
        .collect();
    while base.ends_with(['.', ' ']) {
        base.pop();
        base.push('_');
        if base.chars().all(|c| c == '_') {
            break;
        }
    }
    if base.starts_with('.') {
        base.replace_range(..1, "_");
    }
    if base.trim().is_empty() {
        base = "table".into();
    }
    let device = base.split('.').next().unwrap_or("").trim_end().to_ascii_uppercase();
    let reserved = matches!(device.as_str(), "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$")
        || ((device.starts_with("COM") || device.starts_with("LPT")) && device.len() == 4 && device.as_bytes()[3].is_ascii_digit());
    if reserved {
        base.insert(0, '_');
    }
    let room = MAX_NAME_BYTES - ext.len() - 1;
    if base.len() > room {
        let hash = format!("-{:016x}", fnv1a(full.as_bytes()));
        let mut cut = room - hash.len();
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        base.truncate(cut);
        base.push_str(&hash);
    }
    let mut name = format!("{base}.{ext}");
    let mut n = 1;
    while !used.insert(name.to_lowercase()) {
        n += 1;
        name = format!("{base}-{n}.{ext}");
    }
    name
}

/// FNV-1a, 64 bits: a stable hash for shortened names (the same name on every run).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// The writer outputs are written through: buffered, seekable and `Send` (as workbook writers need).
pub type OutputWriter<'a> = std::io::BufWriter<&'a mut std::fs::File>;

/// Writes `target` atomically with `write`, which receives a buffered writer on a temporary
/// file in the same folder.
pub fn write_atomic(target: &Path, write: impl FnOnce(&mut OutputWriter<'_>) -> std::io::Result<()>) -> Result<(), OutputError> {
    let io = |e| OutputError::Io(target.to_path_buf(), e);
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    // Once per folder and run: `ingest -o` writes thousands of files into one.
    static CLEANED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    if let Ok(mut cleaned) = CLEANED.lock()
        && !cleaned.iter().any(|d| d == dir)
    {
        cleaned.push(dir.to_path_buf());
        clean_stale(dir);
    }
    // The process id in the name tells a later run whether the writer is still alive.
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut tmp = tempfile::Builder::new().prefix(&prefix).suffix(TEMP_SUFFIX).tempfile_in(dir).map_err(io)?;
    let _registered = Registered::new(tmp.path());
    // For the signal tests: hold the temporary file open for a while.
    if let Some(ms) = std::env::var("QINGDAN_TEST_WRITE_PAUSE_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(60_000)));
    }
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut w).map_err(io)?;
        w.flush().map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    // A temporary file is private (0600); the output gets the permissions of the file it
    // replaces, or the usual 0644.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(target).map(|m| m.permissions().mode() & 0o777).unwrap_or(0o644);
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode)).map_err(io)?;
    }
    tmp.persist(target).map_err(|e| io(e.error))?;
    Ok(())
}

/// How temporary output files start and end: `.qingdan-<pid>-<random>.tmp`.
const TEMP_PREFIX: &str = ".qingdan-";
const TEMP_SUFFIX: &str = ".tmp";

/// Temporary files being written, removed by the SIGINT/SIGTERM handler.
static TEMPS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// A temporary file registered for removal on SIGINT/SIGTERM while it exists.
struct Registered(PathBuf);

impl Registered {
    fn new(path: &Path) -> Registered {
        static HANDLER: std::sync::Once = std::sync::Once::new();
        HANDLER.call_once(|| {
            // Another handler already installed (a library user's) is left alone.
            let _ = ctrlc::set_handler(|| {
                remove_registered();
                std::process::exit(130);
            });
        });
        if let Ok(mut t) = TEMPS.lock() {
            t.push(path.to_path_buf());
        }
        Registered(path.to_path_buf())
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut t) = TEMPS.lock() {
            t.retain(|p| p != &self.0);
        }
    }
}

/// Removes every registered temporary file (on SIGINT/SIGTERM).
fn remove_registered() {
    let temps = match TEMPS.lock() {
        Ok(t) => t.clone(),
        Err(poisoned) => poisoned.into_inner().clone(),
    };
    for p in temps {
        let _ = std::fs::remove_file(p);
    }
}

/// Removes temporary files left in `dir` by qingdan processes that died (SIGKILL, power loss):
/// `.qingdan-<pid>-….tmp` whose process no longer runs. Files of live processes, and names
/// without a process id, are left alone unless older than a day.
pub fn clean_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let own = std::process::id();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(middle) = name.strip_prefix(TEMP_PREFIX).and_then(|n| n.strip_suffix(TEMP_SUFFIX)) else { continue };
        let Ok(meta) = e.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let pid = middle.split_once('-').and_then(|(p, _)| p.parse::<u32>().ok());
        let old = meta.modified().ok().and_then(|m| m.elapsed().ok()).is_some_and(|age| age.as_secs() > 24 * 3600);
        let dead = match pid {
            Some(p) if p == own => false,
            Some(p) => !process_alive(p),
            None => false,
        };
        if dead || old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Whether a process with this id runs (on other systems than Unix: assumed to).
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        if pid <= 0 {
            return false;
        }
        // SAFETY: kill with signal 0 sends nothing; it only checks that the process exists.
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Writes bytes produced elsewhere (a workbook buffer) atomically.
pub fn write_bytes_atomic(target: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic(target, |w| w.write_all(bytes))
}

/// [`guard`] for many targets against the same inputs: the inputs are resolved once (checking
/// each of thousands of outputs against a thousand inputs one by one resolved every input
/// path thousands of times).
#[derive(Debug, Clone, Default)]
pub struct InputGuard {
    resolved: std::collections::HashSet<PathBuf>,
    given: std::collections::HashSet<PathBuf>,
}

impl InputGuard {
    /// A guard over `inputs`.
    pub fn new(inputs: &[PathBuf]) -> InputGuard {
        InputGuard { resolved: inputs.iter().filter_map(|i| i.canonicalize().ok()).collect(), given: inputs.iter().cloned().collect() }
    }

    /// Refuses a target that is (or resolves to) one of the inputs.
    pub fn check(&self, target: &Path) -> Result<(), OutputError> {
        let same = match target.canonicalize() {
            Ok(t) => self.resolved.contains(&t),
            Err(_) => self.given.contains(target),
        };
        if same { Err(OutputError::WouldOverwriteInput(target.to_path_buf())) } else { Ok(()) }
    }
}

/// Neutralizes a cell a spreadsheet would evaluate as a formula (`=`, `+`, `-`, `@`, tab or CR
/// first) with a leading apostrophe: the one function every cell of every CSV qingdan writes
/// goes through (values, headers and provenance columns alike, see
/// `publish::csvout::write_records`); xlsx cells are written as string cells, which
/// spreadsheets never evaluate.
pub use crate::publish::csvout::defuse;

/// Shows control characters that a terminal or a log viewer would act on (ESC, CR, BEL, DEL,
/// C1 controls, bidirectional overrides) as escapes (`\x1b`, `\u{202e}`); line breaks and tabs
/// stay.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !hidden(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown() {
        assert_eq!(visible("a\u{1b}[31mb\r\nc\td"), "a\\x1b[31mb\\x0d\nc\td");
        assert_eq!(visible("\u{9b}x\u{202e}"), "\\u{9b}x\\u{202e}");
        assert!(matches!(visible("事项名称"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn stale_temporary_files_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // A process id that cannot be running (above the kernel's maximum).
        let dead = dir.path().join(".qingdan-4194999-abc.tmp");
        let live = dir.path().join(format!(".qingdan-{}-abc.tmp", std::process::id()));
        let other = dir.path().join(".qingdan-notes.txt");
        for p in [&dead, &live, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        write_bytes_atomic(&dir.path().join("out.yaml"), b"items: []\n").unwrap();
        assert!(!dead.exists());
        assert!(live.exists() && other.exists());
        assert!(TEMPS.lock().unwrap().is_empty());
    }

    #[test]
    fn names_are_portable() {
        let mut used = std::collections::HashSet::new();
        assert_eq!(portable_name("东河区.xlsx", Some("实施清单"), "yaml", &mut used), "东河区-实施清单.yaml");
        assert_eq!(portable_name("东河区.XLSX", Some("实施清单"), "yaml", &mut used), "东河区-实施清单-2.yaml");
        assert_eq!(portable_name("a.csv", Some("x\0y/z"), "csv", &mut used), "a-x_y_z.csv");
        assert_eq!(portable_name("con.csv", None, "csv", &mut used), "_con.csv");
        assert_eq!(portable_name("lpt1.csv", None, "csv", &mut used), "_lpt1.csv");
        assert_eq!(portable_name("A.csv", None, "csv", &mut used), "A.csv");
        assert_eq!(portable_name("a.csv", None, "csv", &mut used), "a-2.csv");
        assert_eq!(portable_name(".hidden.csv", Some("x. "), "csv", &mut used), "_hidden-x._.csv");
        let long = "事".repeat(100);
        let a = portable_name(&format!("{long}.xlsx"), Some(&long), "yaml", &mut used);
        assert!(a.len() <= MAX_NAME_BYTES, "{}", a.len());
        let b = portable_name(&format!("{long}.xlsx"), Some(&format!("{long}2")), "yaml", &mut used);
        assert_ne!(a, b);
        assert!(b.len() <= MAX_NAME_BYTES);
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")+1.csv"), "'=HYPERLINK(\"x\")+1.csv");
        assert_eq!(defuse("-1"), "'-1");
        assert_eq!(defuse("东河区"), "东河区");
    }
}
