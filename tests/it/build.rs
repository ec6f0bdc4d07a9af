//! Building the `minimal` fixture: what the pages say, and how the output
//! folder behaves.

use std::fs;

use crate::support::{assert_has, build_ok, ketqua, read, site, snapshot};

#[test]
fn unit_page_shows_facts_status_and_report() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    let page = read(&out.join("units/dang-bo-khoi.html"));
    // Breadcrumbs up the hierarchy, relative links.
    assert!(page.contains("href=\"../units/tinh-uy.html\""), "{page}");
    // Vietnamese number formatting from one place.
    assert!(page.contains("3.322"));
    // A computed share at the site's precision (two decimals by default),
    // a written figure with its written digits.
    assert!(page.contains("57,75% (41/71)"), "{page}");
    // Computed status beside the stated one, with the disagreement marked:
    // "Trên 95%" → 98% is exceeded, the report says "Đạt".
    assert!(page.contains("status--exceeded"));
    assert!(page.contains("status--not-achieved"));
    assert!(page.contains("Đạt 96,16% so với nghị quyết"));
    assert!(page.contains("disagree"), "no disagreement mark");
    // Late by 5 days against the district deadline 30/7/2023.
    assert!(page.contains("4/8/2023"));
    assert!(page.contains("5"));
}

#[test]
fn footnotes_are_numbered_in_reference_order_and_namespaced() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    let page = read(&out.join("units/dang-bo-khoi.html"));
    let first = page.find("id=\"bc-fn-1\"").expect("footnote 1");
    let second = page.find("id=\"bc-fn-2\"").expect("footnote 2");
    assert!(first < second);
    let note1 = &page[first..second];
    assert!(
        note1.contains(r#"<span class="nobr">38 đảng</span> bộ cơ sở"#),
        "{note1}"
    );
    assert!(page.contains("href=\"#bc-fnref-1\""));
    assert!(page.contains("id=\"bc-i-boi-canh-thuc-hien-nghi-quyet\""));
}

#[test]
fn index_tables_sort_names_in_vietnamese_order() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    let page = read(&out.join("units.html"));
    // Đ sorts after D and before E: "Đảng bộ Khối…", "Đảng bộ tỉnh…", "Đảng bộ xã…".
    let khoi = page.find("Đảng bộ Khối").unwrap();
    let tinh = page.find("Đảng bộ tỉnh Thử").unwrap();
    let xa = page.find("Đảng bộ xã Bản Giang").unwrap();
    assert!(khoi < tinh && tinh < xa);
    assert!(out.join("levels/district.html").exists());
    assert!(out.join("levels/grassroots.html").exists());
    assert!(
        !out.join("levels/branch.html").exists(),
        "a page for an empty level"
    );
}

#[test]
fn colliding_slugs_get_a_suffix() {
    let dir = site(&[]);
    let unit = dir.path().join("content/units/xa-c");
    fs::create_dir_all(&unit).unwrap();
    fs::write(
        unit.join("unit.toml"),
        "name = \"Đảng bộ xã Bản Giàng\"\nlevel = \"grassroots\"\nparent = \"huyen-a\"\n",
    )
    .unwrap();
    let out = build_ok(dir.path());
    assert!(out.join("units/dang-bo-xa-ban-giang.html").exists());
    assert!(out.join("units/dang-bo-xa-ban-giang-2.html").exists());
}

#[test]
fn the_same_content_gives_the_same_bytes() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    let first = snapshot(&out);
    let out = build_ok(dir.path());
    assert_eq!(first, snapshot(&out));
}

#[test]
fn output_has_no_external_requests_and_ships_its_assets() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    for (path, bytes) in snapshot(&out) {
        if path.ends_with(".html") || path.ends_with(".css") || path.ends_with(".js") {
            let text = String::from_utf8(bytes).unwrap();
            for needle in [
                "src=\"http",
                "href=\"http",
                "src=\"//",
                "href=\"//",
                "url(http",
                "url(//",
                "@import",
            ] {
                assert!(!text.contains(needle), "{path} contains {needle}");
            }
            // Links are relative: nothing starts at the root.
            assert!(
                !text.contains("href=\"/"),
                "{path} has a root-relative link"
            );
            assert!(
                !text.contains("src=\"/"),
                "{path} has a root-relative source"
            );
        }
    }
    let css = read(&out.join("index.html"));
    let css_href = css
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(out.join(css_href).exists(), "stylesheet {css_href} missing");
    assert!(
        snapshot(&out).iter().any(|(p, _)| p.ends_with(".woff2")),
        "no font shipped"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    let before = snapshot(&out);
    fs::write(dir.path().join("content/units/xa-b/unit.toml"), "name = \n").unwrap();
    let run = ketqua(dir.path(), &["build"]);
    assert_eq!(run.code, 1);
    assert_has(&run.stderr, "giữ nguyên");
    assert_eq!(before, snapshot(&out));
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_deleted_unit_leaves_no_stale_page() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    assert!(out.join("units/dang-bo-xa-ban-giang.html").exists());
    fs::remove_dir_all(dir.path().join("content/units/xa-b")).unwrap();
    let out = build_ok(dir.path());
    assert!(!out.join("units/dang-bo-xa-ban-giang.html").exists());
}

