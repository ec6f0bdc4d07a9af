//! Where each page lives in the output, relative to the site's root: one
//! place for the paths that pages, search documents and the press files
//! link to.

use crate::model::{Level, Unit};

/// A unit's page.
pub(crate) fn unit_url(unit: &Unit) -> String {
    format!("units/{}.html", unit.slug)
}

/// A catalogue indicator's page.
pub(crate) fn indicator_url(catalogue_id: &str) -> String {
    format!("indicators/{catalogue_id}.html")
}

/// The index of one level's units.
pub(crate) fn level_url(level: Level) -> String {
    format!("levels/{}.html", level.key())
}
