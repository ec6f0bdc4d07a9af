//! Highlights for the press (`content/highlights/<slug>.md`): resolving the
//! loaded front matter against the units and indicators, with a diagnostic
//! for every bad field. No IO (the image was found by `load`).

use jiff::civil::Date;

use crate::diag::{Diagnostic, Diagnostics, FileId, Msg, Sources, did_you_mean, did_you_mean_msg};
use crate::i18n::{Language, Strings};
use crate::load::{HighlightSource, RawHighlight};
use crate::markdown;
use crate::model::{
    self, CatalogueEntry, Highlight, HighlightImage, HighlightKind, Indicator, Unit,
};

/// What highlights are resolved against.
#[derive(Clone, Copy)]
pub(crate) struct Known<'a> {
    pub units: &'a [Unit],
    pub catalogue: &'a [CatalogueEntry],
    /// Every unit folder, also those whose unit.toml could not be used: a
    /// highlight naming one of those is not a problem of its own.
    pub folders: &'a [String],
}

/// Resolves every highlight; `today` is the build date the embargo is
/// judged at. Returns them newest first (by date, then slug).
pub(crate) fn resolve(
    sources_in: &[HighlightSource],
    known: Known<'_>,
    sources: &Sources,
    diags: &mut Diagnostics,
    today: Date,
    language: Language,
) -> Vec<Highlight> {
    let labels = markdown::Labels::new(&Strings::new(language));
    let mut out: Vec<Highlight> = sources_in
        .iter()
        .filter_map(|h| resolve_one(h, known, sources, diags, today, &labels))
        .collect();
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    out
}

fn resolve_one(
    src: &HighlightSource,
    known: Known<'_>,
    sources: &Sources,
    diags: &mut Diagnostics,
    today: Date,
    labels: &markdown::Labels,
) -> Option<Highlight> {
    let file = src.file;
    let raw = &src.data;
    let before = diags.errors();
    for (key, value) in [("title", &raw.title), ("summary", &raw.summary)] {
        if value.get_ref().trim().is_empty() {
            diags.push(
                Diagnostic::error(format!("the highlight's {key} is empty"))
                    .at(file, value.span())
                    .hint("journalists quote it: write it in full"),
            );
        }
    }
    let unit_id = raw.unit.get_ref();
    let Known {
        units,
        catalogue,
        folders,
    } = known;
    let unit = units.iter().position(|u| &u.id == unit_id);
    if unit.is_none() && folders.contains(unit_id) {
        // The unit's unit.toml could not be used: that is the problem.
        diags.suppress();
    } else if unit.is_none() {
        diags.push(
            Diagnostic::error_msg(Msg::new("no_unit").arg("unit", unit_id))
                .at(file, raw.unit.span())
                .label_msg(Msg::new("highlight_no_unit_label"))
                .hint_msg(
                    did_you_mean_msg(unit_id, units.iter().map(|u| u.id.as_str()))
                        .unwrap_or_else(|| Msg::new("highlight_unit_hint")),
                ),
        );
    }
    let kind = HighlightKind::parse(raw.kind.get_ref());
    if kind.is_none() {
        let found = raw.kind.get_ref();
        diags.push(
            Diagnostic::error(format!("unknown highlight kind `{found}`"))
                .at(file, raw.kind.span())
                .hint(
                    did_you_mean(found, HighlightKind::ALL.map(HighlightKind::key))
                        .unwrap_or_else(|| {
                            "the kinds are result (kết quả nổi bật), model (mô hình, cách làm hay) and lesson (bài học kinh nghiệm)".into()
                        }),
                ),
        );
    }
    let date = model::date(file, &raw.date, diags);
    let release = match &raw.release {
        Some(r) => model::date(file, r, diags),
        None => date,
    };
    if let (Some(d), Some(r), Some(written)) = (date, release, &raw.release)
        && r < d
    {
        diags.push(
            Diagnostic::error("the release date is before the highlight's date")
                .at(file, written.span())
                .hint("`release` is the day it may be published: on or after `date`"),
        );
    }
    let date_illustrative = illustrative_date(file, raw, diags);
    let mut indicators = Vec::new();
    if let Some(u) = unit {
        for written in &raw.indicators {
            match find_indicator(&units[u], written.get_ref()) {
                Some(id) => indicators.push(id),
                None => {
                    let unit = &units[u];
                    let mut known: Vec<&str> = Vec::new();
                    for i in &unit.indicators {
                        known.extend(i.components().iter().map(|c| c.id.as_str()));
                        known.push(&i.id);
                        known.extend(i.catalogue.as_deref());
                    }
                    let in_catalogue = catalogue.iter().any(|c| &c.id == written.get_ref());
                    diags.push(
                        Diagnostic::error(format!(
                            "unit `{}` has no indicator `{}`",
                            unit.id,
                            written.get_ref()
                        ))
                        .at(file, written.span())
                        .maybe_hint(did_you_mean(written.get_ref(), known).or_else(|| {
                            Some(if in_catalogue {
                                "this catalogue indicator is not used by the unit: add it to its unit.toml".into()
                            } else {
                                "name the id of one of the unit's indicators (or of its catalogue entry)".into()
                            })
                        })),
                    );
                }
            }
        }
    }
    if let Some(alt) = &raw.image_alt
        && raw.image.is_none()
    {
        diags.push(
            Diagnostic::warning("`image_alt` without an `image`")
                .at(file, alt.span())
                .hint("add `image = \"…\"` or remove `image_alt`"),
        );
    }
    let image = match (&src.image, &raw.image) {
        (Some(path), Some(written)) => {
            let alt = raw
                .image_alt
                .as_ref()
                .map(|a| a.get_ref().trim().to_string())
                .unwrap_or_default();
            if alt.is_empty() {
                diags.push(
                    Diagnostic::error("an image needs a text alternative")
                        .at(file, written.span())
                        .hint("add `image_alt = \"…\"`: what the picture shows, for readers who cannot see it"),
                );
            }
            let extension = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            Some(HighlightImage {
                path: path.clone(),
                extension,
                alt,
            })
        }
        _ => None,
    };
    let text = sources.text(file);
    let body_text = text.get(src.body.clone()).unwrap_or("");
    let body = markdown::render(body_text, "hl", labels);
    for p in &body.problems {
        let d = match p.severity {
            markdown::Severity::Error => Diagnostic::error(p.message.clone()),
            markdown::Severity::Warning => Diagnostic::warning(p.message.clone()),
        };
        let span = p.span.start + src.body.start..p.span.end + src.body.start;
        diags.push(d.at(file, span).maybe_hint(p.hint.clone()));
    }
    if diags.errors() > before {
        return None;
    }
    let (unit, kind, date, release) = (unit?, kind?, date?, release?);
    Some(Highlight {
        slug: src.slug.clone(),
        file,
        title: raw.title.get_ref().trim().to_string(),
        unit,
        kind,
        summary: raw.summary.get_ref().trim().to_string(),
        date,
        release,
        date_illustrative,
        released: release <= today,
        indicators,
        image,
        public: raw.public,
        body,
        body_source: body_text.trim().to_string(),
    })
}

