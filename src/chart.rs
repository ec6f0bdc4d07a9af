//! Charts as static, accessible SVG, written at build time.
//!
//! Why hand-written: no well-kept Rust crate writes small, accessible SVG
//! charts styled only by CSS classes. `plotters` writes inline colours and
//! fonts, `charming` renders through ECharts (JavaScript). Here a chart is a
//! few rectangles, lines and texts, so a few hundred lines of string writing
//! do it, and the output is exactly what the site needs:
//!
//! - **no JavaScript**; the whole chart is an `<svg>` inside the page;
//! - **deterministic**: coordinates have at most one decimal, every list is
//!   walked in input order (no hash maps), so a rebuild gives the same bytes;
//! - **classes only, no colours**: every shape and text has a class
//!   (`seg seg-exceeded`, `chart-bar status-achieved`, `line series-district`,
//!   …) that `themes/default/static/css/charts.css` colours through custom
//!   properties, with a dark scheme and a black-and-white print style (bars
//!   are `chart-bar`, not `bar`: the theme's `.bar` is an HTML flex bar whose
//!   CSS `height` would resize an SVG `<rect>`);
//! - **accessible**: `role="img"`, `<title>` and `<desc>` named by
//!   `aria-labelledby` (ids prefixed by the `id` option, so several charts
//!   fit on one page), a description written from the data when none is
//!   given, and the same figures as a table in
//!   `<details class="chart-data">`;
//! - **Vietnamese figures** through [`crate::vi`]: "99,2%", "65.914", "30/6";
//! - **self-explaining** (ONS, Our World in Data, GOV.UK conventions):
//!   long labels wrap between words (a few lines, then "…"; the full label
//!   of a cut one in the row's `<title>` tooltip), a bullet chart has a legend for each
//!   kind of mark it draws and says that each row has its own scale from 0,
//!   a yes/no indicator is drawn as done / not done, the timeline titles its
//!   count axis and labels its lines at their ends, kept apart, with leaders;
//! - **robust**: all text escaped, zero, negative, NaN
//!   and infinite values never reach a coordinate, empty data gives a
//!   "Chưa có số liệu" chart; nothing here panics.
//!
//! The SVG has a `viewBox` and `width`/`height` for its intrinsic size; the
//! CSS makes it `width: 100%; height: auto`. In a page, what is the same
//! for every mark of a kind is set once by `charts.css`, not repeated on
//! each: the text anchors of labels and figures, `crispEdges` for a row's
//! rectangles; a standalone chart, which has no such sheet, carries them as
//! attributes (`svg::own`). Lines in a page keep
//! `vector-effect="non-scaling-stroke"` (CSS validators refuse the
//! property). A row's
//! label is repeated in its `<title>` tooltip only when the drawn label is
//! cut. In a page's bullet chart, what every row draws alike is written
//! once: the target and baseline ticks are defined once in `<defs>` and
//! placed by `<use>` (so their styles in `charts.css` are not scoped by
//! `.chart`: a rule reaches the copy in a `<use>` only by what the copy
//! is), the rows' tracks are one `<path>`, and a bar has no tooltip
//! repeating the figure and status drawn beside it.
//!
//! # Output
//!
//! ```text
//! <figure class="chart chart-KIND" id="ID">
//!   <figcaption>caption</figcaption>            (only with a caption)
//!   <div class="chart-scroll" role="group" tabindex="0" aria-labelledby="ID-title">
//!     <svg class="chart-svg" role="img" aria-labelledby="ID-title ID-desc" …>
//!       <title id="ID-title">…</title><desc id="ID-desc">…</desc> …
//!     </svg>
//!   </div>                                      (scrolls sideways on phones)
//!   <details class="chart-data"><summary>Số liệu</summary><table>…</table></details>
//! </figure>
//! ```
//!
//! The output is well-formed XML as well as HTML.
//!
//! # Kinds and their data
//!
//! - **`stacked`**: 100% stacked horizontal bars, one per [`StackedRow`]
//!   (`label`, `url`, `segments`: [`Segment`] `{key, label, value}`). A
//!   segment is `<rect class="seg seg-KEY">` with its count inside when it
//!   fits; the row total is at the right; a legend lists the keys in the
//!   order first seen. Table: rows × segment labels, "13 (46,4%)", total.
//! - **`bullet`**: target against actual, one [`BulletRow`] per indicator,
//!   each on its own scale (0 to 110% of the row's largest figure, or 0–100
//!   for a `percent` row whose figures are all ≤ 100): the actual as a bar
//!   `chart-bar status-STATUS`, the target as a line (`target`) or a band
//!   (`target-band`) for a range, the baseline as a tick, yearly actuals as
//!   dots with the year in their `<title>`. Table: indicator, target,
//!   baseline, yearly, actual, status.
//! - **`ranked`**: [`RankRow`]s as bars sorted by value, largest first
//!   (stable: ties keep their input order; rows without a value last, "–"),
//!   scaled to the `max` option or the largest value, with an optional
//!   vertical `target` rule labelled `target_text`. Table: rank (ties share
//!   it), unit, value, status.
//! - **`timeline`**: reports submitted over time, one [`Series`] per level
//!   (`key`, `label`, `deadline`, `total`, `dates`, dates as "2023-07-30"):
//!   a cumulative step line `line series-KEY`, a dashed deadline rule
//!   labelled "Hạn Tỉnh: 30/7", an `as_of` rule "Ngày lấy số liệu: 31/7",
//!   axes with "15/6"-style ticks. Unparsable dates are skipped. Table:
//!   level, deadline, on time (date ≤ deadline), late, submitted, expected.
//!
//! # Use
//!
//! From Rust: [`stacked`], [`bullet`], [`ranked`], [`timeline`] with
//! [`ChartOptions`], or [`render_value`] with a [`Kind`] and a template
//! value. From templates, after [`register`]:
//!
//! ```text
//! {{ chart("bullet", unit.chart_rows, id="ind", title="Chỉ tiêu so với mục tiêu") }}
//! {{ chart("ranked", rows, id="rank", title="…", max=100, target=95, target_text="Mục tiêu 95%") }}
//! {{ chart("timeline", series, id="nop", title="…", as_of="2023-07-31") }}
//! ```
//!
//! Every keyword argument is a field of [`ChartOptions`] (`none` means the
//! default); unknown keywords, an unknown kind or rows of the wrong shape are
//! template errors naming the kind and the expected fields. Rows and options
//! accept no unknown fields either, so a misspelt field is caught at build
//! time. Text fields take a string, a number (shown the Vietnamese way) or
//! `none` (empty).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use minijinja::value::{Kwargs, ValueKind};
use minijinja::{Error, ErrorKind, Value};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::i18n::Strings;
use crate::vi;

