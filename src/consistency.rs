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

use crate::diag::{Diagnostic, Diagnostics, FileId, Sources};
use crate::model::{Denominator, Indicator, Site, Span, Unit};
use crate::overall;
use crate::rollup::Tally;
use crate::scan::{self, FindingKind};
use crate::target::{self, Basis, Claim, Figure, Reading, StatedMismatch, Status, Target};
use crate::vi;

/// Runs every consistency check over a resolved site. Units are checked in
/// parallel (scanning reports is the costly part); the warnings keep the
/// order of the units.
pub(crate) fn check(site: &Site, diags: &mut Diagnostics) {
    let found: Vec<Diagnostics> = (0..site.units.len())
        .into_par_iter()
        .map(|i| {
            let unit = &site.units[i];
            let mut local = Diagnostics::default();
            for ind in &unit.indicators {
                for one in std::iter::once(ind).chain(&ind.parts) {
                    stated_result(unit, one, &mut local);
                    denominators(unit, one, &mut local);
                    figure_without_target(unit, one, &mut local);
                    // An exact span holds the note byte for byte.
                    match &one.spans.note {
                        Some((span, true)) => {
                            scan_text(unit, unit.file, &one.note, span.range().start, &mut local)
                        }
                        // A note with escapes: its findings point at the whole note.
                        Some((span, false)) => {
                            scan_text_at(unit, unit.file, &one.note, span.range(), &mut local)
                        }
                        None => {}
                    }
                }
            }
            children_totals(site, i, &mut local);
            stated_overall(site, unit, &mut local);
            local
        })
        .collect();
    for local in found {
        diags.extend(local);
    }
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
        Diagnostic::warning(format!(
            "indicator `{}` has a figure but no target: it is not assessed",
            ind.id
        ))
        .at(unit.file, span)
        .label("no target to compare it with")
        .hint(format!(
            "write its target (`>= 95%`, `3-5%/năm`, `100%` or `yes`) as the report states it: “{}”",
            ind.description
        )),
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
        FindingKind::FractionPercent { .. } | FindingKind::MalformedNumber { .. } => Some(
            Diagnostic::warning(scan::message(kind)).maybe_hint(scan::hint(kind)),
        ),
        FindingKind::OrganisationCount { .. } => {
            scan::count_problem(kind, unit.organisations, unit.members).map(|m| {
                Diagnostic::warning(m).hint(
                    "the same count must be the same everywhere: correct the text or `organisations` in unit.toml",
                )
            })
        }
        FindingKind::MemberCount { .. } => {
            scan::count_problem(kind, unit.organisations, unit.members).map(|m| {
                Diagnostic::warning(m).hint(
                    "the same count must be the same everywhere: correct the text or `members` in unit.toml",
                )
            })
        }
    }
}

/// Words for a status in messages: the Vietnamese word the reports use.
fn status_words(status: Status) -> &'static str {
    match status {
        Status::Exceeded => "vượt (exceeded)",
        Status::Achieved => "đạt (achieved)",
        Status::NotAchieved => "không đạt (not achieved)",
        Status::NotAssessed => "chưa đánh giá (not assessed)",
    }
}

/// The figure the status was computed from, for messages, as the page shows
/// it: "98%", "57,75% (41/71)", "101,67".
fn compared_text(ind: &Indicator) -> String {
    let percent = ind.target.as_ref().is_some_and(|t| t.percent);
    match (&ind.actual, ind.assessment.shown) {
        (Some(Figure::Fraction { num, den }), Some(x)) => format!(
            "{}% ({}/{})",
            vi::format_written(x),
            vi::format_written(*num),
            vi::format_written(*den)
        ),
        (Some(Figure::Bool(b)), _) => if *b { "có" } else { "không" }.to_string(),
        (_, Some(x)) if percent => format!("{}%", vi::format_written(x)),
        (_, Some(x)) => vi::format_written(x),
        _ => String::new(),
    }
}

