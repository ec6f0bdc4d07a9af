//! Rendering: the model → the view model (`view.rs`) → HTML through the
//! theme's minijinja templates. No IO: pages are handed to a sink (the
//! writer) as they are rendered, in parallel.
//!
//! Every figure is formatted here, through `vi`, so templates never format.

use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value, context};
use rayon::prelude::*;
use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics, Sources};
use crate::i18n::Strings;
use crate::model::{Indicator, Level, Site, Submission, Unit};
use crate::target::{self, Figure, Status, Target};
use crate::theme::Theme;
use crate::vi;
use crate::view::*;

/// A page to render: where it goes, which template, and its own variables.
pub struct Page {
    pub path: String,
    pub template: &'static str,
    pub kind: &'static str,
    pub title: String,
    pub vars: Value,
}

/// Renders pages with a theme's templates.
pub struct Renderer<'a> {
    env: Environment<'a>,
    site: &'a Site,
    strings: Strings,
}

impl<'a> Renderer<'a> {
    /// Compiles every template once. Syntax errors are diagnostics located in
    /// the template file.
    pub fn new(
        site: &'a Site,
        theme: &Theme,
        sources: &Sources,
        diags: &mut Diagnostics,
    ) -> Option<Renderer<'a>> {
        let strings = Strings::new(site.config.language);
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_formatter(html_formatter);
        let before = diags.errors();
        for t in &theme.templates {
            if let Err(err) =
                env.add_template_owned(t.name.clone(), sources.text(t.file).to_string())
            {
                diags.push(template_diagnostic(&err, theme, sources));
            }
        }
        for required in [
            "index.html",
            "unit.html",
            "units.html",
            "level.html",
            "404.html",
        ] {
            if env.get_template(required).is_err()
                && !theme.templates.iter().any(|t| t.name == required)
            {
                diags.push(Diagnostic::error(format!(
                    "the theme has no template `{required}`"
                )));
            }
        }
        if diags.errors() > before {
            return None;
        }
        let ctx = ViewContext::new(site, &strings);
        env.add_global("site", val(site_view(&ctx)));
        env.add_global("t", val(strings.map()));
        env.add_global(
            "indicator_statuses",
            val([
                Status::Exceeded,
                Status::Achieved,
                Status::NotAchieved,
                Status::NotAssessed,
            ]
            .map(|s| status_view(s, &strings))),
        );
        env.add_global(
            "submission_statuses",
            val([
                Submission::OnTime,
                Submission::Late { days: 1 },
                Submission::Missing,
                Submission::NotDue,
            ]
            .map(|s| submission_status(s, &strings))),
        );
        Some(Renderer { env, site, strings })
    }

    /// Every page of the site, in a fixed order.
    pub fn pages(&self) -> Vec<Page> {
        let ctx = ViewContext::new(self.site, &self.strings);
        let mut pages = Vec::with_capacity(self.site.units.len() + 8);
        pages.push(Page {
            path: "index.html".into(),
            template: "index.html",
            kind: "home",
            title: self.site.config.title.clone(),
            vars: context! { dashboard => val(dashboard(&ctx)) },
        });
        let all: Vec<usize> = (0..self.site.units.len()).collect();
        let heading = self.strings.get("all_units").to_string();
        pages.push(Page {
            path: "units.html".into(),
            template: "units.html",
            kind: "units",
            title: heading.clone(),
            vars: context! { index => val(index_page(&ctx, heading, None, &all)) },
        });
        for level in Level::ALL {
            let members: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&i| self.site.units[i].level == level)
                .collect();
            if members.is_empty() {
                continue;
            }
            let lv = level_view(level, &self.strings);
            pages.push(Page {
                path: level_url(level),
                template: "level.html",
                kind: "level",
                title: lv.label.clone(),
                vars: context! { index => val(index_page(&ctx, lv.label.clone(), Some(lv), &members)) },
            });
        }
        for i in 0..self.site.units.len() {
            pages.push(Page {
                path: unit_url(&self.site.units[i]),
                template: "unit.html",
                kind: "unit",
                title: self.site.units[i].name.clone(),
                vars: context! { unit => val(unit_page(&ctx, i)) },
            });
        }
        pages.push(Page {
            path: "404.html".into(),
            template: "404.html",
            kind: "404",
            title: self.strings.get("not_found").to_string(),
            vars: context! {},
        });
        pages
    }

    /// Renders one page to HTML.
    pub fn render(&self, page: &Page) -> Result<String, minijinja::Error> {
        let depth = page.path.matches('/').count();
        let root = "../".repeat(depth);
        let template = self.env.get_template(page.template)?;
        template.render(context! {
            root => root,
            page => context! { kind => page.kind, title => page.title.clone(), path => page.path.clone() },
            ..page.vars.clone()
        })
    }

    /// Renders every page in parallel, handing each to `sink`. Stops at the
    /// first failure of either; template errors name their file and line.
    pub fn render_all<F>(
        &self,
        pages: &[Page],
        theme: &Theme,
        sources: &Sources,
        sink: F,
    ) -> Result<(), Diagnostic>
    where
        F: Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync,
    {
        pages.par_iter().try_for_each(|page| {
            let html = self
                .render(page)
                .map_err(|err| template_diagnostic(&err, theme, sources))?;
            sink(&page.path, html.as_bytes())
        })
    }
}

