//! The pipeline: load → model (with checks) → render → write. `check` stops
//! after the model; `build` goes on only when there are no errors.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diag::{Diagnostic, Diagnostics, Sources};
use crate::load;
use crate::model::{self, Site};
use crate::render::Renderer;
use crate::theme::{self, StaticFile, Theme};
use crate::write::{self, Staging};

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
}

/// The outcome of checking a site: its sources (for quoting in messages),
/// the problems found, and the model when the configuration was usable.
pub struct Checked {
    pub sources: Sources,
    pub diagnostics: Diagnostics,
    pub site: Option<Site>,
    /// The theme's templates and assets, loaded and compiled once by `check`.
    pub theme: Theme,
}

impl Checked {
    /// Whether a build may go on.
    pub fn ok(&self, deny_warnings: bool) -> bool {
        self.site.is_some()
            && !self.diagnostics.has_errors()
            && !(deny_warnings && self.diagnostics.warnings() > 0)
    }
}

/// Loads and checks a site without writing anything. `today` is the date
/// deadlines are judged at when site.toml gives no `as_of`.
pub fn check(root: &Path, today: jiff::civil::Date) -> Checked {
    let mut sources = Sources::default();
    let mut diagnostics = Diagnostics::default();
    let site = load::load_site(root, &mut sources, &mut diagnostics)
        .map(|source| model::build(source, &sources, &mut diagnostics, today));
    let theme = match &site {
        Some(site) => {
            let theme = theme::load(root, &site.config.theme, &mut sources, &mut diagnostics);
            // Compiling the templates finds their syntax errors, so that
            // `check` fails wherever `build` would.
            Renderer::new(site, &theme, &sources, &mut diagnostics);
            theme
        }
        None => Theme::default(),
    };
    diagnostics.sort(&sources);
    Checked {
        sources,
        diagnostics,
        site,
        theme,
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
    /// Problems that did not fail the build, for the user to see (a previous
    /// build that could not be removed after the new one was put in place).
    pub notes: Vec<String>,
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
pub fn build(options: &BuildOptions, progress: &dyn Progress) -> Result<Summary, Box<Checked>> {
    let started = Instant::now();
    let mut checked = check(&options.root, options.today);
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
    } = &mut checked;
    let site = match site {
        Some(site) if !blocked => &*site,
        _ => return Err(Box::new(checked)),
    };
    // The public build renders a copy of the model with everything internal
    // removed, so no page, chart, export or index can show it.
    let public_copy;
    let mut notes = Vec::new();
    let site = if options.public {
        public_copy = crate::public::public_site(site, sources);
        if public_copy.config.base_url.is_empty() {
            notes.push(crate::public::NO_BASE_URL.to_string());
        }
        &public_copy
    } else {
        site
    };
    let result = render_and_write(site, theme, sources, diagnostics, options, progress);
    match result {
        Some(Written {
            pages,
            files,
            notes: written_notes,
            search_index,
        }) => Ok(Summary {
            pages,
            files,
            search_index,
            units: site.units.len(),
            warnings: diagnostics.warnings(),
            notes: notes.into_iter().chain(written_notes).collect(),
            elapsed: started.elapsed(),
        }),
        None => {
            diagnostics.sort(sources);
            Err(Box::new(checked))
        }
    }
}

/// What `render_and_write` wrote.
struct Written {
    pages: usize,
    files: usize,
    notes: Vec<String>,
    search_index: Duration,
}

/// Static files that would replace a generated page or file (or stand where
/// its folder must be, or inside it), found before anything is written.
fn shadowed_pages(root: &Path, pages: &[&str], theme: &theme::Theme) -> Vec<Diagnostic> {
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
            Some(
                Diagnostic::error(format!(
                    "{} would replace the page {} that ketqua generates",
                    theme.static_origin(root, rel),
                    page
                ))
                .hint("rename or remove the static file; to change the page itself, override its template in templates/"),
            )
        })
        .collect()
}

fn render_and_write(
    site: &Site,
    theme: &theme::Theme,
    sources: &Sources,
    diags: &mut Diagnostics,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Option<Written> {
    if diags.has_errors() {
        return None;
    }
    let renderer = Renderer::new(site, theme, sources, diags)?;
    let pages = renderer.pages();
    let index_started = Instant::now();
    let mut search = renderer.search_files();
    let search_index = index_started.elapsed();
    search.extend(renderer.press_files());
    let copies = renderer.press_copies();
    let generated: Vec<&str> = pages
        .iter()
        .map(|p| p.path.as_str())
        .chain(search.iter().map(|(path, _)| path.as_str()))
        .chain(copies.iter().map(|(path, _)| path.as_str()))
        .collect();
    let shadowed = shadowed_pages(&options.root, &generated, theme);
    if !shadowed.is_empty() {
        for problem in shadowed {
            diags.push(problem);
        }
        return None;
    }
    let staging = match Staging::create(&options.output) {
        Ok(s) => s,
        Err(err) => {
            diags.push(Diagnostic::error(format!(
                "cannot prepare the output folder: {err}"
            )));
            return None;
        }
    };
    let exports = 2 * pages.iter().filter(|p| p.export.is_some()).count();
    let files = pages.len() + exports + search.len() + copies.len() + theme.statics.len();
    progress.start(files);
    let result = renderer.render_all(&pages, theme, sources, |path, bytes| {
        staging
            .write(path, bytes)
            .map_err(|err| Diagnostic::error(format!("cannot write {err}")))?;
        progress.advance();
        Ok(())
    });
    if let Err(d) = result {
        progress.finish();
        diags.push(d);
        return None;
    }
    for (rel, bytes) in &search {
        if let Err(err) = staging.write(rel, bytes) {
            progress.finish();
            diags.push(Diagnostic::error(format!("cannot write {err}")));
            return None;
        }
        progress.advance();
    }
    for (rel, path) in &copies {
        if let Err(err) = staging.copy(rel, path) {
            progress.finish();
            diags.push(Diagnostic::error(format!("cannot write {err}")));
            return None;
        }
        progress.advance();
    }
    for (rel, file) in &theme.statics {
        let result = match file {
            StaticFile::Embedded(bytes) => staging.write(rel, bytes),
            StaticFile::Disk(path) => staging.copy(rel, path),
        };
        if let Err(err) = result {
            progress.finish();
            diags.push(Diagnostic::error(format!("cannot write {err}")));
            return None;
        }
        progress.advance();
    }
    progress.finish();
    let notes = match staging.commit() {
        Ok(None) => Vec::new(),
        Ok(Some(leftover)) => vec![format!(
            "the new build is in place, but the previous one could not be removed: {leftover} \
             (delete it by hand)"
        )],
        Err(err) => {
            diags.push(Diagnostic::error(format!(
                "cannot put the new build in place: {err}"
            )));
            return None;
        }
    };
    Some(Written {
        pages: pages.len(),
        files,
        notes,
        search_index,
    })
}
