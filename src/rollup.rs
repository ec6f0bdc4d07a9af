//! Roll-ups across the hierarchy: what a parent unit's page (and the
//! province's, which summarises everything) says about the units below it.
//! Pure functions of the model; the rules are documented for readers in
//! `docs/content-format.md` ("Roll-ups"):
//!
//! - **counted**: the units below (all descendants, not only children), how
//!   many held their conference, how many reports are on time, late, missing
//!   or not yet due, and the indicator components of the units below by
//!   status (each unit's own indicators; nothing is counted twice);
//! - **for each catalogue indicator** used by units below: how many use it,
//!   how many have a figure, how many met their target, and the lowest,
//!   median and highest of the figures compared (after the per-year rule);
//!   when units set targets of their own (a commune admits 5 members a
//!   year, a district 120), the figures are not comparable, and the
//!   distribution is of each figure as a share of its unit's target;
//! - **nothing is summed or averaged**: a district's members are what it
//!   reports, not the sum of its branches' (those are only checked against
//!   it, in `consistency`), and percentages of units of different sizes are
//!   not averaged — the median and the range are shown instead.

use rust_decimal::prelude::ToPrimitive;
use rustc_hash::FxHashMap as HashMap;

use crate::model::{Indicator, Site, Submission, Unit, UnitField};
use crate::overall::CountRule;
use crate::target::{self, Basis, Exact, Status, Target};

/// Indicator components by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub exceeded: usize,
    pub achieved: usize,
    pub not_achieved: usize,
    pub not_assessed: usize,
    /// Of all these, the statuses the reports state in words for
    /// indicators without a figure ("theo báo cáo"); the rest are computed.
    pub by_report: usize,
}

impl Tally {
    pub(crate) fn add(&mut self, status: Status) {
        match status {
            Status::Exceeded => self.exceeded += 1,
            Status::Achieved => self.achieved += 1,
            Status::NotAchieved => self.not_achieved += 1,
            Status::NotAssessed => self.not_assessed += 1,
        }
    }

    /// Counts indicators by `rule`: every component (part, or indicator
    /// without parts), or one per indicator with its own status.
    pub(crate) fn add_indicators<'a>(
        &mut self,
        indicators: impl IntoIterator<Item = &'a Indicator>,
        rule: CountRule,
    ) {
        for ind in indicators {
            match rule {
                CountRule::Components if !ind.count_parts => self.add_component(ind),
                CountRule::Components => {
                    for c in ind.components() {
                        self.add_component(c);
                    }
                }
                CountRule::Indicators => self.add_component(ind),
            }
        }
    }

    /// Counts one indicator (or part) by its status and who judged it.
    pub(crate) fn add_component(&mut self, c: &Indicator) {
        self.add(c.status());
        if c.assessment.basis == Basis::Report {
            self.by_report += 1;
        }
    }

    pub(crate) fn total(&self) -> usize {
        self.exceeded + self.achieved + self.not_achieved + self.not_assessed
    }
}

/// Reports by submission status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Submissions {
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
    pub not_due: usize,
    /// Of each status (in the order on time, late, missing, not yet due),
    /// the submissions whose date is illustrative (the unit's or the date's
    /// mark): they count as any other, and the mark goes with them.
    pub illustrative: [usize; 4],
}

impl Submissions {
    /// A unit's submission, and whether its date is illustrative.
    pub(crate) fn add_unit(&mut self, unit: &Unit) {
        self.add(unit.submission);
        if unit.submitted.is_some() && unit.is_illustrative(UnitField::Submitted) {
            self.illustrative[Self::index(unit.submission)] += 1;
        }
    }

    /// The position of a status in `illustrative`.
    pub(crate) fn index(s: Submission) -> usize {
        match s {
            Submission::OnTime => 0,
            Submission::Late { .. } => 1,
            Submission::Missing => 2,
            Submission::NotDue => 3,
        }
    }

    pub(crate) fn add(&mut self, s: Submission) {
        match s {
            Submission::OnTime => self.on_time += 1,
            Submission::Late { .. } => self.late += 1,
            Submission::Missing => self.missing += 1,
            Submission::NotDue => self.not_due += 1,
        }
    }

    pub(crate) fn total(&self) -> usize {
        self.on_time + self.late + self.missing + self.not_due
    }
}

