//! What spreadsheet users send back (issue #17): `.xlsx` bundles typed by hand and
//! CSV files in GB18030. Round trips of every model are in `roundtrip.rs`; here,
//! workbooks made as a person would, and the errors that name sheet, row, column and id.
#![cfg(feature = "xlsx")]

use rust_xlsxwriter::{ExcelDateTime, Workbook};
use tiaokuai::format::Encoding;
use tiaokuai::{LoadOptions, Model};

/// A workbook with `units` typed the way a person would: numbers as numbers, a date as a date.
fn typed_by_hand(members: f64, extra: Option<&str>) -> Vec<u8> {
    let mut book = Workbook::new();
    let t = book.add_worksheet();
    t.set_name("territories").unwrap();
    t.write_row(0, 0, ["id", "name", "kind"]).unwrap();
    t.write_number(1, 0, 310113003).unwrap();
    t.write_row(1, 1, ["友谊路街道", "street"]).unwrap();
    let u = book.add_worksheet();
    u.set_name("units").unwrap();
    u.write_row(0, 0, ["id", "name", "kind", "located_in", "members", "since"]).unwrap();
    u.write_row(1, 0, ["yyl-ban", "友谊路街道办事处", "government"]).unwrap();
    u.write_number(1, 3, 310113003).unwrap();
    u.write_row(2, 0, ["acme", "某科技有限公司", "enterprise"]).unwrap();
    u.write_number(2, 3, 310113003).unwrap();
    u.write_number(2, 4, members).unwrap();
    let date = ExcelDateTime::from_ymd(2024, 6, 30).unwrap();
    // A date as Excel keeps one a person typed: a serial day number with a date format.
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    u.write_datetime_with_format(2, 5, &date, &format).unwrap();
    if let Some(name) = extra {
        book.add_worksheet().set_name(name).unwrap();
    }
    book.save_to_buffer().unwrap()
}

fn load(bytes: &[u8]) -> Result<Model, String> {
    Model::from_xlsx_bytes_with(bytes, &LoadOptions::default()).map_err(|e| e.to_string())
}

#[test]
fn numbers_and_dates_typed_in_cells_read_as_the_format_writes_them() {
    let model = load(&typed_by_hand(5.0, None)).unwrap();
    let acme = model.get("acme").unwrap();
    let tiaokuai::RecordRef::Unit(u) = acme else { panic!("acme is a unit") };
    assert_eq!(u.members(), Some(5));
    assert_eq!(model.id(u.located_in.unwrap()), "310113003");
    assert_eq!(u.validity.since.unwrap().to_string(), "2024-06-30");
}

#[test]
fn errors_name_the_sheet_row_and_id() {
    assert_eq!(
        load(&typed_by_hand(-4.0, None)).unwrap_err(),
        "sheet units row 3 (id \"acme\"): field \"members\": \"-4\" is not a valid count: must not be negative"
    );
    assert_eq!(
        load(&typed_by_hand(5.0, Some("unit"))).unwrap_err(),
        "sheet unit row 0: not a sheet of a tiaokuai bundle; the sheets are territories, units, matters, items, \
         people, links, meta, meetings (its data would be lost)"
    );
}

#[test]
fn a_cell_without_a_header_or_holding_an_error_is_refused_with_its_column() {
    let mut book = Workbook::new();
    let u = book.add_worksheet();
    u.set_name("units").unwrap();
    u.write_row(0, 0, ["id", "name", "kind"]).unwrap();
    u.write_row(1, 0, ["acme", "某科技有限公司", "enterprise", "lost?"]).unwrap();
    assert_eq!(
        load(&book.save_to_buffer().unwrap()).unwrap_err(),
        "sheet units row 2: column 4 (cell D2) has no header; its cell would be lost"
    );
    let mut book = Workbook::new();
    let u = book.add_worksheet();
    u.set_name("units").unwrap();
    u.write_row(0, 0, ["id", "name", "kind"]).unwrap();
    u.write_row(1, 0, ["acme", "某科技有限公司"]).unwrap();
    u.write_formula(1, 2, rust_xlsxwriter::Formula::new("=NA()").set_result("#N/A")).unwrap();
    let e = load(&book.save_to_buffer().unwrap()).unwrap_err();
    assert!(e.starts_with("sheet units row 2: column 3 (cell C2): the cell holds the spreadsheet error"), "{e}");
}

#[test]
fn not_a_workbook_and_a_path_by_extension() {
    let e = load(b"id,name,kind\n").unwrap_err();
    assert!(e.contains("not an .xlsx workbook"), "{e}");
    let dir = std::env::temp_dir().join(format!("tiaokuai-spreadsheets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("Model.XLSX");
    let model = Model::sample();
    model.save(&path).unwrap();
    assert!(std::fs::read(&path).unwrap().starts_with(b"PK"), "saved as a zip workbook");
    assert_eq!(Model::load(&path).unwrap(), model);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_gb18030_file_read_as_utf8_says_how_and_a_bad_sequence_is_located() {
    let dir = std::env::temp_dir().join(format!("tiaokuai-gb18030-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = "id,name,kind\n310113003,友谊路街道,street\n";
    std::fs::write(dir.join("territories.csv"), encoding_rs::GB18030.encode(text).0).unwrap();
    let e = Model::from_csv_dir(&dir).unwrap_err().to_string();
    assert!(e.contains("invalid UTF-8; a CSV file saved by Excel in China is usually GB18030/GBK"), "{e}");
    let options = LoadOptions::default().encoding(Encoding::Gb18030);
    let model = Model::from_csv_dir_with(&dir, &options).unwrap();
    assert_eq!(model.name(model.node("310113003").unwrap()), "友谊路街道");
    let mut bytes = encoding_rs::GB18030.encode("id,name,kind\n1,ok,street\n2,坏").0.into_owned();
    bytes.extend_from_slice(b"\xFF\xFF,street\n");
    std::fs::write(dir.join("territories.csv"), bytes).unwrap();
    let e = Model::from_csv_dir_with(&dir, &options).unwrap_err().to_string();
    assert!(e.starts_with("territories.csv line 3: column 4: bytes FF are not valid GB18030"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The size limit bounds what a workbook unpacks to, not only its file: a workbook far
/// smaller than the limit that unpacks to more is refused before anything is unpacked.
#[test]
fn the_size_limit_bounds_what_a_workbook_unpacks_to() {
    let bytes = Model::sample().to_xlsx_bytes().unwrap();
    let file = bytes.len() as u64;
    // The sample's workbook unpacks to several times its size (its XML compresses well).
    let limit = file * 2;
    match Model::from_xlsx_bytes_with(&bytes, &LoadOptions::default().max_bytes(limit)) {
        Err(tiaokuai::Error::TooLarge { size, limit: l }) => {
            assert_eq!(l, limit);
            assert!(size > limit, "declared {size} bytes");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    // Under a limit above what it unpacks to, it loads.
    assert!(Model::from_xlsx_bytes_with(&bytes, &LoadOptions::default().max_bytes(file * 100)).is_ok());
    // A directory claiming one huge part (a zip bomb's header) is refused the same way.
    let mut bomb = bytes.clone();
    let central = bomb.windows(4).position(|w| w == [0x50, 0x4b, 0x01, 0x02]).unwrap();
    bomb[central + 24..central + 28].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    assert!(matches!(
        Model::from_xlsx_bytes_with(&bomb, &LoadOptions::default()),
        Err(tiaokuai::Error::TooLarge { .. })
    ));
}
