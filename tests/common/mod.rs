//! Test data shared by the integration tests: one valid implementation item, value by field,
//! so that every test builds its rows from the field dictionary instead of its own copy.

#![allow(dead_code)]

use qingdan::model::field::Field;

/// The columns of the valid item, required elements first (the first 19 are every element an
/// implementation list must have), then a few optional ones.
pub const ITEM_FIELDS: &[Field] = &[
    Field::Name,
    Field::BasicCode,
    Field::ImplCode,
    Field::ItemType,
    Field::Department,
    Field::Agency,
    Field::AgencyCode,
    Field::LegalBasis,
    Field::Level,
    Field::DivisionCode,
    Field::ServiceObject,
    Field::Conditions,
    Field::Process,
    Field::Materials,
    Field::StatutoryLimit,
    Field::PromisedLimit,
    Field::Fee,
    Field::ConsultPhone,
    Field::ComplaintPhone,
    Field::Place,
    Field::OnlineDepth,
    Field::Visits,
];

/// The 实施编码 of the valid item.
pub const IMPL_CODE: &str = "11150202000000000X4000172011000";

/// The valid item's value of a field, as a department would write it (`None`: not filled).
pub fn valid_value(f: Field) -> Option<&'static str> {
    Some(match f {
        Field::Name => "建筑工程施工许可证核发",
        Field::BasicCode => "000172011000",
        Field::ImplCode => IMPL_CODE,
        Field::ItemType => "行政许可",
        Field::Department | Field::Agency => "东河区住房和城乡建设局",
        Field::AgencyCode => "11150202MB1234567B",
        Field::LegalBasis => "《建筑法》第七条",
        Field::Level => "区县级",
        Field::DivisionCode => "150202000000",
        Field::ServiceObject => "企业法人",
        Field::Conditions => "符合条件",
        Field::Process => "受理-审查-决定",
        Field::Materials => "申请表",
        Field::StatutoryLimit => "20个工作日",
        Field::PromisedLimit => "5个工作日",
        Field::Fee => "否",
        Field::ConsultPhone => "0472-1234567",
        Field::ComplaintPhone => "0472-12345",
        Field::Place => "东河区政务服务中心",
        Field::OnlineDepth => "四级",
        Field::Visits => "0",
        _ => return None,
    })
}

/// The canonical headers of `fields`.
pub fn header(fields: &[Field]) -> Vec<&'static str> {
    fields.iter().map(|f| f.label()).collect()
}

/// The valid item's row over `fields`.
pub fn valid_row(fields: &[Field]) -> Vec<&'static str> {
    fields.iter().map(|f| valid_value(*f).unwrap_or("")).collect()
}

/// The entries of a zip (an xlsx or ods), in order: (name, bytes).
pub fn zip_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut e = z.by_index(i).unwrap();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            (e.name().unwrap().to_string(), data)
        })
        .collect()
}

/// A workbook cell as text, as the publication tests compare it (numbers without `.0`).
pub fn cell_text(d: Option<&calamine::Data>) -> String {
    use calamine::Data;
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => format!("{other:?}"),
    }
}
