//! The output holds only what is inside the site: a symbolic link in
//! content/, static/, a theme or a highlight's image that leads outside the
//! site folder, to nothing, or round in a loop is an error naming the link
//! and its target, the same in `check`, `build`, `build --public` and
//! `serve` (tests/it/serve.rs); a link inside the site is followed.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use crate::support::{assert_has, copy_tree, english, fixtures, ketqua, site};

/// A file outside any site, holding a canary.
fn outside_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("secret.txt");
    fs::write(&file, "BI-MAT-NGOAI-SITE").unwrap();
    (outside, file)
}

/// `check` and every build refuse the site with `expected` in the report,
/// and write nothing.
fn refused(root: &Path, expected: &[&str]) {
    english(root);
    let check = ketqua(root, &["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    for needle in expected {
        assert_has(&check.stderr, needle);
    }
    for (args, output) in [
        (&["build"][..], "public"),
        (&["build", "--public"], "press"),
    ] {
        let build = ketqua(root, args);
        assert_eq!(build.code, 1, "{args:?}: {}", build.stderr);
        for needle in expected {
            assert_has(&build.stderr, needle);
        }
        assert!(!root.join(output).exists(), "{args:?} wrote {output}/");
    }
}

#[test]
fn a_static_file_linked_from_outside_the_site_is_an_error_naming_link_and_target() {
    let dir = site(&[]);
    let (_outside, secret) = outside_file();
    fs::create_dir_all(dir.path().join("static")).unwrap();
    symlink(&secret, dir.path().join("static/passwd.txt")).unwrap();
    refused(
        dir.path(),
        &[
            &format!(
                "static/passwd.txt is a link to {}, outside the site folder",
                secret.display()
            ),
            "copy the file into the site",
        ],
    );
}

#[test]
fn a_linked_folder_leading_outside_is_an_error() {
    let dir = site(&[]);
    let (outside, _) = outside_file();
    fs::create_dir_all(dir.path().join("static")).unwrap();
    symlink(outside.path(), dir.path().join("static/docs")).unwrap();
    refused(
        dir.path(),
        &["static/docs is a link to", "outside the site folder"],
    );
}

#[test]
fn dangling_and_looping_links_are_errors() {
    let dir = site(&[]);
    let root = dir.path();
    fs::create_dir_all(root.join("static")).unwrap();
    symlink("khong-co.txt", root.join("static/dangling.txt")).unwrap();
    symlink("b.txt", root.join("static/a.txt")).unwrap();
    symlink("a.txt", root.join("static/b.txt")).unwrap();
    symlink(".", root.join("static/self")).unwrap();
    refused(
        root,
        &[
            "static/dangling.txt is a link to khong-co.txt, which does not exist",
            "static/a.txt is a link to b.txt that leads round in a loop",
            "static/b.txt is a link to a.txt that leads round in a loop",
            "static/self is a link to a folder that holds it",
        ],
    );
}

/// A unit folder that is a broken link used to vanish with `check` exiting 0.
#[test]
fn a_unit_folder_that_is_a_dangling_or_looping_link_is_an_error() {
    let dir = site(&[]);
    let units = dir.path().join("content/units");
    symlink("../khong-co", units.join("xa-mat")).unwrap();
    symlink("xa-vong", units.join("xa-vong")).unwrap();
    refused(
        dir.path(),
        &[
            "content/units/xa-mat is a link to ../khong-co, which does not exist",
            "content/units/xa-vong is a link to xa-vong that leads round in a loop",
        ],
    );
}

#[test]
fn content_linked_from_outside_is_an_error() {
    let dir = site(&[]);
    let (_outside, secret) = outside_file();
    let report = dir.path().join("content/units/xa-b/report.md");
    symlink(&secret, &report).unwrap();
    refused(
        dir.path(),
        &[
            "content/units/xa-b/report.md is a link to",
            "outside the site folder",
        ],
    );
}

#[test]
fn a_theme_folder_linked_from_outside_is_an_error() {
    let dir = site(&[]);
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir_all(outside.path().join("static")).unwrap();
    fs::write(outside.path().join("static/x.css"), "body{}").unwrap();
    fs::create_dir_all(dir.path().join("themes")).unwrap();
    symlink(outside.path(), dir.path().join("themes/ngoai")).unwrap();
    let toml = dir.path().join("site.toml");
    let text = fs::read_to_string(&toml).unwrap();
    fs::write(&toml, format!("theme = \"ngoai\"\n{text}")).unwrap();
    refused(
        dir.path(),
        &["themes/ngoai is a link to", "outside the site folder"],
    );
}

#[test]
fn a_highlight_image_linked_from_outside_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("public"), dir.path());
    let (_outside, secret) = outside_file();
    let image = dir.path().join("content/highlights/cong-khai.png");
    fs::remove_file(&image).unwrap();
    symlink(&secret, &image).unwrap();
    english(dir.path());
    let check = ketqua(dir.path(), &["--today", "2024-01-01", "check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert_has(
        &check.stderr,
        "content/highlights/cong-khai.png is a link to",
    );
    let build = ketqua(dir.path(), &["--today", "2024-01-01", "build", "--public"]);
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert!(!dir.path().join("press").exists());
}

#[test]
fn a_link_inside_the_site_is_followed() {
    let dir = site(&[]);
    let root = dir.path();
    fs::create_dir_all(root.join("static/docs")).unwrap();
    fs::write(root.join("static/docs/that.txt"), "trong site").unwrap();
    symlink("docs/that.txt", root.join("static/alias.txt")).unwrap();
    symlink("docs", root.join("static/also")).unwrap();
    let out = crate::support::build_ok(root);
    assert_eq!(
        fs::read_to_string(out.join("alias.txt")).unwrap(),
        "trong site"
    );
    assert_eq!(
        fs::read_to_string(out.join("also/that.txt")).unwrap(),
        "trong site"
    );
}
