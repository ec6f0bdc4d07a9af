//! Loading: disk → sources. Reads `site.toml`, `indicators.toml` and every
//! unit folder under `content/units/`, keeping each text in [`Sources`] and
//! each value's byte span, so later stages can point at the exact place of a
//! problem.
//!
//! This is the only stage that reads content files. Nothing here interprets
//! the data beyond its TOML shape: that is the model's job.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};
use toml::value::Datetime;

use crate::diag::{Diagnostic, Diagnostics, FileId, Msg, Sources, Stamp, did_you_mean_msg};

/// Everything read from a site folder, still in its written form.
#[derive(Debug)]
pub(crate) struct SiteSource {
    /// `None` when site.toml could not be read or parsed (already reported):
    /// the units are still checked, with a default configuration.
    pub config: Option<(FileId, RawConfig)>,
    pub catalogue: Option<(FileId, RawCatalogue)>,
    /// indicators.toml is there but could not be used (already reported):
    /// the references into it follow from that problem.
    pub catalogue_failed: bool,
    /// The units whose files could be read, in folder-name order; each is
    /// parsed by [`parse_unit`] when the model resolves it.
    pub units: Vec<UnitFiles>,
    /// Every unit folder, also those whose unit.toml could not be used, so
    /// that a child of a broken unit is not told its parent does not exist.
    pub unit_folders: Vec<String>,
    /// The highlights under `content/highlights/`, in file-name order.
    pub highlights: Vec<HighlightSource>,
    /// The units' files of the rounds after the first, read from each unit
    /// folder's `rounds/<id>/` (see `round`), in folder order.
    pub round_units: Vec<RoundFiles>,
}

/// A unit's files for one review round: `content/units/<unit>/rounds/<round>/`.
#[derive(Debug)]
pub(crate) struct RoundFiles {
    /// The round's id: the folder's name.
    pub round: String,
    /// The folder, as shown in messages.
    pub path: PathBuf,
    /// `unit.toml` and `report.md` of the round; `None` when the folder has
    /// no readable unit.toml (already reported).
    pub files: Option<UnitFiles>,
}

