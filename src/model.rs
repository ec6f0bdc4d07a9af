//! The model: units, their hierarchy, indicators with computed status, and
//! rendered reports, resolved from the loaded sources. No IO happens here.
//!
//! Building the model is also where content is checked: every problem is
//! pushed as a diagnostic located in its file, and building goes on so that
//! one run reports everything. A model with errors is never rendered.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use arcstr::ArcStr;
use jiff::civil::Date;
use rayon::prelude::*;
use rust_decimal::Decimal;
use toml::Spanned;
use toml::value::Datetime;

use crate::diag::{Diagnostic, Diagnostics, FileId, Held, Msg, Sources, did_you_mean_msg};
use crate::i18n::{Language, Strings};
use crate::intern::Interner;
use crate::load::{
    RawCatalogueEntry, RawConfig, RawFigure, RawIndicator, RawUnit, SiteSource, UnitFiles,
    UnitSource,
};
use crate::markdown;
use crate::overall::{CountRule, StatedOverall};
use crate::packed::Spill;
use crate::target::{self, Assessment, Figure, Observation, Reading, Status, Target};
use crate::vi;

/// Levels of the party hierarchy, top first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Level {
    Province,
    District,
    Grassroots,
    Branch,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Province,
        Level::District,
        Level::Grassroots,
        Level::Branch,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::District => "district",
            Level::Grassroots => "grassroots",
            Level::Branch => "branch",
        }
    }

    pub fn parse(key: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.key() == key)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// The site configuration, resolved.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub subtitle: String,
    pub description: String,
    pub language: Language,
    pub theme: String,
    pub base_url: String,
    pub organisation: String,
    pub term_start: i32,
    pub term_end: i32,
    pub cutoff: Date,
    pub estimate_year: i32,
    pub baseline_year: i32,
    pub target_year: i32,
    pub plan: String,
    /// The date late and missing reports are judged at.
    pub as_of: Date,
    /// Decimals of computed figures: shares, means, margins (`decimals` in
    /// `[review]`, 2 by default).
    pub decimals: u32,
    /// Indexed by [`Level::index`].
    pub deadlines: [Option<Date>; 4],
    /// What the press site (`build --public`) says about itself.
    pub public: PublicProfile,
    /// How indicators are counted (`[review] count`).
    pub count: CountRule,
    /// `top_level` in site.toml: the units declared to have no parent, each
    /// with its span there; `None` when not declared.
    pub top_level: Option<Vec<(String, Range<usize>)>>,
    /// Where site.toml writes the review's dates, for the check layer.
    pub spans: ConfigSpans,
}

/// Where site.toml writes the review's term, cut-off and `as_of`: the
/// checks of dates and periods (`timeline`) point there.
#[derive(Debug, Clone, Default)]
pub struct ConfigSpans {
    /// site.toml, when it could be read.
    pub file: Option<FileId>,
    pub term_start: Range<usize>,
    pub term_end: Range<usize>,
    pub cutoff: Range<usize>,
    pub as_of: Option<Range<usize>>,
}

/// The press site's title, subtitle, description and address: `[public]`
/// in site.toml, each defaulting to the internal site's.
#[derive(Debug, Clone, Default)]
pub struct PublicProfile {
    pub title: String,
    pub subtitle: String,
    pub description: String,
    pub base_url: String,
}

impl Config {
    pub fn deadline(&self, level: Level) -> Option<Date> {
        self.deadlines[level.index()]
    }
}

/// Whether a unit's report reached the level above in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Submission {
    OnTime,
    Late {
        days: i64,
    },
    /// Not submitted and the deadline has passed.
    Missing,
    /// Not submitted, and the deadline has not passed (or there is none).
    NotDue,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Unit {
    pub id: String,
    pub file: FileId,
    pub slug: String,
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub name: String,
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub short_name: String,
    pub level: Level,
    pub parent: Option<usize>,
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub kind: String,
    pub members: Option<i64>,
    pub organisations: Option<i64>,
    pub conference_date: Option<Date>,
    pub submitted: Option<Date>,
    pub submission: Submission,
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub document_number: String,
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub signer: String,
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub signer_title: String,
    pub illustrative: bool,
    /// The fields marked invented (`illustrative_fields`), when only some are.
    pub illustrative_fields: Vec<UnitField>,
    /// Inline HTML.
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub summary: String,
    /// The summary's plain text, for the search index.
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub summary_text: String,
    pub indicators: Vec<Indicator>,
    pub report: Option<markdown::Report>,
    /// The report's file, when there is one.
    pub report_file: Option<FileId>,
    pub members_span: Option<Range<usize>>,
    pub organisations_span: Option<Range<usize>>,
    /// Where unit.toml writes the name, the parent and the two dates, for
    /// the checks. A unit whose written parent is unusable has `parent`
    /// `None` but a `parent_span` (its problem is reported where it is).
    pub name_span: Range<usize>,
    pub parent_span: Option<Range<usize>>,
    pub conference_span: Option<Range<usize>>,
    pub submitted_span: Option<Range<usize>>,
    /// `public = true`: the unit and its public facts are in the public build.
    pub public: bool,
    /// What its report states as its overall result (`stated_overall`).
    pub stated_overall: Option<StatedOverall>,
    /// Hashes of the files the unit is made from, as read: with the
    /// site's configuration and catalogue, all that a resolved unit
    /// depends on. Part of the pages' keys (`render/keyed.rs`).
    pub files_key: FilesKey,
    /// Its indicators and parts on the catalogue, in order: each one's
    /// position in the catalogue and a hash of all it shows, for the keys
    /// of the catalogue's pages (`render/keyed.rs`). Made when the unit is
    /// resolved and kept with it: a few bytes a unit, read in one pass
    /// where its indicators are some five hundred bytes each.
    pub catalogue_uses: Vec<(u32, u128)>,
    /// Its parent and slug as unit.toml writes them, for linking the
    /// hierarchy: kept with the unit so that a unit taken from a cache
    /// links as one resolved anew.
    pub(crate) link: Link,
    /// Its key in the caches (a hash of all it is made from, see
    /// [`UnitCache`]) when it was resolved with one and without a problem:
    /// only such units are kept for the next build.
    #[serde(skip)]
    pub(crate) cache_key: Option<u128>,
    /// Its own consistency checks (those that read the unit alone) found
    /// nothing: set by the build after them, so a unit taken from the
    /// build cache with it is not checked again (`consistency::check`).
    pub(crate) checked_clean: bool,
}

/// [`Unit::files_key`]: unit.toml's hash apart from the report's, since
/// only the unit's own page shows its report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FilesKey {
    /// unit.toml, and whether the unit stands in its round by its identity
    /// alone.
    pub toml: u128,
    /// The report, when there is one.
    pub report: Option<u128>,
}

/// A unit's fact that `illustrative_fields` can mark as invented, when the
/// rest of the unit is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum UnitField {
    Members,
    Organisations,
    ConferenceDate,
    Submitted,
    DocumentNumber,
    Signer,
}

impl UnitField {
    pub const ALL: [UnitField; 6] = [
        UnitField::Members,
        UnitField::Organisations,
        UnitField::ConferenceDate,
        UnitField::Submitted,
        UnitField::DocumentNumber,
        UnitField::Signer,
    ];

    /// The field's key in unit.toml.
    pub fn key(self) -> &'static str {
        match self {
            UnitField::Members => "members",
            UnitField::Organisations => "organisations",
            UnitField::ConferenceDate => "conference_date",
            UnitField::Submitted => "submitted",
            UnitField::DocumentNumber => "document_number",
            UnitField::Signer => "signer",
        }
    }

    pub fn parse(key: &str) -> Option<UnitField> {
        UnitField::ALL.into_iter().find(|f| f.key() == key)
    }
}

impl Unit {
    /// Whether `field` is invented: the whole unit is, or the field is marked.
    pub fn is_illustrative(&self, field: UnitField) -> bool {
        self.illustrative || self.illustrative_fields.contains(&field)
    }

    /// The name used in tight places: the short name, or the name.
    pub fn display_name(&self) -> &str {
        if self.short_name.is_empty() {
            &self.name
        } else {
            &self.short_name
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Indicator {
    pub id: ArcStr,
    /// Where it is written: its id, else its `ref`, else its table.
    pub span: Span,
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub group: ArcStr,
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub description: ArcStr,
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub unit_of_measure: ArcStr,
    pub target: Option<Target>,
    pub baseline: Option<Figure>,
    pub actual: Option<Figure>,
    pub period: Option<(i32, i32)>,
    pub actuals: BTreeMap<i32, Decimal>,
    pub estimate: Option<Figure>,
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub stated: ArcStr,
    /// How the stated words were read (see `target::parse_stated`).
    pub reading: Reading,
    #[serde(deserialize_with = "crate::packed::text::deserialize")]
    pub note: ArcStr,
    /// The catalogue id, when the indicator comes from the catalogue.
    pub catalogue: Option<ArcStr>,
    /// What the denominators of its fractions count, when declared.
    pub denominator: Option<Denominator>,
    /// Where its values are written in unit.toml, for later checks.
    pub spans: IndicatorSpans,
    pub parts: Vec<Indicator>,
    pub assessment: Assessment,
    /// `public = true` (on a top-level indicator; its parts follow it).
    pub public: bool,
    /// `count_parts = false`: counted once, with its own status, where the
    /// site counts components (the report numbers it as one row).
    pub count_parts: bool,
}

/// What a fraction's denominator counts, so it can be compared with the
/// unit's own totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Denominator {
    Organisations,
    Members,
}

impl Denominator {
    pub fn key(self) -> &'static str {
        match self {
            Denominator::Organisations => "organisations",
            Denominator::Members => "members",
        }
    }
}

/// Byte spans of an indicator's values in its unit.toml.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct IndicatorSpans {
    pub stated: Option<Span>,
    pub baseline: Option<Span>,
    pub actual: Option<Span>,
    pub estimate: Option<Span>,
    pub period: Option<Span>,
    /// The note's text: `exact` when the span holds the note byte for byte
    /// (a plain string without escapes), so offsets in the note map onto it.
    pub note: Option<(Span, bool)>,
}

