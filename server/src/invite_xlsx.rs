//! Excel side of 【导入邀请】 (manual §3.4.1.2): the template offered by
//! 【下载模版】, reading an uploaded invitation file into raw rows, and the
//! 邀请失败记录 workbook for the rows that did not pass.
//!
//! Uploads are untrusted: [`read_rows`] refuses anything that is not an xlsx
//! (with its own message for a legacy .xls), oversized files and zip bombs
//! before any spreadsheet parsing. The declared sizes of the central directory
//! are checked first, then every entry is actually inflated into a small
//! scratch buffer while the limits are enforced, so a lying header cannot let
//! a bomb through and nothing is ever inflated into memory unbounded. Only then
//! is the first sheet streamed cell by cell (never as a dense range, which a
//! far-away cell reference could blow up).
//!
//! The rows come back as trimmed strings; validating them (credit code,
//! province, relationship …) belongs to the domain.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet,
    XlsxError,
};

/// Columns of the invitation sheet, in order.
pub const HEADERS: [&str; 6] = ["统一社会信用代码", "单位名称", "省级税务机关", "单位关系", "能力预授权", "备注"];
/// Sheet names.
pub const INVITE_SHEET: &str = "邀请信息";
pub const GUIDE_SHEET: &str = "填写说明";
pub const FAILURE_SHEET: &str = "邀请失败记录";
/// Hidden sheet holding drop-down values too long for an inline list.
pub const LISTS_SHEET: &str = "下拉选项";
/// The 单位关系 values of the manual (§3.4): 自用类 the first four, 联用类 the last.
pub const RELATIONSHIPS: [&str; 5] = ["总分公司关系", "母子公司关系", "其他控制关系", "同一监管部门", "不具有控制关系"];
/// 能力预授权 values.
pub const YES_NO: [&str; 2] = ["是", "否"];
/// The example row of the template; its 备注 starts with 示例 so imports skip it.
pub const EXAMPLE_ROW: [&str; 6] = [
    "91510100MA6CLQ0125",
    "成都蜀乐软件有限公司",
    "国家税务总局四川省税务局",
    "母子公司关系",
    "是",
    "示例行，导入时忽略",
];
/// Rows whose 备注 starts with this are example rows and are skipped.
pub const EXAMPLE_MARK: &str = "示例";

const OLE_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ZIP_SIGNATURE: [u8; 4] = *b"PK\x03\x04";
/// Excel's limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Excel's limit on an inline drop-down list (UTF-16 units, commas included).
const MAX_INLINE_LIST: usize = 255;
/// Entries smaller than this are not held to the ratio (tiny XML compresses well).
const RATIO_GRACE_BYTES: u64 = 64 * 1024;
const MB: u64 = 1024 * 1024;

/// Limits applied to an uploaded invitation file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportLimits {
    /// Size of the uploaded file itself.
    pub max_file_bytes: u64,
    /// Total of all entries once inflated.
    pub max_uncompressed_bytes: u64,
    /// Inflated : compressed, per entry (entries under 64 KiB are exempt).
    pub max_ratio: u64,
    /// Number of entries in the archive.
    pub max_entries: usize,
    /// Data rows of one import (the example row and blank rows not counted).
    pub max_rows: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        ImportLimits {
            max_file_bytes: 5 * MB,
            max_uncompressed_bytes: 50 * MB,
            max_ratio: 100,
            max_entries: 256,
            max_rows: 10_000,
        }
    }
}

/// One data row of an uploaded file, every cell a trimmed string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawInviteRow {
    /// Row number as Excel shows it (1-based; the header is row 1).
    pub row_no: u32,
    pub credit_code: String,
    pub name: String,
    pub province: String,
    pub relationship: String,
    pub pre_authorize: String,
    pub remark: String,
}

impl RawInviteRow {
    fn from_cells(row_no: u32, cells: [String; 6]) -> Self {
        let [credit_code, name, province, relationship, pre_authorize, remark] = cells;
        RawInviteRow { row_no, credit_code, name, province, relationship, pre_authorize, remark }
    }

    /// The six cells in column order.
    pub fn cells(&self) -> [&str; 6] {
        [&self.credit_code, &self.name, &self.province, &self.relationship, &self.pre_authorize, &self.remark]
    }
}

