//! The pipeline: load → model → checks → render → write. `check` stops
//! after the model; `build` goes on only when there are no errors.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cache;
use crate::consistency;
use crate::diag::{Diagnostic, Diagnostics, Msg, Sources};
use crate::highlight;
use crate::load;
use crate::model::{self, Site};
use crate::packed::{Spill, SpillFile};
use crate::render::Renderer;
use crate::round::{self, RoundSites};
use crate::search;
use crate::theme::{self, StaticFile, Theme};
use crate::timeline;
use crate::timings::Timings;
use crate::write::{self, Fill, Previous, Sink, Staging};

/// What a build or check is asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holding site.toml).
    pub root: PathBuf,
    /// The output folder.
    pub output: PathBuf,
    /// Treat warnings as errors.
    pub deny_warnings: bool,
    /// The date deadlines are judged at when site.toml gives no `as_of`,
    /// and the build date embargoes are judged at.
    pub today: jiff::civil::Date,
    /// Build the press site: only what the content marks public
    /// (see `public.rs`).
    pub public: bool,
    /// Keep the output a build replaces as the spare, for the next build to
    /// stage into (what `build` does unless `--no-spare`; see
    /// `write::Previous`).
    pub reuse_output: bool,
    /// Make every page again, carrying none over from the previous output
    /// (`build --fresh`; see `write::Staging::keep_manifest`).
    pub fresh: bool,
}

/// The outcome of checking a site: its sources (for quoting in messages),
/// the problems found, and the model when the configuration was usable.
pub struct Checked {
    pub sources: Sources,
    pub diagnostics: Diagnostics,
    pub site: Option<Site>,
    /// The theme's templates and assets, loaded and compiled once by `check`.
    pub theme: Theme,
    /// How long each stage took (`build --timings`).
    pub timings: Timings,
    /// The review rounds other than the current one, each resolved into
    /// its own model (see `round`); `None` for a site of one review.
    pub(crate) rounds: Option<RoundSites>,
}

impl Checked {
    /// The site's language, the language of its messages: Vietnamese, the
    /// default, when site.toml could not be read.
    pub fn language(&self) -> crate::i18n::Language {
        self.site
            .as_ref()
            .map_or_else(Default::default, |site| site.config.language)
    }

    /// Whether a build may go on.
    pub fn ok(&self, deny_warnings: bool) -> bool {
        self.site.is_some()
            && !self.diagnostics.has_errors()
            && !(deny_warnings && self.diagnostics.warnings() > 0)
    }
}

/// Loads and checks a site without writing anything. `today` is the date
/// deadlines are judged at when site.toml gives no `as_of`. The reports'
/// texts stay in `sources` only when `keep_reports` (the public build cuts
/// reports from their source) or when a problem quotes them.
pub(crate) fn check(root: &Path, today: jiff::civil::Date, keep_reports: bool) -> Checked {
    check_cached(root, today, keep_reports, None, None, None, UNPACKED)
}

/// The bytes of units' files a build or a check holds as they are, not
/// packed, until the model has read them (see `load::load_site`): a
/// province's whole content. At 10,000 units (123 MB) it raises a build's
/// peak by 22 MB; at 60,000 units (738 MB) the peak, which comes later,
/// does not change measurably.
pub(crate) const UNPACKED: usize = 128 << 20;

