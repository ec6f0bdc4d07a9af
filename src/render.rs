//! Rendering: the model → the view model (`view.rs`) → HTML through the
//! theme's minijinja templates. No IO: pages are handed to a sink (the
//! writer) as they are rendered, in parallel.
//!
//! Every figure is formatted here, through `vi`, so templates never format.

use std::sync::Arc;
use std::time::Duration;

use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value, context};
use rayon::prelude::*;
use serde::Serialize;

use crate::diag::{Diagnostic, Diagnostics, Msg, Sources};
use crate::i18n::Strings;
use crate::model::{Indicator, Level, Site, Submission, Unit};
use crate::rollup;
use crate::target::Status;
use crate::theme::Theme;
use crate::timings::Counter;
use crate::urls::{indicator_url, level_url, unit_url};
use crate::vi;
use crate::view::*;
use crate::write::{Key, KeyHasher, Sink};

mod keyed;
use keyed::ModelKeys;
mod press;
pub(crate) mod rounds;
mod views;

use views::*;

/// A page to render: where it goes, which template, and what it shows.
pub(crate) struct Page {
    pub path: String,
    pub template: &'static str,
    pub kind: &'static str,
    pub title: String,
    /// The page's own variables, built when the page is rendered.
    pub view: View,
    /// The table written beside the page as CSV and JSON.
    pub export: Option<Export>,
}

/// What a page shows. A page carries this small description, not its
/// variables: they are built inside the parallel render loop and dropped
/// once the page is written, so a large site never holds every page's view
/// at once.
#[derive(Debug, Clone)]
pub(crate) enum View {
    /// The dashboard.
    Home,
    /// The index of every unit.
    Units,
    Progress,
    /// The index of one level's units.
    Level(Level),
    /// The catalogue of shared indicators.
    Catalogue,
    /// One catalogue indicator across units.
    Indicator(usize),
    /// One unit.
    Unit(usize),
    /// Variables made up front (an empty context for pages with none).
    Vars(Value),
}

/// Which table a page exports (see `export.rs`).
#[derive(Debug, Clone)]
pub(crate) enum Export {
    /// A table of units.
    Units(Vec<usize>),
    /// A unit's indicator table.
    Indicators(usize),
    /// The catalogue.
    Catalogue,
    /// Every unit's use of a catalogue indicator.
    Uses(usize),
}

impl Page {
    /// The paths of the page's CSV and JSON files, when it exports a table.
    pub(crate) fn export_paths(&self) -> Option<(String, String)> {
        self.export.as_ref()?;
        let stem = self.path.strip_suffix(".html").unwrap_or(&self.path);
        Some((format!("{stem}.csv"), format!("{stem}.json")))
    }
}

/// Renders pages with a theme's templates.
pub(crate) struct Renderer<'a> {
    env: Environment<'a>,
    site: &'a Site,
    strings: Strings,
    work: Work,
    /// See [`Renderer::uses`].
    uses: std::sync::OnceLock<Vec<Vec<(usize, &'a Indicator)>>>,
}

/// Time spent in the parts of the render loop, summed over threads (see
/// `timings.rs`).
#[derive(Debug, Default)]
pub(crate) struct Work {
    pub views: Counter,
    /// Hashing each page's context into its key (see `render/keyed.rs`).
    pub keys: Counter,
    /// Rendering pages, views and charts included, and writing them, as
    /// they are written while they are rendered.
    pub templates: Counter,
    /// Drawing charts (called from templates).
    pub charts: Arc<Counter>,
    pub exports: Counter,
    /// Handing the exports to the sink (the writer).
    pub write: Counter,
}

impl Work {
    /// The figures for `Timings::work`, charts apart from templates.
    pub(crate) fn report(&self) -> Vec<(&'static str, Duration)> {
        vec![
            ("views", self.views.get()),
            (
                "templates+write",
                self.templates
                    .get()
                    .saturating_sub(self.charts.get())
                    .saturating_sub(self.views.get())
                    .saturating_sub(self.keys.get()),
            ),
            ("keys", self.keys.get()),
            ("charts", self.charts.get()),
            ("exports", self.exports.get()),
            ("write exports", self.write.get()),
        ]
    }
}