/// A byte range in a unit.toml, in eight bytes rather than sixteen: every
/// indicator holds six (a million indicators at 60,000 units). Offsets
/// past 4 GiB, which no unit.toml reaches, are held as 4 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Span {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: narrow(range.start),
            end: narrow(range.end),
        }
    }
}

impl Indicator {
    /// The indicators counted on dashboards: the parts, or the indicator itself.
    pub fn components(&self) -> &[Indicator] {
        if self.parts.is_empty() {
            std::slice::from_ref(self)
        } else {
            &self.parts
        }
    }

    pub fn status(&self) -> Status {
        self.assessment.status
    }
}

#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    pub id: String,
    pub group: String,
    pub description: String,
    pub unit_of_measure: String,
    pub target: Option<Target>,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// In Vietnamese collation order of their names.
    pub units: Vec<Unit>,
    /// Children of each unit, in collation order.
    pub children: Vec<Vec<usize>>,
    pub roots: Vec<usize>,
    pub catalogue: Vec<CatalogueEntry>,
    /// Newest first (by date, then slug). Resolved by the check stage
    /// (`build::check`, through `highlight`); empty as the model leaves it.
    pub highlights: Vec<Highlight>,
    /// Whether this is the public copy made by `public::public_site` (the
    /// check layer, above this one).
    pub public: bool,
}

/// What a highlight shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HighlightKind {
    /// An outstanding result (kết quả nổi bật).
    Result,
    /// A good model or practice (mô hình, cách làm hay).
    Model,
    /// A lesson learnt (bài học kinh nghiệm).
    Lesson,
}

impl HighlightKind {
    pub const ALL: [HighlightKind; 3] = [
        HighlightKind::Result,
        HighlightKind::Model,
        HighlightKind::Lesson,
    ];

