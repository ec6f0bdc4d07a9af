//! Each page's key: a hash of everything its bytes are made from, handed
//! to the sink with the page (`Sink::write_keyed`), so that a sink holding
//! the page made from the same key may keep it instead of rendering it.
//!
//! A page is its template applied to its context: the key hashes the
//! template's name, every template of the theme (they include and extend
//! each other), the globals (the site's view, the interface strings), and
//! the page's own context, serialized. The template functions (charts) are
//! pure functions of their arguments, and the code itself is the binary,
//! which the sink's manifest names. So two pages with one key have the same
//! bytes: correct by construction, with nothing to keep in step.
//!
//! Making every context to hash it costs as much as rendering most pages,
//! so the pages made from the model alone (a unit's, and those about many
//! units) are keyed by the parts of the model their views read instead
//! ([`Renderer::model_keys`]), before any context is made: that list must
//! grow with the views. `tests/it/incremental.rs` holds it to cold builds.

use std::io::Write as _;

use minijinja::Value;

use super::{Page, Renderer, View, template_diagnostic};
use crate::diag::{Diagnostic, Sources};
use crate::theme::Theme;
use crate::write::{Key, KeyHasher, Sink};

impl Renderer<'_> {
    /// The part of every page's key that pages share: the templates and
    /// the globals.
    pub(crate) fn shared_key(&self, theme: &Theme, sources: &Sources) -> KeyHasher {
        let mut h = KeyHasher::new();
        let mut templates: Vec<_> = theme
            .templates
            .iter()
            .map(|t| (t.name.as_str(), sources.text(t.file)))
            .collect();
        templates.sort_unstable();
        h.field(&templates.len().to_le_bytes());
        for (name, text) in templates {
            h.field(name.as_bytes());
            h.field(text.as_bytes());
        }
        // The globals, in the environment's order (sorted by name).
        for (name, value) in self.env.globals() {
            h.field(name.as_bytes());
            hash_value(&mut h, &value);
        }
        h
    }

    /// Keys made from the model instead of the pages' contexts, so that a
    /// page carried over costs neither its view nor the hashing of it
    /// (which together were a third of a build's CPU).
    ///
    /// A unit is made of its folder's name (its id), its files
    /// (`Unit::files_key`), the configuration, the catalogue and the date,
    /// and placed by its index (collation order), slug and parent. A
    /// unit's page shows the unit, its
    /// ancestors (breadcrumbs, its parent's name), its children and what is
    /// below them (rows, the roll-up), and the highlights about it: its key
    /// hashes its own part, its ancestors' and its whole subtree's, and its
    /// report (of the others' reports, no page shows more than whether
    /// there is one: a report edit makes one unit page again). The
    /// pages about many units (indexes, levels, progress, the dashboard)
    /// show every unit but no report: their key hashes every unit's
    /// unit.toml and place and whether it has a report. The catalogue's
    /// pages (the catalogue, each indicator's) show of a unit who it is
    /// (id, place, slug, names, level, whether illustrative) and its
    /// indicators that use the catalogue: their keys hash those, each
    /// indicator whole but for where it is written (`Unit::catalogue_uses`).
    /// All are on
    /// top of the shared key and the configuration, catalogue and
    /// highlights (their `Debug` text, which holds the date deadlines are
    /// judged at). `None` when the hierarchy is not a forest (a build with
    /// such errors renders nothing anyway): the pages then take their
    /// context's key.
    pub(crate) fn model_keys(&self, shared: &KeyHasher) -> Option<ModelKeys> {
        let site = self.site;
        let n = site.units.len();
        // Where a unit is: its id (its folder's name, in no file), index,
        // slug and parent.
        let placed = |h: &mut KeyHasher, i: usize| {
            let u = &site.units[i];
            h.field(u.id.as_bytes());
            h.field(&(i as u64).to_le_bytes());
            h.field(u.slug.as_bytes());
            h.field(&u.parent.map_or(u64::MAX, |p| p as u64).to_le_bytes());
        };
        let place = |h: &mut KeyHasher, i: usize| {
            placed(h, i);
            h.field(&site.units[i].files_key.toml.to_le_bytes());
        };
        // What the pages of a unit's ancestors and descendants show of it:
        // all but its report, of which only whether there is one.
        let own: Vec<u128> = (0..n)
            .map(|i| {
                let mut h = KeyHasher::new();
                place(&mut h, i);
                h.field(&[u8::from(site.units[i].files_key.report.is_some())]);
                h.key().0
            })
            .collect();
        // Parents before children.
        let mut order = Vec::with_capacity(n);
        let mut stack: Vec<usize> = site.roots.iter().rev().copied().collect();
        while let Some(u) = stack.pop() {
            if order.len() == n {
                return None;
            }
            order.push(u);
            stack.extend(site.children.get(u)?.iter().rev());
        }
        if order.len() != n {
            return None;
        }
        let mut above = vec![0u128; n];
        for &u in &order {
            if let Some(p) = site.units[u].parent {
                let mut h = KeyHasher::new();
                h.field(&above[p].to_le_bytes());
                h.field(&own[p].to_le_bytes());
                above[u] = h.key().0;
            }
        }
        let mut below = vec![0u128; n];
        for &u in order.iter().rev() {
            let mut h = KeyHasher::new();
            h.field(&own[u].to_le_bytes());
            for &c in &site.children[u] {
                h.field(&below[c].to_le_bytes());
            }
            below[u] = h.key().0;
        }
        let mut common = shared.clone();
        common.field(format!("{:?}", site.config).as_bytes());
        common.field(format!("{:?}", site.catalogue).as_bytes());
        common.field(format!("{:?}", site.highlights).as_bytes());
        common.field(&[u8::from(site.public)]);
        let units = (0..n)
            .map(|u| {
                let mut h = common.clone();
                h.field(b"unit");
                h.field(&above[u].to_le_bytes());
                h.field(&below[u].to_le_bytes());
                match site.units[u].files_key.report {
                    Some(report) => h.field(&report.to_le_bytes()),
                    None => h.field(b"no report"),
                }
                h.key()
            })
            .collect();
        let mut h = common.clone();
        h.field(b"site");
        for (i, u) in site.units.iter().enumerate() {
            place(&mut h, i);
            h.field(&[u8::from(u.report.is_some())]);
        }
        // The catalogue's pages show of a unit only who it is and its uses
        // of the catalogue: a `members` edit leaves them as they are, a
        // figure edit remakes one indicator's page and the catalogue's.
        let mut who = common;
        who.field(b"catalogue");
        for (i, u) in site.units.iter().enumerate() {
            placed(&mut who, i);
            who.field(u.name.as_bytes());
            who.field(u.short_name.as_bytes());
            who.field(u.level.key().as_bytes());
            who.field(&[u8::from(u.illustrative)]);
        }
        // Each entry's uses as `rollup::uses_by_entry` lists them, hashed
        // in one piece (SipHash is slow on small pieces).
        let mut uses = vec![Vec::new(); site.catalogue.len()];
        for (i, u) in site.units.iter().enumerate() {
            for &(c, shown) in &u.catalogue_uses {
                let bytes: &mut Vec<u8> = uses.get_mut(c as usize)?;
                bytes.extend_from_slice(&(i as u64).to_le_bytes());
                bytes.extend_from_slice(&shown.to_le_bytes());
            }
        }
        let entries: Vec<Key> = uses
            .iter()
            .map(|bytes| {
                let mut h = KeyHasher::new();
                h.field(bytes);
                h.key()
            })
            .collect();
        let mut catalogue = who.clone();
        for entry in &entries {
            catalogue.field(&entry.0.to_le_bytes());
        }
        let entries = entries
            .iter()
            .map(|entry| {
                let mut h = who.clone();
                h.field(&entry.0.to_le_bytes());
                h.key()
            })
            .collect();
        Some(ModelKeys {
            units,
            site: h.key(),
            catalogue: catalogue.key(),
            entries,
        })
    }

    /// The key `page` and its exports take from `keys`, if any.
    pub(crate) fn model_key(page: &Page, keys: Option<&ModelKeys>) -> Option<Key> {
        let keys = keys?;
        let key = match page.view {
            View::Unit(i) => keys.units[i],
            View::Home | View::Units | View::Progress | View::Level(_) => keys.site,
            View::Catalogue => keys.catalogue,
            View::Indicator(c) => *keys.entries.get(c)?,
            View::Vars(_) => return None,
        };
        Some(page_key(key, page))
    }

    /// Renders `page` into `sink` under its key (see the module's text):
    /// its model key when it has one (`model_key`), else its context's.
    /// A page under a model key builds its context only when the sink asks
    /// for its bytes.
    pub(crate) fn write_page(
        &self,
        page: &Page,
        shared: &KeyHasher,
        model_key: Option<Key>,
        theme: &Theme,
        sources: &Sources,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let template = self
            .env
            .get_template(page.template)
            .map_err(|err| template_diagnostic(&err, theme, sources))?;
        let fill_with = |context: Value, out: &mut dyn std::io::Write| {
            template
                .render_captured_to(context, &mut *out)
                .map(|_| ())
                .map_err(|err| template_diagnostic(&err, theme, sources))
        };
        if !sink.keyed() {
            return sink.write_with(&page.path, &mut |out| {
                fill_with(self.page_context(page), out)
            });
        }
        if let Some(key) = model_key {
            return sink.write_keyed(&page.path, key, &mut |out| {
                fill_with(self.page_context(page), out)
            });
        }
        let context = self.page_context(page);
        let key = self.work.keys.time(|| {
            let mut h = shared.clone();
            h.field(page.template.as_bytes());
            hash_value(&mut h, &context);
            h.key()
        });
        sink.write_keyed(&page.path, key, &mut |out| fill_with(context.clone(), out))
    }
}

