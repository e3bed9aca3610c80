//! The benchmark floor: the least work any tool must do to read (or write) the same cells as
//! `qingdan`. It parses every cell and counts them, nothing else.
//!
//! ```text
//! cargo build --release --example floor
//! floor utf8    DIR_OR_FILES...   # csv StringRecord (UTF-8 validated)
//! floor bytes   DIR_OR_FILES...   # csv ByteRecord (no validation)
//! floor gb18030 DIR_OR_FILES...   # csv ByteRecord + encoding_rs GB18030 decode of each field
//! floor xlsx    DIR_OR_FILES...   # calamine worksheet_cells_reader, every sheet
//! floor export  OUT.xlsx DIR_OR_FILES...  # write the cells `export` writes (item rows, 办事指南, 申请材料), plain
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

/// Excel's last row (0-based 1,048,575): a sheet past it continues on a new one, as in `export`.
const SHEET_ROWS: u32 = 1_048_576;

/// One constant-memory sheet family: rows go to the current sheet until it is full.
struct Sheets {
    name: &'static str,
    part: u32,
    row: u32,
    ws_index: usize,
}

impl Sheets {
    fn new(book: &mut rust_xlsxwriter::Workbook, name: &'static str) -> Sheets {
        let ws = book.add_worksheet_with_constant_memory().expect("worksheet");
        ws.set_name(name).expect("name");
        Sheets { name, part: 1, row: 0, ws_index: book.worksheets_mut().len() - 1 }
    }

    /// The sheet and row for a block of `rows` rows, starting a new sheet when it would not fit.
    fn reserve<'b>(&mut self, book: &'b mut rust_xlsxwriter::Workbook, rows: u32) -> (&'b mut rust_xlsxwriter::Worksheet, u32) {
        if self.row + rows > SHEET_ROWS {
            self.part += 1;
            let ws = book.add_worksheet_with_constant_memory().expect("worksheet");
            ws.set_name(format!("{} ({})", self.name, self.part)).expect("name");
            self.ws_index = book.worksheets_mut().len() - 1;
            self.row = 0;
        }
        let row = self.row;
        self.row += rows;
        (book.worksheet_from_index(self.ws_index).expect("sheet"), row)
    }
}

/// Writes the cells `qingdan export` writes for the same catalog, as plain strings: every item
/// row (the item sheets), per item a title row, one label/value row per non-empty cell and a
/// blank row (办事指南), and one row per material of the 申请材料 cell (申请材料). No formats,
/// widths or row heights; the 问题, 统计 and 基本目录 sheets (small) are left out.
fn export(out: &Path, paths: &[PathBuf]) -> u64 {
    let mut book = rust_xlsxwriter::Workbook::new();
    let mut items = Sheets::new(&mut book, "事项");
    let mut guide = Sheets::new(&mut book, "办事指南");
    let mut materials = Sheets::new(&mut book, "申请材料");
    let mut rec = csv::StringRecord::new();
    let mut cells = 0u64;
    for p in paths {
        let mut r = csv_reader(p);
        let mut header = csv::StringRecord::new();
        r.read_record(&mut header).expect("csv");
        let col = |name: &str| header.iter().position(|h| h == name);
        let (name_col, code_col, mat_col) = (col("事项名称"), col("实施编码").or(col("基本编码")), col("申请材料"));
        while r.read_record(&mut rec).expect("csv") {
            let (ws, row) = items.reserve(&mut book, 1);
            for (c, v) in rec.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(row, c as u16, v).expect("write");
                    cells += 1;
                }
            }
            let filled = rec.iter().filter(|v| !v.is_empty()).count() as u32;
            let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("");
            let (ws, mut row) = guide.reserve(&mut book, filled + 2);
            ws.write_string(row, 0, get(name_col)).expect("write");
            ws.write_string(row, 1, get(code_col)).expect("write");
            cells += 2;
            for (h, v) in header.iter().zip(rec.iter()).filter(|(_, v)| !v.is_empty()) {
                row += 1;
                ws.write_string(row, 0, h).expect("write");
                ws.write_string(row, 1, v).expect("write");
                cells += 2;
            }
            for piece in get(mat_col).split(['；', '\n']).filter(|p| !p.is_empty()) {
                let (ws, row) = materials.reserve(&mut book, 1);
                for (c, v) in [get(code_col), get(name_col), piece, "是"].into_iter().enumerate() {
                    ws.write_string(row, c as u16, v).expect("write");
                }
                ws.write_number(row, 4, 1.0).expect("write");
                cells += 5;
            }
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
