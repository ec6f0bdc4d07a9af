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
        "indicator `4`: the report states “Vượt 1,6%” but the figures give 1,67% beyond the target",
        // "Đạt 96,16% so với nghị quyết" is a shortfall (96,16% of the
        // target), as the figures say; its figure is not: 41/71 of 60% is
        // 96,24%.
        "indicator `5b`: the report states “Đạt 96,16% so với nghị quyết” but the figures give 96,24% of the target",
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

/// A figure as written in a unit.toml: its indicator, and the text as the
/// page, the CSV and the JSON must carry it.
struct Written {
    unit: String,
    indicator: String,
    /// "actual", "baseline", "estimate", or a year of `actuals`.
    key: String,
    page: String,
    csv: String,
    json: serde_json::Value,
}

/// Vietnamese digits of a plain decimal ("3322.5" → "3.322,5").
fn vietnamese(plain: &str) -> String {
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// Every figure written in the example's unit.toml files, read from the
/// text (so that "91.6" keeps its digits, as a reader sees them).
fn written_figures(repo: &std::path::Path) -> Vec<Written> {
    let mut out = Vec::new();
    let units = repo.join("content/units");
    let mut dirs: Vec<_> = std::fs::read_dir(&units)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let text = read(&dir.join("unit.toml"));
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .expect("a name")
            .to_string();
        let mut indicator = String::new();
        let mut in_actuals = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_actuals = line == "[indicators.actuals]" || line == "[indicators.parts.actuals]";
                continue;
            }
            let Some((key, value)) = line.split_once(" = ") else {
                continue;
            };
            if key == "id" {
                indicator = value.trim_matches('"').to_string();
                continue;
            }
            let figure = in_actuals || matches!(key, "actual" | "baseline" | "estimate");
            if !figure || value == "true" || value == "false" {
                continue;
            }
            let (page, csv, json) = if let Some(quoted) = value.strip_prefix('"') {
                let quoted = quoted.trim_end_matches('"');
                if quoted.contains('/') {
                    let (n, d) = quoted.split_once('/').unwrap();
                    let plain = |s: &str| s.trim().replace('.', "").replace(',', ".");
                    (
                        format!("({}/{})", vietnamese(&plain(n)), vietnamese(&plain(d))),
                        format!("{}/{}", plain(n), plain(d)),
                        serde_json::Value::from(format!("{}/{}", plain(n), plain(d))),
                    )
                } else {
                    let plain = quoted.replace('.', "").replace(',', ".");
                    let json: serde_json::Value = serde_json::from_str(&plain).unwrap();
                    (vietnamese(&plain), plain, json)
                }
            } else {
                let json: serde_json::Value = serde_json::from_str(value).unwrap();
                (vietnamese(value), value.to_string(), json)
            };
            out.push(Written {
                unit: name.clone(),
                indicator: indicator.clone(),
                key: key.to_string(),
                page,
                csv,
                json,
            });
        }
    }
    out
}

/// Every figure written in the example site's unit.toml files appears with
/// the same digits in its unit page, its CSV and its JSON.
#[test]
fn every_written_figure_keeps_its_digits_on_the_page_csv_and_json() {
    let tmp = example_site();
    let repo = tmp.path();
    let run = ketqua(repo, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = repo.join("public/units");
    let pages: Vec<(String, String)> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                read(&p),
            )
        })
        .collect();
    let figures = written_figures(repo);
    assert!(figures.len() > 50, "only {} figures", figures.len());
    let mut failures = Vec::new();
    for w in &figures {
        let Some((slug, page)) = pages
            .iter()
            .find(|(_, page)| page.contains(&format!("<h1>{}", w.unit)))
        else {
            failures.push(format!("{}: no page", w.unit));
            continue;
        };
        // The page: the indicator's row.
        let start = page
            .find(&format!("id=\"ct-{}\"", w.indicator))
            .unwrap_or_else(|| panic!("{} {}", w.unit, w.indicator));
        let end = start + page[start..].find("</tr>").unwrap();
        if !page[start..end].contains(&w.page) {
            failures.push(format!(
                "{} {} {}: page lacks {}",
                w.unit, w.indicator, w.key, w.page
            ));
        }
        // The CSV and the JSON: the indicator's row, the key's column (the
        // yearly figures are one column, "2020: 100; 2021: 104").
        let json: serde_json::Value =
            serde_json::from_str(&read(&out.join(format!("{slug}.json")))).unwrap();
        let row = json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == w.indicator.as_str())
            .unwrap();
        let mut csv = csv::Reader::from_path(out.join(format!("{slug}.csv"))).unwrap();
        let keys: Vec<String> = json["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["key"].as_str().unwrap().to_string())
            .collect();
        let record = csv
            .records()
            .map(|r| r.unwrap())
            .find(|r| {
                r.get(0).map(|id| id.trim_start_matches('\u{feff}')) == Some(w.indicator.as_str())
            })
            .unwrap();
        let column = if w.key.parse::<i32>().is_ok() {
            "actuals"
        } else {
            w.key.as_str()
        };
        let i = keys.iter().position(|k| k == column).unwrap();
        let csv_cell = record.get(i).unwrap_or_default();
        if column == "actuals" {
            let pair = format!("{}: {}", w.key, w.csv);
            if !csv_cell.split("; ").any(|p| p == pair) {
                failures.push(format!(
                    "{} {}: CSV `{csv_cell}` lacks {pair}",
                    w.unit, w.indicator
                ));
            }
            if !row[column]
                .as_str()
                .unwrap_or("")
                .split("; ")
                .any(|p| p == pair)
            {
                failures.push(format!("{} {}: JSON lacks {pair}", w.unit, w.indicator));
            }
        } else {
            if csv_cell != w.csv {
                failures.push(format!(
                    "{} {} {}: CSV `{csv_cell}`, written {}",
                    w.unit, w.indicator, w.key, w.csv
                ));
            }
            if row[column] != w.json {
                failures.push(format!(
                    "{} {} {}: JSON {}, written {}",
                    w.unit, w.indicator, w.key, row[column], w.json
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