pub(super) mod bullet;
pub(crate) mod png;
mod ranked;
mod stacked;
mod style;
mod svg;
pub(super) mod timeline;

#[cfg(test)]
mod tests;

// ---------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------

/// One bar of a `stacked` chart: a unit, a field, a level, or "all units".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StackedRow {
    /// Shown left of the bar, wrapped on a few lines when long.
    #[serde(deserialize_with = "de_text")]
    pub label: String,
    /// A link for the row, relative to the page: it links the row's header
    /// in the data table (the SVG, an image, holds no links).
    #[serde(default, deserialize_with = "de_opt_text")]
    pub url: Option<String>,
    /// The parts of the bar, left to right.
    #[serde(default)]
    pub segments: Vec<Segment>,
}

/// One part of a stacked bar.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Segment {
    /// CSS class suffix: "exceeded", "achieved", "not-achieved",
    /// "not-assessed", "on-time", "late", "missing", "not-due".
    #[serde(deserialize_with = "de_text")]
    pub key: String,
    /// The word for the legend and the table ("Vượt"); the key when empty.
    #[serde(default, deserialize_with = "de_text")]
    pub label: String,
    /// A count. Negative counts are drawn as zero but shown as they are;
    /// NaN and infinities are left out.
    pub value: f64,
}

