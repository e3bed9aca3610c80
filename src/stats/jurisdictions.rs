//! Per-jurisdiction convenience indicators for the publication workbook's 统计 sheet: plain
//! counts per division code and their total (used by `export` and `publish::sheets`).

use std::collections::BTreeMap;

use crate::model::item::Item;

/// One jurisdiction's convenience indicators (or the 合计 over all of them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Indicators {
    /// The 12-digit division code (empty for items without one; `合计` row: empty).
    pub code: String,
    /// The division name first seen, or 合计.
    pub name: String,
    /// The level of the division code.
    pub level: String,
    /// Items.
    pub items: usize,
    /// Items in the service hall (是否进驻政务服务中心 = 是).
    pub in_hall: usize,
    /// Items accepted at one window (是否一窗受理 = 是).
    pub one_window: usize,
    /// Items with 网上办理深度 4 (全程网办).
    pub online_full: usize,
    /// Items with 网上办理深度 ≥ 3 (网上可办).
    pub online_able: usize,
    /// 即办件.
    pub instant: usize,
    /// Items needing no visit (到办事现场次数 = 0).
    pub zero_visits: usize,
}

fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl Indicators {
    /// 一窗受理率: one-window items among items in the hall.
    pub fn one_window_rate(&self) -> Option<f64> {
        ratio(self.one_window, self.in_hall)
    }
    /// 全程网办率: depth 4 among all items.
    pub fn online_full_rate(&self) -> Option<f64> {
        ratio(self.online_full, self.items)
    }
    /// 网上可办率: depth ≥ 3 among all items.
    pub fn online_able_rate(&self) -> Option<f64> {
        ratio(self.online_able, self.items)
    }
    /// 即办率: 即办件 among all items.
    pub fn instant_rate(&self) -> Option<f64> {
        ratio(self.instant, self.items)
    }
    /// 零跑腿率: zero visits among all items.
    pub fn zero_visits_rate(&self) -> Option<f64> {
        ratio(self.zero_visits, self.items)
    }

    fn add(&mut self, it: &Item) {
        self.items += 1;
        self.in_hall += usize::from(it.in_hall == Some(true));
        self.one_window += usize::from(it.one_window == Some(true) && it.in_hall == Some(true));
        self.online_full += usize::from(it.online_depth == Some(4));
        self.online_able += usize::from(it.online_depth.is_some_and(|d| d >= 3));
        self.instant += usize::from(it.instant == Some(true));
        self.zero_visits += usize::from(it.visits == Some(0));
    }
}

/// Per-jurisdiction indicators of implementation items, sorted by division code, and the total.
/// Unknown values count as "no"; 一窗受理率 counts only items that are also in the hall.
pub fn indicators(items: &[&Item]) -> (Vec<Indicators>, Indicators) {
    let mut by: BTreeMap<String, Indicators> = BTreeMap::new();
    let mut total = Indicators { name: "合计".into(), ..Default::default() };
    for it in items {
        let code = it.division_code.clone().unwrap_or_default();
        let e = by.entry(code.clone()).or_insert_with(|| Indicators {
            level: crate::model::codes::division_level(&code).map(|l| l.to_string()).unwrap_or_default(),
            code,
            ..Default::default()
        });
        if e.name.is_empty()
            && let Some(n) = &it.division_name
        {
            e.name = n.clone();
        }
        e.add(it);
        total.add(it);
    }
    (by.into_values().collect(), total)
}
