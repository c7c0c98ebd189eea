//! The Excel side of 导入邀请 against real xlsx files: the template, reading
//! uploads (shared and inline strings), the failure workbook, and refusing
//! non-xlsx files, oversized files and zip bombs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::Workbook;
use server::invite_xlsx::*;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

// --- allocation meter (per thread, so parallel tests do not disturb it) ----

struct Metered;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| {
            if now > peak.get() {
                peak.set(now)
            }
        });
    });
}

unsafe impl GlobalAlloc for Metered {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        track(-(layout.size() as isize));
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            track(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static METER: Metered = Metered;

/// Runs `f`, returning its result, the bytes it had allocated at most at once
/// on this thread, and the time it took.
fn metered<T>(f: impl FnOnce() -> T) -> (T, usize, Duration) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    let peak = PEAK.with(Cell::get) - base;
    (out, peak.max(0) as usize, took)
}

// --- helpers ----------------------------------------------------------------

fn provinces() -> Vec<String> {
    ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省", "浙江省",
     "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市",
     "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区"]
        .iter()
        .map(|p| format!("国家税务总局{p}税务局"))
        .collect()
}

enum V {
    S(&'static str),
    N(f64),
    B(bool),
}

/// A workbook as a person would produce it in Excel (shared strings):
/// `rows[i]` goes to Excel row i+1; None leaves the row out entirely.
fn workbook(rows: &[Option<Vec<V>>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("邀请信息").unwrap();
    for (r, row) in rows.iter().enumerate() {
        let Some(row) = row else { continue };
        for (c, v) in row.iter().enumerate() {
            match v {
                V::S("") => {}
                V::S(s) => {
                    ws.write_string(r as u32, c as u16, *s).unwrap();
                }
                V::N(n) => {
                    ws.write_number(r as u32, c as u16, *n).unwrap();
                }
                V::B(b) => {
                    ws.write_boolean(r as u32, c as u16, *b).unwrap();
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn header() -> Option<Vec<V>> {
    Some(HEADERS.iter().map(|h| V::S(h)).collect())
}

fn strings(cells: [&'static str; 6]) -> Option<Vec<V>> {
    Some(cells.into_iter().map(V::S).collect())
}

fn raw(row_no: u32, cells: [&str; 6]) -> RawInviteRow {
    RawInviteRow {
        row_no,
        credit_code: cells[0].into(),
        name: cells[1].into(),
        province: cells[2].into(),
        relationship: cells[3].into(),
        pre_authorize: cells[4].into(),
        remark: cells[5].into(),
    }
}

fn limits() -> ImportLimits {
    ImportLimits::default()
}

fn entry_text(xlsx: &[u8], name: &str) -> String {
    let mut zip = ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn sheet_cells(xlsx: &[u8], sheet: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    range.rows().map(|r| r.to_vec()).collect()
}

fn s(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected a string cell, got {other:?}"),
    }
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="邀请信息" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// An xlsx written by hand: no shared strings, no styles, the given sheet XML.
fn handmade(sheet_xml: &str) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ] {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An xlsx-shaped archive whose sheet is `zeros` bytes of 0, deflated while
/// streaming (never held in memory).
fn zeros_bomb(zeros: u64) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", opts.compression_level(Some(9))).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = zeros;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        zip.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    zip.finish().unwrap().into_inner()
}

/// Rewrites the uncompressed size recorded for `name` in the local header
/// and/or the central directory.
fn lie_about_size(zip: &mut [u8], name: &str, size: u32, local: bool, central: bool) {
    let mut patched = 0;
    let mut i = 0;
    while i + 46 <= zip.len() {
        if zip[i..i + 4] == *b"PK\x01\x02" {
            let name_len = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if &zip[i + 46..i + 46 + name_len] == name.as_bytes() {
                let local_at = u32::from_le_bytes(zip[i + 42..i + 46].try_into().unwrap()) as usize;
                assert_eq!(zip[local_at..local_at + 4], *b"PK\x03\x04");
                if central {
                    zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                }
                if local {
                    zip[local_at + 22..local_at + 26].copy_from_slice(&size.to_le_bytes());
                }
                patched += 1;
            }
        }
        i += 1;
    }
    assert_eq!(patched, 1, "{name} found once in the central directory");
}

// --- the template -------------------------------------------------------------

#[test]
fn template_opens_with_headers_example_and_guide() {
    let bytes = template(&provinces(), &RELATIONSHIPS);
    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(book.sheet_names(), vec!["邀请信息", "填写说明", "下拉选项"]);

    let rows = sheet_cells(&bytes, INVITE_SHEET);
    assert_eq!(rows.len(), 2, "header and example only");
    assert_eq!(rows[0].iter().map(s).collect::<Vec<_>>(), HEADERS);
    assert_eq!(rows[1].iter().map(s).collect::<Vec<_>>(), EXAMPLE_ROW);

    let guide: String =
        sheet_cells(&bytes, GUIDE_SHEET).iter().flatten().map(s).collect::<Vec<_>>().join("\n");
    for h in HEADERS {
        assert!(guide.contains(h), "填写说明 explains {h}");
    }
    assert!(guide.contains("10000条"), "{guide}");
    assert!(guide.contains("5MB"), "{guide}");

    let lists = sheet_cells(&bytes, LISTS_SHEET);
    assert_eq!(lists.iter().map(|r| s(&r[0])).collect::<Vec<_>>(), provinces());

    // The template as downloaded imports as "nothing to import": its only row is the example.
    assert_eq!(read_rows(&bytes, &limits()), Err(ImportFileError::NoData));
}

#[test]
fn template_sheet_xml_has_the_three_drop_down_lists() {
    let bytes = template(&provinces(), &RELATIONSHIPS);
    let sheet = entry_text(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<dataValidations count="3">"#), "{sheet}");
    let validations: Vec<&str> = sheet.split("<dataValidation ").skip(1).collect();
    assert_eq!(validations.len(), 3);
    let find = |sqref: &str| {
        *validations
            .iter()
            .find(|v| v.contains(&format!(r#"sqref="{sqref}""#)))
            .unwrap_or_else(|| panic!("a validation on {sqref} in {sheet}"))
    };
    let province = find("C2:C10001");
    assert!(province.contains(r#"type="list""#));
    assert!(province.contains("<formula1>'下拉选项'!$A$1:$A$31</formula1>"), "{province}");
    let relation = find("D2:D10001");
    assert!(relation.contains(r#"type="list""#));
    assert!(relation.contains("<formula1>\"总分公司关系,母子公司关系,其他控制关系,同一监管部门,不具有控制关系\"</formula1>"), "{relation}");
    let pre = find("E2:E10001");
    assert!(pre.contains(r#"type="list""#));
    assert!(pre.contains("<formula1>\"是,否\"</formula1>"), "{pre}");

    // Column A carries the text number format "@" (style 1 → numFmt 164 = "@").
    let styles = entry_text(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"<numFmt numFmtId="164" formatCode="@"/>"#), "{styles}");
    let xfs = styles.split("<cellXfs").nth(1).unwrap();
    assert!(xfs.split("<xf ").nth(2).unwrap().starts_with(r#"numFmtId="164""#), "{xfs}");
    let col_a = sheet.split("<col ").nth(1).unwrap();
    assert!(col_a.starts_with(r#"min="1" max="1""#) && col_a.contains(r#"style="1""#), "{col_a}");
    // The lists sheet is hidden.
    let workbook = entry_text(&bytes, "xl/workbook.xml");
    assert!(workbook.contains(r#"name="下拉选项" sheetId="3" state="hidden""#), "{workbook}");
}

#[test]
fn a_short_province_list_is_inline_and_no_lists_sheet() {
    let bytes = template(&["国家税务总局四川省税务局".to_string()], &RELATIONSHIPS);
    let sheet = entry_text(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<formula1>\"国家税务总局四川省税务局\"</formula1>"), "{sheet}");
    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(book.sheet_names(), vec!["邀请信息", "填写说明"]);
}

// --- reading uploads -----------------------------------------------------------

#[test]
fn reads_good_bad_blank_and_example_rows_exactly() {
    let bytes = workbook(&[
        header(),                                                                            // 1
        strings(EXAMPLE_ROW),                                                                // 2
        strings(["91510100MA6CLQ0125", "成都蜀乐软件有限公司", "国家税务总局四川省税务局", "母子公司关系", "是", ""]), // 3
        None,                                                                                // 4: absent
        Some(vec![V::S("  "), V::S(""), V::S("\u{3000}")]),                                  // 5: blank cells only
        strings([" 91510104MA61XYZ12X ", "", "国家税务总局四川省税务局 ", "兄弟关系", "可能", "无名称"]), // 6
        Some(vec![V::N(510104123456789.0), V::S("老代码单位"), V::S("国家税务总局四川省税务局"), V::S("不具有控制关系"), V::B(false), V::N(3.0)]), // 7
        strings(["", "", "", "", "", "示例：这一行也跳过"]),                                 // 8
        Some(vec![V::S("91110000100000000X"), V::S("北京单位"), V::S(""), V::S(""), V::S("否"), V::S("备注"), V::S("G列忽略")]), // 9
    ]);
    let rows = read_rows(&bytes, &limits()).unwrap();
    assert_eq!(
        rows,
        vec![
            raw(3, ["91510100MA6CLQ0125", "成都蜀乐软件有限公司", "国家税务总局四川省税务局", "母子公司关系", "是", ""]),
            raw(6, ["91510104MA61XYZ12X", "", "国家税务总局四川省税务局", "兄弟关系", "可能", "无名称"]),
            raw(7, ["510104123456789", "老代码单位", "国家税务总局四川省税务局", "不具有控制关系", "FALSE", "3"]),
            raw(9, ["91110000100000000X", "北京单位", "", "", "否", "备注"]),
        ]
    );
}

#[test]
fn a_handmade_file_with_inline_strings_reads() {
    // No sharedStrings.xml, no styles.xml: inline strings (t="inlineStr"), a
    // formula string (t="str"), a plain number, as other writers produce them.
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    sheet.push_str(r#"<row r="1">"#);
    for (i, h) in HEADERS.iter().enumerate() {
        sheet.push_str(&format!(r#"<c r="{}1" t="inlineStr"><is><t>{h}</t></is></c>"#, (b'A' + i as u8) as char));
    }
    sheet.push_str("</row>");
    sheet.push_str(r#"<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> 91510100MA6CLQ0125 </t></is></c><c r="B2" t="inlineStr"><is><r><t>成都蜀乐</t></r><r><t>软件有限公司</t></r></is></c><c r="C2" t="str"><f>"国家税务总局"&amp;"四川省税务局"</f><v>国家税务总局四川省税务局</v></c><c r="D2" t="inlineStr"><is><t>母子公司关系</t></is></c><c r="E2" t="inlineStr"><is><t>是</t></is></c></row>"#);
    sheet.push_str(r#"<row r="4"><c r="A4"><v>510104123456789</v></c><c r="B4" t="inlineStr"><is><t>A&amp;B 公司</t></is></c><c r="F4" t="inlineStr"><is><t>第四行</t></is></c></row>"#);
    sheet.push_str("</sheetData></worksheet>");
    let bytes = handmade(&sheet);
    assert!(ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap().index_for_name("xl/sharedStrings.xml").is_none());
    let rows = read_rows(&bytes, &limits()).unwrap();
    assert_eq!(
        rows,
        vec![
            raw(2, ["91510100MA6CLQ0125", "成都蜀乐软件有限公司", "国家税务总局四川省税务局", "母子公司关系", "是", ""]),
            raw(4, ["510104123456789", "A&B 公司", "", "", "", "第四行"]),
        ]
    );
}

#[test]
fn wrong_headers_are_refused_naming_the_expected_ones() {
    let swapped = workbook(&[
        Some(vec![V::S("单位名称"), V::S("统一社会信用代码"), V::S("省级税务机关"), V::S("单位关系"), V::S("能力预授权"), V::S("备注")]),
        strings(["91510100MA6CLQ0125", "成都蜀乐软件有限公司", "国家税务总局四川省税务局", "母子公司关系", "是", ""]),
    ]);
    let err = read_rows(&swapped, &limits()).unwrap_err();
    assert_eq!(err, ImportFileError::HeaderMismatch { row: 1 });
    let msg = err.to_string();
    assert!(msg.contains("统一社会信用代码、单位名称、省级税务机关、单位关系、能力预授权、备注"), "{msg}");

    let missing = workbook(&[Some(HEADERS[..5].iter().map(|h| V::S(h)).collect())]);
    assert_eq!(read_rows(&missing, &limits()), Err(ImportFileError::HeaderMismatch { row: 1 }));

    // A title row above the header is not the template either.
    let titled = workbook(&[Some(vec![V::S("使用单位邀请信息")]), header()]);
    assert_eq!(read_rows(&titled, &limits()), Err(ImportFileError::HeaderMismatch { row: 1 }));

    // Data typed straight into row 1 (no header).
    let headless = workbook(&[strings(EXAMPLE_ROW)]);
    assert_eq!(read_rows(&headless, &limits()), Err(ImportFileError::HeaderMismatch { row: 1 }));

    // Header only.
    assert_eq!(read_rows(&workbook(&[header()]), &limits()), Err(ImportFileError::NoData));
}

fn many_rows(n: usize) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in EXAMPLE_ROW.iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    for i in 0..n {
        let r = i as u32 + 2;
        ws.write_string(r, 0, format!("91510100MA{:08}", i)).unwrap();
        ws.write_string(r, 1, format!("成都第{i}软件有限公司")).unwrap();
        ws.write_string(r, 2, "国家税务总局四川省税务局").unwrap();
        ws.write_string(r, 3, RELATIONSHIPS[i % 5]).unwrap();
        ws.write_string(r, 4, YES_NO[i % 2]).unwrap();
        ws.write_string(r, 5, format!("备注{i}")).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn ten_thousand_rows_read_fast_and_one_more_is_refused() {
    let bytes = many_rows(10_000);
    assert!(bytes.len() < 5 * 1024 * 1024, "10,000 rows fit the 5 MB limit: {}", bytes.len());
    let (rows, peak, took) = metered(|| read_rows(&bytes, &limits()).unwrap());
    eprintln!("10,000 rows: {} bytes, read in {took:?}, peak {peak} bytes", bytes.len());
    assert_eq!(rows.len(), 10_000);
    assert_eq!(rows[0].row_no, 3);
    assert_eq!(rows[9_999].row_no, 10_002);
    assert_eq!(rows[9_999].credit_code, "91510100MA00009999");
    assert_eq!(rows[9_999].relationship, RELATIONSHIPS[9_999 % 5]);
    // Debug build of this crate; release is several times faster.

    let bytes = many_rows(10_001);
    let err = read_rows(&bytes, &limits()).unwrap_err();
    assert_eq!(err, ImportFileError::TooManyRows { max: 10_000 });
    assert_eq!(err.to_string(), "单次导入最多10000条邀请信息，请拆分后分批导入");
}

// --- refusals before parsing -----------------------------------------------------

#[test]
fn files_that_are_not_xlsx_are_refused() {
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
    assert_eq!(read_rows(pdf, &limits()), Err(ImportFileError::NotXlsx));

    let csv = "统一社会信用代码,单位名称,省级税务机关,单位关系,能力预授权,备注\n91510100MA6CLQ0125,成都蜀乐软件有限公司,国家税务总局四川省税务局,母子公司关系,是,\n";
    let err = read_rows(csv.as_bytes(), &limits()).unwrap_err();
    assert_eq!(err, ImportFileError::NotXlsx);
    assert_eq!(err.to_string(), "仅支持Excel（.xlsx）文件");

    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.resize(4096, 0);
    let err = read_rows(&xls, &limits()).unwrap_err();
    assert_eq!(err, ImportFileError::LegacyXls);
    assert_eq!(err.to_string(), "请使用.xlsx格式（Excel 2007及以上）");

    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let random: Vec<u8> = (0..64 * 1024)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect();
    assert_eq!(read_rows(&random, &limits()), Err(ImportFileError::NotXlsx));

    // ZIP signature but garbage after it.
    let mut fake_zip = b"PK\x03\x04".to_vec();
    fake_zip.extend_from_slice(&random[..1000]);
    assert_eq!(read_rows(&fake_zip, &limits()), Err(ImportFileError::NotXlsx));

    // A real ZIP that is not a workbook (a .docx-like archive, a zipped CSV).
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("[Content_Types].xml", SimpleFileOptions::default()).unwrap();
    zip.write_all(CONTENT_TYPES.as_bytes()).unwrap();
    zip.start_file("word/document.xml", SimpleFileOptions::default()).unwrap();
    zip.write_all(b"<w:document/>").unwrap();
    let docx = zip.finish().unwrap().into_inner();
    assert_eq!(read_rows(&docx, &limits()), Err(ImportFileError::NotXlsx));

    assert_eq!(read_rows(b"", &limits()), Err(ImportFileError::Empty));
}

#[test]
fn files_over_the_size_limit_are_refused_before_opening() {
    let mut big = b"PK\x03\x04".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b'x');
    let err = read_rows(&big, &limits()).unwrap_err();
    assert_eq!(err, ImportFileError::TooLarge { limit_mb: 5 });
    assert_eq!(err.to_string(), "文件大小超过5MB，请拆分后分批导入");

    // A genuine workbook just over a (lowered) limit.
    let good = template(&provinces(), &RELATIONSHIPS);
    let tight = ImportLimits { max_file_bytes: good.len() as u64 - 1, ..limits() };
    assert!(matches!(read_rows(&good, &tight), Err(ImportFileError::TooLarge { .. })));
    let exact = ImportLimits { max_file_bytes: good.len() as u64, ..limits() };
    assert_eq!(read_rows(&good, &exact), Err(ImportFileError::NoData));
}

#[test]
fn a_200_mb_zip_bomb_is_refused_quickly_without_inflating_it() {
    let bomb = zeros_bomb(200 * 1024 * 1024);
    assert!(bomb.len() < 1024 * 1024, "the bomb is small: {}", bomb.len());
    let (result, peak, _) = metered(|| read_rows(&bomb, &limits()));
    assert_eq!(result, Err(ImportFileError::Bomb { limit_mb: 50 }));
    assert!(peak < 4 * 1024 * 1024, "peak allocation {peak} bytes");
}

#[test]
fn a_bomb_under_the_total_limit_is_refused_by_its_ratio() {
    // 40 MB declared honestly: under the 50 MB total, but ~1000:1.
    let bomb = zeros_bomb(40 * 1024 * 1024);
    let (result, peak, _) = metered(|| read_rows(&bomb, &limits()));
    assert_eq!(result, Err(ImportFileError::Bomb { limit_mb: 50 }));
    assert!(peak < 4 * 1024 * 1024, "peak allocation {peak} bytes");
}

#[test]
fn a_bomb_whose_headers_lie_about_its_size_is_caught_while_inflating() {
    // Both the central directory and the local header claim 1,000 bytes: the
    // declared sizes pass, the inflating pass must stop it.
    let mut bomb = zeros_bomb(200 * 1024 * 1024);
    lie_about_size(&mut bomb, "xl/worksheets/sheet1.xml", 1000, true, true);
    let (result, peak, _) = metered(|| read_rows(&bomb, &limits()));
    assert_eq!(result, Err(ImportFileError::Bomb { limit_mb: 50 }));
    assert!(peak < 4 * 1024 * 1024, "peak allocation {peak} bytes");

    // Lying in the local header only: the central directory still tells.
    let mut bomb = zeros_bomb(200 * 1024 * 1024);
    lie_about_size(&mut bomb, "xl/worksheets/sheet1.xml", 1000, true, false);
    assert_eq!(read_rows(&bomb, &limits()), Err(ImportFileError::Bomb { limit_mb: 50 }));

    // A lie that stays small (a modest sheet claiming to be smaller than it is)
    // is refused too: nothing inflates past what was declared.
    let mut small = many_rows(10);
    let mut zip = ZipArchive::new(Cursor::new(small.as_slice())).unwrap();
    let real = zip.by_name("xl/worksheets/sheet1.xml").unwrap().size();
    drop(zip);
    lie_about_size(&mut small, "xl/worksheets/sheet1.xml", (real / 2) as u32, true, true);
    assert!(read_rows(&small, &limits()).is_err());
}

#[test]
fn archives_with_too_many_entries_are_refused() {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in [("[Content_Types].xml", CONTENT_TYPES), ("xl/workbook.xml", WORKBOOK)] {
        zip.start_file(name, SimpleFileOptions::default()).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    for i in 0..300 {
        zip.start_file(format!("xl/media/image{i}.png"), SimpleFileOptions::default()).unwrap();
        zip.write_all(b"x").unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert_eq!(read_rows(&bytes, &limits()), Err(ImportFileError::TooManyEntries { limit: 256 }));
}

#[test]
fn an_xlsx_shaped_archive_with_a_broken_workbook_is_damaged() {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS), ("xl/workbook.xml", "<workbook><sheets><sheet")] {
        zip.start_file(name, SimpleFileOptions::default()).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert_eq!(read_rows(&bytes, &limits()), Err(ImportFileError::Damaged));

    // A flipped byte inside the deflated sheet: CRC or inflate error, not a panic.
    let mut good = many_rows(50);
    let n = good.len();
    good[n / 2] ^= 0xFF;
    assert!(read_rows(&good, &limits()).is_err());
}

// --- the failure workbook ------------------------------------------------------------

#[test]
fn failure_workbook_reads_back_cell_by_cell() {
    let failed = vec![
        (raw(6, ["91510104MA61XYZ12X", "", "国家税务总局四川省税务局", "兄弟关系", "可能", "无名称"]), "单位名称不能为空；单位关系不在可选范围内；能力预授权应为是或否".to_string()),
        (raw(7, ["510104123456789", "老代码单位", "国家税务总局四川省税务局", "不具有控制关系", "否", ""]), "统一社会信用代码应为18位".to_string()),
        (raw(10_002, ["00000000000000000A", "零开头", "国家税务总局北京市税务局", "母子公司关系", "是", "=1+1"]), "统一社会信用代码校验位不正确".to_string()),
    ];
    let bytes = failure_workbook(&failed);
    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    assert_eq!(book.sheet_names(), vec![FAILURE_SHEET]);
    let rows = sheet_cells(&bytes, FAILURE_SHEET);
    assert_eq!(rows.len(), 4);
    let mut expected_header = vec!["行号"];
    expected_header.extend(HEADERS);
    expected_header.push("失败原因");
    assert_eq!(rows[0].iter().map(s).collect::<Vec<_>>(), expected_header);
    for (row, (input, reason)) in rows[1..].iter().zip(&failed) {
        assert_eq!(row.len(), 8);
        assert_eq!(row[0], Data::Float(input.row_no as f64));
        let texts: Vec<String> = row[1..7].iter().map(s).collect();
        assert_eq!(texts, input.cells());
        assert_eq!(s(&row[7]), *reason);
    }
    // A remark that looks like a formula stays text.
    assert!(!entry_text(&bytes, "xl/worksheets/sheet1.xml").contains("<f>"));

    // An empty failure list still makes a workbook with the header.
    let empty = failure_workbook(&[]);
    assert_eq!(sheet_cells(&empty, FAILURE_SHEET).len(), 1);
}

#[test]
fn ratio_of_real_files_is_far_below_the_limit() {
    // The most compressible honest upload: 10,000 identical rows.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=10_000u32 {
        for (c, v) in EXAMPLE_ROW[..5].iter().enumerate() {
            ws.write_string(r, c as u16, *v).unwrap();
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let mut zip = ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
    let worst = (0..zip.len())
        .map(|i| {
            let e = zip.by_index_raw(i).unwrap();
            (e.size() / e.compressed_size().max(1), e.size())
        })
        .filter(|(_, size)| *size > 64 * 1024)
        .map(|(ratio, _)| ratio)
        .max()
        .unwrap();
    eprintln!("worst ratio of an honest 10,000-row file: {worst}:1");
    assert!(worst * 2 < ImportLimits::default().max_ratio, "{worst}");
    assert_eq!(read_rows(&bytes, &limits()).unwrap().len(), 10_000);
}
