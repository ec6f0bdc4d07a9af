//! Review rounds: `[[rounds]]` and `current_round` in site.toml, a unit's
//! `rounds/<id>/` folder, each mistake explained at its place with a hint;
//! the other rounds' pages under `rounds/<id>/` with a round switcher.

use std::fs;
use std::path::Path;

use crate::support::{assert_has, build_ok, english, ketqua, read, site};

/// Two rounds: the mid-term (the unit folders' own files) and the end of
/// the term, for which `huyen-a` has reported.
const TWO_ROUNDS: &str = r#"
[[rounds]]
id = "so-ket"
name = "Sơ kết giữa nhiệm kỳ"

[[rounds]]
id = "tong-ket"
name = "Tổng kết nhiệm kỳ"
cutoff = 2025-03-31
as_of = 2025-06-20

[rounds.deadlines]
district = 2025-05-31
"#;

/// The `minimal` fixture in English with `rounds` appended to site.toml and
/// `current` as its `current_round`.
fn with_rounds(rounds: &str, current: Option<&str>) -> tempfile::TempDir {
    let dir = site(&[]);
    english(dir.path());
    let config = dir.path().join("site.toml");
    let text = read(&config);
    let current = current.map_or(String::new(), |c| format!("current_round = \"{c}\"\n"));
    fs::write(&config, format!("{current}{text}{rounds}")).unwrap();
    dir
}

/// Gives `unit` a folder for round `round`, its unit.toml being the unit's
/// own with `edit` applied.
fn round_folder(root: &Path, unit: &str, round: &str, edit: impl Fn(String) -> String) {
    let folder = root.join("content/units").join(unit);
    let target = folder.join("rounds").join(round);
    fs::create_dir_all(&target).unwrap();
    fs::write(
        target.join("unit.toml"),
        edit(read(&folder.join("unit.toml"))),
    )
    .unwrap();
}

fn end_of_term(text: String) -> String {
    text.replace("submitted = 2023-08-04", "submitted = 2025-05-30")
        .replace("actual = 98\n", "actual = 93\n")
}

#[test]
fn a_site_without_rounds_has_no_switcher_and_no_round_folder() {
    let dir = site(&[]);
    let out = build_ok(dir.path());
    assert!(!out.join("rounds").exists());
    assert!(!out.join("compare.html").exists());
    assert!(!read(&out.join("index.html")).contains("round-switcher"));
}

#[test]
fn earlier_round_pages_live_under_rounds_id_with_a_switcher_both_ways() {
    let dir = with_rounds(TWO_ROUNDS, Some("tong-ket"));
    round_folder(dir.path(), "huyen-a", "tong-ket", end_of_term);
    let out = build_ok(dir.path());
    // The current round (the end of the term) at the root, the mid-term
    // under its id, each a whole site with its own static files.
    let now = read(&out.join("units/dang-bo-khoi.html"));
    let then = read(&out.join("rounds/so-ket/units/dang-bo-khoi.html"));
    assert!(out.join("rounds/so-ket/css/ketqua.css").is_file());
    assert_has(&now, "30/5/2025");
    assert_has(&then, "4/8/2023");
    assert!(!then.contains("30/5/2025"));
    assert_has(
        &now,
        r#"<a href="../rounds/so-ket/units/dang-bo-khoi.html">Sơ kết giữa nhiệm kỳ</a>"#,
    );
    assert_has(
        &then,
        r#"<a href="../../../units/dang-bo-khoi.html">Tổng kết nhiệm kỳ</a>"#,
    );
    assert_has(
        &now,
        r#"<span class="round-switcher__current" aria-current="true">Tổng kết nhiệm kỳ</span>"#,
    );
}

