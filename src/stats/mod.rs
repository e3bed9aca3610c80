//! The seed's 便利化 indicators (seed task 4 and tasks 10, 15-17, 20-24), computed over items
//! overall, per level and per jurisdiction, each with its numerator and denominator.
//!
//! Denominators count only items where the flag is known (a blank cell is not a "否"). The seed
//! sets a numeric target for 一窗受理率 only: 市、旗县区两级政务服务中心 ≥ 90% of 进驻 items
//! (2022), 苏木乡镇（街道）便民服务中心 ≥ 90% (2023). Every other indicator is reported without a
//! target.
//!
//! Pure: no I/O; the `stats` command and the publication export both call [`compute`].

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::i18n::Lang;
use crate::model::codes::division_level;
use crate::model::item::Item;
use crate::model::vocab::{CrossArea, ItemType, Level};

/// The indicators, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// 一窗受理率: one_window true over in_hall true (one_window known).
    OneWindow,
    /// 全程网办率: online_depth 4 over online_depth known.
    FullyOnline,
    /// 网上可办率: online_depth ≥ 3 over online_depth known.
    Online,
    /// 掌上办率: mobile true over mobile known.
    Mobile,
    /// 即办率: instant true over instant known.
    Instant,
    /// 承诺时限压缩率: mean of 1 − promised/statutory over items with comparable limits.
    LimitCompression,
    /// 零跑腿率: visits 0 over visits known.
    ZeroVisits,
    /// 最多跑一次率: visits ≤ 1 over visits known.
    AtMostOneVisit,
    /// 免证办率: cert_free true over cert_free known.
    CertFree,
}

impl Indicator {
    /// Every indicator, in report order.
    pub const ALL: &'static [Indicator] = &[
        Indicator::OneWindow,
        Indicator::FullyOnline,
        Indicator::Online,
        Indicator::Mobile,
        Indicator::Instant,
        Indicator::LimitCompression,
        Indicator::ZeroVisits,
        Indicator::AtMostOneVisit,
        Indicator::CertFree,
    ];

    /// The stable key (`one_window`).
    pub fn key(self) -> &'static str {
        match self {
            Indicator::OneWindow => "one_window",
            Indicator::FullyOnline => "fully_online",
            Indicator::Online => "online",
            Indicator::Mobile => "mobile",
            Indicator::Instant => "instant",
            Indicator::LimitCompression => "limit_compression",
            Indicator::ZeroVisits => "zero_visits",
            Indicator::AtMostOneVisit => "at_most_one_visit",
            Indicator::CertFree => "cert_free",
        }
    }

    /// The name in `lang` (`一窗受理率`).
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Indicator::OneWindow => ("一窗受理率", "one-window acceptance rate"),
            Indicator::FullyOnline => ("全程网办率", "fully-online rate"),
            Indicator::Online => ("网上可办率", "online rate"),
            Indicator::Mobile => ("掌上办率", "mobile rate"),
            Indicator::Instant => ("即办率", "instant rate"),
            Indicator::LimitCompression => ("承诺时限压缩率", "time-limit compression"),
            Indicator::ZeroVisits => ("零跑腿率", "zero-visit rate"),
            Indicator::AtMostOneVisit => ("最多跑一次率", "at-most-one-visit rate"),
            Indicator::CertFree => ("免证办率", "certificate-free rate"),
        };
        if lang == Lang::Zh { zh } else { en }
    }

    /// A short column heading in `lang` (`一窗`), for the compact table.
    pub fn short_label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Indicator::OneWindow => ("一窗受理", "1-window"),
            Indicator::FullyOnline => ("全程网办", "full-online"),
            Indicator::Online => ("网上可办", "online"),
            Indicator::Mobile => ("掌上办", "mobile"),
            Indicator::Instant => ("即办", "instant"),
            Indicator::LimitCompression => ("时限压缩", "compress"),
            Indicator::ZeroVisits => ("零跑腿", "0-visit"),
            Indicator::AtMostOneVisit => ("最多跑一次", "≤1-visit"),
            Indicator::CertFree => ("免证办", "cert-free"),
        };
        if lang == Lang::Zh { zh } else { en }
    }

    /// The seed's target for items of `level`, as a fraction; `None` when the seed sets none.
    pub fn target(self, level: Option<Level>) -> Option<f64> {
        match (self, level?) {
            (Indicator::OneWindow, Level::City | Level::County | Level::Township) => Some(0.9),
            _ => None,
        }
    }
}

