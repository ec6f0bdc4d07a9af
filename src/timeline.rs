//! Dates and periods against the review, and the units at the top of the
//! hierarchy. The review's term, cut-off and `as_of` (site.toml) bound
//! every date the content gives:
//!
//! - the cut-off lies in the term (error);
//! - a unit's conference and submission lie between the term's start and
//!   `as_of` (or today, when site.toml gives no `as_of`) (errors), and a
//!   report is not submitted before its conference (warning);
//! - an indicator's period lies in the term (error) and ends by the
//!   cut-off's year (warning: the figures are as of the cut-off);
//! - a site has one top-level unit, or declares its top-level units in
//!   site.toml (`top_level`): a unit whose `parent` was left out would
//!   otherwise drop out of every roll-up above it without a word.
//!
//! Each rule is a pure function of the dates it judges ([`cutoff_problem`],
//! [`date_problem`], [`order_problem`], [`period_problem`]), so that the
//! tests hold each one in a table; [`check`] locates their findings.

use std::ops::Range;

use jiff::civil::Date;

use crate::diag::{Diagnostic, Diagnostics, FileId, Msg, did_you_mean_msg};
use crate::model::{Config, Indicator, Level, Site, Unit};
use crate::vi;

/// Runs every check of this module over a resolved site.
pub(crate) fn check(site: &Site, diags: &mut Diagnostics) {
    let config = &site.config;
    if let Some(file) = config.spans.file
        && let Some(message) = cutoff_problem(config.cutoff, config.term_start, config.term_end)
    {
        diags.push(
            Diagnostic::error(message, Msg::new("cutoff_outside_term_hint"))
                .at(file, config.spans.cutoff.clone()),
        );
    }
    for unit in &site.units {
        check_unit(config, unit, diags);
    }
    top_level(site, diags);
}

/// The checks of [`check`] about one unit's dates and periods, located in
/// its unit.toml.
pub(crate) fn check_unit(config: &Config, unit: &Unit, diags: &mut Diagnostics) {
    unit_dates(config, unit, diags);
    for ind in &unit.indicators {
        for one in std::iter::once(ind).chain(&ind.parts) {
            period(config, unit, one, diags);
        }
    }
}

/// Why a cut-off does not fit the term, if it does not.
pub(crate) fn cutoff_problem(cutoff: Date, term_start: i32, term_end: i32) -> Option<Msg> {
    let year = i32::from(cutoff.year());
    (!(term_start..=term_end).contains(&year)).then(|| {
        Msg::new("cutoff_outside_term")
            .arg("cutoff", vi::format_date(cutoff))
            .arg("start", term_start)
            .arg("end", term_end)
    })
}

/// A unit's date that must fall within the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateKind {
    Conference,
    Submission,
}

impl DateKind {
    fn words(self) -> Msg {
        Msg::new(match self {
            DateKind::Conference => "date_kind_conference",
            DateKind::Submission => "date_kind_submission",
        })
    }

    fn key(self) -> &'static str {
        match self {
            DateKind::Conference => "conference_date",
            DateKind::Submission => "submitted",
        }
    }
}

/// What is wrong with a unit's date, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateProblem {
    /// Later than the day the site's figures are as of.
    AfterAsOf,
    /// Before the term began.
    BeforeTerm,
}

/// Judges a conference or submission date: it cannot be later than
/// `as_of` (the data would describe the future) nor before the term.
pub(crate) fn date_problem(date: Date, term_start: i32, as_of: Date) -> Option<DateProblem> {
    if date > as_of {
        Some(DateProblem::AfterAsOf)
    } else if i32::from(date.year()) < term_start {
        Some(DateProblem::BeforeTerm)
    } else {
        None
    }
}

/// Whether a report is submitted before the conference that adopts it.
pub(crate) fn order_problem(conference: Date, submitted: Date) -> bool {
    submitted < conference
}

