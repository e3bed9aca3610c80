//! The benchmark floor: the least work any tool must do to read (or write) the same cells as
//! `qingdan`. It parses every cell and counts them, nothing else.
//!
//! ```text
//! cargo build --release --example floor
//! floor utf8    DIR_OR_FILES...   # csv StringRecord (UTF-8 validated)
//! floor bytes   DIR_OR_FILES...   # csv ByteRecord (no validation)
//! floor gb18030 DIR_OR_FILES...   # csv ByteRecord + encoding_rs GB18030 decode of each field
//! floor xlsx    DIR_OR_FILES...   # calamine worksheet_cells_reader, every sheet
//! floor export  OUT.xlsx DIR_OR_FILES...  # read CSV cells, write each to one constant-memory worksheet
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use calamine::{Reader, Xlsx, open_workbook};

fn files(args: &[String], ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for a in args {
        let p = Path::new(a);
        if p.is_dir() {
            for e in walkdir::WalkDir::new(p).sort_by_file_name().into_iter().flatten() {
                if e.file_type().is_file() && e.path().extension().and_then(|x| x.to_str()) == Some(ext) {
                    out.push(e.into_path());
                }
            }
        } else {
            out.push(p.to_path_buf());
        }
    }
    out
}

fn csv_reader(path: &Path) -> csv::Reader<std::fs::File> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn utf8(paths: &[PathBuf]) -> u64 {
    let mut cells = 0u64;
    let mut rec = csv::StringRecord::new();
    for p in paths {
        let mut r = csv_reader(p);
        while r.read_record(&mut rec).expect("csv") {
            cells += rec.len() as u64;
        }
    }
    cells
}

fn bytes(paths: &[PathBuf], decode: bool) -> u64 {
    let mut cells = 0u64;
    let mut chars = 0u64;
    let mut rec = csv::ByteRecord::new();
    for p in paths {
        let mut r = csv_reader(p);
        while r.read_byte_record(&mut rec).expect("csv") {
            cells += rec.len() as u64;
            if decode {
                for f in rec.iter() {
                    let (s, _) = encoding_rs::GB18030.decode_without_bom_handling(f);
                    chars += s.len() as u64;
                }
            }
        }
    }
    std::hint::black_box(chars);
    cells
}

fn xlsx(paths: &[PathBuf]) -> u64 {
    let mut cells = 0u64;
    for p in paths {
        let mut wb: Xlsx<_> = open_workbook(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        for name in wb.sheet_names() {
            let mut r = wb.worksheet_cells_reader(&name).expect("sheet");
            while let Some(c) = r.next_cell().expect("cell") {
                std::hint::black_box(c.get_value());
                cells += 1;
            }
        }
    }
    cells
}

fn export(out: &Path, paths: &[PathBuf]) -> u64 {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet_with_constant_memory().expect("worksheet");
    let mut rec = csv::StringRecord::new();
    let mut row = 0u32;
    let mut cells = 0u64;
    for p in paths {
        let mut r = csv_reader(p);
        while r.read_record(&mut rec).expect("csv") {
            for (c, v) in rec.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(row, c as u16, v).expect("write");
                }
                cells += 1;
            }
            row += 1;
        }
    }
    book.save(out).expect("save");
    cells
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(mode) = args.first() else {
        eprintln!("usage: floor utf8|bytes|gb18030|xlsx|export [OUT.xlsx] PATHS...");
        return ExitCode::from(2);
    };
    let cells = match mode.as_str() {
        "utf8" => utf8(&files(&args[1..], "csv")),
        "bytes" => bytes(&files(&args[1..], "csv"), false),
        "gb18030" => bytes(&files(&args[1..], "csv"), true),
        "xlsx" => xlsx(&files(&args[1..], "xlsx")),
        "export" if args.len() >= 3 => export(Path::new(&args[1]), &files(&args[2..], "csv")),
        _ => {
            eprintln!("unknown mode {mode}");
            return ExitCode::from(2);
        }
    };
    println!("{cells}");
    ExitCode::SUCCESS
}
