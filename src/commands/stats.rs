//! `qingdan stats`: reads implementation lists (base catalogs are left out) and prints the
//! seed's 便利化 indicators overall, per level and per jurisdiction, against the seed's targets.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use serde_json::{Value as Json, json};

use crate::cli::{StatsArgs, StatsFormat};
use crate::i18n::Lang;
use crate::ingest::Event;
use crate::model::item::{CatalogKind, Item};
use crate::stats::{Group, Indicator, Scope, Stats, Value};

/// Reads every implementation item under the input paths (base-catalog tables skipped).
pub fn read_items(
    input: &crate::cli::InputArgs,
    config: Option<&Path>,
    lang: Lang,
    quiet: bool,
) -> Result<(Vec<Item>, crate::config::Config), String> {
    let inputs = crate::pipeline::resolve(input, config, lang)?;
    if inputs.files.is_empty() {
        return Err(crate::pipeline::nothing_readable(&input.paths, &inputs.walk_findings, lang));
    }
    let mut items = Vec::new();
    let mut kind = CatalogKind::Implementation;
    crate::progress::read_all(&inputs, quiet, &mut |ev| match ev {
        Event::Table { kind: k, .. } => kind = k,
        Event::Item(item) if kind == CatalogKind::Implementation => items.push(*item),
        _ => {}
    });
    Ok((crate::model::catalog::merge_guides(items), inputs.config))
}

/// Jurisdiction names: the config's first, then the bundled division table (as `check` uses).
pub fn jurisdiction_names(config: &crate::config::Config) -> BTreeMap<String, String> {
    crate::consistency::Consistency::with_builtin_names(config.jurisdictions.clone())
}

/// Runs `stats`; exits 0 whether or not targets are met.
pub fn run(args: &StatsArgs, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<i32, String> {
    let (items, config) = read_items(&args.input, config, lang, quiet)?;
    let stats = crate::stats::compute(items.iter(), &jurisdiction_names(&config));
    let out = match args.format {
        // Control characters in department names would reach the terminal.
        StatsFormat::Human if args.long => crate::output::visible(&render_human(&stats, lang)).into_owned(),
        StatsFormat::Human => crate::output::visible(&render_compact(&stats, lang)).into_owned(),
        StatsFormat::Json => render_json(&stats, lang),
        StatsFormat::Md => crate::output::visible(&render_md(&stats, lang)).into_owned(),
    };
    print!("{out}");
    Ok(crate::EXIT_OK)
}

/// The note that only 一窗受理率 has a target in the seed.
pub fn targets_note(lang: Lang) -> &'static str {
    if lang == Lang::Zh {
        "注：实施方案仅对一窗受理率设定了量化目标——市、旗县区两级政务服务中心进驻事项 ≥90%，苏木乡镇（街道）便民服务中心进驻事项 ≥90%；其余指标仅作统计，不判定达标。分母为该项已填写的事项数。"
    } else {
        "Note: the implementation plan (实施方案) sets a numeric target only for the one-window acceptance rate (≥90% of items in the city and county service centres, ≥90% in township centres); the other indicators are reported without a target. Denominators count items where the value is filled in."
    }
}

fn pct(v: Option<f64>) -> String {
    match v {
        Some(v) => format!("{:.1}%", v * 100.0),
        None => "—".into(),
    }
}

fn level_name(l: crate::model::vocab::Level, lang: Lang) -> &'static str {
    if lang == Lang::Zh { l.as_str() } else { l.en() }
}

/// The heading of a group (`全部事项`, `县级`, `东河区 150202000000（县级）`).
pub fn scope_title(s: &Scope, lang: Lang) -> String {
    match s {
        Scope::All => (if lang == Lang::Zh { "全部事项" } else { "all items" }).into(),
        Scope::Level { level } => level_name(*level, lang).into(),
        Scope::Jurisdiction { code, name, level } => {
            let mut t = match name {
                Some(n) => format!("{n} {code}"),
                None => code.clone(),
            };
            if let Some(l) = level {
                if lang == Lang::Zh {
                    t = format!("{t}（{}）", level_name(*l, lang));
                } else {
                    t = format!("{t} ({})", level_name(*l, lang));
                }
            }
            t
        }
    }
}

fn ratio(v: &Value) -> String {
    match v.numerator {
        Some(n) => format!("{n}/{}", v.denominator),
        None => format!("n={}", v.denominator),
    }
}

fn target(v: &Value) -> String {
    v.target.map(|t| format!("≥{:.0}%", t * 100.0)).unwrap_or_else(|| "—".into())
}

fn met(v: &Value, lang: Lang) -> &'static str {
    match (v.met, lang) {
        (Some(true), Lang::Zh) => "达标",
        (Some(false), Lang::Zh) => "未达标",
        (Some(true), Lang::En) => "met",
        (Some(false), Lang::En) => "not met",
        (None, _) => "—",
    }
}

