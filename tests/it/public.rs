//! The public build (`ketqua build --public`) and highlights, on the
//! `public` fixture: every kind of internal field there holds a string with
//! "CANARY" (and one internal figure is 9876543), and none of them may reach
//! any byte or any file name of the public output.

use std::path::{Path, PathBuf};

use crate::support::{copy_tree, fixtures, ketqua, read, snapshot};

/// The build date of these tests: after the release of `cong-khai`
/// (15/8/2023), before that of the embargoed highlight (30/9/2023).
const TODAY: &str = "2023-09-01";

/// Every canary of the fixture: each must show in the internal build
/// (so the fixture really puts them in the output) and none in the public one.
const CANARIES: &[&str] = &[
    // Internal unit: name, short name, slug, kind, summary, report, the
    // public-marked section of its report, an indicator's note.
    "CANARY-UNIT-NAME-7f3a",
    "CANARY-SHORT-NAME-7f3a",
    "canary-slug-7f3a",
    "CANARY-KIND-7f3a",
    "CANARY-UNIT-SUMMARY-7f3a",
    "CANARY-UNIT-REPORT-7f3a",
    "CANARY-PUBLIC-SECTION-OF-INTERNAL-UNIT-7f3a",
    "CANARY-INTERNAL-UNIT-NOTE-7f3a",
    // Internal fields of a public unit.
    "CANARY-DOCNUM-7f3a",
    "CANARY-SIGNER-7f3a",
    "CANARY-SIGNER-TITLE-7f3a",
    "CANARY-STATED-7f3a",
    // Internal indicators of public units, and catalogue entries used only by them.
    "CANARY-GROUP-7f3a",
    "CANARY-IND-DESC-7f3a",
    "CANARY-IND-NOTE-7f3a",
    "CANARY-HUYEN-IND-7f3a",
    "CANARY-CATALOGUE-DESC-7f3a",
    "CANARY-CATALOGUE-GROUP-7f3a",
    // Internal parts of a public report, and their footnotes.
    "CANARY-PREAMBLE-7f3a",
    "CANARY-SECTION-HEADING-7f3a",
    "CANARY-SECTION-BODY-7f3a",
    "CANARY-FOOTNOTE-A-7f3a",
    "CANARY-FOOTNOTE-C-7f3a",
    // An embargoed highlight: title, summary, body, slug, picture and its
    // text alternative.
    "CANARY-EMBARGO-TITLE-7f3a",
    "CANARY-EMBARGO-SUMMARY-7f3a",
    "CANARY-EMBARGO-BODY-7f3a",
    "canary-embargo-slug-7f3a",
    "CANARY-ALT-7f3a",
    "CANARY-IMAGE-BYTES-7f3a",
    // A highlight not marked public, and a public one of an internal unit.
    "CANARY-PRIVATE-TITLE-7f3a",
    "CANARY-PRIVATE-SUMMARY-7f3a",
    "CANARY-PRIVATE-BODY-7f3a",
    "canary-private-slug-7f3a",
    "CANARY-INTERNAL-UNIT-HIGHLIGHT-7f3a",
    "CANARY-INTERNAL-UNIT-HIGHLIGHT-BODY-7f3a",
    // An internal figure, as written and as the site formats it.
    "9.876.543",
];

/// Builds a copy of the fixture (with `--public` or not) at `TODAY`;
/// returns the temporary site and its output.
fn build(public: bool, today: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("public"), dir.path());
    let mut args = vec!["--today", today, "build", "-o", "out"];
    if public {
        args.push("--public");
    }
    let run = ketqua(dir.path(), &args);
    assert_eq!(run.code, 0, "build failed:\n{}{}", run.stdout, run.stderr);
    let out = dir.path().join("out");
    (dir, out)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every (file, canary) of `out` where the canary is in the file's bytes or
/// in its path; "canary" is searched for in any case, so a slug or a folded
/// search word is caught too.
fn leaks(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for (path, bytes) in snapshot(out) {
        if path.to_ascii_lowercase().contains("canary") || path.contains("7f3a") {
            found.push(format!("file name {path}"));
        }
        let lower = bytes.to_ascii_lowercase();
        for needle in [&b"canary"[..], b"9876543", b"9.876.543", b"9876,543"] {
            if contains(&lower, needle) {
                found.push(format!("{path}: {}", String::from_utf8_lossy(needle)));
            }
        }
    }
    found
}

