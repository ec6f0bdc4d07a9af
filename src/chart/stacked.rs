//! `stacked`: 100%-stacked horizontal bars with a legend.

use super::svg::{self, FONT, FONT_SMALL, Geometry, Parts, w};
use super::{ChartOptions, StackedRow, label_header};
use crate::escape::Xml;

const KIND: &str = "stacked";
/// Width of the total column at the right.
const TOTAL_WIDTH: f64 = 56.0;
const LEGEND_FONT: f64 = 12.0;
const LEGEND_LINE: f64 = 20.0;

/// A segment key: its CSS class suffix and its word.
struct Key {
    class: String,
    label: String,
}

pub(super) fn render(rows: &[StackedRow], opts: &ChartOptions) -> String {
    if rows.is_empty() {
        return svg::empty(KIND, opts);
    }
    let geo = Geometry::new(opts, 28.0);
    let width = geo.width;
    let rh = geo.row_height;
    let keys = keys(rows);

    let mut body = String::new();

    // Legend: swatches with the segment classes, wrapped into lines.
    body.push_str(r#"<g class="legend">"#);
    let (mut x, mut y) = (0.0, 0.0);
    for key in &keys {
        let item = 16.0 + svg::text_width(&key.label, LEGEND_FONT) + 18.0;
        if x > 0.0 && x + item > width {
            x = 0.0;
            y += LEGEND_LINE;
        }
        w!(
            body,
            r#"<rect class="swatch seg seg-{}" x="{}" y="{}" width="12" height="12"/><text x="{}" y="{}">{}</text>"#,
            key.class,
            svg::num(x),
            svg::num(y + 3.0),
            svg::num(x + 16.0),
            svg::num(y + 13.5),
            Xml(&key.label)
        );
        x += item;
    }
    body.push_str("</g>");
    let top = if keys.is_empty() {
        4.0
    } else {
        y + LEGEND_LINE + 6.0
    };

    let label_w = geo.label_width();
    let x0 = label_w;
    let bar_w = (width - TOTAL_WIDTH - x0).max(1.0);
    let max_chars = svg::chars_fitting(label_w - 8.0, FONT);
    let bar_h = (rh - 10.0).max(6.0);

    let mut row_top = top;
    for row in rows {
        // The label wraps (up to three lines); the row grows to hold it.
        let lines = svg::wrap(&row.label, max_chars, 3);
        let row_h = rh.max(lines.len() as f64 * svg::LEADING + 6.0);
        let cy = row_top + row_h / 2.0;
        row_top += row_h;
        let bar_y = cy - bar_h / 2.0;
        let end = svg::own(opts, r#" text-anchor="end""#);
        svg::row_start(&mut body, &row.label, &lines);
        let first = cy - (lines.len() as f64 - 1.0) * svg::LEADING / 2.0 + FONT * 0.35;
        svg::lines_text(
            &mut body,
            x0 - 8.0,
            first,
            svg::LEADING,
            end,
            "label",
            &lines,
        );
        w!(
            body,
            r#"<g{}><rect class="track" x="{}" y="{}" width="{}" height="{}"/>"#,
            svg::own(opts, r#" shape-rendering="crispEdges""#),
            svg::num(x0),
            svg::num(bar_y),
            svg::num(bar_w),
            svg::num(bar_h)
        );
        let positive = positive_sum(row);
        let mut texts = String::new();
        let mut cum = 0.0;
        for seg in &row.segments {
            if !seg.value.is_finite() || seg.value <= 0.0 || positive <= 0.0 {
                continue;
            }
            let start = round1(x0 + cum / positive * bar_w);
            cum += seg.value;
            let end = round1(x0 + cum / positive * bar_w);
            let seg_w = end - start;
            if seg_w <= 0.0 {
                continue;
            }
            let class = svg::class_token(&seg.key);
            let count = svg::decimal(seg.value);
            w!(
                body,
                r#"<rect class="seg seg-{class}" x="{}" y="{}" width="{}" height="{}"><title>{}: {} ({})</title></rect>"#,
                svg::num(start),
                svg::num(bar_y),
                svg::num(seg_w),
                svg::num(bar_h),
                Xml(seg_label(&seg.label, &seg.key)),
                count,
                svg::share(seg.value / positive * 100.0)
            );
            if seg_w >= svg::text_width(&count, FONT_SMALL) + 6.0 && bar_h >= FONT_SMALL {
                w!(
                    texts,
                    r#"<text class="seg-value on-{class}" x="{}" y="{}"{}>{count}</text>"#,
                    svg::num(start + seg_w / 2.0),
                    svg::num(cy + FONT_SMALL * 0.35),
                    svg::own(opts, r#" text-anchor="middle""#)
                );
            }
        }
        body.push_str("</g>");
        body.push_str(&texts);
        w!(
            body,
            r#"<text class="total" x="{}" y="{}"{}>{}</text></g>"#,
            svg::num(width),
            svg::num(cy + FONT * 0.35),
            end,
            svg::decimal(finite_sum(row))
        );
    }
    let height = row_top + 4.0;

    figure_parts(rows, opts, &keys, width, height, body)
}

fn figure_parts(
    rows: &[StackedRow],
    opts: &ChartOptions,
    keys: &[Key],
    width: f64,
    height: f64,
    body: String,
) -> String {
    // The table: rows × keys, "13 (46,4%)", and the total.
    let mut headers = vec![(label_header(opts, &opts.text.group), false)];
    headers.extend(keys.iter().map(|k| (k.label.as_str(), true)));
    headers.push((&opts.text.total, true));
    let table_rows: Vec<String> = rows
        .iter()
        .map(|row| {
            let positive = positive_sum(row);
            let mut tr = String::from("<tr>");
            tr.push_str(&svg::row_header(&row.label, row.url.as_deref()));
            for key in keys {
                let cell = match key_value(row, &key.class) {
                    Some(v) => count_and_share(v, positive),
                    None => "–".to_owned(),
                };
                tr.push_str(&svg::td(&cell));
            }
            tr.push_str(&svg::td(&svg::decimal(finite_sum(row))));
            tr.push_str("</tr>");
            tr
        })
        .collect();

    svg::figure(Parts {
        kind: KIND,
        opts,
        width,
        height,
        body,
        auto_desc: describe(rows, keys, opts),
        table: Some(svg::table(&headers, &table_rows, None)),
    })
}

/// "Biểu đồ thanh xếp chồng, 2 dòng. Tỉnh: Vượt 13 (46,4%), …; Tổng: 28.
/// Huyện: …; Tổng: 14.": every row as the chart draws it, with the figures
/// of its bar and its total. Rows are never added up: they may overlap (the
/// home chart has a row for all units and one per level).
fn describe(rows: &[StackedRow], keys: &[Key], opts: &ChartOptions) -> String {
    let row_text = |row: &StackedRow| {
        let positive = positive_sum(row);
        let parts: Vec<String> = keys
            .iter()
            .filter_map(|key| {
                let v = key_value(row, &key.class)?;
                Some(format!("{} {}", key.label, count_and_share(v, positive)))
            })
            .collect();
        let figures = if parts.is_empty() {
            String::new()
        } else {
            format!("{}; ", parts.join(", "))
        };
        format!(
            "{}: {figures}{}: {}.",
            row.label,
            opts.text.total,
            svg::decimal(finite_sum(row))
        )
    };
    let described: Vec<String> = rows.iter().map(row_text).collect();
    match rows {
        [_] => format!("{}. {}", opts.text.desc_stacked, described.join(" ")),
        _ => format!(
            "{}, {}. {}",
            opts.text.desc_stacked,
            opts.text.desc_rows.replace("{n}", &rows.len().to_string()),
            described.join(" ")
        ),
    }
}

/// The keys in the order first seen, one per CSS class.
fn keys(rows: &[StackedRow]) -> Vec<Key> {
    let mut keys: Vec<Key> = Vec::new();
    for seg in rows.iter().flat_map(|r| &r.segments) {
        let class = svg::class_token(&seg.key);
        if !keys.iter().any(|k| k.class == class) {
            keys.push(Key {
                class,
                label: seg_label(&seg.label, &seg.key).to_owned(),
            });
        }
    }
    keys
}

fn seg_label<'a>(label: &'a str, key: &'a str) -> &'a str {
    if label.trim().is_empty() { key } else { label }
}

/// The sum of a row's finite values of one key; `None` when it has none.
fn key_value(row: &StackedRow, class: &str) -> Option<f64> {
    row.segments
        .iter()
        .filter(|s| s.value.is_finite() && svg::class_token(&s.key) == class)
        .map(|s| s.value)
        .reduce(|a, b| a + b)
}

/// What the bar shows: the sum of the positive finite values.
fn positive_sum(row: &StackedRow) -> f64 {
    row.segments
        .iter()
        .filter(|s| s.value.is_finite() && s.value > 0.0)
        .map(|s| s.value)
        .sum()
}

/// The true total: the sum of the finite values.
fn finite_sum(row: &StackedRow) -> f64 {
    row.segments
        .iter()
        .filter(|s| s.value.is_finite())
        .map(|s| s.value)
        .sum()
}

/// "13 (46,4%)"; the share of a negative count is 0%, and there is no share
/// when nothing is positive.
fn count_and_share(value: f64, positive: f64) -> String {
    let count = svg::decimal(value);
    if positive > 0.0 && positive.is_finite() {
        format!(
            "{count} ({})",
            svg::share(value.max(0.0) / positive * 100.0)
        )
    } else {
        count
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
