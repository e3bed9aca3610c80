//! Finding the tables under the given paths: directories walked with walkdir, skipping hidden
//! folders, `target/`, the config's `ignore:` globs and files qingdan does not read. Problems
//! while walking (symlink loops, unreadable entries, non-UTF-8 names) are reported, not fatal.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::i18n::Reason;
use crate::ingest::format_of;

/// A problem met while walking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkProblem {
    /// The path concerned, lossily displayed.
    pub path: String,
    /// What happened.
    pub reason: Reason,
}

/// The input files, in a stable order, and the problems met.
pub fn collect(paths: &[PathBuf], ignore: &[String], root: Option<&Path>) -> (Vec<PathBuf>, Vec<WalkProblem>) {
    let ignore = Ignore::new(ignore);
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if !p.is_dir() {
            // Following symlinks: a FIFO, a device or a link to one is never opened (reading
            // `/dev/zero` never ends, opening a FIFO blocks).
            match std::fs::metadata(p) {
                Ok(m) if m.is_file() => files.push(p.clone()),
                Ok(_) => problems.push(WalkProblem { path: p.display().to_string(), reason: Reason::NotRegularFile }),
                Err(_) => problems.push(WalkProblem { path: p.display().to_string(), reason: Reason::NoSuchFile }),
            }
            continue;
        }
        let walker = WalkDir::new(p).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            e.depth() == 0 || !(name.starts_with('.') || (e.file_type().is_dir() && name == "target"))
        });
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let path = e.path();
                    if path.to_str().is_none() {
                        problems.push(WalkProblem { path: path.to_string_lossy().into_owned(), reason: Reason::NotUtf8Name });
                    }
                    let name = e.file_name().to_string_lossy();
                    if format_of(path).is_none() || name == crate::config::FILE_NAME || name.starts_with("~$") {
                        continue;
                    }
                    if is_ignored(path, &ignore, root.unwrap_or(p)) {
                        continue;
                    }
                    // qingdan's own workbooks (export, template, diff) are not inputs.
                    if let Some(what) = crate::publish::marker::written_by(path) {
                        problems.push(WalkProblem { path: path.display().to_string(), reason: Reason::OwnOutput { what } });
                        continue;
                    }
                    files.push(path.to_path_buf());
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().map(|p| p.display().to_string()).unwrap_or_default();
                    let reason = match (err.loop_ancestor(), err.io_error()) {
                        (Some(_), _) => Reason::SymlinkLoop,
                        (None, Some(io)) => Reason::from_io(io),
                        (None, None) => Reason::Other(err.to_string()),
                    };
                    problems.push(WalkProblem { path, reason });
                }
            }
        }
    }
    (files, problems)
}

/// The `ignore:` globs, compiled once into a linear-time matcher (globset): `*` and `?` stay
/// within a folder, `**` spans folders. Each pattern is matched against the path relative to
/// the config's folder and against the file name alone.
pub struct Ignore {
    set: globset::GlobSet,
}

impl Ignore {
    /// Compiles the patterns; one that cannot be compiled is skipped (the config schema
    /// already checked they are strings).
    pub fn new(patterns: &[String]) -> Ignore {
        let mut b = globset::GlobSetBuilder::new();
        for p in patterns {
            if let Ok(g) = globset::GlobBuilder::new(p.trim_start_matches("./")).literal_separator(true).backslash_escape(true).build() {
                b.add(g);
            }
        }
        Ignore { set: b.build().unwrap_or_else(|_| globset::GlobSet::empty()) }
    }

    /// Whether `rel` (a `/`-separated relative path) or its file name matches a pattern.
    pub fn matches(&self, rel: &str) -> bool {
        !self.set.is_empty() && (self.set.is_match(rel) || self.set.is_match(rel.rsplit('/').next().unwrap_or("")))
    }
}

fn is_ignored(path: &Path, ignore: &Ignore, root: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    ignore.matches(&rel.to_string_lossy().replace('\\', "/"))
}

/// Matches `*` (within a segment), `**` (any folders), `?` (one character), in linear time.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    Ignore::new(&[pattern.to_string()]).set.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("old/**", "old/a/b.xlsx"));
        assert!(glob_match("**/草稿*.xlsx", "a/b/草稿1.xlsx"));
        assert!(glob_match("*.csv", "a.csv"));
        assert!(!glob_match("*.csv", "a/b.csv"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("old/**", "new/a.xlsx"));
        assert!(glob_match("**/*.csv", "a.csv"));
    }

    #[test]
    fn repeated_double_stars_are_linear() {
        let deep = format!("{}y", "d/".repeat(40));
        let start = std::time::Instant::now();
        assert!(!glob_match("**/**/**/**/**/**/**/*x", &deep));
        assert!(glob_match("**/**/**/**/**/**/**/*y", &deep));
        assert!(start.elapsed() < std::time::Duration::from_secs(2), "{:?}", start.elapsed());
    }
}
