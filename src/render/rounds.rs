//! What the pages of a site of several review rounds show about the other
//! rounds: the round switcher's links, the comparisons of the current round
//! with each other round (`compare.html` with the round next to it,
//! `compare/<id>.html` with the others, each with its CSV and JSON) and the
//! long export of every round (`rounds.csv`, `rounds.json`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::views::{
    bullet_rows, compared_text, distribution_text, figure_text, level_view, status_view,
};
use crate::chart::{BulletRow, Segment, StackedRow, YearPoint};
use crate::export::{Table, across_rounds, direction_key, round_changes};
use crate::i18n::Strings;
use crate::model::{Indicator, Level, Site};
use crate::rollup;
use crate::round::{self, Direction, Round, RoundSites, Rounds, prefix};
use crate::target::{Exact, Status, Target, TargetKind};
use crate::urls::{indicator_url, unit_url};
use crate::vi;
use crate::view::{RoundLink, StatusView};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

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

/// A comparison page: the current round against one other round, the
/// earlier of the two as "before". `compare.html` compares the current
/// round with the one before it (the one after it when it is the first);
/// `compare/<id>.html` with round `<id>`, for every other round.
#[derive(Debug, Serialize)]
pub(crate) struct CompareView {
    pub before: String,
    pub after: String,
    /// How many indicators improved, worsened, kept or could not be
    /// compared, over every unit.
    pub counts: Vec<DirectionCount>,
    /// The same, level by level (the level of the unit in the later round).
    pub by_level: Vec<LevelChanges>,
    /// The indicators that changed or cannot be compared; those that kept
    /// their status are only counted (`unchanged`), the exports list them.
    pub rows: Vec<ChangeRow>,
    /// How many indicators kept their status, written the Vietnamese way.
    pub unchanged: String,
    /// Units late or missing in both rounds, linked in the later round.
    pub late_both: Vec<UnitLinkView>,
    /// Either round's figures are invented.
    pub illustrative: bool,
    /// The page's exports, from the site's root.
    pub csv: String,
    pub json: String,
    /// Every pair of rounds compared, this one marked: the pair selector
    /// (shown when there are two or more).
    pub pairs: Vec<PairLink>,
}

