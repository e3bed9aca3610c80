//! The report for people, ruff-like: one head line per finding (severity as a word, code,
//! message, place), then the cell's header and value and how to fix it; lines wrapped by display
//! width (a CJK character takes two columns) to the terminal's width. The consistency table and
//! the summary (counts per rule, per file with `--statistics`, then the total) come last.

use std::collections::BTreeMap;
use std::fmt::Write;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Report;
use crate::finding::{Finding, Severity};
use crate::i18n::{Lang, word};
use crate::rules::registry;

/// How the human report is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// The widest a line may be, in terminal columns.
    pub width: usize,
    /// `--statistics`: counts per rule and per file instead of each finding.
    pub statistics: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout { width: 80, statistics: false }
    }
}

/// The width to wrap to: `COLUMNS` when set to a number (tests and pipes use it), else the
/// terminal's width when stdout is a terminal, else 80.
pub fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|n| *n >= 20) {
        return n;
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0)).filter(|w| *w >= 20).unwrap_or(80)
}

/// The severity as a word: 错误 / 警告 / 提示 (error / warning / info).
pub fn severity_word(s: Severity, lang: Lang) -> &'static str {
    word(
        lang,
        match s {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        },
    )
}

/// The head line of a finding: `错误 QD101 实施主体编码…校验位错误  东河区.xlsx 实施清单!H5`.
pub fn head(f: &Finding, lang: Lang) -> String {
    let (what, place) = head_parts(f, lang);
    if place.is_empty() { what } else { format!("{what}  {place}") }
}

/// The head line's two parts: severity, code and message; and the place.
fn head_parts(f: &Finding, lang: Lang) -> (String, String) {
    // Control characters from cells (ESC …) are shown as escapes, never sent to the terminal.
    let what = format!("{} {} {}", severity_word(f.severity, lang), f.rule, crate::output::visible(&f.message.render(lang)));
    let mut place = crate::output::visible(&f.location.place(lang)).into_owned();
    if let Some(j) = &f.jurisdiction
        && f.location.row.is_none()
    {
        let j = format!("[{j}]");
        place = if place.is_empty() { j } else { format!("{place} {j}") };
    }
    (what, place)
}

/// Renders the report.
pub fn render(report: &Report, lang: Lang, layout: Layout) -> String {
    let width = layout.width.max(20);
    let mut out = String::new();
    if !layout.statistics {
        for (f, mark) in report.marked() {
            // The round and the acceptance go first: [新增] / [仍存在] / [已认可：理由].
            let mut tag = String::new();
            if let Some(r) = mark.round {
                tag.push_str(&format!("[{}] ", word(lang, r.key())));
            }
            if let Some(a) = report.accept_of(mark) {
                let sep = if lang == Lang::Zh { "：" } else { ": " };
                tag.push_str(&format!("[{}{sep}{}] ", word(lang, "accepted"), a.reason));
            }
            finding(&mut out, f, &tag, lang, width);
        }
    }
    let s = &report.summary;
    if s.accepted > 0 {
        let _ = writeln!(
            out,
            "{}",
            if lang == Lang::Zh { format!("另有 {} 条已认可", s.accepted) } else { format!("{} accepted", s.accepted) }
        );
    }
    if let Some(r) = s.rounds {
        let _ = writeln!(
            out,
            "{}",
            if lang == Lang::Zh {
                format!("与上一轮相比：新增 {}，仍存在 {}，已整改 {}", r.new, r.persisting, r.fixed)
            } else {
                format!("compared with the baseline: {} new, {} persisting, {} fixed", r.new, r.persisting, r.fixed)
            }
        );
    }
    if let Some(m) = &report.consistency {
        consistency(&mut out, m, lang, width);
    }
    summary(&mut out, report, lang, layout, width);
    out
}

fn finding(out: &mut String, f: &Finding, tag: &str, lang: Lang, width: usize) {
    let line = format!("{tag}{}", head(f, lang));
    if line.width() <= width {
        out.push_str(&line);
        out.push('\n');
    } else {
        // Too wide: the message wrapped, then the place on a line of its own.
        let (what, place) = head_parts(f, lang);
        wrap_into(out, &format!("{tag}{what}"), "", "    ", width);
        if !place.is_empty() {
            wrap_into(out, &place, "    ", "      ", width);
        }
    }
    if let Some(v) = f.value_shown() {
        let label = f.location.header.clone().or_else(|| f.field.map(|x| x.label_in(lang).to_string()));
        let line = match label {
            Some(l) => format!("{} │ {}", crate::output::visible(&l), crate::output::visible(&one_line(v))),
            None => format!("│ {}", crate::output::visible(&one_line(v))),
        };
        wrap_into(out, &line, "    ", "      ", width);
    }
    let help = registry::help(f, lang);
    if !help.is_empty() {
        wrap_into(out, &format!("{}{}", word(lang, "help_prefix"), help), "    ", "      ", width);
    }
    out.push('\n');
}

