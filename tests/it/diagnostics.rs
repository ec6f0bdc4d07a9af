//! How problems are printed: `build -q` (one line each, warnings included,
//! nothing for a clean build); the cause first (errors that only follow
//! from a file that could not be read are suppressed and counted); bounded
//! output (a long source line cut around the caret, at most N problems of
//! one kind); CR, LF and CRLF line ends with the right positions.

use std::fs;
use std::path::Path;

use crate::support::{assert_has, english, fixtures, ketqua, site};

/// The `minimal` fixture without its one warning (a stated result), in
/// English.
fn clean_site(overlays: &[&Path]) -> tempfile::TempDir {
    let dir = site(overlays);
    english(dir.path());
    let unit = dir.path().join("content/units/huyen-a/unit.toml");
    let text = fs::read_to_string(&unit).unwrap();
    fs::write(
        &unit,
        text.replace("stated = \"Đạt 96,16% so với nghị quyết\"\n", ""),
    )
    .unwrap();
    dir
}

fn malformed_number() -> tempfile::TempDir {
    let case = fixtures().join("inconsistent/report-malformed-number/site");
    clean_site(&[&case])
}

#[test]
fn quiet_build_prints_each_warning_on_one_line_with_the_count() {
    let dir = malformed_number();
    let run = ketqua(dir.path(), &["build", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert!(
        lines[0].starts_with("content/units/huyen-a/report.md:7:56: warning: “15.1915”"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "built: 0 errors, 1 warning");
}

#[test]
fn quiet_build_of_a_clean_site_prints_nothing() {
    let dir = clean_site(&[]);
    let run = ketqua(dir.path(), &["build", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
}

#[test]
fn quiet_failed_build_prints_one_line_per_problem() {
    let dir = clean_site(&[]);
    let unit = dir.path().join("content/units/xa-b/unit.toml");
    let text = fs::read_to_string(&unit).unwrap();
    fs::write(&unit, format!("{text}memebrs = 3\n")).unwrap();
    let run = ketqua(dir.path(), &["build", "-q"]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert_eq!(
        lines[0],
        "content/units/xa-b/unit.toml:5:1: error: unknown key `memebrs`"
    );
    assert!(lines[1].starts_with("build failed: 1 error, 0 warnings"));
}

/// A type error in a unit.toml used to print first three "no unit" errors
/// from the highlights (with a wrong "did you mean"), and the children's
/// parent references went silently.
#[test]
fn a_unit_that_cannot_be_read_is_the_one_error_and_its_references_are_suppressed() {
    let dir = clean_site(&[]);
    let root = dir.path();
    let unit = root.join("content/units/huyen-a/unit.toml");
    let text = fs::read_to_string(&unit).unwrap();
    fs::write(
        &unit,
        text.replace("members = 3322", "members = \"ba nghìn\""),
    )
    .unwrap();
    fs::create_dir_all(root.join("content/highlights")).unwrap();
    for slug in ["mot", "hai"] {
        fs::write(
            root.join(format!("content/highlights/{slug}.md")),
            "+++\ntitle = \"T\"\nunit = \"huyen-a\"\nkind = \"result\"\nsummary = \"S\"\ndate = 2023-07-01\n+++\nVăn bản.\n",
        )
        .unwrap();
    }
    let run = ketqua(root, &["check"]);
    assert_eq!(run.code, 1);
    assert_has(
        &run.stderr,
        "invalid type: string \"ba nghìn\", expected a whole number",
    );
    assert!(!run.stderr.contains("no unit `huyen-a`"), "{}", run.stderr);
    assert!(!run.stderr.contains("did you mean"), "{}", run.stderr);
    // Two highlights and one child (xa-b) name the unit.
    assert_has(
        &run.stderr,
        "check failed: 1 error, 0 warnings (3 suppressed: they follow from the errors shown)",
    );
}

#[test]
fn a_catalogue_that_cannot_be_read_is_the_one_error() {
    let dir = clean_site(&[]);
    let catalogue = dir.path().join("indicators.toml");
    let text = fs::read_to_string(&catalogue).unwrap();
    fs::write(&catalogue, format!("{text}\n[[indicator]]\nid = 5\n")).unwrap();
    let run = ketqua(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert_has(&run.stderr, "indicators.toml:");
    assert!(!run.stderr.contains("in the catalogue"), "{}", run.stderr);
    assert!(!run.stderr.contains("has no description"), "{}", run.stderr);
    assert_has(&run.stderr, "check failed: 1 error, 0 warnings (");
    assert_has(&run.stderr, " suppressed: ");
}

/// The preview's overlay shows the cause, not what follows from it.
/// A site.toml that cannot be read is the cause: the dates its defaults
/// would give (a cut-off of 1/1/2000) are not told as problems of the units.
#[test]
fn a_site_toml_that_cannot_be_read_hides_what_its_defaults_would_say() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::copy_example(dir.path());
    let config = dir.path().join("site.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("unknown_key = 1\n{text}")).unwrap();
    let run = ketqua(dir.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_has(&run.stderr, "site.toml:1:1");
    // The example's periods end in 2022, after a default cut-off.
    assert!(!run.stderr.contains("1/1/2000"), "{}", run.stderr);
    assert_has(&run.stderr, "vấn đề không in: là hệ quả của");
}

#[test]
fn the_overlay_shows_the_cause() {
    let dir = clean_site(&[]);
    let unit = dir.path().join("content/units/huyen-a/unit.toml");
    let text = fs::read_to_string(&unit).unwrap();
    fs::write(&unit, text.replace("members = 3322", "members = \"x\"")).unwrap();
    let (preview, _) = ketqua::Preview::new(dir.path(), jiff::civil::date(2023, 9, 1), false);
    let problems = preview.output().problems.clone().unwrap_or_default();
    assert!(problems.starts_with("error: invalid type"), "{problems}");
    assert!(problems.contains("1 suppressed"), "{problems}");
}

/// A report paragraph is one source line: the problem shows a window of it.
#[test]
fn a_long_source_line_is_cut_around_the_caret() {
    let dir = clean_site(&[]);
    let report = dir.path().join("content/units/huyen-a/report.md");
    let filler = "Chi bộ sinh hoạt đều đặn theo quy định. ".repeat(100);
    fs::write(
        &report,
        format!("# Báo cáo\n\n{filler}Có 15.915/15.1915 lượt. {filler}\n"),
    )
    .unwrap();
    let run = ketqua(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let column = filler.chars().count() + "Có 15.915/".chars().count() + 1;
    assert_has(&run.stderr, &format!("report.md:3:{column}"));
    assert_has(&run.stderr, "…");
    assert_has(&run.stderr, "15.1915");
    let longest = run.stderr.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(
        longest < 200,
        "a line of {longest} characters:\n{}",
        run.stderr
    );
    assert!(run.stderr.len() < 2000, "{}", run.stderr.len());
}

fn many_malformed_numbers(root: &Path, n: usize) {
    let report = root.join("content/units/huyen-a/report.md");
    let lines: String = (0..n)
        .map(|i| format!("Dòng {i}: có 15.1915 lượt.\n\n"))
        .collect();
    fs::write(&report, format!("# Báo cáo\n\n{lines}")).unwrap();
}

#[test]
fn at_most_max_diagnostics_of_one_kind_are_printed() {
    let dir = clean_site(&[]);
    many_malformed_numbers(dir.path(), 70);
    let count = |text: &str| text.matches("is not a Vietnamese number").count();
    let run = ketqua(dir.path(), &["check"]);
    assert_eq!(count(&run.stderr), 50, "{}", run.stderr);
    assert_has(&run.stderr, "… and 20 more like this");
    assert_has(&run.stderr, "70 warnings");
    let run = ketqua(dir.path(), &["check", "--max-diagnostics", "5"]);
    assert_eq!(count(&run.stderr), 5);
    assert_has(&run.stderr, "… and 65 more like this");
    let run = ketqua(dir.path(), &["check", "--max-diagnostics", "0"]);
    assert_eq!(count(&run.stderr), 70);
    assert!(!run.stderr.contains("more like this"));
    let run = ketqua(dir.path(), &["build", "-q", "--max-diagnostics", "3"]);
    assert_eq!(run.stderr.lines().count(), 3 + 1 + 1, "{}", run.stderr);
}

/// An old Mac export (CR only) used to render as one heading, its
/// footnotes reported undefined.
#[test]
fn cr_only_and_crlf_files_read_line_by_line() {
    let dir = clean_site(&[]);
    let root = dir.path();
    let report = root.join("content/units/huyen-a/report.md");
    fs::write(
        &report,
        "# Báo cáo\r\rĐoạn một.[^a]\r\r## Phần hai\r\rĐoạn hai.\r\r[^a]: Chú thích.\r",
    )
    .unwrap();
    let out = crate::support::build_ok(root);
    let page = fs::read_to_string(out.join("units/dang-bo-khoi.html")).unwrap();
    assert!(page.contains("href=\"#bc-phan-hai\""), "no second heading");
    assert!(page.contains("Chú thích."), "footnote missing");
    // Positions count CR-only and CRLF lines alike.
    for (end, name) in [("\r", "xa-b"), ("\r\n", "tinh")] {
        let unit = root.join(format!("content/units/{name}/unit.toml"));
        let text = fs::read_to_string(&unit).unwrap().replace('\n', end);
        fs::write(&unit, format!("{text}memebrs = 3{end}")).unwrap();
        let lines = text.matches(end).count();
        let run = ketqua(root, &["check"]);
        assert_has(
            &run.stderr,
            &format!("content/units/{name}/unit.toml:{}:1", lines + 1),
        );
        fs::write(&unit, text).unwrap();
    }
}

/// Messages are in the site's language: Vietnamese by default (the
/// severity, the message, the label, the hint and the summary), English
/// with `language = "en"`.
#[test]
fn messages_are_in_the_sites_language() {
    let dir = site(&[]);
    let unit = dir.path().join("content/units/xa-b/unit.toml");
    let text = fs::read_to_string(&unit).unwrap();
    fs::write(&unit, format!("{text}memebrs = 3\nparent2 = 1\n")).unwrap();
    let run = ketqua(dir.path(), &["check"]);
    for needle in [
        "lỗi: khóa `memebrs` không được biết",
        "không phải khóa của bảng này",
        "gợi ý: có phải là `members`?",
        "kiểm tra không đạt: 2 lỗi, 1 cảnh báo",
    ] {
        assert_has(&run.stderr, needle);
    }
    assert!(!run.stderr.contains("unknown key"), "{}", run.stderr);
    let quiet = ketqua(dir.path(), &["build", "-q"]);
    assert_has(
        &quiet.stderr,
        "content/units/xa-b/unit.toml:5:1: lỗi: khóa `memebrs` không được biết",
    );
    english(dir.path());
    let run = ketqua(dir.path(), &["check"]);
    for needle in [
        "error: unknown key `memebrs`",
        "not a key of this table",
        "help: did you mean `members`?",
        "check failed: 2 errors, 1 warning",
    ] {
        assert_has(&run.stderr, needle);
    }
}

/// The errors the issue found without a hint have one.
#[test]
fn every_error_named_in_the_issue_carries_a_hint() {
    let dir = clean_site(&[]);
    let root = dir.path();
    let xa = root.join("content/units/xa-b/unit.toml");
    fs::write(
        &xa,
        "name = \"Xã B\"\nlevel = \"grassroots\"\nparent = \"xa-b\"\nmembers = -3\n",
    )
    .unwrap();
    let tinh = root.join("content/units/tinh/unit.toml");
    let text = fs::read_to_string(&tinh).unwrap();
    fs::write(
        &tinh,
        text.replace("submitted = 2023-08-30", "submitted = 2023-13-30"),
    )
    .unwrap();
    fs::write(
        root.join("content/units/huyen-a/report.md"),
        "# Báo cáo\n\nVăn bản.[^khong-co]\n",
    )
    .unwrap();
    let run = ketqua(root, &["check", "--max-diagnostics", "0"]);
    let text = &run.stderr;
    for (message, hint) in [
        (
            "unit `xa-b` is its own parent",
            "leave `parent` out for the top unit",
        ),
        ("`members` cannot be negative", "0 or more"),
        ("invalid", "months 1–12"),
        ("footnote `[^khong-co]` is not defined", "define it"),
    ] {
        let at = text
            .find(message)
            .unwrap_or_else(|| panic!("no `{message}` in:\n{text}"));
        let rest = &text[at..];
        let end = rest[1..].find("\nerror").map_or(rest.len(), |n| n + 1);
        assert!(
            rest[..end].contains(hint),
            "`{message}` without its hint:\n{text}"
        );
    }
}