/// One indicator of a `bullet` chart, on its own scale.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulletRow {
    #[serde(deserialize_with = "de_text")]
    pub label: String,
    #[serde(default, deserialize_with = "de_opt_text")]
    pub url: Option<String>,
    /// The result; `None` shows "chưa có số liệu".
    #[serde(default)]
    pub actual: Option<f64>,
    /// The result as the report writes it ("99,2%"); formatted from
    /// `actual` when empty.
    #[serde(default, deserialize_with = "de_text")]
    pub actual_text: String,
    /// Target: a single figure in `target_low` (or `target_high`), a range
    /// in both.
    #[serde(default)]
    pub target_low: Option<f64>,
    #[serde(default)]
    pub target_high: Option<f64>,
    /// The target as written ("≥ 95%"); formatted from the figures when empty.
    #[serde(default, deserialize_with = "de_text")]
    pub target_text: String,
    /// The target is a ceiling ("≤ 2%").
    #[serde(default)]
    pub lower_is_better: bool,
    /// Figures are percentages: the scale is 0–100 when they all fit.
    #[serde(default)]
    pub percent: bool,
    /// The figure at the start of the term.
    #[serde(default)]
    pub baseline: Option<f64>,
    #[serde(default, deserialize_with = "de_text")]
    pub baseline_text: String,
    /// Results of single years, drawn as dots.
    #[serde(default)]
    pub years: Vec<YearPoint>,
    /// CSS class suffix of the bar: "exceeded", "achieved", …
    #[serde(default, deserialize_with = "de_text")]
    pub status: String,
    /// The status as a word ("Đạt").
    #[serde(default, deserialize_with = "de_text")]
    pub status_label: String,
    /// A yes/no indicator (actual 100 for yes, 0 for no): drawn as done or
    /// not done rather than as a bar.
    #[serde(default)]
    pub yes_no: bool,
}

/// The result of one year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct YearPoint {
    pub year: i32,
    pub value: f64,
    /// The figure as written; formatted from `value` when empty.
    #[serde(default, deserialize_with = "de_text")]
    pub text: String,
}

/// One bar of a `ranked` chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RankRow {
    #[serde(deserialize_with = "de_text")]
    pub label: String,
    #[serde(default, deserialize_with = "de_opt_text")]
    pub url: Option<String>,
    /// `None` (or NaN) ranks last and shows "–".
    #[serde(default)]
    pub value: Option<f64>,
    /// The value as shown ("57,7%"); formatted from `value` when empty.
    #[serde(default, deserialize_with = "de_text")]
    pub value_text: String,
    /// CSS class suffix of the bar; a neutral bar when empty.
    #[serde(default, deserialize_with = "de_text")]
    pub status: String,
    /// The status as a word for the table; the column is left out when no
    /// row has one.
    #[serde(default, deserialize_with = "de_text")]
    pub status_label: String,
}

/// One line of a `timeline` chart: the reports of one level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Series {
    /// CSS class suffix: "province", "district", "grassroots", "branch".
    #[serde(deserialize_with = "de_text")]
    pub key: String,
    /// The level's name ("Tỉnh").
    #[serde(deserialize_with = "de_text")]
    pub label: String,
    /// The deadline, "2023-07-30".
    #[serde(default, deserialize_with = "de_opt_text")]
    pub deadline: Option<String>,
    /// How many reports are expected; 0 when unknown.
    #[serde(default)]
    pub total: usize,
    /// The dates the reports were submitted, "2023-07-28"; unparsable ones
    /// are skipped.
    #[serde(default)]
    pub dates: Vec<String>,
}

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

/// How to draw a chart. Every field has a default, so templates pass only
/// what they need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ChartOptions {
    /// Prefix of the ids in the chart (`ID`, `ID-title`, `ID-desc`); unique
    /// per page. Slugified when it holds other characters than ASCII
    /// letters, digits, `-` and `_`.
    #[serde(deserialize_with = "de_text")]
    pub id: String,
    /// The SVG `<title>`; required in practice (`text.untitled` when empty).
    #[serde(deserialize_with = "de_text")]
    pub title: String,
    /// The SVG `<desc>`; a summary of the data in the words of `text` when empty.
    #[serde(deserialize_with = "de_text")]
    pub desc: String,
    /// A visible `<figcaption>`, none when empty.
    #[serde(deserialize_with = "de_text")]
    pub caption: String,
    /// Width of the viewBox in user units (default 640, kept in 240–2400).
    pub width: f64,
    /// Height of a row of `stacked`, `bullet` and `ranked` (0: the kind's
    /// default, 28, 40 and 24; kept in 16–120).
    pub row_height: f64,
    /// `ranked`: the value of a full bar (100 for shares); the largest value
    /// when unset.
    pub max: Option<f64>,
    /// `ranked`: a vertical rule at this value.
    pub target: Option<f64>,
    /// `ranked`: the rule's label ("Mục tiêu 95%"); "Mục tiêu: 95" when empty.
    #[serde(deserialize_with = "de_text")]
    pub target_text: String,
    /// `timeline`: the date of the figures, "2023-07-31", drawn as a rule.
    #[serde(deserialize_with = "de_opt_text")]
    pub as_of: Option<String>,
    /// The `<summary>` of the data table.
    #[serde(deserialize_with = "de_text")]
    pub data_label: String,
    /// The message of a chart without data.
    #[serde(deserialize_with = "de_text")]
    pub empty_label: String,
    /// The header of the table's first column; by kind when empty ("Nhóm",
    /// "Chỉ tiêu", "Đơn vị", "Cấp").
    #[serde(deserialize_with = "de_text")]
    pub label_header: String,
    /// Whether to add the data table.
    pub table: bool,
    /// A standalone SVG file instead of a `<figure>` for a page (the
    /// press kit's chart): an XML declaration, the `<svg>` with its own
    /// styles (the default theme's light colours, see `style.rs`), a white
    /// background and the Be Vietnam Pro font named; no table, no
    /// `vector-effect` (SVG 1.1 has none, and a file is not rescaled in a
    /// page). Not a template argument.
    #[serde(skip)]
    pub standalone: bool,
    /// The other words of the charts; those a template leaves empty are the
    /// interface language's.
    pub text: ChartText,
}

