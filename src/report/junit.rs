//! JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure): one testsuite per
//! file, one failing testcase per error, warnings and infos as passing testcases whose
//! `system-out` says what was found. A clean run is one suite with one passing testcase.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::Report;
use crate::finding::{Finding, Severity};
use crate::i18n::Lang;
use crate::rules::registry;

/// Escapes text for XML content and attribute values; drops characters XML 1.0 forbids.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn case_name(f: &Finding) -> String {
    let cell = f.location.cell_ref();
    let mut name = f.rule.to_string();
    if !cell.is_empty() {
        name = format!("{name} {cell}");
    }
    if let Some(h) = f.location.header.as_deref().or(f.field.map(|x| x.label())) {
        name = format!("{name} {h}");
    }
    if let Some(item) = &f.item {
        name = format!("{name} {item}");
    } else if let Some(j) = &f.jurisdiction {
        name = format!("{name} {j}");
    }
    name
}

/// Renders the report as JUnit XML.
pub fn render(report: &Report, lang: Lang) -> String {
    // Each finding with the reason it was accepted (已认可: never a failure).
    let mut suites: BTreeMap<&str, Vec<(&Finding, Option<&str>)>> = BTreeMap::new();
    for (f, mark) in report.marked() {
        let accepted = report.accept_of(mark).map(|a| a.reason.as_str());
        suites.entry(f.location.file.as_deref().unwrap_or("")).or_default().push((f, accepted));
    }
    let failing = |f: &Finding, accepted: Option<&str>| f.severity == Severity::Error && accepted.is_none();
    let errors = suites.values().flatten().filter(|(f, a)| failing(f, *a)).count();
    let total = report.findings.len().max(1);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"qingdan\" tests=\"{total}\" failures=\"{errors}\" errors=\"0\">");
    if suites.is_empty() {
        let name = if lang == Lang::Zh { "清单检查" } else { "catalog check" };
        let _ = writeln!(out, "  <testsuite name=\"qingdan\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">");
        let _ = writeln!(out, "    <testcase classname=\"qingdan\" name=\"{}\"/>", escape(name));
        let _ = writeln!(out, "  </testsuite>");
    }
    let repo = if lang == Lang::Zh { "（整个仓库）" } else { "(repository)" };
    for (file, findings) in &suites {
        let suite = if file.is_empty() { repo } else { file };
        let failures = findings.iter().filter(|(f, a)| failing(f, *a)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
            escape(suite),
            findings.len()
        );
        for &(f, accepted) in findings {
            let message = f.message.render(lang);
            let _ = write!(out, "    <testcase classname=\"{}\" name=\"{}\"", escape(suite), escape(&case_name(f)));
            let help = registry::help(f, lang);
            let mut detail = format!("{} {} {message}", crate::report::human::severity_word(f.severity, lang), f.rule);
            let cell = f.location.cell_in(lang);
            if !cell.is_empty() {
                detail.push_str(&format!("\n@ {cell}"));
            }
            if let Some(v) = f.value_shown() {
                detail.push_str(&format!("\n= {v}"));
            }
            if !help.is_empty() {
                detail.push_str(&format!("\n{}{help}", crate::i18n::word(lang, "help_prefix")));
            }
            if let Some(reason) = accepted {
                detail.push_str(&format!("\n[{}] {reason}", crate::i18n::word(lang, "accepted")));
            }
            if failing(f, accepted) {
                let _ = writeln!(out, ">");
                let _ = writeln!(out, "      <failure type=\"{}\" message=\"{}\">{}</failure>", f.rule, escape(&message), escape(&detail));
            } else {
                let _ = writeln!(out, ">");
                let _ = writeln!(out, "      <system-out>{}</system-out>", escape(&detail));
            }
            let _ = writeln!(out, "    </testcase>");
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("一\n二"), "一&#10;二");
    }
}
