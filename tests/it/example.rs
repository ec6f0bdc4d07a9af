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
