//! `ketqua import report`: the Word documents of tests/fixtures/import/
//! (made by LibreOffice from the seeds by make.py there) read into units.

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{assert_has, example_site, ketqua, read};

fn fixture(name: &str) -> PathBuf {
    crate::support::fixtures().join("import").join(name)
}

fn import(root: &Path, file: &Path, extra: &[&str]) -> crate::support::Run {
    let file = file.to_string_lossy().into_owned();
    let mut args = vec!["import", "report", file.as_str()];
    args.extend_from_slice(extra);
    ketqua(root, &args)
}

/// Text up to whitespace: every run of whitespace as one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The example's report.md as the import can give it back: without the
/// `{.public}` marks (ketqua's, not the document's) and without the
/// closing block (Nơi nhận and the signer), which the import moves into
/// unit.toml instead of the text.
fn reachable_report(example: &str) -> String {
    let text = example.replace(" {.public}", "");
    let start = text
        .find("**Nơi nhận:**")
        .expect("the example has a closing block");
    let end = text
        .find("## PHỤ LỤC")
        .expect("the example has an appendix");
    format!("{}{}", &text[..start], &text[end..])
}

fn toml_of(path: &Path) -> toml::Table {
    read(path).parse().expect("unit.toml is TOML")
}

fn indicators(unit: &toml::Table) -> Vec<toml::Table> {
    let mut out = Vec::new();
    for item in unit
        .get("indicators")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let table = item.as_table().expect("an indicator is a table").clone();
        out.push(table.clone());
        for part in table
            .get("parts")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            out.push(part.as_table().expect("a part is a table").clone());
        }
    }
    out
}