/// One indicator's value in a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Value {
    /// Which indicator.
    pub indicator: Indicator,
    /// Items counted as meeting it; `None` for a mean (承诺时限压缩率).
    pub numerator: Option<usize>,
    /// Items where it is known.
    pub denominator: usize,
    /// The rate (or mean) as a fraction; `None` when the denominator is 0.
    pub value: Option<f64>,
    /// The seed's target, when it sets one for the group's level.
    pub target: Option<f64>,
    /// Whether the target is met; `None` without a target or without data.
    pub met: Option<bool>,
}

/// Counts of the seed's measures that have no rate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// 告知承诺 items (notify_commit true), and items where it is known.
    pub notify_commit: (usize, usize),
    /// 容缺受理 items (tolerance true), and items where it is known.
    pub tolerance: (usize, usize),
    /// 全市通办 items (cross_area 全市通办 or wider), and items where it is known.
    pub cross_area: (usize, usize),
    /// Distinct 一件事 bundles (one_thing values).
    pub one_thing_bundles: usize,
    /// Items belonging to a 一件事 bundle.
    pub one_thing_items: usize,
}

/// What a group covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum Scope {
    /// Every item.
    All,
    /// Items of one level.
    Level {
        /// The level.
        level: Level,
    },
    /// Items of one jurisdiction.
    Jurisdiction {
        /// The 12-digit division code.
        code: String,
        /// Its name, from the items' 行政区划 or the config.
        name: Option<String>,
        /// Its level, by the code's depth.
        level: Option<Level>,
    },
}

impl Scope {
    /// The level that decides the group's targets.
    pub fn level(&self) -> Option<Level> {
        match self {
            Scope::All => None,
            Scope::Level { level } => Some(*level),
            Scope::Jurisdiction { level, .. } => *level,
        }
    }
}

/// The indicators of one group of items.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// What the group covers.
    #[serde(flatten)]
    pub scope: Scope,
    /// Items in the group.
    pub items: usize,
    /// Items by 事项类型 (canonical Chinese term); items without a type under `未知`.
    pub by_type: BTreeMap<String, usize>,
    /// The rates, in [`Indicator::ALL`] order.
    pub indicators: Vec<Value>,
    /// Counts without a rate.
    pub counts: Counts,
}

/// Indicators overall, per level and per jurisdiction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Every item.
    pub all: Group,
    /// Per level (the item's 行使层级, else its division code's depth), by level.
    pub levels: Vec<Group>,
    /// Per jurisdiction (行政区划代码), by code.
    pub jurisdictions: Vec<Group>,
}

#[derive(Default)]
struct Acc {
    items: usize,
    by_type: BTreeMap<String, usize>,
    rates: BTreeMap<Indicator, (usize, usize)>,
    compression: (f64, usize),
    counts: Counts,
    bundles: BTreeSet<String>,
    name: Option<String>,
}

fn rate(acc: &mut Acc, ind: Indicator, known: Option<bool>) {
    if let Some(hit) = known {
        let e = acc.rates.entry(ind).or_default();
        e.1 += 1;
        if hit {
            e.0 += 1;
        }
    }
}

fn count(c: &mut (usize, usize), known: Option<bool>) {
    if let Some(hit) = known {
        c.1 += 1;
        if hit {
            c.0 += 1;
        }
    }
}

impl Acc {
    fn add(&mut self, item: &Item) {
        self.items += 1;
        let t = item.item_type.map(ItemType::as_str).unwrap_or("未知");
        *self.by_type.entry(t.to_string()).or_default() += 1;
        if self.name.is_none() {
            self.name = item.division_name.clone();
        }
        if item.in_hall == Some(true) {
            rate(self, Indicator::OneWindow, item.one_window);
        }
        rate(self, Indicator::FullyOnline, item.online_depth.map(|d| d >= 4));
        rate(self, Indicator::Online, item.online_depth.map(|d| d >= 3));
        rate(self, Indicator::Mobile, item.mobile);
        rate(self, Indicator::Instant, item.instant);
        rate(self, Indicator::ZeroVisits, item.visits.map(|v| v == 0));
        rate(self, Indicator::AtMostOneVisit, item.visits.map(|v| v <= 1));
        rate(self, Indicator::CertFree, item.cert_free);
        if let (Some(p), Some(s)) = (item.promised_limit, item.statutory_limit)
            && let Some(r) = p.ratio_to(s)
        {
            self.compression.0 += 1.0 - r;
            self.compression.1 += 1;
        }
        count(&mut self.counts.notify_commit, item.notify_commit);
        count(&mut self.counts.tolerance, item.tolerance);
        count(&mut self.counts.cross_area, item.cross_area.map(|c| c != CrossArea::None));
        if let Some(b) = item.one_thing.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            self.bundles.insert(b.to_string());
            self.counts.one_thing_items += 1;
        }
    }

    fn finish(mut self, scope: Scope) -> Group {
        let level = scope.level();
        let indicators = Indicator::ALL
            .iter()
            .map(|&ind| {
                let (numerator, denominator, value) = if ind == Indicator::LimitCompression {
                    let (sum, n) = self.compression;
                    (None, n, (n > 0).then(|| sum / n as f64))
                } else {
                    let (hit, n) = self.rates.get(&ind).copied().unwrap_or_default();
                    (Some(hit), n, (n > 0).then(|| hit as f64 / n as f64))
                };
                let target = ind.target(level);
                // Compare in whole per-mille so that 9/10 meets 90% despite float rounding.
                let met = match (target, value) {
                    (Some(t), Some(v)) => Some((v * 1000.0).round() >= (t * 1000.0).round()),
                    _ => None,
                };
                Value { indicator: ind, numerator, denominator, value, target, met }
            })
            .collect();
        self.counts.one_thing_bundles = self.bundles.len();
        Group { scope, items: self.items, by_type: self.by_type, indicators, counts: self.counts }
    }
}

