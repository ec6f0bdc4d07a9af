//! The site as `serve` keeps it: the last good build in memory, and the
//! model it was made from, so that an edit of reports re-renders only their
//! units' pages and the search files their words are in.
//!
//! Correctness first: what [`Preview`] serves after any sequence of changes
//! is byte for byte what a fresh `ketqua build` writes (tested in
//! `tests/it/serve.rs`). A save of existing units' unit.toml files that
//! leaves them in their place has its own path too (`preview/units.rs`).
//! Anything else rebuilds the whole site, in memory, keeping each page
//! whose key (a hash of everything it is made from, `render/keyed.rs`) is
//! the one of the page it has: only the pages whose context changed are
//! rendered again.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::build::{self, Checked, Silent};
use crate::consistency;
use crate::diag::{Diagnostic, Diagnostics, Location, Msg, Severity, Sources};
use crate::i18n::Language;
use crate::load;
use crate::model;
use crate::render::Renderer;
use crate::search::{self, FileChange};
use crate::theme::StaticFile;
use crate::timings::Timings;
use crate::write::{Fill, Key, Sink};

/// What is served: the generated files of the last good build, the theme's
/// static files, and the problems of the last attempt when it failed.
#[derive(Debug, Default)]
pub struct Output {
    /// Pages, exports and search files, by path from the output root.
    pub files: Files,
    pub statics: BTreeMap<String, StaticFile>,
    /// The diagnostics of the last rebuild, as text, when it failed: shown
    /// over the last good pages until a rebuild succeeds.
    pub problems: Option<String>,
    /// Counts rebuilds (good or bad), so clients can tell states apart.
    pub generation: u64,
    /// The interface language of the last good build: the overlay's words.
    pub language: Language,
    /// Files whose bytes in `files` may be out of date: pages (and their
    /// exports) that a rebuild of units' unit.toml files left to render
    /// after the reload ([`Preview::settle_some`]). Never served as they are.
    pub pending: Arc<HashSet<Arc<str>>>,
}

impl Output {
    /// Whether a request for `path` must wait for the pages left to render:
    /// the file is one of them, or it is missing and the page of a missing
    /// file is.
    pub fn waits_for(&self, path: &str) -> bool {
        !self.pending.is_empty()
            && (self.pending.contains(path)
                || (self.files.get(path).is_none()
                    && !self.statics.contains_key(path)
                    && self.pending.contains("404.html")))
    }

    /// The bytes of the file at `path` (from the output root): a generated
    /// file, or a static file (read from disk, and only when the file is
    /// inside `root` once links are resolved).
    pub fn get(&self, root: &Path, path: &str) -> Lookup {
        if self.pending.contains(path) {
            return Lookup::Pending;
        }
        if let Some(bytes) = self.files.get(path) {
            return Lookup::Found(bytes);
        }
        match self.statics.get(path) {
            Some(StaticFile::Embedded(bytes)) => Lookup::Found(Arc::from(*bytes)),
            Some(StaticFile::Disk(file)) => {
                // The load's rule, asked again: a link may have changed
                // since the site was loaded.
                let inside = file
                    .canonicalize()
                    .is_ok_and(|file| crate::load::resolves_inside(root, &file));
                if !inside {
                    return Lookup::Outside;
                }
                match std::fs::read(file) {
                    Ok(bytes) => Lookup::Found(Arc::from(bytes)),
                    Err(_) => Lookup::Missing,
                }
            }
            None => Lookup::Missing,
        }
    }

    /// Every file served, with its bytes, by path: what `ketqua build`
    /// would write (for tests; reads every static file).
    pub fn all_files(&self, root: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut all: BTreeMap<String, Vec<u8>> = self
            .files
            .iter()
            .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
            .collect();
        for path in self.statics.keys() {
            if let Lookup::Found(bytes) = self.get(root, path) {
                all.insert(path.clone(), bytes.to_vec());
            }
        }
        all
    }

