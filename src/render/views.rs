//! The view builders: the model → the view structs of `view.rs`, every
//! figure formatted through `vi` on the way, so templates never format.
//! What the engine (`render.rs`) hands to templates; no templates here.

use arcstr::ArcStr;

use crate::chart::{BulletRow, RankRow, Segment, Series, StackedRow, YearPoint};
use crate::i18n::Strings;
use crate::model::{Indicator, Level, Site, Submission, Unit, UnitField};
use crate::overall::{self, CountRule};
use crate::rollup::{self, Shared, Submissions, Tally};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::consistency;
use crate::target::{self, Basis, Exact, Figure, Reading, Rounding, Status, Target, TargetKind};
use crate::urls::{indicator_url, level_url, unit_url};
use crate::vi;
use crate::view::*;
/// What view builders share.
pub(super) struct ViewContext<'a> {
    pub(super) site: &'a Site,
    pub(super) strings: &'a Strings,
}

impl<'a> ViewContext<'a> {
    pub(super) fn new(site: &'a Site, strings: &'a Strings) -> ViewContext<'a> {
        ViewContext { site, strings }
    }
}

pub(super) fn site_view(ctx: &ViewContext<'_>) -> SiteView {
    let c = &ctx.site.config;
    let levels = Level::ALL
        .into_iter()
        .filter_map(|level| {
            let count = ctx.site.units.iter().filter(|u| u.level == level).count();
            (count > 0).then(|| LevelLink {
                level: level_view(level, ctx.strings),
                url: level_url(level),
                count,
            })
        })
        .collect();
    SiteView {
        title: c.title.clone(),
        subtitle: c.subtitle.clone(),
        description: c.description.clone(),
        organisation: c.organisation.clone(),
        language: c.language.key().to_string(),
        base_url: c.base_url.clone(),
        term: format!("{} – {}", c.term_start, c.term_end),
        cutoff: vi::format_date(c.cutoff),
        baseline_year: c.baseline_year,
        target_year: c.target_year,
        estimate_year: c.estimate_year,
        plan: c.plan.clone(),
        as_of: vi::format_date(c.as_of),
        as_of_iso: c.as_of.to_string(),
        deadlines: Level::ALL
            .into_iter()
            .filter_map(|level| {
                c.deadline(level).map(|d| DeadlineView {
                    level: level_view(level, ctx.strings),
                    date: vi::format_date(d),
                })
            })
            .collect(),
        levels,
        has_catalogue: !ctx.site.catalogue.is_empty(),
        public: ctx.site.public,
        has_highlights: !ctx.site.highlights.is_empty(),
    }
}

pub(super) fn level_view(level: Level, strings: &Strings) -> LevelView {
    let key = match level {
        Level::Province => "level_province",
        Level::District => "level_district",
        Level::Grassroots => "level_grassroots",
        Level::Branch => "level_branch",
    };
    LevelView {
        key: level.key(),
        label: strings.get(key).to_string(),
    }
}

pub(super) fn status_view(status: Status, strings: &Strings) -> StatusView {
    let (key, icon) = match status {
        Status::Exceeded => ("status_exceeded", "▲"),
        Status::Achieved => ("status_achieved", "✓"),
        Status::NotAchieved => ("status_not_achieved", "✗"),
        Status::NotAssessed => ("status_not_assessed", "–"),
    };
    StatusView {
        key: status.key(),
        label: strings.get(key).to_string(),
        icon,
    }
}

pub(super) fn submission_status(s: Submission, strings: &Strings) -> StatusView {
    let (key, label, icon) = match s {
        Submission::OnTime => ("on-time", "submission_on_time", "✓"),
        Submission::Late { .. } => ("late", "submission_late", "!"),
        Submission::Missing => ("missing", "submission_missing", "✗"),
        Submission::NotDue => ("not-due", "submission_not_due", "–"),
    };
    StatusView {
        key,
        label: strings.get(label).to_string(),
        icon,
    }
}

pub(super) fn submission_view(unit: &Unit, ctx: &ViewContext<'_>) -> SubmissionView {
    let status = submission_status(unit.submission, ctx.strings);
    let days_late = match unit.submission {
        Submission::Late { days } => days,
        _ => 0,
    };
    let text = if days_late > 0 {
        ctx.strings.with_n("late_days", days_late)
    } else {
        status.label.clone()
    };
    let deadline = ctx.site.config.deadline(unit.level);
    SubmissionView {
        status,
        submitted: unit.submitted.map(vi::format_date).unwrap_or_default(),
        deadline: deadline.map(vi::format_date).unwrap_or_default(),
        deadline_iso: deadline.map(|d| d.to_string()).unwrap_or_default(),
        days_late,
        text,
        illustrative: unit.illustrative_fields.contains(&UnitField::Submitted),
    }
}

/// Counts indicators by the site's rule (`[review] count`).
pub(super) fn counts<'a>(
    indicators: impl IntoIterator<Item = &'a Indicator>,
    rule: CountRule,
    strings: &Strings,
) -> StatusCounts {
    let mut t = Tally::default();
    t.add_indicators(indicators, rule);
    tally_counts(&t, strings)
}