/// A unit page's trajectories: each chart captioned with its indicator,
/// its bars counted and scaled as rounds, the section in the page's
/// contents.
#[test]
fn a_unit_pages_trajectories_name_their_indicator_and_count_rounds() {
    let dir = with_rounds(TWO_ROUNDS, Some("tong-ket"));
    round_folder(dir.path(), "huyen-a", "tong-ket", end_of_term);
    let out = build_ok(dir.path());
    let page = read(&out.join("units/dang-bo-khoi.html"));
    assert_has(
        &page,
        r##"<li><a href="#qua-cac-dot">Across the review rounds</a></li>"##,
    );
    let section = &page[page.find(r#"id="qua-cac-dot""#).unwrap()..];
    assert_has(
        section,
        "<figcaption>1. Trên 95% tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ chính trị</figcaption>",
    );
    assert_has(section, "Each round on its own scale, from 0");
    assert!(!section.contains("Each indicator on its own scale"));
    assert_has(section, "across the rounds: 2 rounds");
    // The units that reported in one round only have no such entry.
    for entry in fs::read_dir(out.join("units")).unwrap() {
        let path = entry.unwrap().path();
        if path.ends_with("dang-bo-khoi.html") {
            continue;
        }
        assert!(
            !read(&path).contains(r##"href="#qua-cac-dot""##),
            "{path:?}"
        );
    }
}

#[test]
fn a_unit_without_a_folder_for_a_round_has_not_reported_in_it() {
    let dir = with_rounds(TWO_ROUNDS, Some("tong-ket"));
    round_folder(dir.path(), "xa-b", "tong-ket", |t| {
        format!("{t}submitted = 2025-04-20\n")
    });
    let out = build_ok(dir.path());
    // huyen-a reported at mid-term only: at the end of the term it is
    // there, by its name, without its mid-term figures and dates.
    let then = read(&out.join("rounds/so-ket/units/dang-bo-khoi.html"));
    let now = read(&out.join("units/dang-bo-khoi.html"));
    for mid_term in ["4/8/2023", "3.322"] {
        assert_has(&then, mid_term);
        assert!(!now.contains(mid_term), "{mid_term} in:\n{now}");
    }
    assert_has(&now, "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh");
}

/// Runs `check` and returns stderr, asserting it failed.
fn check_fails(root: &Path) -> String {
    let run = ketqua(root, &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    run.stderr
}

#[test]
fn an_unknown_current_round_is_named_with_a_suggestion() {
    let dir = with_rounds(TWO_ROUNDS, Some("tong-kt"));
    let err = check_fails(dir.path());
    assert_has(&err, "error: no round `tong-kt`");
    assert_has(&err, "site.toml:1:17");
    assert_has(&err, "did you mean `tong-ket`?");
}

#[test]
fn a_duplicate_round_id_points_at_the_second() {
    let dir = with_rounds(
        &format!(
            "{TWO_ROUNDS}\n[[rounds]]\nid = \"tong-ket\"\nname = \"X\"\ncutoff = 2026-01-01\nas_of = 2026-02-01\n"
        ),
        None,
    );
    let err = check_fails(dir.path());
    assert_has(&err, "error: the round `tong-ket` is declared twice");
    assert_has(&err, "this id is already used by a round above");
}

#[test]
fn rounds_out_of_order_are_reported_with_the_rule() {
    let rounds = TWO_ROUNDS.replace("cutoff = 2025-03-31", "cutoff = 2022-12-31");
    let dir = with_rounds(&rounds, None);
    let err = check_fails(dir.path());
    assert_has(
        &err,
        "error: the cut-off of the round `tong-ket` (31/12/2022) is not after the previous round's (30/6/2023)",
    );
    assert_has(&err, "declare the rounds in time order, the oldest first");
}

#[test]
fn a_round_judged_before_its_cut_off_is_an_error() {
    let rounds = TWO_ROUNDS.replace("as_of = 2025-06-20\n", "");
    let dir = with_rounds(&rounds, None);
    let err = check_fails(dir.path());
    assert_has(
        &err,
        "error: the round `tong-ket` is judged at 15/9/2023, before its cut-off 31/3/2025",
    );
}

#[test]
fn an_invalid_round_id_gets_a_slug() {
    let rounds = TWO_ROUNDS.replace("id = \"tong-ket\"", "id = \"Tổng kết\"");
    let dir = with_rounds(&rounds, None);
    let err = check_fails(dir.path());
    assert_has(&err, "error: invalid round id `Tổng kết`");
    assert_has(&err, "such as `tong-ket`");
}

#[test]
fn a_folder_for_an_undeclared_round_is_an_error_with_a_suggestion() {
    let dir = with_rounds(TWO_ROUNDS, None);
    round_folder(dir.path(), "huyen-a", "tong-kett", end_of_term);
    let err = check_fails(dir.path());
    assert_has(
        &err,
        "error: the folder content/units/huyen-a/rounds/tong-kett is for the round `tong-kett`, which site.toml does not declare",
    );
    assert_has(&err, "did you mean `tong-ket`?");
}

#[test]
fn a_round_folder_without_rounds_declared_is_an_error() {
    let dir = site(&[]);
    english(dir.path());
    round_folder(dir.path(), "huyen-a", "tong-ket", end_of_term);
    let err = check_fails(dir.path());
    assert_has(&err, "which site.toml does not declare");
    assert_has(&err, "declare the round in site.toml");
}

#[test]
fn a_folder_for_the_first_round_is_an_error() {
    let dir = with_rounds(TWO_ROUNDS, None);
    round_folder(dir.path(), "huyen-a", "so-ket", end_of_term);
    let err = check_fails(dir.path());
    assert_has(
        &err,
        "is for the first round, whose files are the unit folder's own",
    );
}

#[test]
fn a_round_folder_without_unit_toml_is_an_error() {
    let dir = with_rounds(TWO_ROUNDS, None);
    fs::create_dir_all(dir.path().join("content/units/huyen-a/rounds/tong-ket")).unwrap();
    let err = check_fails(dir.path());
    assert_has(
        &err,
        "the round folder content/units/huyen-a/rounds/tong-ket has no unit.toml",
    );
}

#[test]
fn current_round_without_rounds_is_an_error() {
    let dir = with_rounds("", Some("tong-ket"));
    let err = check_fails(dir.path());
    assert_has(
        &err,
        "`current_round` names a round but site.toml declares none",
    );
}

#[test]
fn a_problem_in_a_round_file_is_reported_once_at_its_file() {
    let dir = with_rounds(TWO_ROUNDS, Some("so-ket"));
    round_folder(dir.path(), "huyen-a", "tong-ket", |t| {
        end_of_term(t).replace("members = 3322", "memebrs = 3322")
    });
    let err = check_fails(dir.path());
    assert_has(&err, "content/units/huyen-a/rounds/tong-ket/unit.toml:5:1");
    assert_eq!(err.matches("unknown key `memebrs`").count(), 1, "{err}");
    // A problem of the unit's own files, in both rounds' sites, is told once.
    let dir = with_rounds(TWO_ROUNDS, Some("tong-ket"));
    round_folder(dir.path(), "huyen-a", "tong-ket", end_of_term);
    let unit = dir.path().join("content/units/xa-b/unit.toml");
    fs::write(&unit, format!("{}memebrs = 3\n", read(&unit))).unwrap();
    let err = check_fails(dir.path());
    assert_eq!(err.matches("unknown key `memebrs`").count(), 1, "{err}");
}

#[test]
fn the_comparison_page_tells_what_improved_worsened_and_who_was_late_twice() {
    let dir = with_rounds(TWO_ROUNDS, Some("so-ket"));
    // A yes/no duty, not done at mid-term and done at the end of the term.
    let unit = dir.path().join("content/units/huyen-a/unit.toml");
    let duty = "\n[[indicators]]\nid = \"9\"\ndescription = \"Hoàn thành tốt nhiệm vụ\"\n\
                target = \"yes\"\nactual = false\n";
    fs::write(&unit, format!("{}{duty}", read(&unit))).unwrap();
    // Indicator 1 falls from exceeded (98 > 95%) to not achieved (93);
    // huyen-a sends late again (deadline 31/5/2025).
    round_folder(dir.path(), "huyen-a", "tong-ket", |t| {
        end_of_term(t)
            .replace("submitted = 2025-05-30", "submitted = 2025-06-10")
            .replace("actual = false", "actual = true")
    });
    let out = build_ok(dir.path());
    let page = read(&out.join("compare.html"));
    assert_has(&page, "Worsened</span></td>");
    // On a phone each row is a card, its figures labelled; each figure as
    // the unit page shows it, with its unit, and a yes/no one in words.
    assert_has(
        &page,
        r#"<td class="num" data-label="Earlier round: Sơ kết giữa nhiệm kỳ">98% "#,
    );
    assert_has(
        &page,
        r#"<td class="num" data-label="Later round: Tổng kết nhiệm kỳ">93% "#,
    );
    assert_has(
        &page,
        r#"<td class="num" data-label="Earlier round: Sơ kết giữa nhiệm kỳ">No "#,
    );
    assert_has(
        &page,
        r#"<td class="num" data-label="Later round: Tổng kết nhiệm kỳ">Yes "#,
    );
    // The filters of the other index pages, matched against each row.
    assert_has(
        &page,
        r#"<form class="filters" data-table="bang-so-sanh" data-count-text="Showing {shown} of {total} indicators." hidden>"#,
    );
    assert_has(
        &page,
        r#"<select class="field__select" id="bang-so-sanh-change" name="change">"#,
    );
    assert_has(
        &page,
        r#"<tr data-level="district" data-change="worsened" data-name="Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh Đảng bộ Khối 1 "#,
    );
    assert_has(&page, r#"<a href="compare.csv" download>"#);
    // One pair of rounds: nothing to choose.
    assert!(!page.contains("compare-pairs"));
    assert!(!out.join("compare").exists());
    // Rolled up by level: the one change, at the district level.
    let levels = &page[page.find(r#"id="theo-cap""#).unwrap()..];
    let levels = &levels[..levels.find("</table>").unwrap()];
    assert_has(levels, "<th scope=\"row\">District and equivalent</th>");
    assert_has(levels, "<td class=\"num\">1</td>");
    assert_has(
        &page,
        r#"<a href="rounds/tong-ket/units/dang-bo-khoi.html">Đảng bộ Khối</a>"#,
    );
    let csv = read(&out.join("compare.csv"));
    // The unit by the name its pages give it.
    assert_has(&csv, "huyen-a,Đảng bộ Khối,1,");
    assert_has(&csv, ",98,exceeded,93,not-achieved,worsened\r\n");
    // A yes/no figure as in rounds.csv.
    assert_has(
        &csv,
        "huyen-a,Đảng bộ Khối,9,Hoàn thành tốt nhiệm vụ,false,",
    );
    assert_has(&csv, ",true,achieved,improved\r\n");
    let long = read(&out.join("rounds.csv"));
    assert_has(&long, "huyen-a,9,so-ket,2023,false,not-achieved\r\n");
    let json = read(&out.join("compare.json"));
    assert_has(
        &json,
        r#""before_status":"exceeded","after_value":93,"after_status":"not-achieved","change":"worsened""#,
    );
    // Late in both: 4/8/2023 after 30/7/2023, and 10/6/2025 after 31/5/2025.
    let late = &page[page.find("muon-ca-hai-dot").unwrap()..];
    assert_has(late, "Đảng bộ Khối</a>");
}

/// Three rounds, the last one current: `compare.html` compares it with the
/// round before it, `compare/<id>.html` with the first; each page has a
/// selector of the pairs and exports of its own.
#[test]
fn each_earlier_round_is_compared_with_the_current_one_at_its_own_address() {
    let three = format!(
        "{TWO_ROUNDS}\n[[rounds]]\nid = \"nam-2025\"\nname = \"Báo cáo năm 2025\"\n\
         cutoff = 2025-12-31\nas_of = 2026-01-20\n"
    );
    let dir = with_rounds(&three, Some("nam-2025"));
    round_folder(dir.path(), "huyen-a", "tong-ket", end_of_term);
    round_folder(dir.path(), "huyen-a", "nam-2025", |t| {
        t.replace("submitted = 2023-08-04", "submitted = 2026-01-10")
            .replace("actual = 98\n", "actual = 96\n")
    });
    let out = build_ok(dir.path());
    let latest = read(&out.join("compare.html"));
    let first = read(&out.join("compare/so-ket.html"));
    assert!(!out.join("compare/tong-ket.html").exists());
    assert!(!out.join("compare/nam-2025.html").exists());
    // 93 (not achieved) → 96 (exceeded); 98 (exceeded) → 96 (exceeded).
    assert_has(&latest, "Earlier round: Tổng kết nhiệm kỳ\">93% ");
    assert_has(&latest, r#"data-change="improved""#);
    assert!(!first.contains("Earlier round: Sơ kết giữa nhiệm kỳ\">98% "));
    // An indicator that kept its status is counted, not listed; the
    // export lists it (below).
    assert!(!first.contains(r#"data-change="unchanged""#));
    assert_has(
        &first,
        "Not listed in this table: 3 indicator(s) whose status did not change",
    );
    // The selector: this pair marked, the other linked from the page.
    assert_has(
        &latest,
        r#"<span class="round-switcher__current" aria-current="page">Tổng kết nhiệm kỳ → Báo cáo năm 2025</span>"#,
    );
    assert_has(
        &latest,
        r#"<a href="compare/so-ket.html">Sơ kết giữa nhiệm kỳ → Báo cáo năm 2025</a>"#,
    );
    assert_has(
        &first,
        r#"<a href="../compare.html">Tổng kết nhiệm kỳ → Báo cáo năm 2025</a>"#,
    );
    // Its exports and links from where it lives.
    assert_has(&first, r#"<a href="../compare/so-ket.csv" download>"#);
    assert_has(
        &first,
        r#"<a href="../units/dang-bo-khoi.html">Đảng bộ Khối</a>"#,
    );
    assert_has(
        &read(&out.join("compare/so-ket.csv")),
        ",98,exceeded,96,exceeded,unchanged\r\n",
    );
    assert!(out.join("compare/so-ket.json").is_file());
}

/// A theme of the site's own made before rounds existed (no
/// `compare.html`, `unit_rounds.html`, `indicator_rounds.html`) builds a
/// site of several rounds with the built-in templates; one it has wins.
#[test]
fn a_theme_without_the_round_templates_uses_the_built_in_ones() {
    let dir = with_rounds(TWO_ROUNDS, Some("so-ket"));
    round_folder(dir.path(), "huyen-a", "tong-ket", end_of_term);
    let theme = dir.path().join("themes/mine");
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    crate::support::copy_tree(&default, &theme);
    for name in ["compare.html", "unit_rounds.html", "indicator_rounds.html"] {
        fs::remove_file(theme.join("templates").join(name)).unwrap();
    }
    let config = dir.path().join("site.toml");
    fs::write(&config, format!("theme = \"mine\"\n{}", read(&config))).unwrap();
    let out = build_ok(dir.path());
    assert_has(&read(&out.join("compare.html")), r#"id="bang-so-sanh""#);
    assert_has(
        &read(&out.join("units/dang-bo-khoi.html")),
        r#"id="qua-cac-dot""#,
    );
    // The theme's own template wins over the built-in one.
    fs::write(
        theme.join("templates/compare.html"),
        "{% extends \"base.html\" %}{% block content %}mine{% endblock %}",
    )
    .unwrap();
    let out = build_ok(dir.path());
    let page = read(&out.join("compare.html"));
    assert!(page.contains("mine") && !page.contains("bang-so-sanh"));
}

#[test]
fn the_long_export_has_a_row_per_unit_indicator_and_round() {
    let dir = with_rounds(TWO_ROUNDS, Some("so-ket"));
    round_folder(dir.path(), "huyen-a", "tong-ket", end_of_term);
    let out = build_ok(dir.path());
    let csv = read(&out.join("rounds.csv"));
    assert!(
        csv.starts_with("\u{feff}Unit ID,ID,Round,Year,Value,Result\r\n"),
        "{csv}"
    );
    assert_has(&csv, "huyen-a,1,so-ket,2023,98,exceeded\r\n");
    assert_has(&csv, "huyen-a,1,tong-ket,2025,93,not-achieved\r\n");
    let json = read(&out.join("rounds.json"));
    assert_has(
        &json,
        r#"{"unit":"huyen-a","indicator":"1","round":"tong-ket","year":2025,"value":93,"status":"not-achieved"}"#,
    );
}

/// Each round's yearly figures stay under that round, even when two rounds
/// give a year the same figure.
#[test]
fn each_rounds_yearly_figures_are_listed_under_that_round() {
    let dir = with_rounds(TWO_ROUNDS, Some("so-ket"));
    let unit = dir.path().join("content/units/huyen-a/unit.toml");
    let yearly = |t: String| {
        t.replacen(
            "stated = \"Vượt\"\n",
            "stated = \"Vượt\"\n\n[indicators.actuals]\n2021 = 97\n2022 = 98\n",
            1,
        )
    };
    fs::write(&unit, yearly(read(&unit))).unwrap();
    round_folder(dir.path(), "huyen-a", "tong-ket", end_of_term);
    let out = build_ok(dir.path());
    let csv = read(&out.join("rounds.csv"));
    for round in ["so-ket", "tong-ket"] {
        assert_has(&csv, &format!("huyen-a,1,{round},2021,97,\r\n"));
        assert_has(&csv, &format!("huyen-a,1,{round},2022,98,\r\n"));
    }
    let json = read(&out.join("rounds.json"));
    assert_has(
        &json,
        r#"{"unit":"huyen-a","indicator":"1","round":"so-ket","year":2021,"value":97,"status":null}"#,
    );
}

#[test]
fn the_press_site_has_the_other_rounds_as_an_archive_but_no_comparison() {
    let dir = with_rounds(TWO_ROUNDS, Some("tong-ket"));
    round_folder(dir.path(), "huyen-a", "tong-ket", end_of_term);
    let run = ketqua(dir.path(), &["build", "--public"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let press = dir.path().join("press");
    assert!(press.join("rounds/so-ket/index.html").is_file());
    let home = read(&press.join("index.html"));
    assert_has(
        &home,
        r#"<a href="rounds/so-ket/index.html">Sơ kết giữa nhiệm kỳ</a>"#,
    );
    assert!(!home.contains("compare.html"));
    for internal in ["compare.html", "compare.csv", "rounds.csv", "rounds.json"] {
        assert!(!press.join(internal).exists(), "{internal}");
    }
}

/// The example's end-of-term round is invented: every page that shows its
/// figures says so (its own pages, the comparison, the unit pages of the
/// mid-term round that draw it in a trajectory).
#[test]
fn the_example_marks_its_illustrative_round_on_every_page_that_shows_it() {
    let dir = crate::support::example_site();
    let out = build_ok(dir.path());
    let note = "<strong>Minh họa:</strong>";
    let mut pages = 0;
    for (path, bytes) in crate::support::snapshot(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let page = String::from_utf8(bytes).unwrap();
        let shows = path.starts_with("rounds/tong-ket-nhiem-ky/")
            || path == "compare.html"
            || page.contains("Tổng kết nhiệm kỳ (minh họa) (31/3/2025)");
        if shows {
            pages += 1;
            assert!(
                page.contains(note),
                "{path} shows the illustrative round unmarked"
            );
        }
    }
    assert!(pages > 20, "only {pages} pages show the end-of-term round");
    // The mid-term round stays at the root, unmarked where it shows only
    // itself.
    let muong_te = read(&out.join("units/huyen-uy-muong-te.html"));
    assert!(!muong_te.contains(note));
    // A catalogue indicator's trajectory: figures against the target, or
    // for a yes/no one the units' statuses.
    assert_has(
        &read(&out.join("indicators/ket-nap-dang-vien.html")),
        r#"<figure class="chart chart-bullet" id="bieu-do-qua-cac-dot">"#,
    );
    assert_has(
        &read(&out.join("indicators/hoan-thanh-tot-nhiem-vu.html")),
        r#"<figure class="chart chart-stacked" id="bieu-do-qua-cac-dot">"#,
    );
}

#[test]
fn a_catalogue_indicator_page_shows_each_round_and_the_moves_since_the_previous() {
    let dir = with_rounds(TWO_ROUNDS, Some("tong-ket"));
    // ket-nap: 305 over 2020–2022 (101,7/year, exceeded) at mid-term,
    // 250 over 2021–2023 (83,3/year, not achieved) at the end.
    round_folder(dir.path(), "huyen-a", "tong-ket", |t| {
        end_of_term(t).replace(
            "actual = 305\nperiod = \"2020-2022\"",
            "actual = 250\nperiod = \"2021-2023\"",
        )
    });
    let out = build_ok(dir.path());
    let page = read(&out.join("indicators/ket-nap.html"));
    let section = &page[page.find(r#"class="section indicator-rounds""#).unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert_has(section, "Sơ kết giữa nhiệm kỳ (30/6/2023)");
    assert_has(section, "Tổng kết nhiệm kỳ (31/3/2025)");
    // Its trajectory drawn as a unit page draws one indicator's: the
    // figure of each round (the units' median) against the target.
    assert_has(
        section,
        r#"<figure class="chart chart-bullet" id="bieu-do-qua-cac-dot">"#,
    );
    assert_has(
        section,
        r#"<th scope="row">Sơ kết giữa nhiệm kỳ (30/6/2023)</th><td class="num">≥ 100/year</td>"#,
    );
    assert_has(section, r#"<td class="num">101,67</td>"#);
    assert_has(section, r#"<td class="num">83,33</td>"#);
    assert_has(
        section,
        "Change since the round Sơ kết giữa nhiệm kỳ: Improved 0; Worsened 1; Unchanged 0; Not comparable 0.",
    );
}

#[test]
fn a_highlight_of_an_undeclared_round_is_an_error() {
    let dir = with_rounds(TWO_ROUNDS, None);
    let highlights = dir.path().join("content/highlights");
    fs::create_dir_all(&highlights).unwrap();
    fs::write(
        highlights.join("h.md"),
        "+++\ntitle = \"T\"\nunit = \"huyen-a\"\nkind = \"result\"\nsummary = \"S\"\n\
         date = 2023-07-01\nround = \"tong-kt\"\n+++\nBody\n",
    )
    .unwrap();
    let err = check_fails(dir.path());
    assert_has(&err, "error: no round `tong-kt`");
    assert_has(&err, "content/highlights/h.md:7:9");
    assert_has(&err, "did you mean `tong-ket`?");
}