/// Why an uploaded file was refused as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportFileError {
    #[error("文件为空，请选择填写好的Excel（.xlsx）文件")]
    Empty,
    #[error("文件大小超过{limit_mb}MB，请拆分后分批导入")]
    TooLarge { limit_mb: u64 },
    #[error("请使用.xlsx格式（Excel 2007及以上）")]
    LegacyXls,
    #[error("仅支持Excel（.xlsx）文件")]
    NotXlsx,
    #[error("文件内部条目过多（超过{limit}个），不是有效的邀请信息模版")]
    TooManyEntries { limit: usize },
    #[error("文件解压后内容异常（超过{limit_mb}MB或压缩比异常），已拒绝导入")]
    Bomb { limit_mb: u64 },
    #[error("文件已损坏或无法读取，请使用下载的模版重新填写")]
    Damaged,
    #[error("表头与模版不一致：第{row}行应依次为“统一社会信用代码、单位名称、省级税务机关、单位关系、能力预授权、备注”，请下载模版后重新填写")]
    HeaderMismatch { row: u32 },
    #[error("单次导入最多{max}条邀请信息，请拆分后分批导入")]
    TooManyRows { max: usize },
    #[error("文件中没有需要导入的邀请信息")]
    NoData,
}

// ---------------------------------------------------------------------------
// Template

/// 【下载模版】: the invitation template with drop-down lists on 省级税务机关
/// (`provinces`), 单位关系 (`relationships`) and 能力预授权 (是/否) for rows
/// 2..=10001, an example row, text-formatted code column and a 填写说明 sheet.
pub fn template(provinces: &[String], relationships: &[&str]) -> Vec<u8> {
    build_template(provinces, relationships).expect("the invitation template is a valid workbook")
}

fn build_template(provinces: &[String], relationships: &[&str]) -> Result<Vec<u8>, XlsxError> {
    let limits = ImportLimits::default();
    let last_row = limits.max_rows as u32; // 0-based index of Excel row max_rows + 1
    let mut wb = Workbook::new();

    let header = header_format();
    let text = Format::new().set_num_format("@");
    let example = Format::new().set_num_format("@").set_font_color(Color::RGB(0x80_80_80)).set_italic();

    let mut lists_needed: Vec<(&str, Vec<String>)> = Vec::new();
    let mut validations: Vec<(u16, DataValidation)> = Vec::new();
    for (col, title, values) in [
        (2u16, HEADERS[2], provinces.iter().map(|s| clean(s)).collect::<Vec<_>>()),
        (3, HEADERS[3], relationships.iter().map(|s| clean(s)).collect()),
        (4, HEADERS[4], YES_NO.iter().map(|s| s.to_string()).collect()),
    ] {
        let values: Vec<String> = values.into_iter().filter(|v| !v.is_empty()).collect();
        if values.is_empty() {
            continue;
        }
        let dv = DataValidation::new();
        let dv = if inline_list_fits(&values) {
            dv.allow_list_strings(&values)?
        } else {
            let list_col = lists_needed.len();
            let reference = format!(
                "='{LISTS_SHEET}'!${col_letter}$1:${col_letter}${n}",
                col_letter = column_letter(list_col as u16),
                n = values.len()
            );
            lists_needed.push((title, values));
            dv.allow_list_formula(Formula::new(reference))
        };
        let dv = dv
            .set_error_title("输入有误")?
            .set_error_message(format!("请从下拉列表中选择{title}"))?
            .set_error_style(DataValidationErrorStyle::Stop)
            .set_input_title(title)?
            .set_input_message(format!("请从下拉列表中选择{title}"))?;
        validations.push((col, dv));
    }

    {
        let ws = wb.add_worksheet();
        ws.set_name(INVITE_SHEET)?;
        for (col, width) in [(0u16, 24.0), (1, 36.0), (2, 30.0), (3, 18.0), (4, 14.0), (5, 30.0)] {
            ws.set_column_width(col, width)?;
        }
        // Codes as text so Excel keeps them as typed (no 9.15E+17, no lost letters).
        ws.set_column_format(0, &text)?;
        write_header(ws, 0, &HEADERS, &header)?;
        for (col, value) in EXAMPLE_ROW.iter().enumerate() {
            ws.write_string_with_format(1, col as u16, *value, &example)?;
        }
        for (col, dv) in &validations {
            ws.add_data_validation(1, *col, last_row, *col, dv)?;
        }
        ws.set_freeze_panes(1, 0)?;
    }

    {
        let ws = wb.add_worksheet();
        ws.set_name(GUIDE_SHEET)?;
        fill_guide(ws, &limits, &header)?;
    }

    if !lists_needed.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(LISTS_SHEET)?;
        for (col, (_, values)) in lists_needed.iter().enumerate() {
            for (row, value) in values.iter().enumerate() {
                ws.write_string(row as u32, col as u16, value.as_str())?;
            }
            ws.set_column_width(col as u16, 30.0)?;
        }
        ws.set_hidden(true);
    }

    wb.save_to_buffer()
}

