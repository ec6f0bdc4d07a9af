//! Small pieces shared by every chart: coordinates, class and id
//! tokens, label truncation, text width estimates, the `<figure>` frame and
//! the data table.

use jiff::civil::Date;

use super::ChartOptions;
use crate::escape::{Xml, xml};
use crate::vi;

/// Appends formatted text to a `String`; writing to a `String` cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        let out: &mut String = &mut $out;
        let _ = ::std::fmt::Write::write_fmt(out, ::std::format_args!($($arg)*));
    }};
}
pub(super) use w;

/// Font size of labels, in SVG user units (the CSS sets the same).
pub(super) const FONT: f64 = 13.0;
/// Font size of small text: ticks, legend, in-bar counts.
pub(super) const FONT_SMALL: f64 = 11.0;
/// Distance between the baselines of a wrapped label's lines.
pub(super) const LEADING: f64 = 16.0;
/// Mean advance of a character in em; generous so that estimated widths of
/// Vietnamese text in Be Vietnam Pro or a system sans-serif are not too short.
const CHAR_EM: f64 = 0.6;

/// A coordinate with at most one decimal and a dot, for SVG attributes:
/// 12.345 → "12.3", 40.0 → "40", -0.01 → "0". Non-finite values (which the
/// charts never compute, but defensively) print as "0". A `Display` value:
/// written where it is used, without a string of its own.
pub(super) fn num(x: f64) -> Num {
    Num(x)
}

/// See [`num`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Num(f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = self.0;
        if !x.is_finite() {
            return f.write_str("0");
        }
        // Tenths by integer arithmetic when `x × 10` is clearly not half-way
        // between two integers: its rounding error (below 2⁻²² here) cannot
        // then change the nearest tenth, so the digits are those of
        // `format!("{x:.1}")` (test `num_is_rounded_as_format_does`).
        let y = x * 10.0;
        if y.abs() < 1e9 && ((y - y.trunc()).abs() - 0.5).abs() > 1e-6 {
            let r = y.round() as i64;
            if r < 0 {
                f.write_str("-")?;
            }
            let a = r.unsigned_abs();
            // Written piece by piece: a chart has thousands of coordinates.
            f.write_str(itoa::Buffer::new().format(a / 10))?;
            return match a % 10 {
                0 => Ok(()),
                d => {
                    std::fmt::Write::write_char(f, '.')?;
                    std::fmt::Write::write_char(f, char::from(b'0' + d as u8))
                }
            };
        }
        f.write_str(&num_slow(x))
    }
}