    /// The same files with `problems` shown over them (the pages left to
    /// render are the last good ones, under the problems).
    fn failed(&self, problems: String) -> Arc<Output> {
        Arc::new(Output {
            files: self.files.clone(),
            statics: self.statics.clone(),
            problems: Some(problems),
            generation: self.generation + 1,
            language: self.language,
            pending: Arc::default(),
        })
    }
}

/// The generated files: those of the last full build, shared by every
/// output since, and the changes made by incremental rebuilds on top. An
/// incremental rebuild copies only the changes, not the ten thousands of
/// files of a large site; they are folded into the shared map when many.
#[derive(Debug, Clone, Default)]
pub struct Files {
    base: Arc<HashMap<Arc<str>, Arc<[u8]>>>,
    /// Written (`Some`) or removed (`None`) since the base.
    changes: HashMap<Arc<str>, Option<Arc<[u8]>>>,
}

/// Changes kept on top of the base before they are folded into it.
const MAX_CHANGES: usize = 2_000;

impl Files {
    pub(crate) fn new(files: HashMap<Arc<str>, Arc<[u8]>>) -> Files {
        Files {
            base: Arc::new(files),
            changes: HashMap::new(),
        }
    }

    pub fn get(&self, path: &str) -> Option<Arc<[u8]>> {
        match self.changes.get(path) {
            Some(change) => change.clone(),
            None => self.base.get(path).cloned(),
        }
    }

    /// Every file, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&Arc<str>, &Arc<[u8]>)> {
        let changes = self
            .changes
            .iter()
            .filter_map(|(path, bytes)| bytes.as_ref().map(|b| (path, b)));
        self.base
            .iter()
            .filter(|(path, _)| !self.changes.contains_key(&***path))
            .chain(changes)
    }

    /// These files with `changes` made.
    fn with(&self, changes: Vec<FileChange>) -> Files {
        self.with_files(changes.into_iter().map(|change| match change {
            FileChange::Write(path, bytes) => (Arc::from(path), Some(Arc::from(bytes))),
            FileChange::Remove(path) => (Arc::from(path), None),
        }))
    }

    /// These files with each written (`Some`) or removed (`None`).
    fn with_files(
        &self,
        changes: impl IntoIterator<Item = (Arc<str>, Option<Arc<[u8]>>)>,
    ) -> Files {
        let mut files = self.clone();
        for (path, bytes) in changes {
            files.changes.insert(path, bytes);
        }
        if files.changes.len() > MAX_CHANGES {
            let mut base = (*files.base).clone();
            for (path, bytes) in files.changes.drain() {
                match bytes {
                    Some(bytes) => base.insert(path, bytes),
                    None => base.remove(&path),
                };
            }
            files.base = Arc::new(base);
        }
        files
    }
}

/// What [`Output::get`] found.
#[derive(Debug)]
pub enum Lookup {
    Found(Arc<[u8]>),
    /// A page left to render after the last rebuild ([`Output::pending`]).
    Pending,
    /// A static file that links to a place outside the site folder.
    Outside,
    Missing,
}

/// What changed on disk, as far as rebuilding is concerned (see
/// `watch::classify`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Change {
    /// Ids of units whose `report.md` was written, created or removed.
    pub reports: BTreeSet<String>,
    /// Ids of units whose `unit.toml` was written, created or removed.
    pub unit_tomls: BTreeSet<String>,
    /// Whether anything else the site is made from changed.
    pub other: bool,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        self.reports.is_empty() && self.unit_tomls.is_empty() && !self.other
    }
}

/// How a rebuild went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Whether the whole site was rebuilt (else only some units' pages).
    pub full: bool,
    /// Whether it succeeded (else the problems are in the output).
    pub ok: bool,
    /// Files written or removed.
    pub files: usize,
    /// Pages of a full rebuild kept from the previous one: their keys had
    /// not changed.
    pub kept: usize,
    pub warnings: usize,
    pub elapsed: Duration,
}

/// The model of the last good full build, kept for incremental rebuilds.
struct Live {
    checked: Checked,
    index: search::Index,
    /// Units whose report changed while the site had errors: their pages
    /// are re-rendered with the next good rebuild.
    stale: BTreeSet<usize>,
}

