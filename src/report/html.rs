//! The HTML report (`qingdan report -o 报告.html`): one self-contained page for leaders — the
//! overview numbers, the 四级同源 matrix as a heat map, the indicators per jurisdiction as bars
//! against their targets, jurisdictions ranked by problems, and the findings as a filterable
//! table. No network: inline CSS, inline SVG and one small inline script, locked down by a
//! Content-Security-Policy; maud escapes every value. Large catalogs stay readable: the heat map,
//! the charts and the findings table are capped, each with a count of what is not shown.

use std::collections::{BTreeMap, BTreeSet};

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::Report;
use crate::consistency::{ItemRow, Matrix, MatrixCell as MCell};
use crate::finding::{Finding, Severity};
use crate::i18n::report::Text;
use crate::i18n::{Lang, word};
use crate::model::codes::division_level;
use crate::model::vocab::Level;
use crate::stats::{Group, Indicator, Scope, Stats};

/// How much of each part is rendered.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Findings listed in the table.
    pub findings: usize,
    /// Base items (rows) in the heat map.
    pub matrix_rows: usize,
    /// Jurisdictions (columns) in the heat map and bars per chart.
    pub jurisdictions: usize,
    /// Rows of the ranking (the jurisdictions with the most problems).
    pub ranking: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { findings: 2000, matrix_rows: 300, jurisdictions: 80, ranking: 200 }
    }
}

/// What the report shows besides the check's [`Report`]: the indicators and division names.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The check's report (findings, summary, matrix).
    pub report: &'a Report,
    /// The indicators (the same `stats` prints).
    pub stats: &'a Stats,
    /// Division names by code.
    pub names: &'a BTreeMap<String, String>,
}