/// [`check`], the current round's units taken from an earlier resolution
/// where their inputs are unchanged (`serve`'s last rebuild, or the build
/// cache).
pub(crate) fn check_cached(
    root: &Path,
    today: jiff::civil::Date,
    keep_reports: bool,
    earlier: Option<model::Earlier<'_>>,
    known: Option<&load::Known>,
    spill: Option<&Arc<dyn Spill>>,
    unpacked: usize,
) -> Checked {
    let mut sources = Sources::default();
    let mut diagnostics = Diagnostics::default();
    let mut timings = Timings::default();
    let source = timings.time("load", || {
        load::load_site(root, known, unpacked, &mut sources, &mut diagnostics)
    });
    let mut rounds = None;
    let site = source.map(|mut source| {
        let highlights = std::mem::take(&mut source.highlights);
        let folders = source.unit_folders.clone();
        // With rounds, the current round's source takes the place of the
        // site's; the others are resolved after it.
        // Without site.toml's values (it could not be read) the model takes
        // defaults; what the dates rules would say of them follows from
        // that error.
        let config_failed = source.config.is_none();
        let declared = round::resolve(source.config.as_ref(), &mut diagnostics);
        // Each round's highlights, by the round's index.
        let mut belongs = Vec::new();
        unless_caused(config_failed, &mut diagnostics, |d| {
            belongs = round::highlight_rounds(declared.as_ref(), &highlights, d);
        });
        let count = declared.as_ref().map_or(1, |d| d.list.len());
        let mut by_round: Vec<Vec<load::HighlightSource>> =
            (0..count).map(|_| Vec::new()).collect();
        for (h, i) in highlights.into_iter().zip(belongs) {
            if let Some(list) = i.and_then(|i| by_round.get_mut(i)) {
                list.push(h);
            }
        }
        let current = declared.as_ref().map_or(0, |d| d.current);
        let highlights = std::mem::take(&mut by_round[current]);
        let others = declared.map(|declared| {
            round::check_folders(Some(&declared), &source.round_units, &mut diagnostics);
            let others: Vec<_> = (0..declared.list.len())
                .map(|i| (i != declared.current).then(|| round::source_for(&source, &declared, i)))
                .collect();
            source = round::source_for(&source, &declared, declared.current);
            (declared, others)
        });
        if others.is_none() {
            unless_caused(config_failed, &mut diagnostics, |d| {
                round::check_folders(None, &source.round_units, d);
            });
        }
        let mut site = timings.time("model", || {
            model::resolve_cached(
                source,
                &mut sources,
                &mut diagnostics,
                today,
                keep_reports,
                &consistency::scan_report,
                earlier,
                spill,
            )
        });
        timings.time("consistency", || {
            resolve_highlights(
                &mut site,
                &highlights,
                &folders,
                &sources,
                &mut diagnostics,
                today,
            );
            let clean = consistency::check(&site, &mut diagnostics);
            for (unit, clean) in site.units.iter_mut().zip(clean) {
                unit.checked_clean = clean;
            }
            unless_caused(config_failed, &mut diagnostics, |d| {
                timeline::check(&site, d);
            });
        });
        rounds = others.map(|(declared, others)| {
            timings.time("rounds", || {
                let sites = others
                    .into_iter()
                    .zip(&declared.list)
                    .zip(by_round)
                    .map(|((source, one), highlights)| {
                        let source = source?;
                        let mut site = resolve_round(
                            source,
                            one,
                            &mut sources,
                            &mut diagnostics,
                            today,
                            keep_reports,
                        );
                        resolve_highlights(
                            &mut site,
                            &highlights,
                            &folders,
                            &sources,
                            &mut diagnostics,
                            today,
                        );
                        Some(site)
                    })
                    .collect();
                RoundSites {
                    rounds: declared,
                    sites,
                }
            })
        });
        site
    });
    let theme = match &site {
        Some(site) => timings.time("theme", || {
            let theme = theme::load(root, &site.config.theme, &mut sources, &mut diagnostics);
            // Compiling the templates finds their syntax errors, so that
            // `check` fails wherever `build` would.
            Renderer::new(site, &theme, &sources, &mut diagnostics);
            theme
        }),
        None => Theme::default(),
    };
    diagnostics.sort(&sources);
    // A file not read by the load, its text asked for and no longer the
    // one the build cache knew: what was built from it is not the content.
    let changed = sources.changed();
    if !changed.is_empty() {
        for id in changed {
            diagnostics.push(
                Diagnostic::error(
                    Msg::new("file_changed_during_build").arg("path", sources.name(id)),
                    Msg::new("file_changed_during_build_hint"),
                )
                .at_path(Path::new(sources.name(id)), 1, 1),
            );
        }
        diagnostics.sort(&sources);
    }
    Checked {
        sources,
        diagnostics,
        site,
        theme,
        timings,
        rounds,
    }
}