/// A highlight file: `content/highlights/<slug>.md`, TOML front matter
/// between `+++` lines, then the body in Markdown.
#[derive(Debug)]
pub(crate) struct HighlightSource {
    /// The file name without `.md`: the highlight's slug.
    pub slug: String,
    pub file: FileId,
    pub data: RawHighlight,
    /// The Markdown body's byte range in the file.
    pub body: std::ops::Range<usize>,
    /// The image file on disk, when `image` names one that exists.
    pub image: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHighlight {
    pub title: Spanned<String>,
    pub unit: Spanned<String>,
    pub kind: Spanned<String>,
    pub summary: Spanned<String>,
    pub date: Spanned<Datetime>,
    pub release: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub indicators: Vec<Spanned<String>>,
    pub image: Option<Spanned<String>>,
    pub image_alt: Option<Spanned<String>>,
    #[serde(default)]
    pub public: bool,
    /// The fields that are invented (only `date` can be).
    #[serde(default)]
    pub illustrative_fields: Vec<Spanned<String>>,
    /// The review round it belongs to (see `round`): the first when left
    /// out.
    pub round: Option<Spanned<String>>,
}

/// A unit folder's files, read into [`Sources`] but not parsed: the model
/// parses each unit ([`parse_unit`]) in its parallel loop and keeps only
/// what it resolves, so the raw values of every unit (larger than their
/// text) are never held at once.
#[derive(Debug, Clone)]
pub(crate) struct UnitFiles {
    /// The folder name.
    pub id: String,
    /// `unit.toml`.
    pub file: FileId,
    /// `report.md`, when present and readable.
    pub report: Option<FileId>,
    /// Only the unit's identity is taken from unit.toml: it stands for the
    /// unit in a round it has no files for (see `round`).
    pub identity_only: bool,
}

/// A unit as written: its files and its parsed unit.toml.
#[derive(Debug)]
pub(crate) struct UnitSource {
    /// The folder name.
    pub id: String,
    pub file: FileId,
    pub data: RawUnit,
    /// `report.md`, when present and readable.
    pub report: Option<FileId>,
}

/// Parses a unit's unit.toml, whose text is `text`; its problems go into
/// `diags`. `None` when it cannot be used.
pub(crate) fn parse_unit(
    files: &UnitFiles,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<UnitSource> {
    let mut data: RawUnit = parse_toml(files.file, text, &UNIT_SCHEMA, diags)?;
    if files.identity_only {
        data.keep_identity();
    }
    Some(UnitSource {
        id: files.id.clone(),
        file: files.file,
        data,
        report: files.report,
    })
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    pub title: Spanned<String>,
    #[serde(default)]
    pub subtitle: String,
    #[serde(default)]
    pub description: String,
    pub language: Option<Spanned<String>>,
    pub theme: Option<Spanned<String>>,
    #[serde(default)]
    pub base_url: String,
    #[serde(default)]
    pub organisation: String,
    pub review: RawReview,
    #[serde(default)]
    pub deadlines: RawDeadlines,
    /// The press site's own title, subtitle, description and address
    /// (`ketqua build --public`).
    #[serde(default)]
    pub public: RawPublicProfile,
    /// The units meant to have no parent, when there are more than one.
    pub top_level: Option<Vec<Spanned<String>>>,
    /// The review rounds, oldest first (see `round`); none for a site of
    /// one review.
    #[serde(default)]
    pub rounds: Vec<Spanned<RawRound>>,
    /// The round shown at the site's root.
    pub current_round: Option<Spanned<String>>,
}

/// `[[rounds]]` in site.toml: one review of the term. Dates left out are
/// `[review]`'s and `[deadlines]`'s.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRound {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    /// The site's title for this round, when it differs from `title`.
    pub title: Option<String>,
    pub cutoff: Option<Spanned<Datetime>>,
    pub as_of: Option<Spanned<Datetime>>,
    pub estimate_year: Option<Spanned<i32>>,
    pub deadlines: Option<RawDeadlines>,
    /// The round's figures are invented (an example).
    #[serde(default)]
    pub illustrative: bool,
    /// The site's description for this round, when it differs.
    pub description: Option<String>,
    /// The plan this round's review follows (`[review] plan` for it).
    pub plan: Option<String>,
    /// The press site's title and description for this round.
    pub public: Option<RawPublicProfile>,
}

/// `[public]` in site.toml: what the press site says about itself where it
/// differs from the internal site. Every key is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPublicProfile {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub description: Option<String>,
    pub base_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReview {
    pub term_start: Spanned<i32>,
    pub term_end: Spanned<i32>,
    pub cutoff: Spanned<Datetime>,
    pub estimate_year: Option<Spanned<i32>>,
    pub baseline_year: Option<Spanned<i32>>,
    pub target_year: Option<Spanned<i32>>,
    #[serde(default)]
    pub plan: String,
    pub as_of: Option<Spanned<Datetime>>,
    /// Decimals of computed figures (shares, means, margins).
    pub decimals: Option<Spanned<i64>>,
    /// How indicators are counted: "components" (default) or "indicators".
    pub count: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDeadlines {
    pub province: Option<Spanned<Datetime>>,
    pub district: Option<Spanned<Datetime>>,
    pub grassroots: Option<Spanned<Datetime>>,
    pub branch: Option<Spanned<Datetime>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUnit {
    pub name: Spanned<String>,
    #[serde(default)]
    pub short_name: String,
    pub slug: Option<Spanned<String>>,
    pub level: Spanned<String>,
    pub parent: Option<Spanned<String>>,
    #[serde(default)]
    pub kind: String,
    pub members: Option<Spanned<i64>>,
    pub organisations: Option<Spanned<i64>>,
    pub conference_date: Option<Spanned<Datetime>>,
    pub submitted: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub document_number: String,
    #[serde(default)]
    pub signer: String,
    #[serde(default)]
    pub signer_title: String,
    #[serde(default)]
    pub illustrative: bool,
    /// The fields that are invented, when only some are.
    #[serde(default)]
    pub illustrative_fields: Vec<Spanned<String>>,
    #[serde(default)]
    pub summary: String,
    /// The report's own words for its overall result, verbatim.
    pub stated_overall: Option<Spanned<String>>,
    /// Whether the unit and its public facts appear in the public build.
    #[serde(default)]
    pub public: bool,
    #[serde(default)]
    pub indicators: Vec<Spanned<RawIndicator>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIndicator {
    pub id: Option<Spanned<String>>,
    #[serde(rename = "ref")]
    pub reference: Option<Spanned<String>>,
    pub group: Option<String>,
    pub description: Option<Spanned<String>>,
    pub unit_of_measure: Option<String>,
    pub target: Option<Spanned<String>>,
    pub baseline: Option<Spanned<RawFigure>>,
    pub actual: Option<Spanned<RawFigure>>,
    pub period: Option<Spanned<String>>,
    pub estimate: Option<Spanned<RawFigure>>,
    pub stated: Option<Spanned<String>>,
    pub note: Option<Spanned<String>>,
    /// What the denominators of its fractions count: "organisations" or "members".
    pub denominator: Option<Spanned<String>>,
    /// "share" (a percentage of something counted, 0–100) or "rate" (a
    /// growth rate or ratio, which may pass 100 or fall below 0).
    pub measure: Option<Spanned<String>>,
    #[serde(default)]
    pub actuals: BTreeMap<Spanned<String>, Spanned<f64>>,
    #[serde(default)]
    pub parts: Vec<Spanned<RawIndicator>>,
    /// Whether the indicator appears in the public build (of a public unit).
    pub public: Option<Spanned<bool>>,
    /// `false`: the report counts the indicator once, not each of its parts.
    pub count_parts: Option<Spanned<bool>>,
}

impl RawUnit {
    /// Drops everything that belongs to a round (dates, figures, summary),
    /// keeping who the unit is: what stands for it in a round it has no
    /// files for.
    fn keep_identity(&mut self) {
        self.members = None;
        self.organisations = None;
        self.conference_date = None;
        self.submitted = None;
        self.document_number.clear();
        self.signer.clear();
        self.signer_title.clear();
        self.illustrative = false;
        self.illustrative_fields.clear();
        self.summary.clear();
        self.stated_overall = None;
        self.indicators.clear();
    }
}

/// A figure as written: a number, a string such as "41/71" or "57,7", or a boolean.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawFigure {
    Integer(i64),
    Float(f64),
    Bool(bool),
    Text(String),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCatalogue {
    #[serde(default)]
    pub indicator: Vec<RawCatalogueEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCatalogueEntry {
    pub id: Spanned<String>,
    #[serde(default)]
    pub group: String,
    pub description: Spanned<String>,
    #[serde(default)]
    pub unit_of_measure: String,
    pub target: Option<Spanned<String>>,
    #[serde(default)]
    pub note: String,
}

/// The keys each table accepts, for reporting every unknown key at once with
/// a hint. Serde's `deny_unknown_fields` stays as a backstop; a test checks
/// these lists against the structs.
enum Schema {
    Table(&'static [(&'static str, Schema)]),
    /// A table whose keys are data (years in `actuals`).
    Map,
    /// An array of tables of the given schema.
    Array(&'static Schema),
    Value,
}

use Schema::{Array, Map, Table, Value};

const CONFIG_SCHEMA: Schema = Table(&[
    ("title", Value),
    ("subtitle", Value),
    ("description", Value),
    ("language", Value),
    ("theme", Value),
    ("base_url", Value),
    ("organisation", Value),
    (
        "review",
        Table(&[
            ("term_start", Value),
            ("term_end", Value),
            ("cutoff", Value),
            ("estimate_year", Value),
            ("baseline_year", Value),
            ("target_year", Value),
            ("plan", Value),
            ("as_of", Value),
            ("decimals", Value),
            ("count", Value),
        ]),
    ),
    (
        "deadlines",
        Table(&[
            ("province", Value),
            ("district", Value),
            ("grassroots", Value),
            ("branch", Value),
        ]),
    ),
    (
        "public",
        Table(&[
            ("title", Value),
            ("subtitle", Value),
            ("description", Value),
            ("base_url", Value),
        ]),
    ),
    ("top_level", Value),
    (
        "rounds",
        Array(&Table(&[
            ("id", Value),
            ("name", Value),
            ("title", Value),
            ("cutoff", Value),
            ("as_of", Value),
            ("estimate_year", Value),
            (
                "deadlines",
                Table(&[
                    ("province", Value),
                    ("district", Value),
                    ("grassroots", Value),
                    ("branch", Value),
                ]),
            ),
            ("illustrative", Value),
            ("description", Value),
            ("plan", Value),
            (
                "public",
                Table(&[
                    ("title", Value),
                    ("subtitle", Value),
                    ("description", Value),
                    ("base_url", Value),
                ]),
            ),
        ])),
    ),
    ("current_round", Value),
]);

/// A unit's indicator and a part of one share their keys. A static, not a
/// const, so the schema can refer to itself for `parts`.
static INDICATOR_SCHEMA: Schema = Table(&[
    ("id", Value),
    ("ref", Value),
    ("group", Value),
    ("description", Value),
    ("unit_of_measure", Value),
    ("target", Value),
    ("baseline", Value),
    ("actual", Value),
    ("period", Value),
    ("estimate", Value),
    ("stated", Value),
    ("note", Value),
    ("denominator", Value),
    ("measure", Value),
    ("actuals", Map),
    ("parts", Array(&INDICATOR_SCHEMA)),
    ("public", Value),
    ("count_parts", Value),
]);

const UNIT_SCHEMA: Schema = Table(&[
    ("name", Value),
    ("short_name", Value),
    ("slug", Value),
    ("level", Value),
    ("parent", Value),
    ("kind", Value),
    ("members", Value),
    ("organisations", Value),
    ("conference_date", Value),
    ("submitted", Value),
    ("document_number", Value),
    ("signer", Value),
    ("signer_title", Value),
    ("illustrative", Value),
    ("illustrative_fields", Value),
    ("summary", Value),
    ("stated_overall", Value),
    ("public", Value),
    ("indicators", Array(&INDICATOR_SCHEMA)),
]);

const HIGHLIGHT_SCHEMA: Schema = Table(&[
    ("title", Value),
    ("unit", Value),
    ("kind", Value),
    ("summary", Value),
    ("date", Value),
    ("release", Value),
    ("indicators", Value),
    ("image", Value),
    ("image_alt", Value),
    ("public", Value),
    ("illustrative_fields", Value),
    ("round", Value),
]);

const CATALOGUE_SCHEMA: Schema = Table(&[(
    "indicator",
    Array(&Table(&[
        ("id", Value),
        ("group", Value),
        ("description", Value),
        ("unit_of_measure", Value),
        ("target", Value),
        ("note", Value),
    ])),
)]);

/// The units' files the build cache knows, by the name shown in messages:
/// what each was on disk when a build read it, and its text's hash.
pub(crate) type Known = HashMap<String, (Stamp, u128)>;

/// Reads a whole site. Returns `None` when `site.toml` itself is unusable;
/// otherwise every readable unit, with problems pushed into `diags`.
///
/// With `known` (a build that keeps a build cache), a unit's file whose
/// stamp `known` holds is not read (its text is read only if it is asked
/// for; see [`Sources::add_unread`]), and every unit's file read has its
/// stamp kept in `sources` for the next cache.
///
/// The units' files are held packed (see [`crate::packed`]) but for the
/// first `unpacked` bytes of them: packing them and unpacking them again
/// for the model cost a build 3% of its CPU at 10,000 units, where they
/// are 123 MB (docs/performance.md, "CPU of a cold build on a quiet
/// machine").
pub(crate) fn load_site(
    root: &Path,
    known: Option<&Known>,
    unpacked: usize,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<SiteSource> {
    let config_path = root.join("site.toml");
    if !config_path.is_file() {
        diags.push(Diagnostic::error(
            Msg::new("no_site_toml").arg("dir", root.display()),
            Msg::new("no_site_toml_hint"),
        ));
        return None;
    }
    let config = read_toml::<RawConfig>(root, &config_path, &CONFIG_SCHEMA, sources, diags);
    if let Some((file, config)) = &config {
        check_theme(root, *file, config, diags);
    }

    let catalogue_path = root.join("indicators.toml");
    let present = fs::symlink_metadata(&catalogue_path).is_ok();
    let catalogue = if present {
        read_toml::<RawCatalogue>(root, &catalogue_path, &CATALOGUE_SCHEMA, sources, diags)
    } else {
        None
    };

    let reading = Reading {
        root,
        known,
        trusted_before: SystemTime::now() - STAMP_MARGIN,
        unpacked_left: AtomicUsize::new(unpacked),
    };
    let (units, unit_folders, round_units) = load_units(&reading, sources, diags);
    let highlights = load_highlights(root, sources, diags);
    Some(SiteSource {
        config,
        catalogue_failed: present && catalogue.is_none(),
        catalogue,
        units,
        unit_folders,
        highlights,
        round_units,
    })
}

/// The theme named in site.toml must be the built-in `default` or a folder
/// under themes/.
fn check_theme(root: &Path, file: FileId, config: &RawConfig, diags: &mut Diagnostics) {
    let Some(theme) = &config.theme else { return };
    let name = theme.get_ref();
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !valid {
        diags.push(
            Diagnostic::error(
                Msg::new("invalid_theme_name").arg("name", name),
                Msg::new("invalid_theme_name_hint"),
            )
            .at(file, theme.span()),
        );
        return;
    }
    let folder = root.join("themes").join(name);
    if name != "default" && !folder.is_dir() {
        diags.push(
            Diagnostic::error(
                Msg::new("no_theme").arg("name", name),
                Msg::new("no_theme_hint"),
            )
            .at(file, theme.span())
            .label(Msg::new("no_theme_label")),
        );
    }
}

/// One unit folder's files, read apart from the shared [`Sources`] so
/// folders can be loaded in parallel; merged in folder order afterwards.
struct LoadedUnit {
    id: String,
    sources: Sources,
    diags: Diagnostics,
    toml: Option<FileId>,
    report: Option<FileId>,
    /// The folders under `rounds/`: the round's id, the folder, and its
    /// unit.toml and report.md.
    rounds: Vec<(String, PathBuf, Option<FileId>, Option<FileId>)>,
}

fn load_units(
    reading: &Reading<'_>,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> (Vec<UnitFiles>, Vec<String>, Vec<RoundFiles>) {
    let root = reading.root;
    let units_dir = root.join("content").join("units");
    if let Some(problem) = folder_problem(root, &units_dir) {
        diags.push(problem);
        return (Vec::new(), Vec::new(), Vec::new());
    }
    let dirs = match list_unit_dirs(root, &units_dir, diags) {
        Ok(dirs) => dirs,
        Err(err) => {
            diags.push(Diagnostic::error(
                Msg::new("folder_unreadable")
                    .arg("path", display_path(root, &units_dir))
                    .arg("err", err),
                Msg::new("folder_unreadable_hint"),
            ));
            return (Vec::new(), Vec::new(), Vec::new());
        }
    };
    let loaded: Vec<LoadedUnit> = dirs
        .par_iter()
        .map(|(id, dir)| load_unit(reading, id, dir))
        .collect();

    let folders = dirs.iter().map(|(id, _)| id.clone()).collect();
    let mut units = Vec::with_capacity(loaded.len());
    let mut round_units = Vec::new();
    for unit in loaded {
        let offset = sources.append(unit.sources);
        diags.extend(unit.diags.offset_files(offset));
        for (round, path, toml, report) in unit.rounds {
            round_units.push(RoundFiles {
                round,
                path,
                files: toml.map(|file| UnitFiles {
                    id: unit.id.clone(),
                    file: file + offset,
                    report: report.map(|f| f + offset),
                    identity_only: false,
                }),
            });
        }
        if let Some(file) = unit.toml {
            units.push(UnitFiles {
                id: unit.id,
                file: file + offset,
                report: unit.report.map(|f| f + offset),
                identity_only: false,
            });
        }
    }
    (units, folders, round_units)
}

/// A unit folder's `rounds/<id>/` folders, each with its unit.toml and
/// report.md read into `sources`. A round folder without unit.toml is an
/// error: the unit has not reported in that round until it has one.
fn load_round_folders(
    reading: &Reading<'_>,
    dir: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Vec<(String, PathBuf, Option<FileId>, Option<FileId>)> {
    let root = reading.root;
    let rounds_dir = dir.join("rounds");
    if fs::symlink_metadata(&rounds_dir).is_err() {
        return Vec::new();
    }
    if let Some(problem) = folder_problem(root, &rounds_dir) {
        diags.push(problem);
        return Vec::new();
    }
    let folders = match list_unit_dirs(root, &rounds_dir, diags) {
        Ok(folders) => folders,
        Err(err) => {
            diags.push(Diagnostic::error(
                Msg::new("folder_unreadable")
                    .arg("path", display_path(root, &rounds_dir))
                    .arg("err", err),
                Msg::new("folder_unreadable_hint"),
            ));
            return Vec::new();
        }
    };
    let mut rounds = Vec::new();
    for (id, folder) in folders {
        let toml_path = folder.join("unit.toml");
        let toml = if let Ok(meta) = fs::symlink_metadata(&toml_path) {
            reading.unit_file(&toml_path, &meta, sources, diags)
        } else {
            diags.push(
                Diagnostic::error(
                    Msg::new("round_folder_without_toml").arg("path", display_path(root, &folder)),
                    Msg::new("round_folder_without_toml_hint"),
                )
                .at_path(&display_pathbuf(root, &folder), 1, 1),
            );
            None
        };
        let report_path = folder.join("report.md");
        let report = if let Ok(meta) = fs::symlink_metadata(&report_path) {
            reading.unit_file(&report_path, &meta, sources, diags)
        } else {
            None
        };
        rounds.push((id, display_pathbuf(root, &folder), toml, report));
    }
    rounds
}

fn list_unit_dirs(
    root: &Path,
    units_dir: &Path,
    diags: &mut Diagnostics,
) -> std::io::Result<Vec<(String, PathBuf)>> {
    if !units_dir.exists() {
        return Ok(Vec::new());
    }
    let mut dirs = Vec::new();
    for entry in fs::read_dir(units_dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        // A linked unit folder counts when it leads to a folder of the
        // site; a link outside, to nothing or in a loop is an error, not a
        // unit that silently disappears.
        let kind = entry.file_type()?;
        if kind.is_symlink()
            && let Some(problem) = link_problem(root, &entry.path())
        {
            diags.push(problem);
            continue;
        }
        // The folder's own listing tells a folder (no look at each, which
        // at 60,000 units took a tenth of a second); a link is followed.
        if !(kind.is_dir() || kind.is_symlink() && entry.path().is_dir()) {
            continue;
        }
        dirs.push((name, entry.path()));
    }
    dirs.sort();
    Ok(dirs)
}

fn load_unit(reading: &Reading<'_>, id: &str, dir: &Path) -> LoadedUnit {
    let root = reading.root;
    let mut sources = Sources::default();
    let mut diags = Diagnostics::default();
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        let suggestion = crate::vi::slugify(id);
        diags.push(
            Diagnostic::error(
                Msg::new("unit_folder_name").arg("id", id),
                Msg::new("unit_folder_name_hint").arg("suggestion", suggestion),
            )
            .at_path(&display_pathbuf(root, dir), 1, 1),
        );
    }
    let toml_path = dir.join("unit.toml");
    // An entry that exists but cannot be read (a folder, a broken link) is
    // reported by `read_text`, not taken for a missing file.
    let toml = if let Ok(meta) = fs::symlink_metadata(&toml_path) {
        reading.unit_file(&toml_path, &meta, &mut sources, &mut diags)
    } else {
        diags.push(
            Diagnostic::error(
                Msg::new("unit_without_toml").arg("path", display_path(root, dir)),
                Msg::new("unit_without_toml_hint"),
            )
            .at_path(&display_pathbuf(root, dir), 1, 1),
        );
        None
    };
    let report_path = dir.join("report.md");
    let report = if let Ok(meta) = fs::symlink_metadata(&report_path) {
        reading.unit_file(&report_path, &meta, &mut sources, &mut diags)
    } else {
        None
    };
    let rounds = load_round_folders(reading, dir, &mut sources, &mut diags);
    // Held packed until the model reads them, a unit at a time: the units'
    // files are the bulk of a site (740 MB at 60,000 units). The first of
    // them, up to the budget, are held as they are.
    if !reading.hold_unpacked(sources.plain_bytes()) {
        sources.pack();
    }
    LoadedUnit {
        id: id.to_string(),
        sources,
        diags,
        toml,
        report,
        rounds,
    }
}

/// How the units' files are read (see [`load_site`]).
struct Reading<'a> {
    root: &'a Path,
    known: Option<&'a Known>,
    /// A file modified or changed since is read, and its stamp not kept.
    trusted_before: SystemTime,
    /// The bytes of units' files still to be held unpacked (see
    /// [`load_site`]).
    unpacked_left: AtomicUsize,
}

impl Reading<'_> {
    /// Whether a unit's files of `bytes` are held unpacked: while the
    /// budget lasts.
    fn hold_unpacked(&self, bytes: usize) -> bool {
        self.unpacked_left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(bytes)
            })
            .is_ok()
    }
}

/// How old a file's times must be for its stamp to be kept: a file
/// written again within the same tick of the file system's clock (two
/// seconds on FAT) keeps its times, so only a stamp older than that says
/// the file is the one read.
const STAMP_MARGIN: Duration = Duration::from_secs(2);

impl Reading<'_> {
    /// Reads a unit's file (`meta`, its own metadata, not a link's target),
    /// or registers it unread when `known` has its stamp.
    fn unit_file(
        &self,
        path: &Path,
        meta: &fs::Metadata,
        sources: &mut Sources,
        diags: &mut Diagnostics,
    ) -> Option<FileId> {
        let Some(known) = self.known else {
            return read_text(self.root, path, sources, diags);
        };
        let stamp = stamp_of(meta, self.trusted_before);
        let name = display_path(self.root, path);
        if let Some(stamp) = stamp
            && let Some(&(was, hash)) = known.get(&name)
            && was == stamp
        {
            return Some(sources.add_unread(name, path.to_path_buf(), reread, (stamp, hash)));
        }
        let id = read_text(self.root, path, sources, diags)?;
        if let Some(stamp) = stamp {
            sources.set_stamp(id, stamp);
        }
        Some(id)
    }
}