impl<'a> Renderer<'a> {
    /// Compiles every template once. Syntax errors are diagnostics located in
    /// the template file.
    pub(crate) fn new(
        site: &'a Site,
        theme: &Theme,
        sources: &Sources,
        diags: &mut Diagnostics,
    ) -> Option<Renderer<'a>> {
        let strings = Strings::new(site.config.language);
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_formatter(html_formatter);
        let work = Work::default();
        let charts = Arc::clone(&work.charts);
        let words = crate::chart::ChartText::new(&strings);
        env.add_function(
            "chart",
            move |kind: &str, data: Value, kwargs: minijinja::value::Kwargs| {
                charts.time(|| crate::chart::template_chart(kind, data, kwargs, &words))
            },
        );
        let before = diags.errors();
        for t in &theme.templates {
            if let Err(err) =
                env.add_template_owned(t.name.clone(), sources.text(t.file).to_string())
            {
                diags.push(template_diagnostic(&err, theme, sources));
            }
        }
        for required in [
            "index.html",
            "unit.html",
            "units.html",
            "level.html",
            "progress.html",
            "indicators.html",
            "indicator.html",
            "404.html",
            "search.html",
        ]
        .into_iter()
        .chain(press::required_templates(site).iter().copied())
        {
            if env.get_template(required).is_err()
                && !theme.templates.iter().any(|t| t.name == required)
            {
                diags.push(Diagnostic::error(
                    Msg::new("template_missing").arg("name", required),
                    Msg::new("template_missing_hint"),
                ));
            }
        }
        if diags.errors() > before {
            return None;
        }
        let ctx = ViewContext::new(site, &strings);
        env.add_global("site", val(site_view(&ctx)));
        env.add_global("t", val(strings.map()));
        env.add_global("rounds", val(Vec::<RoundLink>::new()));
        env.add_global(
            "round_history",
            val(std::collections::BTreeMap::<String, ()>::new()),
        );
        env.add_global(
            "indicator_rounds",
            val(std::collections::BTreeMap::<String, ()>::new()),
        );
        env.add_global(
            "indicator_statuses",
            val([
                Status::Exceeded,
                Status::Achieved,
                Status::NotAchieved,
                Status::NotAssessed,
            ]
            .map(|s| status_view(s, &strings))),
        );
        env.add_global(
            "submission_statuses",
            val([
                Submission::OnTime,
                Submission::Late { days: 1 },
                Submission::Missing,
                Submission::NotDue,
            ]
            .map(|s| submission_status(s, &strings))),
        );
        Some(Renderer {
            env,
            site,
            strings,
            work,
            uses: std::sync::OnceLock::new(),
        })
    }

    /// What the pages of round `from` of a site of several rounds show of
    /// the others: the switcher's links, each unit's changes and
    /// trajectories.
    /// `current` is the current round's site. A page of the switcher links
    /// to the same page of another round when that round has it, else to
    /// that round's home page.
    pub(crate) fn set_rounds(
        &mut self,
        set: &crate::round::RoundSites,
        from: usize,
        current: &Site,
        theme: &Theme,
        sources: &Sources,
    ) {
        let paths: Vec<std::collections::BTreeSet<String>> = (0..set.rounds.list.len())
            .map(|i| {
                let site = rounds::site_of(set, current, i);
                let pages = if i == from {
                    self.pages()
                } else {
                    Renderer::new(site, theme, sources, &mut Diagnostics::default())
                        .map(|r| r.pages())
                        .unwrap_or_default()
                };
                pages.into_iter().map(|p| p.path).collect()
            })
            .collect();
        self.env
            .add_global("rounds", val(rounds::links(&set.rounds, from, paths)));
        let history = rounds::unit_rounds(set, current, from, &self.strings);
        let across = rounds::indicator_rounds(set, current, from, &self.strings);
        self.env.add_global("indicator_rounds", val(across));
        self.env.add_global("round_history", val(history));
    }

    /// The comparison pages of a site of several rounds (the current round
    /// against each other round, see [`rounds::comparisons`]) and the
    /// exports across rounds, at the site's root; nothing with fewer than two.
    pub(crate) fn round_files(
        &self,
        set: &crate::round::RoundSites,
        theme: &Theme,
        sources: &Sources,
    ) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
        let Some(all) = rounds::across(set, self.site, &self.strings) else {
            return Ok(Vec::new());
        };
        let mut files = Vec::new();
        for c in rounds::comparisons(set, self.site, &self.strings) {
            let (csv, json) = (c.view.csv.clone(), c.view.json.clone());
            let page = Page {
                path: c.path.clone(),
                template: "compare.html",
                kind: "compare",
                title: self.strings.get("compare_title").to_string(),
                view: View::Vars(context! { compare => val(c.view) }),
                export: None,
            };
            let html = self
                .render(&page)
                .map_err(|err| template_diagnostic(&err, theme, sources))?;
            files.push((c.path, html.into_bytes()));
            files.push((csv, c.table.to_csv()));
            files.push((json, c.table.to_json()));
        }
        files.push(("rounds.csv".into(), all.to_csv()));
        files.push(("rounds.json".into(), all.to_json()));
        Ok(files)
    }

    /// Where the render loop's time went.
    pub(crate) fn work(&self) -> &Work {
        &self.work
    }

    /// Every page of the site, in a fixed order.
    pub(crate) fn pages(&self) -> Vec<Page> {
        if self.site.public {
            return press::public_pages(self);
        }
        let ctx = ViewContext::new(self.site, &self.strings);
        let site = self.site;
        let mut pages = Vec::with_capacity(site.units.len() + site.catalogue.len() + 12);
        let all: Vec<usize> = (0..site.units.len()).collect();
        pages.push(Page {
            path: "index.html".into(),
            template: "index.html",
            kind: "home",
            title: site.config.title.clone(),
            view: View::Home,
            export: None,
        });
        pages.push(Page {
            path: "units.html".into(),
            template: "units.html",
            kind: "units",
            title: self.strings.get("all_units").to_string(),
            view: View::Units,
            export: Some(Export::Units(all.clone())),
        });
        pages.push(Page {
            path: "progress.html".into(),
            template: "progress.html",
            kind: "progress",
            title: self.strings.get("progress_title").to_string(),
            view: View::Progress,
            export: Some(Export::Units(progress_order(site))),
        });
        for level in Level::ALL {
            let members: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&i| site.units[i].level == level)
                .collect();
            if members.is_empty() {
                continue;
            }
            let lv = level_view(level, &self.strings);
            pages.push(Page {
                path: level_url(level),
                template: "level.html",
                kind: "level",
                title: lv.label.clone(),
                view: View::Level(level),
                export: Some(Export::Units(members)),
            });
        }
        if !site.catalogue.is_empty() {
            pages.push(Page {
                path: "indicators.html".into(),
                template: "indicators.html",
                kind: "indicators",
                title: self.strings.get("catalogue_title").to_string(),
                view: View::Catalogue,
                export: Some(Export::Catalogue),
            });
        }
        for (c, entry) in site.catalogue.iter().enumerate() {
            pages.push(Page {
                path: indicator_url(&entry.id),
                template: "indicator.html",
                kind: "indicator",
                title: entry.description.clone(),
                view: View::Indicator(c),
                export: Some(Export::Uses(c)),
            });
        }
        pages.extend((0..site.units.len()).map(|i| self.unit_page(i)));
        pages.extend(press::highlight_pages(&ctx));
        pages.push(Page {
            path: "search.html".into(),
            template: "search.html",
            kind: "search",
            title: self.strings.get("search_title").to_string(),
            view: View::Vars(context! {}),
            export: None,
        });
        pages.push(Page {
            path: "404.html".into(),
            template: "404.html",
            kind: "404",
            title: self.strings.get("not_found").to_string(),
            view: View::Vars(context! {}),
            export: None,
        });
        pages
    }

    /// The page of unit `i`.
    pub(crate) fn unit_page(&self, i: usize) -> Page {
        let unit = &self.site.units[i];
        Page {
            path: unit_url(unit),
            template: "unit.html",
            kind: "unit",
            title: unit.name.clone(),
            view: View::Unit(i),
            export: (!unit.indicators.is_empty()).then_some(Export::Indicators(i)),
        }
    }

    /// The table a page exports.
    pub(crate) fn export_table(&self, export: &Export) -> crate::export::Table {
        let site = self.site;
        match export {
            Export::Units(members) => crate::export::units(site, members, &self.strings),
            Export::Indicators(i) => crate::export::indicators(&site.units[*i], &self.strings),
            Export::Catalogue => crate::export::catalogue(site, &self.strings),
            Export::Uses(c) => crate::export::indicator_uses(site, &self.uses()[*c], &self.strings),
        }
    }

    /// The search index of the site (`search.rs`); see
    /// [`crate::search::site_index`] for `keep_words`.
    pub(crate) fn search_index(
        &self,
        keep_words: bool,
        cache: Option<crate::search::EntryCache<'_>>,
    ) -> crate::search::Index {
        crate::search::site_index(self.site, &self.strings, keep_words, cache)
    }

    /// The search document of unit `i`, as [`Renderer::search_index`] has it.
    pub(crate) fn unit_document(&self, i: usize) -> crate::search::Doc {
        crate::search::unit_document(&self.site.units[i], &self.strings)
    }

    /// Every catalogue entry's uses by every unit, in catalogue order
    /// (`rollup::uses_by_entry`): made once, by the first page about them
    /// to need it, for the catalogue, the indicators' pages and their
    /// exports, instead of a pass over every unit's indicators for each.
    fn uses(&self) -> &[Vec<(usize, &'a Indicator)>] {
        self.uses.get_or_init(|| {
            let all: Vec<usize> = (0..self.site.units.len()).collect();
            rollup::uses_by_entry(self.site, &all)
        })
    }

    /// The variables of a page (`View`), built on demand.
    pub(crate) fn vars(&self, view: &View) -> Value {
        let ctx = ViewContext::new(self.site, &self.strings);
        let site = self.site;
        match view {
            View::Home => context! { dashboard => val(dashboard(&ctx)) },
            View::Units => {
                let all: Vec<usize> = (0..site.units.len()).collect();
                let heading = self.strings.get("all_units").to_string();
                context! { index => val(index_page(&ctx, heading, None, &all)) }
            }
            View::Progress => context! { progress => val(progress_page(&ctx)) },
            View::Level(level) => {
                let members: Vec<usize> = (0..site.units.len())
                    .filter(|&i| site.units[i].level == *level)
                    .collect();
                let lv = level_view(*level, &self.strings);
                context! { index => val(index_page(&ctx, lv.label.clone(), Some(lv), &members)) }
            }
            View::Catalogue => context! { catalogue => val(catalogue_page(&ctx, self.uses())) },
            View::Indicator(c) => {
                context! { indicator => val(indicator_page(&ctx, *c, &self.uses()[*c])) }
            }
            View::Unit(i) => context! {
                unit => val(unit_page(&ctx, *i)),
                highlights => val(press::unit_highlights(&ctx, *i)),
            },
            View::Vars(vars) => vars.clone(),
        }
    }

    /// Renders one page to HTML.
    pub(crate) fn render(&self, page: &Page) -> Result<String, minijinja::Error> {
        let mut out = Vec::new();
        self.render_to(page, &mut out)?;
        // minijinja writes only what templates and values hold: text.
        String::from_utf8(out).map_err(|_| {
            minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "the page is not UTF-8")
        })
    }

    /// Renders one page to HTML into `out`, as it goes.
    pub(crate) fn render_to(
        &self,
        page: &Page,
        out: &mut dyn std::io::Write,
    ) -> Result<(), minijinja::Error> {
        let template = self.env.get_template(page.template)?;
        template.render_captured_to(self.page_context(page), out)?;
        Ok(())
    }

    /// Everything a page's template is given besides the globals.
    fn page_context(&self, page: &Page) -> Value {
        let depth = page.path.matches('/').count();
        let root = "../".repeat(depth);
        let (csv, json) = page.export_paths().unwrap_or_default();
        let vars = self.work.views.time(|| self.vars(&page.view));
        context! {
            root => root,
            page => context! {
                kind => page.kind,
                title => page.title.clone(),
                path => page.path.clone(),
                csv => csv,
                json => json,
            },
            ..vars
        }
    }

    /// Renders every page in parallel, handing each to `sink` as it is
    /// rendered, and its exports; `advance` is called after each file.
    /// Stops at the first failure; template errors name their file and line.
    pub(crate) fn render_all(
        &self,
        pages: &[Page],
        theme: &Theme,
        sources: &Sources,
        sink: &dyn Sink,
        advance: &(dyn Fn() + Sync),
    ) -> Result<(), Diagnostic> {
        let shared = self.shared_key(theme, sources);
        let model_keys = sink
            .keyed()
            .then(|| self.work.keys.time(|| self.model_keys(&shared)))
            .flatten();
        self.render_keyed(
            pages,
            theme,
            sources,
            sink,
            advance,
            &shared,
            model_keys.as_ref(),
        )
    }

    /// [`Renderer::render_all`] with the keys already made (`shared_key`,
    /// `model_keys`).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn render_keyed(
        &self,
        pages: &[Page],
        theme: &Theme,
        sources: &Sources,
        sink: &dyn Sink,
        advance: &(dyn Fn() + Sync),
        shared: &KeyHasher,
        model_keys: Option<&ModelKeys>,
    ) -> Result<(), Diagnostic> {
        // One page at a time, not in runs: the pages about many units are
        // at the front of `pages` and cost as much as thousands of unit
        // pages carried over, so a run holding them would be made on one
        // thread while the others idle. A page and its exports are made
        // side by side for the same reason.
        pages.par_iter().with_max_len(1).try_for_each(|page| {
            let key = Renderer::model_key(page, model_keys);
            let (written, exported) = rayon::join(
                || {
                    // The page's time is the template's: it is written as
                    // it is rendered (see `Sink::write_with`).
                    self.work
                        .templates
                        .time(|| self.write_page(page, shared, key, theme, sources, sink))?;
                    advance();
                    Ok(())
                },
                || self.write_exports(page, key, sink, advance),
            );
            written.and(exported)
        })
    }

    /// Writes the CSV and JSON of `page`, if it exports a table, side by
    /// side; under a model key they are carried over with their page.
    fn write_exports(
        &self,
        page: &Page,
        key: Option<Key>,
        sink: &dyn Sink,
        advance: &(dyn Fn() + Sync),
    ) -> Result<(), Diagnostic> {
        let (Some(export), Some((csv, json))) = (&page.export, page.export_paths()) else {
            return Ok(());
        };
        // Made once for both files, by whichever needs it first (making it
        // runs no parallel work, so the other waits on nothing but it).
        let table = std::sync::OnceLock::new();
        let bytes = |csv: bool| {
            let table = table.get_or_init(|| self.work.exports.time(|| self.export_table(export)));
            self.work
                .exports
                .time(|| if csv { table.to_csv() } else { table.to_json() })
        };
        let write = |path: &String, is_csv: bool| {
            match key {
                Some(key) => self.work.write.time(|| {
                    sink.write_keyed(path, keyed::export_key(key, path), &mut |out| {
                        out.write_all(&bytes(is_csv))
                            .map_err(|e| write_failed(path, &e))
                    })
                })?,
                None => {
                    let made = bytes(is_csv);
                    self.work.write.time(|| sink.write(path, &made))?;
                }
            }
            advance();
            Ok(())
        };
        let (csv, json) = rayon::join(|| write(&csv, true), || write(&json, false));
        csv.and(json)
    }
}