fn unit_dates(config: &Config, unit: &Unit, diags: &mut Diagnostics) {
    for (kind, date, span) in [
        (
            DateKind::Conference,
            unit.conference_date,
            &unit.conference_span,
        ),
        (DateKind::Submission, unit.submitted, &unit.submitted_span),
    ] {
        let (Some(date), Some(span)) = (date, span) else {
            continue;
        };
        let Some(problem) = date_problem(date, config.term_start, config.as_of) else {
            continue;
        };
        let shown = vi::format_date(date);
        let d = match problem {
            DateProblem::AfterAsOf => Diagnostic::error(
                Msg::new("date_after_as_of")
                    .arg_msg("what", kind.words())
                    .arg("date", &shown)
                    .arg("as_of", vi::format_date(config.as_of)),
                Msg::new(if config.spans.as_of.is_some() {
                    "date_after_as_of_hint"
                } else {
                    "date_after_today_hint"
                })
                .arg("key", kind.key()),
            )
            .label(Msg::new("date_after_as_of_label")),
            DateProblem::BeforeTerm => Diagnostic::error(
                Msg::new("date_before_term")
                    .arg_msg("what", kind.words())
                    .arg("date", &shown)
                    .arg("start", config.term_start)
                    .arg("end", config.term_end),
                Msg::new("date_before_term_hint").arg("key", kind.key()),
            )
            .label(Msg::new("date_before_term_label")),
        };
        diags.push(d.at(unit.file, span.clone()));
    }
    if let (Some(conference), Some(submitted), Some(span)) = (
        unit.conference_date,
        unit.submitted,
        unit.submitted_span.clone(),
    ) && order_problem(conference, submitted)
    {
        diags.push(
            Diagnostic::warning(
                Msg::new("submitted_before_conference")
                    .arg("submitted", vi::format_date(submitted))
                    .arg("conference", vi::format_date(conference)),
            )
            .at(unit.file, span)
            .label(Msg::new("submitted_before_conference_label"))
            .hint(Msg::new("submitted_before_conference_hint")),
        );
    }
}

/// What is wrong with an indicator's period, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PeriodProblem {
    /// It starts before or ends after the term (error).
    OutsideTerm,
    /// It ends after the cut-off's year (warning).
    AfterCutoff,
}

/// Judges a period against the term and the cut-off's year.
pub(crate) fn period_problem(
    (from, to): (i32, i32),
    term_start: i32,
    term_end: i32,
    cutoff_year: i32,
) -> Option<PeriodProblem> {
    if from < term_start || to > term_end {
        Some(PeriodProblem::OutsideTerm)
    } else if to > cutoff_year {
        Some(PeriodProblem::AfterCutoff)
    } else {
        None
    }
}

fn period(config: &Config, unit: &Unit, ind: &Indicator, diags: &mut Diagnostics) {
    let (Some((from, to)), Some(span)) = (ind.period, ind.spans.period) else {
        return;
    };
    let cutoff_year = i32::from(config.cutoff.year());
    let (start, end) = (config.term_start, config.term_end);
    let d = match period_problem((from, to), start, end, cutoff_year) {
        None => return,
        Some(PeriodProblem::OutsideTerm) => Diagnostic::error(
            Msg::new("period_outside_term")
                .arg("id", &ind.id)
                .arg("from", from)
                .arg("to", to)
                .arg("start", start)
                .arg("end", end),
            Msg::new("period_outside_term_hint")
                .arg("start", start)
                .arg("end", end),
        )
        .label(Msg::new("period_outside_term_label")),
        Some(PeriodProblem::AfterCutoff) => Diagnostic::warning(
            Msg::new("period_after_cutoff")
                .arg("id", &ind.id)
                .arg("from", from)
                .arg("to", to)
                .arg("cutoff", vi::format_date(config.cutoff)),
        )
        .label(Msg::new("period_after_cutoff_label"))
        .hint(Msg::new("period_after_cutoff_hint").arg("year", cutoff_year)),
    };
    diags.push(d.at(unit.file, span.range()));
}

/// The units at the top: one, or those site.toml declares in `top_level`.
/// A declared name must be a unit without a parent; an undeclared unit
/// without a parent beside another is a warning at its file.
pub(crate) fn top_level(site: &Site, diags: &mut Diagnostics) {
    let units = &site.units;
    match (&site.config.top_level, site.config.spans.file) {
        (Some(declared), Some(file)) => {
            for (name, span) in declared {
                declared_unit(site, file, name, span.clone(), diags);
            }
            for &root in roots(site) {
                if !declared.iter().any(|(name, _)| *name == units[root].id) {
                    diags.push(extra_root(&units[root], declared_names(declared)));
                }
            }
        }
        _ => {
            let Some(main) = main_root(site) else {
                return;
            };
            for &root in roots(site).filter(|&&r| r != main) {
                diags.push(extra_root(&units[root], vec![units[main].id.as_str()]));
            }
        }
    }
}

/// The units at the top that were written without a parent (a unit whose
/// parent could not be used is at the top too, its problem reported).
fn roots(site: &Site) -> impl Iterator<Item = &usize> {
    site.roots
        .iter()
        .filter(|&&r| site.units[r].parent_span.is_none())
}

fn declared_names(declared: &[(String, Range<usize>)]) -> Vec<&str> {
    declared.iter().map(|(name, _)| name.as_str()).collect()
}