fn consistency(out: &mut String, m: &crate::consistency::Matrix, lang: Lang, width: usize) {
    let _ = writeln!(out, "{}", word(lang, "consistency_title"));
    let [h1, h2, h3, h4, h5] = crate::i18n::consistency_headers(lang);
    // Name column: what is left of the width after the four number columns (8+6+8+12) and the indent.
    let name_w = width.saturating_sub(2 + 8 + 6 + 8 + 12).clamp(12, 34);
    let _ = writeln!(out, "  {}{}{}{}{}", pad(h1, name_w), pad(h2, 8), pad_left(h3, 6), pad_left(h4, 8), pad_left(h5, 12));
    for j in &m.jurisdictions {
        let name = match &j.name {
            Some(n) => format!("{n} {}", j.code),
            None => j.code.clone(),
        };
        let name = cut(&name, name_w.saturating_sub(1));
        let counts = format!("{}/{}", j.missing, j.deviating);
        let level = pad(j.level.as_deref().unwrap_or("-"), 8);
        let (items, claimed) = (pad_left(&j.items.to_string(), 6), pad_left(&j.claimed.to_string(), 8));
        let _ = writeln!(out, "  {}{level}{items}{claimed}{}", pad(&name, name_w), pad_left(&counts, 12));
    }
    out.push('\n');
}

fn summary(out: &mut String, report: &Report, lang: Lang, layout: Layout, width: usize) {
    let findings = &report.findings;
    if !findings.is_empty() {
        // Count and severity (as configured, the highest seen) per rule.
        let mut by_rule: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
        for f in findings {
            let e = by_rule.entry(f.rule).or_insert((0, f.severity));
            // A summary of findings left out past the cap counts for them all.
            e.0 += f.weight();
            e.1 = e.1.max(f.severity);
        }
        let _ = writeln!(out, "{}", word(lang, "by_rule"));
        let count_w = by_rule.values().map(|(n, _)| n.to_string().len()).max().unwrap_or(1);
        for (rule, (n, severity)) in &by_rule {
            let sev = severity_word(*severity, lang);
            let text = registry::find(rule).map(|m| m.summary(lang)).unwrap_or("");
            let line = format!("{rule}  {n:>count_w$}  {}  {text}", pad(sev, 4));
            wrap_into(out, &line, "  ", "    ", width);
        }
        if layout.statistics {
            let mut by_file: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
            for f in findings {
                let file = f.location.file.as_deref().unwrap_or("");
                let e = by_file.entry(file).or_default();
                e[match f.severity {
                    Severity::Error => 0,
                    Severity::Warning => 1,
                    Severity::Info => 2,
                }] += f.weight();
            }
            let _ = writeln!(out, "{}", word(lang, "by_file"));
            for (file, [e, w, i]) in by_file {
                let name = if file.is_empty() { word(lang, "repository").into() } else { crate::output::visible(file) };
                let line = crate::i18n::counts(e, w, i, lang);
                wrap_into(out, &format!("{name}  {line}"), "  ", "    ", width);
            }
        }
        out.push('\n');
    }
    let s = &report.summary;
    wrap_into(out, &crate::i18n::total(s.files, s.items, s.errors, s.warnings, s.infos, lang), "", "", width);
    if report.hidden_infos > 0 {
        wrap_into(out, &crate::i18n::hidden_infos(report.hidden_infos, lang), "", "", width);
    }
}

/// A value on one line: line breaks inside a cell shown as `⏎`.
fn one_line(v: &str) -> String {
    v.replace("\r\n", "⏎").replace(['\n', '\r'], "⏎")
}

/// Appends `text` wrapped to `width` display columns: the first line indented by `first`, the
/// others by `rest`. Breaks at a space when an ASCII word would be cut, anywhere between CJK
/// characters.
pub fn wrap_into(out: &mut String, text: &str, first: &str, rest: &str, width: usize) {
    let mut line = String::from(first);
    let mut line_w = first.width();
    let mut indent_len = first.len();
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if line_w + cw > width && line.len() > indent_len {
            // Carry a cut ASCII word (a code, a number, a cell reference) over to the next line,
            // whether a space or a CJK character precedes it, unless it would fill half the line.
            let carry = if c.is_ascii_graphic() {
                let body = &line[indent_len..];
                let start = body.char_indices().rev().take_while(|(_, x)| x.is_ascii_graphic()).last().map(|(i, _)| i);
                match start {
                    Some(i) if i > 0 && (body.len() - i) * 2 < width => {
                        let carried = body[i..].to_string();
                        line.truncate(indent_len + i);
                        carried
                    }
                    _ => String::new(),
                }
            } else {
                String::new()
            };
            out.push_str(line.trim_end());
            out.push('\n');
            line = format!("{rest}{carry}");
            line_w = line.width();
            indent_len = rest.len();
            if c == ' ' {
                continue;
            }
        }
        line.push(c);
        line_w += cw;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn cut(s: &str, w: usize) -> String {
    if s.width() <= w {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(s.width())))
}

fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(s.width())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_display_width() {
        let mut out = String::new();
        let text =
            "错误 QD101 实施主体编码“11150202MB1234567X”校验位错误：应为 B，实为 X  东河区住房和城乡建设局报送的清单.xlsx 实施清单!H5";
        wrap_into(&mut out, text, "", "    ", 40);
        for l in out.lines() {
            assert!(l.width() <= 40, "{l:?} is {} wide", l.width());
        }
        assert_eq!(out.replace("\n    ", "").replace(['\n', ' '], ""), text.replace(' ', ""));
        // A code after CJK text moves to the next line whole.
        let mut out = String::new();
        wrap_into(&mut out, "同级多数（昆都仑区(150203000000)、青山区(150204000000)）为“否”", "", "  ", 30);
        assert!(out.contains("(150203000000)") && out.contains("(150204000000)"), "{out}");
    }
}