/// The level an item is counted under: its 行使层级, else its division code's depth.
pub fn item_level(item: &Item) -> Option<Level> {
    item.single_level().or_else(|| item.division_code.as_deref().and_then(division_level))
}

/// Computes the indicators over implementation items (leave base-catalog entries out).
/// `names` gives jurisdiction names by division code (the config's `jurisdictions`), used when
/// the items carry no 行政区划 name.
pub fn compute<'a>(items: impl Iterator<Item = &'a Item>, names: &BTreeMap<String, String>) -> Stats {
    let mut all = Acc::default();
    let mut levels: BTreeMap<Level, Acc> = BTreeMap::new();
    let mut jurisdictions: BTreeMap<String, Acc> = BTreeMap::new();
    for item in items {
        all.add(item);
        if let Some(l) = item_level(item) {
            levels.entry(l).or_default().add(item);
        }
        if let Some(code) = item.division_code.as_deref().filter(|s| !s.is_empty()) {
            jurisdictions.entry(code.to_string()).or_default().add(item);
        }
    }
    Stats {
        all: all.finish(Scope::All),
        levels: levels.into_iter().map(|(level, acc)| acc.finish(Scope::Level { level })).collect(),
        jurisdictions: jurisdictions
            .into_iter()
            .map(|(code, acc)| {
                let name = names.get(&code).cloned().or_else(|| acc.name.clone());
                let level = division_level(&code);
                acc.finish(Scope::Jurisdiction { code, name, level })
            })
            .collect(),
    }
}

impl Group {
    /// The value of one indicator.
    pub fn get(&self, ind: Indicator) -> &Value {
        &self.indicators[Indicator::ALL.iter().position(|i| *i == ind).unwrap_or(0)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::item::{Limit, LimitUnit};

    fn it(code: &str) -> Item {
        Item { division_code: Some(code.into()), level: division_level(code).into_iter().collect(), ..Default::default() }
    }

    #[test]
    fn one_window_against_target() {
        let mut items = Vec::new();
        for i in 0..10 {
            let mut x = it("150202000000");
            x.in_hall = Some(true);
            x.one_window = Some(i < 9);
            items.push(x);
        }
        let mut out = it("150202000000");
        out.in_hall = Some(false);
        out.one_window = Some(false);
        items.push(out);
        items.push(it("150202000000"));
        let s = compute(items.iter(), &BTreeMap::new());
        let v = s.jurisdictions[0].get(Indicator::OneWindow);
        assert_eq!((v.numerator, v.denominator), (Some(9), 10));
        assert_eq!(v.met, Some(true));
        assert_eq!(s.all.get(Indicator::OneWindow).met, None);
        assert_eq!(s.levels[0].scope, Scope::Level { level: Level::County });
    }

    #[test]
    fn compression_is_a_mean_over_comparable_limits() {
        let mut a = it("150200000000");
        a.statutory_limit = Some(Limit { value: 20, unit: LimitUnit::WorkingDay });
        a.promised_limit = Some(Limit { value: 5, unit: LimitUnit::WorkingDay });
        let mut b = it("150200000000");
        b.statutory_limit = Some(Limit { value: 10, unit: LimitUnit::WorkingDay });
        b.promised_limit = Some(Limit::INSTANT);
        let mut c = it("150200000000");
        c.statutory_limit = Some(Limit { value: 1, unit: LimitUnit::Month });
        c.promised_limit = Some(Limit { value: 10, unit: LimitUnit::WorkingDay });
        let s = compute([a, b, c].iter(), &BTreeMap::new());
        let v = s.all.get(Indicator::LimitCompression);
        assert_eq!(v.denominator, 2);
        assert!((v.value.unwrap() - 0.875).abs() < 1e-9);
    }
}
