//! `ketqua serve`: the in-memory site after any sequence of edits equals a
//! fresh build; the server over HTTP (pages, reload events, the error
//! overlay, refused paths); editors' ways of saving.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use ketqua::build::{self, BuildOptions, Silent};
use ketqua::serve::preview::{Change, Preview};

use crate::support::{copy_example, copy_tree, fixtures};

fn today() -> jiff::civil::Date {
    jiff::civil::date(2023, 9, 1)
}

/// What a fresh `ketqua build` of `root` writes, by path (without the
/// marker file).
fn fresh_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: out.path().join("site"),
        deny_warnings: false,
        today: today(),
    };
    if let Err(checked) = build::build(&options, &Silent) {
        panic!(
            "the fresh build failed:\n{}",
            checked.diagnostics.render(&checked.sources)
        );
    }
    crate::support::snapshot(&out.path().join("site"))
        .into_iter()
        .filter(|(path, _)| path != ".ketqua-build")
        .collect()
}

/// The paths whose bytes differ between two outputs.
fn differing(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let paths: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    paths
        .into_iter()
        .filter(|p| a.get(*p) != b.get(*p))
        .cloned()
        .collect()
}

/// An edit of the site folder, and the change the watcher reports for it.
struct Edit {
    what: &'static str,
    apply: Box<dyn Fn(&Path)>,
    change: Change,
    /// Whether the site still builds after it.
    good: bool,
}

fn reports(ids: &[&str]) -> Change {
    Change {
        reports: ids.iter().map(|s| s.to_string()).collect(),
        other: false,
    }
}

fn other() -> Change {
    Change {
        reports: BTreeSet::new(),
        other: true,
    }
}

fn unit_dir(root: &Path, id: &str) -> std::path::PathBuf {
    root.join("content").join("units").join(id)
}

fn append(path: std::path::PathBuf, text: &'static str) -> Box<dyn Fn(&Path)> {
    Box::new(move |root| {
        let path = root.join(&path);
        let mut old = fs::read_to_string(&path).unwrap();
        old.push_str(text);
        fs::write(&path, old).unwrap();
    })
}

fn replace(path: &'static str, from: &'static str, to: &'static str) -> Box<dyn Fn(&Path)> {
    Box::new(move |root| {
        let path = root.join(path);
        let old = fs::read_to_string(&path).unwrap();
        assert!(old.contains(from), "{} has no `{from}`", path.display());
        fs::write(&path, old.replacen(from, to, 1)).unwrap();
    })
}