pub struct Preview {
    root: PathBuf,
    today: jiff::civil::Date,
    /// The press site (`serve --public`): always rebuilt whole, as
    /// `build --public` makes it.
    public: bool,
    live: Option<Live>,
    output: Arc<Output>,
    /// The key of each page of `output` that a full rebuild made under one.
    keys: Arc<HashMap<Arc<str>, Key>>,
    /// The units of the last full rebuild, for the next to take those
    /// whose files did not change.
    units: model::UnitCache,
    /// The pages (with their exports) a rebuild of unit.toml files left to
    /// render: `output` holds their bytes and `keys` their keys from before.
    pending: BTreeSet<String>,
    /// Those pages' files and their exports' (`Output::pending`).
    pending_files: Arc<HashSet<Arc<str>>>,
}

/// A generated file: its path from the output root, and its bytes.
type File = (Arc<str>, Arc<[u8]>);

/// The sink of a full rebuild in memory: every file made, and each page's
/// key; a page whose key is the one of the page the preview has is kept
/// rather than rendered again.
struct Memory<'a> {
    files: Mutex<Vec<File>>,
    keys: Mutex<Vec<(Arc<str>, Key)>>,
    previous: &'a Files,
    previous_keys: &'a HashMap<Arc<str>, Key>,
    kept: AtomicUsize,
}

impl Memory<'_> {
    fn push(&self, path: &str, bytes: Arc<[u8]>) -> Result<(), Diagnostic> {
        locked(&self.files)?.push((Arc::<str>::from(path), bytes));
        Ok(())
    }

    fn push_key(&self, path: &str, key: Key) -> Result<(), Diagnostic> {
        locked(&self.keys)?.push((Arc::<str>::from(path), key));
        Ok(())
    }
}

/// The list behind `mutex`; an error when a rendering thread panicked
/// while it held it.
fn locked<T>(mutex: &Mutex<T>) -> Result<std::sync::MutexGuard<'_, T>, Diagnostic> {
    mutex.lock().map_err(|_| {
        Diagnostic::error(
            Msg::new("render_thread_failed"),
            Msg::new("render_thread_failed_hint"),
        )
    })
}

impl Sink for Memory<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.push(path, Arc::from(bytes))
    }

    fn write_keyed(&self, path: &str, key: Key, fill: &mut Fill<'_>) -> Result<(), Diagnostic> {
        let kept = (self.previous_keys.get(path) == Some(&key))
            .then(|| self.previous.get(path))
            .flatten();
        match kept {
            Some(bytes) => {
                self.kept.fetch_add(1, Ordering::Relaxed);
                self.push(path, bytes)?;
            }
            None => {
                let mut bytes = Vec::new();
                fill(&mut bytes)?;
                self.push(path, Arc::from(bytes))?;
            }
        }
        self.push_key(path, key)
    }

    fn keyed(&self) -> bool {
        true
    }
}

impl Preview {
    /// Builds the site for the first time.
    pub fn new(root: &Path, today: jiff::civil::Date, public: bool) -> (Preview, Outcome) {
        let mut preview = Preview {
            root: root.to_path_buf(),
            today,
            public,
            live: None,
            output: Arc::new(Output::default()),
            keys: Arc::default(),
            units: model::UnitCache::default(),
            pending: BTreeSet::new(),
            pending_files: Arc::default(),
        };
        let outcome = preview.full();
        (preview, outcome)
    }

    /// What to serve now.
    pub fn output(&self) -> Arc<Output> {
        Arc::clone(&self.output)
    }

    /// Updates the site after `change`: the reports' pages alone when only
    /// reports of known units were edited, the units' own path when only
    /// their unit.toml files were (see `preview/units.rs`), else the whole
    /// site.
    pub fn rebuild(&mut self, change: &Change) -> Outcome {
        if let Some(units) = self.report_units(change) {
            return self.reports(&units);
        }
        if let Some(units) = self.toml_units(change)
            && let Some(outcome) = self.unit_tomls(&units)
        {
            return outcome;
        }
        self.full()
    }

