//! Review rounds: the mid-term review, the end-of-term review, yearly
//! reports, declared as `[[rounds]]` in site.toml. The first round's files
//! are each unit folder's own (`unit.toml`, `report.md`), so a site of one
//! review is a site of one round and a new round never moves a file; a
//! later round's are in `rounds/<id>/` of the unit folder. A unit with no
//! folder for a round stands in it by its identity alone (name, level,
//! parent): it has not reported.
//!
//! A round is resolved into a whole [`Site`] by the model, from the source
//! [`source_for`] makes: the same catalogue and configuration with the
//! round's dates, and the round's unit files. Nothing here reads the disk.

use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;
use toml::value::Datetime;

use crate::diag::{Diagnostic, Diagnostics, FileId, Msg, did_you_mean_msg};
use crate::load::{HighlightSource, RawConfig, RawRound, RoundFiles, SiteSource, UnitFiles};
use crate::model::{Indicator, Site, Submission};
use crate::target::Status;

/// A declared round, resolved.
#[derive(Debug, Clone)]
pub(crate) struct Round {
    /// Stable: earlier rounds' pages live under `rounds/<id>/`.
    pub id: String,
    pub name: String,
    /// Its `[[rounds]]` table in site.toml: problems there belong to it.
    pub span: Range<usize>,
    /// The round's figures are invented (the example's end-of-term round).
    pub illustrative: bool,
}

/// The rounds of a site, oldest first, and the one shown at its root.
#[derive(Debug, Clone)]
pub(crate) struct Rounds {
    pub list: Vec<Round>,
    pub current: usize,
}

/// Every round of a site resolved into its own model; the current round's
/// model is the site `build` renders at the root, the others are here.
#[derive(Debug, Clone)]
pub(crate) struct RoundSites {
    pub rounds: Rounds,
    /// By the index of `rounds.list`; `None` at the current round.
    pub sites: Vec<Option<Site>>,
}

/// Where the pages of a round that is not current live, from the site root.
pub(crate) fn prefix(id: &str) -> String {
    format!("rounds/{id}/")
}