/// The report's stated overall result beside the computed `counts`.
pub(super) fn overall_view(
    stated: &str,
    counts: &StatusCounts,
    rule: CountRule,
    strings: &Strings,
) -> OverallView {
    let reading = overall::read(stated);
    let met = counts.exceeded + counts.achieved;
    let computed = strings
        .get("met_summary")
        .replace("{met}", &counts.met_text);
    let (differs, comparison) = match &reading {
        None => (false, String::new()),
        Some(o) => {
            let words = |met: Option<String>, not_met: Option<String>| {
                let mut parts = Vec::new();
                if let Some(m) = met {
                    parts.push(strings.get("overall_met").replace("{n}", &m));
                }
                if let Some(n) = not_met {
                    parts.push(strings.get("overall_not_met").replace("{n}", &n));
                }
                parts.join(", ")
            };
            let given = |c: &Option<overall::Count>, n: usize| {
                c.as_ref().map(|c| match c.of {
                    Some(_) => fraction_text(n, counts.total),
                    None => vi::format_int(n as i64),
                })
            };
            let stated_words = words(
                o.met.as_ref().map(|c| c.written.clone()),
                o.not_met.as_ref().map(|c| c.written.clone()),
            );
            let computed_words = words(given(&o.met, met), given(&o.not_met, counts.not_achieved));
            (
                !o.agrees(met, counts.not_achieved, counts.total),
                strings
                    .get("overall_comparison")
                    .replace("{stated}", &stated_words)
                    .replace("{computed}", &computed_words),
            )
        }
    };
    OverallView {
        stated: stated.to_owned(),
        understood: reading.is_some(),
        computed,
        rule: strings.get(rule.label_key()).to_owned(),
        differs,
        comparison,
    }
}

/// Status counts as shown, from a tally.
pub(super) fn tally_counts(t: &Tally, strings: &Strings) -> StatusCounts {
    let c = StatusCounts {
        exceeded: t.exceeded,
        achieved: t.achieved,
        not_achieved: t.not_achieved,
        not_assessed: t.not_assessed,
        total: t.total(),
        by_report: t.by_report,
        ..StatusCounts::default()
    };
    with_items(finish_counts(c), strings)
}

/// Reports by submission status, with their shares.
pub(super) fn submission_counts(s: &Submissions, strings: &Strings) -> Vec<StatusCount> {
    [
        (Submission::OnTime, s.on_time),
        (Submission::Late { days: 1 }, s.late),
        (Submission::Missing, s.missing),
        (Submission::NotDue, s.not_due),
    ]
    .into_iter()
    .map(|(status, n)| StatusCount {
        illustrative: s.illustrative[Submissions::index(status)],
        ..status_count(submission_status(status, strings), n, s.total())
    })
    .collect()
}

/// "5/7" with both numbers formatted.
pub(super) fn fraction_text(part: usize, total: usize) -> String {
    format!(
        "{}/{}",
        vi::format_int(part as i64),
        vi::format_int(total as i64)
    )
}

pub(super) fn finish_counts(mut c: StatusCounts) -> StatusCounts {
    let met = c.exceeded + c.achieved;
    // "9/12", as people write a ratio: "09/12" reads like a date.
    c.met_text = fraction_text(met, c.total);
    if c.total > 0 {
        c.met_share_value = met as f64 * 100.0 / c.total as f64;
        c.met_share = share_text(c.met_share_value);
    } else {
        c.met_share_value = -1.0;
    }
    c
}

/// Adds the per-status items (with labels) to finished counts.
pub(super) fn with_items(mut c: StatusCounts, strings: &Strings) -> StatusCounts {
    c.items = [
        (Status::Exceeded, c.exceeded),
        (Status::Achieved, c.achieved),
        (Status::NotAchieved, c.not_achieved),
        (Status::NotAssessed, c.not_assessed),
    ]
    .into_iter()
    .map(|(status, count)| status_count(status_view(status, strings), count, c.total))
    .collect();
    c
}

pub(super) fn status_count(status: StatusView, count: usize, total: usize) -> StatusCount {
    let share_value = if total > 0 {
        count as f64 * 100.0 / total as f64
    } else {
        0.0
    };
    StatusCount {
        status,
        count,
        share: if total > 0 {
            share_text(share_value)
        } else {
            String::new()
        },
        share_value,
        illustrative: 0,
    }
}

/// A share as shown: one decimal, "46,4%".
pub(super) fn share_text(value: f64) -> String {
    vi::format_percent((value * 10.0).round() / 10.0)
}

/// Totals of the rows' counts.
pub(super) fn sum_counts<'a>(
    rows: impl IntoIterator<Item = &'a UnitRow>,
    strings: &Strings,
) -> StatusCounts {
    let mut c = StatusCounts::default();
    for r in rows {
        c.exceeded += r.counts.exceeded;
        c.achieved += r.counts.achieved;
        c.not_achieved += r.counts.not_achieved;
        c.not_assessed += r.counts.not_assessed;
        c.total += r.counts.total;
        c.by_report += r.counts.by_report;
    }
    with_items(finish_counts(c), strings)
}

