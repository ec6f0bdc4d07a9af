//! A save of existing units' `unit.toml` files without a full rebuild: each
//! unit read and resolved again alone, the checks that can see it run again
//! (its own, its parent's, the top of the hierarchy), its search document
//! replaced, and the pages whose key changed rendered: the unit's and its
//! ancestors' before the reload, the others (the pages about many units,
//! its descendants', with their exports) after it, a few at a time
//! ([`Preview::settle_some`]); until then a request for one of them waits.
//!
//! Taken only when the unit keeps its place: its name (the collation
//! order), short name and slug as written (its URL), its parent as
//! written and its level (the hierarchy), whether it has indicators (its
//! exports), and no highlight is about it or a unit above or below it.
//! Anything else, and any error, rebuilds the whole site.

use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::{Change, Live, Memory, Outcome, Output, Preview};
use crate::build::Checked;
use crate::consistency;
use crate::diag::{Diagnostic, Diagnostics, FileId, Location, Sources};
use crate::load;
use crate::model::{self, Site};
use crate::render::{Page, Renderer, View};
use crate::timeline;
use crate::write::{Fill, Key, Sink};

impl Preview {
    /// The units whose unit.toml alone changed, when the change may take
    /// the path of this module: the last full build succeeded, the site
    /// has one round and is not the press site, each unit is known.
    pub(super) fn toml_units(&self, change: &Change) -> Option<Vec<usize>> {
        let live = self.live.as_ref()?;
        let site = live.checked.site.as_ref()?;
        if self.public
            || change.other
            || !change.reports.is_empty()
            || change.unit_tomls.is_empty()
            || live.checked.rounds.is_some()
        {
            return None;
        }
        change
            .unit_tomls
            .iter()
            .map(|id| site.units.iter().position(|u| &u.id == id))
            .collect()
    }

    /// Rebuilds after the unit.toml of `units` changed; `None` when the
    /// change needs a full rebuild (the model kept may then be changed:
    /// the full rebuild makes it again).
    pub(super) fn unit_tomls(&mut self, units: &[usize]) -> Option<Outcome> {
        let started = Instant::now();
        let Preview {
            root,
            live,
            output,
            keys,
            pending,
            pending_files,
            ..
        } = self;
        let live: &mut Live = live.as_mut()?;
        let Checked {
            sources,
            diagnostics,
            site: Some(site),
            theme,
            ..
        } = &mut live.checked
        else {
            return None;
        };
        let changed: BTreeSet<usize> = units.iter().copied().collect();
        let related: HashSet<usize> = changed.iter().flat_map(|&i| site.ancestry(i)).collect();
        if site.highlights.iter().any(|h| {
            related.contains(&h.unit) || site.ancestry(h.unit).iter().any(|u| changed.contains(u))
        }) {
            return None;
        }
        let mut again = Vec::with_capacity(changed.len());
        for &i in &changed {
            again.push(read_again(root, site, sources, i)?);
        }
        // The checks of the parents, as they were: replaced below.
        let parents: BTreeSet<usize> = changed
            .iter()
            .filter_map(|&i| site.units[i].parent)
            .filter(|p| !changed.contains(p))
            .collect();
        let mut before = Diagnostics::default();
        for &p in &parents {
            consistency::check_unit(site, p, &mut before);
        }
        // Every problem located in a changed unit's files is found again.
        let files: HashSet<FileId> = changed
            .iter()
            .flat_map(|&i| std::iter::once(site.units[i].file).chain(site.units[i].report_file))
            .collect();
        diagnostics.retain(|d| !located_in(d, &files));
        for (&i, (mut unit, toml, report, found)) in changed.iter().zip(again) {
            let old = &site.units[i];
            unit.parent = old.parent;
            unit.slug = old.slug.clone();
            sources.replace(old.file, toml);
            if let Some((file, text)) = report {
                sources.replace(file, text);
            }
            site.units[i] = unit;
            diagnostics.extend(found);
        }
        let mut after = Diagnostics::default();
        for &i in &changed {
            consistency::check_unit(site, i, &mut after);
            timeline::check_unit(&site.config, &site.units[i], &mut after);
        }
        let mut top = Diagnostics::default();
        timeline::top_level(site, &mut top);
        top.retain(|d| located_in(d, &files));
        after.extend(top);
        for &p in &parents {
            consistency::check_unit(site, p, &mut after);
        }
        remove_each(diagnostics, &before);
        diagnostics.extend(after);
        if diagnostics.has_errors() {
            return None;
        }

        let mut errors = Diagnostics::default();
        let renderer = Renderer::new(site, theme, sources, &mut errors)?;
        let mut search = Vec::new();
        for &i in &changed {
            search.extend(live.index.replace(i, renderer.unit_document(i)));
        }
        // The pages whose key changed: the changed units' and their
        // ancestors' now, the others after the reload.
        let shared = renderer.shared_key(theme, sources);
        let model_keys = renderer.model_keys(&shared)?;
        let mut now = Vec::new();
        for page in renderer.pages() {
            match Renderer::model_key(&page, Some(&model_keys)) {
                Some(key) if keys.get(page.path.as_str()) == Some(&key) => {}
                Some(_) => match page.view {
                    View::Unit(u) if related.contains(&u) => now.push(page),
                    _ => {
                        pending.insert(page.path.clone());
                    }
                },
                // Keyed by their context: rendered when it changed.
                None => now.push(page),
            }
        }
        let memory = Memory {
            files: Mutex::default(),
            keys: Mutex::default(),
            previous: &output.files,
            previous_keys: keys,
            kept: AtomicUsize::new(0),
        };
        renderer
            .render_keyed(
                &now,
                theme,
                sources,
                &memory,
                &|| {},
                &shared,
                Some(&model_keys),
            )
            .ok()?;
        let kept = memory.kept.into_inner();
        let made = memory.files.into_inner().ok()?;
        let made_keys = memory.keys.into_inner().ok()?;
        let count = made.len() - kept + search.len();
        let keys = Arc::make_mut(keys);
        keys.extend(made_keys);
        *pending_files = Arc::new(pending_paths(&renderer, pending));
        let files = output
            .files
            .with(search)
            .with_files(made.into_iter().map(|(path, bytes)| (path, Some(bytes))));
        *output = Arc::new(Output {
            files,
            statics: output.statics.clone(),
            problems: None,
            generation: output.generation + 1,
            language: output.language,
            pending: Arc::clone(pending_files),
        });
        Some(Outcome {
            full: false,
            ok: true,
            files: count,
            kept,
            warnings: diagnostics.warnings(),
            elapsed: started.elapsed(),
        })
    }

