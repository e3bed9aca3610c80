//! GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` line per finding,
//! so findings show as annotations on the pull request
//! (`::error file=清单/东河区.csv,line=12,col=6,title=QD101 credit-code::实施主体编码校验位错误…`).

use std::fmt::Write;

use super::Report;
use crate::finding::Severity;
use crate::i18n::Lang;
use crate::rules::registry;

/// Escapes a command's message (`%`, CR, LF), as the Actions runner decodes it.
/// Other control characters (ESC …) are shown as escapes as well (see `output::visible`).
pub fn escape_data(s: &str) -> String {
    crate::output::visible(&s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")).into_owned()
}

/// Escapes a property value: as data, plus `:` and `,`, which delimit properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow command of a severity.
pub fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Renders the report as workflow commands, one per line.
pub fn render(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    for (f, mark) in report.marked() {
        let mut props = Vec::new();
        if let Some(file) = f.location.file.as_deref().filter(|s| !s.is_empty()) {
            props.push(format!("file={}", escape_property(&file.replace('\\', "/"))));
            if let Some(row) = f.location.row.filter(|r| *r >= 1) {
                props.push(format!("line={row}"));
                if let Some(c) = f.location.column {
                    props.push(format!("col={}", c + 1));
                }
            }
        }
        let title = match registry::find(f.rule) {
            Some(r) => format!("{} {}", f.rule, r.name),
            None => f.rule.to_string(),
        };
        props.push(format!("title={}", escape_property(&title)));
        let mut message = f.message.render(lang);
        let cell = f.location.cell_in(lang);
        if f.location.sheet.is_some() && !cell.is_empty() {
            message = format!("{message} ({cell})");
        }
        if let Some(item) = &f.item {
            message = format!("{message} [{item}]");
        } else if let Some(j) = &f.jurisdiction {
            message = format!("{message} [{j}]");
        }
        // An accepted problem (已认可) is a notice with its reason, never an error annotation.
        let level = match report.accept_of(mark) {
            Some(a) => {
                message = format!("[{}] {message} ({})", crate::i18n::word(lang, "accepted"), a.reason);
                "notice"
            }
            None => command(f.severity),
        };
        let _ = writeln!(out, "::{level} {}::{}", props.join(","), escape_data(&message));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