/// The stamp of a plain file (not a link) whose times are older than
/// `before`.
#[cfg(unix)]
fn stamp_of(meta: &fs::Metadata, before: SystemTime) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    let before = i128::try_from(before.duration_since(UNIX_EPOCH).ok()?.as_nanos()).ok()?;
    let nanos = |(secs, nanos): (i64, i64)| i128::from(secs) * 1_000_000_000 + i128::from(nanos);
    let modified = (meta.mtime(), meta.mtime_nsec());
    let changed = (meta.ctime(), meta.ctime_nsec());
    (meta.file_type().is_file() && nanos(modified) < before && nanos(changed) < before).then(|| {
        Stamp {
            len: meta.len(),
            modified,
            changed,
            inode: meta.ino(),
        }
    })
}

/// Elsewhere every file is read.
#[cfg(not(unix))]
fn stamp_of(_: &fs::Metadata, _: SystemTime) -> Option<Stamp> {
    None
}

/// A unit's file not read by the load, read when its text is asked for:
/// as [`read_text`] would keep it, `None` if it could not keep it.
fn reread(path: &Path) -> Option<String> {
    let bytes = fs::read(path).ok()?;
    simdutf8::basic::from_utf8(&bytes).ok().map(lone_cr_to_lf)
}

/// Reads a file as UTF-8 text without a byte-order mark, registering it in
/// `sources`. Every way a file can be unusable as text is reported here; an
/// empty content file is one of them.
pub(crate) fn read_text(
    root: &Path,
    path: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<FileId> {
    read_text_with(root, path, false, sources, diags)
}

/// [`read_text`] for files that may be empty (templates).
pub(crate) fn read_text_allowing_empty(
    root: &Path,
    path: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<FileId> {
    read_text_with(root, path, true, sources, diags)
}

fn read_text_with(
    root: &Path,
    path: &Path,
    allow_empty: bool,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<FileId> {
    if let Some(problem) = link_problem(root, path) {
        diags.push(problem);
        return None;
    }
    let shown = display_pathbuf(root, path);
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            diags.push(
                Diagnostic::error(
                    Msg::new("cannot_read")
                        .arg("path", shown.display())
                        .arg("err", err),
                    Msg::new("cannot_read_hint"),
                )
                .at_path(&shown, 1, 1),
            );
            return None;
        }
    };
    if !allow_empty && bytes.iter().all(|b| b.is_ascii_whitespace()) {
        diags.push(
            Diagnostic::error(
                Msg::new("file_empty").arg("path", shown.display()),
                Msg::new("file_empty_hint"),
            )
            .at_path(&shown, 1, 1),
        );
        return None;
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        diags.push(
            Diagnostic::error(
                Msg::new("file_utf16").arg("path", shown.display()),
                Msg::new("file_utf16_hint"),
            )
            .at_path(&shown, 1, 1),
        );
        return None;
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        diags.push(
            Diagnostic::error(
                Msg::new("file_bom").arg("path", shown.display()),
                Msg::new("file_bom_hint"),
            )
            .at_path(&shown, 1, 1),
        );
        return None;
    }
    // Checked with SIMD first: most of a site's bytes are Vietnamese
    // letters, where the standard check is slow; a copy is cheaper.
    if let Ok(text) = simdutf8::basic::from_utf8(&bytes) {
        return Some(sources.add(shown.display().to_string(), lone_cr_to_lf(text)));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Some(sources.add(shown.display().to_string(), lone_cr_to_lf(&text))),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let before = String::from_utf8_lossy(&bytes[..valid]);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            diags.push(
                Diagnostic::error(
                    Msg::new("file_not_utf8")
                        .arg("path", shown.display())
                        .arg("byte", format!("{:02X}", bytes[valid]))
                        .arg("offset", valid),
                    Msg::new("file_not_utf8_hint"),
                )
                .at_path(&shown, line, column),
            );
            None
        }
    }
}