/// Runs `check` into `diagnostics`, or, when `caused` (an error already
/// told makes what it would find meaningless), only counts its findings as
/// suppressed.
fn unless_caused(
    caused: bool,
    diagnostics: &mut Diagnostics,
    check: impl FnOnce(&mut Diagnostics),
) {
    if caused {
        let mut following = Diagnostics::default();
        check(&mut following);
        following.iter().for_each(|_| diagnostics.suppress());
    } else {
        check(diagnostics);
    }
}

/// Resolves a round's highlights against its units and catalogue, and
/// warns about public highlights the press build will cut.
fn resolve_highlights(
    site: &mut Site,
    highlights: &[load::HighlightSource],
    folders: &[String],
    sources: &Sources,
    diagnostics: &mut Diagnostics,
    today: jiff::civil::Date,
) {
    let known = highlight::Known {
        units: &site.units,
        catalogue: &site.catalogue,
        folders,
    };
    site.highlights = highlight::resolve(
        highlights,
        known,
        sources,
        diagnostics,
        today,
        site.config.language,
    );
    highlight::check_public(site, diagnostics);
}

/// Resolves and checks a round that is not the current one. Only the
/// problems of its own files are kept (its units' folders for the round, its
/// `[[rounds]]` table): the rest are the current round's, reported once.
fn resolve_round(
    source: load::SiteSource,
    one: &round::Round,
    sources: &mut Sources,
    diagnostics: &mut Diagnostics,
    today: jiff::civil::Date,
    keep_reports: bool,
) -> Site {
    let own = round::own_files(&source);
    let config_file = source.config.as_ref().map(|(file, _)| *file);
    let mut local = Diagnostics::default();
    let site = model::resolve(
        source,
        sources,
        &mut local,
        today,
        keep_reports,
        &consistency::scan_report,
    );
    consistency::check(&site, &mut local);
    timeline::check(&site, &mut local);
    // A unit.toml that cannot be parsed is told by every round that reads
    // it: once is enough.
    let key = |d: &Diagnostic| match &d.location {
        crate::diag::Location::Span { file, span } => {
            Some((*file, span.start, span.end, d.message_en().to_owned()))
        }
        _ => None,
    };
    let told: std::collections::HashSet<_> = diagnostics.iter().filter_map(key).collect();
    local.retain(|d| match &d.location {
        crate::diag::Location::Span { file, span } => {
            (own.contains(file)
                || (Some(*file) == config_file
                    && span.start >= one.span.start
                    && span.end <= one.span.end))
                && key(d).is_none_or(|k| !told.contains(&k))
        }
        _ => false,
    });
    diagnostics.extend(local);
    site
}

/// What the press site renders (`build --public`, `serve --public`): a copy
/// of the model with everything internal removed, so no page, chart, export
/// or index can show it; the other rounds' public copies are its archive.
pub(crate) struct PressCopy {
    pub site: Site,
    pub rounds: Option<RoundSites>,
}

impl PressCopy {
    pub(crate) fn of(site: &Site, rounds: Option<&RoundSites>, sources: &Sources) -> PressCopy {
        PressCopy {
            site: crate::public::public_site(site, sources),
            rounds: rounds.map(|set| RoundSites {
                rounds: set.rounds.clone(),
                sites: set
                    .sites
                    .iter()
                    .map(|s| s.as_ref().map(|s| crate::public::public_site(s, sources)))
                    .collect(),
            }),
        }
    }
}

#[derive(Debug)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub units: usize,
    pub warnings: usize,
    /// The time taken to build the search index (included in `elapsed`).
    pub search_index: Duration,
    /// Pages carried over unchanged from the previous output.
    pub carried: usize,
    /// Units and search entries taken from the build cache (`cache.rs`).
    pub from_cache: (usize, usize),
    /// The units' files not read, known unchanged by the build cache.
    pub not_read: usize,
    /// Where the time went, stage by stage.
    pub timings: Timings,
    /// Problems that did not fail the build, for the user to see (a previous
    /// build that could not be removed after the new one was put in place).
    pub notes: Vec<Msg>,
    /// The warnings found (`build -q` prints them), and the texts they quote.
    pub diagnostics: Diagnostics,
    pub sources: Sources,
    /// The site's language, the language of its messages.
    pub language: crate::i18n::Language,
    pub elapsed: Duration,
}