    /// Whether pages are left to render after the last rebuild (not while
    /// the site has errors: the last good pages are shown under them, and
    /// the next good rebuild takes the pages up again).
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty() && self.output.problems.is_none()
    }

    /// Renders up to `max` of the pages left to render (with their
    /// exports), as a full rebuild would (each kept when its key is the
    /// one of the page held), and serves them. Stops as soon as `cancel`
    /// is set (a file was saved: its rebuild goes first), keeping the pages
    /// finished by then. Returns whether any are left.
    pub fn settle_some(&mut self, max: usize, cancel: &AtomicBool) -> bool {
        if !self.has_pending() {
            return false;
        }
        let Preview {
            live,
            output,
            keys,
            pending,
            pending_files,
            ..
        } = self;
        let rendered = live.as_ref().and_then(|live| {
            let site = live.checked.site.as_ref()?;
            let (theme, sources) = (&live.checked.theme, &live.checked.sources);
            let renderer = Renderer::new(site, theme, sources, &mut Diagnostics::default())?;
            let batch: Vec<Page> = renderer
                .pages()
                .into_iter()
                .filter(|p| pending.contains(&p.path))
                .take(max)
                .collect();
            let memory = Memory {
                files: Mutex::default(),
                keys: Mutex::default(),
                previous: &output.files,
                previous_keys: keys,
                kept: AtomicUsize::new(0),
            };
            let sink = Cancellable {
                inner: &memory,
                cancel,
            };
            let result = renderer.render_all(&batch, theme, sources, &sink, &|| {});
            if result.is_err() && !cancel.load(Ordering::Relaxed) {
                // A page that cannot be rendered: the full rebuild says why.
                return None;
            }
            let mut made = memory.files.into_inner().ok()?;
            let mut made_keys = memory.keys.into_inner().ok()?;
            // A page counts as rendered with all its files.
            let present: HashSet<&str> = made.iter().map(|(path, _)| &**path).collect();
            let mut done = HashSet::new();
            for page in &batch {
                let exports = page.export_paths();
                let all = present.contains(page.path.as_str())
                    && exports.as_ref().is_none_or(|(csv, json)| {
                        present.contains(csv.as_str()) && present.contains(json.as_str())
                    });
                if all {
                    done.insert(page.path.clone());
                    done.extend(exports.into_iter().flat_map(|(csv, json)| [csv, json]));
                }
            }
            made.retain(|(path, _)| done.contains(&**path));
            made_keys.retain(|(path, _)| done.contains(&**path));
            for page in &batch {
                if done.contains(&page.path) {
                    pending.remove(&page.path);
                }
            }
            Some((
                batch.is_empty(),
                made,
                made_keys,
                pending_paths(&renderer, pending),
            ))
        });
        let Some((none_found, made, made_keys, left)) = rendered else {
            self.full();
            return false;
        };
        if none_found {
            pending.clear();
        }
        Arc::make_mut(keys).extend(made_keys);
        *pending_files = Arc::new(left);
        *output = Arc::new(Output {
            files: output
                .files
                .with_files(made.into_iter().map(|(path, bytes)| (path, Some(bytes)))),
            statics: output.statics.clone(),
            problems: None,
            generation: output.generation,
            language: output.language,
            pending: Arc::clone(pending_files),
        });
        !pending.is_empty()
    }

    /// Renders every page left to render (for tests: `serve` renders them
    /// a few at a time, between saves).
    pub fn settle(&mut self) {
        while self.settle_some(usize::MAX, &AtomicBool::new(false)) {}
    }
}