#[derive(Debug, Serialize)]
pub(crate) struct LevelChanges {
    /// The level's key, for the level filter.
    pub key: &'static str,
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
    /// The unit's level key (the level filter) and what the name search
    /// matches: the unit's names, the indicator's id and description.
    pub level: &'static str,
    pub search: String,
    pub indicator: String,
    pub description: String,
    /// The figures as the unit page shows them ("90,2%", "Có").
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

/// One pair of rounds in the comparison's selector.
#[derive(Debug, Serialize)]
pub(crate) struct PairLink {
    /// "Sơ kết giữa nhiệm kỳ → Tổng kết nhiệm kỳ".
    pub label: String,
    /// The pair's page, from the site's root.
    pub url: String,
    /// The page shown.
    pub current: bool,
}

/// One comparison page with its export.
pub(crate) struct Comparison {
    /// `compare.html` or `compare/<id>.html`.
    pub path: String,
    pub view: CompareView,
    pub table: Table,
}

/// The rounds compared with the current one, each with the path of its
/// page (without `.html`): first the default pair's (`compare`, the round
/// before the current one, else the one after), then `compare/<id>` for
/// every other round in order.
fn pairs(rounds: &Rounds) -> Vec<(usize, String)> {
    let c = rounds.current;
    let n = rounds.list.len();
    let Some(first) = c.checked_sub(1).or((c + 1 < n).then_some(c + 1)) else {
        return Vec::new();
    };
    std::iter::once((first, "compare".to_string()))
        .chain(
            (0..n)
                .filter(|&o| o != c && o != first)
                .map(|o| (o, format!("compare/{}", rounds.list[o].id))),
        )
        .collect()
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

/// Every comparison page of the current round against another (none for a
/// site of one round).
pub(crate) fn comparisons(set: &RoundSites, current: &Site, strings: &Strings) -> Vec<Comparison> {
    let pairs = pairs(&set.rounds);
    let c = set.rounds.current;
    let ordered = |o: usize| if o < c { (o, c) } else { (c, o) };
    pairs
        .iter()
        .map(|(o, path)| {
            let links = pairs
                .iter()
                .map(|(p, to)| {
                    let (b, a) = ordered(*p);
                    PairLink {
                        label: format!("{} → {}", set.rounds.list[b].name, set.rounds.list[a].name),
                        url: format!("{to}.html"),
                        current: p == o,
                    }
                })
                .collect();
            let (b, a) = ordered(*o);
            let (view, table) = compare(set, current, (b, a), path, links, strings);
            Comparison {
                path: format!("{path}.html"),
                view,
                table,
            }
        })
        .collect()
}

/// Every round's figures in one long table (`rounds.csv`, `rounds.json`),
/// for a site of several rounds.
pub(crate) fn across(set: &RoundSites, current: &Site, strings: &Strings) -> Option<Table> {
    let all: Vec<(&Round, &Site)> = (0..set.rounds.list.len())
        .map(|i| (&set.rounds.list[i], site_of(set, current, i)))
        .collect();
    (all.len() >= 2).then(|| across_rounds(&all, strings))
}

/// The comparison of rounds `b` (before) and `a` (after), its page at
/// `path` (without `.html`): its view and its table for export.
fn compare(
    set: &RoundSites,
    current: &Site,
    (b, a): (usize, usize),
    path: &str,
    pairs: Vec<PairLink>,
    strings: &Strings,
) -> (CompareView, Table) {
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
            key: level.key(),
            label: level_view(level, strings).label,
            counts: count(&|c| after.units[c.unit].level == level),
        })
        .collect();
    // A province's comparison is some 27,000 indicators at 2,000 units,
    // four in five unchanged: the page lists what moved (28 MB of page
    // otherwise), the exports everything.
    let kept = |c: &&round::Change| c.direction() != Some(Direction::Unchanged);
    let rows = changes
        .iter()
        .filter(kept)
        .map(|c| change_row(c, (before, after), base.clone(), strings))
        .collect();
    let unchanged = changes.len() - changes.iter().filter(kept).count();
    let late_both = round::late_in_both(before, after)
        .into_iter()
        .map(link)
        .collect();
    let view = CompareView {
        before: set.rounds.list[b].name.clone(),
        after: set.rounds.list[a].name.clone(),
        counts,
        by_level,
        rows,
        unchanged: if unchanged > 0 {
            crate::vi::format_int(unchanged as i64)
        } else {
            String::new()
        },
        late_both,
        illustrative: set.rounds.list[b].illustrative || set.rounds.list[a].illustrative,
        csv: format!("{path}.csv"),
        json: format!("{path}.json"),
        pairs,
    };
    (view, round_changes(after, &changes, strings))
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
    let before = previous.map(|p| site_of(set, current, p));
    let changes = before.map_or_else(Vec::new, |b| round::changes(b, site));
    // The changes by unit (they come in the order of the units).
    let mut by_unit: BTreeMap<usize, Vec<&round::Change>> = BTreeMap::new();
    for c in &changes {
        by_unit.entry(c.unit).or_default().push(c);
    }
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
        let rows: Vec<ChangeRow> = match (before, by_unit.get(&u)) {
            (Some(before), Some(mine)) => mine
                .iter()
                .map(|c| change_row(c, (before, site), String::new(), strings))
                .collect(),
            _ => Vec::new(),
        };
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
fn change_row(
    c: &round::Change,
    (before, after): (&Site, &Site),
    base: String,
    strings: &Strings,
) -> ChangeRow {
    let unit = &after.units[c.unit];
    let text = |site: &Site, u: usize| {
        round::flatten(&site.units[u].indicators)
            .into_iter()
            .find(|i| *i.id == *c.indicator)
            .map(|i| round_figure(i, site.config.decimals, strings))
            .unwrap_or_default()
    };
    let mut search = unit.name.clone();
    if unit.display_name() != unit.name {
        search = format!("{search} {}", unit.display_name());
    }
    let search = format!("{search} {} {}", c.indicator, c.description);
    ChangeRow {
        unit: UnitLinkView {
            name: unit.display_name().to_string(),
            url: format!("{base}{}", unit_url(unit)),
        },
        level: unit.level.key(),
        search,
        indicator: c.indicator.clone(),
        description: c.description.clone(),
        before_value: text(before, c.before_unit),
        before: status_view(c.before, strings),
        after_value: text(after, c.unit),
        after: status_view(c.after, strings),
        change: c.direction().map_or("", direction_key),
        change_label: direction_label(c.direction(), strings),
    }
}

/// An indicator's figure as its unit's page shows it: the figure of its
/// table ("90,2%", "57,75% (41/71)", "Có"), or, for a per-year target over
/// several years, the yearly figure its status is judged on, as its
/// trajectory chart shows it ("101,7/năm").
fn round_figure(ind: &Indicator, places: u32, strings: &Strings) -> String {
    let target = ind.target.as_ref();
    let per_year = target.is_some_and(|t| t.per_year) && ind.period.is_some_and(|(a, b)| b > a);
    match &ind.actual {
        Some(_) if per_year && ind.assessment.shown.is_some() => format!(
            "{}{}",
            compared_text(ind.assessment.shown, target),
            strings.get("per_year")
        ),
        Some(f) => figure_text(f, target, places, strings),
        None => String::new(),
    }
}

/// What a catalogue indicator's page shows of the rounds: its trajectory,
/// a bar per round as the unit page draws one indicator's (the units'
/// median figure against the target, with the median of each year), or for
/// a yes/no indicator (or one without figures) the units' statuses in each
/// round; and how many units moved since the previous round.
#[derive(Debug, Serialize)]
pub(crate) struct IndicatorRounds {
    /// The bullet chart of figures; empty when `chart` is drawn instead.
    pub figures: Vec<BulletRow>,
    /// The stacked chart of statuses, when there are no figures to draw.
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
    let illustrative = set.rounds.list.iter().any(|r| r.illustrative);
    // Each round's rows (figures, statuses), by catalogue id.
    let mut rows: BTreeMap<&str, (Vec<BulletRow>, Vec<StackedRow>)> = BTreeMap::new();
    let uses: Vec<Vec<Vec<(usize, &Indicator)>>> = (0..set.rounds.list.len())
        .map(|j| {
            let other = site_of(set, current, j);
            let all: Vec<usize> = (0..other.units.len()).collect();
            rollup::uses_by_entry(other, &all)
        })
        .collect();
    // An indicator some unit sets its own target for, in any round, is drawn
    // as shares of the units' targets in every round: one scale for all.
    let mut relative: BTreeMap<&str, bool> = BTreeMap::new();
    for (j, by_entry) in uses.iter().enumerate() {
        let other = site_of(set, current, j);
        for (c, used) in by_entry.iter().enumerate() {
            let entry = &other.catalogue[c];
            *relative.entry(entry.id.as_str()).or_default() |=
                used.iter().any(|(_, ind)| ind.target != entry.target);
        }
    }
    for (j, (round, by_entry)) in set.rounds.list.iter().zip(&uses).enumerate() {
        let other = site_of(set, current, j);
        let label = round_label(&round.name, other.config.cutoff);
        for (c, used) in by_entry.iter().enumerate() {
            let id = other.catalogue[c].id.as_str();
            let shares = relative.get(id).copied().unwrap_or_default();
            let (figures, statuses) = rows.entry(id).or_default();
            figures.push(median_row(other, c, used, shares, label.clone(), strings));
            statuses.push(status_row(used, label.clone(), strings));
        }
    }
    let mut out = BTreeMap::new();
    for entry in &site.catalogue {
        let (figures, chart) = rows.remove(entry.id.as_str()).unwrap_or_default();
        let yes_no = entry
            .target
            .as_ref()
            .is_some_and(|t| t.kind == TargetKind::Yes);
        let drawn = !yes_no && figures.iter().any(|r| r.actual.is_some());
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
                figures: if drawn { figures } else { Vec::new() },
                chart: if drawn { Vec::new() } else { chart },
                previous: previous.map_or_else(String::new, |p| set.rounds.list[p].name.clone()),
                counts,
                illustrative,
            },
        );
    }
    out
}