/// Resolves `[[rounds]]` and `current_round`. `None` for a site of one
/// review (no `[[rounds]]`), which is built exactly as before rounds
/// existed. Every problem is a diagnostic at its place in site.toml.
pub(crate) fn resolve(
    config: Option<&(FileId, RawConfig)>,
    diags: &mut Diagnostics,
) -> Option<Rounds> {
    let (file, config) = config?;
    let file = *file;
    if config.rounds.is_empty() {
        if let Some(current) = &config.current_round {
            diags.push(
                Diagnostic::error(
                    Msg::new("round_current_without_rounds"),
                    Msg::new("round_current_without_rounds_hint"),
                )
                .at(file, current.span()),
            );
        }
        return None;
    }
    let fallback = plain_date(&config.review.cutoff);
    let mut list: Vec<Round> = Vec::new();
    let mut previous: Option<(Date, Range<usize>)> = None;
    for spanned in &config.rounds {
        let raw = spanned.get_ref();
        let id = raw.id.get_ref();
        if !valid_id(id) {
            diags.push(
                Diagnostic::error(
                    Msg::new("round_id_invalid").arg("id", id),
                    Msg::new("round_id_invalid_hint").arg("suggestion", crate::vi::slugify(id)),
                )
                .at(file, raw.id.span()),
            );
        }
        if let Some(first) = config
            .rounds
            .iter()
            .find(|r| r.get_ref().id.get_ref() == id)
            && first.span() != spanned.span()
        {
            diags.push(
                Diagnostic::error(
                    Msg::new("round_duplicate").arg("id", id),
                    Msg::new("round_duplicate_hint"),
                )
                .at(file, raw.id.span())
                .label(Msg::new("round_duplicate_label")),
            );
        }
        let cutoff_value = raw.cutoff.as_ref().unwrap_or(&config.review.cutoff);
        let cutoff = plain_date(cutoff_value).or(fallback).unwrap_or_default();
        let cutoff_span = raw
            .cutoff
            .as_ref()
            .map_or_else(|| raw.id.span(), Spanned::span);
        if let Some((before, _)) = &previous
            && cutoff <= *before
        {
            diags.push(
                Diagnostic::error(
                    Msg::new("round_cutoff_order")
                        .arg("id", id)
                        .arg("cutoff", crate::vi::format_date(cutoff))
                        .arg("previous", crate::vi::format_date(*before)),
                    Msg::new("round_cutoff_order_hint"),
                )
                .at(file, cutoff_span.clone())
                .label(Msg::new("round_cutoff_order_label")),
            );
        }
        let as_of = raw.as_of.as_ref().or(config.review.as_of.as_ref());
        if let Some(as_of_value) = as_of
            && let Some(as_of) = plain_date(as_of_value)
            && as_of < cutoff
        {
            diags.push(
                Diagnostic::error(
                    Msg::new("round_as_of_before_cutoff")
                        .arg("id", id)
                        .arg("as_of", crate::vi::format_date(as_of))
                        .arg("cutoff", crate::vi::format_date(cutoff)),
                    Msg::new("round_as_of_before_cutoff_hint"),
                )
                .at(
                    file,
                    raw.as_of
                        .as_ref()
                        .map_or_else(|| raw.id.span(), Spanned::span),
                ),
            );
        }
        previous = Some((cutoff, cutoff_span));
        list.push(Round {
            id: id.clone(),
            name: raw.name.get_ref().clone(),
            span: spanned.span(),
            illustrative: raw.illustrative,
        });
    }
    let current = match &config.current_round {
        None => list.len() - 1,
        Some(current) => match list.iter().position(|r| &r.id == current.get_ref()) {
            Some(i) => i,
            None => {
                diags.push(
                    Diagnostic::error(
                        Msg::new("round_unknown").arg("id", current.get_ref()),
                        did_you_mean_msg(current.get_ref(), list.iter().map(|r| r.id.as_str()))
                            .unwrap_or_else(|| Msg::new("round_unknown_hint")),
                    )
                    .at(file, current.span())
                    .label(Msg::new("round_unknown_label")),
                );
                list.len() - 1
            }
        },
    };
    Some(Rounds { list, current })
}

/// The round folders of the units: each must name a declared round other
/// than the first (whose files are the unit folder's own).
pub(crate) fn check_folders(
    rounds: Option<&Rounds>,
    folders: &[RoundFiles],
    diags: &mut Diagnostics,
) {
    let ids: Vec<&str> =
        rounds.map_or_else(Vec::new, |r| r.list.iter().map(|r| r.id.as_str()).collect());
    for folder in folders {
        let position = ids.iter().position(|id| *id == folder.round);
        let problem = match position {
            Some(0) => Diagnostic::error(
                Msg::new("round_folder_first").arg("path", folder.path.display()),
                Msg::new("round_folder_first_hint"),
            ),
            Some(_) => continue,
            None => Diagnostic::error(
                Msg::new("round_folder_undeclared")
                    .arg("path", folder.path.display())
                    .arg("id", &folder.round),
                did_you_mean_msg(&folder.round, ids.iter().copied())
                    .unwrap_or_else(|| Msg::new("round_folder_undeclared_hint")),
            ),
        };
        diags.push(problem.at_path(&folder.path, 1, 1));
    }
}

/// Which round each highlight belongs to (by index in `rounds.list`): its
/// `round`, or the first round. A highlight naming no declared round is an
/// error and belongs to none; with no rounds declared, `round` is one too.
pub(crate) fn highlight_rounds(
    rounds: Option<&Rounds>,
    highlights: &[HighlightSource],
    diags: &mut Diagnostics,
) -> Vec<Option<usize>> {
    highlights
        .iter()
        .map(|h| {
            let Some(named) = &h.data.round else {
                return Some(0);
            };
            let ids: Vec<&str> =
                rounds.map_or_else(Vec::new, |r| r.list.iter().map(|r| r.id.as_str()).collect());
            let found = ids.iter().position(|id| id == named.get_ref());
            if found.is_none() {
                diags.push(
                    Diagnostic::error(
                        Msg::new("round_unknown").arg("id", named.get_ref()),
                        did_you_mean_msg(named.get_ref(), ids.iter().copied())
                            .unwrap_or_else(|| Msg::new("round_highlight_unknown_hint")),
                    )
                    .at(h.file, named.span())
                    .label(Msg::new("round_unknown_label")),
                );
            }
            found
        })
        .collect()
}