impl Default for ChartOptions {
    fn default() -> ChartOptions {
        ChartOptions {
            id: "chart".to_owned(),
            title: String::new(),
            desc: String::new(),
            caption: String::new(),
            width: 640.0,
            row_height: 0.0,
            max: None,
            target: None,
            target_text: String::new(),
            as_of: None,
            data_label: String::new(),
            empty_label: String::new(),
            label_header: String::new(),
            table: true,
            standalone: false,
            text: ChartText::default(),
        }
    }
}

impl ChartOptions {
    /// Options with a title and the words of a language; the rest default.
    pub(crate) fn new(id: &str, title: &str, words: &ChartText) -> ChartOptions {
        ChartOptions {
            id: id.to_owned(),
            title: title.to_owned(),
            text: words.clone(),
            ..ChartOptions::default()
        }
    }

    /// The data table's summary and the empty chart's message, when not
    /// given, from the chart's words.
    fn filled(&self) -> ChartOptions {
        let mut opts = self.clone();
        for (field, word) in [
            (&mut opts.data_label, &self.text.data),
            (&mut opts.empty_label, &self.text.empty),
        ] {
            if field.trim().is_empty() {
                field.clone_from(word);
            }
        }
        opts
    }
}

/// The fixed words of the charts (table headers, rule labels, the
/// summaries of `desc`), in the interface language: [`ChartText::new`]
/// takes them from the string tables (keys `chart_word_*`). A template may
/// pass some of its own (`text={…}`); the others are the language's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ChartText {
    /// First column of a `stacked` table.
    #[serde(deserialize_with = "de_text")]
    pub group: String,
    /// First column of a `bullet` table.
    #[serde(deserialize_with = "de_text")]
    pub indicator: String,
    /// First column of a `ranked` table.
    #[serde(deserialize_with = "de_text")]
    pub unit: String,
    /// First column of a `timeline` table.
    #[serde(deserialize_with = "de_text")]
    pub level: String,
    #[serde(deserialize_with = "de_text")]
    pub total: String,
    #[serde(deserialize_with = "de_text")]
    pub target: String,
    #[serde(deserialize_with = "de_text")]
    pub baseline: String,
    #[serde(deserialize_with = "de_text")]
    pub years: String,
    #[serde(deserialize_with = "de_text")]
    pub actual: String,
    #[serde(deserialize_with = "de_text")]
    pub status: String,
    #[serde(deserialize_with = "de_text")]
    pub value: String,
    #[serde(deserialize_with = "de_text")]
    pub rank: String,
    /// In a bullet row without a result.
    #[serde(deserialize_with = "de_text")]
    pub no_data: String,
    /// Before a level's name on a deadline rule: "Hạn Tỉnh: 30/7".
    #[serde(deserialize_with = "de_text")]
    pub deadline: String,
    /// The label of the `as_of` rule.
    #[serde(deserialize_with = "de_text")]
    pub as_of: String,
    #[serde(deserialize_with = "de_text")]
    pub on_time: String,
    #[serde(deserialize_with = "de_text")]
    pub late: String,
    #[serde(deserialize_with = "de_text")]
    pub submitted: String,
    #[serde(deserialize_with = "de_text")]
    pub expected: String,
    /// The `<title>` of a chart without a title.
    #[serde(deserialize_with = "de_text")]
    pub untitled: String,
    /// The `<summary>` of the data table when `data_label` is empty.
    #[serde(deserialize_with = "de_text")]
    pub data: String,
    /// The message of a chart without data when `empty_label` is empty.
    #[serde(deserialize_with = "de_text")]
    pub empty: String,
    /// The summaries (`<desc>`) made when `desc` is empty; `{n}` a count.
    #[serde(deserialize_with = "de_text")]
    pub desc_bullet: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_indicators_missing: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_stacked: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_rows: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_ranked: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_highest: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_lowest: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_rows_missing: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_timeline: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_levels: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_submitted: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_deadline: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_on_time: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_late: String,
    #[serde(deserialize_with = "de_text")]
    pub desc_as_of: String,
    /// A yes/no indicator done, and not done (bullet).
    #[serde(deserialize_with = "de_text")]
    pub done: String,
    #[serde(deserialize_with = "de_text")]
    pub not_done: String,
    /// The legend's word for a target range (bullet).
    #[serde(deserialize_with = "de_text")]
    pub target_range: String,
    /// Under a bullet chart's legend: each row has its own scale from 0.
    #[serde(deserialize_with = "de_text")]
    pub scale_note: String,
    /// The title of the timeline's count axis.
    #[serde(deserialize_with = "de_text")]
    pub count_axis: String,
}

