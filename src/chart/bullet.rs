//! `bullet`: target against actual, one indicator per row, each on its own
//! scale.

use super::svg::{self, FONT, FONT_SMALL, Geometry, Parts, w};
use super::{BulletRow, ChartOptions, ChartText, label_header};
use crate::escape::Xml;
use crate::vi;

const KIND: &str = "bullet";
/// Width of the value column at the right.
const VALUE_WIDTH: f64 = 104.0;

pub(super) fn render(rows: &[BulletRow], opts: &ChartOptions) -> String {
    if rows.is_empty() {
        return svg::empty(KIND, opts);
    }
    let geo = Geometry::new(opts, 40.0);
    let scaling = svg::scaling(opts);
    let width = geo.width;
    let rh = geo.row_height;
    let label_w = geo.label_width();
    let x0 = label_w;
    let bar_w = (width - VALUE_WIDTH - x0).max(1.0);
    let max_chars = svg::chars_fitting(label_w - 8.0, FONT);
    let track_h = ((rh - 12.0) * 0.5).clamp(6.0, 16.0);
    let bar_h = (track_h * 0.5).max(3.0);
    let top = 2.0;

    let mut body = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cy = top + i as f64 * rh + rh / 2.0;
        let scale = row_scale(row);
        let pos = |v: f64| x0 + v.clamp(0.0, scale) / scale * bar_w;
        let (shown, _) = svg::truncate(&row.label, max_chars);

        w!(body, r#"<g class="row"><title>{}</title>"#, Xml(&row.label));
        svg::label_text(
            &mut body,
            x0 - 8.0,
            cy + FONT * 0.35,
            "end",
            "label",
            &shown,
        );

        // Track, target band and the actual bar: crisp rectangles.
        w!(
            body,
            r#"<g shape-rendering="crispEdges"><rect class="track" x="{}" y="{}" width="{}" height="{}"/>"#,
            svg::num(x0),
            svg::num(cy - track_h / 2.0),
            svg::num(bar_w),
            svg::num(track_h)
        );
        let target = target_of(row);
        if let Target::Range(lo, hi) = target {
            let (a, b) = (pos(lo), pos(hi));
            w!(
                body,
                r#"<rect class="target-band" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>"#,
                svg::num(a),
                svg::num(cy - track_h / 2.0 - 2.0),
                svg::num((b - a).max(1.0)),
                svg::num(track_h + 4.0),
                Xml(&opts.text.target),
                Xml(&target_display(row))
            );
        }
        let actual = row.actual.filter(|v| v.is_finite());
        if let Some(a) = actual {
            let status = status_class(row);
            w!(
                body,
                r#"<rect class="chart-bar{status}" x="{}" y="{}" width="{}" height="{}"><title>{}: {}{}</title></rect>"#,
                svg::num(x0),
                svg::num(cy - bar_h / 2.0),
                svg::num(pos(a) - x0),
                svg::num(bar_h),
                Xml(&opts.text.actual),
                Xml(&figure(row, &row.actual_text, row.actual)),
                status_suffix(row)
            );
        }
        body.push_str("</g>");

        if let Some(b) = row.baseline.filter(|v| v.is_finite()) {
            let x = pos(b);
            w!(
                body,
                r#"<line class="baseline" x1="{x}" y1="{}" x2="{x}" y2="{}"{scaling}><title>{}: {}</title></line>"#,
                svg::num(cy + track_h / 2.0),
                svg::num(cy + track_h / 2.0 + 5.0),
                Xml(&opts.text.baseline),
                Xml(&figure(row, &row.baseline_text, row.baseline)),
                x = svg::num(x)
            );
        }
        for year in row.years.iter().filter(|y| y.value.is_finite()) {
            w!(
                body,
                r#"<circle class="year" cx="{}" cy="{}" r="3"><title>{}: {}</title></circle>"#,
                svg::num(pos(year.value)),
                svg::num(cy),
                year.year,
                Xml(&figure(row, &year.text, Some(year.value)))
            );
        }
        if let Target::Single(t) = target {
            let x = svg::num(pos(t));
            w!(
                body,
                r#"<line class="target" x1="{x}" y1="{}" x2="{x}" y2="{}"{scaling}><title>{}: {}</title></line>"#,
                svg::num(cy - track_h / 2.0 - 4.0),
                svg::num(cy + track_h / 2.0 + 4.0),
                Xml(&opts.text.target),
                Xml(&target_display(row))
            );
        }
        if actual.is_none() {
            w!(
                body,
                r#"<text class="no-data" x="{}" y="{}">{}</text>"#,
                svg::num(x0 + 6.0),
                svg::num(cy + FONT_SMALL * 0.35),
                Xml(&opts.text.no_data)
            );
        }

        // The figure at the right, the status word under it.
        let value = figure(row, &row.actual_text, row.actual);
        let two_lines = !row.status_label.trim().is_empty() && rh >= 30.0;
        let value_y = if two_lines {
            cy - 1.0
        } else {
            cy + FONT * 0.35
        };
        w!(
            body,
            r#"<text class="value" x="{}" y="{}" text-anchor="end">{}</text>"#,
            svg::num(width),
            svg::num(value_y),
            Xml(&value)
        );
        if two_lines {
            let (status, _) = svg::truncate(
                &row.status_label,
                svg::chars_fitting(VALUE_WIDTH - 8.0, FONT_SMALL),
            );
            w!(
                body,
                r#"<text class="status-label" x="{}" y="{}" text-anchor="end">{}</text>"#,
                svg::num(width),
                svg::num(cy + 12.0),
                Xml(&status)
            );
        }
        body.push_str("</g>");
    }
    let height = top * 2.0 + rows.len() as f64 * rh;

    let headers = [
        (label_header(opts, &opts.text.indicator), false),
        (opts.text.target.as_str(), true),
        (opts.text.baseline.as_str(), true),
        (opts.text.years.as_str(), false),
        (opts.text.actual.as_str(), true),
        (opts.text.status.as_str(), false),
    ];
    let table_rows: Vec<String> = rows
        .iter()
        .map(|row| {
            let years: Vec<String> = row
                .years
                .iter()
                .map(|y| format!("{}: {}", y.year, figure(row, &y.text, Some(y.value))))
                .collect();
            let years = if years.is_empty() {
                "–".to_owned()
            } else {
                years.join("; ")
            };
            let status = if row.status_label.trim().is_empty() {
                "–"
            } else {
                &row.status_label
            };
            format!(
                "<tr>{}{}{}{}{}{}</tr>",
                svg::row_header(&row.label, row.url.as_deref()),
                svg::td(&target_display(row)),
                svg::td(&figure(row, &row.baseline_text, row.baseline)),
                svg::td_text(&years),
                svg::td(&figure(row, &row.actual_text, row.actual)),
                svg::td_text(status)
            )
        })
        .collect();

    svg::figure(Parts {
        kind: KIND,
        opts,
        width,
        height,
        body,
        auto_desc: describe(rows, &opts.text),
        table: Some(svg::table(&headers, &table_rows, None)),
    })
}