    /// The units whose reports alone changed, when an incremental rebuild
    /// can take the change: the last full build succeeded, and each report
    /// belongs to a known unit that had a report then and has one now.
    fn report_units(&self, change: &Change) -> Option<Vec<usize>> {
        let live = self.live.as_ref()?;
        let site = live.checked.site.as_ref()?;
        // A site of several rounds is rebuilt whole: a unit's page there
        // shows its other rounds too.
        if self.public
            || change.other
            || change.reports.is_empty()
            || !change.unit_tomls.is_empty()
            || live.checked.rounds.is_some()
        {
            return None;
        }
        change
            .reports
            .iter()
            .map(|id| {
                let i = site.units.iter().position(|u| &u.id == id)?;
                site.units[i].report_file?;
                report_path(&self.root, id).is_file().then_some(i)
            })
            .collect()
    }

    fn full(&mut self) -> Outcome {
        let started = Instant::now();
        self.live = None;
        // Rendered again below when their keys changed, like every page.
        self.pending.clear();
        self.pending_files = Arc::default();
        let mut checked = build::check_cached(
            &self.root,
            self.today,
            self.public,
            Some(model::Earlier::Memory(&mut self.units)),
            None,
            None,
            // The preview keeps the units' files for the session: packed.
            0,
        );
        let previous = self.output.files.clone();
        let previous_keys = Arc::clone(&self.keys);
        let sink = Memory {
            files: Mutex::default(),
            keys: Mutex::default(),
            previous: &previous,
            previous_keys: &previous_keys,
            kept: AtomicUsize::new(0),
        };
        let generated = if checked.ok(false) {
            let Checked {
                sources,
                diagnostics,
                site,
                theme,
                rounds,
                ..
            } = &mut checked;
            site.as_ref().and_then(|site| {
                // `--public`: the copy `build --public` renders.
                let press = self
                    .public
                    .then(|| build::PressCopy::of(site, rounds.as_ref(), sources));
                let (site, rounds) = match &press {
                    Some(press) => (&press.site, press.rounds.as_ref()),
                    None => (site, rounds.as_ref()),
                };
                let input = build::Input {
                    site,
                    theme,
                    sources,
                    root: &self.root,
                    keep_index: true,
                    rounds: rounds.map(|set| (set, set.rounds.current, site)),
                    cache: None,
                };
                build::generate(&input, diagnostics, &Silent, &mut Timings::default(), &sink)
            })
        } else {
            None
        };
        let warnings = checked.diagnostics.warnings();
        // `keep_index` is asked above, so a generated site has its index.
        let Some(build::Generated {
            index: Some(index), ..
        }) = generated
        else {
            checked.diagnostics.sort(&checked.sources);
            let language = checked
                .site
                .as_ref()
                .map_or(self.output.language, |site| site.config.language);
            return self.failed(&checked.diagnostics, &checked.sources, language, started);
        };
        let kept = sink.kept.into_inner();
        let keys = sink.keys.into_inner().unwrap_or_default();
        let files: HashMap<Arc<str>, Arc<[u8]>> = sink
            .files
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let count = files.len();
        let files = Files::new(files);
        let language = checked
            .site
            .as_ref()
            .map_or(Language::Vi, |site| site.config.language);
        self.output = Arc::new(Output {
            files,
            statics: checked.theme.statics.clone(),
            problems: None,
            generation: self.output.generation + 1,
            language,
            pending: Arc::default(),
        });
        self.keys = Arc::new(keys.into_iter().collect());
        self.live = Some(Live {
            checked,
            index,
            stale: BTreeSet::new(),
        });
        Outcome {
            full: true,
            ok: true,
            files: count,
            kept,
            warnings,
            elapsed: started.elapsed(),
        }
    }