/// Reports progress while pages are written (a progress bar in a terminal).
pub trait Progress: Sync {
    fn start(&self, total: usize);
    fn advance(&self);
    fn finish(&self);
}

/// No progress output.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: usize) {}
    fn advance(&self) {}
    fn finish(&self) {}
}

/// Checks, renders and writes the site. On any error nothing is written to
/// the output folder; the returned `Checked` carries the diagnostics.
///
/// A report's text that the build cache names and that does not read back
/// whole is found only when a page is made of it: that build stops short
/// of putting its output in place, and the site is built again without the
/// cache, which is removed (and written anew).
pub fn build(options: &BuildOptions, progress: &dyn Progress) -> Result<Summary, Box<Checked>> {
    let mut damaged = false;
    let built = match build_once(options, progress) {
        Err(Stopped::Lost(_)) if !options.fresh => {
            cache::remove(&options.root);
            damaged = true;
            let again = BuildOptions {
                fresh: true,
                ..options.clone()
            };
            build_once(&again, progress)
        }
        other => other,
    };
    let (mut summary, removal, held) = built.map_err(Stopped::checked)?;
    // The checked site (at 60,000 units, most of 950 MB, in millions of
    // allocations) is let go on a thread of its own, not waited for: about
    // 0.1 s of a one-report edit there (docs/performance.md). When the
    // process ends first, the system takes the memory back whole. Nothing
    // in it acts when dropped; the files the build held open (the cache it
    // read, the spill) were closed in `build_once`.
    let _ = std::thread::Builder::new()
        .name("let go".into())
        .spawn(move || drop(held));
    if damaged {
        summary.notes.push(Msg::new("build_cache_damaged"));
    }
    // The previous output was being removed while the build wrote its
    // cache and let go of what it held.
    let (mark, started) = (Timings::mark(), Instant::now());
    let left = removal.wait();
    summary.timings.record("remove old", mark);
    summary.elapsed += started.elapsed();
    if let Some(left) = left {
        summary
            .notes
            .push(Msg::new("previous_build_left").arg("path", left));
    }
    Ok(summary)
}

/// Why [`build_once`] stopped.
enum Stopped {
    Checked(Box<Checked>),
    /// Texts set aside did not read back whole.
    Lost(Box<Checked>),
}

impl Stopped {
    fn checked(self) -> Box<Checked> {
        match self {
            Stopped::Checked(checked) | Stopped::Lost(checked) => checked,
        }
    }
}

/// What a build held to the end: the checked site, and its press copy.
type Held = Box<(Checked, Option<PressCopy>)>;

