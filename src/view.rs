//! The template context: plain serializable structs built from the model,
//! with every figure already formatted the Vietnamese way. Templates only
//! place these values; they never compute or format figures themselves.
//!
//! This module is the contract between the Rust code and themes; the same
//! shapes are described for theme authors in `docs/themes.md`.

use arcstr::ArcStr;
use serde::Serialize;

use crate::chart::{BulletRow, RankRow, Series, StackedRow};
use crate::rows::Rows;

/// What every page receives besides its own data.
#[derive(Debug, Serialize)]
pub(crate) struct SiteView {
    pub title: String,
    pub subtitle: String,
    pub description: String,
    pub organisation: String,
    /// "vi" or "en".
    pub language: String,
    pub base_url: String,
    pub term: String,
    /// "30/6/2023".
    pub cutoff: String,
    pub baseline_year: i32,
    pub target_year: i32,
    pub estimate_year: i32,
    pub plan: String,
    /// "15/9/2023": the date "late" and "missing" are judged at.
    pub as_of: String,
    /// The same date as "2023-09-15", for charts.
    pub as_of_iso: String,
    pub deadlines: Vec<DeadlineView>,
    /// One entry per level that has units, top level first.
    pub levels: Vec<LevelLink>,
    /// Whether indicators.toml defines shared indicators (and so there is an
    /// `indicators.html`).
    pub has_catalogue: bool,
    /// Whether this is the press site (`build --public`): no progress,
    /// levels, catalogue or units index; highlights on the home page.
    pub public: bool,
    /// Whether there are highlights (and so a `highlights.html` in the
    /// internal site, a `feed.xml` in the public one).
    pub has_highlights: bool,
}

/// A review round in the round switcher (`rounds` in templates, empty for
/// a site of one review): the same page in that round is at
/// `root ~ base ~ page.path`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RoundLink {
    pub id: String,
    pub name: String,
    /// The round's root from this round's root ("", "rounds/<id>/",
    /// "../../").
    pub base: String,
    /// The round the page belongs to.
    pub current: bool,
    /// The site's root (the current round's, where the comparison of the
    /// rounds is) from this round's root: "" or "../../".
    pub home: &'static str,
    /// The round's pages, by path: the switcher links to the same page
    /// there, or to its home page.
    pub pages: std::collections::BTreeMap<String, bool>,
    /// The round's figures are invented.
    pub illustrative: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct DeadlineView {
    pub level: LevelView,
    pub date: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct LevelView {
    /// "province" | "district" | "grassroots" | "branch".
    pub key: &'static str,
    /// "Cấp tỉnh", "Cấp huyện và tương đương", …
    pub label: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct LevelLink {
    pub level: LevelView,
    /// Relative to the site root, e.g. "levels/district.html".
    pub url: String,
    pub count: usize,
}

/// A status as shown: a word, an icon and a CSS class, never colour alone.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatusView {
    /// "exceeded" | "achieved" | "not-achieved" | "not-assessed" for indicators;
    /// "on-time" | "late" | "missing" | "not-due" for report submission.
    pub key: &'static str,
    pub label: String,
    /// A single character icon: "▲", "✓", "✗", "–", …
    pub icon: &'static str,
}

/// One status with how many have it and their share of the total.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatusCount {
    pub status: StatusView,
    pub count: usize,
    /// Share of the total, "46,4%" ("" when the total is 0).
    pub share: String,
    pub share_value: f64,
    /// Of a count of submissions, those whose date is marked illustrative
    /// (0 for indicator statuses).
    pub illustrative: usize,
}

/// Counts of indicator statuses, by the site's counting rule (`[review]
/// count`: components by default).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct StatusCounts {
    pub exceeded: usize,
    pub achieved: usize,
    pub not_achieved: usize,
    pub not_assessed: usize,
    pub total: usize,
    /// Of all these, the statuses the reports state in words ("theo báo
    /// cáo"); the rest are computed from the figures.
    pub by_report: usize,
    /// exceeded + achieved, formatted with the total: "9/12".
    pub met_text: String,
    /// Share of all indicators met, as the fraction in `met_text`: "75%"
    /// ("" when there are none).
    pub met_share: String,
    /// The same share as a number 0–100 for sorting and bars (-1 when none).
    pub met_share_value: f64,
    /// Exceeded, achieved, not achieved, not assessed, in that order.
    pub items: Vec<StatusCount>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Crumb {
    pub name: String,
    pub url: String,
}

