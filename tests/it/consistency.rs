//! One fixture per consistency check under `tests/fixtures/inconsistent/<case>/`:
//! files overlaid on the `minimal` site, and `expected.txt` listing what the
//! warning must say (message, `file:line:column`, label), one per line; a
//! line starting with `!` is what it must not contain.
//!
//! Inconsistencies are warnings: `check` and `build` succeed and say so,
//! `--deny-warnings` fails.

use std::fs;

use crate::support::{fixtures, ketqua, site};

#[test]
fn every_inconsistency_is_a_located_warning() {
    let root = fixtures().join("inconsistent");
    let mut cases: Vec<String> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 5, "fixtures missing: {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let overlay = root.join(case);
        let dir = site(&[&overlay.join("site")]);
        let expected = fs::read_to_string(overlay.join("expected.txt")).unwrap();
        let check = ketqua(dir.path(), &["check"]);
        if check.code != 0 {
            failures.push(format!(
                "{case}: check exited {}\n{}",
                check.code, check.stderr
            ));
        }
        failures.extend(crate::support::unmet(case, &check.stderr, &expected));
        if ketqua(dir.path(), &["check", "--deny-warnings"]).code != 1 {
            failures.push(format!("{case}: --deny-warnings did not fail"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_minimal_site_is_consistent_but_for_its_one_stated_result() {
    let dir = site(&[]);
    let check = ketqua(dir.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stderr.contains("0 lỗi, 1 cảnh báo"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("chỉ tiêu `5`: báo cáo ghi"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_second_top_level_unit_is_quiet_once_site_toml_declares_it() {
    // The unit whose parent was deleted (the `second-top-level` case), with
    // both top-level units declared in site.toml.
    let case = fixtures().join("inconsistent/second-top-level/site");
    let dir = site(&[&case]);
    let config = dir.path().join("site.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(
        &config,
        format!("top_level = [\"tinh\", \"huyen-a\"]\n{text}"),
    )
    .unwrap();
    let check = ketqua(dir.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        !check.stderr.contains("không có cấp trên"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("0 lỗi, 1 cảnh báo"),
        "{}",
        check.stderr
    );

    // Declaring only the province leaves the district unit named.
    fs::write(&config, format!("top_level = [\"tinh\"]\n{text}")).unwrap();
    let check = ketqua(dir.path(), &["check"]);
    assert!(
        check.stderr.contains(
            "`huyen-a` (đơn vị cấp district) không có cấp trên: đây là một đơn vị cấp cao nhất bên cạnh `tinh`"
        ),
        "{}",
        check.stderr
    );
}

/// A yes/no figure is worded in the site's language in messages ("không",
/// "no"), not as TOML writes it (`false`).
#[test]
fn a_yes_no_figure_in_a_message_is_in_the_sites_language() {
    let dir = site(&[]);
    let unit = dir.path().join("content/units/huyen-a/unit.toml");
    let mut text = fs::read_to_string(&unit).unwrap();
    text.push_str(
        "\n[[indicators]]\nid = \"9\"\ndescription = \"Có quy chế làm việc\"\n\
         target = \"yes\"\nactual = false\nstated = \"Đạt\"\n",
    );
    fs::write(&unit, text).unwrap();
    let vi = ketqua(dir.path(), &["check"]);
    assert!(
        vi.stderr.contains("“Đạt” nhưng không so với"),
        "{}",
        vi.stderr
    );
    crate::support::english(dir.path());
    let en = ketqua(dir.path(), &["check"]);
    assert!(en.stderr.contains("“Đạt” but no against"), "{}", en.stderr);
    assert!(!en.stderr.contains("false against"), "{}", en.stderr);
}