pub(super) fn overall(c: &StatusCounts, strings: &Strings) -> StatusView {
    if c.total == 0 {
        StatusView {
            key: "none",
            label: strings.get("overall_none").to_string(),
            icon: "–",
        }
    } else if c.not_achieved > 0 {
        status_view(Status::NotAchieved, strings)
    } else if c.not_assessed > 0 {
        status_view(Status::NotAssessed, strings)
    } else {
        StatusView {
            key: "achieved",
            label: strings.get("overall_achieved").to_string(),
            icon: "✓",
        }
    }
}

pub(super) fn unit_row(ctx: &ViewContext<'_>, i: usize) -> UnitRow {
    let u = &ctx.site.units[i];
    let c = counts(&u.indicators, ctx.site.config.count, ctx.strings);
    UnitRow {
        id: u.id.clone(),
        name: u.name.clone(),
        short_name: u.display_name().to_string(),
        url: unit_url(u),
        level: level_view(u.level, ctx.strings),
        level_rank: u.level.index() as u8 + 1,
        parent_name: u
            .parent
            .map(|p| ctx.site.units[p].display_name().to_string())
            .unwrap_or_default(),
        kind: u.kind.clone(),
        members: u.members.map(vi::format_int).unwrap_or_default(),
        members_value: u.members.unwrap_or(-1),
        organisations: u.organisations.map(vi::format_int).unwrap_or_default(),
        organisations_value: u.organisations.unwrap_or(-1),
        conference_date: u.conference_date.map(vi::format_date).unwrap_or_default(),
        submission: submission_view(u, ctx),
        overall: overall(&c, ctx.strings),
        counts: c,
        name_rank: i,
        submitted_iso: u.submitted.map(|d| d.to_string()).unwrap_or_default(),
        illustrative: u.illustrative,
    }
}

/// A figure as shown: numbers with their written digits and the target's
/// `%`, fractions with their percentage (rounded once to `places`, never
/// across the target), booleans as words.
pub(super) fn figure_text(
    f: &Figure,
    target: Option<&Target>,
    places: u32,
    strings: &Strings,
) -> String {
    let percent = target.is_some_and(|t| t.percent);
    match *f {
        Figure::Number(x) if percent => format!("{}%", vi::format_written(x)),
        Figure::Number(x) => vi::format_written(x),
        Figure::Fraction { num, den } => {
            let share = f
                .value()
                .and_then(|v| target::shown(v, target, places))
                .map(|x| format!("{}% ", vi::format_written(x)))
                .unwrap_or_default();
            format!(
                "{share}({}/{})",
                vi::format_written(num),
                vi::format_written(den)
            )
        }
        Figure::Bool(b) => strings.get(if b { "yes" } else { "no" }).to_string(),
    }
}

pub(super) fn indicator_view(ind: &Indicator, places: u32, strings: &Strings) -> IndicatorView {
    let t = ind.target.as_ref();
    let fig = |f: &Option<Figure>| {
        f.as_ref()
            .map(|f| figure_text(f, t, places, strings))
            .unwrap_or_default()
    };
    let status = status_view(ind.status(), strings);
    let disagrees = ind.reading.disagrees(ind.status());
    let stated_figure = consistency::stated_figure_mismatch(ind).map(|m| {
        strings
            .get("stated_figure_differs")
            .replace("{stated}", &vi::format_written(m.stated))
            .replace("{computed}", &m.computed_text())
    });
    IndicatorView {
        id: ind.id.clone(),
        group: ind.group.clone(),
        description: ind.description.clone(),
        unit_of_measure: ind.unit_of_measure.clone(),
        target: t.map(|t| t.text(strings)).unwrap_or_default(),
        baseline: fig(&ind.baseline),
        actuals: ind
            .actuals
            .iter()
            .map(|(&year, &v)| YearValue {
                year,
                value: figure_text(&Figure::Number(v), t, places, strings),
            })
            .collect(),
        actual: fig(&ind.actual),
        period: ind
            .period
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}–{b}")
                }
            })
            .unwrap_or_default(),
        estimate: fig(&ind.estimate),
        stated: ind.stated.clone(),
        status,
        margin: ind
            .assessment
            .margin
            .map(|m| target::margin_text(m, t.is_some_and(Target::lower_is_better), strings))
            .unwrap_or_default(),
        by_report: ind.assessment.basis == Basis::Report,
        not_understood: ind.reading == Reading::NotUnderstood,
        disagrees,
        stated_figure: stated_figure.unwrap_or_default(),
        note: ind.note.clone(),
        catalogue: ind.catalogue.clone().unwrap_or_default(),
        parts: ind
            .parts
            .iter()
            .map(|p| indicator_view(p, places, strings))
            .collect(),
    }
}

/// Indicators in the order the report lists them (its STT numbering), a new
/// group starting wherever the `group` changes.
pub(super) fn indicator_groups(unit: &Unit, places: u32, strings: &Strings) -> Vec<IndicatorGroup> {
    let mut groups: Vec<IndicatorGroup> = Vec::new();
    for ind in &unit.indicators {
        let view = indicator_view(ind, places, strings);
        match groups.last_mut() {
            Some(g) if g.name == ind.group => g.indicators.push(view),
            _ => groups.push(IndicatorGroup {
                name: ind.group.clone(),
                indicators: vec![view],
            }),
        }
    }
    groups
}

