//! `qingdan check`: read → normalize → schema and item rules → 四级同源 → report.

use std::collections::HashMap;
use std::path::Path;

use crate::cli::{CheckArgs, CheckFormat};
use crate::consistency::Consistency;
use crate::finding::{Finding, Location, Severity, Sink};
use crate::i18n::{Lang, Msg};
use crate::ingest::Event;
use crate::model::item::CatalogKind;
use crate::report::{Report, Summary};
use crate::rules::{self, ItemContext};

/// Runs the check and renders the report; returns the exit status.
pub fn run(args: &CheckArgs, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<i32, String> {
    let report = build_report(args, config, quiet)?;
    let rendered = match args.format {
        CheckFormat::Human => crate::report::human::render(&report, lang),
        CheckFormat::Json => crate::report::json::render(&report, lang),
        CheckFormat::Sarif => crate::report::sarif::render(&report, lang, crate::report::sarif::anchor(&args.input.paths).as_deref()),
        CheckFormat::Junit => crate::report::junit::render(&report, lang),
        CheckFormat::Github => crate::report::github::render(&report, lang),
    };
    print!("{rendered}");
    if report.summary.tables == 0 {
        return Ok(crate::EXIT_FAILURE);
    }
    let threshold = args.fail_on.severity();
    Ok(if report.findings.iter().any(|f| f.severity >= threshold) { crate::EXIT_FINDINGS } else { crate::EXIT_OK })
}

/// Reads and checks everything, returning the report every renderer consumes.
pub fn build_report(args: &CheckArgs, config: Option<&Path>, _quiet: bool) -> Result<Report, String> {
    let inputs = super::load::resolve(&args.input, config)?;
    if inputs.files.is_empty() && inputs.walk_findings.is_empty() {
        return Err("没有找到可读取的清单文件 / no catalog files found".into());
    }
    let policy = inputs.config.policy();
    let mut sink = Sink::new(policy.clone());
    sink.extend(inputs.walk_findings.iter().cloned());
    let base_named = inputs.options.base.as_deref().map(super::load::display_path);
    let mut consistency = Consistency::new(inputs.config.jurisdictions.clone(), base_named);
    let mut kind = CatalogKind::Implementation;
    let mut table_codes: HashMap<String, Location> = HashMap::new();
    let mut items = 0usize;
    let mut tables = 0usize;
    let mut scratch = Vec::new();
    let enabled = |code: &str| !policy.is_off(code);
    let mut reader = super::load::read_all(&inputs, &mut |ev| match ev {
        Event::Table { kind: k, .. } => {
            kind = k;
            tables += 1;
            table_codes.clear();
        }
        Event::Item(item) => {
            items += 1;
            scratch.clear();
            if enabled("QD020") {
                crate::schema::check(&item, &mut scratch);
            }
            rules::check_item(&item, ItemContext { kind }, enabled, &mut scratch);
            if let Some(code) = &item.impl_code {
                match table_codes.get(code) {
                    Some(first) => scratch.push(Finding::at_item(
                        "QD103",
                        &item,
                        Some(crate::model::field::Field::ImplCode),
                        Msg::DuplicateImplCode { code: code.clone(), first: first.cell_ref() },
                    )),
                    None => {
                        table_codes.insert(code.clone(), Location::of_field(&item, Some(crate::model::field::Field::ImplCode)));
                    }
                }
            }
            consistency.observe(&item, kind);
            sink.extend(scratch.drain(..));
        }
        Event::Finding(f) => sink.push(f),
    });
    sink.extend(reader.orphan_materials());
    let (cross, matrix) = consistency.finish(&policy);
    sink.extend(cross);
    let findings = sink.finish();
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let summary = Summary {
        files: inputs.files.len(),
        tables,
        items,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
    };
    Ok(Report { findings, summary, consistency: matrix })
}