#[test]
fn no_canary_reaches_any_byte_or_file_name_of_the_public_build() {
    let (_dir, out) = build(true, TODAY);
    let files = snapshot(&out);
    // The public build is not empty: its pages, exports, index, feed and kit
    // are all scanned.
    for expected in [
        "index.html",
        "feed.xml",
        "sitemap.xml",
        "search/meta.json",
        "highlights/cong-khai.html",
        "highlights/cong-khai/cong-khai.md",
        "highlights/cong-khai/cong-khai.svg",
        "highlights/cong-khai/cong-khai.png",
        "highlights/cong-khai/anh.png",
        "units/dang-bo-tinh-cong-khai.html",
        "units/dang-bo-tinh-cong-khai.csv",
        "units/dang-bo-tinh-cong-khai.json",
    ] {
        assert!(
            files.iter().any(|(p, _)| p == expected),
            "{expected} missing from the public build"
        );
    }
    let found = leaks(&out);
    assert!(
        found.is_empty(),
        "internal material leaked:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_internal_build_shows_every_canary() {
    let (_dir, out) = build(false, TODAY);
    let files = snapshot(&out);
    for canary in CANARIES {
        let shown = files
            .iter()
            .any(|(path, bytes)| path.contains(canary) || contains(bytes, canary.as_bytes()));
        assert!(shown, "{canary} is nowhere in the internal build");
    }
}

#[test]
fn public_content_is_in_the_public_build() {
    let (_dir, out) = build(true, TODAY);
    let home = read(&out.join("index.html"));
    assert!(home.contains("Báo chí thử"), "the [public] title");
    assert!(home.contains("Điểm nổi bật công khai"));
    // A public unit under an internal one is listed, as a root.
    assert!(home.contains("Xã Công Khai Dưới"));
    let unit = read(&out.join("units/dang-bo-tinh-cong-khai.html"));
    for shown in [
        "Tỷ lệ tổ chức đảng hoàn thành tốt nhiệm vụ",
        "I. Kết quả nổi bật",
        "1. Chi tiết công khai",
        "Chú thích công khai.",
        "5.000",
    ] {
        assert!(unit.contains(shown), "{shown} missing from the unit page");
    }
    // The search index holds the public highlight (its words, folded).
    let words: String = snapshot(&out.join("search"))
        .into_iter()
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .collect();
    assert!(
        words.contains("Điểm nổi bật công khai"),
        "highlight not indexed"
    );
    // Internal pages do not exist.
    for absent in [
        "progress.html",
        "units.html",
        "indicators.html",
        "highlights.html",
    ] {
        assert!(!out.join(absent).exists(), "{absent} in the public build");
    }
}

#[test]
fn the_public_roll_up_counts_public_units_and_indicators_only() {
    let section = |page: &str| {
        let start = page.find("id=\"tong-hop\"").expect("a roll-up");
        let end = page[start..].find("</section>").unwrap() + start;
        page[start..end].to_string()
    };
    let (_a, internal) = build(false, TODAY);
    let (_b, public) = build(true, TODAY);
    let internal = section(&read(&internal.join("units/dang-bo-tinh-cong-khai.html")));
    let public = section(&read(&public.join("units/dang-bo-tinh-cong-khai.html")));
    // Internally: three units below (the internal district, the public one
    // and the commune under the internal district); four indicator
    // components, three met (the public district's internal indicator is
    // not achieved).
    assert!(internal.contains("Tính trên 3 đơn vị"), "{internal}");
    assert!(
        internal.contains("Hoàn thành và vượt 3/4 chỉ tiêu"),
        "{internal}"
    );
    // Publicly, from the public units only: the public district alone (the
    // commune's parent is internal, so it is a root of its own), with its
    // one public indicator (120 against at least 100: exceeded).
    assert!(public.contains("Tính trên 1 đơn vị"), "{public}");
    assert!(
        public.contains("Hoàn thành và vượt 1/1 chỉ tiêu"),
        "{public}"
    );
}

#[test]
fn a_highlight_appears_from_its_release_date() {
    let embargoed = "highlights/canary-embargo-slug-7f3a.html";
    let (_a, before) = build(true, "2023-09-29");
    assert!(!before.join(embargoed).exists());
    let (_b, on) = build(true, "2023-09-30");
    assert!(on.join(embargoed).exists(), "released on its release date");
    let feed = read(&on.join("feed.xml"));
    assert!(feed.contains("CANARY-EMBARGO-TITLE-7f3a"));
    // The other one was released on 15/8/2023.
    let (_c, early) = build(true, "2023-08-14");
    assert!(!early.join("highlights/cong-khai.html").exists());
    assert!(!read(&early.join("feed.xml")).contains("cong-khai"));
    // The internal build shows an embargoed highlight, marked as such.
    let (_d, internal) = build(false, "2023-09-29");
    let page = read(&internal.join(embargoed));
    assert!(page.contains("cấm đăng trước ngày 30/9/2023"), "{page}");
    let list = read(&internal.join("highlights.html"));
    assert!(list.contains("CANARY-EMBARGO-TITLE-7f3a"));
    assert!(list.contains("data-kind=\"model\""));
}

#[test]
fn the_feed_is_atom_and_lists_the_public_highlights() {
    let (_dir, out) = build(true, TODAY);
    let text = read(&out.join("feed.xml"));
    let doc = roxmltree::Document::parse(&text).expect("feed.xml is XML");
    let feed = doc.root_element();
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    assert_eq!(feed.tag_name().name(), "feed");
    fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
        node.children().find(|c| {
            c.tag_name().name() == name
                && c.tag_name().namespace() == Some("http://www.w3.org/2005/Atom")
        })
    }
    // RFC 4287: a feed has an id, a title, an updated date and an author
    // (here on the feed); every entry an id, a title, an updated date, an
    // alternate link (no content of its own is required with one) and a summary.
    for name in ["id", "title", "updated", "author"] {
        assert!(child(feed, name).is_some(), "the feed has no {name}");
    }
    assert_eq!(child(feed, "title").unwrap().text(), Some("Báo chí thử"));
    assert_eq!(
        child(feed, "updated").unwrap().text(),
        Some("2023-08-15T00:00:00+07:00")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    assert_eq!(entries.len(), 1, "only the released public highlight");
    let entry = entries[0];
    for name in ["id", "title", "updated", "summary", "link"] {
        assert!(child(entry, name).is_some(), "the entry has no {name}");
    }
    assert_eq!(
        child(entry, "id").unwrap().text(),
        Some("https://baochi.example/highlights/cong-khai.html")
    );
    assert_eq!(
        child(entry, "link").unwrap().attribute("href"),
        Some("https://baochi.example/highlights/cong-khai.html")
    );
    assert_eq!(
        child(entry, "summary").unwrap().text(),
        Some("Tóm tắt điểm nổi bật công khai.")
    );
    // Dates are RFC 3339.
    for date in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "updated")
    {
        let text = date.text().unwrap();
        assert!(text.parse::<jiff::Timestamp>().is_ok(), "{text}");
    }
    // The sitemap lists the pages with absolute URLs.
    let sitemap = read(&out.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap.xml is XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&"https://baochi.example/highlights/cong-khai.html"));
    assert!(locs.contains(&"https://baochi.example/units/xa-cong-khai-duoi.html"));
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://baochi.example/"))
    );
}

