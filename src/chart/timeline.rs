//! `timeline`: reports submitted over time, one cumulative step line per
//! level, with each level's deadline and the date of the figures as rules.

use jiff::civil::Date;

use super::svg::{self, FONT_SMALL, Geometry, Parts, w};
use super::{ChartOptions, ChartText, Series, label_header};
use crate::escape::Xml;
use crate::vi;

const KIND: &str = "timeline";
const LEFT: f64 = 44.0;
/// Room at the right for the labels at the ends of the lines.
const RIGHT: f64 = 150.0;
/// Distance between the baselines of a wrapped end label's lines.
const LABEL_LEADING: f64 = 13.0;
const BOTTOM: f64 = 28.0;
const PLOT_HEIGHT: f64 = 200.0;
/// Height of one lane of rule labels above the plot.
const LANE: f64 = 16.0;

/// A series with its dates parsed; unparsable dates are left out.
struct Parsed<'a> {
    series: &'a Series,
    class: String,
    deadline: Option<Date>,
    /// Sorted.
    dates: Vec<Date>,
}

impl Parsed<'_> {
    fn on_time_and_late(&self) -> Option<(usize, usize)> {
        let deadline = self.deadline?;
        let on_time = self.dates.iter().filter(|d| **d <= deadline).count();
        Some((on_time, self.dates.len() - on_time))
    }
}