    pub fn key(self) -> &'static str {
        match self {
            HighlightKind::Result => "result",
            HighlightKind::Model => "model",
            HighlightKind::Lesson => "lesson",
        }
    }

    pub fn parse(key: &str) -> Option<HighlightKind> {
        HighlightKind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// A highlight for the press: `content/highlights/<slug>.md`.
#[derive(Debug, Clone)]
pub struct Highlight {
    pub slug: String,
    pub file: FileId,
    pub title: String,
    /// Index into `Site::units`.
    pub unit: usize,
    pub kind: HighlightKind,
    /// Plain text.
    pub summary: String,
    pub date: Date,
    /// Not public before this date (the embargo); `date` when not given.
    pub release: Date,
    /// `date` is invented for the example (`illustrative_fields = ["date"]`).
    pub date_illustrative: bool,
    /// Whether the build date has reached `release`.
    pub released: bool,
    /// Ids of the unit's indicators (top-level or parts) it cites, in order.
    pub indicators: Vec<String>,
    pub image: Option<HighlightImage>,
    pub public: bool,
    /// The body, rendered.
    pub body: markdown::Report,
    /// The body as written (Markdown), for the press kit.
    pub body_source: String,
}

#[derive(Debug, Clone)]
pub struct HighlightImage {
    /// The file on disk (read by `write` when the site is written).
    pub path: std::path::PathBuf,
    /// Its extension, lowercase ("png").
    pub extension: String,
    pub alt: String,
}

impl Highlight {
    /// Whether the highlight goes into the public build.
    pub fn is_public(&self) -> bool {
        self.public && self.released
    }
}

impl Site {
    /// The unit and its ancestors, root first.
    pub fn ancestry(&self, unit: usize) -> Vec<usize> {
        let mut chain = vec![unit];
        let mut current = unit;
        while let Some(parent) = self.units[current].parent {
            if chain.contains(&parent) {
                break;
            }
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        chain
    }
}

/// What the model runs on each report's text while it holds it
/// (`consistency::scan_report`, given by `build::check`): the model calls
/// no checks of its own, and a report's text is never held for every unit
/// at once.
pub(crate) type ReportCheck<'a> = dyn Fn(&Unit, FileId, &str, &mut Diagnostics) + Sync + 'a;

/// Resolves a loaded site: configuration, catalogue, units, hierarchy.
/// Every problem goes into `diags`; a site with errors must not be
/// rendered. `today` is the date deadlines are judged at when site.toml
/// gives no `as_of`. The highlights and the checks across units are the
/// check stage's (`build::check`).
///
/// Each report's text is taken out of `sources` for its unit's turn in the
/// parallel loop, given to `check_report`, and given back only when a
/// problem quotes it, or when `keep_reports` (the public build cuts
/// reports from their source): the texts of every report are not held
/// beside the whole model.
pub(crate) fn resolve(
    source: SiteSource,
    sources: &mut Sources,
    diags: &mut Diagnostics,
    today: Date,
    keep_reports: bool,
    check_report: &ReportCheck<'_>,
) -> Site {
    resolve_cached(
        source,
        sources,
        diags,
        today,
        keep_reports,
        check_report,
        None,
        None,
    )
}

/// [`resolve`], taking the units whose inputs are unchanged from `cache`
/// and leaving in it the units of this resolution. With `spill`, each
/// unit's report, resolved or taken, is set aside in it (see
/// [`crate::packed`]): the model never holds every report's HTML at once.
#[allow(clippy::too_many_arguments)]
pub(crate) fn resolve_cached(
    source: SiteSource,
    sources: &mut Sources,
    diags: &mut Diagnostics,
    today: Date,
    keep_reports: bool,
    check_report: &ReportCheck<'_>,
    earlier: Option<Earlier<'_>>,
    spill: Option<&Arc<dyn Spill>>,
) -> Site {
    let (cache, store) = match earlier {
        Some(Earlier::Memory(cache)) => (Some(cache), None),
        Some(Earlier::Store(store)) => (None, Some(store)),
        None => (None, None),
    };
    let config = resolve_config(source.config.as_ref(), today, diags);
    let catalogue = source
        .catalogue
        .as_ref()
        .map(|(file, raw)| resolve_catalogue(*file, &raw.indicator, sources, diags))
        .unwrap_or_default();
    let collator = vi::Collator::new();
    let strings = Interner::default();
    let labels = markdown::Labels::new(&Strings::new(config.language));
    let common = Common {
        config: &config,
        catalogue: &catalogue,
        catalogue_failed: source.catalogue_failed,
        strings: &strings,
        labels: &labels,
    };

    // Each unit is parsed and resolved apart from the others (indicators,
    // report), in parallel. Its raw values go as soon as it is resolved, all
    // but what linking needs, so that the raw values of every unit and the
    // model are never held whole at once (the peak of a build's memory).
    // The units' texts are held packed (see `load`): each is expanded here,
    // once, for its unit's turn. The reports are taken along, and come back
    // only when they are still needed.
    let units: Vec<(UnitFiles, Option<Held>)> = source
        .units
        .into_iter()
        .map(|files| {
            let report = files.report.map(|id| sources.take(id));
            (files, report)
        })
        .collect();
    let shared: &Sources = sources;
    let cache_common = (cache.is_some() || store.is_some()).then(|| {
        use siphasher::sip128::{Hasher128, SipHasher13};
        use std::hash::Hasher;
        let mut h = SipHasher13::new();
        h.write(format!("{config:?}{catalogue:?}").as_bytes());
        h.write_u8(u8::from(source.catalogue_failed));
        h.write_u8(u8::from(keep_reports));
        h.finish128().as_u128()
    });
    let previous = cache.as_deref();
    let resolved: Vec<Resolved> = units
        .into_par_iter()
        .map(|(files, held)| {
            let mut local = Diagnostics::default();
            let hashes = files_key(
                shared.hash(files.file),
                files.report.map(|r| shared.hash(r)),
                files.identity_only,
            );
            let key = cache_common.map(|c| UnitCache::key(c, &files, hashes));
            // A unit with problems is taken only while its files keep their
            // ids: the problems point at them.
            let same_files = |u: &Unit| u.file == files.file && u.report_file == files.report;
            let kept = key.and_then(|k| {
                let in_memory = previous
                    .and_then(|cache| cache.units.get(&k))
                    .filter(|(u, found)| found.is_empty() || same_files(u))
                    .cloned();
                in_memory.or_else(|| {
                    let mut unit = store.and_then(|store| store.unit(k))?;
                    // Its texts shared with the other units' again (a unit
                    // read back from the build cache has copies of its own).
                    for ind in &mut unit.indicators {
                        share_texts(ind, common.strings);
                    }
                    Some((unit, Diagnostics::default()))
                })
            });
            if let Some((mut unit, found)) = kept {
                // Its files may have other ids in this build.
                unit.file = files.file;
                unit.link.file = files.file;
                unit.report_file = files.report;
                unit.cache_key = key.filter(|_| found.is_empty());
                // Its report too is read again only for its page.
                if let (Some(spill), Some(report)) = (spill, &mut unit.report) {
                    report.spill(spill);
                }
                let report = files
                    .report
                    .zip(held)
                    .filter(|(id, _)| keep_reports || found.quotes(*id));
                return Resolved {
                    unit: Some(unit),
                    diags: found,
                    report,
                    key,
                    diags_from_cache: true,
                };
            }
            // Expanded only now: a unit taken from a cache needs no text.
            let toml = shared.text(files.file);
            let report = held.as_ref().map(Held::text);
            let text = files.report.zip(report.as_deref());
            let mut unit = resolve_files(
                &files,
                &toml,
                text,
                hashes,
                &common,
                check_report,
                &mut local,
            );
            if let Some(unit) = &mut unit {
                unit.cache_key = key.filter(|_| local.is_empty());
                // Its report is not read again until its page is made.
                if let (Some(spill), Some(report)) = (spill, &mut unit.report) {
                    report.spill(spill);
                }
            }
            // The expanded report goes before its packed text moves on.
            drop(report);
            let report = files
                .report
                .zip(held)
                .filter(|(id, _)| keep_reports || local.quotes(*id));
            Resolved {
                unit,
                diags: local,
                report,
                key,
                diags_from_cache: false,
            }
        })
        .collect();

    let mut out = Vec::with_capacity(resolved.len());
    let mut next = cache.as_ref().map(|_| UnitCache::default());
    if let Some(next) = &mut next {
        next.hits = resolved.iter().filter(|r| r.diags_from_cache).count();
    }
    for one in resolved {
        if let (Some(next), Some(key), Some(unit)) = (&mut next, one.key, &one.unit) {
            next.units.insert(key, (unit.clone(), one.diags.clone()));
        }
        diags.extend(one.diags);
        out.extend(one.unit);
        if let Some((id, held)) = one.report {
            sources.put(id, held);
        }
    }
    out.sort_by(|a, b| {
        collator
            .compare(&a.name, &b.name)
            .then_with(|| a.id.cmp(&b.id))
    });
    if let (Some(cache), Some(next)) = (cache, next) {
        *cache = next;
    }
    let links: Vec<Link> = out.iter().map(|u| u.link.clone()).collect();
    link_parents(&mut out, &links, &source.unit_folders, diags);
    assign_slugs(&mut out, &links, diags);
    let (children, roots) = hierarchy(&out);
    Site {
        config,
        units: out,
        children,
        roots,
        catalogue,
        highlights: Vec::new(),
        public: false,
    }
}

/// One unit parsed and resolved from its files (before linking: no parent,
/// no slug; what linking needs in [`Unit::link`]), whose hashes are
/// `hashes`; `None` when it cannot be used.
fn resolve_files(
    files: &UnitFiles,
    toml: &str,
    report: Option<(FileId, &str)>,
    hashes: FilesKey,
    common: &Common<'_>,
    check_report: &ReportCheck<'_>,
    diags: &mut Diagnostics,
) -> Option<Unit> {
    let src = crate::load::parse_unit(files, toml, diags)?;
    let level = Level::parse(src.data.level.get_ref());
    let mut unit = resolve_unit(&src, level, common, toml, report, diags)?;
    unit.files_key = hashes;
    if let Some((file, text)) = report {
        check_report(&unit, file, text, diags);
    }
    Some(unit)
}

/// A unit of `site` resolved again from its files, as [`resolve`] resolves
/// each (`serve`, after its unit.toml was saved): the unit before linking
/// (no parent, no slug), and its parent and slug as written. Only for a
/// site whose resolution had no error (its catalogue was usable).
pub(crate) struct Reresolved {
    pub unit: Unit,
    pub parent: Option<String>,
    pub slug: Option<String>,
}

/// See [`Reresolved`]; `None` when the unit cannot be used (its problems
/// in `diags`).
pub(crate) fn resolve_again(
    site: &Site,
    files: &UnitFiles,
    toml: &str,
    report: Option<(FileId, &str)>,
    check_report: &ReportCheck<'_>,
    diags: &mut Diagnostics,
) -> Option<Reresolved> {
    let strings = Interner::default();
    let labels = markdown::Labels::new(&Strings::new(site.config.language));
    let common = Common {
        config: &site.config,
        catalogue: &site.catalogue,
        catalogue_failed: false,
        strings: &strings,
        labels: &labels,
    };
    let hashes = files_key(
        crate::diag::text_hash(toml),
        report.map(|(_, text)| crate::diag::text_hash(text)),
        files.identity_only,
    );
    let unit = resolve_files(files, toml, report, hashes, &common, check_report, diags)?;
    Some(Reresolved {
        parent: unit.link.parent.clone().map(Spanned::into_inner),
        slug: unit.link.slug.clone().map(Spanned::into_inner),
        unit,
    })
}

/// Resolves site.toml. Problems are reported and replaced by defaults, so
/// the units are checked even when the configuration is wrong (a build is
/// blocked by the errors anyway).
/// Decimals of computed figures unless site.toml says otherwise.
const DEFAULT_DECIMALS: u32 = 2;
/// More decimals than any report writes.
const MAX_DECIMALS: u32 = 10;

fn resolve_config(
    config: Option<&(FileId, RawConfig)>,
    today: Date,
    diags: &mut Diagnostics,
) -> Config {
    let fallback_date = jiff::civil::date(2000, 1, 1);
    let Some((file, raw)) = config else {
        return Config {
            title: String::new(),
            subtitle: String::new(),
            description: String::new(),
            language: Language::Vi,
            theme: "default".into(),
            base_url: String::new(),
            organisation: String::new(),
            term_start: 2020,
            term_end: 2025,
            cutoff: fallback_date,
            estimate_year: 2023,
            baseline_year: 2020,
            target_year: 2025,
            plan: String::new(),
            as_of: today,
            decimals: DEFAULT_DECIMALS,
            deadlines: [None; 4],
            public: PublicProfile::default(),
            count: CountRule::default(),
            top_level: None,
            spans: ConfigSpans::default(),
        };
    };
    let file = *file;
    let language = match &raw.language {
        None => Language::Vi,
        Some(lang) => match lang.get_ref().as_str() {
            "vi" => Language::Vi,
            "en" => Language::En,
            other => {
                diags.push(
                    Diagnostic::error(
                        Msg::new("unknown_language").arg("language", other),
                        Msg::new("unknown_language_hint"),
                    )
                    .at(file, lang.span()),
                );
                Language::Vi
            }
        },
    };
    let review = &raw.review;
    let cutoff = date(file, &review.cutoff, diags).unwrap_or(fallback_date);
    let as_of = review.as_of.as_ref().and_then(|d| date(file, d, diags));
    let mut deadlines = [None; 4];
    let d = &raw.deadlines;
    for (level, value) in [
        (Level::Province, &d.province),
        (Level::District, &d.district),
        (Level::Grassroots, &d.grassroots),
        (Level::Branch, &d.branch),
    ] {
        deadlines[level.index()] = value.as_ref().and_then(|v| date(file, v, diags));
    }
    let (term_start, term_end) = (*review.term_start.get_ref(), *review.term_end.get_ref());
    if term_end <= term_start {
        diags.push(
            Diagnostic::error(
                Msg::new("term_reversed")
                    .arg("end", term_end)
                    .arg("start", term_start),
                Msg::new("term_reversed_hint"),
            )
            .at(file, review.term_end.span()),
        );
    }
    let mut year_in_term = |value: &Option<Spanned<i32>>, default: i32| match value {
        Some(y) if !(term_start..=term_end).contains(y.get_ref()) => {
            diags.push(
                Diagnostic::error(
                    Msg::new("year_outside_term")
                        .arg("year", y.get_ref())
                        .arg("start", term_start)
                        .arg("end", term_end),
                    Msg::new("year_outside_term_hint"),
                )
                .at(file, y.span()),
            );
            default
        }
        Some(y) => *y.get_ref(),
        None => default,
    };
    let estimate_year = year_in_term(&review.estimate_year, cutoff.year() as i32);
    let baseline_year = year_in_term(&review.baseline_year, term_start);
    let target_year = year_in_term(&review.target_year, term_end);
    Config {
        title: raw.title.get_ref().clone(),
        subtitle: raw.subtitle.clone(),
        description: raw.description.clone(),
        language,
        theme: raw
            .theme
            .as_ref()
            .map_or("default".to_string(), |t| t.get_ref().clone()),
        base_url: raw.base_url.clone(),
        organisation: raw.organisation.clone(),
        term_start,
        term_end,
        cutoff,
        estimate_year,
        baseline_year,
        target_year,
        plan: review.plan.clone(),
        as_of: as_of.unwrap_or(today),
        decimals: review.decimals.as_ref().map_or(DEFAULT_DECIMALS, |d| {
            match u32::try_from(*d.get_ref()) {
                Ok(n) if n <= MAX_DECIMALS => n,
                _ => {
                    diags.push(
                        Diagnostic::error(
                            Msg::new("bad_decimals").arg("value", d.get_ref()),
                            Msg::new("bad_decimals_hint").arg("max", MAX_DECIMALS),
                        )
                        .at(file, d.span()),
                    );
                    DEFAULT_DECIMALS
                }
            }
        }),
        deadlines,
        public: PublicProfile {
            title: raw
                .public
                .title
                .clone()
                .unwrap_or_else(|| raw.title.get_ref().clone()),
            subtitle: raw
                .public
                .subtitle
                .clone()
                .unwrap_or_else(|| raw.subtitle.clone()),
            description: raw
                .public
                .description
                .clone()
                .unwrap_or_else(|| raw.description.clone()),
            base_url: raw
                .public
                .base_url
                .clone()
                .unwrap_or_else(|| raw.base_url.clone()),
        },
        count: count_rule(file, review.count.as_ref(), diags),
        top_level: raw.top_level.as_ref().map(|names| {
            names
                .iter()
                .map(|n| (n.get_ref().clone(), n.span()))
                .collect()
        }),
        spans: ConfigSpans {
            file: Some(file),
            term_start: review.term_start.span(),
            term_end: review.term_end.span(),
            cutoff: review.cutoff.span(),
            as_of: review.as_of.as_ref().map(|d| d.span()),
        },
    }
}

/// `[review] count`: how indicators are counted; the default when absent
/// or unknown (an error then).
fn count_rule(
    file: FileId,
    written: Option<&Spanned<String>>,
    diags: &mut Diagnostics,
) -> CountRule {
    let Some(written) = written else {
        return CountRule::default();
    };
    CountRule::parse(written.get_ref()).unwrap_or_else(|| {
        diags.push(
            Diagnostic::error(
                Msg::new("unknown_count_rule").arg("rule", written.get_ref()),
                did_you_mean_msg(written.get_ref(), CountRule::ALL.map(CountRule::key))
                    .unwrap_or_else(|| Msg::new("unknown_count_rule_hint")),
            )
            .at(file, written.span()),
        );
        CountRule::default()
    })
}

/// A TOML value that must be a plain date.
pub(crate) fn date(
    file: FileId,
    value: &Spanned<Datetime>,
    diags: &mut Diagnostics,
) -> Option<Date> {
    let dt = value.get_ref();
    let parsed = match (&dt.date, &dt.time, &dt.offset) {
        (Some(d), None, None) => Date::new(d.year as i16, d.month as i8, d.day as i8).ok(),
        _ => None,
    };
    if parsed.is_none() {
        diags.push(
            Diagnostic::error(
                Msg::new("not_a_date").arg("value", dt),
                Msg::new("not_a_date_hint"),
            )
            .at(file, value.span()),
        );
    }
    parsed
}

fn resolve_catalogue(
    file: FileId,
    entries: &[RawCatalogueEntry],
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Vec<CatalogueEntry> {
    let text = sources.text(file);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for entry in entries {
        let id = entry.id.get_ref();
        if !seen.insert(id.clone()) {
            diags.push(
                Diagnostic::error(
                    Msg::new("catalogue_id_twice").arg("id", id),
                    Msg::new("catalogue_id_twice_hint"),
                )
                .at(file, entry.id.span()),
            );
            continue;
        }
        // The id names the indicator's page (indicators/<id>.html).
        if id.is_empty()
            || !id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            diags.push(
                Diagnostic::error(
                    Msg::new("catalogue_id_invalid").arg("id", id),
                    Msg::new("catalogue_id_invalid_hint").arg("suggestion", vi::slugify(id)),
                )
                .at(file, entry.id.span()),
            );
        }
        let target = entry
            .target
            .as_ref()
            .and_then(|t| parse_target(file, t, &text, diags));
        out.push(CatalogueEntry {
            id: id.clone(),
            group: entry.group.clone(),
            description: entry.description.get_ref().clone(),
            unit_of_measure: entry.unit_of_measure.clone(),
            target,
            note: entry.note.clone(),
        });
    }
    out
}

/// The span of a string value's contents: inside the quotes when the source
/// text between them is exactly the value (no escapes), else the whole value.
fn inner_span(text: &str, value: &Spanned<String>, inner: Range<usize>) -> Range<usize> {
    let span = value.span();
    let quoted = text.get(span.clone()).unwrap_or("");
    let body = quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or("");
    if quoted.len() >= 2 && body == value.get_ref() {
        let start = span.start + 1;
        (start + inner.start).min(span.end)..(start + inner.end).min(span.end)
    } else {
        span
    }
}

fn parse_target(
    file: FileId,
    value: &Spanned<String>,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Target> {
    match target::parse_target(value.get_ref()) {
        Ok(t) => Some(t),
        Err(err) => {
            diags.push(
                Diagnostic::error(
                    Msg::new("invalid_target").arg_msg("detail", err.message),
                    err.hint,
                )
                .at(file, inner_span(text, value, err.span)),
            );
            None
        }
    }
}

fn figure(
    file: FileId,
    value: &Spanned<RawFigure>,
    source: &str,
    diags: &mut Diagnostics,
) -> Option<Figure> {
    match value.get_ref() {
        RawFigure::Integer(n) => Some(Figure::Number(Decimal::from(*n))),
        RawFigure::Float(x) => match written_number(source, value.span(), *x) {
            Some(d) => Some(Figure::Number(d)),
            None => {
                diags.push(
                    Diagnostic::error(
                        Msg::new("figure_too_long"),
                        Msg::new("figure_too_long_hint"),
                    )
                    .at(file, value.span()),
                );
                None
            }
        },
        RawFigure::Bool(b) => Some(Figure::Bool(*b)),
        RawFigure::Text(text) => match target::parse_figure(text) {
            Ok(f) => Some(f),
            Err(err) => {
                let spanned = Spanned::new(value.span(), text.clone());
                diags.push(
                    Diagnostic::error(
                        Msg::new("invalid_figure").arg_msg("detail", err.message),
                        err.hint,
                    )
                    .at(file, inner_span(source, &spanned, err.span)),
                );
                None
            }
        },
    }
}

/// A TOML float as written in `source` at `span` ("57.70" keeps its two
/// decimals); from its value when the text cannot be read; `None` when it is
/// not finite or too long.
fn written_number(source: &str, span: Range<usize>, value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    source
        .get(span)
        .and_then(target::parse_toml_number)
        .or_else(|| Decimal::from_f64_retain(value).map(|d| d.normalize()))
}

/// What every unit is resolved against.
struct Common<'a> {
    config: &'a Config,
    catalogue: &'a [CatalogueEntry],
    /// indicators.toml was there but could not be used.
    catalogue_failed: bool,
    strings: &'a Interner,
    /// The words reports' HTML adds, in the interface language.
    labels: &'a markdown::Labels,
}

fn resolve_unit(
    src: &UnitSource,
    level: Option<Level>,
    common: &Common<'_>,
    toml: &str,
    report: Option<(FileId, &str)>,
    diags: &mut Diagnostics,
) -> Option<Unit> {
    let file = src.file;
    let raw: &RawUnit = &src.data;
    let Some(level) = level else {
        let found = raw.level.get_ref();
        diags.push(
            Diagnostic::error(
                Msg::new("unknown_level").arg("level", found),
                did_you_mean_msg(found, Level::ALL.map(Level::key))
                    .unwrap_or_else(|| Msg::new("unknown_level_hint")),
            )
            .at(file, raw.level.span()),
        );
        return None;
    };
    let mut indicators = Vec::with_capacity(raw.indicators.len());
    let mut ids = HashSet::new();
    let Common {
        config,
        catalogue,
        catalogue_failed,
        strings,
        labels,
    } = *common;
    let ctx = IndicatorContext {
        file,
        catalogue,
        catalogue_failed,
        toml,
        strings,
        decimals: config.decimals,
    };
    for raw_ind in &raw.indicators {
        let Some(ind) = resolve_indicator(&ctx, raw_ind, Place::Top, diags) else {
            continue;
        };
        for one in std::iter::once(&ind).chain(&ind.parts) {
            if !ids.insert(one.id.clone()) {
                diags.push(
                    Diagnostic::error(
                        Msg::new("indicator_id_twice").arg("id", &one.id),
                        Msg::new("indicator_id_twice_hint"),
                    )
                    .at(file, one.span.range()),
                );
            }
        }
        indicators.push(ind);
    }
    if raw.name.get_ref().trim().is_empty() {
        diags.push(
            Diagnostic::error(
                Msg::new("unit_name_empty"),
                Msg::new("unit_name_empty_hint"),
            )
            .at(file, raw.name.span()),
        );
    }
    for (key, value) in [
        ("members", &raw.members),
        ("organisations", &raw.organisations),
    ] {
        if let Some(v) = value
            && *v.get_ref() < 0
        {
            diags.push(
                Diagnostic::error(
                    Msg::new("negative").arg("key", key),
                    Msg::new("negative_hint"),
                )
                .at(file, v.span()),
            );
        }
    }
    let conference_date = raw
        .conference_date
        .as_ref()
        .and_then(|d| date(file, d, diags));
    let submitted = raw.submitted.as_ref().and_then(|d| date(file, d, diags));
    let illustrative_fields = illustrative_fields(file, raw, diags);
    let report = report.map(|(file, text)| render_report_text(file, text, labels, diags));
    let (summary, summary_text) = markdown::render_inline_with_text(&raw.summary);
    let catalogue_uses = catalogue_uses(&indicators, catalogue);
    Some(Unit {
        id: src.id.clone(),
        file,
        slug: String::new(),
        name: raw.name.get_ref().clone(),
        short_name: raw.short_name.clone(),
        level,
        parent: None,
        kind: raw.kind.clone(),
        members: raw.members.as_ref().map(|v| *v.get_ref()),
        organisations: raw.organisations.as_ref().map(|v| *v.get_ref()),
        conference_date,
        submitted,
        submission: submission(submitted, config.deadline(level), config.as_of),
        document_number: raw.document_number.clone(),
        signer: raw.signer.clone(),
        signer_title: raw.signer_title.clone(),
        illustrative: raw.illustrative,
        illustrative_fields,
        summary,
        summary_text,
        indicators,
        report,
        report_file: src.report,
        members_span: raw.members.as_ref().map(|v| v.span()),
        organisations_span: raw.organisations.as_ref().map(|v| v.span()),
        name_span: raw.name.span(),
        parent_span: raw.parent.as_ref().map(|p| p.span()),
        conference_span: raw.conference_date.as_ref().map(|d| d.span()),
        submitted_span: raw.submitted.as_ref().map(|d| d.span()),
        public: raw.public,
        stated_overall: raw.stated_overall.as_ref().map(|s| StatedOverall {
            text: s.get_ref().trim().to_string(),
            span: s.span(),
        }),
        files_key: FilesKey::default(),
        catalogue_uses,
        link: Link {
            id: src.id.clone(),
            file,
            parent: raw.parent.clone(),
            slug: raw.slug.clone(),
        },
        cache_key: None,
        checked_clean: false,
    })
}

/// [`Unit::files_key`], of the files' [`text_hash`](crate::diag::text_hash)es.
fn files_key(toml: u128, report: Option<u128>, identity_only: bool) -> FilesKey {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut h = SipHasher13::new();
    h.write_u8(u8::from(identity_only));
    h.write_u128(toml);
    FilesKey {
        toml: h.finish128().as_u128(),
        report,
    }
}

/// `illustrative_fields`: each name must be a field that can be marked,
/// and one the unit gives.
fn illustrative_fields(file: FileId, raw: &RawUnit, diags: &mut Diagnostics) -> Vec<UnitField> {
    let mut fields = Vec::new();
    for name in &raw.illustrative_fields {
        let Some(field) = UnitField::parse(name.get_ref()) else {
            let valid = UnitField::ALL.map(UnitField::key);
            let list = valid.join(", ");
            let hint = match crate::diag::closest(name.get_ref(), valid) {
                Some(guess) => Msg::new("unknown_field_guess_hint")
                    .arg("guess", guess)
                    .arg("fields", list),
                None => Msg::new("unknown_field_hint").arg("fields", list),
            };
            diags.push(
                Diagnostic::error(Msg::new("unknown_field").arg("field", name.get_ref()), hint)
                    .at(file, name.span()),
            );
            continue;
        };
        let given = match field {
            UnitField::Members => raw.members.is_some(),
            UnitField::Organisations => raw.organisations.is_some(),
            UnitField::ConferenceDate => raw.conference_date.is_some(),
            UnitField::Submitted => raw.submitted.is_some(),
            UnitField::DocumentNumber => !raw.document_number.is_empty(),
            UnitField::Signer => !raw.signer.is_empty() || !raw.signer_title.is_empty(),
        };
        if !given {
            diags.push(
                Diagnostic::warning(Msg::new("illustrative_not_given").arg("field", field.key()))
                    .at(file, name.span())
                    .hint(Msg::new("illustrative_not_given_hint")),
            );
        }
        if !fields.contains(&field) {
            fields.push(field);
        }
    }
    fields
}

/// Renders a unit's report in the interface `language`, its problems
/// going into `diags`.
pub(crate) fn render_report(
    file: FileId,
    sources: &Sources,
    language: Language,
    diags: &mut Diagnostics,
) -> markdown::Report {
    let labels = markdown::Labels::new(&Strings::new(language));
    render_report_text(file, &sources.text(file), &labels, diags)
}

/// [`render_report`] of a text not in `Sources` (see [`resolve`]).
fn render_report_text(
    file: FileId,
    text: &str,
    labels: &markdown::Labels,
    diags: &mut Diagnostics,
) -> markdown::Report {
    let rendered = markdown::render(text, "bc", labels);
    for p in &rendered.problems {
        let d = p.diagnostic();
        diags.push(d.at(file, p.span.clone()));
    }
    rendered
}

/// Judges a submission against its deadline, as of a date.
pub(crate) fn submission(
    submitted: Option<Date>,
    deadline: Option<Date>,
    as_of: Date,
) -> Submission {
    match (submitted, deadline) {
        (Some(s), Some(d)) if s > d => Submission::Late {
            days: (s - d).get_days() as i64,
        },
        (Some(_), _) => Submission::OnTime,
        (None, Some(d)) if as_of > d => Submission::Missing,
        (None, _) => Submission::NotDue,
    }
}

struct IndicatorContext<'a> {
    file: FileId,
    catalogue: &'a [CatalogueEntry],
    /// indicators.toml could not be read (already reported): a reference
    /// into it is not a problem of its own.
    catalogue_failed: bool,
    /// The text of the unit's unit.toml.
    toml: &'a str,
    /// Where the indicators' texts are shared with other units'.
    strings: &'a Interner,
    /// Decimals of computed figures.
    decimals: u32,
}

/// Where an indicator is: its parent's id when it is a part, and its
/// position among its siblings.
#[derive(Clone, Copy)]
enum Place<'a> {
    Top,
    Part { parent: &'a str, position: usize },
}

fn resolve_indicator(
    ctx: &IndicatorContext<'_>,
    spanned: &Spanned<RawIndicator>,
    place: Place<'_>,
    diags: &mut Diagnostics,
) -> Option<Indicator> {
    let file = ctx.file;
    let raw = spanned.get_ref();
    // The place to point at: the id, else the reference, else the table.
    let span = raw
        .id
        .as_ref()
        .or(raw.reference.as_ref())
        .map_or_else(|| spanned.span(), |s| s.span());
    let entry = match &raw.reference {
        None => None,
        Some(reference) => {
            let found = ctx.catalogue.iter().find(|e| &e.id == reference.get_ref());
            if found.is_none() && ctx.catalogue_failed {
                diags.suppress();
                return None;
            } else if found.is_none() {
                diags.push(
                    Diagnostic::error(
                        Msg::new("no_catalogue_indicator").arg("id", reference.get_ref()),
                        did_you_mean_msg(
                            reference.get_ref(),
                            ctx.catalogue.iter().map(|e| e.id.as_str()),
                        )
                        .unwrap_or_else(|| Msg::new("catalogue_hint")),
                    )
                    .at(file, reference.span())
                    .label(Msg::new("referenced_here")),
                );
                return None;
            }
            found
        }
    };
    let id = match (raw.id.as_ref().map(|s| s.get_ref().trim()), entry, place) {
        (Some(id), _, _) if !id.is_empty() => ctx.strings.get(id),
        (None, Some(e), _) => ctx.strings.get(&e.id),
        (None, None, Place::Part { parent, position }) => {
            ctx.strings.get(&format!("{parent}.{}", position + 1))
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    Msg::new("indicator_no_id"),
                    Msg::new("indicator_no_id_hint"),
                )
                .at(file, span.clone()),
            );
            return None;
        }
    };
    let description = raw
        .description
        .as_ref()
        .map(|s| s.get_ref().as_str())
        .or_else(|| entry.map(|e| e.description.as_str()));
    let Some(description) = description.filter(|d| !d.trim().is_empty()) else {
        diags.push(
            Diagnostic::error(
                Msg::new("indicator_no_description").arg("id", &id),
                Msg::new("indicator_no_description_hint"),
            )
            .at(file, span.clone()),
        );
        return None;
    };
    let top = matches!(place, Place::Top);
    if !top && !raw.parts.is_empty() {
        diags.push(
            Diagnostic::error(
                Msg::new("part_with_parts").arg("id", &id),
                Msg::new("part_with_parts_hint"),
            )
            .at(file, span.clone()),
        );
    }

    let target = match &raw.target {
        Some(t) => parse_target(file, t, ctx.toml, diags),
        None => entry.and_then(|e| e.target.clone()),
    };
    let mut fig =
        |v: &Option<Spanned<RawFigure>>| v.as_ref().and_then(|v| figure(file, v, ctx.toml, diags));
    let baseline = fig(&raw.baseline);
    let actual = fig(&raw.actual);
    let estimate = fig(&raw.estimate);
    for (what, value, written) in [
        ("baseline_misfit", &baseline, &raw.baseline),
        ("actual_misfit", &actual, &raw.actual),
        ("estimate_misfit", &estimate, &raw.estimate),
    ] {
        if let (Some(t), Some(v), Some(w)) = (&target, value, written)
            && let Some(hint) = target::mismatch(t, v)
        {
            diags.push(Diagnostic::error(Msg::new(what).arg("target", t), hint).at(file, w.span()));
        }
    }
    let period = raw
        .period
        .as_ref()
        .and_then(|p| match target::parse_period(p.get_ref()) {
            Ok(period) => Some(period),
            Err(err) => {
                diags.push(
                    Diagnostic::error(
                        Msg::new("invalid_period").arg_msg("detail", err.message),
                        err.hint,
                    )
                    .at(file, inner_span(ctx.toml, p, err.span)),
                );
                None
            }
        });
    let mut actuals = BTreeMap::new();
    for (year, value) in &raw.actuals {
        let key = year.get_ref();
        let parsed = key
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y) && y.to_string() == *key);
        let Some(y) = parsed else {
            diags.push(
                Diagnostic::error(
                    Msg::new("actuals_not_a_year").arg("key", key),
                    Msg::new("actuals_not_a_year_hint"),
                )
                .at(file, year.span()),
            );
            continue;
        };
        let Some(number) = written_number(ctx.toml, value.span(), *value.get_ref()) else {
            diags.push(
                Diagnostic::error(
                    Msg::new("figure_too_long"),
                    Msg::new("actuals_too_long_hint"),
                )
                .at(file, value.span()),
            );
            continue;
        };
        actuals.insert(y, number);
    }
    let parts: Vec<Indicator> = if top {
        raw.parts
            .iter()
            .enumerate()
            .filter_map(|(position, p)| {
                let place = Place::Part {
                    parent: &id,
                    position,
                };
                resolve_indicator(ctx, p, place, diags)
            })
            .collect()
    } else {
        Vec::new()
    };
    let own_figures = raw.target.as_ref().map(|t| t.span());
    if !parts.is_empty()
        && let Some(span) = own_figures.or_else(|| raw.actual.as_ref().map(|a| a.span()))
    {
        diags.push(
            Diagnostic::warning(Msg::new("figures_beside_parts").arg("id", &id))
                .at(file, span)
                .hint(Msg::new("figures_beside_parts_hint")),
        );
    }
    let stated = raw.stated.as_ref().map_or("", |s| s.get_ref().as_str());
    let reading = target::parse_stated(stated);
    let assessment = if parts.is_empty() {
        let computed = target::assess(
            target.as_ref(),
            &Observation {
                actual,
                actuals: &actuals,
                period,
            },
            ctx.decimals,
        );
        if computed.overflow {
            let span = raw.actual.as_ref().map_or(span.clone(), |a| a.span());
            diags.push(
                Diagnostic::error(
                    Msg::new("figures_overflow").arg("id", &id),
                    Msg::new("figures_overflow_hint"),
                )
                .at(file, span),
            );
        }
        let no_figure = actual.is_none() && actuals.is_empty();
        match reading.status() {
            // Judged in words only: the report's status, said to be so.
            Some(status) if no_figure && computed.status == Status::NotAssessed => {
                Assessment::by_report(status)
            }
            _ => computed,
        }
    } else {
        let worst = parts
            .iter()
            .map(Indicator::status)
            .min()
            .unwrap_or(Status::NotAssessed);
        let basis = if parts
            .iter()
            .any(|p| p.assessment.basis == target::Basis::Report)
        {
            target::Basis::Report
        } else {
            target::Basis::Figures
        };
        Assessment {
            status: worst,
            basis,
            ..Assessment::NONE
        }
    };
    let denominator = raw
        .denominator
        .as_ref()
        .and_then(|d| match d.get_ref().as_str() {
            "organisations" => Some(Denominator::Organisations),
            "members" => Some(Denominator::Members),
            other => {
                diags.push(
                    Diagnostic::error(
                        Msg::new("unknown_denominator").arg("denominator", other),
                        did_you_mean_msg(other, ["organisations", "members"])
                            .unwrap_or_else(|| Msg::new("unknown_denominator_hint")),
                    )
                    .at(file, d.span()),
                );
                None
            }
        });
    let rate = measure(file, raw, diags);
    if let Some(t) = &target {
        impossible_figures(
            file,
            &id,
            t,
            rate,
            denominator,
            raw,
            [&baseline, &actual, &estimate],
            diags,
        );
    }
    let strings = ctx.strings;
    Some(Indicator {
        id,
        span: span.into(),
        group: strings.get(
            raw.group
                .as_deref()
                .or_else(|| entry.map(|e| e.group.as_str()))
                .unwrap_or_default(),
        ),
        description: strings.get(description),
        unit_of_measure: strings.get(
            raw.unit_of_measure
                .as_deref()
                .or_else(|| entry.map(|e| e.unit_of_measure.as_str()))
                .unwrap_or_default(),
        ),
        target,
        baseline,
        actual,
        period,
        actuals,
        estimate,
        stated: strings.get(stated),
        reading,
        note: strings.get(
            raw.note
                .as_ref()
                .map(|n| n.get_ref().as_str())
                .or_else(|| entry.map(|e| e.note.as_str()))
                .unwrap_or_default(),
        ),
        catalogue: entry.map(|e| strings.get(&e.id)),
        denominator,
        spans: IndicatorSpans {
            stated: raw.stated.as_ref().map(|s| s.span().into()),
            baseline: raw.baseline.as_ref().map(|s| s.span().into()),
            actual: raw.actual.as_ref().map(|s| s.span().into()),
            estimate: raw.estimate.as_ref().map(|s| s.span().into()),
            period: raw.period.as_ref().map(|s| s.span().into()),
            note: raw.note.as_ref().map(|n| {
                let span = inner_span(ctx.toml, n, 0..n.get_ref().len());
                let exact = span.len() == n.get_ref().len();
                (span.into(), exact)
            }),
        },
        parts,
        assessment,
        public: public_flag(file, raw, top, diags),
        count_parts: count_parts(file, raw, top, diags),
    })
}

