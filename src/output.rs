//! Writing outputs safely: to a temporary file in the target folder, then renamed into place,
//! so an interrupted run leaves no half-written file; and never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::i18n::{Failure, Lang};

/// Why an output could not be written.
#[derive(Debug)]
pub enum OutputError {
    /// The target is one of the inputs.
    WouldOverwriteInput(PathBuf),
    /// An I/O error.
    Io(PathBuf, std::io::Error),
}

impl OutputError {
    /// Renders the error in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        match self {
            OutputError::WouldOverwriteInput(p) => Failure::WouldOverwriteInput { path: p.display().to_string() }.render(lang),
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

/// Refuses a target that is (or resolves to) one of `inputs`.
pub fn guard(target: &Path, inputs: &[PathBuf]) -> Result<(), OutputError> {
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

/// The writer outputs are written through: buffered, seekable and `Send` (as workbook writers need).
pub type OutputWriter<'a> = std::io::BufWriter<&'a mut std::fs::File>;

/// Writes `target` atomically with `write`, which receives a buffered writer on a temporary
/// file in the same folder.
pub fn write_atomic(target: &Path, write: impl FnOnce(&mut OutputWriter<'_>) -> std::io::Result<()>) -> Result<(), OutputError> {
    let io = |e| OutputError::Io(target.to_path_buf(), e);
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new().prefix(".qingdan-").suffix(".tmp").tempfile_in(dir).map_err(io)?;
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