/// One catalogue indicator across a set of units.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shared {
    /// Index into `site.catalogue`.
    pub catalogue: usize,
    /// Units using it.
    pub units: usize,
    /// Of those, units with a figure to compare.
    pub with_figure: usize,
    pub statuses: Tally,
    /// The units set targets of their own: the distribution is then of each
    /// figure as a share of its unit's target (%), not of the figures.
    pub relative: bool,
    pub min: Option<Exact>,
    pub median: Option<Exact>,
    pub max: Option<Exact>,
}

/// What a unit's page says about the units below it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rollup {
    /// Every unit below, in the site's (collation) order.
    pub descendants: Vec<usize>,
    /// Units below that held their review conference.
    pub reviewed: usize,
    pub submissions: Submissions,
    pub statuses: Tally,
    /// Catalogue indicators used by at least one unit below, in catalogue order.
    pub shared: Vec<Shared>,
}

/// Every unit below `unit`, in the site's order. The hierarchy has no
/// cycles once the model is built; a visited set guards anyway.
pub(crate) fn descendants(site: &Site, unit: usize) -> Vec<usize> {
    let mut seen = vec![false; site.units.len()];
    let mut stack: Vec<usize> = site.children[unit].iter().rev().copied().collect();
    let mut out = Vec::new();
    while let Some(u) = stack.pop() {
        if std::mem::replace(&mut seen[u], true) || u == unit {
            continue;
        }
        out.push(u);
        stack.extend(site.children[u].iter().rev().copied());
    }
    out.sort_unstable();
    out
}

/// The roll-up of the units below `unit`.
pub(crate) fn rollup(site: &Site, unit: usize) -> Rollup {
    let below = descendants(site, unit);
    let mut submissions = Submissions::default();
    let mut statuses = Tally::default();
    let mut reviewed = 0;
    for &u in &below {
        let unit = &site.units[u];
        submissions.add_unit(unit);
        statuses.add_indicators(&unit.indicators, site.config.count);
        if unit.conference_date.is_some() {
            reviewed += 1;
        }
    }
    Rollup {
        reviewed,
        submissions,
        statuses,
        shared: shared(site, &below),
        descendants: below,
    }
}

/// Every indicator and part of `units` that refers to the catalogue, with
/// its unit.
fn catalogue_refs<'a>(
    site: &'a Site,
    units: &[usize],
) -> impl Iterator<Item = (usize, &'a Indicator)> {
    units.iter().flat_map(move |&u| {
        site.units[u]
            .indicators
            .iter()
            .flat_map(|ind| std::iter::once(ind).chain(&ind.parts))
            .filter(|one| one.catalogue.is_some())
            .map(move |one| (u, one))
    })
}

/// Each catalogue indicator's uses by `units` (every unit's indicators and
/// parts that refer to it), by catalogue position: one pass over the
/// units' indicators for every entry.
pub(crate) fn uses_by_entry<'a>(
    site: &'a Site,
    units: &[usize],
) -> Vec<Vec<(usize, &'a Indicator)>> {
    let position: HashMap<&str, usize> = site
        .catalogue
        .iter()
        .enumerate()
        .map(|(c, e)| (e.id.as_str(), c))
        .collect();
    let mut out = vec![Vec::new(); site.catalogue.len()];
    for (u, one) in catalogue_refs(site, units) {
        if let Some(&c) = one.catalogue.as_deref().and_then(|id| position.get(id)) {
            out[c].push((u, one));
        }
    }
    out
}

/// The distribution of every catalogue indicator over `units`, in catalogue
/// order, used or not.
pub(crate) fn summarise_all(site: &Site, units: &[usize]) -> Vec<Shared> {
    uses_by_entry(site, units)
        .iter()
        .enumerate()
        .map(|(c, used)| summarise(site, c, used))
        .collect()
}

/// The catalogue indicators used by `units`, with their distribution.
pub(crate) fn shared(site: &Site, units: &[usize]) -> Vec<Shared> {
    summarise_all(site, units)
        .into_iter()
        .filter(|s| s.units > 0)
        .collect()
}