/// A file's bytes that could not be handed to the sink's writer.
fn write_failed(path: &str, err: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Msg::new("cannot_write").arg("err", format!("{path}: {err}")),
        Msg::new("cannot_write_hint"),
    )
}

/// Escapes strings for HTML ([`crate::escape::Html`]) like minijinja's
/// default formatter, but leaves `/` alone: links stay readable (`../units/x.html`) and so do fractions
/// ("41/71"), and `/` needs no escaping in HTML text or quoted attributes.
fn html_formatter(
    out: &mut minijinja::Output<'_>,
    state: &mut minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    match (state.auto_escape(), value.as_str()) {
        (minijinja::AutoEscape::Html, Some(text)) if !value.is_safe() => {
            std::fmt::Write::write_fmt(out, format_args!("{}", crate::escape::Html(text))).map_err(
                |_| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::WriteFailure,
                        "cannot write the page",
                    )
                },
            )
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// A minijinja error as a diagnostic in the template's file.
fn template_diagnostic(err: &minijinja::Error, theme: &Theme, sources: &Sources) -> Diagnostic {
    let mut detail = err.kind().to_string();
    if let Some(more) = err.detail() {
        detail = format!("{detail}: {more}");
    }
    let message = Msg::new("template_error").arg("detail", detail);
    let file = err
        .name()
        .and_then(|name| theme.templates.iter().find(|t| t.name == name))
        .map(|t| t.file);
    let d = Diagnostic::error(message, Msg::new("template_error_hint"));
    match (file, err.range(), err.line()) {
        (Some(file), Some(range), _) => d.at(file, range),
        (Some(file), None, Some(line)) => {
            let text = sources.text(file);
            let start: usize = text
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum();
            let end = start + text[start..].find('\n').unwrap_or(text.len() - start);
            d.at(file, start..end)
        }
        _ => d,
    }
}

/// Any serializable value as a template value.
fn val<T: Serialize>(value: T) -> Value {
    Value::from(Serde(value))
}