/// Escapes strings for HTML like minijinja's default formatter, but leaves
/// `/` alone: links stay readable (`../units/x.html`) and so do fractions
/// ("41/71"), and `/` needs no escaping in HTML text or quoted attributes.
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match (state.auto_escape(), value.as_str()) {
        (minijinja::AutoEscape::Html, Some(text)) if !value.is_safe() => {
            let mut escaped = String::with_capacity(text.len() + 8);
            for c in text.chars() {
                match c {
                    '&' => escaped.push_str("&amp;"),
                    '<' => escaped.push_str("&lt;"),
                    '>' => escaped.push_str("&gt;"),
                    '"' => escaped.push_str("&quot;"),
                    '\'' => escaped.push_str("&#39;"),
                    c => escaped.push(c),
                }
            }
            out.write_str(&escaped).map_err(|_| {
                minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "cannot write the page")
            })
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// A minijinja error as a diagnostic in the template's file.
fn template_diagnostic(err: &minijinja::Error, theme: &Theme, sources: &Sources) -> Diagnostic {
    let mut message = format!("template error: {}", err.kind());
    if let Some(detail) = err.detail() {
        message = format!("{message}: {detail}");
    }
    let file = err
        .name()
        .and_then(|name| theme.templates.iter().find(|t| t.name == name))
        .map(|t| t.file);
    let d = Diagnostic::error(message);
    match (file, err.range(), err.line()) {
        (Some(file), Some(range), _) => d.at(file, range),
        (Some(file), None, Some(line)) => {
            let text = sources.text(file);
            let start: usize = text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum();
            let end = start + text[start..].find('\n').unwrap_or(text.len() - start);
            d.at(file, start..end)
        }
        _ => d,
    }
}

/// Any serializable value as a template value.
fn val<T: Serialize>(value: T) -> Value {
    Value::from(Serde(value))
}

pub fn unit_url(unit: &Unit) -> String {
    format!("units/{}.html", unit.slug)
}

pub fn level_url(level: Level) -> String {
    format!("levels/{}.html", level.key())
}

/// What view builders share.
struct ViewContext<'a> {
    site: &'a Site,
    strings: &'a Strings,
}

impl<'a> ViewContext<'a> {
    fn new(site: &'a Site, strings: &'a Strings) -> ViewContext<'a> {
        ViewContext { site, strings }
    }
}

fn site_view(ctx: &ViewContext<'_>) -> SiteView {
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
    }
}

