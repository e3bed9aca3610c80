//! `qingdan diff OLD NEW`: what changed between two versions of a catalog (files or
//! directories), item by item and field by field. Exits 0 whatever the differences.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};
use serde_json::json;

use crate::cli::{DiffArgs, DiffFormat, InputArgs};
use crate::diff::{Diff, FieldChange, ItemChange, ItemRef};
use crate::finding::Severity;
use crate::i18n::Lang;
use crate::ingest::csv::CsvEncoding;
use crate::ingest::{Event, Layout};
use crate::model::field::Field;
use crate::model::item::Item;

/// Reads every item (implementation lists and base catalogs) under one path.
/// Returns the items, the number of read errors, and the files read.
fn read(path: &Path, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<(Vec<Item>, usize, Vec<PathBuf>), String> {
    let input = InputArgs { paths: vec![path.to_path_buf()], encoding: CsvEncoding::Auto, base: None, layout: Layout::Auto };
    let inputs = super::load::resolve(&input, config, lang)?;
    if inputs.files.is_empty() {
        return Err(super::load::nothing_readable(&input.paths, &inputs.walk_findings, lang));
    }
    let mut items = Vec::new();
    let mut problems = inputs.walk_findings.len();
    crate::progress::read_all(&inputs, quiet, &mut |ev| match ev {
        Event::Item(item) => items.push(*item),
        Event::Finding(f) if f.severity == Severity::Error => problems += 1,
        _ => {}
    });
    Ok((crate::model::catalog::merge_guides(items), problems, inputs.files))
}

/// Runs `diff`.
pub fn run(args: &DiffArgs, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<i32, String> {
    if args.format == DiffFormat::Xlsx && args.output.is_none() {
        return Err(crate::i18n::Failure::NeedsOutput { format: "xlsx".into() }.render(lang));
    }
    let (old, p_old, mut inputs) = read(&args.old, config, lang, quiet)?;
    let (new, p_new, new_files) = read(&args.new, config, lang, quiet)?;
    inputs.extend(new_files);
    inputs.extend([args.old.clone(), args.new.clone()]);
    for (path, n) in [(&args.old, p_old), (&args.new, p_new)] {
        if n > 0 {
            eprintln!("qingdan: {}", crate::i18n::Done::ReadErrors { path: path.display().to_string(), errors: n }.render(lang));
        }
    }
    let d = crate::diff::diff(&old, &new);
    let text = match args.format {
        DiffFormat::Human => render_human(&d, lang),
        DiffFormat::Json => render_json(&d, lang),
        DiffFormat::Md => render_md(&d, lang),
        DiffFormat::Xlsx => {
            let target = args.output.as_deref().unwrap_or(Path::new("diff.xlsx"));
            crate::output::guard(target, &inputs).map_err(|e| e.render(lang))?;
            let bytes = render_xlsx(&d, lang).map_err(crate::publish::xlsx_error(lang))?;
            crate::output::write_bytes_atomic(target, &bytes).map_err(|e| e.render(lang))?;
            return Ok(crate::EXIT_OK);
        }
    };
    match &args.output {
        Some(p) => {
            crate::output::guard(p, &inputs).map_err(|e| e.render(lang))?;
            crate::output::write_bytes_atomic(p, text.as_bytes()).map_err(|e| e.render(lang))?;
        }
        None => print!("{text}"),
    }
    Ok(crate::EXIT_OK)
}

fn one_line(s: &str) -> String {
    s.replace("\r\n", "；").replace('\n', "；")
}

fn shown(v: &Option<String>, lang: Lang) -> String {
    match v {
        Some(s) => one_line(s),
        None => (if lang == Lang::Zh { "（空）" } else { "(empty)" }).into(),
    }
}

fn name_of(r: &ItemRef) -> String {
    let mut s = r.name.clone().unwrap_or_default();
    if let Some(d) = &r.division_code
        && !r.key.contains(d.as_str())
    {
        s = format!("{s} [{d}]");
    }
    s
}

/// The one-line summary (`新增 1 项，删除 1 项，修改 2 项，未变 3 项`).
pub fn summary(d: &Diff, lang: Lang) -> String {
    if lang == Lang::Zh {
        format!("新增 {} 项，删除 {} 项，修改 {} 项，未变 {} 项", d.added.len(), d.removed.len(), d.changed.len(), d.unchanged)
    } else {
        format!("{} added, {} removed, {} changed, {} unchanged", d.added.len(), d.removed.len(), d.changed.len(), d.unchanged)
    }
}

fn material_line(c: &ItemChange, lang: Lang) -> Option<String> {
    let m = c.materials.as_ref().filter(|m| !m.is_empty())?;
    let mut parts = Vec::new();
    let (plus, minus) = if lang == Lang::Zh { ("增加", "删除") } else { ("added", "removed") };
    if !m.added.is_empty() {
        parts.push(format!("{plus} {}", m.added.join("、")));
    }
    if !m.removed.is_empty() {
        parts.push(format!("{minus} {}", m.removed.join("、")));
    }
    Some(parts.join(if lang == Lang::Zh { "；" } else { "; " }))
}

fn notes(d: &Diff, lang: Lang) -> Vec<String> {
    let mut v = Vec::new();
    if !d.duplicate_keys.is_empty() {
        v.push(if lang == Lang::Zh {
            format!("同一版本中编码重复，仅比较第一条：{}", d.duplicate_keys.join("、"))
        } else {
            format!("keys repeated within a version (only the first compared): {}", d.duplicate_keys.join(", "))
        });
    }
    if d.unkeyed != (0, 0) {
        v.push(if lang == Lang::Zh {
            format!("无编码也无名称、无法比较的事项：旧版 {} 项，新版 {} 项", d.unkeyed.0, d.unkeyed.1)
        } else {
            format!("items with no code and no name, not compared: {} old, {} new", d.unkeyed.0, d.unkeyed.1)
        });
    }
    v
}

fn field_line(f: &FieldChange, lang: Lang) -> String {
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    format!("{}{colon}{} → {}", f.field.label_in(lang), shown(&f.before, lang), shown(&f.after, lang))
}

/// Renders the diff for people.
pub fn render_human(d: &Diff, lang: Lang) -> String {
    let mut out = String::new();
    let (add, del, chg) = if lang == Lang::Zh { ("新增", "删除", "修改") } else { ("added", "removed", "changed") };
    for r in &d.added {
        let _ = writeln!(out, "+ {add} {} {}", r.key, name_of(r));
    }
    for r in &d.removed {
        let _ = writeln!(out, "- {del} {} {}", r.key, name_of(r));
    }
    for c in &d.changed {
        let _ = writeln!(out, "~ {chg} {} {}", c.new.key, name_of(&c.new));
        for f in &c.fields {
            if f.field == Field::Materials
                && let Some(m) = material_line(c, lang)
            {
                let colon = if lang == Lang::Zh { "：" } else { ": " };
                let _ = writeln!(out, "    {}{colon}{m}", Field::Materials.label_in(lang));
                continue;
            }
            let _ = writeln!(out, "    {}", field_line(f, lang));
        }
    }
    if !d.is_empty() {
        out.push('\n');
    }
    for n in notes(d, lang) {
        let _ = writeln!(out, "{n}");
    }
    let _ = writeln!(out, "{}", summary(d, lang));
    out
}

fn json_ref(r: &ItemRef) -> serde_json::Value {
    json!({"key": r.key, "name": r.name, "division_code": r.division_code, "file": r.file, "row": r.row})
}

/// Renders the diff as JSON: `{"summary", "added", "removed", "changed", ...}`.
pub fn render_json(d: &Diff, lang: Lang) -> String {
    let changed: Vec<_> = d
        .changed
        .iter()
        .map(|c| {
            let fields: Vec<_> = c
                .fields
                .iter()
                .map(|f| json!({"field": f.field.key(), "label": f.field.label_in(lang), "before": f.before, "after": f.after}))
                .collect();
            let mut o = json!({"key": c.new.key, "name": c.new.name, "division_code": c.new.division_code,
                "old": json_ref(&c.old), "new": json_ref(&c.new), "fields": fields});
            if let Some(m) = &c.materials {
                o["materials"] = json!({"added": m.added, "removed": m.removed});
            }
            o
        })
        .collect();
    let v = json!({
        "summary": {"added": d.added.len(), "removed": d.removed.len(), "changed": d.changed.len(), "unchanged": d.unchanged},
        "added": d.added.iter().map(json_ref).collect::<Vec<_>>(),
        "removed": d.removed.iter().map(json_ref).collect::<Vec<_>>(),
        "changed": changed,
        "duplicate_keys": d.duplicate_keys,
        "unkeyed": {"old": d.unkeyed.0, "new": d.unkeyed.1},
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace("\r\n", "<br>").replace('\n', "<br>")
}

fn md_value(v: &Option<String>, lang: Lang) -> String {
    match v {
        Some(s) => md(s),
        None => (if lang == Lang::Zh { "（空）" } else { "(empty)" }).into(),
    }
}

/// Renders the diff as Markdown (for a merge request or a 动态调整 notice).
pub fn render_md(d: &Diff, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", if zh { "清单变更" } else { "Catalog changes" });
    let _ = writeln!(out, "{}\n", summary(d, lang));
    let (key, name, div) = if zh { ("编码", "事项名称", "行政区划代码") } else { ("key", "item name", "division code") };
    for (title, list) in [(if zh { "新增事项" } else { "Added" }, &d.added), (if zh { "删除事项" } else { "Removed" }, &d.removed)]
    {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n\n| {key} | {name} | {div} |\n|---|---|---|");
        for r in list {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                md(&r.key),
                md(r.name.as_deref().unwrap_or("")),
                md(r.division_code.as_deref().unwrap_or(""))
            );
        }
        out.push('\n');
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "## {}\n", if zh { "修改事项" } else { "Changed" });
        let (fh, bh, ah) = if zh { ("字段", "修改前", "修改后") } else { ("field", "before", "after") };
        for c in &d.changed {
            let _ = writeln!(out, "### {} {}\n", md(&c.new.key), md(&name_of(&c.new)));
            let _ = writeln!(out, "| {fh} | {bh} | {ah} |\n|---|---|---|");
            for f in &c.fields {
                let _ = writeln!(out, "| {} | {} | {} |", f.field.label_in(lang), md_value(&f.before, lang), md_value(&f.after, lang));
            }
            if let Some(m) = material_line(c, lang) {
                let colon = if lang == Lang::Zh { "：" } else { ": " };
                let _ = writeln!(out, "\n{}{colon}{}", Field::Materials.label_in(lang), md(&m));
            }
            out.push('\n');
        }
    }
    for n in notes(d, lang) {
        let _ = writeln!(out, "> {}\n", md(&n));
    }
    out
}

/// Renders the diff as a workbook: one sheet of changes, one row per changed field, added item
/// or removed item, with the changed cells highlighted; and a summary sheet.
pub fn render_xlsx(d: &Diff, lang: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let zh = lang == Lang::Zh;
    let mut wb = Workbook::new();
    crate::publish::marker::mark(&mut wb, crate::publish::marker::Output::Diff);
    let header = Format::new().set_bold().set_background_color(Color::RGB(0xD9E1F2)).set_border(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap();
    let before_fmt = Format::new().set_text_wrap().set_background_color(Color::RGB(0xFFC7CE)).set_font_color(Color::RGB(0x9C0006));
    let after_fmt = Format::new().set_text_wrap().set_background_color(Color::RGB(0xC6EFCE)).set_font_color(Color::RGB(0x006100));
    let added_fmt = Format::new().set_background_color(Color::RGB(0xC6EFCE));
    let removed_fmt = Format::new().set_background_color(Color::RGB(0xFFC7CE)).set_font_strikethrough();
    let ws = wb.add_worksheet();
    ws.set_name(if zh { "变更明细" } else { "changes" })?;
    let heads: [&str; 9] = if zh {
        ["变更类型", "编码", "事项名称", "行政区划代码", "字段", "修改前", "修改后", "旧版位置", "新版位置"]
    } else {
        ["change", "key", "item name", "division code", "field", "before", "after", "old location", "new location"]
    };
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header)?;
    }
    let widths = [10.0, 34.0, 30.0, 16.0, 18.0, 40.0, 40.0, 24.0, 24.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let loc = |r: &ItemRef| format!("{}:{}", r.file, r.row);
    let mut row: u32 = 1;
    let (add, del, chg) = if zh { ("新增", "删除", "修改") } else { ("added", "removed", "changed") };
    for (label, list, fmt, new_side) in [(add, &d.added, &added_fmt, true), (del, &d.removed, &removed_fmt, false)] {
        for r in list {
            ws.write_string_with_format(row, 0, label, fmt)?;
            ws.write_string_with_format(row, 1, &r.key, fmt)?;
            ws.write_string_with_format(row, 2, r.name.as_deref().unwrap_or(""), fmt)?;
            ws.write_string_with_format(row, 3, r.division_code.as_deref().unwrap_or(""), fmt)?;
            ws.write_string(row, if new_side { 8 } else { 7 }, loc(r))?;
            row += 1;
        }
    }
    for c in &d.changed {
        for f in &c.fields {
            ws.write_string(row, 0, chg)?;
            ws.write_string(row, 1, &c.new.key)?;
            ws.write_string(row, 2, c.new.name.as_deref().unwrap_or(""))?;
            ws.write_string(row, 3, c.new.division_code.as_deref().unwrap_or(""))?;
            ws.write_string(row, 4, f.field.label_in(lang))?;
            let mut before = f.before.clone().unwrap_or_default();
            let mut after = f.after.clone().unwrap_or_default();
            if f.field == Field::Materials
                && let Some(m) = &c.materials
                && !m.is_empty()
            {
                if !m.removed.is_empty() {
                    before = format!("{before}\n[{}: {}]", if zh { "删除" } else { "removed" }, m.removed.join("、"));
                }
                if !m.added.is_empty() {
                    after = format!("{after}\n[{}: {}]", if zh { "增加" } else { "added" }, m.added.join("、"));
                }
            }
            ws.write_string_with_format(row, 5, before.trim_start(), &before_fmt)?;
            ws.write_string_with_format(row, 6, after.trim_start(), &after_fmt)?;
            ws.write_string_with_format(row, 7, loc(&c.old), &wrap)?;
            ws.write_string_with_format(row, 8, loc(&c.new), &wrap)?;
            row += 1;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), 8)?;

    let ws = wb.add_worksheet();
    ws.set_name(if zh { "汇总" } else { "summary" })?;
    let rows: [(&str, usize); 4] = if zh {
        [("新增", d.added.len()), ("删除", d.removed.len()), ("修改", d.changed.len()), ("未变", d.unchanged)]
    } else {
        [("added", d.added.len()), ("removed", d.removed.len()), ("changed", d.changed.len()), ("unchanged", d.unchanged)]
    };
    ws.write_string_with_format(0, 0, if zh { "变更类型" } else { "change" }, &header)?;
    ws.write_string_with_format(0, 1, if zh { "事项数" } else { "items" }, &header)?;
    for (i, (k, n)) in rows.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, *k)?;
        ws.write_number(i as u32 + 1, 1, *n as f64)?;
    }
    ws.set_column_width(0, 14.0)?;
    wb.save_to_buffer()
}
