//! `qingdan ingest`: read and normalize, then write the normalized catalog (YAML, JSON, NDJSON
//! or CSV) to stdout or one file per source table under `-o DIR`. Findings of reading go to
//! stderr, one line each.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::{IngestArgs, IngestFormat};
use crate::finding::Finding;
use crate::i18n::Lang;
use crate::ingest::Event;
use crate::model::field::Field;
use crate::model::item::Item;
use crate::publish::csvout::{EncodedWriter, OutputEncoding};

/// Items of one source table.
struct TableOut {
    file: Arc<str>,
    sheet: Option<Arc<str>>,
    items: Vec<Item>,
}

/// Runs ingest.
pub fn run(args: &IngestArgs, config: Option<&Path>, lang: Lang) -> Result<i32, String> {
    let inputs = super::load::resolve(&args.input, config, lang)?;
    if let Some(dir) = &args.output {
        crate::output::guard(dir, &inputs.files).map_err(|e| e.render(lang))?;
    }
    let mut findings: Vec<Finding> = inputs.walk_findings.clone();
    let mut tables: Vec<TableOut> = Vec::new();
    let stream_ndjson = args.format == IngestFormat::Ndjson && args.output.is_none();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut io_error: Option<std::io::Error> = None;
    // Tables read when streaming (their items are written as they come, not kept).
    let mut streamed_tables = 0;
    let mut reader = if stream_ndjson {
        stream_ndjson_parallel(&inputs, &mut out, &mut findings, &mut streamed_tables, &mut io_error)
    } else {
        super::load::read_all(&inputs, &mut |ev| match ev {
            Event::Table { file, sheet, .. } => tables.push(TableOut { file, sheet, items: Vec::new() }),
            Event::Item(item) => {
                if let Some(t) = tables.last_mut() {
                    t.items.push(*item);
                }
            }
            Event::Finding(f) => findings.push(f),
        })
    };
    findings.extend(reader.orphan_materials());
    if let Some(e) = io_error {
        return Err(e.to_string());
    }
    if !stream_ndjson {
        match &args.output {
            None => {
                let all: Vec<&Item> = tables.iter().flat_map(|t| t.items.iter()).collect();
                write_catalog(&mut out, args.format, args.output_encoding, &all).map_err(|e| e.to_string())?;
            }
            Some(dir) => {
                let mut used = std::collections::HashSet::new();
                for t in &tables {
                    let target = dir.join(output_name(&t.file, t.sheet.as_deref(), args.format, &mut used));
                    crate::output::guard(&target, &inputs.files).map_err(|e| e.render(lang))?;
                    let items: Vec<&Item> = t.items.iter().collect();
                    crate::output::write_atomic(&target, |w| write_catalog(w, args.format, args.output_encoding, &items))
                        .map_err(|e| e.render(lang))?;
                }
            }
        }
    }
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    let mut err = std::io::stderr().lock();
    for f in &findings {
        let _ = writeln!(err, "{}", crate::report::human::head(f, lang));
    }
    if tables.is_empty() && streamed_tables == 0 {
        return Ok(crate::EXIT_FAILURE);
    }
    Ok(crate::EXIT_OK)
}

/// One file read and serialized (on a worker, or on the ordered thread after materials).
#[derive(Default)]
struct NdjsonFile {
    lines: Vec<u8>,
    findings: Vec<Finding>,
    tables: usize,
}

impl NdjsonFile {
    /// Reads one file through `reader`: each item becomes a line, findings are kept, tables
    /// counted.
    fn read(reader: &mut crate::ingest::Reader, path: &Path) -> NdjsonFile {
        let mut file = NdjsonFile::default();
        reader.read_file(path, &super::load::display_path(path), &mut |ev| match ev {
            Event::Table { .. } => file.tables += 1,
            // Serializing an item into memory cannot fail (string keys, no custom serializers).
            Event::Item(item) => {
                if serde_json::to_writer(&mut file.lines, &*item).is_ok() {
                    file.lines.push(b'\n');
                }
            }
            Event::Finding(f) => file.findings.push(f),
        });
        file
    }
}

/// NDJSON to stdout: files are read, normalized and serialized on worker threads and written
/// in file order, byte for byte what a single thread writes (see [`super::load::read_in_order`]).
fn stream_ndjson_parallel(
    inputs: &super::load::Inputs,
    out: &mut dyn Write,
    findings: &mut Vec<Finding>,
    tables: &mut usize,
    io_error: &mut Option<std::io::Error>,
) -> crate::ingest::Reader {
    super::load::read_in_order(
        inputs,
        |f, own| NdjsonFile::read(own, f),
        |f, file, reader| {
            let mut file = file.unwrap_or_else(|| NdjsonFile::read(reader, f));
            if io_error.is_none()
                && let Err(e) = out.write_all(&file.lines)
            {
                *io_error = Some(e);
            }
            findings.append(&mut file.findings);
            *tables += file.tables;
        },
    )
}

/// `东河区.xlsx` + sheet `实施清单` → `东河区-实施清单.yaml`; a name already used by another
/// table gets `-2`, `-3` … so that no table overwrites another.
fn output_name(file: &str, sheet: Option<&str>, format: IngestFormat, used: &mut std::collections::HashSet<String>) -> PathBuf {
    let stem = Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("table");
    let ext = match format {
        IngestFormat::Yaml => "yaml",
        IngestFormat::Json => "json",
        IngestFormat::Ndjson => "ndjson",
        IngestFormat::Csv => "csv",
    };
    let safe = |s: &str| {
        s.chars().map(|c| if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c }).collect::<String>()
    };
    let base = match sheet {
        Some(s) => format!("{}-{}", safe(stem), safe(s)),
        None => safe(stem),
    };
    let mut name = format!("{base}.{ext}");
    let mut n = 1;
    while !used.insert(name.clone()) {
        n += 1;
        name = format!("{base}-{n}.{ext}");
    }
    PathBuf::from(name)
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
    let extra: BTreeSet<&str> = items.iter().flat_map(|i| i.extra.keys().map(String::as_str)).collect();
    let mut csv = csv::Writer::from_writer(EncodedWriter::new(w, encoding));
    let mut header: Vec<String> = Field::ALL.iter().map(|f| f.label().to_string()).collect();
    header.extend(["来源文件", "来源工作表", "来源行"].map(String::from));
    header.extend(extra.iter().map(|s| s.to_string()));
    csv.write_record(&header)?;
    for it in items {
        let mut rec: Vec<String> = Field::ALL.iter().map(|f| it.display(*f).map(|v| defuse(&v).into_owned()).unwrap_or_default()).collect();
        rec.push(it.provenance.file.to_string());
        rec.push(it.provenance.sheet.as_deref().unwrap_or("").to_string());
        rec.push(it.provenance.row.to_string());
        rec.extend(extra.iter().map(|k| it.extra.get(*k).map(|v| defuse(v).into_owned()).unwrap_or_default()));
        csv.write_record(&rec)?;
    }
    csv.flush()?;
    csv.into_inner().map_err(|e| std::io::Error::other(e.to_string()))?.finish()?;
    Ok(())
}