/// Edits of the example site: reports (the incremental path), with an
/// error and its fix, then everything that rebuilds the whole site.
fn example_edits() -> Vec<Edit> {
    let khoi = "content/units/dang-bo-khoi/report.md";
    vec![
        Edit {
            what: "a paragraph added to a report",
            apply: append(
                khoi.into(),
                "\n\nĐoạn mới: xây dựng mô hình \"Dân vận khéo\" ở 12 chi bộ, kết nạp 35 đảng viên.\n",
            ),
            change: reports(&["dang-bo-khoi"]),
            good: true,
        },
        Edit {
            what: "a word changed in a report",
            apply: replace(khoi, "Dân vận khéo", "Dân vận khéo léo"),
            change: reports(&["dang-bo-khoi"]),
            good: true,
        },
        Edit {
            what: "a reference to a footnote that does not exist",
            apply: append(khoi.into(), "\nMột câu có chú thích sai.[^khong-co]\n"),
            change: reports(&["dang-bo-khoi"]),
            good: false,
        },
        Edit {
            what: "another report edited while the first is broken",
            apply: append(
                "content/units/xa-ma-quai/report.md".into(),
                "\n\nBổ sung: 100% chi bộ sinh hoạt chuyên đề.\n",
            ),
            change: reports(&["xa-ma-quai"]),
            good: false,
        },
        Edit {
            what: "the footnote written",
            apply: append(khoi.into(), "\n[^khong-co]: Chú thích đã bổ sung.\n"),
            change: reports(&["dang-bo-khoi"]),
            good: true,
        },
        Edit {
            what: "a unit's members changed in unit.toml",
            apply: Box::new(|root| {
                let path = unit_dir(root, "xa-ma-quai").join("unit.toml");
                let old = fs::read_to_string(&path).unwrap();
                let new: String = old
                    .lines()
                    .map(|l| {
                        if l.starts_with("members") {
                            "members = 321".to_string()
                        } else {
                            l.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                fs::write(&path, new + "\n").unwrap();
            }),
            change: other(),
            good: true,
        },
        Edit {
            what: "broken TOML",
            apply: append(
                "content/units/xa-ma-quai/unit.toml".into(),
                "\nthis is = = not toml\n",
            ),
            change: other(),
            good: false,
        },
        Edit {
            what: "a report edited while unit.toml is broken",
            apply: append(khoi.into(), "\nThêm một câu nữa.\n"),
            change: reports(&["dang-bo-khoi"]),
            good: false,
        },
        Edit {
            what: "the TOML fixed",
            apply: replace(
                "content/units/xa-ma-quai/unit.toml",
                "\nthis is = = not toml\n",
                "\n",
            ),
            change: other(),
            good: true,
        },
        Edit {
            what: "a new unit",
            apply: Box::new(|root| {
                let dir = unit_dir(root, "chi-bo-moi");
                fs::create_dir_all(&dir).unwrap();
                fs::write(
                    dir.join("unit.toml"),
                    "name = \"Chi bộ Phòng Tổng hợp mới\"\nlevel = \"branch\"\nparent = \"dang-bo-khoi\"\nmembers = 9\n",
                )
                .unwrap();
                fs::write(
                    dir.join("report.md"),
                    "# Báo cáo\n\nChi bộ mới thành lập.\n",
                )
                .unwrap();
            }),
            change: other(),
            good: true,
        },
        Edit {
            what: "the new unit's report edited",
            apply: append(
                "content/units/chi-bo-moi/report.md".into(),
                "\nĐã kết nạp 2 đảng viên.\n",
            ),
            change: reports(&["chi-bo-moi"]),
            good: true,
        },
        Edit {
            what: "a unit folder renamed",
            apply: Box::new(|root| {
                fs::rename(
                    unit_dir(root, "chi-bo-moi"),
                    unit_dir(root, "chi-bo-tong-hop"),
                )
                .unwrap();
            }),
            change: other(),
            good: true,
        },
        Edit {
            what: "a report deleted",
            apply: Box::new(|root| {
                fs::remove_file(unit_dir(root, "chi-bo-tong-hop").join("report.md")).unwrap();
            }),
            change: reports(&["chi-bo-tong-hop"]),
            good: true,
        },
        Edit {
            what: "a report created",
            apply: Box::new(|root| {
                fs::write(
                    unit_dir(root, "chi-bo-tong-hop").join("report.md"),
                    "# Báo cáo lại\n\nNội dung mới.\n",
                )
                .unwrap();
            }),
            change: reports(&["chi-bo-tong-hop"]),
            good: true,
        },
        Edit {
            what: "a unit deleted",
            apply: Box::new(|root| {
                fs::remove_dir_all(unit_dir(root, "chi-bo-tong-hop")).unwrap();
            }),
            change: other(),
            good: true,
        },
        Edit {
            what: "a template overridden",
            apply: Box::new(|root| {
                fs::create_dir_all(root.join("templates")).unwrap();
                fs::write(
                    root.join("templates/404.html"),
                    "{% extends \"base.html\" %}{% block content %}<h1>Không tìm thấy trang (bản riêng)</h1>{% endblock %}",
                )
                .unwrap();
            }),
            change: other(),
            good: true,
        },
        Edit {
            what: "a static file added",
            apply: Box::new(|root| {
                fs::create_dir_all(root.join("static/img")).unwrap();
                fs::write(
                    root.join("static/img/logo.svg"),
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                )
                .unwrap();
            }),
            change: other(),
            good: true,
        },
    ]
}

/// After each edit of the example site, what `serve` holds is byte for byte
/// what a fresh build writes; a broken edit keeps the last good files and
/// says where the problem is; the next good one clears it.
#[test]
fn every_edit_gives_what_a_fresh_build_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_example(root);
    let (mut preview, first) = Preview::new(root, today());
    assert!(first.ok && first.full);
    assert!(differing(&preview.output().all_files(root), &fresh_build(root)).is_empty());
    let mut last_good = preview.output().all_files(root);
    for edit in example_edits() {
        (edit.apply)(root);
        let outcome = preview.rebuild(&edit.change);
        let output = preview.output();
        assert_eq!(outcome.ok, edit.good, "{}: {outcome:?}", edit.what);
        if edit.good {
            assert!(output.problems.is_none(), "{}", edit.what);
            let now = output.all_files(root);
            let differ = differing(&now, &fresh_build(root));
            assert!(
                differ.is_empty(),
                "{}: {differ:?} differ from a fresh build",
                edit.what
            );
            if edit.change.reports.is_empty() || !outcome.full {
                assert_ne!(now, last_good, "{}: nothing changed", edit.what);
            }
            last_good = now;
        } else {
            let problems = output.problems.clone().unwrap_or_default();
            assert!(problems.contains("error"), "{}: {problems}", edit.what);
            assert!(
                differing(&output.all_files(root), &last_good).is_empty(),
                "{}: the last good pages must stay",
                edit.what
            );
        }
    }
}

/// Edits of one report take the incremental path and re-render only what
/// depends on it: its page and a few search files, not the site.
#[test]
fn a_report_edit_rewrites_only_its_page_and_search_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_tree(&fixtures().join("minimal"), root);
    let (mut preview, _) = Preview::new(root, today());
    let before = preview.output().all_files(root);
    let id = fs::read_dir(root.join("content/units"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|id| unit_dir(root, id).join("report.md").is_file())
        .expect("the fixture has a unit with a report");
    let report = unit_dir(root, &id).join("report.md");
    let mut text = fs::read_to_string(&report).unwrap();
    text.push_str("\n\nMô hình “Ngày thứ Bảy xanh” được nhân rộng.\n");
    fs::write(&report, text).unwrap();
    let outcome = preview.rebuild(&reports(&[&id]));
    assert!(outcome.ok && !outcome.full, "{outcome:?}");
    let after = preview.output().all_files(root);
    let changed = differing(&before, &after);
    assert!(
        changed
            .iter()
            .any(|p| p.starts_with("units/") && p.ends_with(".html")),
        "{changed:?}"
    );
    assert!(
        changed.iter().any(|p| p.starts_with("search/t/")),
        "{changed:?}"
    );
    assert!(
        changed
            .iter()
            .all(|p| p.starts_with("search/") || p.starts_with("units/")),
        "{changed:?}"
    );
    assert!(differing(&after, &fresh_build(root)).is_empty());
}