/// Words for a claim in messages.
fn claim_words(claim: Claim) -> &'static str {
    match claim {
        Claim::Exceeded => "vượt (exceeded)",
        Claim::Achieved => "đạt (achieved)",
        Claim::Met => "đạt và vượt (achieved or exceeded)",
        Claim::NotAchieved => "không đạt (not achieved)",
        Claim::BroadlyAchieved => "cơ bản đạt (broadly achieved: not achieved by the figures)",
        Claim::NotAssessed => "chưa đánh giá (not assessed)",
        Claim::Change => "a change, no status",
    }
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
                Diagnostic::warning(format!(
                    "indicator `{}`: the stated result “{}” is not understood; the page shows it as the report's words, without a status",
                    ind.id, ind.stated
                ))
                .at(unit.file, span)
                .label("not understood")
                .hint(STATED_HINT),
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
        let figures = compared_text(ind);
        let because = if figures.is_empty() {
            format!("its parts give {}", status_words(computed))
        } else {
            format!(
                "{figures} against the target {target_text} is {}",
                status_words(computed)
            )
        };
        diags.push(
            Diagnostic::warning(format!(
                "indicator `{}`: the report states “{}” but {because}",
                ind.id, ind.stated
            ))
            .at(unit.file, span)
            .label(format!("stated: {}", claim_words(claim)))
            .hint(
                "check the figures and the stated result against the report; the page shows both",
            ),
        );
        return;
    }
    if let Some(m) = stated_figure_mismatch(ind) {
        let shown = m.computed_text();
        diags.push(
            Diagnostic::warning(format!(
                "indicator `{}`: the report states “{}” but the figures give {shown}% {} ({} against {target_text})",
                ind.id,
                ind.stated,
                m.what,
                compared_text(ind)
            ))
            .at(unit.file, span)
            .label(format!(
                "stated {}%, computed {shown}%",
                vi::format_written(m.stated),
            ))
            .hint("correct the figure or the stated result so that they agree"),
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

/// The phrasings the grammar of stated results knows.
const STATED_HINT: &str = "write a stated result as the reports do: `Đạt`, `Vượt`, `Vượt 1,6%`, `Vượt 2 điểm %`, `Không đạt`, `Chưa đạt`, `Cơ bản đạt`, `Hoàn thành`, `Hoàn thành vượt mức`, `Đạt và vượt`, `Đạt 96,16% so với nghị quyết` (or KH, kế hoạch, mục tiêu, chỉ tiêu), `Bằng 98%`, `Tăng 5%`, `Giảm 2%`";

/// A unit's total that a denominator counts.
fn unit_total(unit: &Unit, what: Denominator) -> Option<i64> {
    match what {
        Denominator::Organisations => unit.organisations,
        Denominator::Members => unit.members,
    }
}

fn denominator_words(what: Denominator) -> &'static str {
    match what {
        Denominator::Organisations => "party organisations",
        Denominator::Members => "party members",
    }
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
                Diagnostic::warning(format!(
                    "indicator `{}` counts out of {} {}, but the unit has {} (`{} = {}`)",
                    ind.id,
                    vi::format_written(*den),
                    denominator_words(what),
                    vi::format_int(total),
                    what.key(),
                    total
                ))
                .at(unit.file, span.range())
                .hint(format!(
                    "the same count must be the same everywhere: correct the fraction or `{}`",
                    what.key()
                )),
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
                Diagnostic::warning(format!(
                    "the units below {} have {} party members in all, more than the {} given here",
                    unit.display_name(),
                    vi::group_thousands(&sum.to_string()),
                    vi::format_int(members)
                ))
                .at(unit.file, span)
                .hint("a unit's members include its children's: correct this total or a child's `members`"),
            );
        }
    }
    if let (Some(organisations), Some(span)) = (unit.organisations, unit.organisations_span.clone())
        && children.len() as i64 > organisations
    {
        diags.push(
            Diagnostic::warning(format!(
                "{} has {} {} directly below it in this site, more than the {} organisations given here",
                unit.display_name(),
                children.len(),
                if children.len() == 1 { "unit" } else { "units" },
                organisations
            ))
            .at(unit.file, span)
            .hint("each unit below is one of its organisations: correct `organisations` or a child's `parent`"),
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
            Diagnostic::warning(format!(
                "the stated overall result “{}” is not understood",
                stated.text
            ))
            .at(unit.file, stated.span.clone())
            .label("no figure read here: the page shows the words as written")
            .hint(
                "copy the report's phrase with its counts, e.g. “Hoàn thành và vượt 09/12 chỉ tiêu; không hoàn thành 02/12 chỉ tiêu” (docs/content-format.md, Counting)",
            ),
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
    let stated_figures: Vec<String> = [
        written(&reading.met).map(|w| format!("{w} met")),
        written(&reading.not_met).map(|w| format!("{w} not met")),
    ]
    .into_iter()
    .flatten()
    .collect();
    diags.push(
        Diagnostic::warning(format!(
            "{}: the report states {} but the indicators give {met}/{} met, {}/{} not met (counting {})",
            unit.display_name(),
            stated_figures.join(", "),
            t.total(),
            t.not_achieved,
            t.total(),
            rule.key()
        ))
        .at(unit.file, stated.span.clone())
        .label("the report's own figure")
        .hint(format!(
            "the page shows both, marked as different; check the indicators against the report, or set `[review] count` in site.toml to the rule the report counts by (now `{}`)",
            rule.key()
        )),
    );
}
