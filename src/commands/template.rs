//! `qingdan template`: a blank departmental template (table layout) with the canonical headers,
//! dropdowns for every closed vocabulary, an input hint per column, one example row, a 申请材料
//! sheet and a 填写说明 sheet. `--layout form` is handed to [`super::template_form`].

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use crate::cli::TemplateArgs;
use crate::i18n::{Failure, Lang};
use crate::ingest::Layout;
use crate::model::field::{Field, Kind, MaterialField};
use crate::publish::{
    ListSheet, Widths, choices, clip_utf16, field_note, header_format, material_choices, multi_choices, wrap_format, xlsx_error,
};

/// The last 0-based row the dropdowns and hints cover.
pub const LAST_ROW: u32 = 4999;

/// The name of the item sheet.
pub const ITEMS_SHEET: &str = "实施清单";
/// The name of the materials sheet.
pub const MATERIALS_SHEET: &str = "申请材料";
/// The name of the instructions sheet.
pub const GUIDE_SHEET: &str = "填写说明";

/// Runs `template`; returns the exit status.
pub fn run(args: &TemplateArgs, lang: Lang) -> Result<i32, String> {
    if args.layout == Layout::Form {
        return super::template_form::run(args, lang);
    }
    if args.output.extension().and_then(|e| e.to_str()).is_none_or(|e| !e.eq_ignore_ascii_case("xlsx")) {
        return Err(Failure::OutputNotXlsx { path: args.output.display().to_string() }.render(lang));
    }
    let bytes = build().map_err(xlsx_error(lang))?;
    crate::output::write_bytes_atomic(&args.output, &bytes).map_err(|e| e.render(lang))?;
    Ok(crate::EXIT_OK)
}