fn text_of(t: &toml::Table, key: &str) -> Option<String> {
    match t.get(key)? {
        toml::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

#[test]
fn importing_seed_004_gives_the_example_khoi_unit() {
    let site = example_site();
    let root = site.path();
    let folder = root.join("content/units/dang-bo-khoi");
    let example_report = read(&folder.join("report.md"));
    let example_unit = toml_of(&folder.join("unit.toml"));
    fs::remove_dir_all(&folder).unwrap();

    let run = import(
        root,
        &fixture("khoi-004.docx"),
        &[
            "--unit",
            "dang-bo-khoi",
            "--level",
            "district",
            "--parent",
            "tinh-lai-chau",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_has(&run.stdout, "49 chú thích, 8 chỉ tiêu (10 phần)");

    // The report: the same text, headings, numbering and 49 footnotes in
    // order, up to whitespace.
    let imported = read(&folder.join("report.md"));
    assert_eq!(words(&imported), words(&reachable_report(&example_report)));
    let notes: Vec<&str> = imported.lines().filter(|l| l.starts_with("[^")).collect();
    assert_eq!(notes.len(), 49);
    for (k, line) in notes.iter().enumerate() {
        assert!(line.starts_with(&format!("[^{}]: ", k + 1)), "{line}");
    }
    assert_has(&imported, "## I- BỐI CẢNH THỰC HIỆN NGHỊ QUYẾT");
    assert_has(&imported, "\n1. Bám sát phương hướng");
    assert_has(&imported, "\n- Nguyên nhân khách quan:");

    // The header and closing blocks.
    let unit = toml_of(&folder.join("unit.toml"));
    for key in [
        "level",
        "parent",
        "conference_date",
        "signer",
        "signer_title",
    ] {
        assert_eq!(unit.get(key), example_unit.get(key), "{key}");
    }
    // The name is the issuing body's, in sentence case: "Khối" loses its
    // capital (nothing tells a proper noun in a line of capitals).
    assert_eq!(
        text_of(&unit, "name").map(|n| n.to_lowercase()),
        text_of(&example_unit, "name").map(|n| n.to_lowercase())
    );
    // The seed has no document number: none is invented.
    assert_eq!(unit.get("document_number"), None);

    // The indicators: the same ids, targets, figures and stated results,
    // but where the example's editor decided what the report leaves open.
    let got = indicators(&unit);
    let want = indicators(&example_unit);
    let ids = |list: &[toml::Table]| -> Vec<String> {
        list.iter().filter_map(|t| text_of(t, "id")).collect()
    };
    assert_eq!(ids(&got), ids(&want));
    for (g, w) in got.iter().zip(&want) {
        let id = text_of(g, "id").unwrap_or_default();
        let target = |t: &toml::Table| {
            text_of(t, "target").map(|s| ketqua::parse_target(&s).expect("a target that reads"))
        };
        match id.as_str() {
            // One shared cell, "Đảng bộ Khối, 90% tổ chức cơ sở đảng, 95% đảng
            // viên …", holds three targets: none is read.
            "3a" | "3b" | "3c" => assert_eq!(target(g), None, "{id}"),
            // "Kết nạp 100 đảng viên trở lên" reads `>= 100`; the example's
            // `>= 100/năm` is its editor's reading of the "Vượt 1,6%".
            "4" => assert_eq!(text_of(g, "target").as_deref(), Some(">= 100")),
            _ => assert_eq!(target(g), target(w), "{id}"),
        }
        let figure = |t: &toml::Table| match t.get("actual") {
            Some(toml::Value::String(s)) => Some(ketqua::parse_figure(s).expect("a figure")),
            Some(toml::Value::Integer(n)) => Some(ketqua::parse_figure(&n.to_string()).unwrap()),
            Some(toml::Value::Float(x)) => {
                Some(ketqua::parse_figure(&x.to_string().replace('.', ",")).unwrap())
            }
            _ => None,
        };
        match id.as_str() {
            // "02 năm HTNV; 01 năm HTTNV" against a yes/no duty: the example's
            // `false` is a judgement, never guessed.
            "3a" => assert_eq!(g.get("actual"), None),
            _ => assert_eq!(figure(g), figure(w), "{id}"),
        }
        assert_eq!(g.get("stated"), w.get("stated"), "{id}");
        // The note is the result's text; the example's editor added an
        // explanation after it to three of them.
        if let (Some(gn), Some(wn)) = (text_of(g, "note"), text_of(w, "note")) {
            assert!(wn.starts_with(&gn), "{id}: {gn} / {wn}");
        }
    }

    // What the import writes passes `check`, which says what is left to a
    // person: the targets of 3b and 3c.
    let check = ketqua(root, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    for id in ["3b", "3c"] {
        assert_has(
            &check.stderr,
            &format!(
                "chỉ tiêu `{id}` có số liệu nhưng không có chỉ tiêu để so: chưa được đánh giá"
            ),
        );
    }
}

#[test]
fn an_existing_unit_is_not_overwritten_without_force_and_keeps_its_keys_with_it() {
    let site = example_site();
    let root = site.path();
    let folder = root.join("content/units/dang-bo-khoi");
    let before = read(&folder.join("unit.toml"));
    let report_before = read(&folder.join("report.md"));

    let run = import(root, &fixture("khoi-004.docx"), &["--unit", "dang-bo-khoi"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_has(&run.stderr, "lỗi: đơn vị `dang-bo-khoi` đã có; chưa ghi gì");
    assert_has(&run.stderr, "report.md: ");
    assert_eq!(read(&folder.join("unit.toml")), before);
    assert_eq!(read(&folder.join("report.md")), report_before);

    let run = import(
        root,
        &fixture("khoi-004.docx"),
        &["--unit", "dang-bo-khoi", "--force"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let after = read(&folder.join("unit.toml"));
    // Comments, the keys the document does not give and the editor's
    // indicator keys are kept; the editor's target of 4 is replaced by the
    // document's words.
    assert_has(&after, "# Văn bản gốc không ghi số, ký hiệu văn bản");
    assert_has(&after, "members = 3322");
    assert_has(
        &after,
        "name = \"Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh\"",
    );
    assert_has(&after, "group = \"Xây dựng Đảng\"");
    assert_has(&after, "target = \">= 100\"");
    assert_has(&after, "denominator = \"organisations\"");
    let check = ketqua(root, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn a_document_without_heading_styles_takes_its_headings_from_the_outline() {
    let site = example_site();
    let root = site.path();
    let run = import(
        root,
        &fixture("plain-000.docx"),
        &["--unit", "ke-hoach", "--level", "province"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = read(&root.join("content/units/ke-hoach/report.md"));
    assert_has(&report, "## I. MỤC ĐÍCH, YÊU CẦU\n");
    assert_has(&report, "### 1. Mục đích\n");
    assert_has(&report, "#### 1.1. Yêu cầu chung\n");
    // "a)" is no heading; a footnote of two paragraphs, with its italic.
    assert_has(&report, "**a) Đối với cấp tỉnh**");
    assert_has(
        &report,
        "[^1]: Theo Hướng dẫn số 12-HD/TU, *đã sửa đổi*.\n\n    Đoạn thứ hai",
    );
    let unit = read(&root.join("content/units/ke-hoach/unit.toml"));
    assert_has(&unit, "document_number = \"Số 152-KH/TU\"");
    assert_has(&unit, "conference_date = 2023-02-27");
}

#[test]
fn bad_files_get_clear_errors() {
    let cases = [
        (
            "legacy.doc",
            "this is a Word 97–2003 document (.doc), not a .docx",
            "soffice --headless --convert-to docx FILE",
        ),
        (
            "report.pdf",
            "this is a PDF, not a Word document",
            "the Word file the PDF was made from",
        ),
        (
            "encrypted.docx",
            "the document is protected by a password",
            "save a copy without one",
        ),
        (
            "truncated.docx",
            "the file is damaged or cut short",
            "ask for the file again",
        ),
        (
            "corrupt.docx",
            "the file is damaged or cut short: word/document.xml",
            "ask for the file again",
        ),
        (
            "bomb.docx",
            "`word/document.xml` expands past 32 MiB",
            "at most 32 MiB per part",
        ),
        (
            "empty.docx",
            "the document has no text in its body",
            "An empty template",
        ),
        (
            "not-word.docx",
            "not a Word document: this is a spreadsheet (.xlsx) in a .docx file",
            "ketqua import figures",
        ),
    ];
    let site = example_site();
    let root = site.path();
    // In Vietnamese, the example's language.
    let file = fixture("bad").join("legacy.doc");
    let run = import(root, &file, &["--unit", "bad", "--level", "branch"]);
    assert_has(
        &run.stderr,
        &format!(
            "lỗi: {}: đây là văn bản Word 97–2003 (.doc), không phải .docx",
            file.display()
        ),
    );
    assert_has(&run.stderr, "= gợi ý: chuyển đổi bằng `soffice");
    // In English where the site is.
    crate::support::english(root);
    for (name, message, hint) in cases {
        let file = fixture("bad").join(name);
        let run = import(root, &file, &["--unit", "bad", "--level", "branch"]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert_has(
            &run.stderr,
            &format!("error: {}: {message}", file.display()),
        );
        assert_has(&run.stderr, "= help: ");
        assert_has(&run.stderr, hint);
        assert!(!root.join("content/units/bad").exists(), "{name}");
    }
}

#[test]
fn a_new_unit_needs_a_level_and_a_site() {
    let site = example_site();
    let run = import(site.path(), &fixture("khoi-004.docx"), &["--unit", "moi"]);
    assert_eq!(run.code, 1);
    assert_has(&run.stderr, "`moi` là đơn vị mới nên cần ghi cấp");
    let run = import(
        site.path(),
        &fixture("khoi-004.docx"),
        &["--unit", "moi", "--level", "huyen"],
    );
    assert_has(&run.stderr, "không có cấp `huyen`");
    let empty = tempfile::tempdir().unwrap();
    let run = import(
        empty.path(),
        &fixture("khoi-004.docx"),
        &["--unit", "moi", "--level", "branch"],
    );
    assert_eq!(run.code, 1);
    assert_has(&run.stderr, "site.toml: không tìm thấy");
}

#[test]
fn every_cut_of_a_real_document_is_an_error_or_a_report_never_a_panic() {
    let bytes = fs::read(fixture("khoi-004.docx")).unwrap();
    for len in (0..bytes.len()).step_by(997) {
        let _ = ketqua::read_report(bytes[..len].to_vec());
    }
    // And bytes flipped through the zip's directory.
    for at in (bytes.len().saturating_sub(2000)..bytes.len()).step_by(61) {
        let mut copy = bytes.clone();
        copy[at] ^= 0xFF;
        let _ = ketqua::read_report(copy);
    }
}

fn figures(root: &Path, name: &str, extra: &[&str]) -> crate::support::Run {
    let file = fixture(name).to_string_lossy().into_owned();
    let mut args = vec!["import", "figures", file.as_str()];
    args.extend_from_slice(extra);
    ketqua(root, &args)
}

#[test]
fn figures_from_xlsx_ods_and_csv_are_listed_then_written_keeping_the_files_comments() {
    let site = example_site();
    let root = site.path();
    let khoi = root.join("content/units/dang-bo-khoi/unit.toml");
    let before = read(&khoi);
    let expected = [
        "dang-bo-khoi  1  actual: từ 98 thành 98.5",
        "dang-bo-khoi  3b  actual: từ 91.6 thành 92",
        "dang-bo-khoi  5b  actual: từ \"41/71\" thành \"42/71\"",
        "chi-bo-phong-ky-thuat  3  actuals.2022: từ 1 thành 3",
    ];
    // The same long sheet, from three kinds of file: listed, not written.
    for name in ["figures.xlsx", "figures.ods", "figures.csv"] {
        let run = figures(root, name, &[]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(lines, expected, "{name}");
        assert_has(&run.stderr, "4 thay đổi; chạy lại với --write");
        assert_eq!(read(&khoi), before);
    }
    // The wide sheet, its header on two rows under a merged "Chỉ tiêu":
    // only the figure that differs.
    let run = figures(root, "figures.xlsx", &["--sheet", "Rộng"]);
    assert_eq!(
        run.stdout.lines().collect::<Vec<_>>(),
        ["dang-bo-khoi  1  actual: từ 98 thành 98.5"]
    );

    let run = figures(root, "figures.ods", &["--write"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = read(&khoi);
    assert_has(&after, "# Văn bản gốc không ghi số, ký hiệu văn bản");
    assert_has(&after, "actual = 98.5\n");
    assert_has(&after, "actual = \"42/71\"\n");
    assert_eq!(after.lines().count(), before.lines().count());
    let kt = read(&root.join("content/units/chi-bo-phong-ky-thuat/unit.toml"));
    assert_has(&kt, "2022 = 3");
    // Written once, nothing is left to change.
    let again = figures(root, "figures.ods", &[]);
    assert_eq!((again.code, again.stdout.as_str()), (0, ""));
    let check = ketqua(root, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn every_problem_of_a_sheet_names_its_cell_and_nothing_is_written() {
    let site = example_site();
    let root = site.path();
    let khoi = root.join("content/units/dang-bo-khoi/unit.toml");
    let before = read(&khoi);
    let run = figures(root, "figures-bad.csv", &["--write"]);
    assert_eq!(run.code, 1);
    assert_has(&run.stderr, "nhập thất bại: 4 lỗi; chưa ghi gì");
    // In English where the site is.
    crate::support::english(root);
    let run = figures(root, "figures-bad.csv", &["--write"]);
    assert_eq!(run.code, 1);
    let file = fixture("figures-bad.csv").display().to_string();
    for expected in [
        format!(
            "error: {file}: A2: unknown unit `Đảng bộ Khôi X`\n  = help: did you mean `dang-bo-khoi`?"
        ),
        format!("error: {file}: B3: unit `dang-bo-khoi` has no indicator `9`"),
        format!(
            "error: {file}: A4: `Đảng bộ xã Ban Giang` names more than one unit: xa-ban-giang, xa-ban-giang-phong-tho"
        ),
        format!("error: {file}: C5: `15.1915`: `15.1915` is not a Vietnamese number"),
    ] {
        assert_has(&run.stderr, &expected);
    }
    assert_has(
        &run.stderr,
        "import failed: 4 problem(s); nothing was written",
    );
    assert_eq!(read(&khoi), before);
}
