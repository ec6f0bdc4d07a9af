use minijinja::{Environment, ErrorKind, Value, context};

use super::svg::truncate;
use super::*;

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

const LONG_UNIT: &str =
    "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh Lai Châu (nhiệm kỳ 2020–2025)";

fn seg(key: &str, label: &str, value: f64) -> Segment {
    Segment {
        key: key.to_owned(),
        label: label.to_owned(),
        value,
    }
}

fn status_row(label: &str, url: Option<&str>, counts: [f64; 4]) -> StackedRow {
    StackedRow {
        label: label.to_owned(),
        url: url.map(str::to_owned),
        segments: vec![
            seg("exceeded", "Vượt", counts[0]),
            seg("achieved", "Đạt", counts[1]),
            seg("not-achieved", "Không đạt", counts[2]),
            seg("not-assessed", "Chưa đánh giá", counts[3]),
        ],
    }
}

fn stacked_rows() -> Vec<StackedRow> {
    vec![
        status_row("Toàn tỉnh", None, [13.0, 10.0, 3.0, 2.0]),
        status_row(
            "Kinh tế & xã hội",
            Some("linh-vuc/kinh-te/"),
            [4.0, 2.0, 1.0, 0.0],
        ),
        status_row(
            LONG_UNIT,
            Some("don-vi/khoi-co-quan/"),
            [1.0, 1.0, 0.0, 1.0],
        ),
        status_row("Quốc phòng <an ninh>", None, [0.0, 0.0, 0.0, 0.0]),
    ]
}

fn bullet_rows() -> Vec<BulletRow> {
    vec![
        BulletRow {
            label: "Tỷ lệ tổ chức đảng được kiểm tra".to_owned(),
            url: Some("chi-tieu/kiem-tra/".to_owned()),
            actual: Some(99.2),
            actual_text: "99,2%".to_owned(),
            target_low: Some(95.0),
            target_text: "> 95%".to_owned(),
            percent: true,
            baseline: Some(90.5),
            years: vec![
                YearPoint {
                    year: 2021,
                    value: 96.0,
                    text: String::new(),
                },
                YearPoint {
                    year: 2022,
                    value: 98.1,
                    text: "98,1%".to_owned(),
                },
            ],
            status: "exceeded".to_owned(),
            status_label: "Vượt".to_owned(),
            ..BulletRow::default()
        },
        BulletRow {
            label: "Số đảng viên mới kết nạp".to_owned(),
            actual: Some(65914.0),
            target_low: Some(60000.0),
            target_text: ">= 60.000".to_owned(),
            status: "achieved".to_owned(),
            status_label: "Đạt".to_owned(),
            ..BulletRow::default()
        },
        BulletRow {
            label: "Tốc độ tăng trưởng kinh tế bình quân".to_owned(),
            actual: Some(2.4),
            actual_text: "2,4%/năm".to_owned(),
            target_low: Some(3.0),
            target_high: Some(5.0),
            target_text: "3-5%/năm".to_owned(),
            percent: true,
            status: "not-achieved".to_owned(),
            status_label: "Không đạt".to_owned(),
            ..BulletRow::default()
        },
        BulletRow {
            label: "Tỷ lệ hộ nghèo".to_owned(),
            actual: Some(1.5),
            target_low: Some(2.0),
            lower_is_better: true,
            percent: true,
            status: "achieved".to_owned(),
            status_label: "Đạt".to_owned(),
            ..BulletRow::default()
        },
        BulletRow {
            label: "Xây dựng đề án \"chuyển đổi số\"".to_owned(),
            target_low: Some(1.0),
            target_text: "Có".to_owned(),
            status: "not-assessed".to_owned(),
            status_label: "Chưa đánh giá".to_owned(),
            ..BulletRow::default()
        },
    ]
}

fn rank_row(label: &str, value: Option<f64>, status: &str) -> RankRow {
    RankRow {
        label: label.to_owned(),
        url: Some(format!("don-vi/{}/", crate::vi::slugify(label))),
        value,
        value_text: value.map_or_else(String::new, crate::vi::format_percent),
        status: status.to_owned(),
        status_label: String::new(),
    }
}

fn ranked_rows() -> Vec<RankRow> {
    vec![
        rank_row("Huyện ủy Tam Đường", Some(80.0), "achieved"),
        rank_row("Huyện ủy Mường Tè", None, ""),
        rank_row("Thành ủy Lai Châu", Some(100.0), "exceeded"),
        rank_row("Huyện ủy Sìn Hồ", Some(80.0), "achieved"),
        rank_row(LONG_UNIT, Some(57.75), "not-achieved"),
        rank_row("Huyện ủy Phong Thổ", Some(80.0), "achieved"),
    ]
}

fn timeline_series() -> Vec<Series> {
    vec![
        Series {
            key: "province".to_owned(),
            label: "Tỉnh".to_owned(),
            deadline: Some("2023-07-30".to_owned()),
            total: 1,
            dates: vec!["2023-07-28".to_owned()],
        },
        Series {
            key: "district".to_owned(),
            label: "Huyện".to_owned(),
            deadline: Some("2023-07-15".to_owned()),
            total: 8,
            dates: vec![
                "2023-07-10".to_owned(),
                "2023-07-14".to_owned(),
                "2023-07-14".to_owned(),
                "15/7/2023".to_owned(), // unparsable: skipped
                "2023-07-15".to_owned(),
                "2023-07-20".to_owned(),
                "2023-06-30".to_owned(),
            ],
        },
    ]
}

/// The Vietnamese words of the charts.
fn words() -> ChartText {
    ChartText::new(&crate::i18n::Strings::new(crate::i18n::Language::Vi))
}

fn opts(id: &str, title: &str) -> ChartOptions {
    ChartOptions::new(id, title, &words())
}

/// One line per element, so that snapshots can be read and diffed.
fn pretty(html: &str) -> String {
    html.replace("><", ">\n<")
}

// ---------------------------------------------------------------------------
// Checks every chart must pass
// ---------------------------------------------------------------------------