/// A unit's files read again and the unit resolved from them, with its
/// problems; `None` unless it can take the path of this module (read
/// without a problem, resolved without an error, in the same place).
type Again = (model::Unit, String, Option<(FileId, String)>, Diagnostics);

fn read_again(root: &std::path::Path, site: &Site, sources: &Sources, i: usize) -> Option<Again> {
    let old = &site.units[i];
    let dir = root.join("content").join("units").join(&old.id);
    let mut read = Sources::default();
    let mut problems = Diagnostics::default();
    let toml = load::read_text(root, &dir.join("unit.toml"), &mut read, &mut problems)?;
    let toml = read.take_text(toml);
    let report = match old.report_file {
        Some(file) => {
            let id = load::read_text(root, &dir.join("report.md"), &mut read, &mut problems)?;
            Some((file, read.take_text(id)))
        }
        None if std::fs::symlink_metadata(dir.join("report.md")).is_ok() => return None,
        None => None,
    };
    if !problems.is_empty() {
        return None;
    }
    let files = load::UnitFiles {
        id: old.id.clone(),
        file: old.file,
        report: old.report_file,
        identity_only: false,
    };
    let mut found = Diagnostics::default();
    let new = model::resolve_again(
        site,
        &files,
        &toml,
        report.as_ref().map(|(file, text)| (*file, text.as_str())),
        &consistency::scan_report,
        &mut found,
    )?;
    if found.has_errors() {
        return None;
    }
    // The place as written before: the text the last build read.
    let written = load::parse_unit(&files, &sources.text(old.file), &mut Diagnostics::default())?;
    let same_place = new.unit.name == old.name
        && new.unit.short_name == old.short_name
        && new.unit.level == old.level
        && new.unit.indicators.is_empty() == old.indicators.is_empty()
        && new.parent.as_ref() == written.data.parent.as_ref().map(|p| p.get_ref())
        && new.slug.as_ref() == written.data.slug.as_ref().map(|s| s.get_ref());
    same_place.then_some((new.unit, toml, report, found))
}

/// Whether `d` is located in one of `files`.
fn located_in(d: &Diagnostic, files: &HashSet<FileId>) -> bool {
    matches!(&d.location, Location::Span { file, .. } if files.contains(file))
}

/// Removes from `diagnostics` one diagnostic equal to each of `these`.
fn remove_each(diagnostics: &mut Diagnostics, these: &Diagnostics) {
    if these.is_empty() {
        return;
    }
    let mut left: Vec<&Diagnostic> = these.iter().collect();
    diagnostics.retain(|d| match left.iter().position(|x| *x == d) {
        Some(at) => {
            left.swap_remove(at);
            false
        }
        None => true,
    });
}

/// The files of the pages `paths`: each page and its exports.
fn pending_paths(renderer: &Renderer<'_>, paths: &BTreeSet<String>) -> HashSet<Arc<str>> {
    if paths.is_empty() {
        return HashSet::new();
    }
    let mut files = HashSet::new();
    for page in renderer.pages() {
        if paths.contains(&page.path) {
            if let Some((csv, json)) = page.export_paths() {
                files.insert(Arc::from(csv));
                files.insert(Arc::from(json));
            }
            files.insert(Arc::from(page.path));
        }
    }
    files
}

/// A sink that stops at once when `cancel` is set: every write fails, and
/// so does the page being written, at its next bytes.
struct Cancellable<'a> {
    inner: &'a Memory<'a>,
    cancel: &'a AtomicBool,
}

impl Cancellable<'_> {
    fn check(&self) -> Result<(), Diagnostic> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(Diagnostic::error(
                crate::diag::Msg::new("render_thread_failed"),
                crate::diag::Msg::new("render_thread_failed_hint"),
            ));
        }
        Ok(())
    }
}

impl Sink for Cancellable<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.check()?;
        self.inner.write(path, bytes)
    }

    fn write_keyed(&self, path: &str, key: Key, fill: &mut Fill<'_>) -> Result<(), Diagnostic> {
        self.check()?;
        let cancel = self.cancel;
        self.inner
            .write_keyed(path, key, &mut |out| fill(&mut Stopping { out, cancel }))
    }

    fn keyed(&self) -> bool {
        true
    }
}

/// A writer that fails once `cancel` is set.
struct Stopping<'a> {
    out: &'a mut dyn std::io::Write,
    cancel: &'a AtomicBool,
}

impl std::io::Write for Stopping<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("a file was saved"));
        }
        self.out.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
