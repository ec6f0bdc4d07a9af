//! `ranked`: bars sorted by value, largest first, with an optional target
//! rule.

use std::cmp::Ordering;

use super::svg::{self, FONT, FONT_SMALL, Geometry, Parts, w};
use super::{ChartOptions, ChartText, RankRow, label_header};
use crate::escape::Xml;
use crate::vi;

const KIND: &str = "ranked";
/// Width of the value column at the right.
const VALUE_WIDTH: f64 = 64.0;

pub(super) fn render(rows: &[RankRow], opts: &ChartOptions) -> String {
    if rows.is_empty() {
        return svg::empty(KIND, opts);
    }
    let geo = Geometry::new(opts, 24.0);
    let scaling = svg::scaling(opts);
    let width = geo.width;
    let rh = geo.row_height;
    let label_w = geo.label_width();
    let x0 = label_w;
    // The value column fits its widest text ("100% (05/05)"), so that a full
    // bar never runs under its figure.
    let value_w = rows
        .iter()
        .map(|r| svg::text_width(&svg::shown(&r.value_text, r.value), FONT) + 12.0)
        .fold(VALUE_WIDTH, f64::max)
        .min(width / 3.0);
    let bar_w = (width - value_w - x0).max(1.0);
    let max_chars = svg::chars_fitting(label_w - 8.0, FONT);
    let bar_h = (rh - 8.0).max(4.0);

    let order = order(rows);
    let target = opts.target.filter(|t| t.is_finite());
    let scale = scale(rows, opts.max, target);
    let pos = |v: f64| x0 + v.clamp(0.0, scale) / scale * bar_w;
    let top = if target.is_some() { 24.0 } else { 2.0 };

    let mut body = String::new();
    let mut row_top = top;
    for &i in &order {
        let row = &rows[i];
        // The label wraps (up to three lines); the row grows to hold it.
        let lines = svg::wrap(&row.label, max_chars, 3);
        let row_h = rh.max(lines.len() as f64 * svg::LEADING + 6.0);
        let cy = row_top + row_h / 2.0;
        row_top += row_h;
        svg::row_start(&mut body, &row.label, &lines);
        let first = cy - (lines.len() as f64 - 1.0) * svg::LEADING / 2.0 + FONT * 0.35;
        svg::lines_text(
            &mut body,
            x0 - 8.0,
            first,
            svg::LEADING,
            r#" text-anchor="end""#,
            "label",
            &lines,
        );
        let value_text = svg::shown(&row.value_text, row.value);
        if let Some(v) = value_of(row) {
            let status = if row.status.trim().is_empty() {
                String::new()
            } else {
                format!(" status-{}", svg::class_token(&row.status))
            };
            w!(
                body,
                r#"<rect class="chart-bar{status}" x="{}" y="{}" width="{}" height="{}" shape-rendering="crispEdges"><title>{}</title></rect>"#,
                svg::num(x0),
                svg::num(cy - bar_h / 2.0),
                svg::num(pos(v) - x0),
                svg::num(bar_h),
                Xml(&value_text)
            );
        }
        w!(
            body,
            r#"<text class="value" x="{}" y="{}" text-anchor="end">{}</text></g>"#,
            svg::num(width),
            svg::num(cy + FONT * 0.35),
            Xml(&value_text)
        );
    }
    let bottom = row_top;

    let target_label = target.map(|t| {
        if opts.target_text.trim().is_empty() {
            format!("{}: {}", opts.text.target, svg::decimal(t))
        } else {
            opts.target_text.clone()
        }
    });
    if let (Some(t), Some(label)) = (target, &target_label) {
        let x = pos(t);
        let label_width = svg::text_width(label, FONT_SMALL);
        let anchor = if x + label_width / 2.0 > width {
            "end"
        } else if x - label_width / 2.0 < 0.0 {
            "start"
        } else {
            "middle"
        };
        w!(
            body,
            r#"<g class="rule"><line class="target-rule" x1="{x}" y1="{}" x2="{x}" y2="{}"{scaling}/><text class="target-label" x="{x}" y="{}" text-anchor="{anchor}">{}</text></g>"#,
            svg::num(top - 8.0),
            svg::num(bottom),
            svg::num(top - 12.0),
            Xml(label),
            x = svg::num(x)
        );
    }
    let height = bottom + 2.0;

    // Table: rank (ties share it), label, value, status when any row has one.
    let with_status = rows.iter().any(|r| !r.status_label.trim().is_empty());
    let mut headers = vec![
        (opts.text.rank.as_str(), true),
        (label_header(opts, &opts.text.unit), false),
        (opts.text.value.as_str(), true),
    ];
    if with_status {
        headers.push((opts.text.status.as_str(), false));
    }
    let ranks = ranks(rows, &order);
    let table_rows: Vec<String> = order
        .iter()
        .zip(&ranks)
        .map(|(&i, rank)| {
            let row = &rows[i];
            let rank = rank.map_or_else(|| "–".to_owned(), |r| vi::format_int(r as i64));
            let mut tr = format!(
                "<tr>{}{}{}",
                svg::td(&rank),
                svg::row_header(&row.label, row.url.as_deref()),
                svg::td(&svg::shown(&row.value_text, row.value))
            );
            if with_status {
                let status = if row.status_label.trim().is_empty() {
                    "–"
                } else {
                    &row.status_label
                };
                tr.push_str(&svg::td_text(status));
            }
            tr.push_str("</tr>");
            tr
        })
        .collect();
    let foot = target_label.as_ref().map(|label| {
        let mut tr = format!(
            r#"<tr><td></td><th scope="row">{}</th>{}"#,
            Xml(&opts.text.target),
            svg::td(label)
        );
        if with_status {
            tr.push_str("<td></td>");
        }
        tr.push_str("</tr>");
        tr
    });

    svg::figure(Parts {
        kind: KIND,
        opts,
        width,
        height,
        body,
        auto_desc: describe(rows, &order, target_label.as_deref(), &opts.text),
        table: Some(svg::table(&headers, &table_rows, foot.as_deref())),
    })
}

