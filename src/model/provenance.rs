//! Where an item and each of its fields came from: file, sheet, 1-based row, and per field the
//! source header and the cell, so that every finding can point at `表1!F12`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::field::Field;

/// Converts a 0-based column index to spreadsheet letters (0 → `A`, 27 → `AB`).
pub fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Parses spreadsheet letters back to a 0-based column index.
pub fn column_index(letters: &str) -> Option<u32> {
    if letters.is_empty() || letters.len() > 4 {
        return None;
    }
    let mut n: u32 = 0;
    for b in letters.bytes() {
        if !b.is_ascii_uppercase() {
            return None;
        }
        n = n * 26 + (b - b'A' + 1) as u32;
    }
    Some(n - 1)
}

/// The source of one field: the header (or form label) as written, and its value cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSource {
    /// The header text as written in the source.
    pub header: String,
    /// 0-based column of the value cell.
    pub column: u32,
    /// 1-based row of the value cell when it differs from the item's row (form layouts).
    pub row: Option<u32>,
}

/// Per-field sources, shared by every row of a table (one allocation per table, not per item).
pub type FieldSources = Arc<BTreeMap<Field, FieldSource>>;

/// Where an item came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Provenance {
    /// The file, as given on the command line or found under a directory.
    pub file: Arc<str>,
    /// The sheet; `None` for CSV.
    pub sheet: Option<Arc<str>>,
    /// 1-based row a person sees (header rows counted); for forms, the row of the 事项名称 label.
    pub row: u32,
    /// Where each field came from.
    pub fields: FieldSources,
    /// Whether the item was read from a form-layout sheet (办事指南) rather than a table row.
    pub form: bool,
}

impl Provenance {
    /// The cell of a field's value as (1-based row, 0-based column), when known.
    pub fn cell(&self, f: Field) -> Option<(u32, u32)> {
        self.fields.get(&f).map(|s| (s.row.unwrap_or(self.row), s.column))
    }

    /// The source header of a field.
    pub fn header(&self, f: Field) -> Option<&str> {
        self.fields.get(&f).map(|s| s.header.as_str())
    }
}

#[derive(Serialize, Deserialize)]
struct ProvenanceRepr {
    file: Arc<str>,
    sheet: Option<Arc<str>>,
    row: u32,
    #[serde(default)]
    headers: BTreeMap<Field, String>,
    #[serde(default)]
    cells: BTreeMap<Field, String>,
    /// `"form"` for items read from a 办事指南 form; absent for table rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    layout: Option<String>,
}

impl Serialize for Provenance {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let repr = ProvenanceRepr {
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            row: self.row,
            headers: self.fields.iter().map(|(f, src)| (*f, src.header.clone())).collect(),
            cells: self
                .fields
                .iter()
                .map(|(f, src)| (*f, format!("{}{}", column_letters(src.column), src.row.unwrap_or(self.row))))
                .collect(),
            layout: self.form.then(|| "form".to_string()),
        };
        repr.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Provenance {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let repr = ProvenanceRepr::deserialize(d)?;
        let mut fields = BTreeMap::new();
        for (f, header) in repr.headers {
            let (column, row) = repr.cells.get(&f).and_then(|c| split_a1(c)).unwrap_or((0, repr.row));
            let row = if row == repr.row { None } else { Some(row) };
            fields.insert(f, FieldSource { header, column, row });
        }
        let form = repr.layout.as_deref() == Some("form");
        Ok(Provenance { file: repr.file, sheet: repr.sheet, row: repr.row, fields: Arc::new(fields), form })
    }
}

/// Splits `F12` into (0-based column, 1-based row).
pub fn split_a1(a1: &str) -> Option<(u32, u32)> {
    let split = a1.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = a1.split_at(split);
    Some((column_index(letters)?, digits.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_roundtrip() {
        for (i, s) in [(0, "A"), (5, "F"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(column_letters(i), s);
            assert_eq!(column_index(s), Some(i));
        }
        assert_eq!(split_a1("F12"), Some((5, 12)));
        assert_eq!(split_a1("12"), None);
    }
}