/// One round of a catalogue indicator: the median of its units' figures
/// (of each figure as a share of its unit's target when `relative`, as the
/// indicator page's distribution has it) against the target, and the median
/// of each year's figures.
fn median_row(
    site: &Site,
    c: usize,
    used: &[(usize, &Indicator)],
    relative: bool,
    label: String,
    strings: &Strings,
) -> BulletRow {
    let target = site.catalogue[c].target.as_ref();
    let places = site.config.decimals;
    let mut figures: Vec<Exact> = used
        .iter()
        .filter_map(|(_, ind)| {
            if relative {
                rollup::share_of_target(ind)
            } else {
                ind.assessment.compared
            }
        })
        .collect();
    figures.sort_by(|a, b| {
        a.cmp_exact(*b)
            .unwrap_or_else(|| a.to_f64().total_cmp(&b.to_f64()))
    });
    let median = rollup::median(&figures);
    let bounds: Vec<Option<f64>> = if relative {
        vec![Some(100.0)]
    } else {
        target.map_or_else(Vec::new, |t| {
            t.bounds().iter().map(|b| b.to_f64()).collect()
        })
    };
    let mut years: BTreeMap<i32, Vec<Decimal>> = BTreeMap::new();
    if !relative {
        for (_, ind) in used {
            for (&year, &v) in &ind.actuals {
                years.entry(year).or_default().push(v);
            }
        }
    }
    BulletRow {
        label,
        url: None,
        actual: median.map(Exact::to_f64),
        actual_text: distribution_text(median, relative, target, places, strings),
        target_low: bounds.first().copied().flatten(),
        target_high: bounds.get(1).copied().flatten(),
        target_text: if relative {
            strings.get("of_target").replace("{share}", "100%")
        } else {
            target.map(|t| t.text(strings)).unwrap_or_default()
        },
        lower_is_better: !relative && target.is_some_and(Target::lower_is_better),
        percent: relative || target.is_some_and(|t| t.percent),
        years: years
            .into_iter()
            .filter_map(|(year, mut values)| {
                values.sort();
                let m = decimal_median(&values)?;
                Some(YearPoint {
                    year,
                    value: m.to_f64().unwrap_or(f64::NAN),
                    text: compared_text(Some(m), target),
                })
            })
            .collect(),
        ..BulletRow::default()
    }
}

/// The median of sorted figures.
fn decimal_median(sorted: &[Decimal]) -> Option<Decimal> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => sorted[n / 2 - 1]
            .checked_add(sorted[n / 2])
            .map(|x| x / Decimal::TWO),
    }
}

/// One round of a catalogue indicator: its units' statuses.
fn status_row(used: &[(usize, &Indicator)], label: String, strings: &Strings) -> StackedRow {
    let statuses = [
        Status::Exceeded,
        Status::Achieved,
        Status::NotAchieved,
        Status::NotAssessed,
    ];
    StackedRow {
        label,
        url: None,
        segments: statuses
            .iter()
            .map(|s| Segment {
                key: s.key().to_string(),
                label: status_view(*s, strings).label,
                value: used
                    .iter()
                    .filter(|(_, i)| i.assessment.status == *s)
                    .count() as f64,
            })
            .collect(),
    }
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