/// The distribution of catalogue indicator `c` over its `uses` (from
/// [`uses_by_entry`]); all counts 0 when there are none.
pub(crate) fn summarise(site: &Site, c: usize, used: &[(usize, &Indicator)]) -> Shared {
    let entry = &site.catalogue[c];
    let relative = used.iter().any(|(_, ind)| ind.target != entry.target);
    let mut statuses = Tally::default();
    let mut figures: Vec<Exact> = Vec::new();
    for (_, ind) in used {
        statuses.add_component(ind);
        let figure = if relative {
            share_of_target(ind)
        } else {
            ind.assessment.compared
        };
        if let Some(x) = figure {
            figures.push(x);
        }
    }
    sort_exact(&mut figures);
    Shared {
        catalogue: c,
        units: used.len(),
        with_figure: figures.len(),
        statuses,
        relative,
        min: figures.first().copied(),
        median: median(&figures),
        max: figures.last().copied(),
    }
}

/// The figure compared as a share of the indicator's own target (%),
/// exactly; none without a figure or a numeric target (or a target of 0).
pub(crate) fn share_of_target(ind: &Indicator) -> Option<Exact> {
    target::share_of_target(ind.target.as_ref()?, ind.assessment.compared?)
}

/// The figure a target names, to draw a figure against: the bound, the low
/// end of a range, 100 for a 100% duty; none for a yes/no target.
pub(crate) fn target_value(t: &Target) -> Option<f64> {
    t.bounds().first().and_then(|b| b.to_f64())
}

/// Exact figures in order (by their nearest `f64` where the exact comparison
/// does not fit).
fn sort_exact(figures: &mut [Exact]) {
    figures.sort_by(|a, b| {
        a.cmp_exact(*b)
            .unwrap_or_else(|| a.to_f64().total_cmp(&b.to_f64()))
    });
}