/// The example agency's credit code, with its check character computed.
pub fn example_credit_code() -> String {
    let first17 = "11150202MB1234567";
    let check = crate::model::codes::credit_check_char(first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// The example implementation code (基本编码-区划-000-实施主体编码-1-00).
pub fn example_impl_code() -> String {
    format!("000115002000-150202000000-000-{}-1-00", example_credit_code())
}

/// A realistic example value for each field (a 东河区 county-level licensing item).
pub fn example(f: Field) -> Option<String> {
    let s = |v: &str| Some(v.to_string());
    match f {
        Field::Name => s("食品经营许可"),
        Field::BasicCode => s("000115002000"),
        Field::ImplCode => Some(example_impl_code()),
        Field::HandlingItem => s("食品经营许可（新办）"),
        Field::ParentName => None,
        Field::ItemType => s("行政许可"),
        Field::Department => s("包头市东河区市场监督管理局"),
        Field::Agency => s("包头市东河区市场监督管理局"),
        Field::AgencyCode => Some(example_credit_code()),
        Field::AgencyNature => s("法定机关"),
        Field::LegalBasis => s("《中华人民共和国食品安全法》第三十五条"),
        Field::Level => s("县级"),
        Field::DivisionCode => s("150202000000"),
        Field::DivisionName => s("包头市东河区"),
        Field::ServiceObject => s("企业法人、自然人"),
        Field::Conditions => s("申请人具有与经营的食品品种、数量相适应的经营场所和设施设备，并有专职或兼职的食品安全管理人员。"),
        Field::Process => s("申请→受理→审查→决定→送达"),
        Field::Materials => s("1.食品经营许可申请书（原件1份）\n2.营业执照（复印件1份）"),
        Field::Intermediary => s("无"),
        Field::StatutoryLimit => s("20个工作日"),
        Field::PromisedLimit => s("5个工作日"),
        Field::Fee => s("否"),
        Field::FeeBasis | Field::FeeStandard => None,
        Field::AnnualReport => s("否"),
        Field::SpecialProcedures => s("现场勘验"),
        Field::ResultName => s("食品经营许可证"),
        Field::Place => s("包头市东河区政务服务中心一楼市场监管窗口"),
        Field::Hours => s("工作日 上午9:00至12:00，下午13:30至17:30（法定节假日除外）"),
        Field::ConsultPhone => s("0472-4123456"),
        Field::ComplaintPhone => s("12345"),
        Field::AuditPoints => s("申请材料齐全、符合法定形式"),
        Field::InHall => s("是"),
        Field::OneWindow => s("是"),
        Field::OnlineDepth => s("4"),
        Field::OnlineUrl => s("https://zwfw.nmg.gov.cn/"),
        Field::Mobile => s("是"),
        Field::Appointment => s("是"),
        Field::Express => s("是"),
        Field::Visits => s("0"),
        Field::Instant => s("承诺件"),
        Field::CrossArea => s("全市通办"),
        Field::Nearby => s("否"),
        Field::CertFree => s("否"),
        Field::NotifyCommit => s("否"),
        Field::Tolerance => s("是"),
        Field::OneThing => s("我要开餐馆"),
        Field::SelfService => s("否"),
    }
}

/// The validation (dropdown or number rule) of a field, with its input hint.
fn field_validation(f: Field, lists: &mut ListSheet) -> Result<DataValidation, XlsxError> {
    let dv = match choices(f) {
        Some(c) => lists
            .list(&c)?
            .set_error_title("请从下拉列表选择")?
            .set_error_message(clip_utf16(&format!("{}只能填写：{}", f.label(), c.join("、")), 255))?,
        None => crate::publish::number_rule(f)?.unwrap_or_else(|| DataValidation::new().allow_any_value()),
    };
    crate::publish::with_hint(dv, f)
}

fn hint(dv: DataValidation, title: &str, message: &str) -> Result<DataValidation, XlsxError> {
    dv.set_input_title(clip_utf16(title, 32))?.set_input_message(clip_utf16(message, 255))
}

/// Builds the template workbook in memory.
pub fn build() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    crate::publish::marker::mark(&mut wb, crate::publish::marker::Output::Template);
    let mut lists = ListSheet::default();
    items_sheet(wb.add_worksheet(), &mut lists)?;
    materials_sheet(wb.add_worksheet(), &mut lists)?;
    guide_sheet(wb.add_worksheet())?;
    lists.write(&mut wb)?;
    wb.save_to_buffer()
}

fn example_format() -> Format {
    Format::new().set_italic().set_font_color(Color::RGB(0x7F7F7F)).set_text_wrap().set_align(FormatAlign::Top)
}

fn items_sheet(ws: &mut Worksheet, lists: &mut ListSheet) -> Result<(), XlsxError> {
    ws.set_name(ITEMS_SHEET)?;
    let head = header_format();
    let ex = example_format();
    let mut widths = Widths::with_cap(Field::ALL.len(), 40);
    for (c, f) in Field::ALL.iter().enumerate() {
        let col = c as u16;
        ws.write_string_with_format(0, col, f.label(), &head)?;
        ws.insert_note(0, col, &field_note(*f))?;
        widths.see(c, f.label());
        // The example's materials are shown in the 申请材料 sheet (a filled cell here would
        // leave those rows unclaimed).
        if let Some(v) = example(*f).filter(|_| *f != Field::Materials) {
            match f.kind() {
                Kind::Visits | Kind::OnlineDepth => ws.write_number_with_format(1, col, v.parse::<f64>().unwrap_or(0.0), &ex)?,
                _ => ws.write_string_with_format(1, col, &v, &ex)?,
            };
            widths.see(c, &v);
        }
        ws.add_data_validation(1, col, LAST_ROW, col, &field_validation(*f, lists)?)?;
    }
    ws.set_row_height(1, 30)?;
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, 1, Field::ALL.len() as u16 - 1)?;
    widths.apply(ws)
}