/// The third build stages into the output the second replaced (kept as
/// `.public.spare`), writing over its files: what it leaves must be
/// exactly what a build into a new folder makes.
#[cfg(target_os = "linux")]
#[test]
fn a_build_over_the_kept_previous_output_equals_a_fresh_build() {
    let dir = site(&[]);
    let reuse = |dir: &std::path::Path| {
        let run = ketqua(dir, &["build"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        dir.join("public")
    };
    reuse(dir.path());
    reuse(dir.path());
    let spare = dir.path().join(".public.spare");
    assert!(spare.join(".ketqua-build").is_file(), "no spare kept");
    fs::remove_dir_all(dir.path().join("content/units/xa-b")).unwrap();
    let out = reuse(dir.path());
    assert!(!out.join("units/dang-bo-xa-ban-giang.html").exists());
    let run = ketqua(dir.path(), &["build", "-o", "fresh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The marker holds the manifest of the pages, with their modification
    // times: the site is every other file.
    let site = |dir: &std::path::Path| {
        let mut files = snapshot(dir);
        files.retain(|(path, _)| path != ketqua::MARKER);
        files
    };
    assert_eq!(site(&out), site(&dir.path().join("fresh")));
    // A build with `--no-spare` keeps none, and leaves none behind.
    assert!(spare.exists());
    let run = ketqua(dir.path(), &["build", "--no-spare"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!spare.exists(), "a stale spare is left beside the output");
}

/// A rebuild leaves beside the site's files only its output, the output it
/// replaced as the spare (on Linux; with `--no-spare`, nothing) and its
/// build cache: no staging folder, no temporary file of the cache.
#[test]
fn a_rebuild_leaves_only_the_output_beside_the_sites_files() {
    let dir = site(&[]);
    let names = |dir: &std::path::Path| {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let mut expected = names(dir.path());
    expected.push("public".into());
    expected.push(".ketqua-cache".into());
    expected.sort();
    let mut spared = expected.clone();
    if cfg!(target_os = "linux") {
        spared.push(".public.spare".into());
        spared.sort();
    }
    for no_spare in [false, true] {
        for i in 0..3 {
            let run = match no_spare {
                false => ketqua(dir.path(), &["build"]),
                true => ketqua(dir.path(), &["build", "--no-spare"]),
            };
            assert_eq!(run.code, 0, "{}", run.stderr);
            let now = names(dir.path());
            match no_spare || i == 0 {
                true => assert_eq!(now, expected),
                false => assert_eq!(now, spared),
            }
        }
    }
}

#[test]
fn build_refuses_to_replace_a_folder_it_did_not_make() {
    let dir = site(&[]);
    let other = dir.path().join("notes");
    fs::create_dir_all(&other).unwrap();
    fs::write(other.join("a.txt"), "giữ lại").unwrap();
    let run = ketqua(dir.path(), &["build", "--output", other.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert_eq!(read(&other.join("a.txt")), "giữ lại");
}

#[test]
fn english_interface_strings() {
    let dir = site(&[]);
    let config = dir.path().join("site.toml");
    let text = read(&config).replace("organisation =", "language = \"en\"\norganisation =");
    fs::write(&config, text).unwrap();
    let out = build_ok(dir.path());
    let page = read(&out.join("units/dang-bo-khoi.html"));
    assert!(page.contains("lang=\"en\""));
    assert!(page.contains("Exceeded"), "status label not translated");
    // Figures keep the Vietnamese conventions: the content is Vietnamese.
    assert!(page.contains("3.322"));
}

#[test]
fn a_site_overrides_one_template_and_one_asset() {
    let dir = site(&[]);
    fs::create_dir_all(dir.path().join("templates")).unwrap();
    fs::create_dir_all(dir.path().join("static/css")).unwrap();
    fs::write(
        dir.path().join("templates/404.html"),
        "<!doctype html><html lang=\"{{ site.language }}\"><title>{{ page.title }}</title><p>Trang riêng của tỉnh</p></html>\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("static/css/ketqua.css"),
        "body { color: black }\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("static/logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
    )
    .unwrap();
    let out = build_ok(dir.path());
    assert!(read(&out.join("404.html")).contains("Trang riêng của tỉnh"));
    assert_eq!(read(&out.join("css/ketqua.css")), "body { color: black }\n");
    assert!(out.join("logo.svg").exists());
    // The other templates still come from the theme.
    assert!(read(&out.join("index.html")).contains("Đảng bộ Khối"));
}

#[test]
fn dashboard_lists_late_and_missing_reports_against_each_level_deadline() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    let home = read(&out.join("index.html"));
    // Sent 4/8/2023 against the district deadline 30/7/2023.
    assert!(home.contains("Trễ 5 ngày"), "late unit not flagged");
    // A grassroots unit with no report, judged as of 15/9/2023 against 30/6/2023,
    // appears only in the attention list (it is not a child of the root).
    assert!(
        home.contains("Đảng bộ xã Bản Giang"),
        "missing report not listed"
    );
}

#[test]
fn indicator_counts_use_the_computed_status() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    let units = read(&out.join("units.html"));
    // Đảng bộ Khối: "> 95%" → 98 exceeded, ">= 100/năm" → 305 over 2020–2022
    // exceeded, ">= 60%" → 41/71 not achieved: 2 of 3 met.
    // Written as people write a ratio: "2/3", not "02/03".
    assert!(units.contains(">2/3 "), "met count missing");
    assert!(!units.contains("02/03"), "a zero-padded ratio");
}

#[test]
fn build_refuses_an_output_among_the_sites_inputs_or_above_it() {
    let dir = site(&[]);
    let root = dir.path();
    fs::create_dir_all(root.join("static")).unwrap();
    let cases = [
        ("content/units/out", "nằm trong thư mục content/ của trang"),
        ("static/out", "nằm trong thư mục static/ của trang"),
        ("templates/out", "nằm trong thư mục templates/ của trang"),
        ("themes/x/out", "nằm trong thư mục themes/ của trang"),
        // Not yet existing, with `..`: resolved before comparing.
        (
            "new/../content/units/out",
            "nằm trong thư mục content/ của trang",
        ),
        (".", "là thư mục của trang hoặc chứa nó"),
        ("..", "là thư mục của trang hoặc chứa nó"),
    ];
    for (rel, message) in cases {
        let out = root.join(rel);
        let run = ketqua(root, &["build", "-o", out.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{rel}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{rel}: {}", run.stderr);
        for made in [
            "content/units/out",
            "static/out",
            "templates",
            "themes",
            "new",
        ] {
            assert!(!root.join(made).exists(), "{rel}: {made} was created");
        }
    }
    let check = ketqua(root, &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    // Any other folder inside the site is fine.
    let out = root.join("site/out");
    let run = ketqua(root, &["build", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("index.html").exists());
}

#[test]
fn build_into_a_file_says_it_is_a_file() {
    let dir = site(&[]);
    let config = dir.path().join("site.toml");
    let before = read(&config);
    let run = ketqua(dir.path(), &["build", "-o", config.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert_has(&run.stderr, "is a file");
    assert!(!run.stderr.contains("this folder"), "{}", run.stderr);
    assert_eq!(read(&config), before);
}

#[test]
fn a_failed_build_leaves_no_folder_made_for_its_output() {
    let dir = site(&[]);
    fs::create_dir_all(dir.path().join("templates")).unwrap();
    // Compiles, fails while rendering: after the staging folder exists.
    fs::write(
        dir.path().join("templates/404.html"),
        "{{ page.no_such_thing.x }}\n",
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("new/deep/out");
    let run = ketqua(dir.path(), &["build", "-o", out.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_has(&run.stderr, "404.html");
    let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn static_files_may_not_replace_generated_pages() {
    let dir = site(&[]);
    fs::create_dir_all(dir.path().join("static/units")).unwrap();
    fs::write(dir.path().join("static/index.html"), "mine").unwrap();
    fs::write(dir.path().join("static/units/dang-bo-khoi.html"), "mine").unwrap();
    fs::write(dir.path().join("static/robots.txt"), "ok").unwrap();
    let run = ketqua(dir.path(), &["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("static/index.html sẽ thay thế trang index.html do ketqua tạo ra"),
        "{}",
        run.stderr
    );
    assert_has(
        &run.stderr,
        "static/units/dang-bo-khoi.html sẽ thay thế trang units/dang-bo-khoi.html",
    );
    assert!(!run.stderr.contains("robots.txt"), "{}", run.stderr);
    assert!(!dir.path().join("public").exists(), "something was written");

    // Without the clashes, the other static file ships and is counted once.
    fs::remove_file(dir.path().join("static/index.html")).unwrap();
    fs::remove_dir_all(dir.path().join("static/units")).unwrap();
    let run = ketqua(dir.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = dir.path().join("public");
    assert_eq!(read(&out.join("robots.txt")), "ok");
    let files = snapshot(&out).len() - 1; // less the build marker
    assert!(
        run.stdout.contains(&format!("{files} tệp")),
        "{files}: {}",
        run.stdout
    );
}

#[test]
fn a_relative_output_is_taken_from_the_c_folder() {
    let dir = site(&[]);
    let run = ketqua(dir.path(), &["build", "-o", "xuat-ban"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(dir.path().join("xuat-ban/index.html").exists());
}

#[test]
fn an_empty_template_is_a_valid_template() {
    let dir = site(&[]);
    fs::create_dir_all(dir.path().join("templates")).unwrap();
    fs::write(dir.path().join("templates/404.html"), "").unwrap();
    let out = build_ok(dir.path());
    assert_eq!(read(&out.join("404.html")), "");
}

#[test]
fn pages_carry_their_charts_tables_and_downloads() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    let has = |page: &str, needles: &[&str]| {
        let html = read(&out.join(page));
        for needle in needles {
            assert_has(&html, needle);
        }
    };
    // Home: statuses by level and by field, reports over time.
    has(
        "index.html",
        &[
            "<figure class=\"chart chart-stacked\" id=\"bieu-do-ket-qua\"",
            "<figure class=\"chart chart-timeline\" id=\"bieu-do-nop-bao-cao\"",
            "role=\"img\"",
            "<details class=\"chart-data\">",
        ],
    );
    // A unit: each indicator against its target, its children, its roll-up.
    has(
        "units/dang-bo-khoi.html",
        &[
            "<figure class=\"chart chart-bullet\" id=\"bieu-do-chi-tieu\"",
            "57,75%",
            "href=\"../units/dang-bo-khoi.csv\" download",
            "id=\"tong-hop\"",
        ],
    );
    has(
        "units/tinh-uy.html",
        &["<figure class=\"chart chart-stacked\" id=\"bieu-do-truc-thuoc\""],
    );
    has(
        "levels/district.html",
        &["<figure class=\"chart chart-ranked\" id=\"bieu-do-xep-hang\""],
    );
    has(
        "progress.html",
        &[
            "<figure class=\"chart chart-timeline\"",
            "href=\"progress.csv\"",
        ],
    );
    has(
        "indicators/ket-nap.html",
        &[
            "<figure class=\"chart chart-ranked\" id=\"bieu-do-chi-tieu\"",
            "≥ 100/năm",
        ],
    );
    has("indicators.html", &["href=\"indicators/ket-nap.html\""]);
    // The exports exist beside their pages.
    for file in [
        "units.csv",
        "units.json",
        "units/dang-bo-khoi.json",
        "indicators/ket-nap.csv",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
}

/// An indicator judged only in the report's words shows the report's status,
/// said to be the report's; the counts say how many are; words the grammar
/// does not know are kept as written, with no status.
#[test]
fn a_status_judged_in_words_is_the_reports_and_says_so() {
    let words = crate::support::fixtures().join("words");
    let dir = site(&[&words]);
    let out = build_ok(dir.path());
    let page = read(&out.join("units/dang-bo-xa-ban-giang.html"));
    let row = |id: &str| {
        let start = page
            .find(&format!("id=\"ct-{id}\""))
            .unwrap_or_else(|| panic!("row {id}"));
        let end = page[start..]
            .find("</tr>")
            .map_or(page.len(), |e| start + e);
        page[start..end].to_string()
    };
    let one = row("1");
    assert!(one.contains("status--not-achieved"), "{one}");
    assert!(one.contains("theo báo cáo"), "{one}");
    let two = row("2");
    assert!(two.contains("status--exceeded"), "{two}");
    assert!(!two.contains("theo báo cáo"), "{two}");
    let three = row("3");
    assert!(three.contains("status--not-assessed"), "{three}");
    assert!(three.contains("Tốt"), "{three}");
    assert!(three.contains("chưa đọc được"), "{three}");
    assert!(
        page.contains("Trong đó 1 kết quả theo báo cáo tự đánh giá"),
        "{page}"
    );
    // The dashboard and the units export say so too.
    let home = read(&out.join("index.html"));
    assert!(home.contains("Trong đó 1 kết quả theo báo cáo"), "{home}");
    let units: serde_json::Value = serde_json::from_str(&read(&out.join("units.json"))).unwrap();
    let row = units["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "xa-b")
        .unwrap();
    assert_eq!(row["by_report"], 1);
}