/// [`Unit::catalogue_uses`]: each indicator and part of `indicators` on
/// the catalogue, in the order `rollup::uses_by_entry` lists them.
fn catalogue_uses(indicators: &[Indicator], catalogue: &[CatalogueEntry]) -> Vec<(u32, u128)> {
    indicators
        .iter()
        .flat_map(|ind| std::iter::once(ind).chain(&ind.parts))
        .filter_map(|one| {
            let id = one.catalogue.as_deref()?;
            let c = catalogue.iter().position(|e| e.id == id)?;
            Some((u32::try_from(c).ok()?, shown_key(one)))
        })
        .collect()
}

/// A hash of an indicator as resolved (its parts with it), all but where
/// unit.toml writes it: its spans move with any edit above it, and no
/// page shows them.
fn shown_key(ind: &Indicator) -> u128 {
    fn shown(ind: &Indicator) -> Indicator {
        Indicator {
            span: Span::default(),
            spans: IndicatorSpans::default(),
            parts: ind.parts.iter().map(shown).collect(),
            ..ind.clone()
        }
    }
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    // postcard fails only on what an indicator does not hold (sequences of
    // unknown length); its `Debug` text would do, spans and all (a key
    // that changes more often than it must is never wrong).
    let bytes =
        postcard::to_allocvec(&shown(ind)).unwrap_or_else(|_| format!("{ind:?}").into_bytes());
    let mut h = SipHasher13::new();
    h.write(&bytes);
    h.finish128().as_u128()
}