/// UTF-8 bytes as text, a lone CR (the line end of old Mac files) made an
/// LF: CR, LF and CRLF all end lines, for TOML, Markdown and the positions
/// of diagnostics alike. Byte for byte, so every span stays where it was.
fn lone_cr_to_lf(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\r') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        out.push(if rest.starts_with('\n') { '\r' } else { '\n' });
    }
    out.push_str(rest);
    out
}

fn read_toml<T: serde::de::DeserializeOwned>(
    root: &Path,
    path: &Path,
    schema: &Schema,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<(FileId, T)> {
    let file = read_text(root, path, sources, diags)?;
    let text = sources.text(file);
    parse_toml(file, &text, schema, diags).map(|value| (file, value))
}

/// Parses TOML text already in `sources` as `file`, checking its keys
/// against `schema`. Spans are byte offsets into `text`.
fn parse_toml<T: serde::de::DeserializeOwned>(
    file: FileId,
    text: &str,
    schema: &Schema,
    diags: &mut Diagnostics,
) -> Option<T> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for err in errors {
            diags.push(toml_error(file, &err, text.len()));
        }
        return None;
    }
    let before = diags.errors();
    check_keys(file, table.get_ref(), schema, diags);
    if diags.errors() > before {
        return None;
    }
    match T::deserialize(toml::de::Deserializer::from(table)) {
        Ok(value) => Some(value),
        Err(err) => {
            diags.push(toml_error(file, &err, text.len()));
            None
        }
    }
}