fn level_view(level: Level, strings: &Strings) -> LevelView {
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

fn status_view(status: Status, strings: &Strings) -> StatusView {
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

fn submission_status(s: Submission, strings: &Strings) -> StatusView {
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

fn submission_view(unit: &Unit, ctx: &ViewContext<'_>) -> SubmissionView {
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
    }
}

/// Counts the components (parts, or indicators without parts) of indicators.
fn counts<'a>(
    indicators: impl IntoIterator<Item = &'a Indicator>,
    strings: &Strings,
) -> StatusCounts {
    let mut c = StatusCounts::default();
    for ind in indicators {
        for comp in ind.components() {
            match comp.status() {
                Status::Exceeded => c.exceeded += 1,
                Status::Achieved => c.achieved += 1,
                Status::NotAchieved => c.not_achieved += 1,
                Status::NotAssessed => c.not_assessed += 1,
            }
            c.total += 1;
        }
    }
    with_items(finish_counts(c), strings)
}

fn finish_counts(mut c: StatusCounts) -> StatusCounts {
    let met = c.exceeded + c.achieved;
    c.met_text = format!("{met:02}/{:02}", c.total);
    if c.total > 0 {
        c.met_share_value = met as f64 * 100.0 / c.total as f64;
        c.met_share = share_text(c.met_share_value);
    } else {
        c.met_share_value = -1.0;
    }
    c
}

/// Adds the per-status items (with labels) to finished counts.
fn with_items(mut c: StatusCounts, strings: &Strings) -> StatusCounts {
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

fn status_count(status: StatusView, count: usize, total: usize) -> StatusCount {
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
    }
}

/// A share as shown: one decimal, "46,4%".
fn share_text(value: f64) -> String {
    vi::format_percent((value * 10.0).round() / 10.0)
}

/// Totals of the rows' counts.
fn sum_counts<'a>(rows: impl IntoIterator<Item = &'a UnitRow>, strings: &Strings) -> StatusCounts {
    let mut c = StatusCounts::default();
    for r in rows {
        c.exceeded += r.counts.exceeded;
        c.achieved += r.counts.achieved;
        c.not_achieved += r.counts.not_achieved;
        c.not_assessed += r.counts.not_assessed;
        c.total += r.counts.total;
    }
    with_items(finish_counts(c), strings)
}