fn types(g: &Group, lang: Lang) -> String {
    g.by_type
        .iter()
        .map(|(t, n)| {
            let t = if lang == Lang::En {
                crate::model::vocab::ItemType::parse(t).map(|x| x.en()).unwrap_or("unknown").to_string()
            } else {
                t.clone()
            };
            format!("{t} {n}")
        })
        .collect::<Vec<_>>()
        .join(if lang == Lang::Zh { "，" } else { ", " })
}

fn count_lines(g: &Group, lang: Lang) -> Vec<(String, String)> {
    let c = &g.counts;
    let of = |(n, d): (usize, usize)| format!("{n}/{d}");
    if lang == Lang::Zh {
        vec![
            ("告知承诺事项".into(), of(c.notify_commit)),
            ("容缺受理事项".into(), of(c.tolerance)),
            ("全市通办事项（含更大范围）".into(), of(c.cross_area)),
            ("一件事主题".into(), format!("{} 个（涉及 {} 个事项）", c.one_thing_bundles, c.one_thing_items)),
        ]
    } else {
        vec![
            ("notify-and-commit items".into(), of(c.notify_commit)),
            ("tolerance-acceptance items".into(), of(c.tolerance)),
            ("city-wide (or wider) items".into(), of(c.cross_area)),
            ("one-thing bundles".into(), format!("{} ({} items)", c.one_thing_bundles, c.one_thing_items)),
        ]
    }
}

fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 => {
                2
            }
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    let n = w.saturating_sub(width(s));
    format!("{s}{}", " ".repeat(n))
}

fn human_group(out: &mut String, g: &Group, lang: Lang) {
    let items = if lang == Lang::Zh { format!("{} 个事项", g.items) } else { format!("{} items", g.items) };
    let _ = writeln!(out, "── {} · {items} ──", scope_title(&g.scope, lang));
    let _ = writeln!(out, "  {}{}", if lang == Lang::Zh { "事项类型：" } else { "item types: " }, types(g, lang));
    let heads = if lang == Lang::Zh {
        ["指标", "值", "分子/分母", "目标", "达标"]
    } else {
        ["indicator", "value", "num/den", "target", "met"]
    };
    let _ = writeln!(out, "  {}{}{}{}{}", pad(heads[0], 30), pad(heads[1], 9), pad(heads[2], 12), pad(heads[3], 8), heads[4]);
    for v in &g.indicators {
        let _ = writeln!(
            out,
            "  {}{}{}{}{}",
            pad(v.indicator.label(lang), 30),
            pad(&pct(v.value), 9),
            pad(&ratio(v), 12),
            pad(&target(v), 8),
            met(v, lang)
        );
    }
    for (k, v) in count_lines(g, lang) {
        let _ = writeln!(out, "  {}{v}", pad(&k, 30));
    }
    out.push('\n');
}

/// A compact cell: the rate, marked ✓ / ✗ against a target.
fn compact_cell(v: &Value) -> String {
    let mark = match v.met {
        Some(true) => " ✓",
        Some(false) => " ✗",
        None => "",
    };
    format!("{}{mark}", pct(v.value))
}