pub(super) fn render(series: &[Series], opts: &ChartOptions) -> String {
    let parsed: Vec<Parsed<'_>> = series
        .iter()
        .map(|s| {
            let mut dates: Vec<Date> = s.dates.iter().filter_map(|d| svg::parse_date(d)).collect();
            dates.sort();
            Parsed {
                series: s,
                class: svg::class_token(&s.key),
                deadline: s.deadline.as_deref().and_then(svg::parse_date),
                dates,
            }
        })
        .collect();
    let as_of = opts.as_of.as_deref().and_then(svg::parse_date);
    let all = parsed
        .iter()
        .flat_map(|p| p.dates.iter().copied().chain(p.deadline))
        .chain(as_of);
    let (Some(first), Some(last)) = (all.clone().min(), all.max()) else {
        return svg::empty(KIND, opts);
    };
    if parsed.is_empty() {
        return svg::empty(KIND, opts);
    }
    let (start, end) = if first == last {
        (
            first.yesterday().unwrap_or(first),
            last.tomorrow().unwrap_or(last),
        )
    } else {
        (first, last)
    };
    let span = days(start, end).max(1.0);

    let geo = Geometry::new(opts, 0.0);

    let scaling = svg::scaling(opts);
    let width = geo.width;
    let plot_w = (width - LEFT - RIGHT).max(40.0);
    let same_year = start.year() == end.year();
    let date_label = |d: Date| {
        if same_year {
            svg::short_date(d)
        } else {
            vi::format_date(d)
        }
    };

    // Rules above the plot, one lane each: deadlines and the as-of date.
    let mut rules: Vec<(Date, String, String, String)> = Vec::new();
    for p in &parsed {
        if let Some(d) = p.deadline {
            rules.push((
                d,
                format!("deadline series-{}", p.class),
                format!(
                    "{} {}: {}",
                    opts.text.deadline,
                    p.series.label,
                    date_label(d)
                ),
                format!(
                    "{} {}: {}",
                    opts.text.deadline,
                    p.series.label,
                    vi::format_date(d)
                ),
            ));
        }
    }
    if let Some(d) = as_of {
        rules.push((
            d,
            "as-of".to_owned(),
            format!("{}: {}", opts.text.as_of, date_label(d)),
            format!("{}: {}", opts.text.as_of, vi::format_date(d)),
        ));
    }
    // Earliest rule in the top lane: a rule's line then starts above the
    // labels of later rules, which lie to its right.
    rules.sort_by_key(|rule| rule.0);
    // The count axis's title above everything, then the rules' lanes.
    let title_h = LANE + 2.0;
    let top = title_h + 6.0 + rules.len() as f64 * LANE + 6.0;
    let bottom = top + PLOT_HEIGHT;
    let height = bottom + BOTTOM;

    let x = |d: Date| LEFT + (days(start, d) / span).clamp(0.0, 1.0) * plot_w;
    let y_max_count = parsed
        .iter()
        .map(|p| p.series.total.max(p.dates.len()))
        .max()
        .unwrap_or(0) as f64;
    let (y_top, y_step) = y_axis(y_max_count);
    let y = |c: f64| bottom - (c / y_top).clamp(0.0, 1.0) * PLOT_HEIGHT;

    let mut body = String::new();

    // Grid and y axis, titled above (horizontal, as ONS and GOV.UK do).
    body.push_str(r#"<g class="axis axis-y">"#);
    w!(
        body,
        r#"<text class="axis-title" x="0" y="{}">{}</text>"#,
        svg::num(FONT_SMALL + 1.0),
        Xml(&opts.text.count_axis)
    );
    let mut k = 0.0;
    while k <= y_top + y_step / 2.0 {
        let yy = svg::num(y(k));
        w!(
            body,
            r#"<line class="grid" x1="{}" y1="{yy}" x2="{}" y2="{yy}"{scaling}/><text class="tick" x="{}" y="{}" text-anchor="end">{}</text>"#,
            svg::num(LEFT),
            svg::num(LEFT + plot_w),
            svg::num(LEFT - 6.0),
            svg::num(y(k) + FONT_SMALL * 0.35),
            vi::format_decimal(k)
        );
        k += y_step;
    }
    w!(
        body,
        r#"<line class="axis-line" x1="{l}" y1="{}" x2="{l}" y2="{}"{scaling}/></g>"#,
        svg::num(top),
        svg::num(bottom),
        l = svg::num(LEFT)
    );

    // X axis with date ticks.
    body.push_str(r#"<g class="axis axis-x">"#);
    w!(
        body,
        r#"<line class="axis-line" x1="{}" y1="{b}" x2="{}" y2="{b}"{scaling}/>"#,
        svg::num(LEFT),
        svg::num(LEFT + plot_w),
        b = svg::num(bottom)
    );
    let sample = date_label(end);
    let limit = (plot_w / (svg::text_width(&sample, FONT_SMALL) + 14.0)).floor();
    let limit = if limit.is_finite() && limit >= 2.0 {
        limit as usize
    } else {
        2
    };
    for d in ticks(start, end, limit) {
        let xx = svg::num(x(d));
        w!(
            body,
            r#"<line class="tick-mark" x1="{xx}" y1="{}" x2="{xx}" y2="{}"{scaling}/><text class="tick" x="{xx}" y="{}" text-anchor="middle">{}</text>"#,
            svg::num(bottom),
            svg::num(bottom + 4.0),
            svg::num(bottom + 16.0),
            date_label(d)
        );
    }
    body.push_str("</g>");

    // Rules with their labels in lanes.
    for (lane, (d, class, label, full)) in rules.iter().enumerate() {
        let xx = x(*d);
        let label_y = title_h + 6.0 + lane as f64 * LANE + 11.0;
        let label_w = svg::text_width(label, FONT_SMALL);
        let (lx, anchor) = if xx + 4.0 + label_w <= width {
            (xx + 4.0, "start")
        } else {
            (xx - 4.0, "end")
        };
        w!(
            body,
            r#"<g class="rule"><title>{}</title><line class="{class}" x1="{x}" y1="{}" x2="{x}" y2="{}"{scaling}/><text class="rule-label" x="{}" y="{}" text-anchor="{anchor}">{}</text></g>"#,
            Xml(full),
            svg::num(label_y - 10.0),
            svg::num(bottom),
            svg::num(lx),
            svg::num(label_y),
            Xml(label),
            x = svg::num(xx)
        );
    }

    // Cumulative step lines.
    let line_end = as_of.map_or(end, |a| {
        parsed
            .iter()
            .filter_map(|p| p.dates.last().copied())
            .fold(a, Date::max)
    });
    let mut end_labels: Vec<(f64, String, String)> = Vec::new();
    for p in &parsed {
        let mut d = format!("M{} {}", svg::num(x(start)), svg::num(y(0.0)));
        let mut count = 0usize;
        let mut i = 0;
        while i < p.dates.len() {
            let day = p.dates[i];
            while i < p.dates.len() && p.dates[i] == day {
                count += 1;
                i += 1;
            }
            w!(d, "H{}V{}", svg::num(x(day)), svg::num(y(count as f64)));
        }
        w!(d, "H{}", svg::num(x(line_end)));
        let figure = submitted_of(count, p.series.total);
        w!(
            body,
            r#"<path class="line series-{}" d="{d}"{scaling}><title>{}: {}</title></path>"#,
            p.class,
            Xml(&p.series.label),
            figure
        );
        end_labels.push((
            y(count as f64) + FONT_SMALL * 0.35,
            format!("{}: {figure}", p.series.label),
            p.class.clone(),
        ));
    }
    // End labels right of the plot (no rule crosses them), wrapped to the
    // room there, pushed apart, and tied to their line by a leader when
    // moved.
    let label_x = LEFT + plot_w + 8.0;
    let fit = svg::chars_fitting(width - label_x, FONT_SMALL);
    let line_x = x(line_end);
    let mut placed: Vec<EndLabel> = end_labels
        .into_iter()
        .map(|(ly, text, class)| {
            let lines = svg::wrap(&text, fit, 2);
            EndLabel {
                anchor_y: ly - FONT_SMALL * 0.35,
                y: ly,
                lines,
                class,
            }
        })
        .collect();
    place_end_labels(&mut placed, top + 4.0, bottom);
    for label in &placed {
        let mid =
            label.y - FONT_SMALL * 0.35 + (label.lines.len() as f64 - 1.0) * LABEL_LEADING / 2.0;
        w!(
            body,
            r#"<path class="leader series-{}" d="M{} {}H{}L{} {}"{scaling}/>"#,
            label.class,
            svg::num(line_x),
            svg::num(label.anchor_y),
            svg::num(line_x.max(label_x - 14.0)),
            svg::num(label_x - 3.0),
            svg::num(mid)
        );
        svg::lines_text(
            &mut body,
            label_x,
            label.y,
            LABEL_LEADING,
            r#" text-anchor="start""#,
            &format!("series-label label-{}", label.class),
            &label.lines,
        );
    }

    // Table: level, deadline, on time, late, submitted, expected.
    let headers = [
        (label_header(opts, &opts.text.level), false),
        (opts.text.deadline.as_str(), true),
        (opts.text.on_time.as_str(), true),
        (opts.text.late.as_str(), true),
        (opts.text.submitted.as_str(), true),
        (opts.text.expected.as_str(), true),
    ];
    let int = |n: usize| vi::format_int(i64::try_from(n).unwrap_or(i64::MAX));
    let table_rows: Vec<String> = parsed
        .iter()
        .map(|p| {
            let (on_time, late) = match p.on_time_and_late() {
                Some((a, b)) => (int(a), int(b)),
                None => ("–".to_owned(), "–".to_owned()),
            };
            format!(
                "<tr>{}{}{}{}{}{}</tr>",
                svg::row_header(&p.series.label, None),
                svg::td(&p.deadline.map_or_else(|| "–".to_owned(), vi::format_date)),
                svg::td(&on_time),
                svg::td(&late),
                svg::td(&int(p.dates.len())),
                svg::td(&if p.series.total > 0 {
                    int(p.series.total)
                } else {
                    "–".to_owned()
                })
            )
        })
        .collect();

    svg::figure(Parts {
        kind: KIND,
        opts,
        width,
        height,
        body,
        auto_desc: describe(&parsed, as_of, &opts.text),
        table: Some(svg::table(&headers, &table_rows, None)),
    })
}

/// "12/14", or "12" when the expected count is unknown.
fn submitted_of(count: usize, total: usize) -> String {
    let int = |n: usize| vi::format_int(i64::try_from(n).unwrap_or(i64::MAX));
    if total > 0 {
        format!("{}/{}", int(count), int(total))
    } else {
        int(count)
    }
}

/// Days from `a` to `b` (negative when `b` is earlier).
fn days(a: Date, b: Date) -> f64 {
    a.duration_until(b).as_secs() as f64 / 86_400.0
}

/// The top of the count axis and its step: 1, 2 or 5 times a power of ten,
/// at most about five steps, never less than 1.
fn y_axis(max: f64) -> (f64, f64) {
    if !(max.is_finite() && max > 0.0) {
        return (1.0, 1.0);
    }
    let raw = max / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude)
        .max(1.0);
    ((max / step).ceil() * step, step)
}

/// An end label: where its line ends, its first baseline, its lines.
struct EndLabel {
    anchor_y: f64,
    y: f64,
    lines: Vec<String>,
    class: String,
}

/// Pushes wrapped end labels apart within `lo..=hi` (first baseline to last
/// baseline), each taking as many lines as it has, keeping their order.
pub(super) fn place_end_labels_at(labels: &mut [(f64, usize)], lo: f64, hi: f64) {
    const GAP: f64 = 4.0;
    let span = |n: usize| (n.max(1) as f64 - 1.0) * LABEL_LEADING;
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    for i in 0..labels.len() {
        let min = if i == 0 {
            lo
        } else {
            labels[i - 1].0 + span(labels[i - 1].1) + LABEL_LEADING + GAP
        };
        labels[i].0 = labels[i].0.max(min);
    }
    for i in (0..labels.len()).rev() {
        let max = if i + 1 == labels.len() {
            hi - span(labels[i].1)
        } else {
            labels[i + 1].0 - span(labels[i].1) - LABEL_LEADING - GAP
        };
        labels[i].0 = labels[i].0.min(max);
    }
}

fn place_end_labels(labels: &mut [EndLabel], lo: f64, hi: f64) {
    labels.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut spots: Vec<(f64, usize)> = labels.iter().map(|l| (l.y, l.lines.len())).collect();
    place_end_labels_at(&mut spots, lo, hi);
    for (label, (y, _)) in labels.iter_mut().zip(spots) {
        label.y = y;
    }
}

/// Which dates get a tick.
#[derive(Clone, Copy)]
enum Step {
    /// These days of every month.
    Days(&'static [i8]),
    /// The first day of every n-th month (January, then every n months).
    Months(i8),
    /// 1 January of years divisible by n.
    Years(i16),
}

const EVERY_DAY: [i8; 31] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
    27, 28, 29, 30, 31,
];

const STEPS: [Step; 16] = [
    Step::Days(&EVERY_DAY),
    Step::Days(&[1, 5, 10, 15, 20, 25]),
    Step::Days(&[1, 10, 20]),
    Step::Days(&[1, 15]),
    Step::Months(1),
    Step::Months(2),
    Step::Months(3),
    Step::Months(6),
    Step::Years(1),
    Step::Years(2),
    Step::Years(5),
    Step::Years(10),
    Step::Years(20),
    Step::Years(50),
    Step::Years(100),
    Step::Years(1000),
];

/// Tick dates between `start` and `end`: the finest step that gives at most
/// `limit` ticks ("1/7", "15/7", …).
fn ticks(start: Date, end: Date, limit: usize) -> Vec<Date> {
    STEPS
        .iter()
        .find_map(|step| ticks_of(*step, start, end, limit))
        .unwrap_or_else(|| vec![start, end])
}

/// The ticks of one step, `None` when there are more than `limit`.
fn ticks_of(step: Step, start: Date, end: Date, limit: usize) -> Option<Vec<Date>> {
    let mut out = Vec::new();
    let mut push = |d: Date| -> bool {
        if d >= start && d <= end {
            out.push(d);
        }
        out.len() <= limit
    };
    match step {
        Step::Days(_) | Step::Months(_) => {
            let months_apart = (i32::from(end.year()) - i32::from(start.year())) * 12
                + i32::from(end.month())
                - i32::from(start.month());
            for m in 0..=months_apart {
                let month0 = i32::from(start.month()) - 1 + m;
                let year = i32::from(start.year()) + month0.div_euclid(12);
                let (Ok(year), Ok(month)) =
                    (i16::try_from(year), i8::try_from(month0.rem_euclid(12) + 1))
                else {
                    continue;
                };
                let month_days: &[i8] = match step {
                    Step::Months(n) if (month - 1) % n == 0 => &[1],
                    Step::Months(_) | Step::Years(_) => &[],
                    Step::Days(days_of_month) => days_of_month,
                };
                for &day in month_days {
                    if let Ok(d) = Date::new(year, month, day)
                        && !push(d)
                    {
                        return None;
                    }
                }
            }
        }
        Step::Years(n) => {
            for year in start.year()..=end.year() {
                if year.rem_euclid(n) == 0
                    && let Ok(d) = Date::new(year, 1, 1)
                    && !push(d)
                {
                    return None;
                }
            }
        }
    }
    Some(out)
}

/// "Biểu đồ số báo cáo đã nộp theo ngày, 2 cấp. Tỉnh: đã nộp 12/14, hạn
/// 30/7/2023, 10 đúng hạn, 2 trễ hạn; … Số liệu đến 31/7/2023."
fn describe(parsed: &[Parsed<'_>], as_of: Option<Date>, words: &ChartText) -> String {
    let parts: Vec<String> = parsed
        .iter()
        .map(|p| {
            let mut s = format!(
                "{}: {} {}",
                p.series.label,
                words.desc_submitted,
                submitted_of(p.dates.len(), p.series.total)
            );
            if let Some(d) = p.deadline {
                s.push_str(&format!(", {} {}", words.desc_deadline, vi::format_date(d)));
            }
            if let Some((on_time, late)) = p.on_time_and_late() {
                let n = |x: usize| vi::format_int(x as i64);
                s.push_str(&format!(
                    ", {}, {}",
                    words.desc_on_time.replace("{n}", &n(on_time)),
                    words.desc_late.replace("{n}", &n(late))
                ));
            }
            s
        })
        .collect();
    let mut out = format!(
        "{}, {}. {}.",
        words.desc_timeline,
        words
            .desc_levels
            .replace("{n}", &vi::format_int(parsed.len() as i64)),
        parts.join("; ")
    );
    if let Some(d) = as_of {
        out.push(' ');
        out.push_str(&words.desc_as_of.replace("{date}", &vi::format_date(d)));
        out.push('.');
    }
    out
}