/// Parses the output as XML and checks what every chart promises: one
/// figure with the kind's class, an SVG with role="img", title and desc with
/// prefixed ids named by aria-labelledby, no colours, no NaN or infinity.
fn check<'a>(html: &'a str, kind: &str, id: &str) -> roxmltree::Document<'a> {
    let doc = match roxmltree::Document::parse(html) {
        Ok(doc) => doc,
        Err(e) => panic!("not well-formed XML: {e}\n{}", pretty(html)),
    };
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "figure");
    assert_eq!(
        root.attribute("class"),
        Some(format!("chart chart-{kind}").as_str())
    );
    // The SVG is in a focusable box named by its title (it scrolls on phones).
    let scroll = root
        .children()
        .find(|n| n.has_tag_name("div"))
        .expect("a scrolling box in the figure");
    assert_eq!(scroll.attribute("class"), Some("chart-scroll"));
    assert_eq!(scroll.attribute("tabindex"), Some("0"));
    let title_id = format!("{id}-title");
    assert_eq!(scroll.attribute("aria-labelledby"), Some(title_id.as_str()));
    let svg = scroll
        .children()
        .find(|n| n.has_tag_name("svg"))
        .expect("an <svg> in the figure");
    assert_eq!(svg.attribute("role"), Some("img"));
    let labelledby = format!("{id}-title {id}-desc");
    assert_eq!(svg.attribute("aria-labelledby"), Some(labelledby.as_str()));
    assert!(svg.attribute("viewBox").is_some());
    let first: Vec<&str> = svg
        .children()
        .filter(|n| n.is_element())
        .take(2)
        .map(|n| n.tag_name().name())
        .collect();
    assert_eq!(first, ["title", "desc"], "title and desc come first");
    for (tag, suffix) in [("title", "title"), ("desc", "desc")] {
        let el = svg.children().find(|n| n.has_tag_name(tag)).expect(tag);
        assert_eq!(el.attribute("id"), Some(format!("{id}-{suffix}").as_str()));
        assert!(!el.text().unwrap_or("").trim().is_empty(), "empty <{tag}>");
    }
    // Ids are unique and prefixed.
    let ids: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("id"))
        .collect();
    for (i, a) in ids.iter().enumerate() {
        assert!(a.starts_with(id), "id {a:?} is not prefixed with {id:?}");
        assert!(!ids[i + 1..].contains(a), "duplicate id {a:?}");
    }
    // No colours or inline styles: classes only.
    for node in doc.descendants().filter(|n| n.is_element()) {
        for attr in node.attributes() {
            let name = attr.name();
            assert!(
                !["fill", "stroke", "color", "style", "stop-color"].contains(&name),
                "attribute {name}={:?} on <{}>",
                attr.value(),
                node.tag_name().name()
            );
            if name != "href" {
                assert!(
                    !attr.value().contains('#'),
                    "colour-like {name}={:?}",
                    attr.value()
                );
            }
        }
    }
    for bad in ["NaN", "inf", "∞"] {
        assert!(
            !html.contains(bad),
            "output contains {bad:?}:\n{}",
            pretty(html)
        );
    }
    assert!(!html.contains("fill=\"#"));
    // Tables: headers with scope.
    for th in doc.descendants().filter(|n| n.has_tag_name("th")) {
        assert!(
            matches!(th.attribute("scope"), Some("col" | "row")),
            "<th> without scope"
        );
    }
    doc
}

/// The texts of all SVG `<text>` elements, in document order.
fn svg_texts(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            // A wrapped label's lines (tspans) read as one text.
            let parts: Vec<&str> = n
                .descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect();
            parts.join(" ")
        })
        .collect()
}

