//! `qingdan ingest`: read and normalize, then write the normalized catalog (YAML, JSON, NDJSON
//! or CSV) to stdout or one file per source table under `-o DIR`. Findings of reading go to
//! stderr, one line each.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use crate::cli::{IngestArgs, IngestFormat};
use crate::finding::Finding;
use crate::i18n::Lang;
use crate::ingest::Event;
use crate::model::field::Field;
use crate::model::item::Item;
use crate::publish::csvout::OutputEncoding;

/// Items of one source table.
struct TableOut {
    file: Arc<str>,
    sheet: Option<Arc<str>>,
    items: Vec<Item>,
}

/// Runs ingest.
pub fn run(args: &IngestArgs, config: Option<&Path>, lang: Lang) -> Result<i32, String> {
    let inputs = crate::pipeline::resolve(&args.input, config, lang)?;
    if let Some(dir) = &args.output {
        crate::output::guard(dir, &inputs.files).map_err(|e| e.render(lang))?;
    }
    let mut findings: Vec<Finding> = inputs.walk_findings.clone();
    let mut tables: Vec<TableOut> = Vec::new();
    let stream_ndjson = args.format == IngestFormat::Ndjson && args.output.is_none();
    // At most `limits.max_findings_per_rule` findings per rule per file are kept.
    let mut cap = crate::finding::Cap::new(inputs.config.limits.max_findings_per_rule);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut io_error: Option<std::io::Error> = None;
    // Tables read when streaming (their items are written as they come, not kept).
    let mut streamed_tables = 0;
    let mut reader = if stream_ndjson {
        stream_ndjson_parallel(&inputs, &mut out, &mut findings, &mut streamed_tables, &mut io_error)
    } else {
        crate::pipeline::read_all(&inputs, &mut |ev| match ev {
            Event::Table { file, sheet, .. } => tables.push(TableOut { file, sheet, items: Vec::new() }),
            Event::Item(item) => {
                if let Some(t) = tables.last_mut() {
                    t.items.push(*item);
                }
            }
            Event::Finding(f) => {
                if cap.admit(&f) {
                    findings.push(f);
                }
            }
        })
    };
    findings.extend(cap.summaries());
    findings.extend(reader.orphan_materials());
    if let Some(e) = io_error {
        return Err(e.to_string());
    }
    // Outputs are written before findings are printed, and findings are printed even when
    // writing failed.
    let written = (|| -> Result<(), String> {
        if !stream_ndjson {
            match &args.output {
                None => {
                    let all: Vec<&Item> = tables.iter().flat_map(|t| t.items.iter()).collect();
                    write_catalog(&mut out, args.format, args.output_encoding, &all).map_err(|e| e.to_string())?;
                }
                Some(dir) => {
                    // Every target is named and checked before the first is written.
                    // A source named `qingdan.csv` must not become the config's name.
                    let mut used = std::collections::HashSet::from([crate::config::FILE_NAME.to_lowercase()]);
                    let mut targets = Vec::with_capacity(tables.len());
                    for t in &tables {
                        let name = crate::output::portable_name(&t.file, t.sheet.as_deref(), extension(args.format), &mut used);
                        let target = dir.join(name);
                        crate::output::guard(&target, &inputs.files).map_err(|e| e.render(lang))?;
                        crate::output::guard_foreign(&target).map_err(|e| e.render(lang))?;
                        targets.push(target);
                    }
                    for (t, target) in tables.iter().zip(&targets) {
                        let items: Vec<&Item> = t.items.iter().collect();
                        crate::output::write_atomic(target, |w| write_catalog(w, args.format, args.output_encoding, &items))
                            .map_err(|e| e.render(lang))?;
                    }
                }
            }
        }
        out.flush().map_err(|e| e.to_string())
    })();
    drop(out);
    // The config's `rules:` overrides apply as in `check` (severity, or off).
    let policy = inputs.config.policy();
    let findings: Vec<Finding> = findings.into_iter().filter_map(|f| policy.apply(f)).collect();
    let mut err = std::io::stderr().lock();
    for f in &findings {
        let _ = writeln!(err, "{}", crate::report::human::head(f, lang));
    }
    written?;
    if tables.is_empty() && streamed_tables == 0 {
        return Ok(crate::EXIT_FAILURE);
    }
    Ok(crate::EXIT_OK)
}

/// A worker's serialized items of one file larger than this are dropped, and the file is read
/// and written in order instead (see [`crate::pipeline::read_in_order`]).
const NDJSON_WORKER_MAX_BYTES: usize = 64 << 20;

/// One file read and serialized (on a worker, or on the ordered thread after materials).
#[derive(Default)]
struct NdjsonFile {
    lines: Vec<u8>,
    findings: Vec<Finding>,
    tables: usize,
}

