//! Consistency checks: figures that contradict each other. They run on the
//! resolved model (after every unit, the hierarchy and the statuses are
//! known) and produce warnings, never errors: a report that states "Đạt"
//! where its figures say "vượt" must still be publishable, but the office
//! must see the contradiction first (`--deny-warnings` turns them into
//! errors).
//!
//! The checks, each located at the file, line and column to fix:
//!
//! - a stated result that disagrees with the computed status, or a stated
//!   margin ("Vượt 1,6%") that is not the computed one (1,67%);
//! - a fraction whose denominator is declared to count the unit's party
//!   organisations or members but differs from the unit's own total;
//! - children that add up to more than their parent: their members summed,
//!   or more child units than the parent's organisations;
//! - in reports and notes (through [`crate::scan`]): a fraction next to a
//!   percentage it does not equal, a malformed number, and counts of the
//!   unit's organisations or members that contradict its totals;
//! - a report's stated overall result (`stated_overall`) that differs from
//!   the indicators counted by the site's rule, or that is not understood.

use std::ops::Range;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, FileId, Msg, Sources};
use crate::model::{Denominator, Indicator, Site, Span, Unit};
use crate::overall;
use crate::rollup::Tally;
use crate::scan::{self, FindingKind};
use crate::target::{self, Basis, Claim, Figure, Reading, StatedMismatch, Status, Target};
use crate::vi;

/// Runs every consistency check over a resolved site. Units are checked in
/// parallel (scanning reports is the costly part); the warnings keep the
/// order of the units. Returns, for each unit, whether its own checks
/// ([`check_own`]) found nothing (`Unit::checked_clean`); a unit that comes
/// with it set from the build cache is not checked again.
pub(crate) fn check(site: &Site, diags: &mut Diagnostics) -> Vec<bool> {
    let found: Vec<(Diagnostics, bool)> = (0..site.units.len())
        .into_par_iter()
        .map(|i| {
            let unit = &site.units[i];
            let mut local = Diagnostics::default();
            if !unit.checked_clean {
                check_own(site, unit, &mut local);
            }
            let clean = local.is_empty();
            children_totals(site, i, &mut local);
            (local, clean)
        })
        .collect();
    found
        .into_iter()
        .map(|(local, clean)| {
            diags.extend(local);
            clean
        })
        .collect()
}

/// The checks of [`check`] about unit `i`: each is located in its
/// unit.toml, and reads only the unit and its children (`serve` runs them
/// again for a unit whose unit.toml was saved, and for its parent).
pub(crate) fn check_unit(site: &Site, i: usize, diags: &mut Diagnostics) {
    check_own(site, &site.units[i], diags);
    children_totals(site, i, diags);
}

/// The checks of a unit that read the unit alone (and the site's rules,
/// which the build cache's keys hold).
fn check_own(site: &Site, unit: &Unit, diags: &mut Diagnostics) {
    for ind in &unit.indicators {
        for one in std::iter::once(ind).chain(&ind.parts) {
            stated_result(unit, one, diags);
            denominators(unit, one, diags);
            figure_without_target(unit, one, diags);
            // An exact span holds the note byte for byte.
            match &one.spans.note {
                Some((span, true)) => {
                    scan_text(unit, unit.file, &one.note, span.range().start, diags)
                }
                // A note with escapes: its findings point at the whole note.
                Some((span, false)) => {
                    scan_text_at(unit, unit.file, &one.note, span.range(), diags)
                }
                None => {}
            }
        }
    }
    stated_overall(site, unit, diags);
}

/// A figure with no target to compare it with: the indicator is not
/// assessed. Said, because `ketqua import` leaves out a target it cannot
/// read from the report's words, and a person must write it.
fn figure_without_target(unit: &Unit, ind: &Indicator, diags: &mut Diagnostics) {
    if ind.target.is_some() || !ind.parts.is_empty() {
        return;
    }
    let Some(span) = ind.spans.actual.map(Span::range) else {
        return;
    };
    diags.push(
        Diagnostic::warning(Msg::new("figure_without_target").arg("id", &ind.id))
            .at(unit.file, span)
            .label(Msg::new("figure_without_target_label"))
            .hint(Msg::new("figure_without_target_hint").arg("description", &ind.description)),
    );
}