/// The median of sorted figures: the middle one, or the mean of the two
/// middle ones (`None` also when that mean does not fit).
pub(crate) fn median(sorted: &[Exact]) -> Option<Exact> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => sorted[n / 2 - 1]
            .checked_add(sorted[n / 2])?
            .checked_div(Exact::int(2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The fixture hierarchy: tinh → huyen-a → xa-c → chi-bo-d, and
    /// tinh → huyen-b (see its unit.toml files for the figures).
    fn hierarchy() -> Site {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hierarchy");
        let checked = crate::build::check(&root, jiff::civil::date(2023, 9, 15), false);
        assert!(!checked.diagnostics.has_errors());
        checked.site.expect("the fixture loads")
    }

    fn unit(site: &Site, id: &str) -> usize {
        site.units.iter().position(|u| u.id == id).expect("unit")
    }

    #[test]
    fn an_illustrative_submission_date_counts_with_its_mark() {
        let site = hierarchy();
        let mut dated = site
            .units
            .iter()
            .find(|u| u.submitted.is_some() && !u.illustrative)
            .expect("a real submission")
            .clone();
        let index = Submissions::index(dated.submission);
        let mut plain = Submissions::default();
        plain.add_unit(&dated);
        assert_eq!(plain.total(), 1);
        assert_eq!(plain.illustrative, [0; 4]);

        dated.illustrative_fields = vec![UnitField::Members];
        let mut other = Submissions::default();
        other.add_unit(&dated);
        assert_eq!(other.illustrative, [0; 4], "another field's mark");

        for (fields, whole) in [(vec![UnitField::Submitted], false), (vec![], true)] {
            dated.illustrative_fields = fields;
            dated.illustrative = whole;
            let mut marked = Submissions::default();
            marked.add_unit(&dated);
            assert_eq!(marked.total(), 1, "it still counts");
            let mut expected = [0; 4];
            expected[index] = 1;
            assert_eq!(marked.illustrative, expected);
        }
    }

    #[test]
    fn the_province_rolls_up_every_unit_below_it() {
        let site = hierarchy();
        let r = rollup(&site, unit(&site, "tinh"));
        assert_eq!(r.descendants.len(), 4);
        assert_eq!(r.reviewed, 3, "xa-c held no conference");
        assert_eq!(
            r.submissions,
            Submissions {
                on_time: 2,
                late: 1,
                missing: 1,
                not_due: 0,
                illustrative: [0; 4],
            }
        );
        assert_eq!(
            r.statuses,
            Tally {
                exceeded: 2,
                achieved: 1,
                not_achieved: 3,
                not_assessed: 1,
                by_report: 0,
            }
        );
        let dv = &r.shared[0];
        assert_eq!(site.catalogue[dv.catalogue].id, "dv-htt");
        assert_eq!((dv.units, dv.with_figure, dv.relative), (4, 3, false));
        assert_eq!(
            (dv.min, dv.median, dv.max),
            (
                Some(Exact::int(85)),
                Some(Exact::int(90)),
                Some(Exact::int(92))
            )
        );
        assert_eq!(dv.statuses.exceeded + dv.statuses.achieved, 2);
        // Huyện A admits 125 a year against its own 100; xã C 7,5 against 10:
        // the figures are not comparable, their shares of target are.
        let kn = &r.shared[1];
        assert_eq!(site.catalogue[kn.catalogue].id, "ket-nap");
        assert_eq!((kn.units, kn.relative), (2, true));
        assert_eq!(
            (kn.min, kn.median, kn.max),
            (
                Some(Exact::int(75)),
                Some(Exact::int(100)),
                Some(Exact::int(125))
            )
        );
    }

    #[test]
    fn a_district_rolls_up_only_its_own_branch_of_the_tree() {
        let site = hierarchy();
        let r = rollup(&site, unit(&site, "huyen-a"));
        let ids: Vec<&str> = r
            .descendants
            .iter()
            .map(|&u| site.units[u].id.as_str())
            .collect();
        assert_eq!(ids, ["chi-bo-d", "xa-c"]);
        assert_eq!((r.submissions.on_time, r.submissions.missing), (1, 1));
        assert_eq!((r.statuses.not_achieved, r.statuses.not_assessed), (2, 1));
        // Only xã C uses ket-nap below huyện A, with the catalogue's target.
        let kn = r
            .shared
            .iter()
            .find(|s| site.catalogue[s.catalogue].id == "ket-nap")
            .unwrap();
        assert_eq!((kn.relative, kn.min), (false, Exact::ratio(15, 2)));
        assert!(
            rollup(&site, unit(&site, "chi-bo-d"))
                .descendants
                .is_empty()
        );
    }

    #[test]
    fn one_pass_finds_the_uses_of_every_entry_as_a_pass_per_entry_does() {
        let site = hierarchy();
        for units in [
            (0..site.units.len()).collect::<Vec<_>>(),
            rollup(&site, unit(&site, "huyen-a")).descendants,
        ] {
            let all = uses_by_entry(&site, &units);
            assert_eq!(all.len(), site.catalogue.len());
            for (entry, found) in site.catalogue.iter().zip(&all) {
                // A pass per entry, as the indicators' pages once made.
                let one: Vec<_> = catalogue_refs(&site, &units)
                    .filter(|(_, one)| one.catalogue.as_deref() == Some(entry.id.as_str()))
                    .collect();
                let key = |v: &[(usize, &Indicator)]| -> Vec<(usize, String)> {
                    v.iter().map(|(u, i)| (*u, i.id.to_string())).collect()
                };
                assert_eq!(key(found), key(&one), "{}", entry.id);
            }
        }
        let everything = uses_by_entry(&site, &(0..site.units.len()).collect::<Vec<_>>());
        assert!(
            everything.iter().all(|u| !u.is_empty()),
            "the fixture uses every entry"
        );
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        let e = |xs: &[i64]| xs.iter().map(|&x| Exact::int(x)).collect::<Vec<_>>();
        assert_eq!(median(&[]), None);
        assert_eq!(median(&e(&[3])), Some(Exact::int(3)));
        assert_eq!(median(&e(&[1, 2, 10])), Some(Exact::int(2)));
        assert_eq!(median(&e(&[1, 2, 4, 10])), Some(Exact::int(3)));
        assert_eq!(median(&e(&[1, 2])), Exact::ratio(3, 2));
    }

    #[test]
    fn tallies_count_each_status() {
        let mut t = Tally::default();
        for s in [
            Status::Exceeded,
            Status::Achieved,
            Status::Achieved,
            Status::NotAchieved,
            Status::NotAssessed,
        ] {
            t.add(s);
        }
        assert_eq!((t.total(), t.exceeded + t.achieved, t.achieved), (5, 3, 2));
    }
}
