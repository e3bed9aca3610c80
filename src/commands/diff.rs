//! `qingdan diff OLD NEW`: what changed between two versions of a catalog (files or
//! directories), item by item and field by field. Exits 0 whatever the differences.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};
use serde_json::json;

use crate::cli::{DiffArgs, DiffFormat, InputArgs};
use crate::diff::chars::{common_chars, marked, visible};
use crate::diff::{Diff, FieldChange, ItemChange, ItemRef};
use crate::finding::Severity;
use crate::i18n::Lang;
use crate::i18n::report::Text;
use crate::ingest::csv::CsvEncoding;
use crate::ingest::{Event, Layout};
use crate::model::field::Field;
use crate::model::item::Item;

/// Reads every item (implementation lists and base catalogs) under one path.
/// Returns the items, the number of read errors, and the files read.
type Read = (Vec<Item>, usize, Vec<PathBuf>, crate::config::Config);

fn read(path: &Path, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<Read, String> {
    let input = InputArgs { paths: vec![path.to_path_buf()], encoding: CsvEncoding::Auto, base: None, layout: Layout::Auto };
    let inputs = crate::pipeline::resolve(&input, config, lang)?;
    if inputs.files.is_empty() {
        return Err(crate::pipeline::nothing_readable(&input.paths, &inputs.walk_findings, lang));
    }
    let mut items = Vec::new();
    let mut problems = inputs.walk_findings.len();
    crate::progress::read_all(&inputs, quiet, &mut |ev| match ev {
        Event::Item(item) => items.push(*item),
        Event::Finding(f) if f.severity == Severity::Error => problems += 1,
        _ => {}
    });
    Ok((crate::model::catalog::merge_guides(items), problems, inputs.files, inputs.config))
}

/// Runs `diff`.
pub fn run(args: &DiffArgs, config: Option<&Path>, lang: Lang, quiet: bool) -> Result<i32, String> {
    if args.format == DiffFormat::Xlsx && args.output.is_none() {
        return Err(crate::i18n::Failure::NeedsOutput { format: "xlsx".into() }.render(lang));
    }
    let (old, p_old, mut inputs, _) = read(&args.old, config, lang, quiet)?;
    let (new, p_new, new_files, new_config) = read(&args.new, config, lang, quiet)?;
    let names = super::stats::jurisdiction_names(&new_config);
    inputs.extend(new_files);
    inputs.extend([args.old.clone(), args.new.clone()]);
    for (path, n) in [(&args.old, p_old), (&args.new, p_new)] {
        if n > 0 {
            eprintln!("qingdan: {}", crate::i18n::Done::ReadErrors { path: path.display().to_string(), errors: n }.render(lang));
        }
    }
    let d = crate::diff::diff_with(&old, &new, crate::diff::Options { strict: args.strict });
    let text = match args.format {
        // Control characters in values would reach the terminal.
        DiffFormat::Human => crate::output::visible(&render_human(&d, &names, lang)).into_owned(),
        DiffFormat::Json => render_json(&d, lang),
        DiffFormat::Md => crate::output::visible(&render_md(&d, &names, lang)).into_owned(),
        DiffFormat::Xlsx => {
            let target = args.output.as_deref().unwrap_or(Path::new("diff.xlsx"));
            crate::output::guard(target, &inputs).map_err(|e| e.render(lang))?;
            let bytes = render_xlsx(&d, &names, lang).map_err(crate::publish::xlsx_error(lang))?;
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
    let moved = d.only_in_guide.len() + d.back_in_list.len();
    if lang == Lang::Zh {
        let m = if moved > 0 { format!("，移出或列入清单 {moved} 项") } else { String::new() };
        format!("新增 {} 项，删除 {} 项{m}，修改 {} 项，未变 {} 项", d.added.len(), d.removed.len(), d.changed.len(), d.unchanged)
    } else {
        let m = if moved > 0 { format!(", {moved} moved between list and guide") } else { String::new() };
        format!("{} added, {} removed{m}, {} changed, {} unchanged", d.added.len(), d.removed.len(), d.changed.len(), d.unchanged)
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
    if d.separator_changes_hidden > 0 {
        v.push(format!("{} {}", d.separator_changes_hidden, Text::SeparatorsHidden.get(lang)));
    }
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

/// Where a field changed: `[实施清单!O6]`, or `[旧!O6 → 新!P6]` when it moved.
fn cells(f: &FieldChange) -> String {
    if f.old_cell == f.new_cell { format!("[{}]", f.new_cell) } else { format!("[{} → {}]", f.old_cell, f.new_cell) }
}

/// The changed characters marked (`[-删-]{+增+}`), when the two values share enough to make
/// marking worth reading, or invisibles changed.
fn marked_line(f: &FieldChange) -> Option<String> {
    let (Some(a), Some(b)) = (&f.before, &f.after) else { return None };
    let invisible = visible(a) != *a || visible(b) != *b;
    (invisible || f.separators_only || common_chars(a, b) >= 4).then(|| marked(a, b))
}

/// A jurisdiction's name for summaries: `东河区 150202000000`, or the code, or the no-code label.
fn jurisdiction_label(code: &str, names: &BTreeMap<String, String>, lang: Lang) -> String {
    if code.is_empty() {
        return Text::NoJurisdiction.get(lang).to_string();
    }
    match names.get(code) {
        Some(n) => format!("{n} {code}"),
        None => code.to_string(),
    }
}

/// The per-jurisdiction counts as rows of cells: jurisdiction, added, removed, changed, only in
/// guide, back in list, unchanged.
fn jurisdiction_rows(d: &Diff, names: &BTreeMap<String, String>, lang: Lang) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let head = vec![
        Text::Jurisdiction.get(lang),
        Text::Added.get(lang),
        Text::Removed.get(lang),
        Text::Changed.get(lang),
        Text::OnlyInGuide.get(lang),
        Text::BackInList.get(lang),
        Text::Unchanged.get(lang),
    ];
    let rows = d
        .by_jurisdiction()
        .into_iter()
        .map(|(code, c)| {
            let mut r = vec![jurisdiction_label(&code, names, lang)];
            r.extend([c.added, c.removed, c.changed, c.only_in_guide, c.back_in_list, c.unchanged].map(|n| n.to_string()));
            r
        })
        .collect();
    (head, rows)
}

fn display_width(s: &str) -> usize {
    crate::publish::text_width(s)
}

/// Renders the diff for people: added, removed, moved between list and guide, changed fields
/// with their cells and the changed characters marked, a per-jurisdiction table, notes and the
/// summary line.
pub fn render_human(d: &Diff, names: &BTreeMap<String, String>, lang: Lang) -> String {
    let mut out = String::new();
    let (add, del, chg) = (Text::Added.get(lang), Text::Removed.get(lang), Text::Changed.get(lang));
    for r in &d.added {
        let _ = writeln!(out, "+ {add} {} {}  [{}]", r.key, name_of(r), r.location());
    }
    for r in &d.removed {
        let _ = writeln!(out, "- {del} {} {}  [{}]", r.key, name_of(r), r.location());
    }
    for (list, word, note) in
        [(&d.only_in_guide, Text::OnlyInGuide, Text::OnlyInGuideNote), (&d.back_in_list, Text::BackInList, Text::BackInListNote)]
    {
        for m in list {
            let _ = writeln!(
                out,
                "> {} {} {}：{}  [{} → {}]",
                word.get(lang),
                m.new.key,
                name_of(&m.new),
                note.get(lang),
                m.old.location(),
                m.new.location()
            );
        }
    }
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    for c in &d.changed {
        let _ = writeln!(out, "~ {chg} {} {}", c.new.key, name_of(&c.new));
        for f in &c.fields {
            if f.field == Field::Materials
                && let Some(m) = material_line(c, lang)
            {
                let _ = writeln!(out, "    {}{colon}{m}  {}", Field::Materials.label_in(lang), cells(f));
                continue;
            }
            let mut line = field_line(f, lang);
            if f.separators_only {
                line = format!("{line}（{}）", Text::SeparatorsOnly.get(lang));
            }
            let _ = writeln!(out, "    {line}  {}", cells(f));
            if let Some(m) = marked_line(f) {
                let _ = writeln!(out, "      {}{colon}{m}", Text::Difference.get(lang));
            }
        }
    }
    if !d.is_empty() {
        out.push('\n');
        let (head, rows) = jurisdiction_rows(d, names, lang);
        let widths: Vec<usize> =
            (0..head.len()).map(|i| rows.iter().map(|r| display_width(&r[i])).chain([display_width(head[i])]).max().unwrap_or(0)).collect();
        let _ = writeln!(out, "{}{colon}", Text::ByJurisdiction.get(lang));
        let line = |cells: Vec<String>| -> String {
            let padded: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let pad = " ".repeat(widths[i].saturating_sub(display_width(c)));
                    if i == 0 { format!("{c}{pad}") } else { format!("{pad}{c}") }
                })
                .collect();
            format!("  {}", padded.join("  ").trim_end())
        };
        let _ = writeln!(out, "{}", line(head.iter().map(|s| s.to_string()).collect()));
        for r in rows {
            let _ = writeln!(out, "{}", line(r));
        }
        out.push('\n');
    }
    for n in notes(d, lang) {
        let _ = writeln!(out, "{n}");
    }
    let _ = writeln!(out, "{}", summary(d, lang));
    out
}

fn json_ref(r: &ItemRef) -> serde_json::Value {
    json!({"key": r.key, "name": r.name, "division_code": r.division_code, "file": r.file, "sheet": r.sheet, "row": r.row,
        "location": r.location()})
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
                .map(|f| {
                    json!({"field": f.field.key(), "label": f.field.label_in(lang), "before": f.before, "after": f.after,
                        "old_cell": f.old_cell, "new_cell": f.new_cell, "separators_only": f.separators_only,
                        "marked": marked_line(f)})
                })
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
        "summary": {"added": d.added.len(), "removed": d.removed.len(), "changed": d.changed.len(), "unchanged": d.unchanged,
            "only_in_guide": d.only_in_guide.len(), "back_in_list": d.back_in_list.len()},
        "added": d.added.iter().map(json_ref).collect::<Vec<_>>(),
        "removed": d.removed.iter().map(json_ref).collect::<Vec<_>>(),
        "changed": changed,
        "only_in_guide": d.only_in_guide.iter().map(|m| json!({"old": json_ref(&m.old), "new": json_ref(&m.new)})).collect::<Vec<_>>(),
        "back_in_list": d.back_in_list.iter().map(|m| json!({"old": json_ref(&m.old), "new": json_ref(&m.new)})).collect::<Vec<_>>(),
        "by_jurisdiction": d.by_jurisdiction(),
        "separator_changes_hidden": d.separator_changes_hidden,
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

/// The changed characters marked for Markdown (`<del>`/`<ins>`), invisibles shown.
fn md_marked(f: &FieldChange) -> String {
    let (Some(a), Some(b)) = (&f.before, &f.after) else { return String::new() };
    let esc = |t: &str| md(&visible(t).replace('<', "&lt;"));
    crate::diff::chars::char_diff(a, b)
        .into_iter()
        .map(|s| match s {
            crate::diff::chars::Seg::Same(t) => esc(&t),
            crate::diff::chars::Seg::Del(t) => format!("<del>{}</del>", esc(&t)),
            crate::diff::chars::Seg::Ins(t) => format!("<ins>{}</ins>", esc(&t)),
        })
        .collect()
}

/// Renders the diff as Markdown (for a merge request or a 动态调整 notice).
pub fn render_md(d: &Diff, names: &BTreeMap<String, String>, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", if zh { "清单变更" } else { "Catalog changes" });
    let _ = writeln!(out, "{}\n", summary(d, lang));
    if !d.is_empty() {
        let (head, rows) = jurisdiction_rows(d, names, lang);
        let _ = writeln!(out, "## {}\n\n| {} |\n|{}", Text::ByJurisdiction.get(lang), head.join(" | "), "---|".repeat(head.len()));
        for r in rows {
            let _ = writeln!(out, "| {} |", r.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | "));
        }
        out.push('\n');
    }
    let (key, name, div) = if zh { ("编码", "事项名称", "行政区划代码") } else { ("key", "item name", "division code") };
    let place = Text::Cell.get(lang);
    for (title, list) in [(if zh { "新增事项" } else { "Added" }, &d.added), (if zh { "删除事项" } else { "Removed" }, &d.removed)]
    {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n\n| {key} | {name} | {div} | {place} |\n|---|---|---|---|");
        for r in list {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                md(&r.key),
                md(r.name.as_deref().unwrap_or("")),
                md(r.division_code.as_deref().unwrap_or("")),
                md(&r.location())
            );
        }
        out.push('\n');
    }
    for (list, word, note) in
        [(&d.only_in_guide, Text::OnlyInGuide, Text::OnlyInGuideNote), (&d.back_in_list, Text::BackInList, Text::BackInListNote)]
    {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "## {}\n\n{}\n\n| {key} | {name} | {div} | {} | {} |\n|---|---|---|---|---|",
            word.get(lang),
            note.get(lang),
            Text::OldLocation.get(lang),
            Text::NewLocation.get(lang)
        );
        for m in list {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                md(&m.new.key),
                md(m.new.name.as_deref().unwrap_or("")),
                md(m.new.division_code.as_deref().unwrap_or("")),
                md(&m.old.location()),
                md(&m.new.location())
            );
        }
        out.push('\n');
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "## {}\n", if zh { "修改事项" } else { "Changed" });
        let (fh, bh, ah) = if zh { ("字段", "修改前", "修改后") } else { ("field", "before", "after") };
        let diff_h = Text::Difference.get(lang);
        for c in &d.changed {
            let _ = writeln!(out, "### {} {}\n", md(&c.new.key), md(&name_of(&c.new)));
            let _ = writeln!(out, "| {fh} | {bh} | {ah} | {diff_h} | {place} |\n|---|---|---|---|---|");
            for f in &c.fields {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    f.field.label_in(lang),
                    md_value(&f.before, lang),
                    md_value(&f.after, lang),
                    md_marked(f),
                    md(&cells(f))
                );
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

/// Renders the diff as a workbook: one sheet of changes, one row per changed field, added,
/// removed or moved item, with the changed cells highlighted, the changed characters marked and
/// each value's cell (`实施清单!O6`); a summary sheet; and the counts per jurisdiction.
pub fn render_xlsx(d: &Diff, names: &BTreeMap<String, String>, lang: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let zh = lang == Lang::Zh;
    let mut wb = Workbook::new();
    crate::publish::marker::mark(&mut wb, crate::publish::marker::Output::Diff);
    let header = Format::new().set_bold().set_background_color(Color::RGB(0xD9E1F2)).set_border(FormatBorder::Thin);
    let wrap = Format::new().set_text_wrap();
    let before_fmt = Format::new().set_text_wrap().set_background_color(Color::RGB(0xFFC7CE)).set_font_color(Color::RGB(0x9C0006));
    let after_fmt = Format::new().set_text_wrap().set_background_color(Color::RGB(0xC6EFCE)).set_font_color(Color::RGB(0x006100));
    let added_fmt = Format::new().set_background_color(Color::RGB(0xC6EFCE));
    let removed_fmt = Format::new().set_background_color(Color::RGB(0xFFC7CE)).set_font_strikethrough();
    let moved_fmt = Format::new().set_background_color(Color::RGB(0xFFEB9C));
    let plain = Format::new();
    let deleted = Format::new().set_font_strikethrough().set_bold().set_font_color(Color::RGB(0xC00000));
    let inserted = Format::new().set_underline(rust_xlsxwriter::FormatUnderline::Single).set_bold().set_font_color(Color::RGB(0x006100));
    let ws = wb.add_worksheet();
    ws.set_name(if zh { "变更明细" } else { "changes" })?;
    let heads: [&str; 12] = if zh {
        ["变更类型", "编码", "事项名称", "行政区划代码", "字段", "修改前", "修改后", "差异", "旧版位置", "新版位置", "旧版文件", "新版文件"]
    } else {
        [
            "change",
            "key",
            "item name",
            "division code",
            "field",
            "before",
            "after",
            "difference",
            "old location",
            "new location",
            "old file",
            "new file",
        ]
    };
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header)?;
    }
    let widths = [10.0, 34.0, 30.0, 16.0, 18.0, 40.0, 40.0, 40.0, 18.0, 18.0, 24.0, 24.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let mut row: u32 = 1;
    let (add, del, chg) = (Text::Added.get(lang), Text::Removed.get(lang), Text::Changed.get(lang));
    for (label, list, fmt, new_side) in [(add, &d.added, &added_fmt, true), (del, &d.removed, &removed_fmt, false)] {
        for r in list {
            ws.write_string_with_format(row, 0, label, fmt)?;
            ws.write_string_with_format(row, 1, &r.key, fmt)?;
            ws.write_string_with_format(row, 2, r.name.as_deref().unwrap_or(""), fmt)?;
            ws.write_string_with_format(row, 3, r.division_code.as_deref().unwrap_or(""), fmt)?;
            let (loc, file) = if new_side { (9, 11) } else { (8, 10) };
            ws.write_string(row, loc, r.location())?;
            ws.write_string(row, file, &r.file)?;
            row += 1;
        }
    }
    for (list, word, note) in
        [(&d.only_in_guide, Text::OnlyInGuide, Text::OnlyInGuideNote), (&d.back_in_list, Text::BackInList, Text::BackInListNote)]
    {
        for m in list {
            ws.write_string_with_format(row, 0, word.get(lang), &moved_fmt)?;
            ws.write_string_with_format(row, 1, &m.new.key, &moved_fmt)?;
            ws.write_string_with_format(row, 2, m.new.name.as_deref().unwrap_or(""), &moved_fmt)?;
            ws.write_string_with_format(row, 3, m.new.division_code.as_deref().unwrap_or(""), &moved_fmt)?;
            ws.write_string(row, 7, note.get(lang))?;
            ws.write_string(row, 8, m.old.location())?;
            ws.write_string(row, 9, m.new.location())?;
            ws.write_string(row, 10, &m.old.file)?;
            ws.write_string(row, 11, &m.new.file)?;
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
            let rich = f.field != Field::Materials && f.before.is_some() && f.after.is_some();
            let segments = crate::diff::chars::char_diff(f.before.as_deref().unwrap_or_default(), f.after.as_deref().unwrap_or_default());
            // The changed characters themselves, in the cells: deleted ones struck through in the
            // old value, inserted ones bold and underlined in the new one (invisibles shown).
            let side = |old_side: bool| -> Vec<(&Format, String)> {
                segments
                    .iter()
                    .filter_map(|seg| match seg {
                        crate::diff::chars::Seg::Same(t) => Some((&plain, visible(t))),
                        crate::diff::chars::Seg::Del(t) if old_side => Some((&deleted, visible(t))),
                        crate::diff::chars::Seg::Ins(t) if !old_side => Some((&inserted, visible(t))),
                        _ => None,
                    })
                    .filter(|(_, t)| !t.is_empty())
                    .collect()
            };
            for (col, old_side, text, fmt) in [(5u16, true, &before, &before_fmt), (6, false, &after, &after_fmt)] {
                let parts = side(old_side);
                if rich && parts.len() > 1 {
                    let refs: Vec<(&Format, &str)> = parts.iter().map(|(f, t)| (*f, t.as_str())).collect();
                    ws.write_rich_string_with_format(row, col, &refs, fmt)?;
                } else {
                    ws.write_string_with_format(row, col, text.trim_start(), fmt)?;
                }
            }
            if let (Some(a), Some(b)) = (&f.before, &f.after) {
                ws.write_string_with_format(row, 7, marked(a, b), &wrap)?;
            }
            ws.write_string(row, 8, &f.old_cell)?;
            ws.write_string(row, 9, &f.new_cell)?;
            ws.write_string(row, 10, &c.old.file)?;
            ws.write_string(row, 11, &c.new.file)?;
            row += 1;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), heads.len() as u16 - 1)?;

    let ws = wb.add_worksheet();
    ws.set_name(if zh { "汇总" } else { "summary" })?;
    let rows: [(&str, usize); 6] = [
        (add, d.added.len()),
        (del, d.removed.len()),
        (chg, d.changed.len()),
        (Text::Unchanged.get(lang), d.unchanged),
        (Text::OnlyInGuide.get(lang), d.only_in_guide.len()),
        (Text::BackInList.get(lang), d.back_in_list.len()),
    ];
    ws.write_string_with_format(0, 0, if zh { "变更类型" } else { "change" }, &header)?;
    ws.write_string_with_format(0, 1, if zh { "事项数" } else { "items" }, &header)?;
    for (i, (k, n)) in rows.iter().enumerate() {
        ws.write_string(i as u32 + 1, 0, *k)?;
        ws.write_number(i as u32 + 1, 1, *n as f64)?;
    }
    ws.set_column_width(0, 14.0)?;

    let ws = wb.add_worksheet();
    ws.set_name(Text::ByJurisdiction.get(lang))?;
    let (head, rows) = jurisdiction_rows(d, names, lang);
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header)?;
    }
    for (r, cells) in rows.iter().enumerate() {
        ws.write_string(r as u32 + 1, 0, &cells[0])?;
        for (c, v) in cells.iter().enumerate().skip(1) {
            ws.write_number(r as u32 + 1, c as u16, v.parse::<f64>().unwrap_or(0.0))?;
        }
    }
    ws.set_column_width(0, 30.0)?;
    wb.save_to_buffer()
}