fn fill_guide(ws: &mut Worksheet, limits: &ImportLimits, header: &Format) -> Result<(), XlsxError> {
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.set_column_width(0, 20.0)?;
    ws.set_column_width(1, 10.0)?;
    ws.set_column_width(2, 80.0)?;
    write_header(ws, 0, &["列名", "是否必填", "填写说明"], header)?;
    let columns: [(&str, &str, String); 6] = [
        (HEADERS[0], "必填", "使用单位的18位统一社会信用代码，字母须大写；该列已设为文本格式，请勿改为数值，以免代码被科学计数法截断。".into()),
        (HEADERS[1], "必填", "使用单位名称，须与税务登记的单位名称一致。".into()),
        (HEADERS[2], "必填", "使用单位主管的省级税务机关，请从下拉列表中选择。".into()),
        (
            HEADERS[3],
            "必填",
            "使用单位与直连单位的关系，请从下拉列表中选择：“自用类”使用单位为总分公司关系、母子公司关系、其他控制关系、同一监管部门之一；“联用类”使用单位为不具有控制关系。".into(),
        ),
        (HEADERS[4], "必填", "是否对使用单位预先授权乐企能力，请选择“是”或“否”。".into()),
        (HEADERS[5], "选填", format!("补充说明。备注以“{EXAMPLE_MARK}”开头的行视为示例行，导入时忽略。")),
    ];
    let mut row = 1u32;
    for (name, required, text) in &columns {
        ws.write_string_with_format(row, 0, *name, &wrap)?;
        ws.write_string_with_format(row, 1, *required, &wrap)?;
        ws.write_string_with_format(row, 2, text.as_str(), &wrap)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "注意事项", &Format::new().set_bold())?;
    let notes = [
        format!("1. 第1行为表头，请勿修改表头文字及列的顺序；第2行为示例行，可删除或保留（备注以“{EXAMPLE_MARK}”开头的行导入时忽略）。"),
        format!("2. 单次导入最多{}条邀请信息，超过请拆分为多个文件分批导入；空行自动跳过。", limits.max_rows),
        format!("3. 仅支持Excel（.xlsx）文件，文件大小不超过{}MB；旧版.xls文件请另存为.xlsx后导入。", limits.max_file_bytes / MB),
        "4. 系统读取第一个工作表“邀请信息”，请在该工作表中填写。".into(),
        "5. 导入后系统逐行校验使用单位信息，校验不通过的记录可在导入记录中下载邀请失败记录，按失败原因修改后重新导入。".into(),
    ];
    for note in notes {
        row += 1;
        ws.merge_range(row, 0, row, 2, &note, &wrap)?;
    }
    Ok(())
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xD9_E1_F2))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
}

fn write_header(ws: &mut Worksheet, row: u32, titles: &[&str], format: &Format) -> Result<(), XlsxError> {
    for (col, title) in titles.iter().enumerate() {
        ws.write_string_with_format(row, col as u16, *title, format)?;
    }
    Ok(())
}

fn inline_list_fits(values: &[String]) -> bool {
    let len: usize = values.iter().map(|v| v.encode_utf16().count() + v.matches('"').count()).sum::<usize>()
        + values.len().saturating_sub(1);
    len <= MAX_INLINE_LIST && values.iter().all(|v| !v.contains(','))
}