fn overall(c: &StatusCounts, strings: &Strings) -> StatusView {
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

fn unit_row(ctx: &ViewContext<'_>, i: usize) -> UnitRow {
    let u = &ctx.site.units[i];
    let c = counts(&u.indicators, ctx.strings);
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

/// A figure as shown: numbers with the target's `%`, fractions with their
/// percentage, booleans as words.
fn figure_text(f: &Figure, target: Option<&Target>, strings: &Strings) -> String {
    let percent = target.is_some_and(|t| t.percent);
    match *f {
        Figure::Number(x) if percent => vi::format_percent(x),
        Figure::Number(x) => vi::format_decimal(x),
        Figure::Fraction { num, den } => format!(
            "{} ({}/{})",
            vi::format_percent(((num / den * 1000.0).round()) / 10.0),
            vi::format_decimal(num),
            vi::format_decimal(den)
        ),
        Figure::Bool(b) => strings.get(if b { "yes" } else { "no" }).to_string(),
    }
}

fn indicator_view(ind: &Indicator, strings: &Strings) -> IndicatorView {
    let t = ind.target.as_ref();
    let fig = |f: &Option<Figure>| {
        f.as_ref()
            .map(|f| figure_text(f, t, strings))
            .unwrap_or_default()
    };
    let status = status_view(ind.status(), strings);
    let disagrees = ind
        .stated_status
        .is_some_and(|s| target::disagrees(s, ind.status()));
    IndicatorView {
        id: ind.id.clone(),
        group: ind.group.clone(),
        description: ind.description.clone(),
        unit_of_measure: ind.unit_of_measure.clone(),
        target: t.map(ToString::to_string).unwrap_or_default(),
        baseline: fig(&ind.baseline),
        actuals: ind
            .actuals
            .iter()
            .map(|(&year, &v)| YearValue {
                year,
                value: figure_text(&Figure::Number(v), t, strings),
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
            .map(|m| target::margin_text(m, t.is_some_and(Target::lower_is_better)))
            .unwrap_or_default(),
        stated_status: ind.stated_status.map(|s| status_view(s, strings)),
        disagrees,
        note: ind.note.clone(),
        catalogue: ind.catalogue.clone().unwrap_or_default(),
        parts: ind
            .parts
            .iter()
            .map(|p| indicator_view(p, strings))
            .collect(),
    }
}

/// Indicators in the order the report lists them (its STT numbering), a new
/// group starting wherever the `group` changes.
fn indicator_groups(unit: &Unit, strings: &Strings) -> Vec<IndicatorGroup> {
    let mut groups: Vec<IndicatorGroup> = Vec::new();
    for ind in &unit.indicators {
        let view = indicator_view(ind, strings);
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

fn unit_page(ctx: &ViewContext<'_>, i: usize) -> UnitPage {
    let site = ctx.site;
    let u = &site.units[i];
    let s = ctx.strings;
    let row = unit_row(ctx, i);
    let mut facts = vec![Fact {
        label: s.get("fact_level").into(),
        value: row.level.label.clone(),
    }];
    let mut fact = |key: &str, value: String| {
        if !value.is_empty() {
            facts.push(Fact {
                label: s.get(key).into(),
                value,
            });
        }
    };
    fact("fact_kind", u.kind.clone());
    fact("fact_parent", row.parent_name.clone());
    fact("fact_members", row.members.clone());
    fact("fact_organisations", row.organisations.clone());
    fact("fact_conference", row.conference_date.clone());
    fact("fact_deadline", row.submission.deadline.clone());
    fact("fact_submitted", row.submission.submitted.clone());
    fact("fact_document", u.document_number.clone());
    let signer = [u.signer_title.as_str(), u.signer.as_str()]
        .iter()
        .filter(|x| !x.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    fact("fact_signer", signer);
    let children: Vec<UnitRow> = site.children[i].iter().map(|&c| unit_row(ctx, c)).collect();
    let children_counts = sum_counts(&children, ctx.strings);
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
            ind.stated_status
                .is_some_and(|st| target::disagrees(st, ind.status()))
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
        row,
        breadcrumbs,
        facts,
        summary: u.summary.clone(),
        signer: u.signer.clone(),
        signer_title: u.signer_title.clone(),
        document_number: u.document_number.clone(),
        indicator_groups: indicator_groups(u, s),
        report: u.report.as_ref().map(|r| ReportView {
            html: r.html.clone(),
            toc: r
                .headings
                .iter()
                .filter(|h| h.level <= 3)
                .map(|h| TocEntry {
                    level: h.level,
                    id: h.id.clone(),
                    title: h.title.clone(),
                })
                .collect(),
            footnotes: r.footnotes,
        }),
        children,
        children_counts,
        years: years.into_iter().collect(),
        disagreements,
    }
}

fn index_page(
    ctx: &ViewContext<'_>,
    heading: String,
    level: Option<LevelView>,
    members: &[usize],
) -> IndexPage {
    let rows: Vec<UnitRow> = members.iter().map(|&i| unit_row(ctx, i)).collect();
    let counts = sum_counts(&rows, ctx.strings);
    IndexPage {
        heading,
        level,
        rows,
        counts,
    }
}

fn dashboard(ctx: &ViewContext<'_>) -> Dashboard {
    let site = ctx.site;
    let rows: Vec<UnitRow> = (0..site.units.len()).map(|i| unit_row(ctx, i)).collect();
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
        let submissions = [
            Submission::OnTime,
            Submission::Late { days: 1 },
            Submission::Missing,
            Submission::NotDue,
        ]
        .map(|s| submission_status(s, ctx.strings))
        .into_iter()
        .map(|status| {
            let n = count(status.key);
            status_count(status, n, of_level.len())
        })
        .collect();
        by_level.push(LevelSummary {
            level: level_view(level, ctx.strings),
            url: level_url(level),
            units: of_level.len(),
            deadline: site
                .config
                .deadline(level)
                .map(vi::format_date)
                .unwrap_or_default(),
            on_time: count("on-time"),
            late: count("late"),
            missing: count("missing"),
            not_due: count("not-due"),
            submissions,
            indicators: sum_counts(of_level.iter().copied(), ctx.strings),
        });
    }
    let indicators = sum_counts(&rows, ctx.strings);
    let mut attention: Vec<UnitRow> = rows
        .iter()
        .filter(|r| matches!(r.submission.status.key, "late" | "missing"))
        .cloned()
        .collect();
    // Missing first, then the latest; names in collation order within each.
    attention.sort_by_key(|r| {
        (
            r.submission.status.key != "missing",
            std::cmp::Reverse(r.submission.days_late),
            r.name_rank,
        )
    });
    let roots = site
        .roots
        .iter()
        .flat_map(|&r| std::iter::once(r).chain(site.children[r].iter().copied()))
        .map(|i| rows[i].clone())
        .collect();
    Dashboard {
        units_total: rows.len(),
        by_level,
        indicators,
        attention,
        roots,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Language;

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
        // "Hoàn thành và vượt 09/12 chỉ tiêu thành phần".
        assert_eq!(c.met_text, "09/12");
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
        let fraction = Figure::Fraction {
            num: 41.0,
            den: 71.0,
        };
        assert_eq!(figure_text(&fraction, pct.as_ref(), &s), "57,7% (41/71)");
        assert_eq!(
            figure_text(&Figure::Number(99.2), pct.as_ref(), &s),
            "99,2%"
        );
        assert_eq!(
            figure_text(&Figure::Number(65914.0), count.as_ref(), &s),
            "65.914"
        );
        assert_eq!(figure_text(&Figure::Bool(false), None, &s), "Không");
    }
}