/// An indicator's `measure`: whether its percentages are shares (0–100, the
/// default) or rates that may pass 100 or fall below 0. `true` for a rate.
fn measure(file: FileId, raw: &RawIndicator, diags: &mut Diagnostics) -> bool {
    match raw.measure.as_ref().map(|m| (m, m.get_ref().as_str())) {
        None | Some((_, "share")) => false,
        Some((_, "rate")) => true,
        Some((m, other)) => {
            diags.push(
                Diagnostic::error(
                    Msg::new("unknown_measure").arg("measure", other),
                    Msg::new("unknown_measure_hint"),
                )
                .at(file, m.span()),
            );
            false
        }
    }
}

/// Figures that cannot be: a share of a counted whole above 100% or below
/// 0 (a fraction whose part exceeds its whole, or a percentage outside
/// 0–100 where the indicator is a share). Errors at the figure.
#[allow(clippy::too_many_arguments)]
fn impossible_figures(
    file: FileId,
    id: &str,
    target: &Target,
    rate: bool,
    denominator: Option<Denominator>,
    raw: &RawIndicator,
    figures: [&Option<Figure>; 3],
    diags: &mut Diagnostics,
) {
    let written = [&raw.baseline, &raw.actual, &raw.estimate];
    for (figure, written) in figures.into_iter().zip(written) {
        let (Some(figure), Some(w)) = (figure, written) else {
            continue;
        };
        let problem = match *figure {
            Figure::Fraction { num, den } if num > den || num.is_sign_negative() => {
                let message = match denominator {
                    Some(d) => Msg::new("fraction_over_denominator").arg("denominator", d.key()),
                    None => Msg::new("fraction_over_whole"),
                };
                Some((
                    message.arg("id", id).arg("figure", figure),
                    Msg::new("fraction_over_whole_hint"),
                ))
            }
            Figure::Number(x)
                if target.percent
                    && !rate
                    && (x.is_sign_negative() && !x.is_zero() || x > Decimal::ONE_HUNDRED) =>
            {
                Some((
                    Msg::new("not_a_share")
                        .arg("id", id)
                        .arg("figure", vi::format_written(x)),
                    Msg::new("not_a_share_hint"),
                ))
            }
            _ => None,
        };
        if let Some((message, hint)) = problem {
            diags.push(Diagnostic::error(message, hint).at(file, w.span()));
        }
    }
}

