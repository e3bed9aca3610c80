//! The report for people: miette's graphical diagnostics, grouped per file, each naming the
//! cell (`表!F12`), the header, the value, what is wrong and how to fix it; then a summary and,
//! with a base catalog, a per-jurisdiction consistency summary. Colors only on a terminal.

use std::fmt::Write;
use std::io::IsTerminal;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, Severity as MSeverity};

use super::Report;
use crate::finding::{Finding, Severity};
use crate::i18n::{Lang, word};
use crate::rules::registry;

struct Diag<'a> {
    f: &'a Finding,
    lang: Lang,
    message: String,
    source: Option<NamedSource<String>>,
}

impl std::fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.f.rule))
    }

    fn severity(&self) -> Option<MSeverity> {
        Some(match self.f.severity {
            Severity::Error => MSeverity::Error,
            Severity::Warning => MSeverity::Warning,
            Severity::Info => MSeverity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        registry::find(self.f.rule).map(|r| Box::new(r.help(self.lang)) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let src = self.source.as_ref()?;
        let len = src.inner().len();
        let label = self.f.location.header.clone().or_else(|| self.f.field.map(|f| f.label_in(self.lang).to_string()));
        Some(Box::new(std::iter::once(LabeledSpan::new(label, 0, len))))
    }
}

/// Where a finding points, as one line: `东河区.xlsx 实施清单!F12`.
pub fn place(f: &Finding) -> String {
    let file = f.location.file.as_deref().unwrap_or("");
    let cell = f.location.cell_ref();
    match (file.is_empty(), cell.is_empty()) {
        (false, false) => format!("{file} {cell}"),
        (false, true) => file.to_string(),
        (true, false) => cell,
        (true, true) => String::new(),
    }
}

/// Renders the report.
pub fn render(report: &Report, lang: Lang) -> String {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    let mut current_file: Option<&str> = None;
    for (f, mark) in report.marked() {
        let file = f.location.file.as_deref().unwrap_or("");
        if current_file != Some(file) {
            let title = if file.is_empty() { if lang == Lang::Zh { "（整个仓库）" } else { "(repository)" } } else { file };
            let _ = writeln!(out, "\n── {title} ──");
            current_file = Some(file);
        }
        let value = f.value_shown();
        let source = value.map(|v| {
            let mut name = place(f);
            if let Some(j) = &f.jurisdiction
                && f.location.row.is_none()
            {
                name = format!("{name} [{j}]");
            }
            NamedSource::new(name, v.to_string())
        });
        let mut message = f.message.render(lang);
        if let Some(r) = mark.round {
            message = format!("[{}] {message}", word(lang, r.key()));
        }
        if let Some(a) = report.accept_of(mark) {
            let sep = if lang == Lang::Zh { "：" } else { ": " };
            message = format!("[{}{sep}{}] {message}", word(lang, "accepted"), a.reason);
        }
        if source.is_none() {
            let p = place(f);
            if !p.is_empty() {
                message = format!("{message}\n   @ {p}");
            }
            if let Some(j) = &f.jurisdiction
                && f.location.row.is_none()
            {
                message = format!("{message} [{j}]");
            }
        }
        let d = Diag { f, lang, message, source };
        let _ = handler.render_report(&mut out, &d);
    }
    let s = &report.summary;
    let _ = writeln!(out);
    if lang == Lang::Zh {
        let _ = writeln!(
            out,
            "共检查 {} 个文件、{} 个事项：{} 个{}，{} 个{}，{} 条{}",
            s.files,
            s.items,
            s.errors,
            word(lang, "error"),
            s.warnings,
            word(lang, "warning"),
            s.infos,
            word(lang, "info")
        );
    } else {
        let _ =
            writeln!(out, "checked {} files, {} items: {} errors, {} warnings, {} infos", s.files, s.items, s.errors, s.warnings, s.infos);
    }
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
        let _ = writeln!(out, "\n{}", if lang == Lang::Zh { "四级同源（按地区）：" } else { "Cross-level consistency by jurisdiction:" });
        let (h1, h2, h3, h4, h5) = if lang == Lang::Zh {
            ("地区", "层级", "事项", "已认领", "缺失/偏离")
        } else {
            ("jurisdiction", "level", "items", "claimed", "missing/deviating")
        };
        let _ = writeln!(out, "  {}{}{}{}{}", pad(h1, 34), pad(h2, 8), pad_left(h3, 6), pad_left(h4, 10), pad_left(h5, 18));
        for j in &m.jurisdictions {
            let name = match &j.name {
                Some(n) => format!("{n} {}", j.code),
                None => j.code.clone(),
            };
            let counts = format!("{}/{}", j.missing, j.deviating);
            let level = pad(j.level.as_deref().unwrap_or("-"), 8);
            let (items, claimed) = (pad_left(&j.items.to_string(), 6), pad_left(&j.claimed.to_string(), 10));
            let _ = writeln!(out, "  {}{level}{items}{claimed}{}", pad(&name, 34), pad_left(&counts, 18));
        }
    }
    out
}

/// Display width in a terminal: CJK and full-width characters take two columns.
fn width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x1100 && !matches!(c as u32, 0x2000..=0x206F) { 2 } else { 1 }).sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}
