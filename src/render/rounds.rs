//! What the pages of a site of several review rounds show about the other
//! rounds: the round switcher's links, the comparison of the two latest
//! rounds (`compare.html` with its CSV and JSON) and the long export of
//! every round (`rounds.csv`, `rounds.json`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::views::{bullet_rows, level_view, status_view};
use crate::chart::{BulletRow, Segment, StackedRow};
use crate::export::{Table, across_rounds, direction_key, round_changes};
use crate::i18n::Strings;
use crate::model::{Level, Site};
use crate::round::{self, Direction, Round, RoundSites, Rounds, prefix};
use crate::target::Status;
use crate::urls::{indicator_url, unit_url};
use crate::vi;
use crate::view::{RoundLink, StatusView};

/// The switcher's links on the pages of round `from`: where each round's
/// root is from `from`'s root (the current round at the site's root, the
/// others under `rounds/<id>/`).
/// `paths` are each round's pages.
pub(crate) fn links(
    rounds: &Rounds,
    from: usize,
    paths: Vec<std::collections::BTreeSet<String>>,
) -> Vec<RoundLink> {
    let up = if from == rounds.current { "" } else { "../../" };
    rounds
        .list
        .iter()
        .zip(paths)
        .enumerate()
        .map(|(i, (round, pages))| RoundLink {
            id: round.id.clone(),
            name: round.name.clone(),
            base: if i == from {
                String::new()
            } else if i == rounds.current {
                up.to_string()
            } else {
                format!("{up}{}", prefix(&round.id))
            },
            current: i == from,
            home: up,
            pages: pages.into_iter().map(|p| (p, true)).collect(),
            illustrative: round.illustrative,
        })
        .collect()
}

/// The comparison page (`compare.html`): the two latest rounds.
#[derive(Debug, Serialize)]
pub(crate) struct CompareView {
    pub before: String,
    pub after: String,
    /// How many indicators improved, worsened, kept or could not be
    /// compared, over every unit.
    pub counts: Vec<DirectionCount>,
    /// The same, level by level (the level of the unit in the later round).
    pub by_level: Vec<LevelChanges>,
    pub rows: Vec<ChangeRow>,
    /// Units late or missing in both rounds, linked in the later round.
    pub late_both: Vec<UnitLinkView>,
    /// Either round's figures are invented.
    pub illustrative: bool,
}

#[derive(Debug, Serialize)]
pub(crate) struct LevelChanges {
    pub label: String,
    pub counts: Vec<DirectionCount>,
}