/// An indicator's `public` key: allowed on a top-level indicator only (its
/// parts are shown with it or not at all).
fn public_flag(file: FileId, raw: &RawIndicator, top: bool, diags: &mut Diagnostics) -> bool {
    match &raw.public {
        Some(flag) if !top => {
            diags.push(
                Diagnostic::error(Msg::new("public_on_part"), Msg::new("public_on_part_hint"))
                    .at(file, flag.span()),
            );
            false
        }
        Some(flag) => *flag.get_ref(),
        None => false,
    }
}

/// An indicator's `count_parts` key: on an indicator with parts only.
fn count_parts(file: FileId, raw: &RawIndicator, top: bool, diags: &mut Diagnostics) -> bool {
    match &raw.count_parts {
        Some(flag) if !top || raw.parts.is_empty() => {
            diags.push(
                Diagnostic::error(
                    Msg::new("count_parts_without_parts"),
                    Msg::new("count_parts_without_parts_hint"),
                )
                .at(file, flag.span()),
            );
            true
        }
        Some(flag) => *flag.get_ref(),
        None => true,
    }
}

/// A unit out of the parallel loop of [`resolve`]: the unit and what
/// linking needs of it, its problems, and its report's text when it is kept.
struct Resolved {
    unit: Option<Unit>,
    diags: Diagnostics,
    /// The report's text, when it is still needed.
    report: Option<(FileId, Held)>,
    /// Its key in a [`UnitCache`], when resolving with one.
    key: Option<u128>,
    /// Taken from the cache.
    diags_from_cache: bool,
}

