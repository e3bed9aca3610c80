//! `qingdan rules`, `qingdan explain`, `qingdan schema`: documentation from the registry.

use std::io::Write;

use crate::i18n::{Lang, word};
use crate::rules::registry::{RULES, find};

/// Lists every rule: code, name, default severity, summary.
pub fn rules(lang: Lang) -> Result<i32, String> {
    let mut out = std::io::stdout().lock();
    for r in RULES {
        let sev = crate::report::human::severity_word(r.severity, lang);
        let _ = writeln!(out, "{}  {:<26} {}  {}", r.code, r.name, pad(sev, 8), r.summary(lang));
    }
    Ok(crate::EXIT_OK)
}

/// `s` padded with spaces to `w` display columns.
fn pad(s: &str, w: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    format!("{s}{}", " ".repeat(w.saturating_sub(s.width())))
}

/// Prints one rule's documentation.
pub fn explain(rule: &str, lang: Lang) -> Result<i32, String> {
    let Some(r) = find(rule) else {
        return Err(crate::i18n::Failure::UnknownRule { given: rule.to_string(), known: crate::rules::registry::codes() }.render(lang));
    };
    let (what, sev, fix) = (word(lang, "explain_what"), word(lang, "explain_severity"), word(lang, "explain_fix"));
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    println!(
        "{} ({})\n{}\n\n{what}{colon}\n  {}\n\n{sev}{colon}{}\n{fix}{colon}{}",
        r.code,
        r.name,
        r.summary(lang),
        r.doc(lang),
        crate::report::human::severity_word(r.severity, lang),
        r.help(lang)
    );
    Ok(crate::EXIT_OK)
}

/// Prints the item schema, or with `report` the JSON report's.
pub fn schema(report: bool) -> Result<i32, String> {
    print!("{}", if report { crate::report::json::REPORT_SCHEMA } else { crate::schema::ITEM_SCHEMA });
    Ok(crate::EXIT_OK)
}