fn toml_error(file: FileId, err: &toml::de::Error, len: usize) -> Diagnostic {
    let message = plain_types(err.message().trim());
    let span = err.span().unwrap_or(0..0);
    let span = span.start.min(len)..span.end.min(len);
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'));
    let (message, hint) = match missing {
        Some(key) => (
            Msg::new("toml_missing_field").arg("key", key),
            Msg::new("toml_missing_field_hint"),
        ),
        None if message.contains("invalid type") => (
            Msg::new("toml_invalid_type").arg("detail", &message),
            Msg::new("toml_invalid_type_hint"),
        ),
        None => (
            Msg::new("toml_syntax").arg("detail", &message),
            Msg::new("toml_syntax_hint"),
        ),
    };
    Diagnostic::error(message, hint).at(file, span)
}

/// Serde names Rust types ("expected i64"); people read "a whole number".
fn plain_types(message: &str) -> String {
    [
        ("i64", "a whole number"),
        ("i32", "a whole number"),
        ("f64", "a number"),
        ("a boolean", "true or false"),
        ("string or map", "text"),
    ]
    .iter()
    .fold(message.to_string(), |m, (from, to)| {
        m.replace(&format!("expected {from}"), &format!("expected {to}"))
    })
}

fn check_keys(file: FileId, table: &DeTable<'_>, schema: &Schema, diags: &mut Diagnostics) {
    let Table(fields) = schema else { return };
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        match fields.iter().find(|(k, _)| *k == name) {
            Some((_, inner)) => check_value(file, value.get_ref(), inner, diags),
            None => {
                let known = fields.iter().map(|(k, _)| *k);
                let hint = did_you_mean_msg(name, known.clone()).unwrap_or_else(|| {
                    Msg::new("unknown_key_hint").arg("keys", known.collect::<Vec<_>>().join(", "))
                });
                diags.push(
                    Diagnostic::error(Msg::new("unknown_key").arg("key", name), hint)
                        .at(file, key.span())
                        .label(Msg::new("unknown_key_label")),
                );
            }
        }
    }
}