impl NdjsonFile {
    /// Reads one file through `reader`: each item becomes a line, findings are kept, tables
    /// counted. With `direct`, lines are written there as they come instead of being held (the
    /// first write error is kept in `io_error`).
    fn read(
        reader: &mut crate::ingest::Reader,
        path: &Path,
        mut direct: Option<(&mut dyn Write, &mut Option<std::io::Error>)>,
    ) -> NdjsonFile {
        let mut file = NdjsonFile::default();
        let mut cap = crate::finding::Cap::new(reader.limits().max_findings_per_rule);
        reader.read_file_with(path, &crate::pipeline::display_path(path), &ToLine, &mut |ev| match ev {
            Event::Table { .. } => file.tables += 1,
            Event::Item(line) => {
                if !line.is_empty() {
                    match &mut direct {
                        Some((out, io_error)) => {
                            if io_error.is_none()
                                && let Err(e) = out.write_all(&line)
                            {
                                **io_error = Some(e);
                            }
                        }
                        None => file.lines.extend_from_slice(&line),
                    }
                }
            }
            Event::Finding(f) => {
                if cap.admit(&f) {
                    file.findings.push(f);
                }
            }
        });
        file.findings.extend(cap.summaries());
        file
    }
}

/// Serializes each item into its NDJSON line where it is built (on a worker thread for a large
/// table). Serializing into memory cannot fail (string keys, no custom serializers); an item
/// that did would give an empty line, which is not written.
struct ToLine;

impl crate::ingest::ordered::ItemWork for ToLine {
    type Out = Vec<u8>;
    fn work(&self, item: Box<crate::model::item::Item>, _: crate::model::item::CatalogKind) -> Vec<u8> {
        let mut line = Vec::with_capacity(2048);
        match serde_json::to_writer(&mut line, &*item) {
            Ok(()) => line.push(b'\n'),
            Err(_) => line.clear(),
        }
        line
    }
}

/// NDJSON to stdout: files are read, normalized and serialized on worker threads and written
/// in file order, byte for byte what a single thread writes (see [`crate::pipeline::read_in_order`]).
/// A file read in order is written as it is read.
fn stream_ndjson_parallel(
    inputs: &crate::pipeline::Inputs,
    out: &mut dyn Write,
    findings: &mut Vec<Finding>,
    tables: &mut usize,
    io_error: &mut Option<std::io::Error>,
) -> crate::ingest::Reader {
    crate::pipeline::read_in_order(
        inputs,
        |f, own| Some(NdjsonFile::read(own, f, None)).filter(|file| file.lines.len() <= NDJSON_WORKER_MAX_BYTES),
        |f, file, reader| {
            let mut file = match file {
                Some(file) => {
                    if io_error.is_none()
                        && let Err(e) = out.write_all(&file.lines)
                    {
                        *io_error = Some(e);
                    }
                    file
                }
                None => NdjsonFile::read(reader, f, Some((&mut *out, &mut *io_error))),
            };
            findings.append(&mut file.findings);
            *tables += file.tables;
        },
    )
}

/// The file extension of an output format.
fn extension(format: IngestFormat) -> &'static str {
    match format {
        IngestFormat::Yaml => "yaml",
        IngestFormat::Json => "json",
        IngestFormat::Ndjson => "ndjson",
        IngestFormat::Csv => "csv",
    }
}

#[derive(serde::Serialize)]
struct Catalog<'a> {
    items: &'a [&'a Item],
}

/// Writes items in a format (`encoding` applies to CSV only).
pub fn write_catalog(w: &mut dyn Write, format: IngestFormat, encoding: OutputEncoding, items: &[&Item]) -> std::io::Result<()> {
    match format {
        IngestFormat::Yaml => {
            let s = serde_yaml::to_string(&Catalog { items }).map_err(std::io::Error::other)?;
            w.write_all(s.as_bytes())
        }
        IngestFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &Catalog { items }).map_err(std::io::Error::other)?;
            w.write_all(b"\n")
        }
        IngestFormat::Ndjson => {
            for it in items {
                serde_json::to_writer(&mut *w, it).map_err(std::io::Error::other)?;
                w.write_all(b"\n")?;
            }
            Ok(())
        }
        IngestFormat::Csv => write_csv(w, encoding, items),
    }
}

/// Neutralizes a value a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR first).
pub fn defuse(v: &str) -> std::borrow::Cow<'_, str> {
    crate::publish::csvout::defuse(v)
}

fn write_csv(w: &mut dyn Write, encoding: OutputEncoding, items: &[&Item]) -> std::io::Result<()> {
    use std::borrow::Cow;
    let extra: BTreeSet<&str> = items.iter().flat_map(|i| i.extra.keys().map(String::as_str)).collect();
    let mut header: Vec<Cow<'_, str>> = Field::ALL.iter().map(|f| Cow::Borrowed(f.label())).collect();
    header.extend(["来源文件", "来源工作表", "来源行"].map(Cow::Borrowed));
    header.extend(extra.iter().map(|s| Cow::Borrowed(*s)));
    // Every cell, the provenance columns included, is defused by `write_records`.
    let rows = items.iter().map(|it| {
        let mut rec: Vec<Cow<'_, str>> = Field::ALL.iter().map(|f| Cow::Owned(it.display(*f).unwrap_or_default())).collect();
        rec.push(Cow::Borrowed(&*it.provenance.file));
        rec.push(Cow::Borrowed(it.provenance.sheet.as_deref().unwrap_or("")));
        rec.push(Cow::Owned(it.provenance.row.to_string()));
        rec.extend(extra.iter().map(|k| Cow::Borrowed(it.extra.get(*k).map(String::as_str).unwrap_or(""))));
        rec
    });
    crate::publish::csvout::write_records(w, encoding, std::iter::once(header).chain(rows))
}
