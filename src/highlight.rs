//! Highlights for the press (`content/highlights/<slug>.md`): resolving the
//! loaded front matter against the units and indicators, with a diagnostic
//! for every bad field. No IO (the image was found by `load`).

use jiff::civil::Date;

use crate::diag::{Diagnostic, Diagnostics, FileId, Msg, Sources, did_you_mean_msg};
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
    for (key, value) in [
        ("highlight_title_empty", &raw.title),
        ("highlight_summary_empty", &raw.summary),
    ] {
        if value.get_ref().trim().is_empty() {
            diags.push(
                Diagnostic::error(Msg::new(key), Msg::new("highlight_empty_hint"))
                    .at(file, value.span()),
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
            Diagnostic::error(
                Msg::new("no_unit").arg("unit", unit_id),
                did_you_mean_msg(unit_id, units.iter().map(|u| u.id.as_str()))
                    .unwrap_or_else(|| Msg::new("highlight_unit_hint")),
            )
            .at(file, raw.unit.span())
            .label(Msg::new("highlight_no_unit_label")),
        );
    }
    let kind = HighlightKind::parse(raw.kind.get_ref());
    if kind.is_none() {
        let found = raw.kind.get_ref();
        diags.push(
            Diagnostic::error(
                Msg::new("highlight_kind").arg("kind", found),
                did_you_mean_msg(found, HighlightKind::ALL.map(HighlightKind::key))
                    .unwrap_or_else(|| Msg::new("highlight_kind_hint")),
            )
            .at(file, raw.kind.span()),
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
            Diagnostic::error(
                Msg::new("release_before_date"),
                Msg::new("release_before_date_hint"),
            )
            .at(file, written.span()),
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
                        Diagnostic::error(
                            Msg::new("highlight_no_indicator")
                                .arg("unit", &unit.id)
                                .arg("indicator", written.get_ref()),
                            did_you_mean_msg(written.get_ref(), known).unwrap_or_else(|| {
                                Msg::new(if in_catalogue {
                                    "highlight_indicator_unused_hint"
                                } else {
                                    "highlight_indicator_hint"
                                })
                            }),
                        )
                        .at(file, written.span()),
                    );
                }
            }
        }
    }
    if let Some(alt) = &raw.image_alt
        && raw.image.is_none()
    {
        diags.push(
            Diagnostic::warning(Msg::new("alt_without_image"))
                .at(file, alt.span())
                .hint(Msg::new("alt_without_image_hint")),
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
                    Diagnostic::error(
                        Msg::new("image_without_alt"),
                        Msg::new("image_without_alt_hint"),
                    )
                    .at(file, written.span()),
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
        let d = p.diagnostic();
        let span = p.span.start + src.body.start..p.span.end + src.body.start;
        diags.push(d.at(file, span));
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
                Diagnostic::error(
                    Msg::new("unknown_field").arg("field", name.get_ref()),
                    Msg::new("highlight_field_hint"),
                )
                .at(file, name.span()),
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
                Diagnostic::warning(
                    Msg::new("highlight_unit_internal")
                        .arg("highlight", &h.slug)
                        .arg("unit", &unit.id),
                )
                .at(h.file, 0..0)
                .hint(Msg::new("highlight_unit_internal_hint")),
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
                    Diagnostic::warning(
                        Msg::new("highlight_indicator_internal")
                            .arg("highlight", &h.slug)
                            .arg("id", id),
                    )
                    .at(h.file, 0..0)
                    .hint(Msg::new("highlight_indicator_internal_hint")),
                );
            }
        }
    }
}
