//! Imports run one way where the report path meets (issue 12): each shared type has one home
//! below both of its users, and the lower file never names the upper one.
//!
//! - the indicators (`Stats`, computed once by `stats::compute`) live in `stats/mod.rs`, used by
//!   `commands/stats.rs`, `commands/export.rs`, `publish/sheets.rs` and `report/html.rs`;
//! - `Severity` lives in `finding.rs`, used by `rules/registry.rs` (which also makes findings);
//! - `Lang` lives in `i18n.rs`, which uses `model/field.rs` (and `Field::label_in` lives in `i18n.rs`).

fn source(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `lower` must not refer to `upper`'s module path.
fn one_way(lower: &str, upper_module: &str) {
    let text = source(lower);
    let code: String = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    assert!(!code.contains(upper_module), "{lower} refers to {upper_module}: an import circle");
}

#[test]
fn no_import_circles_on_the_report_path() {
    one_way("src/publish/sheets.rs", "commands::");
    one_way("src/stats/mod.rs", "commands::");
    one_way("src/stats/mod.rs", "publish::");
    one_way("src/report/html.rs", "commands::");
    one_way("src/publish/print.rs", "commands::");
    one_way("src/finding.rs", "rules::");
    one_way("src/finding.rs", "registry");
    one_way("src/model/field.rs", "i18n");
    // The read → findings pipeline lives in the library; commands only render what it returns.
    for lower in [
        "src/pipeline/mod.rs",
        "src/pipeline/check.rs",
        "src/rounds.rs",
        "src/progress.rs",
        "src/report/sarif.rs",
        "src/publish/returns.rs",
    ] {
        one_way(lower, "commands::");
    }
    assert!(source("src/pipeline/check.rs").contains("pub fn build_report"));
    assert!(!source("src/commands/check.rs").contains("impl State"), "the check pipeline is not in commands/");
    assert!(source("src/stats/mod.rs").contains("pub struct Stats"));
    assert!(!std::path::Path::new("src/stats/jurisdictions.rs").exists(), "one indicator set, not a second one for export");
    assert!(source("src/finding.rs").contains("pub enum Severity"));
    assert!(source("src/i18n.rs").contains("pub enum Lang"));
}