fn column_letter(col: u16) -> String {
    let mut n = col as u32 + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A value fit for a cell: trimmed and within Excel's cell limit.
fn clean(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((cut, _)) => s[..cut].to_string(),
        None => s.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Failure records

/// 邀请失败记录: 行号, the template's columns, 失败原因 — one row per failed
/// input row, in the order given.
pub fn failure_workbook(rows: &[(RawInviteRow, String)]) -> Vec<u8> {
    build_failures(rows).expect("the failure workbook is a valid workbook")
}

fn build_failures(rows: &[(RawInviteRow, String)]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(FAILURE_SHEET)?;
    let header = header_format();
    let text = Format::new().set_num_format("@");
    let reason = Format::new().set_font_color(Color::RGB(0xC0_00_00)).set_text_wrap();
    let mut titles = vec!["行号"];
    titles.extend(HEADERS);
    titles.push("失败原因");
    write_header(ws, 0, &titles, &header)?;
    for (col, width) in [(0u16, 8.0), (1, 24.0), (2, 36.0), (3, 30.0), (4, 18.0), (5, 14.0), (6, 30.0), (7, 50.0)] {
        ws.set_column_width(col, width)?;
    }
    ws.set_column_format(1, &text)?;
    for (i, (row, why)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number(r, 0, row.row_no)?;
        for (c, value) in row.cells().iter().enumerate() {
            ws.write_string_with_format(r, c as u16 + 1, clean(value), &text)?;
        }
        ws.write_string_with_format(r, 7, clean(why), &reason)?;
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

// ---------------------------------------------------------------------------
// Reading an upload

/// Reads the invitation rows of an uploaded file (first sheet), after refusing
/// anything that is not a reasonable xlsx. Blank rows and example rows (备注
/// starting with 示例) are skipped; the header row must be the template's.
pub fn read_rows(bytes: &[u8], limits: &ImportLimits) -> Result<Vec<RawInviteRow>, ImportFileError> {
    check_container(bytes, limits)?;
    read_first_sheet(bytes, limits)
}

/// Everything that can be decided without parsing the spreadsheet: type,
/// size, archive shape, declared and actual inflated sizes.
fn check_container(bytes: &[u8], limits: &ImportLimits) -> Result<(), ImportFileError> {
    if bytes.is_empty() {
        return Err(ImportFileError::Empty);
    }
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(ImportFileError::TooLarge { limit_mb: limits.max_file_bytes.div_ceil(MB) });
    }
    if bytes.starts_with(&OLE_SIGNATURE) {
        return Err(ImportFileError::LegacyXls);
    }
    if !bytes.starts_with(&ZIP_SIGNATURE) {
        return Err(ImportFileError::NotXlsx);
    }
    let bomb = ImportFileError::Bomb { limit_mb: limits.max_uncompressed_bytes.div_ceil(MB) };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ImportFileError::NotXlsx)?;
    if zip.len() > limits.max_entries {
        return Err(ImportFileError::TooManyEntries { limit: limits.max_entries });
    }

    // 1. What the central directory declares.
    if zip.index_for_name("[Content_Types].xml").is_none() || zip.index_for_name("xl/workbook.xml").is_none() {
        return Err(ImportFileError::NotXlsx);
    }
    let mut declared_total = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|_| ImportFileError::NotXlsx)?;
        declared_total = declared_total.saturating_add(entry.size());
        if declared_total > limits.max_uncompressed_bytes || ratio_exceeded(entry.size(), entry.compressed_size(), limits) {
            return Err(bomb);
        }
    }

    // 2. What the entries really inflate to, into a fixed scratch buffer, never
    //    past what was declared nor past the limits.
    let mut scratch = vec![0u8; 64 * 1024];
    let mut actual_total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| ImportFileError::Damaged)?;
        if entry.is_dir() {
            continue;
        }
        let (declared, compressed) = (entry.size(), entry.compressed_size());
        let mut inflated = 0u64;
        loop {
            // Read up to the declared size, then probe one byte for the end: the
            // reader fails past the declared size, and only the probe can go there.
            let remaining = usize::try_from(declared - inflated).unwrap_or(usize::MAX);
            let want = if remaining == 0 { 1 } else { scratch.len().min(remaining) };
            let n = match entry.read(&mut scratch[..want]) {
                Ok(0) => break,
                Ok(n) => n as u64,
                // Past the declared size: a lying header.
                Err(_) if inflated >= declared => return Err(bomb),
                Err(_) => return Err(ImportFileError::Damaged),
            };
            inflated += n;
            actual_total += n;
            if inflated > declared
                || actual_total > limits.max_uncompressed_bytes
                || ratio_exceeded(inflated, compressed, limits)
            {
                return Err(bomb);
            }
        }
    }
    Ok(())
}