    /// Keeps the last good files and shows `diagnostics` over them.
    fn failed(
        &mut self,
        diagnostics: &Diagnostics,
        sources: &Sources,
        language: Language,
        started: Instant,
    ) -> Outcome {
        self.output = self
            .output
            .failed(problems_text(diagnostics, sources, language));
        Outcome {
            full: true,
            ok: false,
            files: 0,
            kept: 0,
            warnings: diagnostics.warnings(),
            elapsed: started.elapsed(),
        }
    }

    /// Re-reads the reports of `units` and re-renders their pages and
    /// search entries. Falls back to a full rebuild when a report cannot be
    /// read as text (the full build reports why).
    fn reports(&mut self, units: &[usize]) -> Outcome {
        let started = Instant::now();
        let Some(live) = self.live.as_mut() else {
            return self.full();
        };
        let Checked {
            sources,
            diagnostics,
            site: Some(site),
            theme,
            ..
        } = &mut live.checked
        else {
            return self.full();
        };
        for &i in units {
            let Some(file) = site.units[i].report_file else {
                return self.full();
            };
            let mut read = Sources::default();
            let mut problems = Diagnostics::default();
            let path = report_path(&self.root, &site.units[i].id);
            let Some(id) = load::read_text(&self.root, &path, &mut read, &mut problems) else {
                return self.full();
            };
            sources.replace(file, read.take_text(id));
            diagnostics
                .retain(|d| !matches!(&d.location, Location::Span { file: f, .. } if *f == file));
            let mut found = Diagnostics::default();
            site.units[i].report = Some(model::render_report(
                file,
                sources,
                site.config.language,
                &mut found,
            ));
            consistency::check_report(&site.units[i], sources, &mut found);
            diagnostics.extend(found);
            live.stale.insert(i);
        }
        let warnings = diagnostics.warnings();
        if diagnostics.has_errors() {
            // Sorted only to be shown (sorting ten thousand units' warnings
            // on every save would cost more than the rebuild).
            diagnostics.sort(sources);
            let language = self.output.language;
            self.output = self
                .output
                .failed(problems_text(diagnostics, sources, language));
            return Outcome {
                full: false,
                ok: false,
                files: 0,
                kept: 0,
                warnings,
                elapsed: started.elapsed(),
            };
        }
        let mut errors = Diagnostics::default();
        let Some(renderer) = Renderer::new(site, theme, sources, &mut errors) else {
            return self.full();
        };
        let mut changes = Vec::new();
        // The pages rendered here are made under no key: the next full
        // rebuild renders them again.
        let keys = Arc::make_mut(&mut self.keys);
        for &i in &live.stale {
            let page = renderer.unit_page(i);
            keys.remove(page.path.as_str());
            let Ok(html) = renderer.render(&page) else {
                // A template that fails on this report's data: the full
                // build says where.
                return self.full();
            };
            changes.push(FileChange::Write(page.path.clone(), html.into_bytes()));
            changes.extend(live.index.replace(i, renderer.unit_document(i)));
        }
        live.stale.clear();
        let count = changes.len();
        self.output = Arc::new(Output {
            files: self.output.files.with(changes),
            statics: self.output.statics.clone(),
            problems: None,
            generation: self.output.generation + 1,
            language: self.output.language,
            pending: Arc::clone(&self.pending_files),
        });
        Outcome {
            full: false,
            ok: true,
            files: count,
            kept: 0,
            warnings,
            elapsed: started.elapsed(),
        }
    }
}

mod units;

/// The errors, as `ketqua check` prints them (the warnings are only
/// counted: they do not stop a build, and `check` lists them).
fn problems_text(diagnostics: &Diagnostics, sources: &Sources, language: Language) -> String {
    let mut errors = Diagnostics::default();
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
        errors.push(d.clone());
    }
    let style = crate::diag::Style {
        language,
        ..crate::diag::Style::default()
    };
    format!(
        "{}{}\n",
        errors.render_with(sources, style),
        diagnostics.summary_in(language)
    )
}

/// Where a unit's report is.
fn report_path(root: &Path, id: &str) -> PathBuf {
    root.join("content")
        .join("units")
        .join(id)
        .join("report.md")
}