fn build_once(
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<(Summary, write::Removal, Held), Stopped> {
    let started = Instant::now();
    let mut build_timings = Timings::default();
    // The press build keeps no manifest and no cache: its folder is
    // published whole, and it is made seldom.
    let identity = if options.public {
        None
    } else {
        build_timings.time("identity", identity)
    };
    let reader = identity
        .filter(|_| !options.fresh)
        .map(|identity| cache::Reader::open(&options.root, identity))
        .or_else(|| identity.map(|_| cache::Reader::default()));
    // The reports' HTML and text, set aside as the units are resolved and
    // read back when their pages are made (see `packed`): beside the build
    // cache, on the same disk.
    let spill = SpillFile::new_in(&options.root);
    let spilled = spill.clone().map(|spill| spill as Arc<dyn Spill>);
    let mut checked = check_cached(
        &options.root,
        options.today,
        options.public,
        reader
            .as_ref()
            .map(|r| model::Earlier::Store(r as &dyn model::UnitStore)),
        reader.as_ref().map(cache::Reader::known),
        spilled.as_ref(),
        UNPACKED,
    );
    checked.timings.prepend(build_timings);
    if let Some(problem) = write::output_problem(&options.root, &options.output) {
        checked.diagnostics.push(problem);
        checked.diagnostics.sort(&checked.sources);
    }
    let blocked = !checked.ok(options.deny_warnings);
    let Checked {
        sources,
        diagnostics,
        site,
        theme,
        timings,
        rounds,
    } = &mut checked;
    let site = match site {
        Some(site) if !blocked => &*site,
        _ => return Err(Stopped::Checked(Box::new(checked))),
    };
    let public_copy = options
        .public
        .then(|| PressCopy::of(site, rounds.as_ref(), sources));
    let mut notes = Vec::new();
    let full = site;
    let site = public_copy.as_ref().map_or(site, |copy| &copy.site);
    if options.public && site.config.base_url.is_empty() {
        // Printed as a warning; the build goes on: feeds and sitemaps need
        // absolute URLs, and so do Open Graph tags.
        notes.push(Msg::new("no_base_url"));
    }
    let not_read = sources.unread();
    // From here on the units' files are only quoted by the problems already
    // found: the rest of their texts, the size of the content, go.
    let unit_files = full
        .units
        .iter()
        .flat_map(|u| std::iter::once(u.file).chain(u.report_file));
    sources.release(unit_files, diagnostics);
    let rounds = match &public_copy {
        Some(copy) => copy.rounds.as_ref(),
        None => rounds.as_ref(),
    };
    let input = Input {
        site,
        theme,
        sources,
        root: &options.root,
        keep_index: false,
        rounds: rounds.map(|set| (set, set.rounds.current, site)),
        cache: None,
    };
    let writer = identity
        .zip(reader.as_ref())
        .and_then(|(identity, last)| cache::Writer::create(&options.root, identity, last));
    let keep = |key: u128, entry: &search::Entry| {
        if let Some(writer) = &writer {
            writer.entry(key, entry);
        }
    };
    let input = Input {
        cache: reader
            .as_ref()
            .filter(|_| writer.is_some())
            .map(|reader| search::EntryCache {
                store: reader,
                keep: &keep,
            }),
        ..input
    };
    let intact = || {
        reader.as_ref().is_none_or(cache::Reader::intact)
            && spilled.as_ref().is_none_or(|spill| spill.intact())
    };
    let result = render_and_write(
        &input,
        diagnostics,
        options,
        identity,
        progress,
        timings,
        &intact,
    );
    if result.is_some()
        && let Some(writer) = writer
    {
        // Kept for the next build; a build goes on without it.
        timings.time("write cache", || {
            if let Some(spill) = &spill {
                writer.texts(spill);
            }
            writer.units(full);
            writer.files(sources);
            writer.finish().ok()
        });
    }
    match result {
        Some(Written {
            pages,
            files,
            search_index,
            carried,
            removal,
        }) => {
            let summary = Summary {
                pages,
                files,
                search_index,
                carried,
                from_cache: reader.as_ref().map_or((0, 0), cache::Reader::hits),
                not_read,
                timings: std::mem::take(timings),
                units: site.units.len(),
                warnings: diagnostics.warnings(),
                notes,
                diagnostics: std::mem::take(diagnostics),
                language: full.config.language,
                sources: std::mem::take(sources),
                elapsed: started.elapsed(),
            };
            drop((reader, spilled, spill));
            let held = Box::new((checked, public_copy));
            Ok((summary, removal, held))
        }
        None if !intact() => {
            diagnostics.sort(sources);
            Err(Stopped::Lost(Box::new(checked)))
        }
        None => {
            diagnostics.sort(sources);
            Err(Stopped::Checked(Box::new(checked)))
        }
    }
}

/// What `render_and_write` wrote.
struct Written {
    pages: usize,
    files: usize,
    search_index: Duration,
    carried: usize,
    /// The previous output, being removed.
    removal: write::Removal,
}

/// Static files that would replace a generated page or file (or stand where
/// its folder must be, or inside it), found before anything is written.
pub(crate) fn shadowed_pages(root: &Path, pages: &[&str], theme: &theme::Theme) -> Vec<Diagnostic> {
    let clashes = |rel: &str, page: &str| {
        rel == page
            || page
                .strip_prefix(rel)
                .is_some_and(|rest| rest.starts_with('/'))
            || rel
                .strip_prefix(page)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    theme
        .statics
        .keys()
        .filter_map(|rel| {
            let page = pages.iter().find(|page| clashes(rel, page))?;
            Some(Diagnostic::error(
                Msg::new("static_replaces_page")
                    .arg("file", theme.static_origin(root, rel))
                    .arg("page", page),
                Msg::new("static_replaces_page_hint"),
            ))
        })
        .collect()
}

/// What [`generate`] made: the page count, the files handed to the sink,
/// and the search index when asked to keep it (`serve` updates it in place).
pub(crate) struct Generated {
    pub pages: usize,
    pub files: usize,
    pub search_index: Duration,
    pub index: Option<search::Index>,
}

/// What [`generate`] renders from: a checked site, its theme and sources,
/// and the site folder.
#[derive(Clone, Copy)]
pub(crate) struct Input<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub sources: &'a Sources,
    pub root: &'a Path,
    /// Keep the search index in [`Generated`] (`serve`), with the words of
    /// its documents for later replacements. Otherwise it is made without
    /// them and dropped, its files written, before the pages are rendered.
    pub keep_index: bool,
    /// A site of several review rounds: the rounds, the index of the one
    /// `site` is, and the current round's site. Rendering the current round renders the others under
    /// `rounds/<id>/`.
    pub rounds: Option<(&'a RoundSites, usize, &'a Site)>,
    /// The build cache's search entries: where they are taken from, and
    /// what keeps each unit's for the next build (see `cache.rs`).
    pub cache: Option<search::EntryCache<'a>>,
}

/// The error of a file that could not be written.
fn cannot_write(err: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        Msg::new("cannot_write").arg("err", err),
        Msg::new("cannot_write_hint"),
    )
}