/// The unit a site without `top_level` is about: of the units without a
/// parent, the one at the highest level, the first in name order on a tie.
fn main_root(site: &Site) -> Option<usize> {
    if roots(site).count() < 2 {
        return None;
    }
    roots(site)
        .copied()
        .min_by_key(|&r| (site.units[r].level, r))
}

/// A name in `top_level`: an existing unit, without a parent.
fn declared_unit(
    site: &Site,
    file: FileId,
    name: &str,
    span: Range<usize>,
    diags: &mut Diagnostics,
) {
    let units = &site.units;
    match units.iter().find(|u| u.id == name) {
        None => diags.push(
            Diagnostic::error(
                Msg::new("top_level_no_unit").arg("name", name),
                did_you_mean_msg(name, units.iter().map(|u| u.id.as_str()))
                    .unwrap_or_else(|| Msg::new("top_level_no_unit_hint")),
            )
            .at(file, span),
        ),
        Some(unit) => {
            if let Some(parent) = unit.parent {
                diags.push(
                    Diagnostic::error(
                        Msg::new("top_level_has_parent")
                            .arg("name", name)
                            .arg("parent", &units[parent].id),
                        Msg::new("top_level_has_parent_hint"),
                    )
                    .at(file, span),
                );
            }
        }
    }
}

/// The warning for a unit without a parent beside the `others` at the top.
fn extra_root(unit: &Unit, others: Vec<&str>) -> Diagnostic {
    let listed = others
        .iter()
        .map(|o| format!("`{o}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut all: Vec<&str> = others;
    all.push(&unit.id);
    let toml_list = all
        .iter()
        .map(|o| format!("\"{o}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let message = if unit.level == Level::Province {
        Msg::new("extra_root")
    } else {
        Msg::new("extra_root_level").arg("level", unit.level.key())
    };
    Diagnostic::warning(message.arg("unit", &unit.id).arg("others", listed))
        .at(unit.file, unit.name_span.clone())
        .label(Msg::new("extra_root_label"))
        .hint(Msg::new("extra_root_hint").arg("list", toml_list))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn a_cutoff_must_fall_in_the_term() {
        let cases = [
            (d(2023, 6, 30), None),
            (d(2020, 1, 1), None),
            (d(2025, 12, 31), None),
            (
                d(2019, 12, 31),
                Some("the cut-off 31/12/2019 is outside the term 2020–2025"),
            ),
            (
                d(2026, 1, 1),
                Some("the cut-off 1/1/2026 is outside the term 2020–2025"),
            ),
        ];
        for (cutoff, expected) in cases {
            assert_eq!(
                cutoff_problem(cutoff, 2020, 2025)
                    .map(|m| m.en())
                    .as_deref(),
                expected,
                "{cutoff}"
            );
        }
    }

    #[test]
    fn a_date_lies_between_the_term_and_as_of() {
        let as_of = d(2023, 8, 20);
        let cases = [
            (d(2023, 7, 25), None),
            (d(2023, 8, 20), None),
            (d(2020, 1, 1), None),
            (d(2023, 8, 21), Some(DateProblem::AfterAsOf)),
            (d(2031, 7, 25), Some(DateProblem::AfterAsOf)),
            (d(2019, 12, 31), Some(DateProblem::BeforeTerm)),
            (d(1999, 7, 20), Some(DateProblem::BeforeTerm)),
        ];
        for (date, expected) in cases {
            assert_eq!(date_problem(date, 2020, as_of), expected, "{date}");
        }
    }

    #[test]
    fn a_report_goes_up_after_its_conference() {
        let cases = [
            (d(2023, 7, 20), d(2023, 7, 25), false),
            (d(2023, 7, 20), d(2023, 7, 20), false),
            (d(2023, 7, 20), d(2023, 7, 19), true),
        ];
        for (conference, submitted, expected) in cases {
            assert_eq!(order_problem(conference, submitted), expected);
        }
    }

    #[test]
    fn a_period_lies_in_the_term_and_ends_by_the_cutoff() {
        let cases = [
            ((2020, 2022), None),
            ((2021, 2023), None),
            ((2023, 2023), None),
            ((2020, 2032), Some(PeriodProblem::OutsideTerm)),
            ((2019, 2022), Some(PeriodProblem::OutsideTerm)),
            ((2024, 2026), Some(PeriodProblem::OutsideTerm)),
            ((2021, 2024), Some(PeriodProblem::AfterCutoff)),
            ((2025, 2025), Some(PeriodProblem::AfterCutoff)),
        ];
        for (period, expected) in cases {
            assert_eq!(
                period_problem(period, 2020, 2025, 2023),
                expected,
                "{period:?}"
            );
        }
    }
}