/// Renders the stats for people as one compact table: a row per scope (all items, each level,
/// each jurisdiction), the item count and every indicator, targets marked ✓ (met) or ✗ (not
/// met); the counts without a rate for all items below. `--long` gives [`render_human`].
pub fn render_compact(s: &Stats, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut head = vec![(if zh { "范围" } else { "scope" }).to_string(), (if zh { "事项" } else { "items" }).to_string()];
    head.extend(Indicator::ALL.iter().map(|i| i.short_label(lang).to_string()));
    let row = |g: &Group, indent: &str| -> Vec<String> {
        let mut r = vec![format!("{indent}{}", scope_title(&g.scope, lang)), g.items.to_string()];
        r.extend(g.indicators.iter().map(compact_cell));
        r
    };
    rows.push(row(&s.all, ""));
    rows.extend(s.levels.iter().map(|g| row(g, "  ")));
    rows.extend(s.jurisdictions.iter().map(|g| row(g, "")));
    let widths: Vec<usize> =
        (0..head.len()).map(|c| rows.iter().map(|r| width(&r[c])).chain([width(&head[c])]).max().unwrap_or(0)).collect();
    let line = |cells: &[String]| -> String {
        let mut out = String::new();
        for (c, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[c].saturating_sub(width(cell)));
            if c == 0 {
                let _ = write!(out, "{cell}{pad}");
            } else {
                let _ = write!(out, "  {pad}{cell}");
            }
        }
        out.trim_end().to_string()
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", if zh { "便利化指标" } else { "Convenience indicators" });
    let _ = writeln!(out, "{}", line(&head));
    let _ = writeln!(out, "{}", "─".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
    for (i, r) in rows.iter().enumerate() {
        if i == 1 + s.levels.len() && !s.jurisdictions.is_empty() {
            let _ = writeln!(out, "{}", "─".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
        }
        let _ = writeln!(out, "{}", line(r));
    }
    out.push('\n');
    let counts: Vec<String> = count_lines(&s.all, lang).into_iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(out, "{}{}", if zh { "全部事项：" } else { "all items: " }, counts.join(if zh { "；" } else { "; " }));
    let _ = writeln!(
        out,
        "{}",
        if zh {
            "✓ 达标  ✗ 未达标（目标：一窗受理率 ≥90%，市、县、乡三级）；— 无数据。--long 显示分子/分母和各地区计数。"
        } else {
            "✓ met  ✗ not met (target: one-window rate ≥90% at city, county and township level); — no data. --long shows numerators, denominators and counts per scope."
        }
    );
    let _ = writeln!(out, "{}", targets_note(lang));
    out
}

/// Renders the stats for people, every scope in full (`--long`).
pub fn render_human(s: &Stats, lang: Lang) -> String {
    let mut out = String::new();
    let title = if lang == Lang::Zh { "便利化指标" } else { "Convenience indicators" };
    let _ = writeln!(out, "{title}\n");
    human_group(&mut out, &s.all, lang);
    if !s.levels.is_empty() {
        let _ = writeln!(out, "{}\n", if lang == Lang::Zh { "按层级：" } else { "By level:" });
        for g in &s.levels {
            human_group(&mut out, g, lang);
        }
    }
    if !s.jurisdictions.is_empty() {
        let _ = writeln!(out, "{}\n", if lang == Lang::Zh { "按地区：" } else { "By jurisdiction:" });
        for g in &s.jurisdictions {
            human_group(&mut out, g, lang);
        }
    }
    let _ = writeln!(out, "{}", targets_note(lang));
    out
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

fn json_group(g: &Group, lang: Lang) -> Json {
    let mut indicators = serde_json::Map::new();
    for v in &g.indicators {
        indicators.insert(
            v.indicator.key().into(),
            json!({
                "label": v.indicator.label(lang),
                "numerator": v.numerator,
                "denominator": v.denominator,
                "value": v.value.map(round4),
                "target": v.target,
                "met": v.met,
            }),
        );
    }
    let pair = |(n, d): (usize, usize)| json!({"count": n, "denominator": d});
    let mut o = match serde_json::to_value(&g.scope) {
        Ok(Json::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    o.insert("title".into(), json!(scope_title(&g.scope, lang)));
    o.insert("items".into(), json!(g.items));
    o.insert("by_type".into(), json!(g.by_type));
    o.insert("indicators".into(), Json::Object(indicators));
    o.insert(
        "counts".into(),
        json!({
            "notify_commit": pair(g.counts.notify_commit),
            "tolerance": pair(g.counts.tolerance),
            "cross_area": pair(g.counts.cross_area),
            "one_thing_bundles": g.counts.one_thing_bundles,
            "one_thing_items": g.counts.one_thing_items,
        }),
    );
    Json::Object(o)
}

/// Renders the stats as JSON: `{"all", "levels", "jurisdictions", "note"}`.
pub fn render_json(s: &Stats, lang: Lang) -> String {
    let v = json!({
        "all": json_group(&s.all, lang),
        "levels": s.levels.iter().map(|g| json_group(g, lang)).collect::<Vec<_>>(),
        "jurisdictions": s.jurisdictions.iter().map(|g| json_group(g, lang)).collect::<Vec<_>>(),
        "note": targets_note(lang),
    });
    let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
    out.push('\n');
    out
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

/// Renders the stats as Markdown: a summary table per scope, indicators as rows.
pub fn render_md(s: &Stats, lang: Lang) -> String {
    let mut out = String::new();
    let zh = lang == Lang::Zh;
    let _ = writeln!(out, "# {}\n", if zh { "便利化指标" } else { "Convenience indicators" });
    let groups: Vec<(&str, Vec<&Group>)> = vec![
        (if zh { "全部事项" } else { "All items" }, vec![&s.all]),
        (if zh { "按层级" } else { "By level" }, s.levels.iter().collect()),
        (if zh { "按地区" } else { "By jurisdiction" }, s.jurisdictions.iter().collect()),
    ];
    for (heading, gs) in groups {
        if gs.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {heading}\n");
        let mut header = vec![(if zh { "范围" } else { "scope" }).to_string(), (if zh { "事项数" } else { "items" }).to_string()];
        header.extend(Indicator::ALL.iter().map(|i| i.label(lang).to_string()));
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
        for g in &gs {
            let mut row = vec![md_cell(&scope_title(&g.scope, lang)), g.items.to_string()];
            for v in &g.indicators {
                let mut cell = format!("{} ({})", pct(v.value), ratio(v));
                if v.target.is_some() {
                    cell = format!("{cell} {} {}", target(v), met(v, lang));
                }
                row.push(cell);
            }
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        out.push('\n');
        let mut header = vec![(if zh { "范围" } else { "scope" }).to_string(), (if zh { "事项类型" } else { "item types" }).to_string()];
        let names: Vec<String> = count_lines(gs[0], lang).into_iter().map(|(k, _)| k).collect();
        header.extend(names);
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
        for g in &gs {
            let mut row = vec![md_cell(&scope_title(&g.scope, lang)), md_cell(&types(g, lang))];
            row.extend(count_lines(g, lang).into_iter().map(|(_, v)| md_cell(&v)));
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "> {}", targets_note(lang));
    out
}