/// The units of the last resolution of a site, by everything each was
/// resolved from, for `serve`: a save of one file resolves that unit again
/// and takes the others as they were (parsing unit.toml, rendering and
/// scanning the report are most of the model's time). A unit is a function
/// of its folder's name, its files' texts, whether it stands by its
/// identity alone, the configuration, the catalogue and whether reports
/// are kept: the key hashes them all (a unit's file ids are set anew when it
/// is taken; one with problems is taken only while they are the same).
/// `build` keeps its units on disk instead (the build cache, `cache.rs`).
#[derive(Default)]
pub(crate) struct UnitCache {
    units: std::collections::HashMap<u128, (Unit, Diagnostics)>,
    /// How many units the last resolution took from the cache.
    hits: usize,
}

impl UnitCache {
    /// The key of a unit resolved from `files`, `toml` and `report` under
    /// the configuration and catalogue hashed in `common`.
    fn key(common: u128, files: &UnitFiles, texts: FilesKey) -> u128 {
        use siphasher::sip128::{Hasher128, SipHasher13};
        use std::hash::Hasher;
        let mut h = SipHasher13::new();
        h.write_u128(common);
        h.write_u64(files.id.len() as u64);
        h.write(files.id.as_bytes());
        h.write_u128(texts.toml);
        h.write_u128(texts.report.unwrap_or(0));
        h.write_u8(u8::from(texts.report.is_some()));
        h.finish128().as_u128()
    }
}

/// Makes each text of `ind` and its parts the interner's shared copy.
fn share_texts(ind: &mut Indicator, strings: &Interner) {
    for text in [
        &mut ind.id,
        &mut ind.group,
        &mut ind.description,
        &mut ind.unit_of_measure,
        &mut ind.stated,
        &mut ind.note,
    ] {
        *text = strings.get(text);
    }
    if let Some(id) = &mut ind.catalogue {
        *id = strings.get(id);
    }
    for part in &mut ind.parts {
        share_texts(part, strings);
    }
}

/// Where [`resolve_cached`] takes the units of an earlier resolution from.
pub(crate) enum Earlier<'a> {
    /// `serve`'s last rebuild, which it leaves the new units in.
    Memory(&'a mut UnitCache),
    /// The build cache.
    Store(&'a dyn UnitStore),
}

/// Units kept by an earlier build (the build cache), by their key in a
/// [`UnitCache`]: only units resolved without a problem are kept.
pub(crate) trait UnitStore: Sync {
    /// The unit kept under `key`, as it was after the build that kept it
    /// (linked: [`resolve_cached`] links it again).
    fn unit(&self, key: u128) -> Option<Unit>;
}

/// What linking the hierarchy needs of a unit as written ([`Unit::link`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Link {
    id: String,
    file: FileId,
    #[serde(with = "spanned")]
    parent: Option<Spanned<String>>,
    #[serde(with = "spanned")]
    slug: Option<Spanned<String>>,
}

/// A spanned text as its text and span (`Spanned` reads back only from
/// TOML).
mod spanned {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::ops::Range;
    use toml::Spanned;

    pub(super) fn serialize<S: Serializer>(
        value: &Option<Spanned<String>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        value.as_ref().map(|v| (v.get_ref(), v.span())).serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Spanned<String>>, D::Error> {
        let value: Option<(String, Range<usize>)> = Deserialize::deserialize(d)?;
        Ok(value.map(|(text, span)| Spanned::new(span, text)))
    }
}

/// Sets each unit's parent, reporting unknown parents, levels out of order
/// and cycles.
/// `folders` names every unit folder, also those that could not be used: a
/// child of a unit with errors is not told its parent does not exist.
fn link_parents(units: &mut [Unit], sources: &[Link], folders: &[String], diags: &mut Diagnostics) {
    let index: HashMap<&str, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    for (i, src) in sources.iter().enumerate() {
        let Some(parent) = &src.parent else {
            continue;
        };
        let name = parent.get_ref();
        match index.get(name.as_str()) {
            Some(&p) if p == i => diags.push(
                Diagnostic::error(
                    Msg::new("own_parent").arg("unit", &src.id),
                    Msg::new("own_parent_hint"),
                )
                .at(src.file, parent.span()),
            ),
            Some(&p) => {
                if units[p].level >= units[i].level {
                    diags.push(
                        Diagnostic::error(
                            Msg::new("parent_level")
                                .arg("parent", units[p].level.key())
                                .arg("child", units[i].level.key()),
                            Msg::new("parent_level_hint"),
                        )
                        .at(src.file, parent.span()),
                    );
                }
                units[i].parent = Some(p);
            }
            // The parent's unit.toml could not be used: that is the problem.
            None if folders.contains(name) => diags.suppress(),
            None => diags.push(
                Diagnostic::error(
                    Msg::new("no_unit").arg("unit", name),
                    did_you_mean_msg(name, folders.iter().map(String::as_str))
                        .unwrap_or_else(|| Msg::new("parent_hint")),
                )
                .at(src.file, parent.span())
                .label(Msg::new("parent_named_here")),
            ),
        }
    }
    // Cycles: walk up from each unit; a walk longer than the unit count loops.
    let mut reported = HashSet::new();
    for start in 0..units.len() {
        let mut seen = vec![start];
        let mut current = start;
        while let Some(p) = units[current].parent {
            if let Some(pos) = seen.iter().position(|&u| u == p) {
                let cycle: Vec<usize> = seen[pos..].to_vec();
                let first = *cycle.iter().min().unwrap_or(&p);
                if reported.insert(first) {
                    let names: Vec<&str> = cycle.iter().map(|&u| sources[u].id.as_str()).collect();
                    let span = sources[first].parent.as_ref().map_or(0..0, |s| s.span());
                    diags.push(
                        Diagnostic::error(
                            Msg::new("parent_cycle")
                                .arg("cycle", format!("{} → {}", names.join(" → "), names[0])),
                            Msg::new("parent_cycle_hint"),
                        )
                        .at(sources[first].file, span),
                    );
                }
                for &u in &cycle {
                    units[u].parent = None;
                }
                break;
            }
            seen.push(p);
            current = p;
        }
    }
}

/// Gives every unit a URL slug: its explicit `slug`, or one made from its
/// short name (or name), with `-2`, `-3`… on collisions, in collation order.
fn assign_slugs(units: &mut [Unit], sources: &[Link], diags: &mut Diagnostics) {
    let mut taken: HashMap<String, usize> = HashMap::new();
    for (i, src) in sources.iter().enumerate() {
        let Some(slug) = &src.slug else { continue };
        let value = slug.get_ref();
        let valid = !value.is_empty()
            && value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            diags.push(
                Diagnostic::error(
                    Msg::new("slug_invalid").arg("slug", value),
                    Msg::new("slug_invalid_hint")
                        .arg("suggestion", vi::slugify(units[i].display_name())),
                )
                .at(src.file, slug.span()),
            );
            continue;
        }
        if let Some(&other) = taken.get(value) {
            diags.push(
                Diagnostic::error(
                    Msg::new("slug_twice").arg("slug", value),
                    Msg::new("slug_twice_hint").arg("unit", &sources[other].id),
                )
                .at(src.file, slug.span()),
            );
            continue;
        }
        taken.insert(value.clone(), i);
        units[i].slug = value.clone();
    }
    for unit in units.iter_mut() {
        if !unit.slug.is_empty() {
            continue;
        }
        let mut base = vi::slugify(unit.display_name());
        if base.is_empty() {
            base = vi::slugify(&unit.id);
        }
        if base.is_empty() {
            base = "don-vi".to_string();
        }
        let mut slug = base.clone();
        let mut n = 2;
        while taken.contains_key(&slug) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(slug.clone(), usize::MAX);
        unit.slug = slug;
    }
}