/// The build's sink: the staging folder.
struct ToStaging<'a>(&'a Staging);

impl Sink for ToStaging<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.0.write(path, bytes).map_err(cannot_write)
    }

    fn write_with(&self, path: &str, fill: &mut Fill<'_>) -> Result<(), Diagnostic> {
        self.0.write_with(path, fill).map_err(|err| match err {
            write::Streamed::Write(err) => cannot_write(err),
            write::Streamed::Fill(d) => d,
        })
    }

    fn write_keyed(
        &self,
        path: &str,
        key: write::Key,
        fill: &mut Fill<'_>,
    ) -> Result<(), Diagnostic> {
        match self.0.write_keyed(path, key, fill) {
            Ok(_) => Ok(()),
            Err(write::Streamed::Write(err)) => Err(cannot_write(err)),
            Err(write::Streamed::Fill(d)) => Err(d),
        }
    }

    fn keyed(&self) -> bool {
        self.0.keeps_manifest()
    }
}

/// What names the binary making a build in its manifest: a hash of its
/// file, so that pages made by another build of ketqua (another version,
/// another theme compiled in, other code) are never carried over. `None`
/// when the binary cannot be read: then the build keeps no manifest.
fn identity() -> Option<write::Key> {
    let mut h = write::KeyHasher::new();
    h.field(env!("CARGO_PKG_VERSION").as_bytes());
    let mut file = std::env::current_exe().and_then(std::fs::File::open).ok()?;
    std::io::copy(&mut file, &mut h).ok()?;
    Some(h.key())
}

