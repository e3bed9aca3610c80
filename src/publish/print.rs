//! Print setup shared by every sheet qingdan publishes: A4 landscape, one page wide, the header
//! row repeated on every page, a centered title in the page header and `第 N 页 共 M 页` in the
//! footer, so that a workbook prints (and converts to PDF) like an official 目录.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Worksheet, XlsxError};

use crate::model::item::Item;

/// Excel's paper size code for A4.
pub const PAPER_A4: u8 = 9;
/// The page footer: page number and page count.
pub const FOOTER: &str = "&C第 &P 页 共 &N 页";

/// Escapes `&` for Excel's header/footer codes.
fn escape(s: &str) -> String {
    s.replace('&', "&&")
}

/// Applies the print setup to a sheet whose first row is its header row: A4 landscape, fitted
/// to one page wide (as many tall as needed), row 1 repeated on every page, centered
/// horizontally, `title` centered in the page header, page numbers in the footer.
pub fn print_setup(ws: &mut Worksheet, title: &str) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(PAPER_A4);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.4, 0.4, 0.7, 0.6, 0.3, 0.3);
    ws.set_repeat_rows(0, 0)?;
    // Excel limits a header to 255 characters; titles are short, but clip to be safe.
    let header = format!("&C&\"-,Bold\"&14{}", escape(&super::clip_utf16(title, 200)));
    ws.set_header(&header);
    ws.set_footer(FOOTER);
    Ok(())
}

/// The name of the city the items belong to (`包头市`), from the most common 4-digit prefix of
/// their division codes, looked up in `names`; empty when unknown.
pub fn city_name(items: &[Item], names: &BTreeMap<String, String>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for code in items.iter().filter_map(|i| i.division_code.as_deref()) {
        if let Some(prefix) = code.get(..4) {
            *counts.entry(prefix).or_default() += 1;
        }
    }
    let Some((prefix, _)) = counts.into_iter().max_by_key(|(_, n)| *n) else { return String::new() };
    names.get(&format!("{prefix}00000000")).cloned().unwrap_or_default()
}

/// The printed title of a sheet of `city`'s catalog: `包头市政务服务事项目录（市级）`.
pub fn catalog_title(city: &str, what: &str, level: Option<&str>) -> String {
    match level {
        Some(l) => format!("{city}政务服务事项{what}（{l}）"),
        None => format!("{city}政务服务事项{what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_from_the_most_common_prefix() {
        let item = |c: &str| Item { division_code: Some(c.into()), ..Default::default() };
        let names: BTreeMap<String, String> = [("150200000000".to_string(), "包头市".to_string())].into();
        assert_eq!(city_name(&[item("150202000000"), item("150203000000"), item("110101000000")], &names), "包头市");
        assert_eq!(city_name(&[], &names), "");
        assert_eq!(catalog_title("包头市", "目录", Some("市级")), "包头市政务服务事项目录（市级）");
        assert_eq!(escape("A&B"), "A&&B");
    }
}
