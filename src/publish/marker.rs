//! The mark qingdan leaves in the workbooks it writes (`export`, `template`, `diff`, `return`): a custom
//! document property, so that a later check never reads qingdan's own output as a department's
//! input. A template filled in and saved again (Excel, WPS and LibreOffice then record the
//! person in `lastModifiedBy`) is a department's input and is read.

use std::io::Read;
use std::path::Path;

use rust_xlsxwriter::{DocProperties, Workbook};

/// The custom property's name.
pub const PROPERTY: &str = "qingdan-output";

/// The author recorded in qingdan's workbooks (also their `lastModifiedBy`).
const AUTHOR: &str = "qingdan";

/// What wrote a workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `qingdan export`.
    Export,
    /// `qingdan template`, not filled in since.
    Template,
    /// `qingdan diff --format xlsx`.
    Diff,
    /// `qingdan return` (an annotated copy, a problem list or 汇总), not edited since.
    Return,
}

impl Output {
    /// The property's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Output::Export => "export",
            Output::Template => "template",
            Output::Diff => "diff",
            Output::Return => "return",
        }
    }

    fn parse(s: &str) -> Option<Output> {
        [Output::Export, Output::Template, Output::Diff, Output::Return].into_iter().find(|o| o.as_str() == s)
    }
}

/// Marks `wb` as written by qingdan's `what`.
pub fn mark(wb: &mut Workbook, what: Output) {
    let props = DocProperties::new().set_author(AUTHOR).set_custom_property(PROPERTY, what.as_str());
    wb.set_properties(&props);
}

/// The most bytes read of a document-properties part.
const MAX_PART: u64 = 64 * 1024;

/// Which qingdan command wrote the workbook at `path`, if one did (and, for a template, nobody
/// saved it since). Any error reading it means "not ours": the reader then reports it.
pub fn written_by(path: &Path) -> Option<Output> {
    let file = std::fs::File::open(path).ok()?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).ok()?;
    let custom = part(&mut zip, "docProps/custom.xml")?;
    let at = custom.find(&format!("name=\"{PROPERTY}\""))?;
    let rest = &custom[at..];
    let value = rest.split_once("<vt:lpwstr>")?.1.split_once("</vt:lpwstr>")?.0;
    let what = Output::parse(value)?;
    // A template filled in, or an annotated copy corrected, by a department is its input.
    if matches!(what, Output::Template | Output::Return) {
        let core = part(&mut zip, "docProps/core.xml").unwrap_or_default();
        let by = core.split_once("<cp:lastModifiedBy>").and_then(|(_, r)| r.split_once("</cp:lastModifiedBy>")).map(|(v, _)| v);
        if by.is_some_and(|b| b != AUTHOR) {
            return None;
        }
    }
    Some(what)
}

fn part<R: std::io::Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<String> {
    let entry = zip.by_name(name).ok()?;
    let mut text = String::new();
    entry.take(MAX_PART).read_to_string(&mut text).ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_read_back() {
        let dir = tempfile::tempdir().unwrap();
        for what in [Output::Export, Output::Template, Output::Diff, Output::Return] {
            let mut wb = Workbook::new();
            wb.add_worksheet();
            mark(&mut wb, what);
            let p = dir.path().join(format!("{}.xlsx", what.as_str()));
            wb.save(&p).unwrap();
            assert_eq!(written_by(&p), Some(what));
        }
        let mut wb = Workbook::new();
        wb.add_worksheet();
        let p = dir.path().join("plain.xlsx");
        wb.save(&p).unwrap();
        assert_eq!(written_by(&p), None);
        // A template saved by a person is input.
        let mut wb = Workbook::new();
        wb.add_worksheet();
        wb.set_properties(&DocProperties::new().set_author("东河区住建局").set_custom_property(PROPERTY, "template"));
        let p = dir.path().join("filled.xlsx");
        wb.save(&p).unwrap();
        assert_eq!(written_by(&p), None);
        // So is an annotated copy a department corrected and saved.
        let mut wb = Workbook::new();
        wb.add_worksheet();
        wb.set_properties(&DocProperties::new().set_author("东河区住建局").set_custom_property(PROPERTY, "return"));
        let p = dir.path().join("corrected.xlsx");
        wb.save(&p).unwrap();
        assert_eq!(written_by(&p), None);
    }
}