impl ChartText {
    /// The words of the language of `strings`.
    pub(crate) fn new(strings: &Strings) -> ChartText {
        let w = |key: &str| strings.get(key).to_owned();
        ChartText {
            group: w("chart_word_group"),
            indicator: w("chart_word_indicator"),
            unit: w("chart_word_unit"),
            level: w("chart_word_level"),
            total: w("chart_word_total"),
            target: w("chart_word_target"),
            baseline: w("chart_word_baseline"),
            years: w("chart_word_years"),
            actual: w("chart_word_actual"),
            status: w("chart_word_status"),
            value: w("chart_word_value"),
            rank: w("chart_word_rank"),
            no_data: w("chart_word_no_data"),
            deadline: w("chart_word_deadline"),
            as_of: w("chart_word_as_of"),
            on_time: w("chart_word_on_time"),
            late: w("chart_word_late"),
            submitted: w("chart_word_submitted"),
            expected: w("chart_word_expected"),
            untitled: w("chart_word_untitled"),
            data: w("chart_word_data"),
            empty: w("chart_word_empty"),
            desc_bullet: w("chart_word_desc_bullet"),
            desc_indicators_missing: w("chart_word_desc_indicators_missing"),
            desc_stacked: w("chart_word_desc_stacked"),
            desc_rows: w("chart_word_desc_rows"),
            desc_ranked: w("chart_word_desc_ranked"),
            desc_highest: w("chart_word_desc_highest"),
            desc_lowest: w("chart_word_desc_lowest"),
            desc_rows_missing: w("chart_word_desc_rows_missing"),
            desc_timeline: w("chart_word_desc_timeline"),
            desc_levels: w("chart_word_desc_levels"),
            desc_submitted: w("chart_word_desc_submitted"),
            desc_deadline: w("chart_word_desc_deadline"),
            desc_on_time: w("chart_word_desc_on_time"),
            desc_late: w("chart_word_desc_late"),
            desc_as_of: w("chart_word_desc_as_of"),
            done: w("chart_word_done"),
            not_done: w("chart_word_not_done"),
            target_range: w("chart_word_target_range"),
            scale_note: w("chart_word_scale_note"),
            count_axis: w("chart_word_count_axis"),
        }
    }

