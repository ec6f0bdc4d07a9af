//! What the pages of a site of several review rounds show about the other
//! rounds: the round switcher's links.

use crate::round::{Rounds, prefix};
use crate::view::RoundLink;

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
