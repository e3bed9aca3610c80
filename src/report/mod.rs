//! Reporters: each a thin mapping from the one [`Report`] to an output format. Reporters never
//! re-read inputs.

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::consistency::Matrix;
use crate::finding::Finding;

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
    /// Info findings left out by `--quiet` (counted in the summary, not listed).
    pub hidden_infos: usize,
}