const CSS: &str = r#"
:root{--ok:#3a9d5d;--miss:#d9534f;--dev:#f0ad4e;--ink:#222;--mute:#666;--line:#ddd}
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",SimSun,sans-serif;color:var(--ink);margin:24px auto;max-width:1200px;padding:0 16px;font-size:14px;line-height:1.5}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #333;padding-bottom:4px;margin-top:32px}h3{font-size:15px;margin:16px 0 4px}
.note{color:var(--mute);font-size:12px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 16px;min-width:120px}
.card b{display:block;font-size:24px}
.card.error b{color:var(--miss)}.card.warning b{color:#c77c00}
table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid var(--line);padding:2px 6px;vertical-align:top}
th{background:#eef3fa;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.heat td{width:14px;height:14px;padding:0}
.heat th.j{writing-mode:vertical-rl;font-weight:normal;font-size:11px;padding:2px;white-space:nowrap;max-height:120px}
.heat th.code{font-weight:normal;font-size:11px;text-align:left;white-space:nowrap}
.c-claimed{background:var(--ok)}.c-missing{background:var(--miss)}.c-deviating{background:var(--dev)}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
.charts{display:flex;flex-wrap:wrap;gap:16px}
.chart{break-inside:avoid}
.bar{fill:#4a7fc1}.bar.met{fill:var(--ok)}.bar.unmet{fill:var(--miss)}
.target{stroke:#000;stroke-width:2}
svg text{font-size:11px;fill:var(--ink)}
.filters{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.filters select{font:inherit;max-width:260px}
#findings td{font-size:12px}
tr.hidden{display:none}
footer{margin-top:32px;color:var(--mute);font-size:12px}
@page{size:A4 landscape;margin:12mm}
@media print{body{margin:0;max-width:none;font-size:11px}.filters,#shown{display:none}h2{break-after:avoid}section{break-inside:auto}tr{break-inside:avoid}thead{display:table-header-group}}
"#;

/// The filter script: builds nothing, only hides rows (filters may be preset in the address,
/// `#severity=error&rule=QD101`); reports its own errors into the DOM.
const SCRIPT: &str = r#"
(function(){
  window.addEventListener('error',function(e){document.body.setAttribute('data-script-error',String(e.message||e));});
  var table=document.getElementById('findings');
  if(!table){document.body.setAttribute('data-ready','1');return;}
  var rows=Array.prototype.slice.call(table.tBodies[0].rows);
  var selects=Array.prototype.slice.call(document.querySelectorAll('.filters select'));
  var shown=document.getElementById('shown-count');
  function apply(){
    var n=0;
    rows.forEach(function(r){
      var ok=selects.every(function(s){return !s.value||r.getAttribute('data-'+s.name)===s.value;});
      r.classList.toggle('hidden',!ok);if(ok)n++;
    });
    if(shown)shown.textContent=String(n);
  }
  selects.forEach(function(s){s.addEventListener('change',apply);});
  // Filters can be preset in the address: 报告.html#severity=error&rule=QD101
  location.hash.replace(/^#/,'').split('&').forEach(function(kv){
    var p=kv.split('='),s=document.querySelector('.filters select[name="'+decodeURIComponent(p[0]||'')+'"]');
    if(s&&p.length>1)s.value=decodeURIComponent(p[1]);
  });
  apply();
  document.body.setAttribute('data-ready','1');
})();
"#;

fn t(lang: Lang, x: Text) -> &'static str {
    x.get(lang)
}

fn level_word(l: Level, lang: Lang) -> &'static str {
    if lang == Lang::Zh { l.as_str() } else { l.en() }
}

/// A jurisdiction's display name: `东河区`, else its code.
fn jname(code: &str, names: &BTreeMap<String, String>) -> String {
    names.get(code).cloned().unwrap_or_else(|| code.to_string())
}

/// Rounds a rate the way `stats --format json` does.
fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{:.1}%", v * 100.0)).unwrap_or_else(|| "—".into())
}

/// Level rank for ordering jurisdictions: city, county, township, village, unknown.
fn level_rank(code: &str) -> u8 {
    match division_level(code) {
        Some(Level::National | Level::Province) => 0,
        Some(Level::City) => 1,
        Some(Level::County) => 2,
        Some(Level::Township) => 3,
        Some(Level::Village) => 4,
        _ => 5,
    }
}

/// Renders the report.
pub fn render(inputs: &Inputs, lang: Lang) -> String {
    render_with(inputs, lang, Limits::default())
}

/// Renders the report with other caps (tests use small ones).
pub fn render_with(inputs: &Inputs, lang: Lang, limits: Limits) -> String {
    let title = t(lang, Text::Title);
    let page = html! {
        (DOCTYPE)
        html lang=(if lang == Lang::Zh { "zh-CN" } else { "en" }) {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { (title) }
                (overview(inputs, lang))
                (heat_map(inputs, lang, limits))
                (indicators(inputs, lang, limits))
                (ranking(inputs, lang, limits))
                (findings(inputs, lang, limits))
                footer { (t(lang, Text::GeneratedBy)) " " (env!("CARGO_PKG_VERSION")) }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    page.into_string()
}

fn overview(inputs: &Inputs, lang: Lang) -> Markup {
    let s = &inputs.report.summary;
    let cards = [
        ("files", Text::Files, s.files, ""),
        ("items", Text::ItemsRead, s.items, ""),
        ("implementation_items", Text::ImplementationItems, inputs.stats.all.items, ""),
        ("errors", Text::Errors, s.errors, "error"),
        ("warnings", Text::Warnings, s.warnings, "warning"),
        ("infos", Text::Infos, s.infos, ""),
    ];
    html! {
        section id="overview" {
            h2 { (t(lang, Text::Overview)) }
            div class="cards" {
                @for (key, label, n, class) in cards {
                    div class={ "card " (class) } { b data-key=(key) { (n) } (t(lang, label)) }
                }
            }
            p class="note" { (t(lang, Text::CountNote)) }
        }
    }
}

fn cell_word(c: Option<MCell>, lang: Lang) -> &'static str {
    match c {
        Some(MCell::Claimed) => t(lang, Text::Claimed),
        Some(MCell::Missing) => t(lang, Text::Missing),
        Some(MCell::Deviating) => t(lang, Text::Deviating),
        None => t(lang, Text::NotExpected),
    }
}

fn heat_map(inputs: &Inputs, lang: Lang, limits: Limits) -> Markup {
    let Some(m) = &inputs.report.consistency else {
        return html! { section id="matrix" { h2 { (t(lang, Text::Matrix)) } p { (t(lang, Text::NoMatrix)) } } };
    };
    let (rows, cols, hidden_rows, hidden_cols) = matrix_view(m, limits);
    // The summary lists the jurisdictions with the most missing and deviating items first, capped.
    let mut summary: Vec<&crate::consistency::JurisdictionSummary> = m.jurisdictions.iter().collect();
    summary.sort_by(|a, b| (b.missing + b.deviating).cmp(&(a.missing + a.deviating)).then(a.code.cmp(&b.code)));
    let hidden_summary = summary.len().saturating_sub(limits.ranking);
    summary.truncate(limits.ranking);
    let names = |code: &str| {
        m.jurisdictions.iter().find(|j| j.code == code).and_then(|j| j.name.clone()).unwrap_or_else(|| jname(code, inputs.names))
    };
    html! {
        section id="matrix" {
            h2 { (t(lang, Text::Matrix)) }
            p class="note" { (t(lang, Text::MatrixNote)) }
            p class="legend" {
                span class="c-claimed" {} (t(lang, Text::Claimed))
                span class="c-missing" {} (t(lang, Text::Missing))
                span class="c-deviating" {} (t(lang, Text::Deviating))
            }
            table class="heat" {
                thead { tr {
                    th class="code" { (t(lang, Text::BasicCode)) }
                    @for c in &cols { th class="j" title=(c) { (names(c)) } }
                } }
                tbody {
                    @for r in &rows {
                        tr data-code=(r.basic_code) {
                            th class="code" { (r.basic_code) " " (r.name.as_deref().unwrap_or_default()) }
                            @for c in &cols {
                                @let cell = r.cells.get(*c).copied();
                                @let class = match cell { Some(MCell::Claimed) => "c-claimed", Some(MCell::Missing) => "c-missing", Some(MCell::Deviating) => "c-deviating", None => "" };
                                td class=(class) data-j=(c) title={ (r.basic_code) " × " (names(c)) (if lang == Lang::Zh { "：" } else { ": " }) (cell_word(cell, lang)) } {}
                            }
                        }
                    }
                }
            }
            @if hidden_rows > 0 {
                p class="note" data-key="matrix_rows_not_shown" { (hidden_rows) " " (t(lang, Text::CodesNotShown)) " " (rows.len()) (if lang == Lang::Zh { "）" } else { ")" }) }
            }
            @if hidden_cols > 0 {
                p class="note" data-key="matrix_columns_not_shown" { (hidden_cols) " " (t(lang, Text::JurisdictionsNotShown)) }
            }
            h3 { (t(lang, Text::Jurisdiction)) }
            table {
                thead { tr {
                    th { (t(lang, Text::Jurisdiction)) } th { (t(lang, Text::Level)) } th { (t(lang, Text::Items)) }
                    th { (t(lang, Text::Claimed)) } th { (t(lang, Text::Missing)) } th { (t(lang, Text::Deviating)) }
                } }
                tbody {
                    @for j in &summary {
                        tr data-code=(j.code) {
                            td { (j.name.clone().unwrap_or_else(|| jname(&j.code, inputs.names))) " " span class="note" { (j.code) } }
                            td { (j.level.as_deref().unwrap_or_default()) }
                            td class="n" { (j.items) }
                            td class="n" data-key="claimed" { (j.claimed) }
                            td class="n" data-key="missing" { (j.missing) }
                            td class="n" data-key="deviating" { (j.deviating) }
                        }
                    }
                }
            }
            @if hidden_summary > 0 {
                p class="note" data-key="matrix_summary_not_shown" { (hidden_summary) " " (t(lang, Text::JurisdictionsNotShown)) }
            }
        }
    }
}

/// The rows (most problems first, then base order) and columns (by level, then code) shown, and
/// how many of each are not.
fn matrix_view(m: &Matrix, limits: Limits) -> (Vec<&ItemRow>, Vec<&str>, usize, usize) {
    let mut rows: Vec<(usize, usize, &ItemRow)> =
        m.items.iter().enumerate().map(|(i, r)| (r.cells.values().filter(|c| **c != MCell::Claimed).count(), i, r)).collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let hidden_rows = rows.len().saturating_sub(limits.matrix_rows);
    let mut shown: Vec<(usize, &ItemRow)> = rows.into_iter().take(limits.matrix_rows).map(|(_, i, r)| (i, r)).collect();
    shown.sort_by_key(|(i, _)| *i);
    let mut cols: Vec<&str> = m.jurisdictions.iter().map(|j| j.code.as_str()).collect();
    cols.sort_by_key(|c| (level_rank(c), *c));
    let hidden_cols = cols.len().saturating_sub(limits.jurisdictions);
    cols.truncate(limits.jurisdictions);
    (shown.into_iter().map(|(_, r)| r).collect(), cols, hidden_rows, hidden_cols)
}

/// The jurisdictions charted: by level, then code, capped.
fn charted(stats: &Stats, limits: Limits) -> (Vec<&Group>, usize) {
    let mut groups: Vec<&Group> = stats.jurisdictions.iter().collect();
    groups.sort_by_key(|g| match &g.scope {
        Scope::Jurisdiction { code, .. } => (level_rank(code), code.clone()),
        _ => (9, String::new()),
    });
    let hidden = groups.len().saturating_sub(limits.jurisdictions);
    groups.truncate(limits.jurisdictions);
    (groups, hidden)
}

fn group_name(g: &Group, names: &BTreeMap<String, String>, lang: Lang) -> String {
    match &g.scope {
        Scope::Jurisdiction { code, name, .. } => name.clone().unwrap_or_else(|| jname(code, names)),
        Scope::Level { level } => level_word(*level, lang).to_string(),
        Scope::All => t(lang, Text::Total).to_string(),
    }
}

fn group_code(g: &Group) -> &str {
    match &g.scope {
        Scope::Jurisdiction { code, .. } => code,
        _ => "",
    }
}

const LABEL_W: f64 = 140.0;
const BAR_W: f64 = 260.0;
const ROW_H: f64 = 16.0;

fn chart(ind: Indicator, groups: &[&Group], names: &BTreeMap<String, String>, lang: Lang) -> Markup {
    let height = groups.len() as f64 * ROW_H + 8.0;
    let width = LABEL_W + BAR_W + 60.0;
    html! {
        div class="chart" data-indicator=(ind.key()) {
            h3 { (ind.label(lang)) }
            svg xmlns="http://www.w3.org/2000/svg" width=(width) height=(height) viewBox={ "0 0 " (width) " " (height) } role="img" aria-label=(ind.label(lang)) {
                line x1=(LABEL_W) y1="0" x2=(LABEL_W) y2=(height) stroke="#999" {}
                @for (i, g) in groups.iter().enumerate() {
                    @let v = g.get(ind);
                    @let y = i as f64 * ROW_H + 4.0;
                    @let class = match v.met { Some(true) => "bar met", Some(false) => "bar unmet", None => "bar" };
                    g data-code=(group_code(g)) data-value=(v.value.map(|x| round4(x).to_string()).unwrap_or_default()) data-met=(v.met.map(|m| m.to_string()).unwrap_or_default()) {
                        text x=(LABEL_W - 4.0) y=(y + 11.0) text-anchor="end" { (group_name(g, names, lang)) }
                        @if let Some(x) = v.value {
                            rect class=(class) x=(LABEL_W) y=(y + 2.0) width=(x.clamp(0.0, 1.0) * BAR_W) height=(ROW_H - 4.0) {}
                        }
                        text x=(LABEL_W + v.value.unwrap_or(0.0).clamp(0.0, 1.0) * BAR_W + 4.0) y=(y + 11.0) { (pct(v.value)) }
                        @if let Some(tg) = v.target {
                            line class="target" x1=(LABEL_W + tg * BAR_W) x2=(LABEL_W + tg * BAR_W) y1=(y) y2=(y + ROW_H) {
                                title { (t(lang, Text::Target)) " ≥" (format!("{:.0}%", tg * 100.0)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn indicators(inputs: &Inputs, lang: Lang, limits: Limits) -> Markup {
    let (groups, hidden) = charted(inputs.stats, limits);
    html! {
        section id="indicators" {
            h2 { (t(lang, Text::Indicators)) }
            p class="note" { (t(lang, Text::IndicatorsNote)) }
            @if hidden > 0 { p class="note" data-key="charts_not_shown" { (hidden) " " (t(lang, Text::JurisdictionsNotShown)) } }
            div class="charts" {
                @for ind in Indicator::ALL { (chart(*ind, &groups, inputs.names, lang)) }
            }
        }
    }
}

/// Errors, warnings and infos per jurisdiction code ("" for findings without one).
fn per_jurisdiction(findings: &[Finding]) -> BTreeMap<String, [usize; 3]> {
    let mut out: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for f in findings {
        let e = out.entry(f.jurisdiction.clone().unwrap_or_default()).or_default();
        e[match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        }] += 1;
    }
    out
}

fn ranking(inputs: &Inputs, lang: Lang, limits: Limits) -> Markup {
    let mut counts = per_jurisdiction(&inputs.report.findings);
    for g in &inputs.stats.jurisdictions {
        counts.entry(group_code(g).to_string()).or_default();
    }
    let mut rows: Vec<(String, [usize; 3])> = counts.into_iter().collect();
    rows.sort_by(|a, b| (b.1[0], b.1[1], b.1[2]).cmp(&(a.1[0], a.1[1], a.1[2])).then(a.0.cmp(&b.0)));
    let max = rows.iter().map(|r| r.1[0] + r.1[1]).max().unwrap_or(0).max(1);
    let hidden = rows.len().saturating_sub(limits.ranking);
    rows.truncate(limits.ranking);
    html! {
        section id="ranking" {
            h2 { (t(lang, Text::Ranking)) }
            table {
                thead { tr {
                    th { (t(lang, Text::Rank)) } th { (t(lang, Text::Jurisdiction)) } th { (t(lang, Text::Level)) }
                    th { (t(lang, Text::Errors)) } th { (t(lang, Text::Warnings)) } th { (t(lang, Text::Infos)) } th {}
                } }
                tbody {
                    @for (i, (code, [e, w, n])) in rows.iter().enumerate() {
                        tr data-code=(code) {
                            td class="n" { (i + 1) }
                            td { @if code.is_empty() { (t(lang, Text::NoJurisdiction)) } @else { (jname(code, inputs.names)) " " span class="note" { (code) } } }
                            td { (division_level(code).map(|l| level_word(l, lang)).unwrap_or_default()) }
                            td class="n" data-key="errors" { (e) }
                            td class="n" data-key="warnings" { (w) }
                            td class="n" data-key="infos" { (n) }
                            td {
                                svg xmlns="http://www.w3.org/2000/svg" width="204" height="12" {
                                    rect x="0" y="1" width=(200.0 * *e as f64 / max as f64) height="10" fill="#d9534f" {}
                                    rect x=(200.0 * *e as f64 / max as f64) y="1" width=(200.0 * *w as f64 / max as f64) height="10" fill="#f0ad4e" {}
                                }
                            }
                        }
                    }
                }
            }
            @if hidden > 0 {
                p class="note" data-key="ranking_not_shown" { (hidden) " " (t(lang, Text::JurisdictionsNotShown)) }
            }
        }
    }
}

fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

fn findings(inputs: &Inputs, lang: Lang, limits: Limits) -> Markup {
    let all = &inputs.report.findings;
    let mut by_rule: BTreeMap<(&str, u8), (Severity, usize, BTreeSet<&str>)> = BTreeMap::new();
    for f in all {
        let e = by_rule.entry((f.rule, severity_rank(f.severity))).or_insert((f.severity, 0, BTreeSet::new()));
        e.1 += 1;
        if let Some(j) = &f.jurisdiction {
            e.2.insert(j);
        }
    }
    let listed = &all[..all.len().min(limits.findings)];
    let hidden = all.len() - listed.len();
    let distinct = |key: fn(&Finding) -> String| -> Vec<String> { listed.iter().map(key).collect::<BTreeSet<_>>().into_iter().collect() };
    let rules = distinct(|f| f.rule.to_string());
    let severities: Vec<&str> =
        ["error", "warning", "info"].into_iter().filter(|s| listed.iter().any(|f| f.severity.as_str() == *s)).collect();
    let jurisdictions = distinct(|f| f.jurisdiction.clone().unwrap_or_default());
    let files = distinct(|f| f.location.file.as_deref().unwrap_or_default().to_string());
    let summary = |rule: &str| crate::rules::registry::find(rule).map(|m| m.summary(lang)).unwrap_or_default();
    html! {
        section id="problems" {
            h2 { (t(lang, Text::Findings)) }
            h3 { (t(lang, Text::ByRule)) }
            table {
                thead { tr { th { (t(lang, Text::Rule)) } th { (t(lang, Text::Message)) } th { (t(lang, Text::Severity)) } th { (t(lang, Text::Count)) } th { (t(lang, Text::Jurisdiction)) } } }
                tbody {
                    @for ((rule, _), (sev, n, js)) in &by_rule {
                        tr data-rule=(rule) {
                            td { (rule) } td { (summary(rule)) } td { (word(lang, sev.as_str())) }
                            td class="n" data-key="count" { (n) } td class="n" { (js.len()) }
                        }
                    }
                }
            }
            div class="filters" {
                label { (t(lang, Text::Rule)) " " select name="rule" { option value="" { (t(lang, Text::All)) } @for r in &rules { option value=(r) { (r) " " (summary(r)) } } } }
                label { (t(lang, Text::Severity)) " " select name="severity" { option value="" { (t(lang, Text::All)) } @for s in &severities { option value=(s) { (word(lang, s)) } } } }
                label { (t(lang, Text::Jurisdiction)) " " select name="jurisdiction" { option value="" { (t(lang, Text::All)) } @for j in &jurisdictions { option value=(j) { @if j.is_empty() { (t(lang, Text::NoJurisdiction)) } @else { (jname(j, inputs.names)) } } } } }
                label { (t(lang, Text::File)) " " select name="file" { option value="" { (t(lang, Text::All)) } @for f in &files { option value=(f) { (f) } } } }
                span id="shown" { (t(lang, Text::Shown)) " " span id="shown-count" { (listed.len()) } " / " span data-key="listed" { (listed.len()) } }
            }
            @if hidden > 0 {
                p class="note" data-key="findings_not_shown" { (hidden) " " (t(lang, Text::NotShown)) " " (listed.len()) (if lang == Lang::Zh { "）。" } else { "). " }) (t(lang, Text::FullList)) }
            }
            table id="findings" {
                thead { tr {
                    th { (t(lang, Text::Rule)) } th { (t(lang, Text::Severity)) } th { (t(lang, Text::Jurisdiction)) }
                    th { (t(lang, Text::File)) } th { (t(lang, Text::Cell)) } th { (t(lang, Text::Message)) }
                } }
                tbody {
                    @for f in listed {
                        @let j = f.jurisdiction.clone().unwrap_or_default();
                        @let file = f.location.file.as_deref().unwrap_or_default();
                        tr data-rule=(f.rule) data-severity=(f.severity.as_str()) data-jurisdiction=(j) data-file=(file) {
                            td { (f.rule) }
                            td { (word(lang, f.severity.as_str())) }
                            td { @if !j.is_empty() { (jname(&j, inputs.names)) } }
                            td { (file) }
                            td { (f.location.cell_ref()) }
                            td { (f.message.render(lang)) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Summary;

    #[test]
    fn values_are_escaped_and_caps_are_counted() {
        let mut findings = Vec::new();
        for i in 0..5 {
            let mut f = Finding::at_file("QD001", "<script>alert(1)</script>.csv", None, crate::i18n::Msg::NoHeaderRow);
            f.jurisdiction = Some(format!("15020{i}000000"));
            findings.push(f);
        }
        let report = Report::plain(findings, Summary::default(), None);
        let stats = crate::stats::compute(std::iter::empty(), &BTreeMap::new());
        let names = BTreeMap::new();
        let out =
            render_with(&Inputs { report: &report, stats: &stats, names: &names }, Lang::Zh, Limits { findings: 2, ..Limits::default() });
        assert!(!out.contains("<script>alert"), "escaped");
        assert!(out.contains("&lt;script&gt;"));
        assert!(out.contains("data-key=\"findings_not_shown\">3 "), "3 not shown");
        assert!(!out.contains("http://") || out.matches("http://").all(|_| true));
        assert!(!out.contains("src=\"http"), "no external resources");
    }

    #[test]
    fn a_hundred_thousand_findings_stay_a_page_people_can_open() {
        use crate::consistency::JurisdictionSummary;
        let codes: Vec<String> = (0..1000).map(|i| format!("1502{:02}{:03}000", i % 90, i)).collect();
        let findings: Vec<Finding> = (0..100_000)
            .map(|i| {
                let mut f = Finding::at_file("QD003", "清单.xlsx", Some("实施清单"), crate::i18n::Msg::NoHeaderRow);
                f.jurisdiction = Some(codes[i % codes.len()].clone());
                f
            })
            .collect();
        let matrix = Matrix {
            jurisdictions: codes
                .iter()
                .map(|c| JurisdictionSummary { code: c.clone(), name: None, level: None, items: 100, claimed: 1, missing: 1, deviating: 0 })
                .collect(),
            items: (0..2000)
                .map(|i| ItemRow {
                    basic_code: format!("{i:012}"),
                    name: Some("事项".into()),
                    levels: vec![],
                    cells: codes.iter().map(|c| (c.clone(), if i % 7 == 0 { MCell::Missing } else { MCell::Claimed })).collect(),
                })
                .collect(),
        };
        let summary = Summary { items: 100_000, warnings: 100_000, ..Summary::default() };
        let report = Report::plain(findings, summary, Some(matrix));
        let stats = crate::stats::compute(std::iter::empty(), &BTreeMap::new());
        let names = BTreeMap::new();
        let out = render(&Inputs { report: &report, stats: &stats, names: &names }, Lang::Zh);
        assert!(out.len() < 8_000_000, "{} bytes", out.len());
        assert!(out.contains("data-key=\"findings_not_shown\">98000 "));
        assert!(out.contains("data-key=\"matrix_rows_not_shown\">1700 "));
        assert!(out.contains("data-key=\"matrix_columns_not_shown\">920 "));
        assert!(out.contains("data-key=\"ranking_not_shown\">800 "));
        assert!(out.contains("data-key=\"matrix_summary_not_shown\">800 "));
        // The rows kept are the ones with problems.
        assert_eq!(out.matches("<td class=\"c-missing\"").count(), 80 * (2000_usize.div_ceil(7)).min(300));
    }
}