/// The checks of a unit's report (the scan of its text): the only ones that
/// read it, so an edit of the report needs no others. The model runs them
/// ([`scan_report`]) while it holds the report's text; `serve` after an edit.
pub(crate) fn check_report(unit: &Unit, sources: &Sources, diags: &mut Diagnostics) {
    if let Some(report) = unit.report_file {
        scan_report(unit, report, &sources.text(report), diags);
    }
}

/// [`check_report`] of the text of the report `file`.
pub(crate) fn scan_report(unit: &Unit, file: FileId, text: &str, diags: &mut Diagnostics) {
    scan_text(unit, file, text, 0, diags);
}

/// The warnings of [`scan`] for a text that starts at byte `offset` of `file`.
fn scan_text(unit: &Unit, file: FileId, text: &str, offset: usize, diags: &mut Diagnostics) {
    for finding in scan::scan(text) {
        let span = finding.range.start + offset..finding.range.end + offset;
        if let Some(d) = finding_diagnostic(unit, &finding.kind) {
            diags.push(d.at(file, span));
        }
    }
}

/// Same, for a text whose findings can only be located at `span` as a whole.
fn scan_text_at(
    unit: &Unit,
    file: FileId,
    text: &str,
    span: Range<usize>,
    diags: &mut Diagnostics,
) {
    for finding in scan::scan(text) {
        if let Some(d) = finding_diagnostic(unit, &finding.kind) {
            diags.push(d.at(file, span.clone()));
        }
    }
}

/// A finding of the scan as a warning, when it is a problem: fractions and
/// numbers always are; counts only when they contradict the unit's totals.
fn finding_diagnostic(unit: &Unit, kind: &FindingKind) -> Option<Diagnostic> {
    match kind {
        FindingKind::FractionPercent { .. } | FindingKind::MalformedNumber { .. } => {
            Some(Diagnostic::warning(scan::message(kind)).maybe_hint(scan::hint(kind)))
        }
        FindingKind::OrganisationCount { .. } | FindingKind::MemberCount { .. } => {
            let key = match kind {
                FindingKind::OrganisationCount { .. } => "organisations",
                _ => "members",
            };
            scan::count_problem(kind, unit.organisations, unit.members).map(|m| {
                Diagnostic::warning(m).hint(Msg::new("count_differs_hint").arg("key", key))
            })
        }
    }
}

/// Words for a status in messages: the Vietnamese word the reports use.
fn status_words(status: Status) -> Msg {
    Msg::new(match status {
        Status::Exceeded => "status_exceeded",
        Status::Achieved => "status_achieved",
        Status::NotAchieved => "status_not_achieved",
        Status::NotAssessed => "status_not_assessed",
    })
}

/// Fills `{figures}` of `message` with the figure the status was computed
/// from: a yes/no figure in the site's language ("có"/"không", "yes"/"no"),
/// another as [`compared_text`] writes it.
fn with_figures(message: Msg, ind: &Indicator) -> Msg {
    match ind.actual {
        Some(Figure::Bool(b)) => message.arg_msg(
            "figures",
            Msg::new(if b { "figure_yes" } else { "figure_no" }),
        ),
        _ => message.arg("figures", compared_text(ind)),
    }
}

/// The figure the status was computed from, for messages, as the page shows
/// it: "98%", "57,75% (41/71)", "101,67"; empty for a yes/no figure (see
/// [`with_figures`]) or none.
fn compared_text(ind: &Indicator) -> String {
    let percent = ind.target.as_ref().is_some_and(|t| t.percent);
    match (&ind.actual, ind.assessment.shown) {
        (Some(Figure::Fraction { num, den }), Some(x)) => format!(
            "{}% ({}/{})",
            vi::format_written(x),
            vi::format_written(*num),
            vi::format_written(*den)
        ),
        (_, Some(x)) if percent => format!("{}%", vi::format_written(x)),
        (_, Some(x)) => vi::format_written(x),
        _ => String::new(),
    }
}