fn check_value(file: FileId, value: &DeValue<'_>, schema: &Schema, diags: &mut Diagnostics) {
    match (value, schema) {
        (DeValue::Table(table), Table(_)) => check_keys(file, table, schema, diags),
        (DeValue::Array(items), Array(inner)) => {
            for item in items.iter() {
                if let DeValue::Table(table) = item.get_ref() {
                    check_keys(file, table, inner, diags);
                }
            }
        }
        // Wrong shapes are left to serde, which names the expected type.
        _ => {}
    }
}

/// Reads every `content/highlights/*.md`, in file-name order.
fn load_highlights(
    root: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Vec<HighlightSource> {
    let dir = root.join("content").join("highlights");
    if let Some(problem) = folder_problem(root, &dir) {
        diags.push(problem);
        return Vec::new();
    }
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    match fs::read_dir(&dir) {
        Ok(entries) => {
            for entry in entries.flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') || !name.ends_with(".md") {
                    continue;
                }
                if let Some(problem) = link_problem(root, &path) {
                    diags.push(problem);
                    continue;
                }
                if path.is_file() {
                    files.push((name, path));
                }
            }
        }
        Err(err) => {
            diags.push(Diagnostic::error(
                Msg::new("folder_unreadable")
                    .arg("path", display_path(root, &dir))
                    .arg("err", err),
                Msg::new("folder_unreadable_hint"),
            ));
            return Vec::new();
        }
    }
    files.sort();
    files
        .into_iter()
        .filter_map(|(name, path)| load_highlight(root, &dir, &name, &path, sources, diags))
        .collect()
}