/// The scale of a row: 0 to 110% of its largest figure, or 0–100 for a
/// percent row whose figures all fit; 1 when there is nothing positive.
fn row_scale(row: &BulletRow) -> f64 {
    let max = [row.actual, row.target_low, row.target_high, row.baseline]
        .into_iter()
        .flatten()
        .chain(row.years.iter().map(|y| y.value))
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    if row.percent && max <= 100.0 {
        return 100.0;
    }
    let scale = max * 1.1;
    if !scale.is_finite() {
        max
    } else if scale > 0.0 {
        scale
    } else {
        1.0
    }
}

#[derive(Clone, Copy)]
enum Target {
    None,
    Single(f64),
    Range(f64, f64),
}

fn target_of(row: &BulletRow) -> Target {
    let lo = row.target_low.filter(|v| v.is_finite());
    let hi = row.target_high.filter(|v| v.is_finite());
    match (lo, hi) {
        (Some(a), Some(b)) if a != b => Target::Range(a.min(b), a.max(b)),
        (Some(t), _) | (None, Some(t)) => Target::Single(t),
        (None, None) => Target::None,
    }
}

/// The target as written, or from its figures: "90–95", "≤ 2", "95".
fn target_display(row: &BulletRow) -> String {
    if !row.target_text.trim().is_empty() {
        return row.target_text.clone();
    }
    match target_of(row) {
        Target::Range(lo, hi) => format!("{}–{}", number(row, lo), number(row, hi)),
        Target::Single(t) if row.lower_is_better => format!("≤ {}", number(row, t)),
        Target::Single(t) => number(row, t),
        Target::None => "–".to_owned(),
    }
}

/// A figure as written, else formatted (with "%" in a percent row), else "–".
fn figure(row: &BulletRow, text: &str, value: Option<f64>) -> String {
    if !text.trim().is_empty() {
        return text.to_owned();
    }
    match value.filter(|v| v.is_finite()) {
        Some(v) => number(row, v),
        None => "–".to_owned(),
    }
}

fn number(row: &BulletRow, v: f64) -> String {
    if row.percent {
        vi::format_percent(v)
    } else {
        svg::decimal(v)
    }
}

/// " status-achieved", or nothing without a status.
fn status_class(row: &BulletRow) -> String {
    if row.status.trim().is_empty() {
        String::new()
    } else {
        format!(" status-{}", svg::class_token(&row.status))
    }
}

/// " (Đạt)" for the bar's tooltip.
fn status_suffix(row: &BulletRow) -> String {
    if row.status_label.trim().is_empty() {
        String::new()
    } else {
        format!(" ({})", Xml(&row.status_label))
    }
}

/// "Biểu đồ thực hiện so với mục tiêu: 14 chỉ tiêu; Vượt: 7, Đạt: 4;
/// 1 chỉ tiêu chưa có số liệu."
fn describe(rows: &[BulletRow], words: &ChartText) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for row in rows {
        let label = row.status_label.trim();
        if label.is_empty() {
            continue;
        }
        match counts.iter_mut().find(|(l, _)| *l == label) {
            Some((_, n)) => *n += 1,
            None => counts.push((label, 1)),
        }
    }
    let mut out = words
        .desc_bullet
        .replace("{n}", &vi::format_int(rows.len() as i64));
    if !counts.is_empty() {
        let parts: Vec<String> = counts
            .iter()
            .map(|(l, n)| format!("{l}: {}", vi::format_int(*n as i64)))
            .collect();
        out.push_str("; ");
        out.push_str(&parts.join(", "));
    }
    let missing = rows
        .iter()
        .filter(|r| !r.actual.is_some_and(f64::is_finite))
        .count();
    if missing > 0 {
        out.push_str("; ");
        out.push_str(
            &words
                .desc_indicators_missing
                .replace("{n}", &vi::format_int(missing as i64)),
        );
    }
    out.push('.');
    out
}
