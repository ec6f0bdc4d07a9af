//! The example site of the repository (built from the real documents) checks
//! without errors and builds.

use crate::support::{example_site, ketqua, read};

#[test]
fn example_site_builds_with_the_real_report() {
    let tmp = example_site();
    let run = ketqua(tmp.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = tmp.path().join("public");
    let khoi = read(&out.join("units/dang-bo-khoi.html"));
    // The whole report of seed 004 with all its 49 footnotes, renumbered in order.
    assert!(khoi.contains("id=\"bc-fn-49\""), "fewer than 49 footnotes");
    assert!(!khoi.contains("id=\"bc-fn-50\""), "more than 49 footnotes");
    assert!(khoi.contains("Vũ Văn Lương"));
    assert!(khoi.contains("3.322"));
}

/// The real report contradicts itself; `check` finds each of the
/// inconsistencies the domain notes list, in the report and its appendix.
#[test]
fn check_finds_the_real_reports_inconsistencies() {
    let tmp = example_site();
    let repo = tmp.path();
    let run = ketqua(repo, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for expected in [
        // "15.915/15.1915 lượt cá nhân…" (footnote 31).
        "“15.1915” is not a Vietnamese number",
        // 71 organisations in unit.toml and in the text, 74 and 77 elsewhere.
        "this text gives 74 party organisations (chi, đảng bộ) in all, but unit.toml says `organisations = 71`",
        "77 party organisations (chi, đảng bộ cơ sở) is more than the unit's 71 in all",
        // The appendix: "Đạt" for 98% against > 95%; "Vượt 1,6%" for 1,67%.
        "indicator `1`: the report states “Đạt” but 98% against the target > 95% is vượt (exceeded)",
        "indicator `4`: the report states “Vượt 1,6%” but the figures give vượt 1,67%",
        "indicator `5b`: the report states “Đạt 96,16% so với nghị quyết”",
    ] {
        assert!(
            run.stderr.contains(expected),
            "missing `{expected}` in:\n{}",
            run.stderr
        );
    }
    // The correct ones are not flagged.
    assert!(!run.stderr.contains("41/71 is"), "{}", run.stderr);
    assert!(!run.stderr.contains("71/71 is"), "{}", run.stderr);
    assert!(!run.stderr.contains("indicator `3b`"), "{}", run.stderr);
    // A strict build refuses to publish them.
    assert_eq!(ketqua(repo, &["check", "--deny-warnings"]).code, 1);
}