/// Renders every generated file of a checked site (the pages, their CSV and
/// JSON exports, the search index) and hands each to `sink`, in parallel.
/// Static files are the caller's. `None` when a diagnostic was pushed.
/// `build` writes what it is given to the staging folder; `serve` keeps it
/// in memory: both see the same bytes.
pub(crate) fn generate(
    input: &Input<'_>,
    diags: &mut Diagnostics,
    progress: &dyn Progress,
    timings: &mut Timings,
    sink: &dyn Sink,
) -> Option<Generated> {
    let Input {
        site,
        theme,
        sources,
        root,
        keep_index,
        rounds,
        cache,
    } = *input;
    if diags.has_errors() {
        return None;
    }
    let mut renderer = timings.time("compile", || Renderer::new(site, theme, sources, diags))?;
    if let Some((set, index, current)) = rounds {
        renderer.set_rounds(set, index, current, theme, sources);
    }
    let pages = timings.time("pages", || renderer.pages());
    let index_started = Instant::now();
    let index = timings.time("search index", || renderer.search_index(keep_index, cache));
    let search_index = index_started.elapsed();
    // The search files first, each written as it is made, so that what the
    // index takes is let go of before the pages are rendered. A static file
    // in their way is found below, before anything else is written; the
    // staging folder goes with the error.
    let started = Timings::mark();
    let mut search_paths = Vec::new();
    let written = index.write_files(|path, bytes| {
        sink.write(&path, &bytes)?;
        search_paths.push(path);
        Ok(())
    });
    let index = keep_index.then_some(index);
    // The press files (feed, sitemap, press kits) and the highlights'
    // pictures, copied as they are.
    let press = renderer.press_files();
    let copies = renderer.press_copies();
    let generated: Vec<&str> = pages
        .iter()
        .map(|p| p.path.as_str())
        .chain(search_paths.iter().map(String::as_str))
        .chain(press.iter().map(|(path, _)| path.as_str()))
        .chain(copies.iter().map(|(path, _)| path.as_str()))
        .collect();
    let shadowed = shadowed_pages(root, &generated, theme);
    if !shadowed.is_empty() {
        for problem in shadowed {
            diags.push(problem);
        }
        return None;
    }
    if let Err(d) = written {
        diags.push(d);
        return None;
    }
    let exports = 2 * pages.iter().filter(|p| p.export.is_some()).count();
    // The search files, already written, are not in the progress shown.
    let rest = pages.len() + exports + press.len() + copies.len();
    let files = rest + search_paths.len();
    progress.start(rest + theme.statics.len());
    let result = press
        .into_iter()
        .try_for_each(|(rel, bytes)| {
            sink.write(&rel, &bytes)?;
            progress.advance();
            Ok(())
        })
        .and_then(|()| {
            copies.iter().try_for_each(|(rel, path)| {
                let bytes = std::fs::read(path).map_err(|err| {
                    Diagnostic::error(
                        Msg::new("cannot_read")
                            .arg("path", path.display())
                            .arg("err", err),
                        Msg::new("cannot_read_hint"),
                    )
                })?;
                sink.write(rel, &bytes)?;
                progress.advance();
                Ok(())
            })
        });
    timings.record("write search", started);
    let result = result.and_then(|()| {
        let started = Timings::mark();
        let result = renderer.render_all(&pages, theme, sources, sink, &|| progress.advance());
        timings.record("render+write", started);
        timings.work = renderer.work().report();
        result
    });
    if let Err(d) = result {
        progress.finish();
        diags.push(d);
        return None;
    }
    let mut generated = Generated {
        pages: pages.len(),
        files,
        search_index,
        index,
    };
    if let Some((set, index, _)) = rounds
        && index == set.rounds.current
    {
        // The comparison and the long export are the internal site's.
        let made = if site.public {
            Ok(Vec::new())
        } else {
            renderer.round_files(set, theme, sources)
        };
        let written = made.and_then(|made| {
            made.iter()
                .try_for_each(|(path, bytes)| sink.write(path, bytes))
                .map(|()| {
                    let pages = made.iter().filter(|(p, _)| p.ends_with(".html")).count();
                    (pages, made.len())
                })
        });
        match written {
            Ok((pages, made)) => {
                generated.pages += pages;
                generated.files += made;
            }
            Err(d) => {
                diags.push(d);
                return None;
            }
        }
        let (pages, files) = generate_rounds(input, set, diags, sink)?;
        generated.pages += pages;
        generated.files += files;
    }
    Some(generated)
}

/// A sink that puts every file under a folder of another sink's: a round's
/// pages under `rounds/<id>/`.
struct Prefixed<'a> {
    prefix: String,
    inner: &'a dyn Sink,
}