/// [`num`] through the standard formatting (exact decimal rounding).
fn num_slow(x: f64) -> String {
    let s = format!("{:.1}", x);
    let s = s.strip_suffix(".0").unwrap_or(&s);
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

/// A CSS class suffix from a data key: `vi::slugify` ("not achieved" →
/// "not-achieved", "Đạt" → "dat"), or "none" when nothing is left.
pub(super) fn class_token(key: &str) -> String {
    let slug = vi::slugify(key);
    if slug.is_empty() {
        "none".to_owned()
    } else {
        slug
    }
}

/// The id prefix: kept as given when it is only ASCII letters, digits, `-`
/// and `_`, otherwise slugified; "chart" when empty.
pub(super) fn id_token(id: &str) -> String {
    let plain = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if plain {
        return id.to_owned();
    }
    let slug = vi::slugify(id);
    if slug.is_empty() {
        "chart".to_owned()
    } else {
        slug
    }
}

/// Estimated width of `text` at `font` size.
pub(super) fn text_width(text: &str, font: f64) -> f64 {
    text.chars().filter(|c| !vi::is_combining_mark(*c)).count() as f64 * font * CHAR_EM
}

/// How many characters fit in `width` at `font` size (at least 4).
pub(super) fn chars_fitting(width: f64, font: f64) -> usize {
    let n = (width / (font * CHAR_EM)).floor();
    if n.is_finite() && n > 4.0 {
        n as usize
    } else {
        4
    }
}

/// Shortens `text` to at most `max_chars` characters (combining marks count
/// with their letter), ending with "…" when shortened. Cuts only between
/// characters, never inside one or between a letter and its marks.
/// Returns the text and whether it was shortened.
pub(super) fn truncate(text: &str, max_chars: usize) -> (String, bool) {
    let visible = text.chars().filter(|c| !vi::is_combining_mark(*c)).count();
    if visible <= max_chars {
        return (text.to_owned(), false);
    }
    let keep = max_chars.saturating_sub(1);
    let mut out = String::new();
    let mut count = 0;
    for c in text.chars() {
        if !vi::is_combining_mark(c) {
            if count == keep {
                break;
            }
            count += 1;
        }
        out.push(c);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    (out, true)
}

/// Splits `text` into lines of at most `max_chars` characters (combining
/// marks count with their letter), breaking between words; a word longer
/// than a line is cut. Past `max_lines` lines the last one ends with "…"
/// (the full text stays in the row's tooltip and the table). Always at
/// least one line.
pub(super) fn wrap(text: &str, max_chars: usize, max_lines: usize) -> Vec<String> {
    let max_chars = max_chars.max(4);
    let max_lines = max_lines.max(1);
    let len = |t: &str| t.chars().filter(|c| !vi::is_combining_mark(*c)).count();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // The length of `line`, kept as it grows rather than counted again for
    // every word.
    let mut line_len = 0;
    for word in text.split_whitespace() {
        let mut word = word.to_owned();
        loop {
            let room = if line.is_empty() {
                max_chars
            } else {
                max_chars.saturating_sub(line_len + 1)
            };
            let word_len = len(&word);
            if word_len <= room {
                if !line.is_empty() {
                    line.push(' ');
                    line_len += 1;
                }
                line.push_str(&word);
                line_len += word_len;
                break;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_len = 0;
                continue;
            }
            // A word longer than a whole line: cut it.
            let mut cut = word.len();
            let mut count = 0;
            for (i, c) in word.char_indices() {
                if !vi::is_combining_mark(c) {
                    if count == max_chars {
                        cut = i;
                        break;
                    }
                    count += 1;
                }
            }
            let rest = word.split_off(cut);
            lines.push(word);
            word = rest;
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(truncate(&rest, max_chars).0);
    }
    lines
}

/// Opens a row of a chart, `<g class="row">`, with its label as the
/// row's `<title>` tooltip when the drawn `lines` do not show the whole
/// label (cut with "…", or a long word broken); a label drawn whole is
/// not written twice.
pub(super) fn row_start(out: &mut String, label: &str, lines: &[String]) {
    let whole = label
        .split_whitespace()
        .eq(lines.iter().flat_map(|l| l.split_whitespace()));
    if whole {
        out.push_str(r#"<g class="row">"#);
    } else {
        w!(*out, r#"<g class="row"><title>{}</title>"#, Xml(label));
    }
}

/// Lines of text as one `<text>`, the first baseline at `y`, each next
/// line a `<tspan>` `leading` below (the first needs none); `anchor` is the
/// whole attribute (` text-anchor="end"`) or empty (set by the page's style
/// sheet).
pub(super) fn lines_text(
    out: &mut String,
    x: f64,
    y: f64,
    leading: f64,
    anchor: &str,
    class: &str,
    lines: &[String],
) {
    w!(
        *out,
        r#"<text class="{class}" x="{}" y="{}"{anchor}>"#,
        num(x),
        num(y)
    );
    for (i, line) in lines.iter().enumerate() {
        if i == 0 {
            w!(*out, "{}", Xml(line));
        } else {
            w!(
                *out,
                "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                num(x),
                num(leading),
                Xml(line)
            );
        }
    }
    out.push_str("</text>");
}

/// A link target that is safe to put in `href`: `None` for empty URLs and
/// for the `javascript:`, `vbscript:` and `data:` schemes.
pub(super) fn safe_url(url: Option<&str>) -> Option<&str> {
    let url = url?.trim();
    if url.is_empty() {
        return None;
    }
    let scheme: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(11)
        .collect::<String>()
        .to_ascii_lowercase();
    let unsafe_scheme = ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| scheme.starts_with(s));
    if unsafe_scheme { None } else { Some(url) }
}

/// A figure as text: `text` if given, else the finite `value` in Vietnamese
/// format, else "–".
pub(super) fn shown(text: &str, value: Option<f64>) -> String {
    if !text.trim().is_empty() {
        return text.to_owned();
    }
    value.map_or_else(|| "–".to_owned(), decimal)
}

/// A finite number the Vietnamese way ("65.914", "99,2"), "–" otherwise.
pub(super) fn decimal(x: f64) -> String {
    if x.is_finite() {
        vi::format_decimal(x)
    } else {
        "–".to_owned()
    }
}

/// A share in percent with one decimal, a trailing ",0" dropped:
/// 46.43 → "46,4%", 50.0 → "50%", 57.746 → "57,7%".
pub(super) fn share(percent: f64) -> String {
    if !percent.is_finite() {
        return "–".to_owned();
    }
    let fixed = vi::format_fixed(percent, 1);
    let fixed = fixed.strip_suffix(",0").unwrap_or(&fixed);
    format!("{fixed}%")
}

/// Parses an ISO date ("2023-07-30"); `None` when it is not one.
pub(super) fn parse_date(text: &str) -> Option<Date> {
    text.trim().parse::<Date>().ok()
}

/// A date without its year, from `vi::format_date`: 2023-06-30 → "30/6".
pub(super) fn short_date(d: Date) -> String {
    let full = vi::format_date(d);
    match full.rsplit_once('/') {
        Some((day_month, _)) => day_month.to_owned(),
        None => full,
    }
}

/// The table cell of a row header, with the row's link if it has one.
pub(super) fn row_header(label: &str, url: Option<&str>) -> String {
    match safe_url(url) {
        Some(href) => format!(
            r#"<th scope="row"><a href="{}">{}</a></th>"#,
            Xml(href),
            Xml(label)
        ),
        None => format!(r#"<th scope="row">{}</th>"#, Xml(label)),
    }
}

/// A column header: its text and whether the column holds figures
/// (right-aligned).
pub(super) type Header<'a> = (&'a str, bool);

/// A table: column headers, then rows already rendered as `<tr>`.
pub(super) fn table(headers: &[Header<'_>], rows: &[String], foot: Option<&str>) -> String {
    let mut out = String::from(r#"<table class="chart-table"><thead><tr>"#);
    for (text, numeric) in headers {
        let class = if *numeric { r#" class="num""# } else { "" };
        w!(out, r#"<th scope="col"{class}>{}</th>"#, Xml(text));
    }
    out.push_str("</tr></thead><tbody>");
    for r in rows {
        out.push_str(r);
    }
    out.push_str("</tbody>");
    if let Some(foot) = foot {
        w!(out, "<tfoot>{foot}</tfoot>");
    }
    out.push_str("</table>");
    out
}

/// A numeric data cell.
pub(super) fn td(text: &str) -> String {
    format!(r#"<td class="num">{}</td>"#, Xml(text))
}

/// A text data cell.
pub(super) fn td_text(text: &str) -> String {
    format!("<td>{}</td>", Xml(text))
}

/// Sizes taken from the options, made safe.
pub(super) struct Geometry {
    pub width: f64,
    pub row_height: f64,
}

impl Geometry {
    pub(super) fn new(opts: &ChartOptions, default_row: f64) -> Geometry {
        let width = if opts.width.is_finite() && opts.width > 0.0 {
            opts.width.clamp(240.0, 2400.0)
        } else {
            640.0
        };
        let row_height = if opts.row_height.is_finite() && opts.row_height > 0.0 {
            opts.row_height.clamp(16.0, 120.0)
        } else {
            default_row
        };
        Geometry { width, row_height }
    }

    /// Width of the label column of row charts.
    pub(super) fn label_width(&self) -> f64 {
        (self.width * 0.36).round()
    }
}

/// Everything one chart puts in its `<figure>`.
pub(super) struct Parts<'a> {
    pub kind: &'static str,
    pub opts: &'a ChartOptions,
    pub width: f64,
    pub height: f64,
    /// The SVG content after `<title>` and `<desc>`.
    pub body: String,
    /// The description used when the options give none.
    pub auto_desc: String,
    /// The data table, `None` for empty data.
    pub table: Option<String>,
}

/// ` vector-effect="non-scaling-stroke"` for a line of a chart in a page
/// (its width stays the same whatever the chart's scale); nothing in a
/// standalone file, since SVG 1.1 has no `vector-effect`. An attribute, not
/// a rule of `charts.css`: CSS validators do not know the property.
pub(super) fn scaling(opts: &ChartOptions) -> &'static str {
    if opts.standalone {
        ""
    } else {
        r#" vector-effect="non-scaling-stroke""#
    }
}

/// `attr` (a presentation attribute such as ` text-anchor="end"`) in a
/// standalone file, nothing in a page: there `charts.css` sets it once by
/// class (`.chart .value { text-anchor: end }`, a row's rectangles
/// `shape-rendering: crispEdges`), so a page does not repeat it on every
/// mark. A standalone file has no such style sheet.
pub(super) fn own(opts: &ChartOptions, attr: &'static str) -> &'static str {
    if opts.standalone { attr } else { "" }
}

/// The font of a standalone chart: the theme's, which the PNG is drawn
/// with (see `png.rs`), then common ones.
const STANDALONE_FONT: &str = "'Be Vietnam Pro', 'Noto Sans', Arial, sans-serif";

/// Assembles `<figure class="chart chart-KIND">` with the caption, the SVG
/// (with `role="img"`, `<title>`, `<desc>` and `aria-labelledby`) and the
/// data table in `<details>`.
pub(super) fn figure(parts: Parts<'_>) -> String {
    let opts = parts.opts;
    let id = id_token(&opts.id);
    let title = match xml(&opts.title) {
        t if t.trim().is_empty() => xml(&opts.text.untitled),
        t => t,
    };
    let desc = match xml(&opts.desc) {
        d if d.trim().is_empty() => xml(&parts.auto_desc),
        d => d,
    };
    let (w, h) = (num(parts.width), num(parts.height));
    let mut out = String::new();
    if opts.standalone {
        w!(
            out,
            concat!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n",
                r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" "#,
                r#"viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-size="13" "#,
                r#"role="img" aria-labelledby="{id}-title {id}-desc" font-family="{font}">"#,
                r#"<style>{css}</style><rect width="100%" height="100%" fill="{bg}"/>"#,
                r#"<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
                "{body}</svg>\n"
            ),
            w = w,
            h = h,
            id = id,
            font = STANDALONE_FONT,
            css = super::style::standalone_css(),
            bg = super::style::background(),
            title = title,
            desc = desc,
            body = parts.body
        );
        return out;
    }
    w!(
        out,
        r#"<figure class="chart chart-{}" id="{id}">"#,
        parts.kind
    );
    if !opts.caption.trim().is_empty() {
        w!(out, "<figcaption>{}</figcaption>", Xml(&opts.caption));
    }
    // The SVG sits in a focusable, named box: on a narrow screen the chart
    // keeps a readable size and scrolls sideways, and a scrolling region
    // must be reachable with the keyboard.
    w!(
        out,
        r#"<div class="chart-scroll" role="group" tabindex="0" aria-labelledby="{id}-title">"#
    );
    w!(
        out,
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" "#,
            r#"viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-size="13" "#,
            r#"role="img" aria-labelledby="{id}-title {id}-desc">"#,
            r#"<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#
        ),
        w = w,
        h = h,
        id = id,
        title = title,
        desc = desc
    );
    out.push_str(&parts.body);
    out.push_str("</svg></div>");
    if let Some(table) = parts.table.filter(|_| opts.table) {
        let summary = if opts.data_label.trim().is_empty() {
            opts.text.data.as_str()
        } else {
            opts.data_label.as_str()
        };
        w!(
            out,
            r#"<details class="chart-data"><summary>{}</summary>{table}</details>"#,
            xml(summary)
        );
    }
    out.push_str("</figure>");
    out
}

/// The body of a chart without data: the `empty_label` message.
pub(super) fn empty(kind: &'static str, opts: &ChartOptions) -> String {
    let geo = Geometry::new(opts, 0.0);
    let label = if xml(&opts.empty_label).trim().is_empty() {
        opts.text.empty.as_str()
    } else {
        opts.empty_label.as_str()
    };
    let mut body = String::new();
    w!(
        body,
        r#"<text class="empty" x="{}" y="26" text-anchor="middle">{}</text>"#,
        num(geo.width / 2.0),
        xml(label)
    );
    figure(Parts {
        kind,
        opts,
        width: geo.width,
        height: 40.0,
        body,
        auto_desc: label.to_owned(),
        table: None,
    })
}

#[cfg(test)]
mod num_tests {
    use super::{num, num_slow};

    #[test]
    fn num_is_rounded_as_format_does() {
        let mut values = vec![
            0.0,
            -0.0,
            0.05,
            -0.05,
            0.25,
            0.35,
            0.45,
            1.05,
            2.675,
            -0.04,
            -0.06,
            12.345,
            40.0,
            1e8,
            -1e8,
            99.95,
            123456789.25,
            1e12,
            0.1 + 0.2,
        ];
        // Tenths, hundredths and thousandths from -2,000 to 2,000, as
        // coordinates are, and values spread over many magnitudes.
        values.extend((-200_000..=200_000).map(|i| f64::from(i) / 100.0));
        values.extend((-20_000..=20_000).map(|i| f64::from(i) / 1000.0 * 7.0));
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            let scale = 10f64.powi((state % 12) as i32 - 3);
            values.push((unit - 0.5) * scale);
        }
        for x in values {
            assert_eq!(num(x).to_string(), num_slow(x), "{x:?}");
        }
        assert_eq!(num(f64::NAN).to_string(), "0");
    }
}
