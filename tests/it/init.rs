//! `ketqua init` makes a site that checks clean and builds at once.

use crate::support::{assert_has, build_ok, ketqua, read};

#[test]
fn init_creates_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("trang-moi");
    let run = ketqua(tmp.path(), &["init", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let check = ketqua(&dir, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert_has(&check.stderr, "0 lỗi, 0 cảnh báo");
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
    assert_has(&run.stderr, "not empty");
}

#[test]
fn init_onto_a_file_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("site.toml");
    std::fs::write(&file, "x").unwrap();
    let run = ketqua(tmp.path(), &["init", file.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert_has(&run.stderr, &file.display().to_string());
    assert_has(&run.stderr, "is a file");
    assert_eq!(read(&file), "x");
}

#[test]
fn init_puts_a_relative_folder_inside_the_c_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let name = "ketqua-init-relative-to-c";
    let run = ketqua(tmp.path(), &["init", name]);
    // Were it taken from the current folder, do not leave it there.
    let stray = std::path::Path::new(name);
    let strayed = stray.exists();
    if strayed {
        std::fs::remove_dir_all(stray).unwrap();
    }
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!strayed, "init ignored -C");
    let dir = tmp.path().join(name);
    assert!(dir.join("site.toml").is_file());
    assert_has(&run.stdout, &dir.display().to_string());
    build_ok(&dir);
}