    /// Empty words replaced by those of `words`.
    fn fill_from(&mut self, words: &ChartText) {
        let pairs = [
            (&mut self.group, &words.group),
            (&mut self.indicator, &words.indicator),
            (&mut self.unit, &words.unit),
            (&mut self.level, &words.level),
            (&mut self.total, &words.total),
            (&mut self.target, &words.target),
            (&mut self.baseline, &words.baseline),
            (&mut self.years, &words.years),
            (&mut self.actual, &words.actual),
            (&mut self.status, &words.status),
            (&mut self.value, &words.value),
            (&mut self.rank, &words.rank),
            (&mut self.no_data, &words.no_data),
            (&mut self.deadline, &words.deadline),
            (&mut self.as_of, &words.as_of),
            (&mut self.on_time, &words.on_time),
            (&mut self.late, &words.late),
            (&mut self.submitted, &words.submitted),
            (&mut self.expected, &words.expected),
            (&mut self.untitled, &words.untitled),
            (&mut self.data, &words.data),
            (&mut self.empty, &words.empty),
            (&mut self.desc_bullet, &words.desc_bullet),
            (
                &mut self.desc_indicators_missing,
                &words.desc_indicators_missing,
            ),
            (&mut self.desc_stacked, &words.desc_stacked),
            (&mut self.desc_rows, &words.desc_rows),
            (&mut self.desc_ranked, &words.desc_ranked),
            (&mut self.desc_highest, &words.desc_highest),
            (&mut self.desc_lowest, &words.desc_lowest),
            (&mut self.desc_rows_missing, &words.desc_rows_missing),
            (&mut self.desc_timeline, &words.desc_timeline),
            (&mut self.desc_levels, &words.desc_levels),
            (&mut self.desc_submitted, &words.desc_submitted),
            (&mut self.desc_deadline, &words.desc_deadline),
            (&mut self.desc_on_time, &words.desc_on_time),
            (&mut self.desc_late, &words.desc_late),
            (&mut self.desc_as_of, &words.desc_as_of),
            (&mut self.done, &words.done),
            (&mut self.not_done, &words.not_done),
            (&mut self.target_range, &words.target_range),
            (&mut self.scale_note, &words.scale_note),
            (&mut self.count_axis, &words.count_axis),
        ];
        for (field, word) in pairs {
            if field.trim().is_empty() {
                field.clone_from(word);
            }
        }
    }
}

/// The header of the table's first column.
fn label_header<'a>(opts: &'a ChartOptions, default: &'a str) -> &'a str {
    if opts.label_header.trim().is_empty() {
        default
    } else {
        &opts.label_header
    }
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

/// The kinds of chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Stacked,
    Bullet,
    Ranked,
    Timeline,
}

impl Kind {
    pub(crate) const ALL: [Kind; 4] = [Kind::Stacked, Kind::Bullet, Kind::Ranked, Kind::Timeline];

    /// The name used in templates and in the CSS class `chart-NAME`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Stacked => "stacked",
            Kind::Bullet => "bullet",
            Kind::Ranked => "ranked",
            Kind::Timeline => "timeline",
        }
    }

    /// The fields of one row, for error messages.
    pub(crate) fn fields(self) -> &'static str {
        match self {
            Kind::Stacked => {
                "label (required), url, segments (a list of {key (required), label, value (required)})"
            }
            Kind::Bullet => {
                "label (required), url, actual, actual_text, target_low, target_high, \
                 target_text, lower_is_better, percent, baseline, baseline_text, \
                 years (a list of {year, value, text}), status, status_label"
            }
            Kind::Ranked => "label (required), url, value, value_text, status, status_label",
            Kind::Timeline => {
                "key (required), label (required), deadline, total, dates (a list of \"YYYY-MM-DD\")"
            }
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown chart kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownKind(pub String);

impl fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown chart kind {:?}; the kinds are stacked, bullet, ranked and timeline",
            self.0
        )
    }
}

impl std::error::Error for UnknownKind {}

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Kind, UnknownKind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == s.trim())
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// A 100%-stacked bar chart; see the module docs.
pub(crate) fn stacked(rows: &[StackedRow], opts: &ChartOptions) -> String {
    stacked::render(rows, &opts.filled())
}

/// Target against actual, one row per indicator; see the module docs.
pub(crate) fn bullet(rows: &[BulletRow], opts: &ChartOptions) -> String {
    bullet::render(rows, &opts.filled())
}

/// Bars sorted by value, with an optional target rule; see the module docs.
pub(crate) fn ranked(rows: &[RankRow], opts: &ChartOptions) -> String {
    ranked::render(rows, &opts.filled())
}

/// Reports submitted over time against deadlines; see the module docs.
pub(crate) fn timeline(series: &[Series], opts: &ChartOptions) -> String {
    timeline::render(series, &opts.filled())
}