fn table_cells(doc: &roxmltree::Document<'_>) -> Vec<Vec<String>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("tr"))
        .map(|tr| {
            tr.children()
                .filter(|n| n.is_element())
                .map(|cell| {
                    cell.descendants()
                        .filter(|n| n.is_text())
                        .filter_map(|n| n.text())
                        .collect::<String>()
                })
                .collect()
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------

#[test]
fn snapshot_stacked() {
    let html = stacked(&stacked_rows(), &opts("status", "Kết quả các chỉ tiêu"));
    check(&html, "stacked", "status");
    insta::assert_snapshot!(pretty(&html));
}

#[test]
fn snapshot_stacked_single_row_with_caption() {
    let mut o = opts("all", "Kết quả các chỉ tiêu của toàn tỉnh");
    o.caption = "Số chỉ tiêu theo kết quả đánh giá".to_owned();
    let html = stacked(&stacked_rows()[..1], &o);
    check(&html, "stacked", "all");
    insta::assert_snapshot!(pretty(&html));
}

#[test]
fn snapshot_stacked_zero_negative_and_non_finite() {
    let rows = vec![
        status_row("Không có chỉ tiêu", None, [0.0, 0.0, 0.0, 0.0]),
        status_row("Số âm", None, [5.0, -2.0, 1.0, 0.0]),
        status_row(
            "Không hữu hạn",
            None,
            [f64::NAN, 3.0, f64::INFINITY, f64::NEG_INFINITY],
        ),
        StackedRow {
            label: "Không có đoạn".to_owned(),
            url: None,
            segments: Vec::new(),
        },
    ];
    let html = stacked(&rows, &opts("edge", "Trường hợp biên"));
    let doc = check(&html, "stacked", "edge");
    // The negative count is shown as it is in the table, drawn as nothing.
    let cells = table_cells(&doc);
    assert_eq!(
        cells[2],
        ["Số âm", "5 (83,3%)", "-2 (0%)", "1 (16,7%)", "0 (0%)", "4"]
    );
    assert!(!html.contains("seg seg-achieved\" x=\"") || !html.contains("width=\"-"));
    assert!(!html.contains("width=\"-"), "negative width");
    insta::assert_snapshot!(pretty(&html));
}

#[test]
fn snapshot_bullet() {
    let html = bullet(&bullet_rows(), &opts("ind", "Chỉ tiêu so với mục tiêu"));
    check(&html, "bullet", "ind");
    insta::assert_snapshot!(pretty(&html));
}

#[test]
fn snapshot_bullet_single_negative_and_long() {
    let rows = vec![BulletRow {
        label: LONG_UNIT.to_owned(),
        actual: Some(-3.5),
        target_low: Some(0.0),
        baseline: Some(f64::NAN),
        years: vec![YearPoint {
            year: 2022,
            value: f64::INFINITY,
            text: String::new(),
        }],
        status: "not achieved".to_owned(),
        status_label: "Không đạt".to_owned(),
        ..BulletRow::default()
    }];
    let html = bullet(&rows, &opts("neg", "Giá trị âm"));
    let doc = check(&html, "bullet", "neg");
    // The bar is clamped to the axis start, the label shows the true figure.
    assert!(html.contains(r#"class="chart-bar status-not-achieved""#));
    assert!(svg_texts(&doc).contains(&"-3,5".to_owned()));
    insta::assert_snapshot!(pretty(&html));
}

#[test]
fn snapshot_ranked_with_target() {
    let mut o = opts("rank", "Tỷ lệ chỉ tiêu đạt theo đơn vị");
    o.max = Some(100.0);
    o.target = Some(95.0);
    o.target_text = "Mục tiêu 95%".to_owned();
    let html = ranked(&ranked_rows(), &o);
    check(&html, "ranked", "rank");
    insta::assert_snapshot!(pretty(&html));
}

#[test]
fn snapshot_timeline_two_levels() {
    let mut o = opts("nop", "Báo cáo đã nộp theo ngày");
    o.as_of = Some("2023-07-31".to_owned());
    let html = timeline(&timeline_series(), &o);
    check(&html, "timeline", "nop");
    insta::assert_snapshot!(pretty(&html));
}

#[test]
fn snapshot_empty_charts() {
    let o = opts("empty", "Không có dữ liệu");
    let all = [
        stacked(&[], &o),
        bullet(&[], &o),
        ranked(&[], &o),
        timeline(&[], &o),
    ];
    for (html, kind) in all.iter().zip(["stacked", "bullet", "ranked", "timeline"]) {
        let doc = check(html, kind, "empty");
        assert_eq!(svg_texts(&doc), ["Chưa có số liệu"]);
        assert!(!html.contains("<details"), "no table without data");
    }
    insta::assert_snapshot!(pretty(&all[0]));
}

// ---------------------------------------------------------------------------
// Plain assertions
// ---------------------------------------------------------------------------

#[test]
fn labels_are_escaped_in_svg_and_table() {
    let rows = vec![StackedRow {
        label: r#"A & B <script>alert("x")</script>"#.to_owned(),
        url: Some(r#"don-vi/a&b/"onmouseover="x"#.to_owned()),
        segments: vec![seg("a<b", "Đạt & <vượt>", 1.0)],
    }];
    let html = stacked(&rows, &opts("esc", "Tiêu đề & <b>"));
    let doc = check(&html, "stacked", "esc");
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<b>"));
    let links: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("href"))
        .collect();
    // Linked once, in the table: the SVG (`role="img"`) holds no links.
    assert_eq!(links, [r#"don-vi/a&b/"onmouseover="x"#]);
    assert!(html.contains("seg seg-a-b"), "keys become safe class names");
}

#[test]
fn unsafe_urls_are_not_linked() {
    let mut row = status_row("Đơn vị", Some("javascript:alert(1)"), [1.0, 0.0, 0.0, 0.0]);
    let html = stacked(std::slice::from_ref(&row), &opts("u", "t"));
    check(&html, "stacked", "u");
    assert!(!html.contains("href"));
    row.url = Some(" JavaScript:alert(1)".to_owned());
    assert!(!stacked(&[row], &opts("u", "t")).contains("href"));
}

#[test]
fn vietnamese_figures_in_labels_and_table() {
    let rows = vec![StackedRow {
        label: "Tổ chức đảng được kiểm tra".to_owned(),
        url: None,
        segments: vec![
            seg("on-time", "Đã kiểm tra", 41.0),
            seg("missing", "Chưa kiểm tra", 30.0),
        ],
    }];
    let html = stacked(&rows, &opts("kt", "Kiểm tra"));
    let doc = check(&html, "stacked", "kt");
    assert!(html.contains("57,7%"), "41 of 71 is 57,7%");
    assert_eq!(
        table_cells(&doc)[1],
        [
            "Tổ chức đảng được kiểm tra",
            "41 (57,7%)",
            "30 (42,3%)",
            "71"
        ]
    );

    let big = vec![rank_row("Đảng bộ", Some(65914.0), "")];
    let mut big = big;
    big[0].value_text = String::new();
    let html = ranked(&big, &opts("big", "Số lớn"));
    let doc = check(&html, "ranked", "big");
    assert!(svg_texts(&doc).contains(&"65.914".to_owned()));
}

#[test]
fn generated_description_summarises_the_data() {
    let html = stacked(&stacked_rows()[..1], &opts("d", "t"));
    let doc = check(&html, "stacked", "d");
    let desc = doc
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap_or("");
    assert_eq!(
        desc,
        "Biểu đồ thanh xếp chồng. Toàn tỉnh: Vượt 13 (46,4%), Đạt 10 (35,7%), \
         Không đạt 3 (10,7%), Chưa đánh giá 2 (7,1%); Tổng: 28."
    );

    let html = bullet(&bullet_rows(), &opts("b", "t"));
    assert!(html.contains(
        "Biểu đồ thực hiện so với mục tiêu: 5 chỉ tiêu; Vượt: 1, Đạt: 2, Không đạt: 1, \
         Chưa đánh giá: 1; 1 chỉ tiêu chưa có số liệu."
    ));

    let mut o = opts("g", "t");
    o.desc = "Mô tả riêng".to_owned();
    assert!(stacked(&stacked_rows(), &o).contains(r#"<desc id="g-desc">Mô tả riêng</desc>"#));
}

fn desc_of(doc: &roxmltree::Document<'_>) -> String {
    doc.descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text())
        .unwrap_or("")
        .to_owned()
}

/// The home chart has a row for all units and one per level: the rows
/// overlap, and a description that added them up said "Tổng: 24" where the
/// chart shows 12. Each row is described with the figures its table row
/// shows (which are those of its bar), and no figure is made by adding rows.
#[test]
fn stacked_description_gives_each_row_the_figures_the_chart_shows() {
    let rows = vec![
        status_row("Tất cả", None, [6.0, 3.0, 2.0, 1.0]),
        status_row("Cấp tỉnh", None, [4.0, 2.0, 1.0, 0.0]),
        status_row("Cấp huyện", None, [2.0, 1.0, 1.0, 1.0]),
    ];
    let html = stacked(&rows, &opts("home", "t"));
    let doc = check(&html, "stacked", "home");
    let desc = desc_of(&doc);
    let cells = table_cells(&doc);
    let labels = ["Vượt", "Đạt", "Không đạt", "Chưa đánh giá"];
    for row in &cells[1..] {
        let figures: Vec<String> = labels
            .iter()
            .zip(&row[1..5])
            .map(|(l, c)| format!("{l} {c}"))
            .collect();
        let expected = format!("{}: {}; Tổng: {}.", row[0], figures.join(", "), row[5]);
        assert!(desc.contains(&expected), "`{expected}` not in `{desc}`");
        // The total in the description is the one drawn at the bar's end.
        assert!(svg_texts(&doc).contains(&row[5]), "{row:?}");
    }
    assert!(
        desc.starts_with("Biểu đồ thanh xếp chồng, 3 dòng. "),
        "{desc}"
    );
    assert!(!desc.contains("Tổng: 24"), "{desc}");
    assert!(!desc.contains("Vượt 12"), "{desc}");
}

/// The bullet chart's description counts the rows it draws, by the status
/// each row shows.
#[test]
fn bullet_description_counts_the_rows_the_chart_shows() {
    let rows = bullet_rows();
    let html = bullet(&rows, &opts("b", "t"));
    let doc = check(&html, "bullet", "b");
    let desc = desc_of(&doc);
    let body = &table_cells(&doc)[1..];
    assert!(
        desc.starts_with(&format!(
            "Biểu đồ thực hiện so với mục tiêu: {} chỉ tiêu",
            body.len()
        )),
        "{desc}"
    );
    for label in ["Vượt", "Đạt", "Không đạt", "Chưa đánh giá"] {
        let shown = rows.iter().filter(|r| r.status_label == label).count();
        assert!(
            desc.contains(&format!("{label}: {shown}")),
            "{label}: {desc}"
        );
    }
}

#[test]
fn ids_are_prefixed_and_sanitised() {
    let html = ranked(&ranked_rows(), &opts("xep-hang_2", "t"));
    check(&html, "ranked", "xep-hang_2");
    assert!(html.contains(r#"<title id="xep-hang_2-title">"#));
    let html = ranked(&ranked_rows(), &opts("Xếp hạng \"1\"", "t"));
    check(&html, "ranked", "xep-hang-1");
    let html = ranked(&ranked_rows(), &opts("", "t"));
    check(&html, "ranked", "chart");
}

#[test]
fn truncation_counts_characters_not_bytes() {
    let (short, cut) = truncate(LONG_UNIT, 20);
    assert!(cut);
    assert_eq!(short.chars().count(), 20);
    assert!(short.ends_with('…'));
    assert!(LONG_UNIT.starts_with(short.trim_end_matches('…')));
    assert_eq!(truncate("Tỉnh", 4), ("Tỉnh".to_owned(), false));
    // Decomposed text: a letter keeps its marks.
    let nfd = "Đa\u{0309}ng bo\u{0302}\u{0323} Khô\u{0301}i";
    let (short, cut) = truncate(nfd, 6);
    assert!(cut);
    assert_eq!(short, "Đa\u{0309}ng…", "no space before the ellipsis");
    let (short, _) = truncate(nfd, 8);
    assert_eq!(short, "Đa\u{0309}ng bo\u{0302}\u{0323}…");
}

#[test]
fn long_labels_wrap_whole_and_only_a_cut_one_is_repeated_in_the_title() {
    let html = stacked(&stacked_rows(), &opts("long", "t"));
    let doc = check(&html, "stacked", "long");
    let row = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("row"))
        .nth(2)
        .expect("third row");
    // Drawn whole: no tooltip repeating it.
    assert!(!row.children().any(|n| n.has_tag_name("title")));
    // Too long for three lines: cut with "…", the whole label in the
    // row's tooltip.
    let very_long = [LONG_UNIT; 4].join(" ");
    let cut = stacked(
        &[status_row(&very_long, None, [1.0, 0.0, 0.0, 0.0])],
        &opts("cut", "t"),
    );
    let cut_doc = check(&cut, "stacked", "cut");
    let title = cut_doc
        .descendants()
        .find(|n| n.attribute("class") == Some("row"))
        .and_then(|row| row.children().find(|n| n.has_tag_name("title")))
        .and_then(|n| n.text());
    assert_eq!(title, Some(very_long.as_str()));
    let label = row
        .descendants()
        .find(|n| n.attribute("class") == Some("label"))
        .expect("a label");
    // Wrapped on several lines, every word kept.
    let lines: Vec<&str> = label
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    assert!(lines.len() > 1, "{lines:?}");
    assert_eq!(lines.join(" "), LONG_UNIT);
    // The label is not a link inside the image; the table has the full
    // label, linked.
    assert!(!row.descendants().any(|n| n.attribute("href").is_some()));
    assert!(table_cells(&doc).iter().any(|r| r[0] == LONG_UNIT));
    assert!(
        doc.descendants()
            .any(|n| n.attribute("href") == Some("don-vi/khoi-co-quan/"))
    );
}

#[test]
fn ranked_sorts_by_value_and_keeps_ties_in_input_order() {
    let rows = ranked_rows();
    let order: Vec<&str> = super::ranked::order(&rows)
        .into_iter()
        .map(|i| rows[i].label.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "Thành ủy Lai Châu",
            "Huyện ủy Tam Đường",
            "Huyện ủy Sìn Hồ",
            "Huyện ủy Phong Thổ",
            LONG_UNIT,
            "Huyện ủy Mường Tè",
        ]
    );
    let mut o = opts("r", "t");
    o.target = Some(95.0);
    let html = ranked(&rows, &o);
    let doc = check(&html, "ranked", "r");
    let cells = table_cells(&doc);
    let ranks: Vec<&str> = cells[1..7].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ranks, ["1", "2", "2", "2", "5", "–"], "ties share a rank");
    assert_eq!(cells[6][2], "–");
    assert_eq!(
        cells[7][1..],
        ["Mục tiêu".to_owned(), "Mục tiêu: 95".to_owned()]
    );
    // The same order in the SVG.
    let labels: Vec<String> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("label"))
        .map(|n| {
            let parts: Vec<&str> = n
                .descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect();
            parts.join(" ")
        })
        .collect();
    assert_eq!(
        labels[1..4],
        [
            "Huyện ủy Tam Đường",
            "Huyện ủy Sìn Hồ",
            "Huyện ủy Phong Thổ"
        ]
    );
    // Zero and negative zero tie too.
    let zeros = vec![
        rank_row("a", Some(0.0), ""),
        rank_row("b", Some(-0.0), ""),
        rank_row("c", Some(0.0), ""),
    ];
    assert_eq!(super::ranked::order(&zeros), [0, 1, 2]);
}

#[test]
fn ranked_bars_over_max_are_clamped() {
    let rows = vec![
        rank_row("Vượt thang", Some(250.0), ""),
        rank_row("Âm", Some(-10.0), ""),
    ];
    let mut o = opts("c", "t");
    o.max = Some(100.0);
    let html = ranked(&rows, &o);
    let doc = check(&html, "ranked", "c");
    let widths: Vec<f64> = doc
        .descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.starts_with("chart-bar"))
        })
        .filter_map(|n| n.attribute("width")?.parse().ok())
        .collect();
    assert_eq!(widths.len(), 2);
    assert!(widths[0] > 0.0 && widths[0] <= 640.0);
    assert_eq!(widths[1], 0.0);
    assert!(svg_texts(&doc).contains(&"250%".to_owned()));
    assert!(svg_texts(&doc).contains(&"-10%".to_owned()));
}

/// In a page, what every row of the bullet chart draws alike is written
/// once: the ticks defined once and placed by `<use>` (so `vector-effect`
/// is written once a kind), the tracks one path, and no bar tooltip
/// repeating the figure and status drawn beside it. A standalone file
/// writes each mark in full; a row whose status is not drawn (rows too low
/// for a second line) keeps it in the bar's tooltip.
#[test]
fn bullet_rows_in_a_page_share_their_repeated_marks() {
    let html = bullet(&bullet_rows(), &opts("s", "t"));
    let doc = check(&html, "bullet", "s");
    let count = |s: &str| html.matches(s).count();
    assert_eq!(count("vector-effect"), 2, "{html}");
    assert_eq!(count(r##"<use href="#s-target""##), 4);
    assert_eq!(count(r##"<use href="#s-baseline""##), 1);
    for id in ["s-target", "s-baseline"] {
        let def = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no {id}"));
        assert!(def.ancestors().any(|a| a.has_tag_name("defs")));
    }
    let tracks: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("track"))
        .collect();
    assert_eq!(tracks.len(), 1);
    assert_eq!(
        tracks[0].attribute("d").map(|d| d.matches('M').count()),
        Some(5)
    );
    let bars: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.starts_with("chart-bar status-"))
        })
        .collect();
    assert_eq!(bars.len(), 4);
    assert!(bars.iter().all(|b| !b.has_children()), "{html}");
    // The tooltips of marks whose figure is not drawn stay.
    assert!(html.contains("<title>Ban đầu: 90,5%</title>"));
    assert!(html.contains("<title>Mục tiêu: &gt; 95%</title>"));

    let mut file = opts("s", "t");
    file.standalone = true;
    let svg = bullet(&bullet_rows(), &file);
    assert!(!svg.contains("<use") && !svg.contains("<defs>"), "{svg}");
    assert_eq!(svg.matches(r#"<rect class="track""#).count(), 5);
    assert_eq!(svg.matches(r#"<line class="target""#).count(), 4 + 1);

    let mut low = opts("s", "t");
    low.row_height = 20.0;
    let html = bullet(&bullet_rows(), &low);
    assert!(!html.contains(r#"class="status-label""#), "{html}");
    assert!(
        html.contains("<title>Thực hiện: 99,2% (Vượt)</title>"),
        "{html}"
    );
}

#[test]
fn bullet_scales_each_row_and_marks_the_target() {
    let html = bullet(&bullet_rows(), &opts("s", "t"));
    let doc = check(&html, "bullet", "s");
    let rows: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("row"))
        .collect();
    assert_eq!(rows.len(), 5);
    let number = |n: roxmltree::Node<'_, '_>, names: &[&str]| -> f64 {
        names
            .iter()
            .find_map(|a| n.attribute(*a))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    // The tracks, one rectangle a row in the chart's `path.track`: their
    // x and width.
    let d = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("track"))
        .and_then(|n| n.attribute("d"))
        .expect("the tracks");
    let (x, rest) = d[1..].split_once(' ').expect("M x y");
    let (_, rest) = rest.split_once('h').expect("h w");
    let (w, _) = rest.split_once('v').expect("v h");
    let track_x: f64 = x.parse().expect("x");
    let track_w: f64 = w.parse().expect("w");
    // A mark of the row, drawn in full or as a `<use>` of the chart's
    // definition "s-CLASS": its x (the use's plus the definition's) and width.
    let track = |row: &roxmltree::Node<'_, '_>, class: &str| -> (f64, f64) {
        if class == "track" {
            return (track_x, track_w);
        }
        let href = format!("#s-{class}");
        let n = row
            .descendants()
            .find(|n| {
                n.attribute("class").is_some_and(|c| c.starts_with(class))
                    || n.attribute("href") == Some(href.as_str())
            })
            .unwrap_or_else(|| panic!("no {class}"));
        if n.has_tag_name("use") {
            let def = doc
                .descendants()
                .find(|d| d.attribute("id") == Some(&href[1..]))
                .unwrap_or_else(|| panic!("no definition of {class}"));
            let x = number(n, &["x"]) + number(def, &["x", "x1"]);
            return (x, number(def, &["width"]));
        }
        (number(n, &["x", "x1"]), number(n, &["width"]))
    };
    // Row 1 is a percent row: scale 0–100, so 99,2% fills 99,2% of the track.
    let (tx, tw) = track(&rows[0], "track");
    let (_, bw) = track(&rows[0], "chart-bar");
    assert!((bw / tw - 0.992).abs() < 0.002, "{bw} / {tw}");
    // The target line at 95%.
    let (x, _) = track(&rows[0], "target");
    assert!(((x - tx) / tw - 0.95).abs() < 0.002);
    // Row 2 is a count: scale 110% of the largest figure.
    let (tx, tw) = track(&rows[1], "track");
    let (_, bw) = track(&rows[1], "chart-bar");
    assert!((bw / tw - 1.0 / 1.1).abs() < 0.002);
    let (x, _) = track(&rows[1], "target");
    assert!(((x - tx) / tw - 60000.0 / 65914.0 / 1.1).abs() < 0.002);
    // Row 3 has a target range: a band.
    assert!(
        rows[2]
            .descendants()
            .any(|n| n.attribute("class") == Some("target-band"))
    );
    // Row 5 has no result.
    assert!(svg_texts(&doc).contains(&"chưa có số liệu".to_owned()));
    // Years as dots with the year in their title.
    let years: Vec<String> = rows[0]
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .filter_map(|n| {
            n.children()
                .find(|c| c.has_tag_name("title"))?
                .text()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(years, ["2021: 96%", "2022: 98,1%"]);
    // The table.
    let cells = table_cells(&doc);
    assert_eq!(
        cells[0],
        [
            "Chỉ tiêu",
            "Mục tiêu",
            "Ban đầu",
            "Các năm",
            "Thực hiện",
            "Đánh giá"
        ]
    );
    assert_eq!(
        cells[1],
        [
            "Tỷ lệ tổ chức đảng được kiểm tra",
            "> 95%",
            "90,5%",
            "2021: 96%; 2022: 98,1%",
            "99,2%",
            "Vượt"
        ]
    );
    assert_eq!(cells[2][4], "65.914");
    assert_eq!(cells[4][1], "≤ 2%");
    assert_eq!(cells[5][4], "–");
}

#[test]
fn timeline_counts_on_time_and_late_and_skips_bad_dates() {
    let mut o = opts("tl", "t");
    o.as_of = Some("2023-07-31".to_owned());
    let html = timeline(&timeline_series(), &o);
    let doc = check(&html, "timeline", "tl");
    let cells = table_cells(&doc);
    assert_eq!(
        cells[0],
        ["Cấp", "Hạn", "Đúng hạn", "Trễ hạn", "Đã nộp", "Phải nộp"]
    );
    assert_eq!(cells[1], ["Tỉnh", "30/7/2023", "1", "0", "1", "1"]);
    // 6 parsable dates; 15/7 is on time (≤ deadline), 20/7 late.
    assert_eq!(cells[2], ["Huyện", "15/7/2023", "5", "1", "6", "8"]);
    let texts = svg_texts(&doc);
    for expected in [
        "Hạn Tỉnh: 30/7",
        "Hạn Huyện: 15/7",
        "Ngày lấy số liệu: 31/7",
        "1/7",
        "15/7",
        "Huyện: 6/8",
    ] {
        assert!(
            texts.iter().any(|t| t == expected),
            "no {expected:?} in {texts:?}"
        );
    }
    let lines = doc
        .descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.starts_with("line series-"))
        })
        .count();
    assert_eq!(lines, 2);
    // Only unparsable dates: nothing to draw.
    let bad = vec![Series {
        key: "branch".to_owned(),
        label: "Chi bộ".to_owned(),
        deadline: Some("sau Tết".to_owned()),
        total: 3,
        dates: vec!["hôm qua".to_owned(), "2023-02-30".to_owned()],
    }];
    let html = timeline(&bad, &opts("bad", "t"));
    let doc = check(&html, "timeline", "bad");
    assert_eq!(svg_texts(&doc), ["Chưa có số liệu"]);
}

#[test]
fn timeline_on_a_single_day_and_over_years() {
    let one = vec![Series {
        key: "province".to_owned(),
        label: "Tỉnh".to_owned(),
        deadline: None,
        total: 0,
        dates: vec!["2023-07-28".to_owned()],
    }];
    let html = timeline(&one, &opts("one", "t"));
    let doc = check(&html, "timeline", "one");
    assert!(svg_texts(&doc).contains(&"28/7".to_owned()));
    let cells = table_cells(&doc);
    assert_eq!(cells[1], ["Tỉnh", "–", "–", "–", "1", "–"]);

    let long = vec![Series {
        key: "district".to_owned(),
        label: "Huyện".to_owned(),
        deadline: Some("2021-01-01".to_owned()),
        total: 2,
        dates: vec!["-009999-01-01".to_owned(), "9999-12-31".to_owned()],
    }];
    let html = timeline(&long, &opts("long", "t"));
    check(&html, "timeline", "long");
}

#[test]
fn options_words_and_table_switch() {
    let mut o = opts("en", "Indicators");
    o.data_label = "Data".to_owned();
    o.empty_label = "No data yet".to_owned();
    o.text.total = "Total".to_owned();
    let html = stacked(&stacked_rows(), &o);
    assert!(html.contains("<summary>Data</summary>"));
    assert!(html.contains(r#"<th scope="col" class="num">Total</th>"#));
    assert!(stacked(&[], &o).contains(">No data yet</text>"));
    o.table = false;
    let html = stacked(&stacked_rows(), &o);
    check(&html, "stacked", "en");
    assert!(!html.contains("<details"));
}

#[test]
fn output_is_deterministic() {
    let o = opts("det", "t");
    assert_eq!(stacked(&stacked_rows(), &o), stacked(&stacked_rows(), &o));
    assert_eq!(
        timeline(&timeline_series(), &o),
        timeline(&timeline_series(), &o)
    );
}

/// Many awkward inputs: no panic, always well-formed, never NaN.
#[test]
fn awkward_inputs_never_panic() {
    let values = [
        0.0,
        -0.0,
        -1.0,
        1.0,
        0.5,
        1e-300,
        1e300,
        f64::MAX,
        f64::MIN,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    let labels = [
        "",
        " ",
        "&<>\"'",
        "\u{0}\u{7}",
        "a\u{0301}\u{0302}",
        LONG_UNIT,
        "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉",
    ];
    let dates = [
        "",
        "2023-07-30",
        "2023-13-01",
        "x",
        "-009999-01-01",
        "9999-12-31",
        "2024-02-29",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    for round in 0..200 {
        let v = |i: usize| values[i];
        let mut o = opts(labels[next(labels.len())], labels[next(labels.len())]);
        o.width = v(next(values.len()));
        o.row_height = v(next(values.len()));
        o.max = Some(v(next(values.len())));
        o.target = Some(v(next(values.len())));
        o.as_of = Some(dates[next(dates.len())].to_owned());
        let id = super::svg::id_token(&o.id);
        let n = next(4);
        let stacked_rows: Vec<StackedRow> = (0..n)
            .map(|_| StackedRow {
                label: labels[next(labels.len())].to_owned(),
                url: Some(labels[next(labels.len())].to_owned()),
                segments: (0..next(4))
                    .map(|_| seg(labels[next(labels.len())], "", v(next(values.len()))))
                    .collect(),
            })
            .collect();
        let bullet_rows: Vec<BulletRow> = (0..n)
            .map(|_| BulletRow {
                label: labels[next(labels.len())].to_owned(),
                actual: Some(v(next(values.len()))),
                target_low: Some(v(next(values.len()))),
                target_high: Some(v(next(values.len()))),
                baseline: Some(v(next(values.len()))),
                percent: next(2) == 0,
                lower_is_better: next(2) == 0,
                years: vec![YearPoint {
                    year: 2021,
                    value: v(next(values.len())),
                    text: String::new(),
                }],
                status: labels[next(labels.len())].to_owned(),
                ..BulletRow::default()
            })
            .collect();
        let rank_rows: Vec<RankRow> = (0..n)
            .map(|_| RankRow {
                label: labels[next(labels.len())].to_owned(),
                value: Some(v(next(values.len()))),
                ..RankRow::default()
            })
            .collect();
        let series: Vec<Series> = (0..n)
            .map(|_| Series {
                key: labels[next(labels.len())].to_owned(),
                label: labels[next(labels.len())].to_owned(),
                deadline: Some(dates[next(dates.len())].to_owned()),
                total: [0, 1, usize::MAX][next(3)],
                dates: (0..next(5))
                    .map(|_| dates[next(dates.len())].to_owned())
                    .collect(),
            })
            .collect();
        for (html, kind) in [
            (stacked(&stacked_rows, &o), "stacked"),
            (bullet(&bullet_rows, &o), "bullet"),
            (ranked(&rank_rows, &o), "ranked"),
            (timeline(&series, &o), "timeline"),
        ] {
            let checked = std::panic::catch_unwind(|| {
                check(&html, kind, &id);
            });
            assert!(checked.is_ok(), "round {round}, {kind}: {o:?}");
        }
    }
}

// ---------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    let words = words();
    env.add_function(
        "chart",
        move |kind: &str, data: Value, kwargs: minijinja::value::Kwargs| {
            template_chart(kind, data, kwargs, &words)
        },
    );
    env
}

#[test]
fn template_calls_chart_with_kwargs() {
    let env = env();
    let rows = Value::from(minijinja::value::Serde(bullet_rows()));
    let html = env
        .render_str(
            r#"<main>{{ chart("bullet", rows, id="ind", title="Chỉ tiêu so với mục tiêu", width=720, data_label="Bảng số liệu", caption=none) }}</main>"#,
            context! { rows },
        )
        .expect("renders");
    let inner = html
        .strip_prefix("<main>")
        .and_then(|h| h.strip_suffix("</main>"))
        .expect("wrapped");
    let doc = check(inner, "bullet", "ind");
    assert!(inner.contains(r#"viewBox="0 0 720 "#));
    assert!(inner.contains("<summary>Bảng số liệu</summary>"));
    assert!(inner.contains(r#"<title id="ind-title">Chỉ tiêu so với mục tiêu</title>"#));
    assert!(!inner.contains("figcaption"));
    assert_eq!(table_cells(&doc).len(), 6);
    // The same as from Rust.
    let mut o = opts("ind", "Chỉ tiêu so với mục tiêu");
    o.width = 720.0;
    o.data_label = "Bảng số liệu".to_owned();
    assert_eq!(inner, bullet(&bullet_rows(), &o));
}

#[test]
fn template_rows_written_in_the_template() {
    let env = env();
    let html = env
        .render_str(
            r#"{{ chart("stacked", [
                {"label": "Toàn tỉnh", "url": "tong-hop/", "segments": [
                    {"key": "exceeded", "label": "Vượt", "value": 13},
                    {"key": "achieved", "label": "Đạt", "value": 10.5}]}],
               id="s", title="T", text={"total": "Cộng"}) }}
               {{ chart("ranked", [{"label": "A", "value": 41 / 71 * 100, "value_text": none}, {"label": "B"}],
                  id="r", title="R", max=100, target=95, target_text="Mục tiêu 95%") }}
               {{ chart("timeline", [{"key": "province", "label": "Tỉnh", "deadline": "2023-07-30", "total": 2,
                  "dates": ["2023-07-01", "khong-phai-ngay"]}], id="t", title="N", as_of="2023-07-31") }}"#,
            context! {},
        )
        .expect("renders");
    assert!(html.contains(r#"<th scope="col" class="num">Cộng</th>"#));
    assert!(html.contains("23,5"));
    assert!(html.contains(">57,75</text>"));
    assert!(html.contains(">Mục tiêu 95%</text>"));
    assert!(html.contains(">Hạn Tỉnh: 30/7</text>"));
    assert!(!html.contains("&lt;svg"), "the chart is not escaped");
}

#[test]
fn template_errors_name_the_kind_and_the_fields() {
    let env = env();
    let render = |src: &str| env.render_str(src, context! { rows => vec![1, 2] });

    let err = render(r#"{{ chart("pie", [], title="x") }}"#).expect_err("unknown kind");
    assert_eq!(err.kind(), ErrorKind::InvalidOperation);
    let msg = err.to_string();
    assert!(
        msg.contains("\"pie\"") && msg.contains("stacked, bullet, ranked and timeline"),
        "{msg}"
    );

    let err = render(r#"{{ chart("bullet", rows) }}"#).expect_err("rows of numbers");
    assert_eq!(err.kind(), ErrorKind::InvalidOperation);
    let msg = err.to_string();
    assert!(
        msg.contains("chart(\"bullet\")") && msg.contains("row 1"),
        "{msg}"
    );
    assert!(msg.contains("target_low"), "names the fields: {msg}");

    let err = render(r#"{{ chart("ranked", {"label": "x"}) }}"#).expect_err("a map");
    assert!(err.to_string().contains("not a list"), "{err}");

    let err = render(r#"{{ chart("ranked", [{"label": "x", "valeu": 1}]) }}"#).expect_err("typo");
    let msg = err.to_string();
    assert!(msg.contains("valeu") && msg.contains("value_text"), "{msg}");

    let err = render(r#"{{ chart("ranked", [{"value": 1}]) }}"#).expect_err("no label");
    assert!(err.to_string().contains("label"), "{err}");

    let err = render(r#"{{ chart("ranked", [], tittle="x") }}"#).expect_err("unknown option");
    assert_eq!(err.kind(), ErrorKind::InvalidOperation);
    let msg = err.to_string();
    assert!(
        msg.contains("tittle") && msg.contains("chart(\"ranked\")"),
        "{msg}"
    );

    let err = render(r#"{{ chart("ranked", [], width="rộng") }}"#).expect_err("bad type");
    assert_eq!(err.kind(), ErrorKind::InvalidOperation);

    // No data at all is an empty chart, not an error.
    let html = render(r#"{{ chart("stacked", none, id="e", title="E") }}"#).expect("renders");
    assert!(html.contains("Chưa có số liệu"));
}

#[test]
fn kinds_parse() {
    for kind in Kind::ALL {
        assert_eq!(kind.name().parse::<Kind>(), Ok(kind));
    }
    assert!("Bullet ".parse::<Kind>().is_err());
}

/// Rows made by the views reach `chart` as the rows themselves, through the
/// serialized view, and give the same chart as the same rows written out.
#[test]
fn rows_from_views_are_charted_as_they_are() {
    #[derive(serde::Serialize)]
    struct View {
        chart: crate::rows::Rows<RankRow>,
    }
    let view = Value::from(minijinja::value::Serde(View {
        chart: ranked_rows().into(),
    }));
    let data = view.get_attr("chart").expect("the view has its rows");
    let rows = crate::rows::rows_of::<RankRow>(&data).expect("the rows as they are");
    assert_eq!(rows, ranked_rows().as_slice());
    assert!(crate::rows::rows_of::<StackedRow>(&data).is_none());
    // The template sees a list of as many rows, each with its fields.
    assert_eq!(data.len(), Some(rows.len()));
    let first = data.get_item(&Value::from(0)).expect("a first row");
    assert_eq!(
        first
            .get_attr("label")
            .ok()
            .and_then(|v| v.as_str().map(str::to_string)),
        Some(rows[0].label.clone())
    );
    let written = Value::from(minijinja::value::Serde(ranked_rows()));
    let options = opts("xep-hang", "Xếp hạng");
    assert_eq!(
        render_value(Kind::Ranked, &data, &options).expect("renders"),
        render_value(Kind::Ranked, &written, &options).expect("renders")
    );
    // Outside a template, the rows serialize as a list.
    let json = serde_json::to_value(View {
        chart: ranked_rows().into(),
    })
    .expect("serializes");
    assert_eq!(json["chart"].as_array().map(Vec::len), Some(rows.len()));
}

// ---------------------------------------------------------------------------
// Layout: wrapped labels, end labels kept apart, marks clear of "no data"
// ---------------------------------------------------------------------------

#[test]
fn labels_wrap_between_words_instead_of_being_cut() {
    let label = "5b. Trong nhiệm kỳ 60% tổ chức đảng trực thuộc được kiểm tra, giám sát.";
    let lines = super::svg::wrap(label, 24, 4);
    assert!(lines.len() > 1, "{lines:?}");
    assert_eq!(lines.join(" "), label, "wrapping lost or changed words");
    assert!(lines.iter().all(|l| l.chars().count() <= 24), "{lines:?}");
    // Too long for the lines allowed: the last line ends with "…".
    let short = super::svg::wrap(label, 12, 2);
    assert_eq!(short.len(), 2);
    assert!(short[1].ends_with('…'), "{short:?}");
    // A word longer than a line is cut, nothing is lost.
    let long = super::svg::wrap("abcdefghijklmnop", 6, 4);
    assert_eq!(long.concat(), "abcdefghijklmnop");
}

#[test]
fn bullet_labels_are_whole_in_the_svg() {
    let mut rows = bullet_rows();
    rows[0].label = "Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ chính trị trở lên".to_owned();
    let html = bullet(&rows, &ChartOptions::default());
    for word in ["Tỷ lệ", "chính trị", "trở lên"] {
        assert!(html.contains(word), "{word} missing");
    }
    assert!(!html.contains("chính trị tr…"), "label cut");
}

#[test]
fn bullet_has_a_legend_for_each_mark_and_draws_yes_no_as_done_or_not() {
    let mut rows = bullet_rows();
    rows.push(BulletRow {
        label: "Đảng bộ hoàn thành tốt nhiệm vụ".to_owned(),
        actual: Some(0.0),
        actual_text: "Không".to_owned(),
        target_low: Some(100.0),
        percent: true,
        yes_no: true,
        status: "not-achieved".to_owned(),
        status_label: "Không đạt".to_owned(),
        ..BulletRow::default()
    });
    let words = ChartText::new(&crate::i18n::Strings::new(crate::i18n::Language::Vi));
    let opts = ChartOptions::new("c", "T", &words);
    let html = bullet(&rows, &opts);
    for mark in [
        r#"class="legend""#,
        r#"<line class="target""#,
        r#"class="target-band""#,
        r#"class="year""#,
        "yes-no-not-done",
    ] {
        assert!(html.contains(mark), "{mark} missing");
    }
    for word in [
        &words.target,
        &words.target_range,
        &words.years,
        &words.not_done,
        &words.scale_note,
    ] {
        assert!(
            html.contains(&format!(">{word}<")),
            "legend word {word} missing"
        );
    }
}

#[test]
fn no_data_is_placed_clear_of_the_marks() {
    // A mark at the start: the text goes after it.
    let (x, anchor) = super::bullet::clear_spot(&[102.0], 100.0, 300.0, 80.0);
    assert_eq!(anchor, "start");
    assert!(x > 102.0 + 4.0, "{x}");
    // Marks at the start and near the end: right-aligned at the end, or
    // after the marks, but never on one.
    let (x, anchor) = super::bullet::clear_spot(&[101.0, 380.0], 100.0, 300.0, 80.0);
    let (a, b) = if anchor == "end" {
        (x - 80.0, x)
    } else {
        (x, x + 80.0)
    };
    assert!(
        [101.0, 380.0].iter().all(|m| *m < a || *m > b),
        "{x} {anchor}"
    );
}

#[test]
fn timeline_end_labels_never_overlap() {
    // Four labels at nearly the same height, two of them on two lines.
    let mut spots = vec![(100.0, 2), (101.0, 1), (99.0, 2), (300.0, 1)];
    super::timeline::place_end_labels_at(&mut spots, 20.0, 310.0);
    spots.sort_by(|a, b| a.0.total_cmp(&b.0));
    for pair in spots.windows(2) {
        let (y, lines) = pair[0];
        let bottom = y + (lines as f64 - 1.0) * 13.0;
        assert!(pair[1].0 - bottom >= 13.0, "{spots:?}");
    }
    assert!(
        spots
            .iter()
            .all(|(y, n)| *y >= 20.0 && y + (*n as f64 - 1.0) * 13.0 <= 310.0),
        "{spots:?}"
    );
}