/// `illustrative_fields` of a highlight: its `date` is the one fact it gives
/// besides its text (whose figures are the unit's); `release` is the
/// office's own decision, never a fact of a document.
fn illustrative_date(file: FileId, raw: &RawHighlight, diags: &mut Diagnostics) -> bool {
    let mut marked = false;
    for name in &raw.illustrative_fields {
        if name.get_ref() == "date" {
            marked = true;
        } else {
            diags.push(
                Diagnostic::error(format!(
                    "unknown field `{}` in `illustrative_fields`",
                    name.get_ref()
                ))
                .at(file, name.span())
                .hint("the only field of a highlight that can be marked is `date`"),
            );
        }
    }
    marked
}

/// The id of the unit's indicator (or part) named by `written`: its own id,
/// or the catalogue id it refers to.
fn find_indicator(unit: &Unit, written: &str) -> Option<String> {
    let all = || {
        unit.indicators
            .iter()
            .flat_map(|i| std::iter::once(i).chain(&i.parts))
    };
    all()
        .find(|i: &&Indicator| i.id == written)
        .or_else(|| all().find(|i| i.catalogue.as_deref() == Some(written)))
        .map(|i| i.id.to_string())
}

/// Warnings about public highlights that the public build will cut: their
/// unit is not public, or an indicator they cite is not.
pub(crate) fn check_public(site: &model::Site, diags: &mut Diagnostics) {
    for h in site.highlights.iter().filter(|h| h.public) {
        let unit = &site.units[h.unit];
        if !unit.public {
            diags.push(
                Diagnostic::warning(format!(
                    "highlight `{}` is public but its unit `{}` is not: it is left out of the public build",
                    h.slug, unit.id
                ))
                .at(h.file, 0..0)
                .hint("add `public = true` to the unit's unit.toml, or remove `public = true` here"),
            );
            continue;
        }
        for id in &h.indicators {
            let public = unit
                .indicators
                .iter()
                .any(|i| i.public && (i.id == *id || i.parts.iter().any(|p| p.id == *id)));
            if !public {
                diags.push(
                    Diagnostic::warning(format!(
                        "highlight `{}` cites indicator `{id}`, which is not public: the public build leaves it out",
                        h.slug
                    ))
                    .at(h.file, 0..0)
                    .hint("add `public = true` to the indicator in the unit's unit.toml"),
                );
            }
        }
    }
}