fn load_highlight(
    root: &Path,
    dir: &Path,
    name: &str,
    path: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Option<HighlightSource> {
    let slug = name.strip_suffix(".md").unwrap_or(name).to_string();
    let file = read_text(root, path, sources, diags)?;
    if slug.is_empty()
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        diags.push(
            Diagnostic::error(
                Msg::new("highlight_slug").arg("name", name),
                Msg::new("highlight_slug_hint").arg("suggestion", crate::vi::slugify(&slug)),
            )
            .at(file, 0..0),
        );
        return None;
    }
    let text = sources.text(file);
    let Some((front, body)) = front_matter(&text) else {
        diags.push(
            Diagnostic::error(
                Msg::new("highlight_front_matter"),
                Msg::new("highlight_front_matter_hint"),
            )
            .at(file, 0..text.find('\n').unwrap_or(text.len())),
        );
        return None;
    };
    // The front matter is parsed in place (the rest blanked out, byte for
    // byte), so the spans of its values are offsets into the file.
    let masked: String = text
        .char_indices()
        .map(|(i, c)| {
            if front.contains(&i) || c == '\n' {
                c.to_string()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect();
    let data: RawHighlight = parse_toml(file, &masked, &HIGHLIGHT_SCHEMA, diags)?;
    let image = data.image.as_ref().and_then(|image| {
        let written = image.get_ref();
        let ok_name =
            !written.is_empty() && !written.contains(['/', '\\']) && !written.starts_with('.');
        let ext = written
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase());
        let known = matches!(
            ext.as_deref(),
            Some("png" | "jpg" | "jpeg" | "webp" | "gif")
        );
        let path = dir.join(written);
        let link = (ok_name && known)
            .then(|| link_problem(root, &path))
            .flatten()
            .map(|problem| problem.at(file, image.span()));
        if let Some(problem) = link {
            diags.push(problem);
            None
        } else if !ok_name || !known {
            diags.push(
                Diagnostic::error(
                    Msg::new("image_name").arg("name", written),
                    Msg::new("image_name_hint"),
                )
                .at(file, image.span()),
            );
            None
        } else if !path.is_file() {
            diags.push(
                Diagnostic::error(
                    Msg::new("image_missing").arg("name", written),
                    Msg::new("image_missing_hint"),
                )
                .at(file, image.span()),
            );
            None
        } else {
            Some(path)
        }
    });
    Some(HighlightSource {
        slug,
        file,
        data,
        body,
        image,
    })
}

/// The byte ranges of the front matter (between the `+++` lines) and of the
/// body after it, when the text starts with a `+++` line and has another.
fn front_matter(text: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let first = text.find('\n')?;
    if text[..first].trim_end() != "+++" {
        return None;
    }
    let start = first + 1;
    let mut pos = start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |n| pos + n);
        if text[pos..end].trim_end() == "+++" {
            let body = (end + 1).min(text.len());
            return Some((start..pos, body..text.len()));
        }
        pos = end + 1;
    }
    None
}

/// Why a path under the site folder cannot be used: a symbolic link that
/// leads outside the site, to nothing, or round in a loop. ketqua takes
/// only what is inside the site folder: this is the one rule for content,
/// templates, static files, themes and highlight images, in `build`,
/// `build --public` and `serve` alike. `None` for a path that is no link,
/// or a link to something inside the site.
pub(crate) fn link_problem(root: &Path, path: &Path) -> Option<Diagnostic> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    let shown = display_path(root, path);
    let target = fs::read_link(path)
        .map(|t| t.display().to_string())
        .unwrap_or_default();
    let problem = match fs::canonicalize(path) {
        Ok(resolved) if resolves_inside(root, &resolved) => return None,
        Ok(resolved) => Diagnostic::error(
            Msg::new("link_outside")
                .arg("link", &shown)
                .arg("target", &target)
                .arg("resolved", resolved.display()),
            Msg::new("link_outside_hint"),
        ),
        Err(_) if loops(path) => Diagnostic::error(
            Msg::new("link_loop")
                .arg("link", &shown)
                .arg("target", &target),
            Msg::new("link_fix_hint"),
        ),
        Err(_) => Diagnostic::error(
            Msg::new("link_dangling")
                .arg("link", &shown)
                .arg("target", &target),
            Msg::new("link_fix_hint"),
        ),
    };
    Some(problem.at_path(Path::new(&shown), 1, 1))
}

/// [`link_problem`] for a folder and each folder between it and the site
/// folder (`content/units`: `content`, then `content/units`).
pub(crate) fn folder_problem(root: &Path, folder: &Path) -> Option<Diagnostic> {
    let rel = folder.strip_prefix(root).ok()?;
    let mut path = root.to_path_buf();
    for part in rel.components() {
        path.push(part);
        if let Some(problem) = link_problem(root, &path) {
            return Some(problem);
        }
    }
    None
}

/// Whether `resolved`, a path with every link resolved, is inside the site
/// folder `root` (resolved too). `serve` asks it for every static file it
/// sends, in case a link changed after the site was loaded.
pub(crate) fn resolves_inside(root: &Path, resolved: &Path) -> bool {
    fs::canonicalize(root).is_ok_and(|root| resolved.starts_with(root))
}