pub(super) fn unit_page(ctx: &ViewContext<'_>, i: usize) -> UnitPage {
    let site = ctx.site;
    let u = &site.units[i];
    let s = ctx.strings;
    let row = unit_row(ctx, i);
    let mut facts = vec![Fact {
        label: s.get("fact_level").into(),
        value: row.level.label.clone(),
        illustrative: false,
    }];
    let mut fact = |key: &str, value: String, field: Option<UnitField>| {
        if !value.is_empty() {
            facts.push(Fact {
                label: s.get(key).into(),
                value,
                illustrative: field.is_some_and(|f| u.illustrative_fields.contains(&f)),
            });
        }
    };
    fact("fact_kind", u.kind.clone(), None);
    fact("fact_parent", row.parent_name.clone(), None);
    fact(
        "fact_members",
        row.members.clone(),
        Some(UnitField::Members),
    );
    fact(
        "fact_organisations",
        row.organisations.clone(),
        Some(UnitField::Organisations),
    );
    fact(
        "fact_conference",
        row.conference_date.clone(),
        Some(UnitField::ConferenceDate),
    );
    fact("fact_deadline", row.submission.deadline.clone(), None);
    fact(
        "fact_submitted",
        row.submission.submitted.clone(),
        Some(UnitField::Submitted),
    );
    fact(
        "fact_document",
        u.document_number.clone(),
        Some(UnitField::DocumentNumber),
    );
    let signer = [u.signer_title.as_str(), u.signer.as_str()]
        .iter()
        .filter(|x| !x.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    fact("fact_signer", signer, Some(UnitField::Signer));
    let children: Vec<UnitRow> = site.children[i].iter().map(|&c| unit_row(ctx, c)).collect();
    let children_counts = sum_counts(&children, ctx.strings);
    let chart_children: Vec<StackedRow> = children
        .iter()
        .map(|c| {
            stacked_row(
                c.short_name.clone(),
                Some(format!("../{}", c.url)),
                &c.counts,
                s,
            )
        })
        .filter(|r| r.segments.iter().any(|seg| seg.value > 0.0))
        .collect();
    let years: std::collections::BTreeSet<i32> = u
        .indicators
        .iter()
        .flat_map(|ind| std::iter::once(ind).chain(&ind.parts))
        .flat_map(|ind| ind.actuals.keys().copied())
        .collect();
    let disagreements = u
        .indicators
        .iter()
        .flat_map(|ind| std::iter::once(ind).chain(&ind.parts))
        .filter(|ind| {
            ind.reading.disagrees(ind.status())
                || consistency::stated_figure_mismatch(ind).is_some()
        })
        .count();
    let breadcrumbs = site
        .ancestry(i)
        .into_iter()
        .map(|a| Crumb {
            name: site.units[a].display_name().to_string(),
            url: unit_url(&site.units[a]),
        })
        .collect();
    UnitPage {
        overall: u
            .stated_overall
            .as_ref()
            .map(|st| overall_view(&st.text, &row.counts, site.config.count, s)),
        row,
        breadcrumbs,
        facts,
        summary: u.summary.clone(),
        signer: u.signer.clone(),
        signer_title: u.signer_title.clone(),
        document_number: u.document_number.clone(),
        indicator_groups: indicator_groups(u, ctx.site.config.decimals, s),
        report: u.report.as_ref().map(|r| ReportView {
            html: r.html(),
            toc: r
                .headings()
                .into_iter()
                .filter(|h| h.level <= 3)
                .map(|h| TocEntry {
                    level: h.level,
                    id: h.id,
                    title: h.title,
                })
                .collect(),
            footnotes: r.footnotes,
        }),
        children: children.into(),
        children_counts,
        years: years.into_iter().collect(),
        disagreements,
        rollup: rollup_view(ctx, i),
        chart_indicators: bullet_rows(u, ctx.site.config.decimals, s).into(),
        chart_children: chart_children.into(),
    }
}

pub(super) fn index_page(
    ctx: &ViewContext<'_>,
    heading: String,
    level: Option<LevelView>,
    members: &[usize],
) -> IndexPage {
    let rows: Vec<UnitRow> = members.iter().map(|&i| unit_row(ctx, i)).collect();
    let counts = sum_counts(&rows, ctx.strings);
    let root = if level.is_some() { "../" } else { "" };
    IndexPage {
        heading,
        level,
        chart_ranked: ranked_rows(&rows, root).into(),
        rows: rows.into(),
        counts,
    }
}

/// Submissions and indicators per level, top level first.
pub(super) fn level_summaries(ctx: &ViewContext<'_>, rows: &[UnitRow]) -> Vec<LevelSummary> {
    let mut by_level = Vec::new();
    for level in Level::ALL {
        let of_level: Vec<&UnitRow> = rows.iter().filter(|r| r.level.key == level.key()).collect();
        if of_level.is_empty() {
            continue;
        }
        let count = |key: &str| {
            of_level
                .iter()
                .filter(|r| r.submission.status.key == key)
                .count()
        };
        let marked = |key: &str| {
            of_level
                .iter()
                .filter(|r| {
                    r.submission.status.key == key
                        && !r.submission.submitted.is_empty()
                        && (r.illustrative || r.submission.illustrative)
                })
                .count()
        };
        let tally = Submissions {
            on_time: count("on-time"),
            late: count("late"),
            missing: count("missing"),
            not_due: count("not-due"),
            illustrative: ["on-time", "late", "missing", "not-due"].map(marked),
        };
        by_level.push(LevelSummary {
            level: level_view(level, ctx.strings),
            url: level_url(level),
            units: of_level.len(),
            deadline: ctx
                .site
                .config
                .deadline(level)
                .map(vi::format_date)
                .unwrap_or_default(),
            on_time: tally.on_time,
            late: tally.late,
            missing: tally.missing,
            not_due: tally.not_due,
            submissions: submission_counts(&tally, ctx.strings),
            indicators: sum_counts(of_level.iter().copied(), ctx.strings),
        });
    }
    by_level
}

pub(super) fn dashboard(ctx: &ViewContext<'_>) -> Dashboard {
    let site = ctx.site;
    let rows: Vec<UnitRow> = (0..site.units.len()).map(|i| unit_row(ctx, i)).collect();
    let indicators = sum_counts(&rows, ctx.strings);
    let attention: Vec<UnitRow> = progress_order(site)
        .into_iter()
        .filter(|&i| {
            matches!(
                site.units[i].submission,
                Submission::Late { .. } | Submission::Missing
            )
        })
        .map(|i| rows[i].clone())
        .collect();
    let roots = site
        .roots
        .iter()
        .flat_map(|&r| std::iter::once(r).chain(site.children[r].iter().copied()))
        .map(|i| rows[i].clone())
        .collect();
    let by_level = level_summaries(ctx, &rows);
    let by_field = by_field(ctx);
    let mut chart_levels = vec![stacked_row(
        ctx.strings.get("all_units").to_string(),
        Some("units.html".into()),
        &indicators,
        ctx.strings,
    )];
    chart_levels.extend(by_level.iter().filter(|l| l.indicators.total > 0).map(|l| {
        stacked_row(
            l.level.label.clone(),
            Some(l.url.clone()),
            &l.indicators,
            ctx.strings,
        )
    }));
    let chart_fields = by_field
        .iter()
        .map(|f| {
            let name = if f.name.is_empty() {
                ctx.strings.get("field_none").to_string()
            } else {
                f.name.clone()
            };
            stacked_row(name, None, &f.counts, ctx.strings)
        })
        .collect();
    Dashboard {
        units_total: rows.len(),
        by_level,
        indicators,
        attention: attention.into(),
        roots,
        by_field,
        chart_levels,
        chart_fields,
        chart_timeline: timeline_series(ctx),
    }
}

/// A compared figure as shown: with `%` for percentage targets.
pub(super) fn compared_text(x: Option<Decimal>, target: Option<&Target>) -> String {
    match x {
        Some(x) if target.is_some_and(|t| t.percent) => format!("{}%", vi::format_written(x)),
        Some(x) => vi::format_written(x),
        None => String::new(),
    }
}

/// A figure of a distribution: the figure, or its share of the unit's own
/// target ("95,5% mục tiêu").
pub(super) fn distribution_text(
    x: Option<Exact>,
    relative: bool,
    target: Option<&Target>,
    places: u32,
    strings: &Strings,
) -> String {
    let x = x.and_then(|x| x.round(places, Rounding::Nearest));
    match x {
        Some(x) if relative => strings
            .get("of_target")
            .replace("{share}", &format!("{}%", vi::format_written(x))),
        _ => compared_text(x, target),
    }
}

pub(super) fn shared_view(ctx: &ViewContext<'_>, s: &Shared) -> SharedView {
    let entry = &ctx.site.catalogue[s.catalogue];
    let target = entry.target.as_ref();
    let places = ctx.site.config.decimals;
    SharedView {
        id: entry.id.clone(),
        url: indicator_url(&entry.id),
        group: entry.group.clone(),
        description: entry.description.clone(),
        unit_of_measure: entry.unit_of_measure.clone(),
        target: target.map(|t| t.text(ctx.strings)).unwrap_or_default(),
        units: s.units,
        with_figure: s.with_figure,
        counts: tally_counts(&s.statuses, ctx.strings),
        min: distribution_text(s.min, s.relative, target, places, ctx.strings),
        median: distribution_text(s.median, s.relative, target, places, ctx.strings),
        max: distribution_text(s.max, s.relative, target, places, ctx.strings),
        relative: s.relative,
        illustrative: false,
    }
}

/// For each catalogue entry, whether it is used and only by illustrative
/// units: one pass over the units.
fn illustrative_entries(site: &Site) -> Vec<bool> {
    let mut used = vec![false; site.catalogue.len()];
    let mut real = vec![false; site.catalogue.len()];
    let index: std::collections::HashMap<&str, usize> = site
        .catalogue
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    for unit in &site.units {
        for ind in &unit.indicators {
            for one in std::iter::once(ind).chain(&ind.parts) {
                if let Some(&c) = one.catalogue.as_deref().and_then(|id| index.get(id)) {
                    used[c] = true;
                    real[c] |= !unit.illustrative;
                }
            }
        }
    }
    used.iter().zip(&real).map(|(u, r)| *u && !r).collect()
}

pub(super) fn level_counts(ctx: &ViewContext<'_>, units: &[usize]) -> Vec<LevelCount> {
    Level::ALL
        .into_iter()
        .filter_map(|level| {
            let count = units
                .iter()
                .filter(|&&u| ctx.site.units[u].level == level)
                .count();
            (count > 0).then(|| LevelCount {
                level: level_view(level, ctx.strings),
                count,
            })
        })
        .collect()
}

pub(super) fn rollup_view(ctx: &ViewContext<'_>, i: usize) -> Option<RollupView> {
    let r = rollup::rollup(ctx.site, i);
    if r.descendants.is_empty() {
        return None;
    }
    Some(RollupView {
        units: r.descendants.len(),
        reviewed: r.reviewed,
        reviewed_text: fraction_text(r.reviewed, r.descendants.len()),
        submissions: submission_counts(&r.submissions, ctx.strings),
        indicators: tally_counts(&r.statuses, ctx.strings),
        by_level: level_counts(ctx, &r.descendants),
        shared: r.shared.iter().map(|s| shared_view(ctx, s)).collect(),
    })
}

/// The catalogue's page; `uses` is every entry's uses by every unit
/// (`rollup::uses_by_entry`).
pub(super) fn catalogue_page(
    ctx: &ViewContext<'_>,
    uses: &[Vec<(usize, &Indicator)>],
) -> CataloguePage {
    let site = ctx.site;
    let illustrative = illustrative_entries(site);
    let rows = uses
        .iter()
        .enumerate()
        .map(|(c, used)| rollup::summarise(site, c, used))
        .map(|s| SharedView {
            illustrative: illustrative[s.catalogue],
            ..shared_view(ctx, &s)
        })
        .collect();
    CataloguePage { rows }
}

/// The page of catalogue entry `c`; `uses` is its uses by every unit
/// (its row of `rollup::uses_by_entry`).
pub(super) fn indicator_page(
    ctx: &ViewContext<'_>,
    c: usize,
    uses: &[(usize, &Indicator)],
) -> IndicatorPage {
    let site = ctx.site;
    let entry = &site.catalogue[c];
    let summary = rollup::summarise(site, c, uses);
    let rows = uses
        .iter()
        .map(|&(u, ind)| {
            let unit = &site.units[u];
            let view = indicator_view(ind, ctx.site.config.decimals, ctx.strings);
            IndicatorUse {
                unit: unit.name.clone(),
                url: unit_url(unit),
                level: level_view(unit.level, ctx.strings),
                level_rank: unit.level.index() as u8 + 1,
                name_rank: u,
                parent_name: unit
                    .parent
                    .map(|p| site.units[p].display_name().to_string())
                    .unwrap_or_default(),
                id: ind.id.clone(),
                description: ind.description.clone(),
                target: view.target,
                actual: view.actual,
                compared_value: ind.assessment.compared.map(Exact::to_f64),
                status: view.status,
                margin: view.margin,
                stated: view.stated,
                disagrees: view.disagrees,
                illustrative: unit.illustrative,
            }
        })
        .collect();
    let target = entry.target.as_ref();
    let relative = summary.relative;
    let chart_units = uses
        .iter()
        .map(|&(u, ind)| {
            let unit = &site.units[u];
            let places = ctx.site.config.decimals;
            let (value, value_text) = if relative {
                let share = rollup::share_of_target(ind);
                (
                    share.map(Exact::to_f64),
                    distribution_text(share, true, target, places, ctx.strings),
                )
            } else {
                (
                    ind.assessment.compared.map(Exact::to_f64),
                    compared_text(ind.assessment.shown, target),
                )
            };
            RankRow {
                label: unit.display_name().to_string(),
                url: Some(format!("../{}", unit_url(unit))),
                value,
                value_text,
                status: ind.status().key().to_string(),
                status_label: status_view(ind.status(), ctx.strings).label,
            }
        })
        .collect();
    let (chart_target, chart_target_text) = if relative {
        (
            Some(100.0),
            ctx.strings.get("of_target").replace("{share}", "100%"),
        )
    } else {
        (
            target.and_then(rollup::target_value),
            target
                .map(|t| format!("{}: {t}", ctx.strings.get("col_target")))
                .unwrap_or_default(),
        )
    };
    let illustrative = !uses.is_empty() && uses.iter().all(|&(u, _)| site.units[u].illustrative);
    IndicatorPage {
        entry: SharedView {
            illustrative,
            ..shared_view(ctx, &summary)
        },
        note: entry.note.clone(),
        rows,
        chart_units,
        chart_target,
        chart_target_text,
    }
}

/// Units in the order of the progress page: missing first, then late (the
/// latest first), then not yet due, then on time; by name within each.
pub(super) fn progress_order(site: &Site) -> Vec<usize> {
    let mut order: Vec<usize> = (0..site.units.len()).collect();
    order.sort_by_key(|&i| {
        let (rank, days) = match site.units[i].submission {
            Submission::Missing => (0, 0),
            Submission::Late { days } => (1, days),
            Submission::NotDue => (2, 0),
            Submission::OnTime => (3, 0),
        };
        (rank, std::cmp::Reverse(days), i)
    });
    order
}

pub(super) fn progress_page(ctx: &ViewContext<'_>) -> ProgressPage {
    let site = ctx.site;
    let rows: Vec<UnitRow> = (0..site.units.len()).map(|i| unit_row(ctx, i)).collect();
    let mut submissions = Submissions::default();
    for u in &site.units {
        submissions.add_unit(u);
    }
    let reviewed = site
        .units
        .iter()
        .filter(|u| u.conference_date.is_some())
        .count();
    ProgressPage {
        by_level: level_summaries(ctx, &rows),
        rows: progress_order(site)
            .into_iter()
            .map(|i| rows[i].clone())
            .collect(),
        submissions: submission_counts(&submissions, ctx.strings),
        reviewed,
        reviewed_text: fraction_text(reviewed, site.units.len()),
        chart_timeline: timeline_series(ctx),
    }
}

/// Indicator components by field, in order of first appearance.
pub(super) fn by_field(ctx: &ViewContext<'_>) -> Vec<FieldCounts> {
    let mut fields: Vec<(ArcStr, Tally)> = Vec::new();
    for unit in &ctx.site.units {
        for ind in &unit.indicators {
            let at = match fields.iter().position(|(name, _)| *name == ind.group) {
                Some(at) => at,
                None => {
                    fields.push((ind.group.clone(), Tally::default()));
                    fields.len() - 1
                }
            };
            fields[at]
                .1
                .add_indicators(std::iter::once(ind), ctx.site.config.count);
        }
    }
    fields
        .into_iter()
        .map(|(name, t)| FieldCounts {
            name: name.to_string(),
            counts: tally_counts(&t, ctx.strings),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Chart data (see `chart.rs`): rows built here, drawn by templates calling
// `chart(kind, rows, …)`. Links are relative to the page (`root`).
// ---------------------------------------------------------------------------

/// Status segments of a tally, in the order of the legend.
pub(super) fn status_segments(t: &Tally, strings: &Strings) -> Vec<Segment> {
    [
        (Status::Exceeded, t.exceeded),
        (Status::Achieved, t.achieved),
        (Status::NotAchieved, t.not_achieved),
        (Status::NotAssessed, t.not_assessed),
    ]
    .into_iter()
    .map(|(status, n)| Segment {
        key: status.key().to_string(),
        label: status_view(status, strings).label,
        value: n as f64,
    })
    .collect()
}

pub(super) fn counts_tally(c: &StatusCounts) -> Tally {
    Tally {
        exceeded: c.exceeded,
        achieved: c.achieved,
        not_achieved: c.not_achieved,
        not_assessed: c.not_assessed,
        by_report: c.by_report,
    }
}

pub(super) fn stacked_row(
    label: String,
    url: Option<String>,
    c: &StatusCounts,
    strings: &Strings,
) -> StackedRow {
    StackedRow {
        label,
        url,
        segments: status_segments(&counts_tally(c), strings),
    }
}

/// A bullet row per indicator component: the figure compared against the
/// target, with the baseline and yearly figures.
pub(super) fn bullet_rows(unit: &Unit, places: u32, strings: &Strings) -> Vec<BulletRow> {
    let mut rows = Vec::new();
    for ind in &unit.indicators {
        for c in ind.components() {
            let view = indicator_view(c, places, strings);
            let t = c.target.as_ref();
            let percent = t.is_some_and(|t| t.percent);
            // For drawing only: the texts carry the figures.
            let draw = |d: &Decimal| d.to_f64();
            let (low, high) = match t.map(|t| &t.kind) {
                Some(
                    TargetKind::AtLeast(x)
                    | TargetKind::MoreThan(x)
                    | TargetKind::AtMost(x)
                    | TargetKind::LessThan(x),
                ) => (draw(x), None),
                Some(TargetKind::Range(lo, hi)) => (draw(lo), draw(hi)),
                Some(TargetKind::Duty) => (Some(100.0), None),
                Some(TargetKind::Yes) => (Some(100.0), None),
                None => (None, None),
            };
            let yes_no = t.is_some_and(|t| t.kind == TargetKind::Yes);
            let (actual, actual_text) = match (&c.actual, c.assessment.compared) {
                (Some(Figure::Bool(b)), _) if yes_no => {
                    (Some(if *b { 100.0 } else { 0.0 }), view.actual.clone())
                }
                (_, Some(x)) => {
                    let per_year =
                        t.is_some_and(|t| t.per_year) && c.period.is_some_and(|(a, b)| b > a);
                    let text = compared_text(c.assessment.shown, t);
                    (
                        Some(x.to_f64()),
                        if per_year {
                            format!("{text}{}", strings.get("per_year"))
                        } else {
                            text
                        },
                    )
                }
                _ => (None, String::new()),
            };
            let baseline = c
                .baseline
                .as_ref()
                .and_then(Figure::value)
                .map(Exact::to_f64);
            rows.push(BulletRow {
                label: format!("{}. {}", c.id, c.description),
                url: Some(format!("#ct-{}", c.id)),
                actual,
                actual_text,
                target_low: low,
                target_high: high,
                target_text: view.target.clone(),
                lower_is_better: t.is_some_and(Target::lower_is_better),
                percent: percent || yes_no,
                baseline,
                baseline_text: view.baseline.clone(),
                years: c
                    .actuals
                    .iter()
                    .zip(&view.actuals)
                    .map(|((&year, value), shown)| YearPoint {
                        year,
                        value: value.to_f64().unwrap_or(f64::NAN),
                        text: shown.value.clone(),
                    })
                    .collect(),
                status: c.status().key().to_string(),
                status_label: view.status.label.clone(),
                yes_no,
            });
        }
    }
    rows
}

/// Units ranked by the share of their indicators met.
pub(super) fn ranked_rows(rows: &[UnitRow], root: &str) -> Vec<RankRow> {
    rows.iter()
        .filter(|r| r.counts.total > 0)
        .map(|r| RankRow {
            label: r.name.clone(),
            url: Some(format!("{root}{}", r.url)),
            value: Some(r.counts.met_share_value),
            value_text: format!("{} ({})", r.counts.met_share, r.counts.met_text),
            status: r.overall.key.to_string(),
            status_label: r.overall.label.clone(),
        })
        .collect()
}

/// Reports received per level: submission dates against the deadline.
pub(super) fn timeline_series(ctx: &ViewContext<'_>) -> Vec<Series> {
    Level::ALL
        .into_iter()
        .filter_map(|level| {
            let units: Vec<&Unit> = ctx.site.units.iter().filter(|u| u.level == level).collect();
            if units.is_empty() {
                return None;
            }
            Some(Series {
                key: level.key().to_string(),
                label: level_view(level, ctx.strings).label,
                deadline: ctx.site.config.deadline(level).map(|d| d.to_string()),
                total: units.len(),
                dates: units
                    .iter()
                    .filter_map(|u| u.submitted.map(|d| d.to_string()))
                    .collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    fn strings() -> Strings {
        Strings::new(Language::Vi)
    }

    #[test]
    fn met_share_matches_the_met_fraction() {
        let c = with_items(
            finish_counts(StatusCounts {
                exceeded: 7,
                achieved: 2,
                not_achieved: 2,
                not_assessed: 1,
                total: 12,
                ..StatusCounts::default()
            }),
            &strings(),
        );
        // The report writes "09/12"; a computed ratio is "9/12", never a
        // zero-padded one that reads like a date.
        assert_eq!(c.met_text, "9/12");
        assert_eq!(c.met_share, "75%");
        let shares: Vec<&str> = c.items.iter().map(|i| i.share.as_str()).collect();
        assert_eq!(shares, ["58,3%", "16,7%", "16,7%", "8,3%"]);
        assert_eq!(c.items[0].status.key, "exceeded");
    }

    #[test]
    fn no_indicators_no_share() {
        let c = finish_counts(StatusCounts::default());
        assert_eq!(c.met_share, "");
        assert!(c.met_share_value < 0.0);
    }

    #[test]
    fn figures_are_shown_the_vietnamese_way() {
        let s = strings();
        let pct = target::parse_target(">= 60%").ok();
        let count = target::parse_target(">= 100/năm").ok();
        let dec = |x: &str| -> Decimal { x.parse().unwrap() };
        let fraction = Figure::Fraction {
            num: dec("41"),
            den: dec("71"),
        };
        // One precision for computed shares, set per site.
        assert_eq!(
            figure_text(&fraction, pct.as_ref(), 2, &s),
            "57,75% (41/71)"
        );
        assert_eq!(figure_text(&fraction, pct.as_ref(), 1, &s), "57,7% (41/71)");
        // Written figures keep their written digits.
        assert_eq!(
            figure_text(&Figure::Number(dec("99.2")), pct.as_ref(), 2, &s),
            "99,2%"
        );
        assert_eq!(
            figure_text(&Figure::Number(dec("0.001")), pct.as_ref(), 2, &s),
            "0,001%"
        );
        assert_eq!(
            figure_text(&Figure::Number(dec("65914")), count.as_ref(), 2, &s),
            "65.914"
        );
        assert_eq!(figure_text(&Figure::Bool(false), None, 2, &s), "Không");
        // A share just short of a 100% duty never shows as 100%.
        let duty = target::parse_target("100%").ok();
        let short = Figure::Fraction {
            num: dec("19999"),
            den: dec("20000"),
        };
        assert_eq!(
            figure_text(&short, duty.as_ref(), 2, &s),
            "99,99% (19.999/20.000)"
        );
    }
}