/// The keys [`Renderer::model_keys`] makes.
pub(crate) struct ModelKeys {
    /// Each unit's page's.
    units: Vec<Key>,
    /// The pages' about many units, but the catalogue's.
    site: Key,
    /// The catalogue page's.
    catalogue: Key,
    /// Each catalogue entry's page's, in catalogue order.
    entries: Vec<Key>,
}

/// The key of `page` made from `key`: the page's path, template, kind and
/// title added (a model key is shared by many pages).
fn page_key(key: Key, page: &Page) -> Key {
    let mut h = KeyHasher::new();
    h.field(&key.0.to_le_bytes());
    for part in [page.path.as_str(), page.template, page.kind, &page.title] {
        h.field(part.as_bytes());
    }
    h.key()
}

/// The key of the export `path` of a page whose key is `key`.
pub(crate) fn export_key(key: Key, path: &str) -> Key {
    let mut h = KeyHasher::new();
    h.field(&key.0.to_le_bytes());
    h.field(path.as_bytes());
    h.key()
}

/// Adds a template value to a key: its JSON, and its kind (a function or
/// other value JSON cannot hold adds its kind and text; functions are code,
/// and the code is named by the sink's manifest).
fn hash_value(h: &mut KeyHasher, value: &Value) {
    h.field(format!("{:?}", value.kind()).as_bytes());
    let mut json = KeyHasher::new();
    // serde_json writes a few bytes at a time: hashed in blocks.
    let mut out = std::io::BufWriter::with_capacity(1 << 13, &mut json);
    let written = serde_json::to_writer(&mut out, value).is_ok() && out.flush().is_ok();
    drop(out);
    if written {
        h.field(&json.key().0.to_le_bytes());
    } else {
        h.field(value.to_string().as_bytes());
    }
}