/// The source of round `index`: the configuration with the round's dates
/// and title, and each unit's files for the round (its own files for the
/// first round, its `rounds/<id>/` folder for a later one, its identity
/// alone where it has none). The highlights stay with the source the
/// current round is resolved from.
pub(crate) fn source_for(source: &SiteSource, rounds: &Rounds, index: usize) -> SiteSource {
    let id = &rounds.list[index].id;
    let config = source.config.as_ref().map(|(file, config)| {
        let mut config = config.clone();
        if let Some(raw) = config.rounds.get(index).cloned() {
            apply(&mut config, raw.into_inner());
        }
        (*file, config)
    });
    let units = source
        .units
        .iter()
        .map(|files| {
            if index == 0 {
                return files.clone();
            }
            let own = source
                .round_units
                .iter()
                .find(|r| &r.round == id && r.files.as_ref().is_some_and(|f| f.id == files.id));
            match own.and_then(|r| r.files.clone()) {
                Some(own) => own,
                None => UnitFiles {
                    report: None,
                    identity_only: true,
                    ..files.clone()
                },
            }
        })
        .collect();
    SiteSource {
        config,
        catalogue: source.catalogue.clone(),
        catalogue_failed: source.catalogue_failed,
        units,
        unit_folders: source.unit_folders.clone(),
        highlights: Vec::new(),
        round_units: Vec::new(),
    }
}

/// The files whose problems a round's resolution reports: the files of its
/// own units (a unit standing by its identity alone is another round's).
pub(crate) fn own_files(source: &SiteSource) -> std::collections::HashSet<FileId> {
    source
        .units
        .iter()
        .filter(|u| !u.identity_only)
        .flat_map(|u| std::iter::once(u.file).chain(u.report))
        .collect()
}

/// A round's dates, title, description, plan and press profile in place of
/// `[review]`'s, `[deadlines]`', the site's and `[public]`'s.
fn apply(config: &mut RawConfig, raw: RawRound) {
    if let Some(cutoff) = raw.cutoff {
        config.review.cutoff = cutoff;
    }
    if let Some(as_of) = raw.as_of {
        config.review.as_of = Some(as_of);
    }
    if let Some(year) = raw.estimate_year {
        config.review.estimate_year = Some(year);
    }
    if let Some(deadlines) = raw.deadlines {
        config.deadlines = deadlines;
    }
    if let Some(title) = raw.title {
        config.title = Spanned::new(config.title.span(), title);
    }
    if let Some(description) = raw.description {
        config.description = description;
    }
    if let Some(plan) = raw.plan {
        config.review.plan = plan;
    }
    if let Some(public) = raw.public {
        let own = &mut config.public;
        own.title = public.title.or(own.title.take());
        own.subtitle = public.subtitle.or(own.subtitle.take());
        own.description = public.description.or(own.description.take());
    }
}

/// A round id names a folder and a URL: lower-case ASCII letters, digits
/// and '-'.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A TOML date as a civil date; `None` for anything else (the model reports
/// it where it reads the value).
fn plain_date(value: &Spanned<Datetime>) -> Option<Date> {
    match (
        &value.get_ref().date,
        &value.get_ref().time,
        &value.get_ref().offset,
    ) {
        (Some(d), None, None) => Date::new(d.year as i16, d.month as i8, d.day as i8).ok(),
        _ => None,
    }
}

/// An indicator of a unit in two rounds whose status can be compared.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    /// The unit's index in the later round's site.
    pub unit: usize,
    /// The unit's index in the earlier round's site.
    pub before_unit: usize,
    /// The indicator's id (a part's own id), the same in both rounds.
    pub indicator: String,
    /// The catalogue id it `ref`s, if any.
    pub catalogue: Option<String>,
    pub description: String,
    pub before: Status,
    pub after: Status,
    pub before_value: Option<rust_decimal::Decimal>,
    pub after_value: Option<rust_decimal::Decimal>,
    /// The figures as reported, for the export (a yes/no indicator has no
    /// `*_value`).
    pub before_actual: Option<crate::target::Figure>,
    pub after_actual: Option<crate::target::Figure>,
}