/// A row's finite value (-0 as 0, so that zeros tie).
fn value_of(row: &RankRow) -> Option<f64> {
    row.value.filter(|v| v.is_finite()).map(|v| v + 0.0)
}

/// Row indices by value, largest first; ties keep the input order and rows
/// without a value come last.
pub(super) fn order(rows: &[RankRow]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    // `sort_by` is stable.
    order.sort_by(|&a, &b| match (value_of(&rows[a]), value_of(&rows[b])) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    order
}

/// Competition ranks in sorted order (1, 2, 2, 4); `None` without a value.
fn ranks(rows: &[RankRow], order: &[usize]) -> Vec<Option<usize>> {
    let mut out = Vec::with_capacity(order.len());
    let mut previous: Option<(f64, usize)> = None;
    for (place, &i) in order.iter().enumerate() {
        let rank = value_of(&rows[i]).map(|v| match previous {
            Some((p, r)) if p == v => r,
            _ => place + 1,
        });
        if let (Some(v), Some(r)) = (value_of(&rows[i]), rank) {
            previous = Some((v, r));
        }
        out.push(rank);
    }
    out
}

/// The value of a full bar: `max` when given, else the largest value or
/// target; 1 when nothing is positive.
fn scale(rows: &[RankRow], max: Option<f64>, target: Option<f64>) -> f64 {
    if let Some(m) = max.filter(|m| m.is_finite() && *m > 0.0) {
        return m;
    }
    let largest = rows
        .iter()
        .filter_map(value_of)
        .chain(target)
        .fold(0.0_f64, f64::max);
    if largest > 0.0 { largest } else { 1.0 }
}

/// "Biểu đồ xếp hạng, 5 dòng: cao nhất A (98%), thấp nhất B (40%);
/// 1 dòng chưa có số liệu; Mục tiêu 95%."
fn describe(rows: &[RankRow], order: &[usize], target: Option<&str>, words: &ChartText) -> String {
    let mut out = format!(
        "{}, {}",
        words.desc_ranked,
        words
            .desc_rows
            .replace("{n}", &vi::format_int(rows.len() as i64))
    );
    let valued: Vec<&RankRow> = order
        .iter()
        .map(|&i| &rows[i])
        .filter(|r| value_of(r).is_some())
        .collect();
    if let (Some(first), Some(last)) = (valued.first(), valued.last()) {
        out.push_str(&format!(
            ": {} {} ({})",
            words.desc_highest,
            first.label,
            svg::shown(&first.value_text, first.value)
        ));
        if valued.len() > 1 {
            out.push_str(&format!(
                ", {} {} ({})",
                words.desc_lowest,
                last.label,
                svg::shown(&last.value_text, last.value)
            ));
        }
    }
    let missing = rows.len() - valued.len();
    if missing > 0 {
        out.push_str("; ");
        out.push_str(
            &words
                .desc_rows_missing
                .replace("{n}", &vi::format_int(missing as i64)),
        );
    }
    if let Some(t) = target {
        out.push_str("; ");
        out.push_str(t);
    }
    out.push('.');
    out
}