/// Whether a link that cannot be resolved goes round in a loop (rather than
/// to nothing): followed link by link, it is still a link after as many
/// steps as the system allows.
fn loops(path: &Path) -> bool {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => match fs::read_link(&current) {
                Ok(target) => {
                    let base = current.parent().map(Path::to_path_buf).unwrap_or_default();
                    current = base.join(target);
                }
                Err(_) => return false,
            },
            // A folder on the way may itself loop.
            Ok(_) => return false,
            // `ErrorKind::FilesystemLoop` is not stable yet: its name is.
            Err(err) => return format!("{:?}", err.kind()) == "FilesystemLoop",
        }
    }
    true
}

/// The path shown to people: relative to the site root when inside it.
fn display_pathbuf(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn display_path(root: &Path, path: &Path) -> String {
    display_pathbuf(root, path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_the_build_cache_knows_unchanged_is_not_read_and_one_that_changed_is_told() {
        use crate::diag::text_hash;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (a, b) = (root.join("a.md"), root.join("b.md"));
        fs::write(&a, "Dòng một.\rDòng hai.\n").unwrap();
        fs::write(&b, "Báo cáo B.\n").unwrap();
        let meta = |p: &Path| fs::symlink_metadata(p).unwrap();
        // Files written just now are too recent for their stamps to be kept.
        assert_eq!(stamp_of(&meta(&a), SystemTime::now() - STAMP_MARGIN), None);
        let later = SystemTime::now() + Duration::from_secs(3600);
        let stamp = |p: &Path| stamp_of(&meta(p), later).unwrap();
        let known: Known = [
            (
                "a.md".to_string(),
                (stamp(&a), text_hash("Dòng một.\nDòng hai.\n")),
            ),
            (
                "b.md".to_string(),
                (stamp(&b), text_hash("Một văn bản cũ.\n")),
            ),
        ]
        .into();
        let reading = Reading {
            root,
            known: Some(&known),
            trusted_before: later,
            unpacked_left: AtomicUsize::new(0),
        };
        let mut sources = Sources::default();
        let mut diags = Diagnostics::default();
        let read = |p: &Path, sources: &mut Sources, diags: &mut Diagnostics| {
            reading.unit_file(p, &meta(p), sources, diags).unwrap()
        };
        let ia = read(&a, &mut sources, &mut diags);
        let ib = read(&b, &mut sources, &mut diags);
        assert_eq!(sources.unread(), 2);
        assert_eq!(sources.hash(ib), text_hash("Một văn bản cũ.\n"));
        // Read when asked for, as the load keeps it (a lone CR ends a line).
        assert_eq!(sources.text(ia), "Dòng một.\nDòng hai.\n");
        assert!(sources.changed().is_empty());
        // A file of a changed stamp is read, and its new stamp kept.
        fs::write(&a, "Báo cáo A, đã sửa.\n").unwrap();
        let again = read(&a, &mut sources, &mut diags);
        assert!(diags.is_empty());
        assert_eq!(sources.unread(), 2);
        // Its text is no longer the one the cache knew: told, never used.
        assert_eq!(sources.text(ib), "");
        assert_eq!(sources.changed(), vec![ib]);
        assert_eq!(sources.text(again), "Báo cáo A, đã sửa.\n");
        let stamps: Vec<_> = sources
            .stamps()
            .map(|(name, s, h)| (name.to_string(), s, h))
            .collect();
        assert_eq!(stamps.len(), 3);
        assert_eq!(
            stamps[2],
            (
                "a.md".to_string(),
                stamp(&a),
                text_hash("Báo cáo A, đã sửa.\n")
            )
        );
        assert_ne!(stamps[2].1, stamps[0].1);
    }

    fn keys_of(schema: &Schema) -> Vec<&'static str> {
        match schema {
            Table(fields) => fields.iter().map(|(k, _)| *k).collect(),
            _ => Vec::new(),
        }
    }

    /// The schema lists must name exactly the fields serde accepts, or a key
    /// would be rejected by one and accepted by the other.
    #[test]
    fn schemas_match_structs() {
        fn accepted<T: serde::de::DeserializeOwned>(src: &str) -> Result<T, String> {
            toml::from_str::<T>(src).map_err(|e| e.message().to_string())
        }
        for key in keys_of(&UNIT_SCHEMA) {
            let src = format!("name = \"A\"\nlevel = \"branch\"\n{key} = 1\n");
            let err = accepted::<RawUnit>(&src).err().unwrap_or_default();
            assert!(!err.contains("unknown field"), "{key}: {err}");
        }
        for key in keys_of(&INDICATOR_SCHEMA) {
            let src = format!("{key} = 1\n");
            let err = accepted::<RawIndicator>(&src).err().unwrap_or_default();
            assert!(!err.contains("unknown field"), "{key}: {err}");
        }
        let err = accepted::<RawUnit>("name = \"A\"\nlevel = \"branch\"\nzzz = 1\n").unwrap_err();
        assert!(err.contains("unknown field"));
    }

    #[test]
    fn every_unknown_key_is_reported_with_a_hint() {
        let mut sources = Sources::default();
        let text = "name = \"A\"\nlevel = \"branch\"\nmemebrs = 3\nsignr = \"B\"\n";
        let file = sources.add("unit.toml".into(), text.into());
        let (table, errors) = DeTable::parse_recoverable(text);
        assert!(errors.is_empty());
        let mut diags = Diagnostics::default();
        check_keys(file, table.get_ref(), &UNIT_SCHEMA, &mut diags);
        let found: Vec<_> = diags
            .iter()
            .map(|d| (d.message_en().to_string(), d.hint_en().map(str::to_string)))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].1.as_deref(), Some("did you mean `members`?"));
        assert_eq!(found[1].1.as_deref(), Some("did you mean `signer`?"));
        assert_eq!(
            diags.iter().next().unwrap().position(&sources),
            "unit.toml:3:1"
        );
    }
}