/// A report submission as shown.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SubmissionView {
    pub status: StatusView,
    /// "25/7/2023" or "".
    pub submitted: String,
    /// "30/7/2023" or "" when the level has no deadline.
    pub deadline: String,
    /// The deadline as "2023-07-30", for sorting ("" when none).
    pub deadline_iso: String,
    /// Days after the deadline (0 unless late).
    pub days_late: i64,
    /// "Trễ 5 ngày", "Đúng hạn", "Chưa gửi", …
    pub text: String,
    /// The submission date is marked invented (`illustrative_fields`): the
    /// date and the status it gives carry a "minh họa" mark.
    pub illustrative: bool,
}

/// One row of a units table (index pages, child lists, the dashboard).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UnitRow {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub url: String,
    pub level: LevelView,
    /// 1 for the province … 4 for branches, for sorting by level.
    pub level_rank: u8,
    pub parent_name: String,
    pub kind: String,
    /// "3.322" or "".
    pub members: String,
    pub members_value: i64,
    pub organisations: String,
    pub organisations_value: i64,
    pub conference_date: String,
    pub submission: SubmissionView,
    pub counts: StatusCounts,
    /// The unit's overall indicator status, for filtering: "not-achieved" if any
    /// indicator is not achieved, else "not-assessed" if any is not assessed,
    /// else "achieved" (all met); "none" when it has no indicators.
    pub overall: StatusView,
    /// Position of the name in Vietnamese collation order, for client-side sorting.
    pub name_rank: usize,
    /// Sort key for dates (ISO "2023-07-25" or "").
    pub submitted_iso: String,
    pub illustrative: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct IndicatorView {
    pub id: ArcStr,
    pub group: ArcStr,
    pub description: ArcStr,
    pub unit_of_measure: ArcStr,
    /// The target as written for people: "> 95%", "≥ 100/năm", "3–5%/năm".
    pub target: String,
    pub baseline: String,
    /// Per-year figures, oldest first.
    pub actuals: Vec<YearValue>,
    /// The figure at the cut-off date, e.g. "57,7% (41/71)".
    pub actual: String,
    pub period: String,
    pub estimate: String,
    pub stated: ArcStr,
    pub status: StatusView,
    /// "vượt 3,1 điểm %", "đạt 96,2% so với mục tiêu", "".
    pub margin: String,
    /// The status is the report's, stated in words for an indicator
    /// without a figure ("theo báo cáo").
    pub by_report: bool,
    /// The stated result is in words the grammar does not know.
    pub not_understood: bool,
    /// True when the stated result and the computed status disagree.
    pub disagrees: bool,
    /// The stated figure against the computed one when they differ ("báo
    /// cáo ghi 96,16%, số liệu cho 96,24%"), else "".
    pub stated_figure: String,
    pub note: ArcStr,
    /// The catalogue id when the indicator comes from the catalogue.
    pub catalogue: ArcStr,
    pub parts: Vec<IndicatorView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct YearValue {
    pub year: i32,
    pub value: String,
}

/// A group of indicators under one heading (the `group` key).
#[derive(Debug, Serialize)]
pub(crate) struct IndicatorGroup {
    pub name: ArcStr,
    pub indicators: Vec<IndicatorView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TocEntry {
    /// 2 or 3.
    pub level: u8,
    pub id: String,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct ReportView {
    /// Rendered HTML, safe to output with `|safe`.
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub footnotes: usize,
}

/// A fact of the unit's summary list ("Số đảng viên" → "3.322").
#[derive(Debug, Serialize)]
pub(crate) struct Fact {
    pub label: String,
    pub value: String,
    /// Marked invented (`illustrative_fields`) in a unit whose other facts
    /// are real: shown with a "minh họa" mark.
    pub illustrative: bool,
}

/// What a unit's report states as its overall result, beside the figure
/// computed from its indicators.
#[derive(Debug, Serialize)]
pub(crate) struct OverallView {
    /// The report's words, verbatim.
    pub stated: String,
    /// Whether the words were read as figures; when not, only the words are
    /// shown, and no comparison.
    pub understood: bool,
    /// The computed figure: "Hoàn thành và vượt 11/14 chỉ tiêu".
    pub computed: String,
    /// How the computed figure was counted, in words.
    pub rule: String,
    /// True when the report and the data differ on a figure the report gives.
    pub differs: bool,
    /// The figures side by side: "báo cáo nêu hoàn thành và vượt 09/12, …;
    /// tính từ số liệu hoàn thành và vượt 11/14, …" ("" when not understood).
    pub comparison: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct UnitPage {
    pub row: UnitRow,
    /// The report's own overall result, when unit.toml records it.
    pub overall: Option<OverallView>,
    pub breadcrumbs: Vec<Crumb>,
    pub facts: Vec<Fact>,
    /// Inline HTML of the unit's summary, or "".
    pub summary: String,
    pub signer: String,
    pub signer_title: String,
    pub document_number: String,
    pub indicator_groups: Vec<IndicatorGroup>,
    pub report: Option<ReportView>,
    pub children: Rows<UnitRow>,
    /// Counts over the children's own indicators.
    pub children_counts: StatusCounts,
    /// The years with yearly figures in the indicator table, oldest first
    /// (the table's year columns).
    pub years: Vec<i32>,
    /// How many indicators (or parts) have a stated result that disagrees
    /// with the computed status.
    pub disagreements: usize,
    /// The units below it, all levels (absent when it has none).
    pub rollup: Option<RollupView>,
    /// Chart data (see `src/chart.rs`; links relative to this page): each
    /// indicator component against its target…
    pub chart_indicators: Rows<BulletRow>,
    /// …and the indicator statuses of each child unit.
    pub chart_children: Rows<StackedRow>,
}

/// The home dashboard.
#[derive(Debug, Serialize)]
pub(crate) struct Dashboard {
    pub units_total: usize,
    pub by_level: Vec<LevelSummary>,
    pub indicators: StatusCounts,
    /// Units whose report is late or missing, latest first.
    pub attention: Rows<UnitRow>,
    /// Top of the hierarchy (usually the province) followed by its children.
    pub roots: Rows<UnitRow>,
    /// Indicator components by field (the `group` of each indicator), in
    /// order of first appearance.
    pub by_field: Vec<FieldCounts>,
    /// Chart data: indicator statuses of all units, then of each level…
    pub chart_levels: Vec<StackedRow>,
    /// …by field…
    pub chart_fields: Vec<StackedRow>,
    /// …and reports received over time, per level.
    pub chart_timeline: Vec<Series>,
}

#[derive(Debug, Serialize)]
pub(crate) struct FieldCounts {
    /// The field ("Xây dựng Đảng"), or "" for indicators without a group.
    pub name: String,
    pub counts: StatusCounts,
}

#[derive(Debug, Serialize)]
pub(crate) struct LevelSummary {
    pub level: LevelView,
    pub url: String,
    pub units: usize,
    pub deadline: String,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub not_due: usize,
    /// On time, late, missing, not due, with their shares.
    pub submissions: Vec<StatusCount>,
    pub indicators: StatusCounts,
}

/// An index page listing units (all units, or one level).
#[derive(Debug, Serialize)]
pub(crate) struct IndexPage {
    pub heading: String,
    /// The level, on a level's page.
    pub level: Option<LevelView>,
    pub rows: Rows<UnitRow>,
    pub counts: StatusCounts,
    /// Chart data: units with indicators, by share of indicators met.
    pub chart_ranked: Rows<RankRow>,
}

/// What a unit's page says about all the units below it (see `rollup.rs`).
#[derive(Debug, Serialize)]
pub(crate) struct RollupView {
    /// Units below, at every level.
    pub units: usize,
    /// Units below that held their review conference, "5/7".
    pub reviewed: usize,
    pub reviewed_text: String,
    /// On time, late, missing, not due, with their shares.
    pub submissions: Vec<StatusCount>,
    /// Indicator components of the units below.
    pub indicators: StatusCounts,
    /// The units below by level.
    pub by_level: Vec<LevelCount>,
    /// Catalogue indicators used by units below.
    pub shared: Vec<SharedView>,
}

#[derive(Debug, Serialize)]
pub(crate) struct LevelCount {
    pub level: LevelView,
    pub count: usize,
}

/// A catalogue indicator across a set of units.
#[derive(Debug, Serialize)]
pub(crate) struct SharedView {
    pub id: String,
    /// Its page, relative to the site root.
    pub url: String,
    pub group: String,
    pub description: String,
    pub unit_of_measure: String,
    /// The catalogue's target, "≥ 90%".
    pub target: String,
    /// Units using it.
    pub units: usize,
    /// Units with a figure.
    pub with_figure: usize,
    pub counts: StatusCounts,
    /// Lowest, median and highest figure compared, formatted ("" when none);
    /// with `relative`, each figure as a share of its unit's own target
    /// ("95,5% mục tiêu").
    pub min: String,
    pub median: String,
    pub max: String,
    /// Units set targets of their own, so the distribution is relative.
    pub relative: bool,
    /// Every unit that uses it is illustrative, so are its figures (set on
    /// the catalogue's pages; false in a unit's roll-up).
    pub illustrative: bool,
}

/// The list of catalogue indicators.
#[derive(Debug, Serialize)]
pub(crate) struct CataloguePage {
    pub rows: Vec<SharedView>,
}

/// One unit's figures for a catalogue indicator.
#[derive(Debug, Serialize)]
pub(crate) struct IndicatorUse {
    pub unit: String,
    pub url: String,
    pub level: LevelView,
    pub level_rank: u8,
    pub name_rank: usize,
    pub parent_name: String,
    /// The indicator's number in the unit's table.
    pub id: ArcStr,
    /// The unit's own wording.
    pub description: ArcStr,
    /// The unit's own target (it may differ from the catalogue's).
    pub target: String,
    pub actual: String,
    /// The figure compared, for sorting (none without a figure).
    pub compared_value: Option<f64>,
    pub status: StatusView,
    pub margin: String,
    pub stated: ArcStr,
    pub disagrees: bool,
    pub illustrative: bool,
}

/// A catalogue indicator's page: every unit's figure and status.
#[derive(Debug, Serialize)]
pub(crate) struct IndicatorPage {
    pub entry: SharedView,
    pub note: String,
    pub rows: Rows<IndicatorUse>,
    /// Chart data: every unit's figure (or share of its own target, with
    /// `entry.relative`), with the common target as a rule.
    pub chart_units: Rows<RankRow>,
    pub chart_target: Option<f64>,
    pub chart_target_text: String,
}

/// The progress page: where each unit's review stands against its deadline.
#[derive(Debug, Serialize)]
pub(crate) struct ProgressPage {
    pub by_level: Vec<LevelSummary>,
    /// All units, late and missing first (see `Dashboard::attention`), then
    /// not yet due, then on time.
    pub rows: Rows<UnitRow>,
    /// Over all units: on time, late, missing, not due.
    pub submissions: Vec<StatusCount>,
    pub reviewed: usize,
    pub reviewed_text: String,
    /// Chart data: reports received over time, per level.
    pub chart_timeline: Vec<Series>,
}

/// A highlight for the press, in lists and on its own page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct HighlightCard {
    pub slug: String,
    /// "highlights/<slug>.html".
    pub url: String,
    pub title: String,
    /// Plain text.
    pub summary: String,
    pub kind: HighlightKindView,
    /// "1/8/2023" and "2023-08-01".
    pub date: String,
    pub date_iso: String,
    /// The date is invented for the example: shown with a "minh họa" mark.
    pub date_illustrative: bool,
    /// The embargo: "15/9/2023" and "2023-09-15".
    pub release: String,
    pub release_iso: String,
    /// Not yet released at the build date (internal site only).
    pub embargoed: bool,
    /// Marked `public = true` (internal site only: in the press site every
    /// highlight is public).
    pub public: bool,
    pub unit_id: String,
    pub unit_name: String,
    pub unit_url: String,
    pub image: Option<ImageView>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct HighlightKindView {
    /// "result" | "model" | "lesson".
    pub key: &'static str,
    /// "Kết quả nổi bật", "Mô hình, cách làm hay", "Bài học kinh nghiệm".
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ImageView {
    /// From the output root.
    pub url: String,
    pub alt: String,
}

/// `highlights/<slug>.html`.
#[derive(Debug, Serialize)]
pub(crate) struct HighlightPage {
    pub card: HighlightCard,
    /// The body, safe HTML.
    pub html: String,
    pub footnotes: usize,
    /// The cited indicators, grouped like a unit's table.
    pub indicator_groups: Vec<IndicatorGroup>,
    pub years: Vec<i32>,
    /// The cited indicators against their targets.
    pub chart_indicators: Rows<BulletRow>,
    /// A sentence for each indicator cited by some of its parts only: the
    /// status shown for it is the unit page's, from all its parts.
    pub partly_cited: Vec<String>,
    /// The press kit's files, from the output root.
    pub kit: KitView,
    /// Open Graph and Twitter card values; absolute URLs are empty without
    /// `base_url`.
    pub meta: MetaView,
}

#[derive(Debug, Serialize)]
pub(crate) struct KitView {
    /// The text and figures as Markdown.
    pub text: String,
    /// The chart as SVG and PNG ("" when there are no figures).
    pub svg: String,
    pub png: String,
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct MetaView {
    pub title: String,
    pub description: String,
    /// Absolute URL of the page, or "".
    pub url: String,
    /// Absolute URL of the image (the highlight's picture, else its chart
    /// as PNG), or "".
    pub image: String,
    pub image_alt: String,
    /// "summary_large_image" with an image, else "summary".
    pub card: &'static str,
}

/// `highlights.html` (internal) and the press site's home page.
#[derive(Debug, Serialize)]
pub(crate) struct HighlightsPage {
    /// Newest first.
    pub highlights: Vec<HighlightCard>,
    /// The kinds present, for the filter.
    pub kinds: Vec<HighlightKindView>,
    /// The units with highlights (id and name), in collation order, for the filter.
    pub units: Vec<UnitOption>,
    /// The press site's units, in the hierarchy's order.
    pub public_units: Vec<UnitRow>,
}

#[derive(Debug, Serialize)]
pub(crate) struct UnitOption {
    pub id: String,
    pub name: String,
}
