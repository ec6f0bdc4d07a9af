//! `ketqua init` makes a site that checks clean and builds at once.

use crate::support::{build_ok, ketqua, read};

#[test]
fn init_creates_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("trang-moi");
    let run = ketqua(tmp.path(), &["init", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let check = ketqua(&dir, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stderr.contains("0 errors, 0 warnings"),
        "{}",
        check.stderr
    );
    let out = build_ok(&dir);
    let home = read(&out.join("index.html"));
    assert!(home.contains("Kết quả sơ kết giữa nhiệm kỳ"));
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.txt"), "x").unwrap();
    let run = ketqua(tmp.path(), &["init", tmp.path().to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
}
