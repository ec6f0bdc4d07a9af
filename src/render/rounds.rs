//! What the pages of a site of several review rounds show about the other
//! rounds: the round switcher's links, the comparison of the two latest
//! rounds (`compare.html` with its CSV and JSON) and the long export of
//! every round (`rounds.csv`, `rounds.json`).

use serde::Serialize;

use super::views::status_view;
use crate::export::{Table, across_rounds, direction_key, round_changes};
use crate::i18n::Strings;
use crate::model::Site;
use crate::round::{self, Direction, Round, RoundSites, Rounds, prefix};
use crate::urls::unit_url;
use crate::vi;
use crate::view::{RoundLink, StatusView};

/// The switcher's links on the pages of round `from`: where each round's
/// root is from `from`'s root (the current round at the site's root, the
/// others under `rounds/<id>/`).
pub(crate) fn links(rounds: &Rounds, from: usize) -> Vec<RoundLink> {
    let up = if from == rounds.current { "" } else { "../../" };
    rounds
        .list
        .iter()
        .enumerate()
        .map(|(i, round)| RoundLink {
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
    pub rows: Vec<ChangeRow>,
    /// Units late or missing in both rounds, linked in the later round.
    pub late_both: Vec<UnitLinkView>,
    /// Either round's figures are invented.
    pub illustrative: bool,
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
fn site_of<'a>(set: &'a RoundSites, current: &'a Site, i: usize) -> &'a Site {
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
    let text = |x: Option<rust_decimal::Decimal>| x.map(vi::format_written).unwrap_or_default();
    let directions = [
        Some(Direction::Improved),
        Some(Direction::Worsened),
        Some(Direction::Unchanged),
        None,
    ];
    let counts = directions
        .iter()
        .map(|d| DirectionCount {
            key: d.map_or("not-comparable", direction_key),
            label: direction_label(*d, strings),
            count: changes.iter().filter(|c| c.direction() == *d).count(),
        })
        .collect();
    let rows = changes
        .iter()
        .map(|c| ChangeRow {
            unit: link(c.unit),
            indicator: c.indicator.clone(),
            description: c.description.clone(),
            before_value: text(c.before_value),
            before: status_view(c.before, strings),
            after_value: text(c.after_value),
            after: status_view(c.after, strings),
            change: c.direction().map_or("", direction_key),
            change_label: direction_label(c.direction(), strings),
        })
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
