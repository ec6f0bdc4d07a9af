//! `bullet`: target against actual, one indicator per row, each on its own
//! scale.

use super::svg::{self, FONT, FONT_SMALL, Geometry, LEADING, Parts, w};
use super::{BulletRow, ChartOptions, ChartText, label_header};
use crate::escape::Xml;
use crate::vi;

const KIND: &str = "bullet";
/// Width of the value column at the right.
const VALUE_WIDTH: f64 = 104.0;
/// Lines of a wrapped label at most.
const MAX_LINES: usize = 4;
/// Height of one line of the legend.
const LEGEND_LINE: f64 = 18.0;

/// Where a row's marks go.
struct Marks<'a> {
    x0: f64,
    bar_w: f64,
    cy: f64,
    track_h: f64,
    bar_h: f64,
    scaling: &'static str,
    pos: &'a dyn Fn(f64) -> f64,
    /// The chart's id when the ticks are defined once ([`defs`]) and
    /// placed by `<use>`, and the tracks are drawn together ([`tracks`]);
    /// `None` writes each mark of the row in full.
    shared: Option<&'a str>,
    /// Whether the row's status word is drawn beside the figure: the bar's
    /// tooltip then says nothing the row does not show.
    status_drawn: bool,
}

/// The ticks of a page's chart, the same line on every row that has one,
/// defined once (with `vector-effect` written once) and placed by `<use>`
/// at the row's coordinates: the target tick and the baseline tick. A
/// dozen rows of a unit page thus do not each repeat their geometry.
/// Nothing when no row draws them, and nothing in a standalone file, which
/// writes each mark in full (SVG 1.1 viewers know no `href` without
/// `xlink`).
fn defs(body: &mut String, rows: &[BulletRow], opts: &ChartOptions, id: &str, track_h: f64) {
    let marked: Vec<&BulletRow> = rows
        .iter()
        .filter(|r| !(r.yes_no && r.actual.is_some_and(f64::is_finite)))
        .collect();
    let target = marked
        .iter()
        .any(|r| matches!(target_of(r), Target::Single(_)));
    let baseline = marked
        .iter()
        .any(|r| r.baseline.is_some_and(f64::is_finite));
    if opts.standalone || !(target || baseline) {
        return;
    }
    let scaling = svg::scaling(opts);
    body.push_str("<defs>");
    if target {
        w!(
            *body,
            r#"<line id="{id}-target" class="target" y2="{}"{scaling}/>"#,
            svg::num(track_h + 8.0)
        );
    }
    if baseline {
        w!(
            *body,
            r#"<line id="{id}-baseline" class="baseline" y2="5"{scaling}/>"#
        );
    }
    body.push_str("</defs>");
}

