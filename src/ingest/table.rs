//! Format-neutral tables: rows of typed cells with their 1-based row numbers, produced by the
//! CSV and spreadsheet readers and consumed by header detection and item building.

/// One cell as read from a source, before normalization.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Cell {
    /// Nothing in the cell.
    #[default]
    Empty,
    /// Text (CSV fields are always text).
    Text(String),
    /// A number Excel stored as such.
    Number(f64),
    /// A boolean cell.
    Bool(bool),
    /// A date/time cell, as ISO-like text.
    Date(String),
    /// An error cell (`#N/A`, `#REF!`).
    Error(String),
}

impl Cell {
    /// Whether the cell holds nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, as a person would read it (numbers without a trailing `.0`).
    pub fn as_text(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(s) | Cell::Date(s) | Cell::Error(s) => Cow::Borrowed(s),
            Cell::Number(n) => {
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    Cow::Owned(format!("{}", *n as i64))
                } else {
                    Cow::Owned(format!("{n}"))
                }
            }
            Cell::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        }
    }
}

/// One row of a table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// The 1-based row number a person sees in the source.
    pub number: u32,
    /// The cells, left to right from column A.
    pub cells: Vec<Cell>,
}

impl Row {
    /// A row of text cells (blank strings are empty cells), for tests and generated tables.
    pub fn from_texts(number: u32, cells: &[&str]) -> Row {
        Row { number, cells: cells.iter().map(|s| if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) }).collect() }
    }

    /// Whether every cell is blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }

    /// The cell at a 0-based column (Empty past the end).
    pub fn get(&self, col: usize) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.cells.get(col).unwrap_or(&EMPTY)
    }
}
