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

/// The Khối's conference and submission dates are not in its document:
/// its unit.toml marks them (`illustrative_fields`), and every place that
/// shows them says "minh họa" (the facts, with the explanation; the units
/// and progress tables; the counts of submissions); its real facts are not
/// marked. Without the marker the same pages carry no mark for the Khối.
#[test]
fn the_khois_invented_dates_are_marked_wherever_they_are_shown() {
    let mark = "<span class=\"badge badge--illustrative\" title=\"Giả định để minh họa: văn bản của đơn vị không ghi\">minh họa</span>";
    let tmp = example_site();
    let run = ketqua(tmp.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = tmp.path().join("public");
    let khoi = read(&out.join("units/dang-bo-khoi.html"));
    let fact = |label: &str| -> String {
        let start = khoi
            .find(&format!("<dt class=\"summary-list__key\">{label}</dt>"))
            .unwrap_or_else(|| panic!("no fact {label}"));
        let end = khoi[start..].find("</div>").unwrap() + start;
        khoi[start..end].to_string()
    };
    assert!(fact("Ngày hội nghị sơ kết").contains(&format!("20/7/2023 {mark}")));
    assert!(fact("Ngày gửi báo cáo").contains(&format!("25/7/2023 {mark}")));
    assert!(
        fact("Gửi báo cáo").contains(mark),
        "{}",
        fact("Gửi báo cáo")
    );
    for real in ["Số đảng viên", "Số tổ chức đảng trực thuộc", "Người ký"] {
        assert!(!fact(real).contains(mark), "{real} is marked");
    }
    assert!(khoi.contains("Các mục có dấu “minh họa” là giả định để làm ví dụ"));
    let progress = read(&out.join("progress.html"));
    let row = |page: &str| -> String {
        let at = page
            .find(">Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh</a>")
            .unwrap();
        let end = page[at..].find("</tr>").unwrap() + at;
        page[at..end].to_string()
    };
    // The date and the status it gives ("Đúng hạn"), each marked.
    assert_eq!(
        row(&progress).matches(mark).count(),
        2,
        "{}",
        row(&progress)
    );
    let csv = read(&out.join("progress.csv"));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("dang-bo-khoi,") && l.ends_with(",conference_date submitted")),
        "{csv}"
    );

    // Without the marker, nothing marks the Khối.
    let toml = tmp.path().join("content/units/dang-bo-khoi/unit.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace(
            "illustrative_fields = [\"conference_date\", \"submitted\"]\n",
            "",
        ),
    )
    .unwrap();
    let run = ketqua(tmp.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let khoi = read(&out.join("units/dang-bo-khoi.html"));
    let start = khoi.find("id=\"thong-tin\"").unwrap();
    let facts = &khoi[start..start + khoi[start..].find("</section>").unwrap()];
    assert!(!facts.contains(mark), "{facts}");
    assert!(!row(&read(&out.join("progress.html"))).contains(mark));
}

/// The highlights' date is not in the Khối's document either: each is
/// marked on its page (with the explanation), in the lists and in the
/// press kit's text.
#[test]
fn the_highlights_invented_dates_are_marked() {
    let mark = "25/7/2023</time> <span class=\"badge badge--illustrative\"";
    let tmp = example_site();
    let run = ketqua(tmp.path(), &["--today", "2024-01-15", "build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = tmp.path().join("public");
    let page = read(&out.join("highlights/ket-nap-305-dang-vien.html"));
    assert!(page.contains(mark), "{page}");
    assert!(page.contains("Ngày của điểm nổi bật là ngày giả định để minh họa"));
    assert_eq!(read(&out.join("highlights.html")).matches(mark).count(), 3);
    let kit = read(&out.join("highlights/ket-nap-305-dang-vien/ket-nap-305-dang-vien.md"));
    assert!(kit.contains("· 25/7/2023 (minh họa)"), "{kit}");
}

/// The shared catalogue is used only by illustrative units: each of its
/// pages says so, and its list tags each entry. One real unit using an
/// entry takes the notice off that entry's page, not off the others.
#[test]
fn a_catalogue_indicator_used_only_by_illustrative_units_says_so() {
    let notice = "Mọi đơn vị dùng chỉ tiêu này là đơn vị minh họa";
    let tmp = example_site();
    let run = ketqua(tmp.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = tmp.path().join("public");
    assert!(read(&out.join("indicators/ho-ngheo.html")).contains(notice));
    let list = read(&out.join("indicators.html"));
    assert!(list.contains("</a> <span class=\"badge\">Dữ liệu minh họa</span>"));

    let toml = tmp.path().join("content/units/huyen-uy-muong-te/unit.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("illustrative = true", "illustrative = false"),
    )
    .unwrap();
    let run = ketqua(tmp.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!read(&out.join("indicators/ho-ngheo.html")).contains(notice));
    assert!(read(&out.join("indicators/mo-hinh-tieu-bieu.html")).contains(notice));
}