/// Renders a chart from a template value: `data` is a list of rows of the
/// kind's type (`none` or undefined count as no rows). A value of the wrong
/// shape is an [`ErrorKind::InvalidOperation`] naming the kind, the row and
/// the expected fields.
/// Rows that ketqua's views made ([`crate::rows::Rows`]) are used as they
/// are, without a round trip through template values.
pub(crate) fn render_value(kind: Kind, data: &Value, opts: &ChartOptions) -> Result<String, Error> {
    Ok(match kind {
        Kind::Stacked => with_rows(kind, data, |rows| stacked(rows, opts))?,
        Kind::Bullet => with_rows(kind, data, |rows| bullet(rows, opts))?,
        Kind::Ranked => with_rows(kind, data, |rows| ranked(rows, opts))?,
        Kind::Timeline => with_rows(kind, data, |rows| timeline(rows, opts))?,
    })
}

/// `chart` of the rows of `data`: [`crate::rows::Rows`] as they are, any
/// other list read row by row.
fn with_rows<T: DeserializeOwned + 'static>(
    kind: Kind,
    data: &Value,
    chart: impl FnOnce(&[T]) -> String,
) -> Result<String, Error> {
    match crate::rows::rows_of::<T>(data) {
        Some(rows) => Ok(chart(rows)),
        None => Ok(chart(&rows_from_value(kind, data)?)),
    }
}

pub(crate) fn template_chart(
    kind: &str,
    data: Value,
    kwargs: Kwargs,
    words: &ChartText,
) -> Result<Value, Error> {
    let kind: Kind = kind.parse().map_err(|e: UnknownKind| {
        Error::new(ErrorKind::InvalidOperation, format!("chart(): {e}"))
    })?;
    let mut opts = options_from_kwargs(kind, &kwargs)?;
    opts.text.fill_from(words);
    kwargs.assert_all_used()?;
    Ok(Value::from_safe_string(render_value(kind, &data, &opts)?))
}

/// The options from keyword arguments; `none` and undefined values mean the
/// default.
fn options_from_kwargs(kind: Kind, kwargs: &Kwargs) -> Result<ChartOptions, Error> {
    let keys: Vec<String> = kwargs.args().map(str::to_owned).collect();
    let mut given = BTreeMap::new();
    for key in keys {
        let value: Value = kwargs.get(&key)?;
        if !(value.is_none() || value.is_undefined()) {
            given.insert(key, value);
        }
    }
    ChartOptions::deserialize(Value::from_object(given)).map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "chart(\"{kind}\"): bad keyword argument: {}; the options are id, title, desc, \
                 caption, width, row_height, max, target, target_text, as_of, data_label, \
                 empty_label, label_header, table, text",
                detail(&e)
            ),
        )
    })
}

fn rows_from_value<T: DeserializeOwned>(kind: Kind, data: &Value) -> Result<Vec<T>, Error> {
    let bad = |what: String| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "chart(\"{kind}\"): {what}; the data must be a list of rows with the fields {}",
                kind.fields()
            ),
        )
    };
    match data.kind() {
        ValueKind::None | ValueKind::Undefined => return Ok(Vec::new()),
        ValueKind::Seq | ValueKind::Iterable => {}
        other => return Err(bad(format!("the data is a {other}, not a list"))),
    }
    let items = data
        .try_iter()
        .map_err(|e| bad(format!("cannot read the data: {}", detail(&e))))?;
    items
        .enumerate()
        .map(|(i, item)| {
            T::deserialize(item).map_err(|e| bad(format!("row {}: {}", i + 1, detail(&e))))
        })
        .collect()
}

fn detail(e: &Error) -> String {
    e.detail().map_or_else(|| e.to_string(), str::to_owned)
}

// ---------------------------------------------------------------------------
// Lenient text fields
// ---------------------------------------------------------------------------

/// A text field: a string, a number (formatted the Vietnamese way) or
/// none/unit (empty).
fn de_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(TextVisitor)
}

/// An optional text field: empty text is `None`.
fn de_opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let text = de_text(d)?;
    Ok(if text.trim().is_empty() {
        None
    } else {
        Some(text)
    })
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a text, a number or none")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_char<E: de::Error>(self, v: char) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(vi::format_int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(match i64::try_from(v) {
            Ok(v) => vi::format_int(v),
            Err(_) => vi::format_decimal(v as f64),
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(if v.is_finite() {
            vi::format_decimal(v)
        } else {
            String::new()
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        de_text(d)
    }
}