impl Sink for Prefixed<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.inner.write(&format!("{}{path}", self.prefix), bytes)
    }

    fn write_with(&self, path: &str, fill: &mut Fill<'_>) -> Result<(), Diagnostic> {
        self.inner
            .write_with(&format!("{}{path}", self.prefix), fill)
    }
}

/// The rounds other than the current one, each a whole site of its own
/// under `rounds/<id>/` (its pages, exports, search index and the theme's
/// static files, so that it works from `file://` too). Returns the pages
/// and files made.
fn generate_rounds(
    input: &Input<'_>,
    set: &RoundSites,
    diags: &mut Diagnostics,
    sink: &dyn Sink,
) -> Option<(usize, usize)> {
    let (mut pages, mut files) = (0, 0);
    for (index, site) in set.sites.iter().enumerate() {
        let Some(site) = site else { continue };
        let prefixed = Prefixed {
            prefix: round::prefix(&set.rounds.list[index].id),
            inner: sink,
        };
        let one = Input {
            site,
            keep_index: false,
            rounds: Some((set, index, input.site)),
            ..*input
        };
        let made = generate(&one, diags, &Silent, &mut Timings::default(), &prefixed)?;
        pages += made.pages;
        files += made.files;
        for (rel, file) in &input.theme.statics {
            let bytes = match file {
                StaticFile::Embedded(bytes) => std::borrow::Cow::Borrowed(*bytes),
                StaticFile::Disk(path) => match std::fs::read(path) {
                    Ok(bytes) => std::borrow::Cow::Owned(bytes),
                    Err(err) => {
                        diags.push(Diagnostic::error(
                            Msg::new("cannot_read")
                                .arg("path", path.display())
                                .arg("err", err),
                            Msg::new("cannot_read_hint"),
                        ));
                        return None;
                    }
                },
            };
            if let Err(d) = prefixed.write(rel, &bytes) {
                diags.push(d);
                return None;
            }
            files += 1;
        }
    }
    Some((pages, files))
}

fn render_and_write(
    input: &Input<'_>,
    diags: &mut Diagnostics,
    options: &BuildOptions,
    identity: Option<write::Key>,
    progress: &dyn Progress,
    timings: &mut Timings,
    intact: &dyn Fn() -> bool,
) -> Option<Written> {
    if diags.has_errors() {
        return None;
    }
    let previous = if options.reuse_output {
        Previous::for_output(&options.root, &options.output)
    } else {
        Previous::Removed
    };
    let mut staging = match Staging::create(&options.output, previous) {
        Ok(s) => s,
        Err(err) => {
            diags.push(Diagnostic::error(
                Msg::new("cannot_prepare_output").arg("err", err),
                Msg::new("cannot_write_hint"),
            ));
            return None;
        }
    };
    if let Some(identity) = identity {
        staging.keep_manifest(identity, !options.fresh);
    }
    let sink = ToStaging(&staging);
    let generated = generate(input, diags, progress, timings, &sink)?;
    let started = Timings::mark();
    for (rel, file) in &input.theme.statics {
        let result = match file {
            StaticFile::Embedded(bytes) => staging.write(rel, bytes),
            StaticFile::Disk(path) => staging.copy(rel, path),
        };
        if let Err(err) = result {
            progress.finish();
            diags.push(cannot_write(err));
            return None;
        }
        progress.advance();
    }
    progress.finish();
    timings.record("write rest", started);
    let carried = staging.carried();
    // A page made of a text that did not read back is not put in place.
    if !intact() {
        diags.push(Diagnostic::error(
            Msg::new("texts_lost"),
            Msg::new("texts_lost_hint"),
        ));
        return None;
    }
    let started = Timings::mark();
    let committed = staging.commit_leaving();
    timings.record("commit", started);
    let removal = match committed {
        Ok(removal) => removal,
        Err(err) => {
            diags.push(Diagnostic::error(
                Msg::new("cannot_commit_build").arg("err", err),
                Msg::new("cannot_write_hint"),
            ));
            return None;
        }
    };
    Some(Written {
        pages: generated.pages,
        files: generated.files + input.theme.statics.len(),
        search_index: generated.search_index,
        carried,
        removal,
    })
}