/// Words for a claim in messages.
fn claim_words(claim: Claim) -> Msg {
    Msg::new(match claim {
        Claim::Exceeded => "status_exceeded",
        Claim::Achieved => "status_achieved",
        Claim::Met => "claim_met",
        Claim::NotAchieved => "status_not_achieved",
        Claim::BroadlyAchieved => "claim_broadly_achieved",
        Claim::NotAssessed => "status_not_assessed",
        Claim::Change => "claim_change",
    })
}

/// A stated result against the computed status and figures: words the
/// grammar does not know, a status that differs, a figure ("Vượt 1,6%",
/// "Đạt 96,16% so với nghị quyết", "Tăng 5%") that the figures do not give
/// at the precision the report writes it.
fn stated_result(unit: &Unit, ind: &Indicator, diags: &mut Diagnostics) {
    let Some(span) = ind.spans.stated.map(Span::range) else {
        return;
    };
    let claim = match ind.reading {
        Reading::Empty => return,
        Reading::NotUnderstood => {
            diags.push(
                Diagnostic::warning(
                    Msg::new("stated_not_understood")
                        .arg("id", &ind.id)
                        .arg("stated", &ind.stated),
                )
                .at(unit.file, span)
                .label(Msg::new("stated_not_understood_label"))
                .hint(Msg::new("stated_hint")),
            );
            return;
        }
        Reading::Understood { claim, .. } => claim,
    };
    if ind.assessment.basis == Basis::Report && ind.parts.is_empty() {
        // Judged in words only: nothing to compare.
        return;
    }

    let computed = ind.status();
    let target_text = ind
        .target
        .as_ref()
        .map(Target::to_string)
        .unwrap_or_default();
    if ind.reading.disagrees(computed) {
        let yes_no = matches!(ind.actual, Some(Figure::Bool(_)));
        let message = if compared_text(ind).is_empty() && !yes_no {
            Msg::new("stated_differs_parts")
        } else {
            with_figures(Msg::new("stated_differs"), ind).arg("target", &target_text)
        };
        diags.push(
            Diagnostic::warning(
                message
                    .arg("id", &ind.id)
                    .arg("stated", &ind.stated)
                    .arg_msg("status", status_words(computed)),
            )
            .at(unit.file, span)
            .label(Msg::new("stated_label").arg_msg("claim", claim_words(claim)))
            .hint(Msg::new("stated_differs_hint")),
        );
        return;
    }
    if let Some(m) = stated_figure_mismatch(ind) {
        let shown = m.computed_text();
        diags.push(
            Diagnostic::warning(
                with_figures(Msg::new("stated_figure_differs"), ind)
                    .arg("id", &ind.id)
                    .arg("stated", &ind.stated)
                    .arg("shown", &shown)
                    .arg_msg("what", m.what_msg())
                    .arg("target", &target_text),
            )
            .at(unit.file, span)
            .label(
                Msg::new("stated_figure_label")
                    .arg("stated", vi::format_written(m.stated))
                    .arg("shown", &shown),
            )
            .hint(Msg::new("stated_figure_hint")),
        );
    }
}

/// The figure of a stated result when the figures do not give it (see
/// [`target::stated_figure_mismatch`]), for an indicator.
pub(crate) fn stated_figure_mismatch(ind: &Indicator) -> Option<StatedMismatch> {
    target::stated_figure_mismatch(
        ind.reading,
        ind.target.as_ref(),
        ind.assessment.compared,
        ind.baseline.as_ref().and_then(Figure::value),
    )
}

/// A unit's total that a denominator counts.
fn unit_total(unit: &Unit, what: Denominator) -> Option<i64> {
    match what {
        Denominator::Organisations => unit.organisations,
        Denominator::Members => unit.members,
    }
}

fn denominator_words(what: Denominator) -> Msg {
    Msg::new(match what {
        Denominator::Organisations => "party_organisations",
        Denominator::Members => "party_members",
    })
}