/// The tracks of a page's chart, all rows' in one `<path>` (a rectangle
/// `x0`, `w` × `h` at each top `y`), drawn under the rows.
fn tracks(tops: &[f64], x0: f64, w: f64, h: f64) -> String {
    if tops.is_empty() {
        return String::new();
    }
    let mut d = String::new();
    for y in tops {
        w!(
            d,
            "M{} {}h{}v{}H{}z",
            svg::num(x0),
            svg::num(*y),
            svg::num(w),
            svg::num(h),
            svg::num(x0)
        );
    }
    format!(r#"<path class="track" d="{d}"/>"#)
}

/// The track, target, bar, baseline and yearly dots of a row with a figure
/// (or "no data" placed clear of every mark).
fn marks(body: &mut String, row: &BulletRow, opts: &ChartOptions, m: &Marks<'_>) {
    let Marks {
        x0,
        bar_w,
        cy,
        track_h,
        bar_h,
        scaling,
        pos,
        shared,
        status_drawn,
    } = *m;
    // Track, target band and the actual bar: crisp rectangles (a group
    // says so in a standalone file; in a page, `charts.css`, and the
    // track is drawn with the others').
    if shared.is_none() {
        w!(
            *body,
            r#"<g{}><rect class="track" x="{}" y="{}" width="{}" height="{}"/>"#,
            svg::own(opts, r#" shape-rendering="crispEdges""#),
            svg::num(x0),
            svg::num(cy - track_h / 2.0),
            svg::num(bar_w),
            svg::num(track_h)
        );
    }
    let mut taken: Vec<f64> = Vec::new();
    let target = target_of(row);
    if let Target::Range(lo, hi) = target {
        let (a, b) = (pos(lo), pos(hi));
        taken.extend([a, b]);
        w!(
            *body,
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
            *body,
            r#"<rect class="chart-bar{status}" x="{}" y="{}" width="{}" height="{}""#,
            svg::num(x0),
            svg::num(cy - bar_h / 2.0),
            svg::num(pos(a) - x0),
            svg::num(bar_h)
        );
        // The figure is drawn at the row's end, and its status under it:
        // a tooltip only when the status word is not.
        if status_drawn || row.status_label.trim().is_empty() {
            body.push_str("/>");
        } else {
            w!(
                *body,
                "><title>{}: {}{}</title></rect>",
                Xml(&opts.text.actual),
                Xml(&figure(row, &row.actual_text, row.actual)),
                status_suffix(row)
            );
        }
    }
    if shared.is_none() {
        body.push_str("</g>");
    }

    if let Some(b) = row.baseline.filter(|v| v.is_finite()) {
        let x = pos(b);
        taken.push(x);
        let title = format!(
            "<title>{}: {}</title>",
            Xml(&opts.text.baseline),
            Xml(&figure(row, &row.baseline_text, row.baseline))
        );
        match shared {
            Some(id) => w!(
                *body,
                r##"<use href="#{id}-baseline" x="{}" y="{}">{title}</use>"##,
                svg::num(x),
                svg::num(cy + track_h / 2.0)
            ),
            None => w!(
                *body,
                r#"<line class="baseline" x1="{x}" y1="{}" x2="{x}" y2="{}"{scaling}>{title}</line>"#,
                svg::num(cy + track_h / 2.0),
                svg::num(cy + track_h / 2.0 + 5.0),
                x = svg::num(x)
            ),
        }
    }
    for year in row.years.iter().filter(|y| y.value.is_finite()) {
        taken.push(pos(year.value));
        w!(
            *body,
            r#"<circle class="year" cx="{}" cy="{}" r="3"><title>{}: {}</title></circle>"#,
            svg::num(pos(year.value)),
            svg::num(cy),
            year.year,
            Xml(&figure(row, &year.text, Some(year.value)))
        );
    }
    if let Target::Single(t) = target {
        taken.push(pos(t));
        let x = svg::num(pos(t));
        let title = format!(
            "<title>{}: {}</title>",
            Xml(&opts.text.target),
            Xml(&target_display(row))
        );
        match shared {
            Some(id) => w!(
                *body,
                r##"<use href="#{id}-target" x="{x}" y="{}">{title}</use>"##,
                svg::num(cy - track_h / 2.0 - 4.0)
            ),
            None => w!(
                *body,
                r#"<line class="target" x1="{x}" y1="{}" x2="{x}" y2="{}"{scaling}>{title}</line>"#,
                svg::num(cy - track_h / 2.0 - 4.0),
                svg::num(cy + track_h / 2.0 + 4.0)
            ),
        }
    }
    if actual.is_none() {
        let (x, anchor) = clear_spot(
            &taken,
            x0,
            bar_w,
            svg::text_width(&opts.text.no_data, FONT_SMALL),
        );
        w!(
            *body,
            r#"<text class="no-data" x="{}" y="{}" text-anchor="{anchor}">{}</text>"#,
            svg::num(x),
            svg::num(cy + FONT_SMALL * 0.35),
            Xml(&opts.text.no_data)
        );
    }
}

/// Where a text `tw` wide goes on a track from `x0`, `bar_w` wide, clear of
/// the marks at `taken`: at the start, else after the last mark, else at
/// the end (right-aligned). Returns x and the text anchor.
pub(super) fn clear_spot(taken: &[f64], x0: f64, bar_w: f64, tw: f64) -> (f64, &'static str) {
    const PAD: f64 = 6.0;
    let free = |a: f64, b: f64| taken.iter().all(|&x| x <= a - PAD || x >= b + PAD);
    let end = x0 + bar_w;
    // The start, then after each mark, then right-aligned at the end.
    let mut after: Vec<f64> = taken.iter().map(|x| x + PAD).collect();
    after.sort_by(f64::total_cmp);
    for a in std::iter::once(x0 + PAD).chain(after) {
        if a + tw <= end && free(a, a + tw) {
            return (a, "start");
        }
    }
    if free(end - PAD - tw, end - PAD) {
        return (end - PAD, "end");
    }
    (x0 + PAD, "start")
}

/// A yes/no indicator: a filled mark and "done", or an open mark and "not
/// done", instead of a bar that would read as empty.
fn yes_no_mark(
    body: &mut String,
    row: &BulletRow,
    opts: &ChartOptions,
    x0: f64,
    cy: f64,
    done: bool,
) {
    let (class, word) = if done {
        (
            format!("yes-no yes-no-done{}", status_class(row)),
            &opts.text.done,
        )
    } else {
        ("yes-no yes-no-not-done".to_owned(), &opts.text.not_done)
    };
    w!(
        *body,
        r#"<circle class="{class}" cx="{}" cy="{}" r="6"/><text class="yes-no-label" x="{}" y="{}">{}</text>"#,
        svg::num(x0 + 7.0),
        svg::num(cy),
        svg::num(x0 + 19.0),
        svg::num(cy + FONT_SMALL * 0.35),
        Xml(word)
    );
}

/// The legend above the rows: one entry for each kind of mark the chart
/// draws (the result's bar, the target tick or range, the baseline, the
/// yearly dots, done / not done), then the note that each row has its own
/// scale from 0. Returns its height.
fn legend(body: &mut String, rows: &[BulletRow], opts: &ChartOptions, width: f64) -> f64 {
    let t = &opts.text;
    let plain = |r: &&BulletRow| !r.yes_no;
    let any = |f: &dyn Fn(&BulletRow) -> bool| rows.iter().filter(plain).any(f);
    let mut items: Vec<(&str, &str)> = Vec::new();
    if any(&|r| r.actual.is_some_and(f64::is_finite)) {
        items.push(("bar", &t.actual));
    }
    if any(&|r| matches!(target_of(r), Target::Single(_))) {
        items.push(("tick", &t.target));
    }
    if any(&|r| matches!(target_of(r), Target::Range(..))) {
        items.push(("band", &t.target_range));
    }
    if any(&|r| r.baseline.is_some_and(f64::is_finite)) {
        items.push(("baseline", &t.baseline));
    }
    if any(&|r| r.years.iter().any(|y| y.value.is_finite())) {
        items.push(("year", &t.years));
    }
    if rows.iter().any(|r| r.yes_no) {
        items.push(("done", &t.done));
        items.push(("not-done", &t.not_done));
    }
    let font = FONT_SMALL + 1.0;
    let mut x = 0.0;
    let mut line = 0.0;
    body.push_str(r#"<g class="legend">"#);
    for (kind, word) in items {
        let item_w = 22.0 + svg::text_width(word, font) + 14.0;
        if x > 0.0 && x + item_w > width {
            x = 0.0;
            line += 1.0;
        }
        let cy = line * LEGEND_LINE + LEGEND_LINE / 2.0;
        match kind {
            "bar" => w!(
                *body,
                r#"<rect class="chart-bar" x="{}" y="{}" width="16" height="5"/>"#,
                svg::num(x),
                svg::num(cy - 2.5)
            ),
            "tick" => w!(
                *body,
                r#"<line class="target" x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
                svg::num(cy - 7.0),
                svg::num(cy + 7.0),
                x = svg::num(x + 8.0)
            ),
            "band" => w!(
                *body,
                r#"<rect class="target-band" x="{}" y="{}" width="16" height="12"/>"#,
                svg::num(x),
                svg::num(cy - 6.0)
            ),
            "baseline" => w!(
                *body,
                r#"<line class="baseline" x1="{x}" y1="{}" x2="{x}" y2="{}"/>"#,
                svg::num(cy - 1.0),
                svg::num(cy + 5.0),
                x = svg::num(x + 8.0)
            ),
            "year" => w!(
                *body,
                r#"<circle class="year" cx="{}" cy="{}" r="3"/>"#,
                svg::num(x + 8.0),
                svg::num(cy)
            ),
            "done" => w!(
                *body,
                r#"<circle class="yes-no yes-no-done" cx="{}" cy="{}" r="6"/>"#,
                svg::num(x + 8.0),
                svg::num(cy)
            ),
            _ => w!(
                *body,
                r#"<circle class="yes-no yes-no-not-done" cx="{}" cy="{}" r="6"/>"#,
                svg::num(x + 8.0),
                svg::num(cy)
            ),
        }
        w!(
            *body,
            r#"<text x="{}" y="{}">{}</text>"#,
            svg::num(x + 22.0),
            svg::num(cy + font * 0.35),
            Xml(word)
        );
        x += item_w;
    }
    let note_y = (line + 1.0) * LEGEND_LINE + LEGEND_LINE / 2.0;
    w!(
        *body,
        r#"<text class="legend-note" x="0" y="{}">{}</text></g>"#,
        svg::num(note_y + FONT_SMALL * 0.35),
        Xml(&t.scale_note)
    );
    (line + 2.0) * LEGEND_LINE
}

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

    let mut body = String::new();
    let top = legend(&mut body, rows, opts, width) + 4.0;
    let id = svg::id_token(&opts.id);
    defs(&mut body, rows, opts, &id, track_h);
    let shared = (!opts.standalone).then_some(id.as_str());
    let rows_start = body.len();
    let mut track_tops: Vec<f64> = Vec::new();
    let mut row_top = top;
    for row in rows {
        // The label wraps (up to four lines) instead of being cut; the row
        // grows to hold it.
        let lines = svg::wrap(&row.label, max_chars, MAX_LINES);
        let row_h = rh.max(lines.len() as f64 * LEADING + 8.0);
        let cy = row_top + row_h / 2.0;
        row_top += row_h;
        let scale = row_scale(row);
        let pos = |v: f64| x0 + v.clamp(0.0, scale) / scale * bar_w;

        svg::row_start(&mut body, &row.label, &lines);
        let first = cy - (lines.len() as f64 - 1.0) * LEADING / 2.0 + FONT * 0.35;
        svg::lines_text(
            &mut body,
            x0 - 8.0,
            first,
            LEADING,
            svg::own(opts, r#" text-anchor="end""#),
            "label",
            &lines,
        );

        let actual = row.actual.filter(|v| v.is_finite());
        let two_lines = !row.status_label.trim().is_empty() && rh >= 30.0;
        if row.yes_no
            && let Some(a) = actual
        {
            yes_no_mark(&mut body, row, opts, x0, cy, a >= 50.0);
        } else {
            if shared.is_some() {
                track_tops.push(cy - track_h / 2.0);
            }
            marks(
                &mut body,
                row,
                opts,
                &Marks {
                    x0,
                    bar_w,
                    cy,
                    track_h,
                    bar_h,
                    scaling,
                    pos: &pos,
                    shared,
                    status_drawn: two_lines,
                },
            );
        }

        // The figure at the right, the status word under it.
        let end = svg::own(opts, r#" text-anchor="end""#);
        let value = figure(row, &row.actual_text, row.actual);
        let value_y = if two_lines {
            cy - 2.0
        } else {
            cy + FONT * 0.35
        };
        w!(
            body,
            r#"<text class="value" x="{}" y="{}"{}>{}</text>"#,
            svg::num(width),
            svg::num(value_y),
            end,
            Xml(&value)
        );
        if two_lines {
            let (status, _) = svg::truncate(
                &row.status_label,
                svg::chars_fitting(VALUE_WIDTH - 8.0, FONT_SMALL),
            );
            w!(
                body,
                r#"<text class="status-label" x="{}" y="{}"{}>{}</text>"#,
                svg::num(width),
                svg::num(cy + 13.0),
                end,
                Xml(&status)
            );
        }
        body.push_str("</g>");
    }
    let height = row_top + 2.0;
    body.insert_str(rows_start, &tracks(&track_tops, x0, bar_w, track_h));

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
