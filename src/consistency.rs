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
use crate::i18n::{Language, Strings};
use crate::model::{Denominator, Indicator, Site, Span, Unit};
use crate::overall;
use crate::rollup::Tally;
use crate::scan::{self, FindingKind};
use crate::target::{self, Figure, Margin, Status, Target};
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

/// The figure the status was computed from, for messages: "98%", "57,75%
/// (41/71)", "101,67/năm".
fn compared_text(ind: &Indicator) -> String {
    let percent = ind.target.as_ref().is_some_and(|t| t.percent);
    match (&ind.actual, ind.assessment.compared) {
        (Some(Figure::Fraction { num, den }), Some(x)) => format!(
            "{}% ({}/{})",
            vi::format_decimal(x),
            vi::format_decimal(*num),
            vi::format_decimal(*den)
        ),
        (Some(Figure::Bool(b)), _) => if *b { "có" } else { "không" }.to_string(),
        (_, Some(x)) if percent => format!("{}%", vi::format_decimal(x)),
        (_, Some(x)) => vi::format_decimal(x),
        _ => String::new(),
    }
}

/// The number a stated result gives before a `%`: "Vượt 1,6%" → (1.6, 1
/// decimal); "Đạt 96,16% so với nghị quyết" → (96.16, 2).
pub(crate) fn stated_number(stated: &str) -> Option<(f64, usize)> {
    let percent = stated.find('%')?;
    let before = stated[..percent].trim_end();
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == ',' || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    let token = &before[start..];
    let decimals = token.rsplit_once(',').map_or(0, |(_, d)| d.len());
    match target::parse_figure(token).ok()? {
        Figure::Number(x) if x.is_finite() => Some((x, decimals)),
        _ => None,
    }
}

/// Whether `computed`, rounded to `decimals`, is `stated`.
fn rounds_to(computed: f64, stated: f64, decimals: usize) -> bool {
    let scale = 10f64.powi(decimals.min(6) as i32);
    ((computed * scale).round() - stated * scale).abs() < 1e-6
}

/// A stated result against the computed status and margin.
fn stated_result(unit: &Unit, ind: &Indicator, diags: &mut Diagnostics) {
    let (Some(stated_status), Some(span)) = (ind.stated_status, ind.spans.stated.map(Span::range))
    else {
        return;
    };
    let computed = ind.status();
    let target = ind
        .target
        .as_ref()
        .map(Target::to_string)
        .unwrap_or_default();
    if target::disagrees(stated_status, computed) {
        let figures = compared_text(ind);
        let because = if figures.is_empty() {
            format!("its parts give {}", status_words(computed))
        } else {
            format!(
                "{figures} against the target {target} is {}",
                status_words(computed)
            )
        };
        diags.push(
            Diagnostic::warning(format!(
                "indicator `{}`: the report states “{}” but {because}",
                ind.id, ind.stated
            ))
            .at(unit.file, span)
            .label(format!("stated: {}", status_words(stated_status)))
            .hint(
                "check the figures and the stated result against the report; the page shows both",
            ),
        );
        return;
    }
    let (Some((number, decimals)), Some(margin)) =
        (stated_number(&ind.stated), ind.assessment.margin)
    else {
        return;
    };
    let computed_margin = match (stated_status, margin) {
        (Status::Exceeded, Margin::Points(x) | Margin::Relative(x)) if x > 0.0 => x,
        (Status::Achieved, Margin::ShareOfTarget(x)) => x,
        _ => return,
    };
    if !rounds_to(computed_margin, number, decimals) {
        let lower = ind.target.as_ref().is_some_and(Target::lower_is_better);
        diags.push(
            Diagnostic::warning(format!(
                "indicator `{}`: the report states “{}” but the figures give {} ({} against {target})",
                ind.id,
                ind.stated,
                // A diagnostic: in Vietnamese, as the report states it.
                target::margin_text(margin, lower, &Strings::new(Language::Vi)),
                compared_text(ind)
            ))
            .at(unit.file, span)
            .label(format!(
                "stated {}%, computed {}%",
                vi::format_decimal(number),
                vi::format_decimal(computed_margin)
            ))
            .hint("correct the figure or the stated margin so that they agree"),
        );
    }
}

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
            && *den != total as f64
        {
            diags.push(
                Diagnostic::warning(format!(
                    "indicator `{}` counts out of {} {}, but the unit has {} (`{} = {}`)",
                    ind.id,
                    vi::format_decimal(*den),
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
        let sum: i64 = children.iter().filter_map(|&c| site.units[c].members).sum();
        if sum > members {
            diags.push(
                Diagnostic::warning(format!(
                    "the units below {} have {} party members in all, more than the {} given here",
                    unit.display_name(),
                    vi::format_int(sum),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stated_numbers_are_read_the_vietnamese_way() {
        assert_eq!(stated_number("Vượt 1,6%"), Some((1.6, 1)));
        assert_eq!(
            stated_number("Đạt 96,16% so với nghị quyết"),
            Some((96.16, 2))
        );
        assert_eq!(stated_number("Vượt 12 %"), Some((12.0, 0)));
        assert_eq!(stated_number("Đạt"), None);
        assert_eq!(stated_number("Vượt %"), None);
    }

    #[test]
    fn margins_are_compared_at_the_stated_precision() {
        assert!(rounds_to(3.1, 3.1, 1));
        assert!(rounds_to(1.6000000001, 1.6, 1));
        assert!(!rounds_to(1.67, 1.6, 1));
        assert!(rounds_to(1.67, 1.7, 1));
        assert!(!rounds_to(96.24, 96.16, 2));
    }
}