/// Fractions whose denominator is declared to count the unit's own
/// organisations or members must use the unit's total.
fn denominators(unit: &Unit, ind: &Indicator, diags: &mut Diagnostics) {
    let Some(what) = ind.denominator else {
        return;
    };
    let Some(total) = unit_total(unit, what) else {
        return;
    };
    for (figure, span) in [
        (&ind.baseline, &ind.spans.baseline),
        (&ind.actual, &ind.spans.actual),
        (&ind.estimate, &ind.spans.estimate),
    ] {
        if let (Some(Figure::Fraction { den, .. }), Some(span)) = (figure, span)
            && *den != rust_decimal::Decimal::from(total)
        {
            diags.push(
                Diagnostic::warning(
                    Msg::new("denominator_differs")
                        .arg("id", &ind.id)
                        .arg("den", vi::format_written(*den))
                        .arg_msg("what", denominator_words(what))
                        .arg("total", vi::format_int(total))
                        .arg("key", what.key())
                        .arg("written", total),
                )
                .at(unit.file, span.range())
                .hint(Msg::new("denominator_differs_hint").arg("key", what.key())),
            );
        }
    }
}

/// A parent's totals against its children: members add up (every member
/// belongs to exactly one organisation below), and each child unit is one of
/// the parent's organisations.
fn children_totals(site: &Site, i: usize, diags: &mut Diagnostics) {
    let unit = &site.units[i];
    let children = &site.children[i];
    if children.is_empty() {
        return;
    }
    if let (Some(members), Some(span)) = (unit.members, unit.members_span.clone()) {
        // Summed wide: no count of members can overflow it.
        let sum: i128 = children
            .iter()
            .filter_map(|&c| site.units[c].members)
            .map(i128::from)
            .sum();
        if sum > i128::from(members) {
            diags.push(
                Diagnostic::warning(
                    Msg::new("children_members")
                        .arg("unit", unit.display_name())
                        .arg("sum", vi::group_thousands(&sum.to_string()))
                        .arg("members", vi::format_int(members)),
                )
                .at(unit.file, span)
                .hint(Msg::new("children_members_hint")),
            );
        }
    }
    if let (Some(organisations), Some(span)) = (unit.organisations, unit.organisations_span.clone())
        && children.len() as i64 > organisations
    {
        diags.push(
            Diagnostic::warning(
                Msg::new(if children.len() == 1 {
                    "children_organisations_one"
                } else {
                    "children_organisations"
                })
                .arg("unit", unit.display_name())
                .arg("children", children.len())
                .arg("organisations", organisations),
            )
            .at(unit.file, span)
            .hint(Msg::new("children_organisations_hint")),
        );
    }
}

// The report's stated overall result (`stated_overall`) against the
// figures counted from the data, by the site's counting rule.

/// A `stated_overall` that is not understood, or that differs from the
/// indicators counted by the site's rule.
fn stated_overall(site: &Site, unit: &Unit, diags: &mut Diagnostics) {
    let Some(stated) = &unit.stated_overall else {
        return;
    };
    let rule = site.config.count;
    let Some(reading) = overall::read(&stated.text) else {
        diags.push(
            Diagnostic::warning(Msg::new("overall_not_understood").arg("stated", &stated.text))
                .at(unit.file, stated.span.clone())
                .label(Msg::new("overall_not_understood_label"))
                .hint(Msg::new("overall_not_understood_hint")),
        );
        return;
    };
    let mut t = Tally::default();
    t.add_indicators(&unit.indicators, rule);
    let met = t.exceeded + t.achieved;
    if reading.agrees(met, t.not_achieved, t.total()) {
        return;
    }
    let written = |c: &Option<overall::Count>| c.as_ref().map(|c| c.written.clone());
    let stated_figures = match (written(&reading.met), written(&reading.not_met)) {
        (Some(met), Some(not_met)) => Msg::new("overall_met_not_met")
            .arg("met", met)
            .arg("not_met", not_met),
        (Some(met), None) => Msg::new("overall_met").arg("met", met),
        (None, Some(not_met)) => Msg::new("overall_not_met").arg("not_met", not_met),
        (None, None) => Msg::new("overall_nothing"),
    };
    diags.push(
        Diagnostic::warning(
            Msg::new("overall_differs")
                .arg("unit", unit.display_name())
                .arg_msg("stated", stated_figures)
                .arg("met", met)
                .arg("not_met", t.not_achieved)
                .arg("total", t.total())
                .arg("rule", rule.key()),
        )
        .at(unit.file, stated.span.clone())
        .label(Msg::new("overall_differs_label"))
        .hint(Msg::new("overall_differs_hint").arg("rule", rule.key())),
    );
}