pub(crate) fn hierarchy(units: &[Unit]) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut children = vec![Vec::new(); units.len()];
    let mut roots = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        match unit.parent {
            Some(p) => children[p].push(i),
            None => roots.push(i),
        }
    }
    (children, roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_holds_its_range_and_narrows_past_4_gib() {
        assert_eq!(Span::from(7..19).range(), 7..19);
        let huge = usize::try_from(u64::from(u32::MAX) + 10).unwrap_or(usize::MAX);
        assert_eq!(Span::from(3..huge).range(), 3..u32::MAX as usize);
        assert_eq!(std::mem::size_of::<Span>(), 8);
    }

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    const SITE_TOML: &str =
        "title = \"T\"\n[review]\nterm_start = 2020\nterm_end = 2025\ncutoff = 2023-06-30\n";

    fn unit_toml(name: &str) -> String {
        format!("name = \"{name}\"\nlevel = \"district\"\n")
    }

    /// Resolves a site of two units with reports, one of them with an
    /// undefined footnote.
    fn two_reports(keep_reports: bool) -> (Site, Sources, Diagnostics) {
        resolve_files(
            &[
                ("site.toml", SITE_TOML.to_string()),
                ("content/units/a/unit.toml", unit_toml("Huyện A")),
                (
                    "content/units/a/report.md",
                    "# Báo cáo\n\nĐúng hạn.\n".into(),
                ),
                ("content/units/b/unit.toml", unit_toml("Huyện B")),
                (
                    "content/units/b/report.md",
                    "# Báo cáo\n\nThiếu[^1].\n".into(),
                ),
            ],
            keep_reports,
        )
    }

    /// The units' files are held as read up to the load's budget, and
    /// packed past it; the model resolves the same units either way.
    #[test]
    fn unit_files_are_held_unpacked_up_to_the_budget() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = vec![("site.toml".to_string(), SITE_TOML.to_string())];
        for id in ["a", "b", "c"] {
            files.push((
                format!("content/units/{id}/unit.toml"),
                unit_toml(&format!("Huyện {id}")),
            ));
            files.push((
                format!("content/units/{id}/report.md"),
                format!("# Báo cáo {id}\n\nKết nạp 12 đảng viên.\n"),
            ));
        }
        for (path, text) in &files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let unit_bytes: Vec<usize> = files[1..]
            .chunks(2)
            .map(|unit| unit.iter().map(|(_, text)| text.len()).sum())
            .collect();
        let load = |budget: usize| {
            let mut sources = Sources::default();
            let mut diags = Diagnostics::default();
            let source =
                crate::load::load_site(dir.path(), None, budget, &mut sources, &mut diags).unwrap();
            let held = sources.plain_bytes();
            let site = resolve(
                source,
                &mut sources,
                &mut diags,
                d(2023, 9, 1),
                false,
                &crate::consistency::scan_report,
            );
            let names: Vec<String> = site.units.iter().map(|u| u.name.clone()).collect();
            (held, names)
        };
        let (packed, names) = load(0);
        let (all, names_all) = load(usize::MAX);
        assert_eq!(all - packed, unit_bytes.iter().sum::<usize>());
        // A budget of one unit's files (the largest) holds one unit's.
        let one = *unit_bytes.iter().max().unwrap();
        let (some, names_some) = load(one);
        assert!(
            unit_bytes.contains(&(some - packed)),
            "{some} - {packed} held of {unit_bytes:?}"
        );
        assert_eq!(names, names_all);
        assert_eq!(names, names_some);
        assert_eq!(names.len(), 3);
    }

    /// Loads and resolves a site made of `files` (path, text).
    fn resolve_files(files: &[(&str, String)], keep_reports: bool) -> (Site, Sources, Diagnostics) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let mut sources = Sources::default();
        let mut diags = Diagnostics::default();
        let source = crate::load::load_site(dir.path(), None, 0, &mut sources, &mut diags).unwrap();
        let site = resolve(
            source,
            &mut sources,
            &mut diags,
            d(2023, 9, 1),
            keep_reports,
            &crate::consistency::scan_report,
        );
        (site, sources, diags)
    }

    /// A unit resolved again with a cache is taken from it while its files
    /// are unchanged, and resolved anew once one of them changes: the
    /// same units either way.
    #[test]
    fn a_cache_gives_back_the_units_whose_files_did_not_change() {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("site.toml", SITE_TOML);
        write("content/units/a/unit.toml", &unit_toml("Huyện A"));
        write(
            "content/units/a/report.md",
            "# A\n\nKết nạp 12 đảng viên.\n",
        );
        write("content/units/b/unit.toml", &unit_toml("Huyện B"));
        let mut cache = UnitCache::default();
        let resolve_once = |cache: &mut UnitCache| {
            let mut sources = Sources::default();
            let mut diags = Diagnostics::default();
            let source =
                crate::load::load_site(dir.path(), None, 0, &mut sources, &mut diags).unwrap();
            let site = resolve_cached(
                source,
                &mut sources,
                &mut diags,
                d(2023, 9, 1),
                false,
                &crate::consistency::scan_report,
                Some(Earlier::Memory(cache)),
                None,
            );
            let names: Vec<(String, bool)> = site
                .units
                .iter()
                .map(|u| (u.name.clone(), u.report.is_some()))
                .collect();
            (names, cache.hits)
        };
        let (first, hits) = resolve_once(&mut cache);
        assert_eq!(hits, 0);
        assert_eq!(resolve_once(&mut cache), (first.clone(), 2));
        write("content/units/b/unit.toml", &unit_toml("Huyện Bê"));
        let (changed, hits) = resolve_once(&mut cache);
        assert_eq!(hits, 1);
        assert_eq!(changed[1].0, "Huyện Bê");
        write(
            "content/units/a/report.md",
            "# A\n\nKết nạp 13 đảng viên.\n",
        );
        assert_eq!(resolve_once(&mut cache).1, 1);
    }

    #[test]
    fn a_report_text_is_kept_only_when_a_problem_quotes_it_or_when_asked() {
        let (site, sources, diags) = two_reports(false);
        let report = |id: &str| {
            let unit = site.units.iter().find(|u| u.id == id).unwrap();
            (
                unit.report_file.unwrap(),
                unit.report.as_ref().unwrap().html(),
            )
        };
        let (clean, clean_html) = report("a");
        let (quoted, _) = report("b");
        assert!(clean_html.contains("Đúng hạn."), "rendered before it went");
        assert_eq!(sources.text(clean), "");
        assert!(sources.text(quoted).contains("Thiếu[^1]"));
        assert!(
            diags
                .render(&sources)
                .contains("content/units/b/report.md:3:6"),
            "{}",
            diags.render(&sources)
        );

        let (site, sources, _) = two_reports(true);
        let a = site.units.iter().find(|u| u.id == "a").unwrap();
        assert!(sources.text(a.report_file.unwrap()).contains("Đúng hạn."));
    }

    #[test]
    fn units_share_the_texts_their_indicators_repeat() {
        let indicator = |id: &str, description: &str| {
            format!(
                "[[indicators]]\nid = \"{id}\"\ngroup = \"Xây dựng Đảng\"\n\
                 description = \"{description}\"\ntarget = \">= 90%\"\nactual = 93.6\nstated = \"Vượt\"\n"
            )
        };
        let same = "Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ";
        let a = unit_toml("Huyện A") + &indicator("1", same) + &indicator("2", "Riêng của A");
        let b = unit_toml("Huyện B") + &indicator("1", same) + &indicator("2", "Riêng của B");
        let (site, _, diags) = resolve_files(
            &[
                ("site.toml", SITE_TOML.to_string()),
                ("content/units/a/unit.toml", a),
                ("content/units/b/unit.toml", b),
            ],
            false,
        );
        assert!(!diags.has_errors(), "{diags:?}");
        let [a, b] = [&site.units[0].indicators, &site.units[1].indicators];
        for (x, y) in [
            (&a[0].description, &b[0].description),
            (&a[0].group, &b[1].group),
            (&a[0].stated, &b[1].stated),
            (&a[1].id, &b[1].id),
        ] {
            assert_eq!(x, y);
            assert!(ArcStr::ptr_eq(x, y), "`{x}` is held twice");
        }
        assert_eq!(&*a[1].description, "Riêng của A");
        assert_eq!(&*b[1].description, "Riêng của B");
    }

    #[test]
    fn submission_against_deadline() {
        let deadline = Some(d(2023, 7, 30));
        let as_of = d(2023, 9, 15);
        assert_eq!(
            submission(Some(d(2023, 7, 30)), deadline, as_of),
            Submission::OnTime
        );
        assert_eq!(
            submission(Some(d(2023, 8, 4)), deadline, as_of),
            Submission::Late { days: 5 }
        );
        assert_eq!(submission(None, deadline, as_of), Submission::Missing);
        assert_eq!(
            submission(None, deadline, d(2023, 7, 1)),
            Submission::NotDue
        );
        assert_eq!(submission(None, None, as_of), Submission::NotDue);
        assert_eq!(
            submission(Some(d(2023, 1, 1)), None, as_of),
            Submission::OnTime
        );
    }
}