#[derive(Debug, Serialize)]
pub(crate) struct DirectionCount {
    pub key: &'static str,
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct ChangeRow {
    pub unit: UnitLinkView,
    pub indicator: String,
    pub description: String,
    pub before_value: String,
    pub before: StatusView,
    pub after_value: String,
    pub after: StatusView,
    /// "improved" | "worsened" | "unchanged" | "".
    pub change: &'static str,
    pub change_label: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct UnitLinkView {
    pub name: String,
    /// From the site's root.
    pub url: String,
}

/// The pair of rounds the comparison page compares: the two latest.
fn pair(rounds: &Rounds) -> Option<(usize, usize)> {
    let n = rounds.list.len();
    (n >= 2).then(|| (n - 2, n - 1))
}

/// A round's site: the current round's is `current`.
pub(crate) fn site_of<'a>(set: &'a RoundSites, current: &'a Site, i: usize) -> &'a Site {
    set.sites.get(i).and_then(Option::as_ref).unwrap_or(current)
}

/// Where round `i`'s pages are from the site's root.
fn base_of(rounds: &Rounds, i: usize) -> String {
    if i == rounds.current {
        String::new()
    } else {
        prefix(&rounds.list[i].id)
    }
}

fn direction_label(d: Option<Direction>, strings: &Strings) -> String {
    strings
        .get(match d {
            Some(Direction::Improved) => "compare_improved",
            Some(Direction::Worsened) => "compare_worsened",
            Some(Direction::Unchanged) => "compare_unchanged",
            None => "compare_not_comparable",
        })
        .to_string()
}

/// The comparison's view and its table for export.
pub(crate) fn compare(
    set: &RoundSites,
    current: &Site,
    strings: &Strings,
) -> Option<(CompareView, Table, Table)> {
    let (b, a) = pair(&set.rounds)?;
    let (before, after) = (site_of(set, current, b), site_of(set, current, a));
    let changes = round::changes(before, after);
    let base = base_of(&set.rounds, a);
    let link = |i: usize| UnitLinkView {
        name: after.units[i].display_name().to_string(),
        url: format!("{base}{}", unit_url(&after.units[i])),
    };
    let directions = [
        Some(Direction::Improved),
        Some(Direction::Worsened),
        Some(Direction::Unchanged),
        None,
    ];
    let count = |keep: &dyn Fn(&round::Change) -> bool| -> Vec<DirectionCount> {
        directions
            .iter()
            .map(|d| DirectionCount {
                key: d.map_or("not-comparable", direction_key),
                label: direction_label(*d, strings),
                count: changes
                    .iter()
                    .filter(|c| keep(c) && c.direction() == *d)
                    .count(),
            })
            .collect()
    };
    let counts = count(&|_| true);
    let by_level = Level::ALL
        .into_iter()
        .filter(|level| changes.iter().any(|c| after.units[c.unit].level == *level))
        .map(|level| LevelChanges {
            label: level_view(level, strings).label,
            counts: count(&|c| after.units[c.unit].level == level),
        })
        .collect();
    let rows = changes
        .iter()
        .map(|c| change_row(c, after, base.clone(), strings))
        .collect();
    let late_both = round::late_in_both(before, after)
        .into_iter()
        .map(link)
        .collect();
    let all: Vec<(&Round, &Site)> = (0..set.rounds.list.len())
        .map(|i| (&set.rounds.list[i], site_of(set, current, i)))
        .collect();
    let view = CompareView {
        before: set.rounds.list[b].name.clone(),
        after: set.rounds.list[a].name.clone(),
        counts,
        by_level,
        rows,
        late_both,
        illustrative: set.rounds.list[b].illustrative || set.rounds.list[a].illustrative,
    };
    Some((
        view,
        round_changes(after, &changes, strings),
        across_rounds(&all, strings),
    ))
}

/// What a unit's page shows of its other rounds: the change of each
/// indicator since the previous round, and each indicator's trajectory
/// across rounds (a bullet chart, one bar per round, with the target and
/// the yearly figures).
#[derive(Debug, Serialize)]
pub(crate) struct UnitRounds {
    /// The previous round's name; empty for the first round.
    pub previous: String,
    pub changes: Vec<ChangeRow>,
    pub trajectories: Vec<Trajectory>,
    /// A round whose figures are invented is shown.
    pub illustrative: bool,
}

/// One indicator across rounds.
#[derive(Debug, Serialize)]
pub(crate) struct Trajectory {
    pub id: String,
    pub title: String,
    pub rows: Vec<BulletRow>,
}

/// The other rounds seen from each unit page of round `from`, by the page's
/// path; a unit reported in no other round has none.
pub(crate) fn unit_rounds(
    set: &RoundSites,
    current: &Site,
    from: usize,
    strings: &Strings,
) -> BTreeMap<String, UnitRounds> {
    let site = site_of(set, current, from);
    let previous = from.checked_sub(1);
    let changes =
        previous.map_or_else(Vec::new, |p| round::changes(site_of(set, current, p), site));
    // Each round's bars, by unit folder and indicator id.
    let mut bars: BTreeMap<(&str, String), Vec<BulletRow>> = BTreeMap::new();
    for (j, round) in set.rounds.list.iter().enumerate() {
        let other = site_of(set, current, j);
        let places = other.config.decimals;
        for unit in &other.units {
            let ids = unit.indicators.iter().flat_map(|i| i.components());
            for (ind, mut row) in ids.zip(bullet_rows(unit, places, strings)) {
                row.label = round_label(&round.name, other.config.cutoff);
                row.url = None;
                bars.entry((unit.id.as_str(), ind.id.to_string()))
                    .or_default()
                    .push(row);
            }
        }
    }
    // The history shows every round (trajectories) and the previous one.
    let illustrative = set.rounds.list.iter().any(|r| r.illustrative);
    let mut out = BTreeMap::new();
    for (u, unit) in site.units.iter().enumerate() {
        let rows: Vec<ChangeRow> = changes
            .iter()
            .filter(|c| c.unit == u)
            .map(|c| change_row(c, site, String::new(), strings))
            .collect();
        let trajectories: Vec<Trajectory> = unit
            .indicators
            .iter()
            .flat_map(|i| i.components())
            .filter_map(|ind| {
                let rows = bars.remove(&(unit.id.as_str(), ind.id.to_string()))?;
                (rows.len() >= 2).then(|| Trajectory {
                    id: ind.id.to_string(),
                    title: format!("{}. {}", ind.id, ind.description),
                    rows,
                })
            })
            .collect();
        if rows.is_empty() && trajectories.is_empty() {
            continue;
        }
        out.insert(
            unit_url(unit),
            UnitRounds {
                previous: previous.map_or_else(String::new, |p| set.rounds.list[p].name.clone()),
                changes: rows,
                trajectories,
                illustrative,
            },
        );
    }
    out
}

/// A round's name with its cut-off date: "Sơ kết giữa nhiệm kỳ (30/6/2023)";
/// a name that already ends in brackets takes the date inside them,
/// "Tổng kết nhiệm kỳ (minh họa, 31/3/2025)".
fn round_label(name: &str, cutoff: jiff::civil::Date) -> String {
    let date = vi::format_date(cutoff);
    match name.trim_end().strip_suffix(')') {
        Some(open) if open.contains('(') => format!("{open}, {date})"),
        _ => format!("{name} ({date})"),
    }
}

/// A change as a table row, its unit linked under `base`.
fn change_row(c: &round::Change, after: &Site, base: String, strings: &Strings) -> ChangeRow {
    let text = |x: Option<rust_decimal::Decimal>| x.map(vi::format_written).unwrap_or_default();
    let unit = &after.units[c.unit];
    ChangeRow {
        unit: UnitLinkView {
            name: unit.display_name().to_string(),
            url: format!("{base}{}", unit_url(unit)),
        },
        indicator: c.indicator.clone(),
        description: c.description.clone(),
        before_value: text(c.before_value),
        before: status_view(c.before, strings),
        after_value: text(c.after_value),
        after: status_view(c.after, strings),
        change: c.direction().map_or("", direction_key),
        change_label: direction_label(c.direction(), strings),
    }
}

/// What a catalogue indicator's page shows of the rounds: the units' status
/// in each round (a stacked bar per round) and how many moved since the
/// previous round.
#[derive(Debug, Serialize)]
pub(crate) struct IndicatorRounds {
    pub chart: Vec<StackedRow>,
    /// The previous round's name; empty for the first round.
    pub previous: String,
    /// Improved, worsened, unchanged, not comparable since the previous round.
    pub counts: Vec<DirectionCount>,
    /// A round whose figures are invented is shown.
    pub illustrative: bool,
}

/// The rounds seen from each catalogue indicator's page of round `from`,
/// by the page's path.
pub(crate) fn indicator_rounds(
    set: &RoundSites,
    current: &Site,
    from: usize,
    strings: &Strings,
) -> BTreeMap<String, IndicatorRounds> {
    let site = site_of(set, current, from);
    let previous = from.checked_sub(1);
    let changes =
        previous.map_or_else(Vec::new, |p| round::changes(site_of(set, current, p), site));
    let statuses = [
        Status::Exceeded,
        Status::Achieved,
        Status::NotAchieved,
        Status::NotAssessed,
    ];
    let illustrative = set.rounds.list.iter().any(|r| r.illustrative);
    let mut out = BTreeMap::new();
    for entry in &site.catalogue {
        let chart = set
            .rounds
            .list
            .iter()
            .enumerate()
            .map(|(j, round)| {
                let other = site_of(set, current, j);
                let uses: Vec<Status> = other
                    .units
                    .iter()
                    .flat_map(|u| round::flatten(&u.indicators))
                    .filter(|i| i.catalogue.as_deref() == Some(entry.id.as_str()))
                    .map(|i| i.assessment.status)
                    .collect();
                StackedRow {
                    label: round_label(&round.name, other.config.cutoff),
                    url: None,
                    segments: statuses
                        .iter()
                        .map(|s| Segment {
                            key: s.key().to_string(),
                            label: status_view(*s, strings).label,
                            value: uses.iter().filter(|u| *u == s).count() as f64,
                        })
                        .collect(),
                }
            })
            .collect();
        let mine: Vec<&round::Change> = changes
            .iter()
            .filter(|c| c.catalogue.as_deref() == Some(entry.id.as_str()))
            .collect();
        let counts = [
            Some(Direction::Improved),
            Some(Direction::Worsened),
            Some(Direction::Unchanged),
            None,
        ]
        .iter()
        .map(|d| DirectionCount {
            key: d.map_or("not-comparable", direction_key),
            label: direction_label(*d, strings),
            count: mine.iter().filter(|c| c.direction() == *d).count(),
        })
        .collect();
        out.insert(
            indicator_url(&entry.id),
            IndicatorRounds {
                chart,
                previous: previous.map_or_else(String::new, |p| set.rounds.list[p].name.clone()),
                counts,
                illustrative,
            },
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::round_label;

    #[test]
    fn a_round_label_has_one_pair_of_brackets() {
        let day = jiff::civil::date(2025, 3, 31);
        assert_eq!(
            round_label("Tổng kết nhiệm kỳ (minh họa)", day),
            "Tổng kết nhiệm kỳ (minh họa, 31/3/2025)"
        );
        assert_eq!(
            round_label("Sơ kết giữa nhiệm kỳ", day),
            "Sơ kết giữa nhiệm kỳ (31/3/2025)"
        );
    }
}
