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
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        if !p.is_dir() {
            if p.exists() {
                files.push(p.clone());
            } else {
                problems.push(WalkProblem { path: p.display().to_string(), reason: Reason::NoSuchFile });
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
                    if is_ignored(path, ignore, root.unwrap_or(p)) {
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

fn is_ignored(path: &Path, ignore: &[String], root: &Path) -> bool {
    if ignore.is_empty() {
        return false;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel = rel.to_string_lossy().replace('\\', "/");
    ignore.iter().any(|g| glob_match(g.trim_start_matches("./"), &rel) || glob_match(g, rel.rsplit('/').next().unwrap_or("")))
}

/// Matches `*` (within a segment), `**` (any folders), `?` (one character).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    fn go(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') if p.get(1) == Some(&'*') => {
                let rest = if p.get(2) == Some(&'/') { &p[3..] } else { &p[2..] };
                (0..=t.len()).any(|i| go(rest, &t[i..]))
            }
            Some('*') => (0..=t.len()).take_while(|i| *i == 0 || t[i - 1] != '/').any(|i| go(&p[1..], &t[i..])),
            Some('?') => !t.is_empty() && t[0] != '/' && go(&p[1..], &t[1..]),
            Some(c) => t.first() == Some(c) && go(&p[1..], &t[1..]),
        }
    }
    // Bound the work on hostile patterns.
    if p.len() > 256 || t.len() > 4096 {
        return false;
    }
    go(&p, &t)
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
    }
}
