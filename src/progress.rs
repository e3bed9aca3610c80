//! A progress bar on stderr while catalogs are read: shown only when stderr is a terminal and
//! `--quiet` is not given, so pipes, CI logs and machine formats on stdout stay clean.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::ingest::{Event, Reader};
use crate::pipeline::{Inputs, display_path};

/// A bar over the files being read; does nothing when hidden.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over `files` files, shown only when stderr is a terminal and not `quiet`.
    pub fn new(files: usize, quiet: bool) -> Progress {
        Progress::with_visibility(files, !quiet && std::io::stderr().is_terminal())
    }

    /// A bar that is shown or hidden as told (for tests and for callers that decided already).
    pub fn with_visibility(files: usize, visible: bool) -> Progress {
        if !visible {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar: Some(bar) }
    }

    /// Whether the bar is drawn.
    pub fn is_visible(&self) -> bool {
        self.bar.is_some()
    }

    /// Names the file now being read.
    pub fn start(&self, file: &str) {
        if let Some(b) = &self.bar {
            b.set_message(file.to_string());
        }
    }

    /// Counts one file as done.
    pub fn done(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    /// Prints a line above the bar (or plainly on stderr when the bar is hidden).
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Like [`crate::pipeline::read_all`], with a progress bar over the files
/// (shown only when stderr is a terminal and not `quiet`).
pub fn read_all(inputs: &Inputs, quiet: bool, emit: &mut dyn FnMut(Event)) -> Reader {
    let progress = Progress::new(inputs.files.len(), quiet);
    let mut reader = Reader::with_threads(inputs.options.clone(), crate::parallel::threads());
    for f in &inputs.files {
        let shown = display_path(f);
        progress.start(&shown);
        reader.read_file(f, &shown, emit);
        progress.done();
    }
    progress.finish();
    reader
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_bar_is_a_no_op() {
        let p = Progress::with_visibility(3, false);
        assert!(!p.is_visible());
        p.start("a.csv");
        p.done();
        p.finish();
    }
}
