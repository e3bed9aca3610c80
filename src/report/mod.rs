//! Reporters: each a thin mapping from the one [`Report`] to an output format. Reporters never
//! re-read inputs.

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::config::Accept;
use crate::consistency::Matrix;
use crate::finding::Finding;
use crate::rounds::{Mark, PastFinding};

/// Counts for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Input files.
    pub files: usize,
    /// Tables read.
    pub tables: usize,
    /// Items read.
    pub items: usize,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
    /// Accepted findings (已认可; not counted as errors, warnings or infos).
    pub accepted: usize,
    /// With a baseline: new, persisting and fixed findings.
    pub rounds: Option<RoundCounts>,
}

/// Counts of a round compared with the baseline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundCounts {
    /// 新增.
    pub new: usize,
    /// 仍存在.
    pub persisting: usize,
    /// 已整改.
    pub fixed: usize,
}

/// Everything a check found, sorted, ready for any renderer.
#[derive(Debug, Clone)]
pub struct Report {
    /// Findings, sorted by file, sheet, row, column, code.
    pub findings: Vec<Finding>,
    /// Counts.
    pub summary: Summary,
    /// The 四级同源 matrix, when a base catalog was present.
    pub consistency: Option<Matrix>,
    /// One mark per finding: fingerprint, round, acceptance.
    pub marks: Vec<Mark>,
    /// With a baseline: the baseline's findings not found any more (已整改).
    pub fixed: Option<Vec<PastFinding>>,
    /// The `accept:` entries of the config (marks index into them).
    pub accepts: Vec<Accept>,
    /// Info findings left out by `--quiet` (counted in the summary, not listed).
    pub hidden_infos: usize,
}

/// The mark of a finding a report holds no mark for (a report built without marks).
static NO_MARK: Mark = Mark { fingerprint: String::new(), round: None, accepted: None };

impl Report {
    /// A report of `findings` without marks, baseline or accepted problems.
    pub fn plain(findings: Vec<Finding>, summary: Summary, consistency: Option<Matrix>) -> Report {
        Report { findings, summary, consistency, marks: Vec::new(), fixed: None, accepts: Vec::new(), hidden_infos: 0 }
    }

    /// The findings with their marks.
    pub fn marked(&self) -> impl Iterator<Item = (&Finding, &Mark)> {
        self.findings.iter().enumerate().map(|(i, f)| (f, self.marks.get(i).unwrap_or(&NO_MARK)))
    }

    /// The accept entry of a mark.
    pub fn accept_of(&self, m: &Mark) -> Option<&Accept> {
        m.accepted.and_then(|i| self.accepts.get(i))
    }

    /// Keeps the findings (and their marks) for which `keep` holds; returns how many were left out.
    pub fn retain(&mut self, keep: impl Fn(&Finding) -> bool) -> usize {
        let before = self.findings.len();
        let marks = std::mem::take(&mut self.marks);
        let mut marks = marks.into_iter();
        let mut kept_marks = Vec::new();
        self.findings.retain(|f| {
            let m = marks.next();
            let k = keep(f);
            if k && let Some(m) = m {
                kept_marks.push(m);
            }
            k
        });
        self.marks = kept_marks;
        before - self.findings.len()
    }
}