/// Which way a status moved between two rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Improved,
    Worsened,
    Unchanged,
}

impl Change {
    /// Not achieved < achieved < exceeded; `None` when either round could
    /// not assess it.
    pub(crate) fn direction(&self) -> Option<Direction> {
        let rank = |s: Status| match s {
            Status::NotAchieved => Some(0),
            Status::Achieved => Some(1),
            Status::Exceeded => Some(2),
            Status::NotAssessed => None,
        };
        let (before, after) = (rank(self.before)?, rank(self.after)?);
        Some(match after.cmp(&before) {
            std::cmp::Ordering::Greater => Direction::Improved,
            std::cmp::Ordering::Less => Direction::Worsened,
            std::cmp::Ordering::Equal => Direction::Unchanged,
        })
    }
}

/// Every indicator that a unit reports in both rounds (matched by the
/// unit's folder and the indicator's id; parts by their own id), in the
/// later round's order of units.
pub(crate) fn changes(before: &Site, after: &Site) -> Vec<Change> {
    let mut out = Vec::new();
    for (u, unit) in after.units.iter().enumerate() {
        let Some((e, earlier)) = before
            .units
            .iter()
            .enumerate()
            .find(|(_, e)| e.id == unit.id)
        else {
            continue;
        };
        let then: Vec<&Indicator> = flatten(&earlier.indicators);
        for ind in flatten(&unit.indicators) {
            let Some(old) = then.iter().find(|o| o.id == ind.id) else {
                continue;
            };
            out.push(Change {
                unit: u,
                before_unit: e,
                indicator: ind.id.to_string(),
                catalogue: ind.catalogue.as_ref().map(ToString::to_string),
                description: ind.description.to_string(),
                before: old.assessment.status,
                after: ind.assessment.status,
                before_value: old.assessment.shown,
                after_value: ind.assessment.shown,
                before_actual: old.actual,
                after_actual: ind.actual,
            });
        }
    }
    out
}

/// The units (by index in `after`) late or missing in both rounds.
pub(crate) fn late_in_both(before: &Site, after: &Site) -> Vec<usize> {
    let behind = |s: Submission| matches!(s, Submission::Late { .. } | Submission::Missing);
    after
        .units
        .iter()
        .enumerate()
        .filter(|(_, unit)| {
            behind(unit.submission)
                && before
                    .units
                    .iter()
                    .any(|e| e.id == unit.id && behind(e.submission))
        })
        .map(|(i, _)| i)
        .collect()
}

/// A unit's indicators and their parts, in order.
pub(crate) fn flatten(indicators: &[Indicator]) -> Vec<&Indicator> {
    let mut out = Vec::new();
    for ind in indicators {
        out.push(ind);
        out.extend(flatten(&ind.parts));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(before: Status, after: Status) -> Change {
        Change {
            unit: 0,
            before_unit: 0,
            indicator: "1".into(),
            catalogue: None,
            description: String::new(),
            before,
            after,
            before_value: None,
            after_value: None,
            before_actual: None,
            after_actual: None,
        }
    }

    #[test]
    fn a_status_moves_by_the_order_not_achieved_achieved_exceeded() {
        use Status::*;
        assert_eq!(
            change(NotAchieved, Achieved).direction(),
            Some(Direction::Improved)
        );
        assert_eq!(
            change(Exceeded, Achieved).direction(),
            Some(Direction::Worsened)
        );
        assert_eq!(
            change(Exceeded, Exceeded).direction(),
            Some(Direction::Unchanged)
        );
        assert_eq!(change(NotAssessed, Exceeded).direction(), None);
        assert_eq!(change(Achieved, NotAssessed).direction(), None);
    }

    #[test]
    fn round_ids_are_folder_and_address_safe() {
        assert!(valid_id("tong-ket-2025"));
        for bad in ["", "Tổng kết", "tong_ket", "a/b", "TK"] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