fn ratio_exceeded(inflated: u64, compressed: u64, limits: &ImportLimits) -> bool {
    inflated > RATIO_GRACE_BYTES && inflated / compressed.max(1) > limits.max_ratio
}

fn read_first_sheet(bytes: &[u8], limits: &ImportLimits) -> Result<Vec<RawInviteRow>, ImportFileError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| ImportFileError::Damaged)?;
    let first = book.sheet_names().first().cloned().ok_or(ImportFileError::Damaged)?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(|_| ImportFileError::Damaged)?;

    let mut rows = RowCollector { limits, header_seen: false, out: Vec::new() };
    let mut current: Option<(u32, [String; 6])> = None;
    while let Some(cell) = cells.next_cell().map_err(|_| ImportFileError::Damaged)? {
        let (row, col) = cell.get_position();
        if col as usize >= HEADERS.len() {
            continue;
        }
        let value = render(cell.get_value());
        if value.is_empty() {
            continue;
        }
        match &mut current {
            Some((r, values)) if *r == row => values[col as usize] = value,
            Some((r, _)) if *r > row => return Err(ImportFileError::Damaged),
            _ => {
                if let Some((r, values)) = current.take() {
                    rows.push(r, values)?;
                }
                let mut values: [String; 6] = Default::default();
                values[col as usize] = value;
                current = Some((row, values));
            }
        }
    }
    if let Some((r, values)) = current {
        rows.push(r, values)?;
    }
    if rows.out.is_empty() {
        return Err(ImportFileError::NoData);
    }
    Ok(rows.out)
}

struct RowCollector<'a> {
    limits: &'a ImportLimits,
    header_seen: bool,
    out: Vec<RawInviteRow>,
}

impl RowCollector<'_> {
    /// Takes one non-blank row (`row` 0-based).
    fn push(&mut self, row: u32, values: [String; 6]) -> Result<(), ImportFileError> {
        let row_no = row.saturating_add(1);
        if !self.header_seen {
            if values.iter().map(String::as_str).ne(HEADERS) {
                return Err(ImportFileError::HeaderMismatch { row: row_no });
            }
            self.header_seen = true;
            return Ok(());
        }
        if values[5].starts_with(EXAMPLE_MARK) {
            return Ok(());
        }
        if self.out.len() >= self.limits.max_rows {
            return Err(ImportFileError::TooManyRows { max: self.limits.max_rows });
        }
        self.out.push(RawInviteRow::from_cells(row_no, values));
        Ok(())
    }
}

/// A cell as the text a person sees: trimmed; integral numbers without ".0"
/// and never in exponent form.
fn render(value: &DataRef<'_>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => render_number(*f),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => render_number(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.trim().to_string(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// Rust's `Display` for f64 prints the shortest exact round-trip decimal and
/// never an exponent: 510104123456789.0 → "510104123456789", 1.5 → "1.5".
fn render_number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_render_as_shown() {
        assert_eq!(render_number(510104123456789.0), "510104123456789");
        assert_eq!(render_number(3.0), "3");
        assert_eq!(render_number(-2.0), "-2");
        assert_eq!(render_number(1.5), "1.5");
        assert_eq!(render_number(9.1e17), "910000000000000000");
        assert!(!render_number(1e-7).contains('e'));
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }

    #[test]
    fn inline_lists_respect_excels_limit() {
        assert!(inline_list_fits(&RELATIONSHIPS.map(String::from)));
        let long: Vec<String> = (0..40).map(|i| format!("国家税务总局第{i}省税务局")).collect();
        assert!(!inline_list_fits(&long));
    }
}