#[test]
fn a_highlight_page_has_open_graph_tags_and_a_press_kit() {
    let (_dir, out) = build(true, TODAY);
    let page = read(&out.join("highlights/cong-khai.html"));
    for tag in [
        "<meta property=\"og:title\" content=\"Điểm nổi bật công khai\">",
        "<meta property=\"og:description\" content=\"Tóm tắt điểm nổi bật công khai.\">",
        "<meta property=\"og:url\" content=\"https://baochi.example/highlights/cong-khai.html\">",
        "<meta property=\"og:image\" content=\"https://baochi.example/highlights/cong-khai/anh.png\">",
        "<meta name=\"twitter:card\" content=\"summary_large_image\">",
    ] {
        assert!(page.contains(tag), "{tag} missing");
    }
    let kit = read(&out.join("highlights/cong-khai/cong-khai.md"));
    // The figures exactly as on the page.
    assert!(
        kit.contains("| 1 | Tỷ lệ tổ chức đảng hoàn thành tốt nhiệm vụ | ≥ 90% | 95% |"),
        "{kit}"
    );
    assert!(kit.contains("Nội dung công khai."));
    let svg = read(&out.join("highlights/cong-khai/cong-khai.svg"));
    roxmltree::Document::parse(&svg).expect("the kit's SVG is XML");
    assert!(
        !svg.contains("var("),
        "a standalone SVG needs plain CSS values"
    );
    let png = std::fs::read(out.join("highlights/cong-khai/cong-khai.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
}

#[test]
fn without_a_marker_nothing_is_public() {
    // The minimal fixture has no `public` key anywhere.
    let dir = crate::support::site(&[]);
    let run = ketqua(dir.path(), &["build", "--public", "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cảnh báo: bản công bố không có `base_url`"),
        "{}",
        run.stderr
    );
    let out = dir.path().join("out");
    let units: Vec<_> = snapshot(&out)
        .into_iter()
        .filter(|(p, _)| p.starts_with("units/") || p.starts_with("highlights/"))
        .collect();
    assert!(
        units.is_empty(),
        "{:?}",
        units.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    // Without base_url there is no sitemap and no absolute URL.
    assert!(!out.join("sitemap.xml").exists());
    let feed = read(&out.join("feed.xml"));
    roxmltree::Document::parse(&feed).expect("feed.xml is XML");
    // The default output of --public is press/.
    let run = ketqua(dir.path(), &["build", "--public"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("press/index.html").exists());
}

#[test]
fn bad_highlight_fields_are_located_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("public"), dir.path());
    std::fs::write(
        dir.path().join("content/highlights/cong-khai.md"),
        "+++\ntitle = \"T\"\nunit = \"tinhh\"\nkind = \"reslt\"\nsummary = \"S\"\ndate = 2023-08-01\nindicators = [\"9\"]\nimage = \"khong-co.png\"\nimage_alt = \"A\"\nsumary = 1\n+++\nBody\n",
    )
    .unwrap();
    let run = ketqua(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    let e = &run.stderr;
    assert!(e.contains("khóa `sumary` không được biết"), "{e}");
    assert!(e.contains("content/highlights/cong-khai.md:10:1"), "{e}");
    assert!(e.contains("có phải là `summary`?"), "{e}");
    // Fix the key: the other fields are checked.
    std::fs::write(
        dir.path().join("content/highlights/cong-khai.md"),
        "+++\ntitle = \"T\"\nunit = \"tinhh\"\nkind = \"reslt\"\nsummary = \"S\"\ndate = 2023-08-01\nimage = \"khong-co.png\"\nimage_alt = \"A\"\n+++\nBody\n",
    )
    .unwrap();
    let run = ketqua(dir.path(), &["check"]);
    let e = &run.stderr;
    assert!(e.contains("không có đơn vị `tinhh`"), "{e}");
    assert!(e.contains("cong-khai.md:3:8"), "{e}");
    assert!(e.contains("có phải là `tinh`?"), "{e}");
    assert!(e.contains("không có loại điểm nhấn `reslt`"), "{e}");
    assert!(e.contains("có phải là `result`?"), "{e}");
    assert!(e.contains("không có tệp ảnh `khong-co.png`"), "{e}");
    // An unknown indicator of a known unit.
    std::fs::write(
        dir.path().join("content/highlights/cong-khai.md"),
        "+++\ntitle = \"T\"\nunit = \"tinh\"\nkind = \"result\"\nsummary = \"S\"\ndate = 2023-08-01\nindicators = [\"ket-na\"]\n+++\n",
    )
    .unwrap();
    let run = ketqua(dir.path(), &["check"]);
    assert!(
        run.stderr
            .contains("đơn vị `tinh` không có chỉ tiêu `ket-na`"),
        "{}",
        run.stderr
    );
    // Without front matter.
    std::fs::write(
        dir.path().join("content/highlights/cong-khai.md"),
        "Body only\n",
    )
    .unwrap();
    let run = ketqua(dir.path(), &["check"]);
    assert!(
        run.stderr
            .contains("phần đầu (front matter) giữa hai dòng `+++`"),
        "{}",
        run.stderr
    );
}

#[test]
fn every_link_of_the_public_builds_resolves() {
    // The example site's press site, and the fixture's: the internal pages
    // they would link to (units index, progress, catalogue) do not exist.
    let example = crate::support::example_site();
    let run = ketqua(example.path(), &["build", "--public", "-o", "out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_dir, fixture) = build(true, TODAY);
    for out in [example.path().join("out"), fixture] {
        let report = crate::links::check_links(&out);
        assert!(
            report.pages >= 5,
            "only {} pages in {}",
            report.pages,
            out.display()
        );
        assert!(
            report.broken.is_empty(),
            "{} broken links:\n{}",
            report.broken.len(),
            report.broken.join("\n")
        );
    }
}

#[test]
fn the_public_build_is_deterministic() {
    // The feed, the kit's PNG and SVG included: same content, same bytes.
    let (_a, first) = build(true, TODAY);
    let (_b, second) = build(true, TODAY);
    let (first, second) = (snapshot(&first), snapshot(&second));
    assert_eq!(first.len(), second.len());
    for ((path, a), (other, b)) in first.iter().zip(&second) {
        assert_eq!(path, other);
        assert!(a == b, "{path} differs between two builds");
    }
}

/// The fixture with a second round, current, whose every unit and
/// highlight is a copy of the first round's (canaries included), so that
/// both rounds hold every kind of internal field.
fn two_rounds(public: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_tree(&fixtures().join("public"), root);
    let config = root.join("site.toml");
    std::fs::write(
        &config,
        format!(
            "current_round = \"r2\"\n{}\n[[rounds]]\nid = \"r1\"\nname = \"Round one\"\n\n\
             [[rounds]]\nid = \"r2\"\nname = \"Round two\"\ncutoff = 2025-03-31\nas_of = 2025-06-20\n",
            read(&config)
        ),
    )
    .unwrap();
    for unit in std::fs::read_dir(root.join("content/units")).unwrap() {
        let unit = unit.unwrap().path();
        let folder = unit.join("rounds/r2");
        std::fs::create_dir_all(&folder).unwrap();
        for file in ["unit.toml", "report.md"] {
            if unit.join(file).is_file() {
                std::fs::copy(unit.join(file), folder.join(file)).unwrap();
            }
        }
    }
    let highlights = root.join("content/highlights");
    for entry in std::fs::read_dir(&highlights).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(text) = name.ends_with(".md").then(|| read(&path)) {
            let text = text.replacen("+++\n", "+++\nround = \"r2\"\n", 1);
            std::fs::write(highlights.join(format!("r2-{name}")), text).unwrap();
        }
    }
    let mut args = vec!["--today", TODAY, "build", "-o", "out"];
    if public {
        args.push("--public");
    }
    let run = ketqua(root, &args);
    assert_eq!(run.code, 0, "build failed:\n{}{}", run.stdout, run.stderr);
    let out = root.join("out");
    (dir, out)
}

#[test]
fn no_canary_of_any_round_reaches_the_public_build() {
    // The internal build shows both rounds' canaries, each round's in its
    // own place.
    let (_dir, out) = two_rounds(false);
    let files = snapshot(&out);
    for canary in ["CANARY-UNIT-NAME-7f3a", "CANARY-PRIVATE-TITLE-7f3a"] {
        for place in ["rounds/r1/", ""] {
            assert!(
                files.iter().any(|(p, b)| {
                    let inside = if place.is_empty() {
                        !p.starts_with("rounds/")
                    } else {
                        p.starts_with(place)
                    };
                    inside && contains(b, canary.as_bytes())
                }),
                "{canary} not in the internal build under `{place}`"
            );
        }
    }
    // The press site: the current round at the root, the first round's
    // public highlights as an archive, and nothing internal of either.
    let (_dir, out) = two_rounds(true);
    let files = snapshot(&out);
    for expected in [
        "highlights/r2-cong-khai.html",
        "rounds/r1/index.html",
        "rounds/r1/highlights/cong-khai.html",
        "rounds/r1/units/dang-bo-tinh-cong-khai.html",
    ] {
        assert!(
            files.iter().any(|(p, _)| p == expected),
            "{expected} missing from the public build"
        );
    }
    let found = leaks(&out);
    assert!(
        found.is_empty(),
        "internal material leaked:\n{}",
        found.join("\n")
    );
}

#[test]
fn every_link_of_both_builds_of_a_site_of_two_rounds_resolves() {
    // The switcher links to the same page of the other round only where
    // that round has it (a highlight of one round is not in the other).
    for public in [false, true] {
        let (_dir, out) = two_rounds(public);
        let report = crate::links::check_links(&out);
        assert!(report.pages >= 10, "only {} pages", report.pages);
        assert!(
            report.broken.is_empty(),
            "{} broken links (public: {public}):\n{}",
            report.broken.len(),
            report.broken.join("\n")
        );
    }
}