fn materials_sheet(ws: &mut Worksheet, lists: &mut ListSheet) -> Result<(), XlsxError> {
    ws.set_name(MATERIALS_SHEET)?;
    let head = header_format();
    let ex = example_format();
    let mut headers = vec![Field::ImplCode.label()];
    headers.extend(MaterialField::ALL.iter().filter(|m| **m != MaterialField::ELicense).map(|m| m.label()));
    let mut widths = Widths::with_cap(headers.len(), 50);
    let examples: [[&str; 7]; 2] =
        [["", "食品经营许可申请书", "申请人自备", "1", "0", "纸质或电子", "是"], ["", "营业执照", "政府部门核发", "0", "1", "纸质", "是"]];
    let code = example_impl_code();
    for (c, h) in headers.iter().enumerate() {
        let col = c as u16;
        ws.write_string_with_format(0, col, *h, &head)?;
        widths.see(c, h);
        let (dv, msg) = match *h {
            "实施编码" => (DataValidation::new().allow_any_value(), "所属事项的实施编码，须与“实施清单”工作表一致".to_string()),
            "材料名称" => (DataValidation::new().allow_any_value(), "材料名称，必填".to_string()),
            "原件份数" | "复印件份数" => (
                DataValidation::new()
                    .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
                    .set_error_style(DataValidationErrorStyle::Warning)
                    .set_error_message("份数应为非负整数")?,
                format!("{h}，非负整数"),
            ),
            other => {
                let c = material_choices(other).unwrap_or_default();
                (lists.list(&c)?, format!("{other}，可选值：{}", c.join("、")))
            }
        };
        ws.add_data_validation(1, col, LAST_ROW, col, &hint(dv, h, &msg)?)?;
        for (r, row) in examples.iter().enumerate() {
            let v = if c == 0 { code.as_str() } else { row[c] };
            let r = r as u32 + 1;
            match *h {
                "原件份数" | "复印件份数" => ws.write_number_with_format(r, col, v.parse::<f64>().unwrap_or(0.0), &ex)?,
                _ => ws.write_string_with_format(r, col, v, &ex)?,
            };
            widths.see(c, v);
        }
    }
    ws.set_freeze_panes(1, 0)?;
    widths.apply(ws)
}

fn guide_sheet(ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_name(GUIDE_SHEET)?;
    let head = header_format();
    let wrap = wrap_format();
    let bold = Format::new().set_bold().set_text_wrap();
    let intro = [
        "1. 在“实施清单”工作表每行填写一个事项；第2行为示例（灰色斜体），填报前请删除或覆盖。",
        "2. 表头请勿修改、删除或调换顺序；带下拉箭头的单元格请从列表中选择。",
        "3. 申请材料可在“实施清单”的“申请材料”列按编号逐行填写，也可在“申请材料”工作表每行填写一条材料（以实施编码关联）。",
        "4. 编码类字段（基本编码、实施编码、实施主体编码、行政区划代码）请按文本填写，避免被 Excel 存成科学计数法。",
    ];
    let mut row = 0u32;
    for line in intro {
        ws.merge_range(row, 0, row, 6, line, &bold)?;
        row += 1;
    }
    row += 1;
    let headers = ["序号", "字段 / 键", "要素分组", "是否必填", "填写要求", "可选值", "示例"];
    let mut widths = Widths::with_cap(headers.len(), 50);
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &head)?;
        widths.see(c, h);
    }
    let header_row = row;
    for (i, f) in Field::ALL.iter().enumerate() {
        row += 1;
        let cells = [
            (i + 1).to_string(),
            // "label / key", never a bare label: a bare label down a column would read as a form.
            format!("{} / {}", f.label(), f.key()),
            crate::publish::group_zh(f.group()).to_string(),
            crate::publish::required_zh(f.required()).to_string(),
            crate::publish::kind_zh(f.kind()).to_string(),
            choices(*f).or_else(|| multi_choices(*f)).map(|c| c.join("、")).unwrap_or_default(),
            match (*f, example(*f)) {
                (Field::Materials, Some(v)) => format!("{v}\n（或在“申请材料”工作表逐条填写，见该表示例）"),
                (_, v) => v.unwrap_or_default(),
            },
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, v, &wrap)?;
            widths.see(c, v);
        }
    }
    widths.apply(ws)?;
    ws.set_column_width(0, 6)?;
    ws.set_freeze_panes(header_row + 1, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    Ok(())
}
