//! The consistency matrix: 基本编码 × jurisdiction → claimed / missing / deviating, with a
//! per-jurisdiction summary. Serialized under `"consistency"` in the JSON report.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{BaseEntry, HashMap, Jurisdiction};

/// The state of one base item in one jurisdiction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cell {
    /// Claimed and consistent.
    Claimed,
    /// Expected at the jurisdiction's level, not claimed.
    Missing,
    /// Claimed, but differing from the base entry or the siblings.
    Deviating,
}

/// One jurisdiction's row of the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JurisdictionSummary {
    /// 12-digit code.
    pub code: String,
    /// Name from the config, if any.
    pub name: Option<String>,
    /// Level by the code's depth.
    pub level: Option<String>,
    /// Implementation items read.
    pub items: usize,
    /// Base items claimed and consistent.
    pub claimed: usize,
    /// Base items expected and missing.
    pub missing: usize,
    /// Base items claimed with deviations.
    pub deviating: usize,
}

/// One base item's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRow {
    /// 基本编码.
    pub basic_code: String,
    /// 事项名称.
    pub name: Option<String>,
    /// 行使层级.
    pub levels: Vec<String>,
    /// State per jurisdiction code.
    pub cells: BTreeMap<String, Cell>,
}

/// The matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Matrix {
    /// Per-jurisdiction summary, by code.
    pub jurisdictions: Vec<JurisdictionSummary>,
    /// Per base item, in base-catalog order.
    pub items: Vec<ItemRow>,
}

pub(super) fn build(
    order: &[String],
    base: &HashMap<String, BaseEntry>,
    jurisdictions: &[Jurisdiction],
    claimed: &dyn Fn(&str, u32) -> Option<bool>,
    names: &BTreeMap<String, String>,
) -> Matrix {
    let mut items = Vec::new();
    let mut sums: Vec<JurisdictionSummary> = jurisdictions
        .iter()
        .map(|j| JurisdictionSummary {
            code: j.code.clone(),
            name: names.get(&j.code).cloned(),
            level: j.level.map(|l| l.to_string()),
            items: j.items,
            claimed: 0,
            missing: 0,
            deviating: 0,
        })
        .collect();
    for code in order {
        let b = &base[code];
        let mut cells = BTreeMap::new();
        for (jid, j) in jurisdictions.iter().enumerate() {
            let state = match claimed(code, jid as u32) {
                Some(true) => Cell::Deviating,
                Some(false) => Cell::Claimed,
                None if j.level.is_some_and(|l| b.levels.contains(&l)) => Cell::Missing,
                None => continue,
            };
            match state {
                Cell::Claimed => sums[jid].claimed += 1,
                Cell::Missing => sums[jid].missing += 1,
                Cell::Deviating => sums[jid].deviating += 1,
            }
            cells.insert(j.code.clone(), state);
        }
        items.push(ItemRow {
            basic_code: code.clone(),
            name: b.name.clone(),
            levels: b.levels.iter().map(|l| l.to_string()).collect(),
            cells,
        });
    }
    sums.sort_by(|a, b| a.code.cmp(&b.code));
    Matrix { jurisdictions: sums, items }
}
