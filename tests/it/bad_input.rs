//! One fixture per kind of bad input under `tests/fixtures/bad/<case>/`:
//! files overlaid on the `minimal` site, and `expected.txt` listing what the
//! report must contain (message, `file:line:column`, hint), one per line; a
//! line starting with `!` is what it must not contain.

use std::fs;

use crate::support::{assert_has, fixtures, ketqua, site};

fn cases() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(fixtures().join("bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_bad_input_is_reported_with_its_location_and_never_builds() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 15, "fixtures missing: {cases:?}");
    for case in &cases {
        let overlay = fixtures().join("bad").join(case);
        let dir = site(&[&overlay.join("site")]);
        let expected = fs::read_to_string(overlay.join("expected.txt")).unwrap();

        let check = ketqua(dir.path(), &["check"]);
        if check.code != 1 {
            failures.push(format!(
                "{case}: check exited {} \n{}",
                check.code, check.stderr
            ));
        }
        failures.extend(crate::support::unmet(case, &check.stderr, &expected));

        let build = ketqua(dir.path(), &["build"]);
        if build.code != 1 || dir.path().join("public").exists() {
            failures.push(format!(
                "{case}: build exited {} or wrote public/",
                build.code
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let dir = site(&[]);
    let xa = dir.path().join("content/units/xa-b/unit.toml");
    fs::write(
        &xa,
        "name = \"Xã B\"\nlevel = \"grassroots\"\nparent = \"huyen-x\"\nmemebrs = 1\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("content/units/huyen-a/report.md"),
        "Văn bản.[^9]\n",
    )
    .unwrap();
    let run = ketqua(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert_has(&run.stderr, "khóa `memebrs` không được biết");
    assert_has(&run.stderr, "chú thích `[^9]` chưa được định nghĩa");
    assert_has(&run.stderr, "kiểm tra không đạt: 2 lỗi");
}

#[test]
fn a_missing_site_toml_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let run = ketqua(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert_has(&run.stderr, "không có site.toml");
}

#[test]
fn a_template_error_names_the_template_and_line_and_keeps_the_old_output() {
    let dir = site(&[]);
    let first = ketqua(dir.path(), &["build"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let before = crate::support::snapshot(&dir.path().join("public"));

    fs::create_dir_all(dir.path().join("templates")).unwrap();
    fs::write(
        dir.path().join("templates/404.html"),
        "<!doctype html>\n<title>x</title>\n<p>{{ khong_co }}</p>\n",
    )
    .unwrap();
    let run = ketqua(dir.path(), &["build"]);
    assert_eq!(run.code, 1);
    assert_has(&run.stderr, "templates/404.html:3:");
    assert_has(&run.stderr, "undefined");
    assert_eq!(before, crate::support::snapshot(&dir.path().join("public")));
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = site(&[]);
    let xa = dir.path().join("content/units/xa-b/unit.toml");
    let text = std::fs::read_to_string(&xa).unwrap()
        + "\n[[indicators]]\nid = \"3\"\ndescription = \"Đảng bộ, 90% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ\"\ntarget = \">= 90%\"\n\n[[indicators.parts]]\nid = \"3a\"\ndescription = \"90% tổ chức cơ sở đảng\"\ntarget = \">= 90%\"\nactual = 91.6\n";
    fs::write(&xa, text).unwrap();
    let check = ketqua(dir.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_has(&check.stderr, "cảnh báo: chỉ tiêu `3` có các phần");
    assert_has(&check.stderr, "content/units/xa-b/unit.toml:9:10");
    assert_eq!(ketqua(dir.path(), &["check", "--deny-warnings"]).code, 1);
    let build = ketqua(dir.path(), &["build"]);
    assert_eq!(build.code, 0);
    // The fixture has one warning of its own (a stated result that disagrees).
    assert_has(&build.stdout, "2 cảnh báo");
    let strict = dir.path().join("strict");
    let denied = ketqua(
        dir.path(),
        &["build", "--deny-warnings", "-o", strict.to_str().unwrap()],
    );
    assert_eq!(denied.code, 1);
    assert!(!strict.exists());
}
